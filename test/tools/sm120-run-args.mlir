// sm120-run answers bad arguments with its usage and exit status 2 before
// touching a GPU, and documents every option.
// RUN: not %sm120_run --repeat -1 2>&1 | FileCheck %s --check-prefix=NEG
// RUN: not %sm120_run %fixture-missing-bundle --repeat x 2>&1 | FileCheck %s --check-prefix=NAN
// RUN: not %sm120_run 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: %sm120_run --help 2>&1 | FileCheck %s --check-prefix=HELP
// NEG: sm120-run: bad argument '-1'
// NEG: usage: {{.*}}sm120-run <bundle-dir>
// NAN: sm120-run: bad argument 'x'
// NONE: usage:
// HELP: --no-check     time only
// HELP: --repeat N     N further checked launches (fresh poisoned outputs,
// HELP: --show-mismatches N

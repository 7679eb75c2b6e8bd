#!/usr/bin/env bash
# Compiles the backend fixture kernel (test/Target/Inputs/fixture_fp8_tile)
# into bundles for sm_90a and sm_120a under $1 (default build/fixture-bundles),
# for the runtime's GPU test on a machine without the compiler.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
out="${1:-$build/fixture-bundles}"
fixture="$root/test/Target/Inputs/fixture_fp8_tile"
lower=(--sm120-lower-kernel-to-llvm)
for chip in sm_90a sm_120a; do
  rm -rf "$out/$chip"
  cat "$fixture/kernel.mlir" "$fixture/mma_${chip/_/}.mlir" |
    "$build/bin/sm120-opt" "${lower[@]}" \
      --sm120-serialize="chip=$chip output=$out/$chip report=true" -o /dev/null
done

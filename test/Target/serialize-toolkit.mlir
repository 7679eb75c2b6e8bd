// REQUIRES: cuda-toolkit
// How the assembler is found, and what happens without one or when it fails.
// RUN: rm -rf %t && mkdir -p %t/empty %t/ptxas-only/bin

// Without a toolkit the pass stops at PTX with a warning and writes no cubin.
// RUN: cat %fixture/kernel.mlir %fixture/mma_sm90a.mlir | sm120-opt %lower-to-llvm --sm120-serialize="chip=sm_90a output=%t/no-toolkit toolkit=%t/empty" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOTK
// RUN: test -s %t/no-toolkit/fixture_fp8_tile.sm_90a.ptx
// RUN: not test -e %t/no-toolkit/manifest.json
// NOTK: warning: no CUDA toolkit found (set CUDA_HOME or the 'toolkit' option): stopped at PTX, wrote {{.*}}no-toolkit/fixture_fp8_tile.sm_90a.ptx and no cubin or manifest

// Without libnvJitLink the ptxas executable assembles the cubin.
// RUN: ln -s %cuda_home/bin/ptxas %t/ptxas-only/bin/ptxas
// RUN: cat %fixture/kernel.mlir %fixture/mma_sm90a.mlir | sm120-opt %lower-to-llvm --sm120-serialize="chip=sm_90a output=%t/ptxas toolkit=%t/ptxas-only report=true" -o /dev/null | FileCheck %s --check-prefix=PTXAS
// RUN: test -s %t/ptxas/fixture_fp8_tile.sm_90a.cubin
// PTXAS: fixture_fp8_tile for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads, 0 bytes stack, 0 bytes static smem (ptxas)

// An assembler failure is an error carrying the assembler's log, from
// either assembler, and leaves no manifest behind, but the PTX it rejected.
// RUN: not sm120-opt %S/Inputs/ptxas-rejects.mlir %lower-to-llvm --sm120-serialize="chip=sm_90a output=%t/bad" -o /dev/null 2>&1 | FileCheck %s --check-prefixes=BAD,JIT
// RUN: not sm120-opt %S/Inputs/ptxas-rejects.mlir %lower-to-llvm --sm120-serialize="chip=sm_90a output=%t/bad toolkit=%t/ptxas-only" -o /dev/null 2>&1 | FileCheck %s --check-prefixes=BAD,PTXAS-FAIL
// RUN: not test -e %t/bad/manifest.json
// RUN: test -s %t/bad/k.sm_90a.ptx
// JIT: error: nvJitLink failed to assemble the PTX for sm_90a:
// PTXAS-FAIL: error: ptxas failed to assemble the PTX for sm_90a:
// BAD: tcgen05.fence{{.*}}

// REQUIRES: cuda-toolkit
// Masked grouped GEMMs (FP4 with UE8M0 block-32 scales, FP8 with a runtime
// max_m, NVFP4 accumulating into an FP32 C, BF16 decode groups, mixed
// FP8 x FP4) assemble for sm_120a and for the twin without spills; the
// manifest bounds the persistent grid by G times one group's tiles.
// RUN: rm -rf %t && mkdir -p %t
// RUN: sm120-opt %examples/moe_grouped_masked.mlir --sm120-compile="chip=sm_120a output=%t/fp4_120 report=true" -o /dev/null | FileCheck %s --check-prefix=FP4
// RUN: sm120-opt %examples/moe_grouped_masked.mlir --sm120-compile="chip=sm_90a output=%t/fp4_90 report=true" -o /dev/null | FileCheck %s --check-prefix=FP4-90
// RUN: sm120-opt %S/Inputs/masked/fp8.mlir --sm120-compile="chip=sm_120a output=%t/fp8_120 report=true" -o /dev/null | FileCheck %s --check-prefix=FP8
// RUN: sm120-opt %S/Inputs/masked/fp8.mlir --sm120-compile="chip=sm_90a output=%t/fp8_90 report=true" -o /dev/null | FileCheck %s --check-prefix=FP8-90
// RUN: sm120-opt %S/Inputs/masked/nvfp4_c.mlir --sm120-compile="chip=sm_120a output=%t/nvfp4_120 report=true" -o /dev/null | FileCheck %s --check-prefix=NVFP4
// RUN: sm120-opt %S/Inputs/masked/nvfp4_c.mlir --sm120-compile="chip=sm_90a output=%t/nvfp4_90 report=true" -o /dev/null | FileCheck %s --check-prefix=NVFP4-90
// RUN: sm120-opt %S/Inputs/masked/bf16_small.mlir --sm120-compile="chip=sm_120a output=%t/bf16_120 report=true" -o /dev/null | FileCheck %s --check-prefix=BF16
// RUN: sm120-opt %S/Inputs/masked/bf16_small.mlir --sm120-compile="chip=sm_90a output=%t/bf16_90 report=true" -o /dev/null | FileCheck %s --check-prefix=BF16-90
// RUN: sm120-opt %S/Inputs/masked/fp8_fp4.mlir --sm120-compile="chip=sm_120a output=%t/mixed_120 report=true" -o /dev/null | FileCheck %s --check-prefix=MIXED
// RUN: sm120-opt %S/Inputs/masked/fp8_fp4.mlir --sm120-compile="chip=sm_90a output=%t/mixed_90 report=true" -o /dev/null | FileCheck %s --check-prefix=MIXED-90
// RUN: sm120-opt %S/Inputs/masked/fp8_swap.mlir --sm120-compile="chip=sm_120a output=%t/swap_120 report=true" -o /dev/null | FileCheck %s --check-prefix=SWAP
// RUN: sm120-opt %S/Inputs/masked/fp8_swap.mlir --sm120-compile="chip=sm_90a output=%t/swap_90 report=true" -o /dev/null | FileCheck %s --check-prefix=SWAP-90
// RUN: sm120-opt %S/Inputs/masked/bf16_swap_c.mlir --sm120-compile="chip=sm_120a output=%t/swapc_120 report=true" -o /dev/null | FileCheck %s --check-prefix=SWAPC
// RUN: sm120-opt %S/Inputs/masked/bf16_swap_c.mlir --sm120-compile="chip=sm_90a output=%t/swapc_90 report=true" -o /dev/null | FileCheck %s --check-prefix=SWAPC-90
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/fp8_120/manifest.json
// FP4: moe_masked_32x4096x2048 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// FP4-90: moe_masked_32x4096x2048 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// FP8: masked_fp8 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// FP8-90: masked_fp8 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// NVFP4: masked_nvfp4_c for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// NVFP4-90: masked_nvfp4_c for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BF16: masked_bf16 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BF16-90: masked_bf16 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// MIXED: masked_fp8_fp4 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// MIXED-90: masked_fp8_fp4 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// SWAP: masked_fp8_swap for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// SWAP-90: masked_fp8_swap for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// SWAPC: masked_bf16_swap_c for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// SWAPC-90: masked_bf16_swap_c for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// MANIFEST: "dim": 0,
// MANIFEST-NEXT: "tensor": 4,
// MANIFEST-NEXT: "tile": 1
// MANIFEST: "family": "grouped_gemm"
// MANIFEST: "kind": "masked"

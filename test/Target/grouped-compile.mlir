// REQUIRES: cuda-toolkit
// Contiguous grouped GEMMs (FP8 with a row layout, FP8 accumulating into
// an FP32 C, NVFP4, BF16 with prefix sums, BF16 with [K, N] weights read
// MN-major) assemble for sm_120a and for the
// twin without spills; the manifest records the M alignment.
// RUN: rm -rf %t && mkdir -p %t
// RUN: sm120-opt %examples/moe_grouped_contiguous.mlir --sm120-compile="chip=sm_120a output=%t/fp8_120 report=true" -o /dev/null | FileCheck %s --check-prefix=FP8
// RUN: sm120-opt %examples/moe_grouped_contiguous.mlir --sm120-compile="chip=sm_90a output=%t/fp8_90 report=true" -o /dev/null | FileCheck %s --check-prefix=FP8-90
// RUN: sm120-opt %S/Inputs/grouped/fp8_f32_c.mlir --sm120-compile="chip=sm_120a output=%t/c_120 report=true" -o /dev/null | FileCheck %s --check-prefix=C
// RUN: sm120-opt %S/Inputs/grouped/fp8_f32_c.mlir --sm120-compile="chip=sm_90a output=%t/c_90 report=true" -o /dev/null | FileCheck %s --check-prefix=C-90
// RUN: sm120-opt %S/Inputs/grouped/nvfp4_rows.mlir --sm120-compile="chip=sm_120a output=%t/nvfp4_120 report=true" -o /dev/null | FileCheck %s --check-prefix=NVFP4
// RUN: sm120-opt %S/Inputs/grouped/nvfp4_rows.mlir --sm120-compile="chip=sm_90a output=%t/nvfp4_90 report=true" -o /dev/null | FileCheck %s --check-prefix=NVFP4-90
// RUN: sm120-opt %S/Inputs/grouped/bf16_prefix.mlir --sm120-compile="chip=sm_120a output=%t/bf16_120 report=true" -o /dev/null | FileCheck %s --check-prefix=BF16
// RUN: sm120-opt %S/Inputs/grouped/bf16_prefix.mlir --sm120-compile="chip=sm_90a output=%t/bf16_90 report=true" -o /dev/null | FileCheck %s --check-prefix=BF16-90
// RUN: sm120-opt %S/Inputs/grouped/bf16_nn.mlir --sm120-compile="chip=sm_120a output=%t/nn_120 report=true" -o /dev/null | FileCheck %s --check-prefix=NN
// RUN: sm120-opt %S/Inputs/grouped/bf16_nn.mlir --sm120-compile="chip=sm_90a output=%t/nn_90 report=true" -o /dev/null | FileCheck %s --check-prefix=NN-90
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/fp8_120/manifest.json
// FP8: moe_up_8x4096x7168 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// FP8-90: moe_up_8x4096x7168 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// C: grouped_fp8_c for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// C-90: grouped_fp8_c for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// NVFP4: grouped_nvfp4 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// NVFP4-90: grouped_nvfp4 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BF16: grouped_bf16_prefix for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BF16-90: grouped_bf16_prefix for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// NN: grouped_bf16_nn for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// NN-90: grouped_bf16_nn for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// MANIFEST: "family": "grouped_gemm"
// MANIFEST: "m_alignment": {{64|128}}

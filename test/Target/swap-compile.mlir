// REQUIRES: cuda-toolkit
// Decode-sized GEMMs (FP8, NVFP4 accumulating into an FP32 C, BF16 with a
// device alpha and a partial N tile) compile with swap_ab schedules for
// sm_120a and for the twin without spills.
// RUN: rm -rf %t && mkdir -p %t
// RUN: sm120-opt %S/Inputs/swap/fp8.mlir --sm120-compile="chip=sm_120a expected-m=16 output=%t/fp8_120 report=true" -o /dev/null | FileCheck %s --check-prefix=FP8
// RUN: sm120-opt %S/Inputs/swap/fp8.mlir --sm120-compile="chip=sm_90a machine=h100 expected-m=16 output=%t/fp8_90 report=true" -o /dev/null | FileCheck %s --check-prefix=FP8-90
// RUN: sm120-opt %S/Inputs/swap/nvfp4_c.mlir --sm120-compile="chip=sm_120a expected-m=16 output=%t/nvfp4_120 report=true" -o /dev/null | FileCheck %s --check-prefix=NVFP4
// RUN: sm120-opt %S/Inputs/swap/nvfp4_c.mlir --sm120-compile="chip=sm_90a machine=h100 expected-m=16 output=%t/nvfp4_90 report=true" -o /dev/null | FileCheck %s --check-prefix=NVFP4-90
// RUN: sm120-opt %S/Inputs/swap/bf16_alpha.mlir --sm120-compile="chip=sm_120a expected-m=16 output=%t/bf16_120 report=true" -o /dev/null | FileCheck %s --check-prefix=BF16
// RUN: sm120-opt %S/Inputs/swap/bf16_alpha.mlir --sm120-compile="chip=sm_90a machine=h100 expected-m=16 output=%t/bf16_90 report=true" -o /dev/null | FileCheck %s --check-prefix=BF16-90
// RUN: cat %t/fp8_120/manifest.json %t/nvfp4_120/manifest.json %t/bf16_120/manifest.json %t/fp8_90/manifest.json %t/nvfp4_90/manifest.json %t/bf16_90/manifest.json | FileCheck %s --check-prefix=MANIFEST
// FP8: swap_fp8 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// FP8-90: swap_fp8 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// NVFP4: swap_nvfp4_c for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// NVFP4-90: swap_nvfp4_c for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BF16: swap_bf16_alpha for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BF16-90: swap_bf16_alpha for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// MANIFEST-COUNT-6: "schedule": "#sm120.schedule<block = [{{64|128}}, {{16|32}}, {{[0-9]+}}], {{.*}}, epilogue = direct, swap_ab = true>"

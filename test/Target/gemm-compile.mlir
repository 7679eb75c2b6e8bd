// REQUIRES: cuda-toolkit
// sm120-compile takes a GEMM spec to a bundle in one pipeline. The FP8 and
// BF16 examples assemble with no spills for sm_120a and for the twin.
// RUN: rm -rf %t && mkdir -p %t
// RUN: sm120-opt %examples/fp8_gemm.mlir --sm120-compile="chip=sm_120a output=%t/fp8_120 report=true" -o /dev/null | FileCheck %s --check-prefix=FP8
// RUN: sm120-opt %examples/bf16_gemm.mlir --sm120-compile="chip=sm_120a output=%t/bf16_120 report=true" -o /dev/null | FileCheck %s --check-prefix=BF16
// RUN: sm120-opt %examples/bf16_gemm.mlir --sm120-compile="chip=sm_90a output=%t/bf16_90 report=true" -o /dev/null | FileCheck %s --check-prefix=BF16-90
// RUN: sm120-opt %examples/fp8_gemm.mlir --sm120-compile="chip=sm_90a output=%t/fp8_90 report=true" -o /dev/null | FileCheck %s --check-prefix=FP8-90
// sm_121a (DGX Spark) needs PTX 8.8; the mixed example compiles for it too.
// RUN: sm120-opt %examples/fp8_fp4_gemm.mlir --sm120-compile="chip=sm_121a output=%t/mixed_121 report=true" -o /dev/null | FileCheck %s --check-prefix=MIXED-121
// RUN: FileCheck %s --check-prefix=PTX-121 < %t/mixed_121/fp8_fp4_gemm_2112x7168.sm_121a.ptx
// sm_120f is the family target: one cubin for compute capability 12.0 and
// 12.1, with the same block-scaled MMA and setmaxnreg.
// RUN: sm120-opt %examples/nvfp4_gemm.mlir --sm120-compile="chip=sm_120f output=%t/nvfp4_120f report=true" -o /dev/null | FileCheck %s --check-prefix=NVFP4-120F
// RUN: FileCheck %s --check-prefix=PTX-120F < %t/nvfp4_120f/nvfp4_gemm_4096x7168x2048.sm_120f.ptx
// RUN: FileCheck %s --check-prefix=MANIFEST-120F < %t/nvfp4_120f/manifest.json
// Without a chip, sm120-compile targets the family.
// RUN: sm120-opt %examples/bf16_gemm.mlir --sm120-compile="output=%t/bf16_default report=true" -o /dev/null | FileCheck %s --check-prefix=DEFAULT
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/fp8_120/manifest.json
// RUN: test -s %t/fp8_90/fp8_gemm_2112x7168.sm_90a.cubin
// FP8: fp8_gemm_2112x7168 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BF16: bf16_gemm_4096x7168 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// FP8-90: fp8_gemm_2112x7168 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BF16-90: bf16_gemm_4096x7168 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// MIXED-121: fp8_fp4_gemm_2112x7168 for sm_121a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// PTX-121: .version 8.8
// PTX-121: .target sm_121a
// PTX-121: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e2m1.f32.ue8m0
// NVFP4-120F: nvfp4_gemm_4096x7168x2048 for sm_120f: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// PTX-120F: .version 8.8
// PTX-120F: .target sm_120f
// PTX-120F: setmaxnreg.inc.sync.aligned.u32
// PTX-120F: mma.sync.aligned.m16n8k64.row.col.kind::mxf4nvf4.block_scale.scale_vec::4X.f32.e2m1.e2m1.f32.ue4m3
// MANIFEST-120F: "chip": "sm_120f"
// DEFAULT: bf16_gemm_4096x7168 for sm_120f: {{[0-9]+}} registers, 0 bytes spill stores
// MANIFEST: "kind": "persistent"
// MANIFEST: "family": "gemm"

// The MMA peak microbenchmarks keep every MMA: 8 per loop iteration, each
// with its own operands, unrolled by the backend but never merged.
// RUN: sm120-opt %S/../../bench/mma_peak/mma_peak_bf16.mlir %lower-to-llvm --sm120-serialize="chip=sm_90a ptx=-" -o /dev/null | FileCheck %s --check-prefix=BF16
// RUN: sm120-opt %S/../../bench/mma_peak/mma_peak_fp8.mlir %lower-to-llvm --sm120-serialize="chip=sm_90a ptx=-" -o /dev/null | FileCheck %s --check-prefix=FP8
// BF16-COUNT-8: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// FP8-COUNT-8: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32

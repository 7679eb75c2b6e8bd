// The MMA peak microbenchmarks keep every MMA: 8 per loop iteration, each
// with its own operands, unrolled by the backend but never merged.
// RUN: sm120-opt %S/../../bench/mma_peak/mma_peak_bf16.mlir %lower-to-llvm --sm120-serialize="chip=sm_90a ptx=-" -o /dev/null | FileCheck %s --check-prefix=BF16
// RUN: sm120-opt %S/../../bench/mma_peak/mma_peak_fp8.mlir %lower-to-llvm --sm120-serialize="chip=sm_90a ptx=-" -o /dev/null | FileCheck %s --check-prefix=FP8
// BF16-COUNT-8: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// FP8-COUNT-8: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32

// The twin's FP8 emulation bounds keep the k-loop's work per 128-wide scale
// granule of a 64x32 warp tile: 32 ldmatrix, 96 widenings (two cvt each),
// 128 f16 MMAs, and the scaling of the form: a partial per tile promoted by
// 64 mul + 64 fma (also when carried into the next granule), the same with
// one B scale per warp tile (64 fma, 8 mul),
// a rescale of the 64 accumulators (128 mul), or none.
// RUN: sm120-opt %S/../../bench/mma_peak/mma_peak_twin_fp8_partial_64x32.mlir %lower-to-llvm --sm120-serialize="chip=sm_90a ptx=-" -o /dev/null > %t.partial.ptx
// RUN: FileCheck %s --check-prefix=LDSM < %t.partial.ptx
// RUN: FileCheck %s --check-prefix=WIDEN < %t.partial.ptx
// RUN: FileCheck %s --check-prefix=HMMA < %t.partial.ptx
// RUN: FileCheck %s --check-prefix=PROMOTE < %t.partial.ptx
// RUN: FileCheck %s --check-prefix=PROMOTE-MUL < %t.partial.ptx
// RUN: sm120-opt %S/../../bench/mma_peak/mma_peak_twin_fp8_carry_64x32.mlir %lower-to-llvm --sm120-serialize="chip=sm_90a ptx=-" -o /dev/null > %t.carry.ptx
// RUN: FileCheck %s --check-prefix=HMMA < %t.carry.ptx
// RUN: FileCheck %s --check-prefix=PROMOTE < %t.carry.ptx
// RUN: FileCheck %s --check-prefix=PROMOTE-MUL < %t.carry.ptx
// RUN: sm120-opt %S/../../bench/mma_peak/mma_peak_twin_fp8_block_b_64x32.mlir %lower-to-llvm --sm120-serialize="chip=sm_90a ptx=-" -o /dev/null > %t.block_b.ptx
// RUN: FileCheck %s --check-prefix=HMMA < %t.block_b.ptx
// RUN: FileCheck %s --check-prefix=PROMOTE < %t.block_b.ptx
// RUN: FileCheck %s --check-prefix=BLOCK-B < %t.block_b.ptx
// RUN: sm120-opt %S/../../bench/mma_peak/mma_peak_twin_fp8_rescale_64x32.mlir %lower-to-llvm --sm120-serialize="chip=sm_90a ptx=-" -o /dev/null > %t.rescale.ptx
// RUN: FileCheck %s --check-prefix=HMMA < %t.rescale.ptx
// RUN: FileCheck %s --check-prefix=RESCALE < %t.rescale.ptx
// RUN: sm120-opt %S/../../bench/mma_peak/mma_peak_twin_fp8_none_64x32.mlir %lower-to-llvm --sm120-serialize="chip=sm_90a ptx=-" -o /dev/null > %t.none.ptx
// RUN: FileCheck %s --check-prefix=HMMA < %t.none.ptx
// RUN: FileCheck %s --check-prefix=NONE < %t.none.ptx
// LDSM-COUNT-32: ldmatrix.sync.aligned
// LDSM-NOT: ldmatrix
// WIDEN-COUNT-96: cvt.rn.f16x2.e4m3x2 {{.*}} cvt.rn.f16x2.e4m3x2
// WIDEN-NOT: cvt.rn.f16x2.e4m3x2
// HMMA-COUNT-128: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// HMMA-NOT: mma.sync
// PROMOTE-COUNT-64: fma.rn.f32
// PROMOTE-NOT: fma.rn.f32
// PROMOTE-MUL-COUNT-64: mul.rn.f32
// PROMOTE-MUL-NOT: mul.rn.f32
// BLOCK-B-COUNT-8: mul.rn.f32
// BLOCK-B-NOT: mul.rn.f32
// RESCALE-COUNT-128: mul.rn.f32
// RESCALE-NOT: {{fma|mul}}.rn.f32
// NONE-NOT: {{fma|mul}}.rn.f32

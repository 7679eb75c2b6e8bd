// FP4 x FP4 on sm_120a: mxf4nvf4 MMAs (m16n8k64) on packed e2m1 fragments,
// loaded like FP8's (32 bytes of K per MMA). NVFP4 takes UE4M3 scales four
// per MMA (scale_vec::4X, one 32-bit load per row and K step); UE8M0 scales
// per 32 elements come two per MMA (2X) from the packed word.
// On the sm_90a twin each K half of an MMA (a unit) runs as two f16
// m16n8k16 MMAs on fragments widened with shifts and a multiply by 2^14;
// the units of a K block run in a loop (the widening would otherwise give
// ptxas more independent work than registers).
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=epilogue=direct --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_120a | FileCheck %s
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=epilogue=direct --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_90a | FileCheck %s --check-prefix=TWIN

// CHECK-LABEL: llvm.func @nvfp4
// CHECK: nvvm.ldmatrix {{.*}}num = 4
// CHECK: llvm.load {{.*}} : !llvm.ptr<3> -> i32
// CHECK: nvvm.mma.block_scale {{.*}}blockScaleFormat = #nvvm.block_scale_format<ue4m3>, kind = #nvvm.block_scale_kind<mxf4nvf4>, multiplicandAPtxType = #nvvm.mma_type<e2m1>, multiplicandBPtxType = #nvvm.mma_type<e2m1>, scaleVecSize = #nvvm.scale_vec_size<x4>, shape = #nvvm.shape<m = 16, n = 8, k = 64>
// NVFP4 on the twin: 8 units per 256-element K block; the widened
// registers are scaled by the UE4M3 byte of the lane's 16-element granule
// (shuffled from the lane the 4X selector names, decoded to f16x2) before
// the MMAs, which accumulate directly.
// TWIN-LABEL: llvm.func @nvfp4
// TWIN: scf.for %{{.*}} = %{{.*}} to %c8_i32{{.*}} step %c1_i32{{.*}} iter_args
// TWIN: nvvm.ldmatrix {{.*}}num = 2
// TWIN: arith.andi %{{.*}}, %c234884608_i32
// TWIN: arith.andi %{{.*}}, %c-2147450880_i32
// TWIN: nvvm.inline_ptx "mul.rn.f16x2 $0, $1, $2;" ro(%{{.*}}, %c1946186752_i32
// TWIN: nvvm.shfl.sync  idx
// TWIN: cvt.rn.f16x2.e4m3x2
// TWIN-COUNT-4: nvvm.inline_ptx "mul.rn.f16x2
// TWIN: nvvm.inline_ptx "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// TWIN-NOT: llvm.intr.fma
// TWIN: scf.yield
// Packed FP4 is loaded as bytes: the K coordinate is halved.
// TWIN: arith.shrui %{{.*}}, %c1_i32
// TWIN: nvvm.cp.async.bulk.tensor.shared.cluster.global
func.func @nvfp4(%a: memref<?x2048xf4E2M1FN>, %b: memref<7168x2048xf4E2M1FN>,
                 %sfa: memref<?x128xf8E4M3FN>, %sfb: memref<7168x128xf8E4M3FN>,
                 %d: memref<?x7168xf32>) {
  sm120.gemm a(%a : memref<?x2048xf4E2M1FN>) b(%b : memref<7168x2048xf4E2M1FN>)
      scales(%sfa, %sfb : memref<?x128xf8E4M3FN>, memref<7168x128xf8E4M3FN>)
      d(%d : memref<?x7168xf32>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>}
  return
}

// -----

// The two 32-element granules of a K step are bytes 0 and 1 of the scale
// register: the packed word shifted to the step's granule pair (byte-id 0
// reads bytes 0 and 1 and ignores the rest, so nothing is masked).
// CHECK-LABEL: llvm.func @mxfp4
// CHECK: llvm.load {{.*}} : !llvm.ptr<3> -> i32
// CHECK-NEXT: arith.shrui
// CHECK-NOT: %c65535_i32
// CHECK: nvvm.mma.block_scale {{.*}}blockScaleFormat = #nvvm.block_scale_format<ue8m0>, kind = #nvvm.block_scale_kind<mxf4nvf4>, multiplicandAPtxType = #nvvm.mma_type<e2m1>, multiplicandBPtxType = #nvvm.mma_type<e2m1>, scaleVecSize = #nvvm.scale_vec_size<x2>, shape = #nvvm.shape<m = 16, n = 8, k = 64>
// MXFP4 on the twin: each 32-element unit is one granule; its two f16 MMAs
// sum into a partial, scaled once by byte h of the 2X scale registers of
// the accumulator's column, then row.
// TWIN-LABEL: llvm.func @mxfp4
// TWIN: scf.for %{{.*}} = %{{.*}} to %c8_i32{{.*}} step %c1_i32{{.*}} iter_args
// TWIN: nvvm.shfl.sync  idx
// TWIN-COUNT-2: nvvm.inline_ptx "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// TWIN: arith.mulf
// TWIN-NEXT: llvm.intr.fma
func.func @mxfp4(%a: memref<?x7168xf4E2M1FN>, %b: memref<2112x7168xf4E2M1FN>,
                 %sfa: memref<56x?xi32>, %sfb: memref<56x2112xi32>,
                 %d: memref<?x2112xbf16>) {
  sm120.gemm a(%a : memref<?x7168xf4E2M1FN>) b(%b : memref<2112x7168xf4E2M1FN>)
      scales(%sfa, %sfb : memref<56x?xi32>, memref<56x2112xi32>)
      d(%d : memref<?x2112xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

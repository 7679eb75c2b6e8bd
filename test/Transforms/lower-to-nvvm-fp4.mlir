// FP4 x FP4 on sm_120a: mxf4nvf4 MMAs (m16n8k64) on packed e2m1 fragments,
// loaded like FP8's (32 bytes of K per MMA). NVFP4 takes UE4M3 scales four
// per MMA (scale_vec::4X, one 32-bit load per row and K step); UE8M0 scales
// per 32 elements come two per MMA (2X) from the packed word.
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=epilogue=direct --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_120a | FileCheck %s

// CHECK-LABEL: llvm.func @nvfp4
// CHECK: nvvm.ldmatrix {{.*}}num = 4
// CHECK: llvm.load {{.*}} : !llvm.ptr<3> -> i32
// CHECK: nvvm.mma.block_scale {{.*}}blockScaleFormat = #nvvm.block_scale_format<ue4m3>, kind = #nvvm.block_scale_kind<mxf4nvf4>, multiplicandAPtxType = #nvvm.mma_type<e2m1>, multiplicandBPtxType = #nvvm.mma_type<e2m1>, scaleVecSize = #nvvm.scale_vec_size<x4>, shape = #nvvm.shape<m = 16, n = 8, k = 64>
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
// register: the packed word shifted to the step's granule pair, masked.
// CHECK-LABEL: llvm.func @mxfp4
// CHECK: llvm.load {{.*}} : !llvm.ptr<3> -> i32
// CHECK: arith.andi %{{.*}}, %c65535_i32
// CHECK: nvvm.mma.block_scale {{.*}}blockScaleFormat = #nvvm.block_scale_format<ue8m0>, kind = #nvvm.block_scale_kind<mxf4nvf4>, multiplicandAPtxType = #nvvm.mma_type<e2m1>, multiplicandBPtxType = #nvvm.mma_type<e2m1>, scaleVecSize = #nvvm.scale_vec_size<x2>, shape = #nvvm.shape<m = 16, n = 8, k = 64>
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

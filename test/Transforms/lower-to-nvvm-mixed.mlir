// Mixed FP8 x FP4 and FP4 x FP8: mxf8f6f4 m16n8k32 with the FP4 operand one
// element per byte. sm_120a unpacks it in the TMA (u4x16_align16 into 16
// bytes per 16 elements) and in ldmatrix (.m8n16 .b8x16.b4x16_p64, values
// in the low 4 bits), then shifts each register left by 2 into the
// container the MMA reads (0b00xxxx00). The twin loads the tile packed
// (64-byte rows, swizzle 64), reads each lane's two bytes and spreads them
// into the same container registers, then widens them to f16 in the pairs
// the e4m3 operand uses. The barrier expects global bytes: 16384 (A) +
// 12288 (B, 192 rows x 64 bytes) + 512 + 768 (scales).
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=epilogue=direct --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_120a | FileCheck %s
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=epilogue=direct --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_90a | FileCheck %s --check-prefix=TWIN

// CHECK-LABEL: llvm.func @fp8_fp4
// CHECK-SAME: #sm120.tma<tensor = 1, box = [192, 128], swizzle = 128, fp4_unpack = true>
// CHECK: nvvm.ldmatrix {{.*}}eltType = #nvvm.ld_st_matrix_elt_type<b16>
// CHECK: nvvm.ldmatrix {{.*}}eltType = #nvvm.ld_st_matrix_elt_type<b8x16.b4x16_p64>, layout = #nvvm.mma_layout<row>, num = 4 : i32, shape = #nvvm.ld_st_matrix_shape<m = 8, n = 16>
// CHECK: arith.shli %{{.*}}, %c2_i32
// CHECK: nvvm.mma.block_scale {{.*}}blockScaleFormat = #nvvm.block_scale_format<ue8m0>, kind = #nvvm.block_scale_kind<mxf8f6f4>, multiplicandAPtxType = #nvvm.mma_type<e4m3>, multiplicandBPtxType = #nvvm.mma_type<e2m1>, scaleVecSize = #nvvm.scale_vec_size<x1>, shape = #nvvm.shape<m = 16, n = 8, k = 32>
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c29952_i32
// The unpacking TMA counts elements: the K coordinate is not halved.
// CHECK-NOT: arith.shrui
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg1
// TWIN-LABEL: llvm.func @fp8_fp4
// TWIN-SAME: #sm120.tma<tensor = 1, box = [192, 128], swizzle = 64>
// TWIN: cvt.rn.f16x2.e4m3x2
// TWIN: llvm.load {{.*}} : !llvm.ptr<3> -> i16
// TWIN: arith.andi %{{.*}}, %c60_i32
// TWIN: nvvm.inline_ptx "mul.rn.f16x2
// TWIN: nvvm.inline_ptx "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// TWIN: arith.mulf
// TWIN-NEXT: llvm.intr.fma
// TWIN: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c29952_i32
// The packed copy counts bytes.
// TWIN: arith.shrui %{{.*}}, %c1_i32
// TWIN-NEXT: arith.index_cast
// TWIN: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg1
func.func @fp8_fp4(%a: memref<?x7168xf8E4M3FN>, %b: memref<2112x7168xf4E2M1FN>,
    %sfa: memref<14x?xi32>, %sfb: memref<56x2112xi32>, %d: memref<?x2112xbf16>) {
  sm120.gemm a(%a : memref<?x7168xf8E4M3FN>) b(%b : memref<2112x7168xf4E2M1FN>)
      scales(%sfa, %sfb : memref<14x?xi32>, memref<56x2112xi32>)
      d(%d : memref<?x2112xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

// -----

// FP4 x FP8: the 32-element granules of A give each K step its own scale
// group, so the twin runs the K steps of a block in a loop.
// CHECK-LABEL: llvm.func @fp4_fp8
// CHECK: nvvm.ldmatrix {{.*}}eltType = #nvvm.ld_st_matrix_elt_type<b8x16.b4x16_p64>
// CHECK: nvvm.mma.block_scale {{.*}}multiplicandAPtxType = #nvvm.mma_type<e2m1>, multiplicandBPtxType = #nvvm.mma_type<e4m3>
// TWIN-LABEL: llvm.func @fp4_fp8
// TWIN: scf.for %{{.*}} = %{{.*}} to %c4_i32{{.*}} step %c1_i32{{.*}} iter_args
// TWIN: llvm.load {{.*}} : !llvm.ptr<3> -> i16
// TWIN: nvvm.ldmatrix {{.*}}num = 2
func.func @fp4_fp8(%a: memref<?x7168xf4E2M1FN>, %b: memref<2112x7168xf8E4M3FN>,
    %sfa: memref<56x?xi32>, %sfb: memref<14x2112xi32>, %d: memref<?x2112xbf16>) {
  sm120.gemm a(%a : memref<?x7168xf4E2M1FN>) b(%b : memref<2112x7168xf8E4M3FN>)
      scales(%sfa, %sfb : memref<56x?xi32>, memref<14x2112xi32>)
      d(%d : memref<?x2112xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

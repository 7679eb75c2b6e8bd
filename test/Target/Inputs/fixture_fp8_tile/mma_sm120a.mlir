// sm_120a: the scales are applied inside the block-scaled MMA
// (kind::mxf8f6f4, scale_vec::1X, UE8M0, byte-id 0 / thread-id 0), so the
// epilogue multiplies by one.
llvm.func internal @mma_step(%a0: i32, %a1: i32, %a2: i32, %a3: i32, %b0: i32, %b1: i32,
                             %c0: f32, %c1: f32, %c2: f32, %c3: f32,
                             %sa: i32, %sb: i32) -> !llvm.struct<(f32, f32, f32, f32)> attributes {always_inline} {
  %z = arith.constant 0 : i16
  %r = nvvm.mma.block_scale A[%a0, %a1, %a2, %a3] B[%b0, %b1] C[%c0, %c1, %c2, %c3]
         scaleA[%sa, %z, %z] scaleB[%sb, %z, %z]
         {shape = #nvvm.shape<m = 16, n = 8, k = 32>,
          multiplicandAPtxType = #nvvm.mma_type<e4m3>, multiplicandBPtxType = #nvvm.mma_type<e4m3>,
          scaleVecSize = #nvvm.scale_vec_size<x1>, blockScaleFormat = #nvvm.block_scale_format<ue8m0>,
          kind = #nvvm.block_scale_kind<mxf8f6f4>}
         : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
  llvm.return %r : !llvm.struct<(f32, f32, f32, f32)>
}

llvm.func internal @epilogue_scale(%sa: i8, %sb: i8) -> f32 attributes {always_inline} {
  %one = arith.constant 1.0 : f32
  llvm.return %one : f32
}

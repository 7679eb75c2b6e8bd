// sm_90a twin: plain FP8 mma.sync (no block scaling on Hopper) and the UE8M0
// scales promoted in FP32 in the epilogue. With one scale per row over the
// whole K = 128 this equals the block-scaled product up to FP32 rounding.
llvm.func internal @mma_step(%a0: i32, %a1: i32, %a2: i32, %a3: i32, %b0: i32, %b1: i32,
                             %c0: f32, %c1: f32, %c2: f32, %c3: f32,
                             %sa: i32, %sb: i32) -> !llvm.struct<(f32, f32, f32, f32)> attributes {always_inline} {
  %d:4 = nvvm.inline_ptx "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {$0, $1, $2, $3}, {$4, $5, $6, $7}, {$8, $9}, {$10, $11, $12, $13};"
      ro(%a0, %a1, %a2, %a3, %b0, %b1, %c0, %c1, %c2, %c3 : i32, i32, i32, i32, i32, i32, f32, f32, f32, f32)
      -> f32, f32, f32, f32
  %u = llvm.mlir.undef : !llvm.struct<(f32, f32, f32, f32)>
  %r0 = llvm.insertvalue %d#0, %u[0] : !llvm.struct<(f32, f32, f32, f32)>
  %r1 = llvm.insertvalue %d#1, %r0[1] : !llvm.struct<(f32, f32, f32, f32)>
  %r2 = llvm.insertvalue %d#2, %r1[2] : !llvm.struct<(f32, f32, f32, f32)>
  %r3 = llvm.insertvalue %d#3, %r2[3] : !llvm.struct<(f32, f32, f32, f32)>
  llvm.return %r3 : !llvm.struct<(f32, f32, f32, f32)>
}

// 2^(sa - 127) * 2^(sb - 127), decoding UE8M0 exactly: e = 0 is 2^-127 (an
// FP32 subnormal) and e = 255 is NaN.
llvm.func internal @ue8m0_to_f32(%e: i8) -> f32 attributes {always_inline} {
  %c0 = arith.constant 0 : i32
  %c255 = arith.constant 255 : i32
  %c23 = arith.constant 23 : i32
  %sub = arith.constant 4194304 : i32    // 0x00400000 = 2^-127
  %nan = arith.constant 2143289344 : i32 // 0x7fc00000
  %ei = arith.extui %e : i8 to i32
  %bits0 = arith.shli %ei, %c23 : i32
  %is0 = arith.cmpi eq, %ei, %c0 : i32
  %is255 = arith.cmpi eq, %ei, %c255 : i32
  %bits1 = arith.select %is0, %sub, %bits0 : i32
  %bits = arith.select %is255, %nan, %bits1 : i32
  %f = arith.bitcast %bits : i32 to f32
  llvm.return %f : f32
}

llvm.func internal @epilogue_scale(%sa: i8, %sb: i8) -> f32 attributes {always_inline} {
  %fa = llvm.call @ue8m0_to_f32(%sa) : (i8) -> f32
  %fb = llvm.call @ue8m0_to_f32(%sb) : (i8) -> f32
  %s = arith.mulf %fa, %fb : f32
  llvm.return %s : f32
}

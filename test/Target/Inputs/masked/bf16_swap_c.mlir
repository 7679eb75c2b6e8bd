// BF16 experts, masked, with a swap_ab schedule accumulating into an FP32
// C: the transposed store reads C in the group's matrix too.
func.func @masked_bf16_swap_c(%a: memref<8x?x512xbf16>, %b: memref<8x1024x512xbf16>,
                              %masked_m: memref<8xi32>, %c: memref<8x?x1024xf32>,
                              %d: memref<8x?x1024xf32>) {
  sm120.grouped_gemm masked a(%a : memref<8x?x512xbf16>)
      b(%b : memref<8x1024x512xbf16>)
      layout(%masked_m : memref<8xi32>) c(%c : memref<8x?x1024xf32>)
      d(%d : memref<8x?x1024xf32>)
      schedule <block = [128, 32, 64], stages = 4, warp_layout = [8, 1], epilogue = direct, swap_ab = true>
      {expected_m = 24 : i64}
  return
}

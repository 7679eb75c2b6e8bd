// FP8 bhr,hdr->bhd for decode with a swap_ab schedule and FP32 output.
func.func @batched_fp8_swap(%x: memref<?x8x1024xf8E4M3FN>,
                            %y: memref<8x512x1024xf8E4M3FN>,
                            %sfx: memref<8x2x?xi32>, %sfy: memref<8x2x512xi32>,
                            %z: memref<?x8x512xf32>) {
  sm120.batched_gemm "bhr,hdr->bhd" a(%x : memref<?x8x1024xf8E4M3FN>)
      b(%y : memref<8x512x1024xf8E4M3FN>)
      scales(%sfx, %sfy : memref<8x2x?xi32>, memref<8x2x512xi32>)
      d(%z : memref<?x8x512xf32>)
      schedule <block = [64, 16, 128], stages = 6, warp_layout = [4, 1], epilogue = direct, swap_ab = true>
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

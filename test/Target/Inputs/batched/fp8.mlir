// FP8 bhr,hdr->bhd: 8 heads, a runtime batch, per-token x per-block scales.
func.func @batched_fp8(%x: memref<?x8x4096xf8E4M3FN>,
                       %y: memref<8x1024x4096xf8E4M3FN>,
                       %sfx: memref<8x8x?xi32>, %sfy: memref<8x8x1024xi32>,
                       %z: memref<?x8x1024xbf16>) {
  sm120.batched_gemm "bhr,hdr->bhd" a(%x : memref<?x8x4096xf8E4M3FN>)
      b(%y : memref<8x1024x4096xf8E4M3FN>)
      scales(%sfx, %sfy : memref<8x8x?xi32>, memref<8x8x1024xi32>)
      d(%z : memref<?x8x1024xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

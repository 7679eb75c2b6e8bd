// bmk,bnk->bmn in FP8 with per-row scales and an FP32 C: the shape FP8
// bhd,bhr->hdr takes once its operands are copied to [h, d, b] and
// [h, r, b] (K the runtime batch rows; d = 192 and r = 136 leave partial
// tiles).
func.func @batched_bmn_fp8(%x: memref<8x192x?xf8E4M3FN>, %y: memref<8x136x?xf8E4M3FN>,
                           %sfx: memref<8x?x192xi32>, %sfy: memref<8x?x136xi32>,
                           %c: memref<8x192x136xf32>, %z: memref<8x192x136xf32>) {
  sm120.batched_gemm "bmk,bnk->bmn" a(%x : memref<8x192x?xf8E4M3FN>)
      b(%y : memref<8x136x?xf8E4M3FN>)
      scales(%sfx, %sfy : memref<8x?x192xi32>, memref<8x?x136xi32>)
      c(%c : memref<8x192x136xf32>) d(%z : memref<8x192x136xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

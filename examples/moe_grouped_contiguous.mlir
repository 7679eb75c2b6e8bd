// Mixture-of-experts forward: 8 experts' token rows concatenated along M
// (a per-row expert index, -1 for padding rows), FP8 x FP8 with per-token
// and per-channel UE8M0 scales.
func.func @moe_up_8x4096x7168(%a: memref<?x7168xf8E4M3FN>,
                              %b: memref<8x4096x7168xf8E4M3FN>,
                              %sfa: memref<14x?xi32>, %sfb: memref<8x14x4096xi32>,
                              %rows: memref<?xi32>, %d: memref<?x4096xbf16>) {
  sm120.grouped_gemm contiguous a(%a : memref<?x7168xf8E4M3FN>)
      b(%b : memref<8x4096x7168xf8E4M3FN>)
      scales(%sfa, %sfb : memref<14x?xi32>, memref<8x14x4096xi32>)
      layout(%rows : memref<?xi32>) d(%d : memref<?x4096xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

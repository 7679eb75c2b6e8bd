// FP8 decode GEMM with per-token and per-channel packed UE8M0 scales.
func.func @swap_fp8(%a: memref<?x7168xf8E4M3FN>, %b: memref<2112x7168xf8E4M3FN>,
                    %sfa: memref<14x?xi32>, %sfb: memref<14x2112xi32>,
                    %d: memref<?x2112xbf16>) {
  sm120.gemm a(%a : memref<?x7168xf8E4M3FN>) b(%b : memref<2112x7168xf8E4M3FN>)
      scales(%sfa, %sfb : memref<14x?xi32>, memref<14x2112xi32>)
      d(%d : memref<?x2112xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// FP8 experts, masked: A [G, max_m, K] with a runtime max_m, per-token
// scales; B's scales are per 128 x 128 block, packed per row. N = 2112
// leaves a partial tile.
func.func @masked_fp8(%a: memref<6x?x7168xf8E4M3FN>, %b: memref<6x2112x7168xf8E4M3FN>,
                      %sfa: memref<6x14x?xi32>, %sfb: memref<6x14x2112xi32>,
                      %masked_m: memref<6xi32>, %d: memref<6x?x2112xbf16>) {
  sm120.grouped_gemm masked a(%a : memref<6x?x7168xf8E4M3FN>)
      b(%b : memref<6x2112x7168xf8E4M3FN>)
      scales(%sfa, %sfb : memref<6x14x?xi32>, memref<6x14x2112xi32>)
      layout(%masked_m : memref<6xi32>) d(%d : memref<6x?x2112xbf16>)
      {expected_m = 150 : i64,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// FP8 experts accumulating into C with an FP32 output; N = 2112 leaves a
// partial tile. B's scales are per 128 x 128 block, packed per row.
func.func @grouped_fp8_c(%a: memref<?x7168xf8E4M3FN>, %b: memref<4x2112x7168xf8E4M3FN>,
                         %sfa: memref<14x?xi32>, %sfb: memref<4x14x2112xi32>,
                         %rows: memref<?xi32>, %c: memref<?x2112xf32>,
                         %d: memref<?x2112xf32>) {
  sm120.grouped_gemm contiguous a(%a : memref<?x7168xf8E4M3FN>)
      b(%b : memref<4x2112x7168xf8E4M3FN>)
      scales(%sfa, %sfb : memref<14x?xi32>, memref<4x14x2112xi32>)
      layout(%rows : memref<?xi32>) c(%c : memref<?x2112xf32>)
      d(%d : memref<?x2112xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

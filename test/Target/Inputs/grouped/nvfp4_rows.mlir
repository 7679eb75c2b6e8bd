// NVFP4 experts (UE4M3 scales per 16 elements) with a row layout.
func.func @grouped_nvfp4(%a: memref<?x2048xf4E2M1FN>, %b: memref<4x2048x2048xf4E2M1FN>,
                         %sfa: memref<?x128xf8E4M3FN>, %sfb: memref<4x2048x128xf8E4M3FN>,
                         %rows: memref<?xi32>, %d: memref<?x2048xbf16>) {
  sm120.grouped_gemm contiguous a(%a : memref<?x2048xf4E2M1FN>)
      b(%b : memref<4x2048x2048xf4E2M1FN>)
      scales(%sfa, %sfb : memref<?x128xf8E4M3FN>, memref<4x2048x128xf8E4M3FN>)
      layout(%rows : memref<?xi32>) d(%d : memref<?x2048xbf16>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>}
  return
}

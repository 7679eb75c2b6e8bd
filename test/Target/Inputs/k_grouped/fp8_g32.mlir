// FP8 weight gradient over five groups with scales every 32 elements of K
// (four granules per block).
func.func @k_grouped_fp8_g32(%a: memref<136x?xf8E4M3FN>, %b: memref<256x?xf8E4M3FN>,
                             %sfa: memref<?x136xi32>, %sfb: memref<?x256xi32>,
                             %ks: memref<5xi32>, %c: memref<5x136x256xf32>,
                             %d: memref<5x136x256xf32>) {
  sm120.grouped_gemm k_grouped a(%a : memref<136x?xf8E4M3FN>)
      b(%b : memref<256x?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x136xi32>, memref<?x256xi32>)
      layout(%ks : memref<5xi32>) c(%c : memref<5x136x256xf32>)
      d(%d : memref<5x136x256xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

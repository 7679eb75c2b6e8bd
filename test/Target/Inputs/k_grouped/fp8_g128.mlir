// FP8 weight gradient over four groups, K-major [MN, sum K] operands with
// per-row scales every 128 elements of K; M = 200 and N = 328 leave
// partial tiles.
func.func @k_grouped_fp8(%a: memref<200x?xf8E4M3FN>, %b: memref<328x?xf8E4M3FN>,
                         %sfa: memref<?x200xi32>, %sfb: memref<?x328xi32>,
                         %ks: memref<4xi32>, %c: memref<4x200x328xf32>,
                         %d: memref<4x200x328xf32>) {
  sm120.grouped_gemm k_grouped a(%a : memref<200x?xf8E4M3FN>)
      b(%b : memref<328x?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x200xi32>, memref<?x328xi32>)
      layout(%ks : memref<4xi32>) c(%c : memref<4x200x328xf32>)
      d(%d : memref<4x200x328xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// FP8 weight gradient over four groups in the reference system's nt
// layout: a and b are 1-D, each group's K-major [200, K_g] and [328, K_g]
// blocks one after another. The kernel points its A and B descriptors at
// each group's blocks on the device.
func.func @k_grouped_fp8_blocks(%a: memref<?xf8E4M3FN>, %b: memref<?xf8E4M3FN>,
                                %sfa: memref<?x200xi32>, %sfb: memref<?x328xi32>,
                                %ks: memref<4xi32>, %c: memref<4x200x328xf32>,
                                %d: memref<4x200x328xf32>) {
  sm120.grouped_gemm k_grouped a(%a : memref<?xf8E4M3FN>)
      b(%b : memref<?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x200xi32>, memref<?x328xi32>)
      layout(%ks : memref<4xi32>) c(%c : memref<4x200x328xf32>)
      d(%d : memref<4x200x328xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

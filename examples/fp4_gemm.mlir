// MXFP4 GEMM: e2m1 data packed two per byte along K, UE8M0 scales per 32
// elements packed four per int32 word ([K / 128, M] and [K / 128, N]), BF16
// output.
func.func @fp4_gemm_2112x7168(%a: memref<?x7168xf4E2M1FN>,
                              %b: memref<2112x7168xf4E2M1FN>,
                              %sfa: memref<56x?xi32>, %sfb: memref<56x2112xi32>,
                              %d: memref<?x2112xbf16>) {
  sm120.gemm a(%a : memref<?x7168xf4E2M1FN>) b(%b : memref<2112x7168xf4E2M1FN>)
      scales(%sfa, %sfb : memref<56x?xi32>, memref<56x2112xi32>)
      d(%d : memref<?x2112xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

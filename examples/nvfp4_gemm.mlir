// NVFP4 GEMM: e2m1 data packed two per byte along K, UE4M3 scales per 16
// elements, FP32 output accumulated onto C.
func.func @nvfp4_gemm_4096x7168x2048(%a: memref<4096x2048xf4E2M1FN>,
                                     %b: memref<7168x2048xf4E2M1FN>,
                                     %sfa: memref<4096x128xf8E4M3FN>,
                                     %sfb: memref<7168x128xf8E4M3FN>,
                                     %c: memref<4096x7168xf32>,
                                     %d: memref<4096x7168xf32>) {
  sm120.gemm a(%a : memref<4096x2048xf4E2M1FN>) b(%b : memref<7168x2048xf4E2M1FN>)
      scales(%sfa, %sfb : memref<4096x128xf8E4M3FN>, memref<7168x128xf8E4M3FN>)
      c(%c : memref<4096x7168xf32>) d(%d : memref<4096x7168xf32>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>}
  return
}

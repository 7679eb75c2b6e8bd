// NVFP4 experts, masked, accumulating into an FP32 C with an FP32 output.
func.func @masked_nvfp4_c(%a: memref<4x?x2048xf4E2M1FN>, %b: memref<4x1024x2048xf4E2M1FN>,
                          %sfa: memref<4x?x128xf8E4M3FN>, %sfb: memref<4x1024x128xf8E4M3FN>,
                          %masked_m: memref<4xi32>, %c: memref<4x?x1024xf32>,
                          %d: memref<4x?x1024xf32>) {
  sm120.grouped_gemm masked a(%a : memref<4x?x2048xf4E2M1FN>)
      b(%b : memref<4x1024x2048xf4E2M1FN>)
      scales(%sfa, %sfb : memref<4x?x128xf8E4M3FN>, memref<4x1024x128xf8E4M3FN>)
      layout(%masked_m : memref<4xi32>) c(%c : memref<4x?x1024xf32>)
      d(%d : memref<4x?x1024xf32>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>}
  return
}

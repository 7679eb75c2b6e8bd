// Mixed FP8 activations x MXFP4 experts, masked (mxf8f6f4: A scales per
// 128, B per 32, packed UE8M0).
func.func @masked_fp8_fp4(%a: memref<8x?x1024xf8E4M3FN>, %b: memref<8x512x1024xf4E2M1FN>,
                          %sfa: memref<8x2x?xi32>, %sfb: memref<8x8x512xi32>,
                          %masked_m: memref<8xi32>, %d: memref<8x?x512xbf16>) {
  sm120.grouped_gemm masked a(%a : memref<8x?x1024xf8E4M3FN>)
      b(%b : memref<8x512x1024xf4E2M1FN>)
      scales(%sfa, %sfb : memref<8x2x?xi32>, memref<8x8x512xi32>)
      layout(%masked_m : memref<8xi32>) d(%d : memref<8x?x512xbf16>)
      {expected_m = 64 : i64,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

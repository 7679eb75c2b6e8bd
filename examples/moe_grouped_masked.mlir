// Mixture-of-experts decode: 32 experts, up to 4096 rows each, the valid row
// count of each expert in a device tensor; FP4 x FP4 with UE8M0 block-32 scales.
func.func @moe_masked_32x4096x2048(%a: memref<32x4096x2048xf4E2M1FN>,
                                   %b: memref<32x4096x2048xf4E2M1FN>,
                                   %sfa: memref<32x16x4096xi32>,
                                   %sfb: memref<32x16x4096xi32>,
                                   %masked_m: memref<32xi32>,
                                   %d: memref<32x4096x4096xbf16>) {
  sm120.grouped_gemm masked a(%a : memref<32x4096x2048xf4E2M1FN>)
      b(%b : memref<32x4096x2048xf4E2M1FN>)
      scales(%sfa, %sfb : memref<32x16x4096xi32>, memref<32x16x4096xi32>)
      layout(%masked_m : memref<32xi32>) d(%d : memref<32x4096x4096xbf16>)
      {expected_m = 192 : i64,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

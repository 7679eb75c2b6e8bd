// Mixed FP8 x FP4 GEMM (mxf8f6f4): e4m3 activations with UE8M0 scales per
// 128 elements, e2m1 weights (two per byte along K) with UE8M0 scales per
// 32, both packed four per int32 word ([K / 512, M] and [K / 128, N]);
// BF16 output. In shared memory the FP4 operand is held unpacked, a byte
// per element, as the mxf8f6f4 MMA reads it.
func.func @fp8_fp4_gemm_2112x7168(%a: memref<?x7168xf8E4M3FN>,
                                  %b: memref<2112x7168xf4E2M1FN>,
                                  %sfa: memref<14x?xi32>,
                                  %sfb: memref<56x2112xi32>,
                                  %d: memref<?x2112xbf16>) {
  sm120.gemm a(%a : memref<?x7168xf8E4M3FN>) b(%b : memref<2112x7168xf4E2M1FN>)
      scales(%sfa, %sfb : memref<14x?xi32>, memref<56x2112xi32>)
      d(%d : memref<?x2112xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

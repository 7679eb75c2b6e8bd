// Mixture-of-experts weight gradient: per-expert K (token count) sizes, both
// operands MN-major [sum K, M] / [sum K, N], FP32 accumulation into C.
func.func @moe_wgrad_4x4096x7168(%a: memref<?x4096xf8E4M3FN>,
                                 %b: memref<?x7168xf8E4M3FN>,
                                 %sfa: memref<?x4096xi32>, %sfb: memref<?x7168xi32>,
                                 %ks: memref<4xi32>,
                                 %c: memref<4x4096x7168xf32>,
                                 %d: memref<4x4096x7168xf32>) {
  sm120.grouped_gemm k_grouped a(%a : memref<?x4096xf8E4M3FN>)
      b(%b : memref<?x7168xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x4096xi32>, memref<?x7168xi32>)
      layout(%ks : memref<4xi32>) c(%c : memref<4x4096x7168xf32>)
      d(%d : memref<4x4096x7168xf32>)
      {a_major = #sm120.major<mn>, b_major = #sm120.major<mn>,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// Mixture-of-experts weight gradient: per-expert K (token count) sizes,
// FP32 accumulation into C. FP8 operands are K-major [M, sum K] / [N, sum K]
// (ldmatrix.trans moves 16-bit elements only, so MN-major activations are
// transposed once, as the reference's TN entry point does); BF16 operands
// may stay MN-major (see the k-grouped tests).
func.func @moe_wgrad_4x4096x7168(%a: memref<4096x?xf8E4M3FN>,
                                 %b: memref<7168x?xf8E4M3FN>,
                                 %sfa: memref<?x4096xi32>, %sfb: memref<?x7168xi32>,
                                 %ks: memref<4xi32>,
                                 %c: memref<4x4096x7168xf32>,
                                 %d: memref<4x4096x7168xf32>) {
  sm120.grouped_gemm k_grouped a(%a : memref<4096x?xf8E4M3FN>)
      b(%b : memref<7168x?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x4096xi32>, memref<?x7168xi32>)
      layout(%ks : memref<4xi32>) c(%c : memref<4x4096x7168xf32>)
      d(%d : memref<4x4096x7168xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// BF16 weight gradient over five groups with 1-D operands of K-major
// [192, K_g] and [136, K_g] blocks: two bytes per element in the
// rewritten descriptors' addresses and strides.
func.func @k_grouped_bf16_blocks(%a: memref<?xbf16>, %b: memref<?xbf16>,
                                 %ks: memref<5xi32>, %c: memref<5x192x136xf32>,
                                 %d: memref<5x192x136xf32>) {
  sm120.grouped_gemm k_grouped a(%a : memref<?xbf16>) b(%b : memref<?xbf16>)
      layout(%ks : memref<5xi32>) c(%c : memref<5x192x136xf32>)
      d(%d : memref<5x192x136xf32>)
  return
}

// BF16 weight gradient with K-major [MN, sum K] operands.
func.func @k_grouped_bf16_k(%a: memref<192x?xbf16>, %b: memref<136x?xbf16>,
                            %ks: memref<3xi32>, %c: memref<3x192x136xf32>,
                            %d: memref<3x192x136xf32>) {
  sm120.grouped_gemm k_grouped a(%a : memref<192x?xbf16>)
      b(%b : memref<136x?xbf16>)
      layout(%ks : memref<3xi32>) c(%c : memref<3x192x136xf32>)
      d(%d : memref<3x192x136xf32>)
  return
}

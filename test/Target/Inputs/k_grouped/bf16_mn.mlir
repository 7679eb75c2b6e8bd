// BF16 weight gradient in its natural layout: both operands MN-major
// [sum K, MN] (the activations and output gradients of the groups' tokens),
// read with ldmatrix.trans.
func.func @k_grouped_bf16_mn(%a: memref<?x264xbf16>, %b: memref<?x200xbf16>,
                             %ks: memref<4xi32>, %c: memref<4x264x200xf32>,
                             %d: memref<4x264x200xf32>) {
  sm120.grouped_gemm k_grouped a(%a : memref<?x264xbf16>)
      b(%b : memref<?x200xbf16>)
      layout(%ks : memref<4xi32>) c(%c : memref<4x264x200xf32>)
      d(%d : memref<4x264x200xf32>)
      {a_major = #sm120.major<mn>, b_major = #sm120.major<mn>}
  return
}

// BF16 experts whose weights are stored [K, N] (MN-major B, read with
// ldmatrix.trans), with a per-row group layout.
func.func @grouped_bf16_nn(%a: memref<?x1024xbf16>, %b: memref<3x1024x640xbf16>,
                           %rows: memref<?xi32>, %d: memref<?x640xbf16>) {
  sm120.grouped_gemm contiguous a(%a : memref<?x1024xbf16>)
      b(%b : memref<3x1024x640xbf16>)
      layout(%rows : memref<?xi32>) d(%d : memref<?x640xbf16>)
      {b_major = #sm120.major<mn>, expected_m = 512 : i64}
  return
}

// Dense BF16 with both operands MN-major (A [K, M], B [K, N]): 128-row
// A tiles are two 128-byte panels, and N = 320 ends in a partial tile.
func.func @mn_bf16_tt(%a: memref<1024x?xbf16>, %b: memref<1024x320xbf16>,
                      %d: memref<?x320xbf16>) {
  sm120.gemm a(%a : memref<1024x?xbf16>) b(%b : memref<1024x320xbf16>)
      d(%d : memref<?x320xbf16>)
      {a_major = #sm120.major<mn>, b_major = #sm120.major<mn>}
  return
}

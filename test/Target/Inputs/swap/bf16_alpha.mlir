// BF16 decode GEMM scaled by a device alpha; N = 7000 ends in a partial tile.
func.func @swap_bf16_alpha(%a: memref<?x2048xbf16>, %b: memref<7000x2048xbf16>,
                           %alpha: memref<1xf32>, %d: memref<?x7000xbf16>) {
  sm120.gemm a(%a : memref<?x2048xbf16>) b(%b : memref<7000x2048xbf16>)
      alpha(%alpha : memref<1xf32>) d(%d : memref<?x7000xbf16>)
  return
}

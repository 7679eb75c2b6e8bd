// Dense BF16 with B MN-major ([K, N], four panels per 256-wide tile), the
// TMA-store epilogue and an FP32 C.
func.func @mn_bf16_nn_tma(%a: memref<?x768xbf16>, %b: memref<768x1024xbf16>,
                          %c: memref<?x1024xf32>, %d: memref<?x1024xbf16>) {
  sm120.gemm a(%a : memref<?x768xbf16>) b(%b : memref<768x1024xbf16>)
      c(%c : memref<?x1024xf32>) d(%d : memref<?x1024xbf16>)
      schedule <block = [64, 256, 32], stages = 3, warp_layout = [2, 4], epilogue = tma_store>
      {b_major = #sm120.major<mn>}
  return
}

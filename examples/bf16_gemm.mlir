// Dense BF16 GEMM: runtime M, N = 4096, K = 7168, FP32 accumulation and
// BF16 output (no scales).
func.func @bf16_gemm_4096x7168(%a: memref<?x7168xbf16>,
                               %b: memref<4096x7168xbf16>,
                               %d: memref<?x4096xbf16>) {
  sm120.gemm a(%a : memref<?x7168xbf16>) b(%b : memref<4096x7168xbf16>)
      d(%d : memref<?x4096xbf16>)
  return
}

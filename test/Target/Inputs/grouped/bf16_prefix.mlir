// BF16 experts with prefix-sum group ends (each group padded to the tile).
func.func @grouped_bf16_prefix(%a: memref<?x4096xbf16>, %b: memref<4x2048x4096xbf16>,
                               %ends: memref<4xi32>, %d: memref<?x2048xbf16>) {
  sm120.grouped_gemm contiguous a(%a : memref<?x4096xbf16>)
      b(%b : memref<4x2048x4096xbf16>)
      layout(%ends : memref<4xi32>) d(%d : memref<?x2048xbf16>)
      {prefix_sum, expected_m = 512 : i64}
  return
}

// BF16 bhr,hdr->bhd with 4 heads accumulating into an FP32 C: N = 576 ends
// in a partial tile, and C and D are read and written head-interleaved.
func.func @batched_bf16_c(%x: memref<?x4x512xbf16>, %y: memref<4x576x512xbf16>,
                          %c: memref<?x4x576xf32>, %z: memref<?x4x576xf32>) {
  sm120.batched_gemm "bhr,hdr->bhd" a(%x : memref<?x4x512xbf16>)
      b(%y : memref<4x576x512xbf16>) c(%c : memref<?x4x576xf32>)
      d(%z : memref<?x4x576xf32>)
  return
}

// BF16 bhd,hdr->bhr for decode with swap_ab and an FP32 C: B [h, d, r]
// becomes the MMA's MN-major A operand (r along the MMA's rows), the few
// batch rows its 16 columns.
func.func @batched_bhd_bf16_swap(%x: memref<?x16x512xbf16>,
                                 %y: memref<16x512x128xbf16>,
                                 %c: memref<?x16x128xf32>,
                                 %z: memref<?x16x128xf32>) {
  sm120.batched_gemm "bhd,hdr->bhr" a(%x : memref<?x16x512xbf16>)
      b(%y : memref<16x512x128xbf16>) c(%c : memref<?x16x128xf32>)
      d(%z : memref<?x16x128xf32>)
      schedule <block = [64, 16, 64], stages = 4, warp_layout = [4, 1], epilogue = direct, swap_ab = true>
  return
}

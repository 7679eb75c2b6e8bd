// BF16 bhr,hdr->bhd for decode (MLA's absorbed query: 16 heads, r = 512,
// d = 128) with a swap_ab schedule: d runs along the MMA's rows and the few
// batch rows along 16 columns.
func.func @batched_bf16_swap(%x: memref<?x16x512xbf16>, %y: memref<16x128x512xbf16>,
                             %z: memref<?x16x128xbf16>) {
  sm120.batched_gemm "bhr,hdr->bhd" a(%x : memref<?x16x512xbf16>)
      b(%y : memref<16x128x512xbf16>) d(%z : memref<?x16x128xbf16>)
      schedule <block = [64, 16, 64], stages = 4, warp_layout = [4, 1], epilogue = direct, swap_ab = true>
  return
}

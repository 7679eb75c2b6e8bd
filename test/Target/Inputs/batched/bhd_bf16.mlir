// BF16 bhd,hdr->bhr: B [h, d, r] is MN-major (K = d rows of r), read with
// ldmatrix.trans from 128-byte panels; D [b, h, r] head-interleaved.
func.func @batched_bhd_bf16(%x: memref<?x8x512xbf16>,
                            %y: memref<8x512x384xbf16>,
                            %z: memref<?x8x384xbf16>) {
  sm120.batched_gemm "bhd,hdr->bhr" a(%x : memref<?x8x512xbf16>)
      b(%y : memref<8x512x384xbf16>) d(%z : memref<?x8x384xbf16>)
  return
}

// Multi-head latent attention absorption: per-head projection of every
// token, einsum bhr,hdr->bhd with runtime batch, BF16.
func.func @mla_absorb_8x4096x1024(%x: memref<?x8x4096xbf16>,
                                  %w: memref<8x1024x4096xbf16>,
                                  %y: memref<?x8x1024xbf16>) {
  sm120.batched_gemm "bhr,hdr->bhd" a(%x : memref<?x8x4096xbf16>)
      b(%w : memref<8x1024x4096xbf16>) d(%y : memref<?x8x1024xbf16>)
  return
}

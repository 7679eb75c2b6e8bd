// bhd,bhr->hdr in BF16 with an FP32 C: per head, D[h] = A[:, h, :]^T
// B[:, h, :] over the runtime batch rows; d = 192 and r = 136 leave partial
// tiles.
func.func @batched_hdr_bf16(%x: memref<?x8x192xbf16>, %y: memref<?x8x136xbf16>,
                            %c: memref<8x192x136xf32>, %z: memref<8x192x136xf32>) {
  sm120.batched_gemm "bhd,bhr->hdr" a(%x : memref<?x8x192xbf16>)
      b(%y : memref<?x8x136xbf16>) c(%c : memref<8x192x136xf32>)
      d(%z : memref<8x192x136xf32>)
  return
}

// BF16 bhr,hdr->bhd into strided views: C and D [b, h, d] take their row
// and head strides at launch (an output written into a wider buffer, or
// stored head-major).
func.func @batched_bf16_strided(%x: memref<?x8x512xbf16>, %y: memref<8x136x512xbf16>,
                                %c: memref<?x8x136xf32, strided<[?, ?, 1]>>,
                                %z: memref<?x8x136xf32, strided<[?, ?, 1]>>) {
  sm120.batched_gemm "bhr,hdr->bhd" a(%x : memref<?x8x512xbf16>)
      b(%y : memref<8x136x512xbf16>)
      c(%c : memref<?x8x136xf32, strided<[?, ?, 1]>>)
      d(%z : memref<?x8x136xf32, strided<[?, ?, 1]>>)
  return
}

// 32 BF16 experts of about 20 tokens each (decode): most of every group's
// max_m rows are masked off.
func.func @masked_bf16(%a: memref<32x?x512xbf16>, %b: memref<32x1024x512xbf16>,
                       %masked_m: memref<32xi32>, %d: memref<32x?x1024xbf16>) {
  sm120.grouped_gemm masked a(%a : memref<32x?x512xbf16>)
      b(%b : memref<32x1024x512xbf16>)
      layout(%masked_m : memref<32xi32>) d(%d : memref<32x?x1024xbf16>)
      {expected_m = 20 : i64}
  return
}

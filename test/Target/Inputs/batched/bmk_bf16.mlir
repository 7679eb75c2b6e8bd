// BF16 bmk,bnk->mn: a runtime batch count reduced into one [m, n] FP32
// output with C, every batch's K blocks accumulated in the same tile.
func.func @batched_bmk_bf16(%a: memref<?x256x512xbf16>, %b: memref<?x384x512xbf16>,
                            %c: memref<256x384xf32>, %d: memref<256x384xf32>) {
  sm120.batched_gemm "bmk,bnk->mn" a(%a : memref<?x256x512xbf16>)
      b(%b : memref<?x384x512xbf16>) c(%c : memref<256x384xf32>)
      d(%d : memref<256x384xf32>)
  return
}

// Lightning-indexer logits (DeepSeek-V3.2): 64 FP8 query heads of dim 128
// against a ragged range of FP8 keys per query, FP32 logits, -inf outside
// each query's range.
func.func @mqa_logits_h64_d128(%q: memref<?x64x128xf8E4M3FN>,
                               %kv: memref<?x128xf8E4M3FN>,
                               %kv_scale: memref<?xf32>,
                               %w: memref<?x64xf32>,
                               %ks: memref<?xi32>, %ke: memref<?xi32>,
                               %logits: memref<?x?xf32>) {
  sm120.mqa_logits q(%q : memref<?x64x128xf8E4M3FN>)
      kv(%kv : memref<?x128xf8E4M3FN>) kv_scale(%kv_scale : memref<?xf32>)
      weights(%w : memref<?x64xf32>)
      ranges(%ks, %ke : memref<?xi32>, memref<?xi32>)
      logits(%logits : memref<?x?xf32>) {clean_logits}
  return
}

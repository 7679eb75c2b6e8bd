// Decode-time indexer logits over a paged FP8 KV cache of 64-token blocks
// with two draft tokens (next_n = 2). The values and per-token scales are
// views into one fused cache: each 8448-byte block holds 64 x 128 values
// followed by 64 FP32 scales.
func.func @paged_mqa_logits_h64_d128(
    %q: memref<?x2x64x128xf8E4M3FN>,
    %kv: memref<?x64x128xf8E4M3FN, strided<[8448, 128, 1]>>,
    %kv_scale: memref<?x64xf32, strided<[2112, 1], offset: 2048>>,
    %w: memref<?x64xf32>, %lens: memref<?x2xi32>,
    %table: memref<?x?xi32>, %logits: memref<?x?xf32>) {
  sm120.paged_mqa_logits q(%q : memref<?x2x64x128xf8E4M3FN>)
      kv(%kv : memref<?x64x128xf8E4M3FN, strided<[8448, 128, 1]>>)
      kv_scale(%kv_scale : memref<?x64xf32, strided<[2112, 1], offset: 2048>>)
      weights(%w : memref<?x64xf32>) context_lens(%lens : memref<?x2xi32>)
      block_table(%table : memref<?x?xi32>) logits(%logits : memref<?x?xf32>)
  return
}

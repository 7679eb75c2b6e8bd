// RUN: sm120-opt %s -split-input-file -verify-diagnostics

// Verifier errors of sm120.mqa_logits and sm120.paged_mqa_logits.
// mqa_logits base: S=32 H=16 D=64 SKV=256. paged base: B=4 next_n=2 H=16
// D=64 num_blocks=100 BKV=64 (next_n=1 for the varlen cases).

// q must be [S, H, D]
func.func @mqa0(%q: memref<32x1024xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                %ks: memref<32xi32>, %ke: memref<32xi32>,
                %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #0 (q) must have rank 3 ([S, H, D]); got rank 2}}
  sm120.mqa_logits q(%q : memref<32x1024xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// kv must be [SKV, D]
func.func @mqa1(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<1x256x64xf8E4M3FN>,
                %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                %ks: memref<32xi32>, %ke: memref<32xi32>,
                %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #1 (kv) must have rank 2 ([SKV, D]); got rank 3}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<1x256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// q with a non-unit innermost stride
func.func @mqa2(%q: memref<32x16x64xf8E4M3FN, strided<[2048, 128, 2]>>,
                %kv: memref<256x64xf8E4M3FN>, %kvs: memref<256xf32>,
                %w: memref<32x16xf32>, %ks: memref<32xi32>, %ke: memref<32xi32>,
                %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #0 (q) must have unit stride in its innermost dimension; got stride 2}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN, strided<[2048, 128, 2]>>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// q must be FP8 or FP4
func.func @mqa3(%q: memref<32x16x64xbf16>, %kv: memref<256x64xbf16>,
                %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                %ks: memref<32xi32>, %ke: memref<32xi32>,
                %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #0 (q) has element type 'bf16'; expected f8E4M3FN or f4E2M1FN}}
  sm120.mqa_logits q(%q : memref<32x16x64xbf16>)
      kv(%kv : memref<256x64xbf16>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// kv must have the element type of q
func.func @mqa4(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf4E2M1FN>,
                %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                %ks: memref<32xi32>, %ke: memref<32xi32>,
                %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #1 (kv) has element type 'f4E2M1FN'; expected the element type of q, 'f8E4M3FN'}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf4E2M1FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// a head count other than 16, 32 or 64
func.func @mqa5(%q: memref<32x8x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                %kvs: memref<256xf32>, %w: memref<32x8xf32>,
                %ks: memref<32xi32>, %ke: memref<32xi32>,
                %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #0 (q) has 8 heads; expected a static 16, 32 or 64}}
  sm120.mqa_logits q(%q : memref<32x8x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x8xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// a dynamic head count
func.func @mqa6(%q: memref<32x?x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                %kvs: memref<256xf32>, %w: memref<32x?xf32>,
                %ks: memref<32xi32>, %ke: memref<32xi32>,
                %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #0 (q) has ? heads; expected a static 16, 32 or 64}}
  sm120.mqa_logits q(%q : memref<32x?x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x?xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// FP8 head dim other than 32, 64 or 128
func.func @mqa7(%q: memref<32x16x256xf8E4M3FN>, %kv: memref<256x256xf8E4M3FN>,
                %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                %ks: memref<32xi32>, %ke: memref<32xi32>,
                %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #0 (q) has head dim 256; FP8 needs a static 32, 64 or 128}}
  sm120.mqa_logits q(%q : memref<32x16x256xf8E4M3FN>)
      kv(%kv : memref<256x256xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// FP4 head dim other than 64 or 128
func.func @mqa8(%q: memref<32x16x32xf4E2M1FN>, %qs: memref<32x16xi32>,
                %kv: memref<256x32xf4E2M1FN>, %kvs: memref<256xi32>,
                %w: memref<32x16xf32>, %ks: memref<32xi32>, %ke: memref<32xi32>,
                %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #0 (q) has head dim 32; FP4 needs a static 64 or 128}}
  sm120.mqa_logits q(%q : memref<32x16x32xf4E2M1FN>) q_scale(%qs : memref<32x16xi32>)
      kv(%kv : memref<256x32xf4E2M1FN>) kv_scale(%kvs : memref<256xi32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// FP4 queries without q_scale
func.func @mqa9(%q: memref<32x16x64xf4E2M1FN>, %kv: memref<256x64xf4E2M1FN>,
                %kvs: memref<256xi32>, %w: memref<32x16xf32>,
                %ks: memref<32xi32>, %ke: memref<32xi32>,
                %out: memref<32x256xf32>) {
  // expected-error @+1 {{has FP4 queries, which need a 'q_scale' operand (i32 packed ue8m0, one per query head)}}
  sm120.mqa_logits q(%q : memref<32x16x64xf4E2M1FN>)
      kv(%kv : memref<256x64xf4E2M1FN>) kv_scale(%kvs : memref<256xi32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// FP8 queries with q_scale
func.func @mqa10(%q: memref<32x16x64xf8E4M3FN>, %qs: memref<32x16xi32>,
                 %kv: memref<256x64xf8E4M3FN>, %kvs: memref<256xf32>,
                 %w: memref<32x16xf32>, %ks: memref<32xi32>,
                 %ke: memref<32xi32>, %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #1 (q_scale) is given but FP8 queries take no scale}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>) q_scale(%qs : memref<32x16xi32>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// q_scale must be i32
func.func @mqa11(%q: memref<32x16x64xf4E2M1FN>, %qs: memref<32x16xf32>,
                 %kv: memref<256x64xf4E2M1FN>, %kvs: memref<256xi32>,
                 %w: memref<32x16xf32>, %ks: memref<32xi32>,
                 %ke: memref<32xi32>, %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #1 (q_scale) has element type 'f32'; expected i32 (four packed ue8m0)}}
  sm120.mqa_logits q(%q : memref<32x16x64xf4E2M1FN>) q_scale(%qs : memref<32x16xf32>)
      kv(%kv : memref<256x64xf4E2M1FN>) kv_scale(%kvs : memref<256xi32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// FP8 kv_scale must be f32
func.func @mqa12(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<256xi32>, %w: memref<32x16xf32>,
                 %ks: memref<32xi32>, %ke: memref<32xi32>,
                 %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #2 (kv_scale) has element type 'i32'; expected f32 for FP8 keys}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xi32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// FP4 kv_scale must be i32
func.func @mqa13(%q: memref<32x16x64xf4E2M1FN>, %qs: memref<32x16xi32>,
                 %kv: memref<256x64xf4E2M1FN>, %kvs: memref<256xf32>,
                 %w: memref<32x16xf32>, %ks: memref<32xi32>,
                 %ke: memref<32xi32>, %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #3 (kv_scale) has element type 'f32'; expected i32 (four packed ue8m0) for FP4 keys}}
  sm120.mqa_logits q(%q : memref<32x16x64xf4E2M1FN>) q_scale(%qs : memref<32x16xi32>)
      kv(%kv : memref<256x64xf4E2M1FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// logits must be bf16 or f32
func.func @mqa14(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                 %ks: memref<32xi32>, %ke: memref<32xi32>,
                 %out: memref<32x256xf16>) {
  // expected-error @+1 {{operand #6 (logits) has element type 'f16'; expected bf16 or f32}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf16>)
  return
}

// -----

// D of kv differs from D of q
func.func @mqa15(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x128xf8E4M3FN>,
                 %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                 %ks: memref<32xi32>, %ke: memref<32xi32>,
                 %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #1 (kv) has D = 128 (dim 1); operand #0 (q) has D = 64 (dim 2)}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x128xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// q_scale must be [S, H]
func.func @mqa16(%q: memref<32x16x64xf4E2M1FN>, %qs: memref<512xi32>,
                 %kv: memref<256x64xf4E2M1FN>, %kvs: memref<256xi32>,
                 %w: memref<32x16xf32>, %ks: memref<32xi32>,
                 %ke: memref<32xi32>, %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #1 (q_scale) must have rank 2 ([S, H]); got rank 1}}
  sm120.mqa_logits q(%q : memref<32x16x64xf4E2M1FN>) q_scale(%qs : memref<512xi32>)
      kv(%kv : memref<256x64xf4E2M1FN>) kv_scale(%kvs : memref<256xi32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// H of q_scale differs from H of q
func.func @mqa17(%q: memref<32x16x64xf4E2M1FN>, %qs: memref<32x32xi32>,
                 %kv: memref<256x64xf4E2M1FN>, %kvs: memref<256xi32>,
                 %w: memref<32x16xf32>, %ks: memref<32xi32>,
                 %ke: memref<32xi32>, %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #1 (q_scale) has H = 32 (dim 1); operand #0 (q) has H = 16 (dim 1)}}
  sm120.mqa_logits q(%q : memref<32x16x64xf4E2M1FN>) q_scale(%qs : memref<32x32xi32>)
      kv(%kv : memref<256x64xf4E2M1FN>) kv_scale(%kvs : memref<256xi32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// kv_scale must be [SKV]
func.func @mqa18(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<256x1xf32>, %w: memref<32x16xf32>,
                 %ks: memref<32xi32>, %ke: memref<32xi32>,
                 %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #2 (kv_scale) must have rank 1 ([SKV]); got rank 2}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256x1xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// SKV of kv_scale differs from SKV of kv
func.func @mqa19(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<128xf32>, %w: memref<32x16xf32>,
                 %ks: memref<32xi32>, %ke: memref<32xi32>,
                 %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #2 (kv_scale) has SKV = 128 (dim 0); operand #1 (kv) has SKV = 256 (dim 0)}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<128xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// weights must be [S, H]
func.func @mqa20(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<256xf32>, %w: memref<512xf32>,
                 %ks: memref<32xi32>, %ke: memref<32xi32>,
                 %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #3 (weights) must have rank 2 ([S, H]); got rank 1}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<512xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// weights must be f32
func.func @mqa21(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<256xf32>, %w: memref<32x16xbf16>,
                 %ks: memref<32xi32>, %ke: memref<32xi32>,
                 %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #3 (weights) has element type 'bf16'; expected f32}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xbf16>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// H of weights differs from H of q
func.func @mqa22(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<256xf32>, %w: memref<32x64xf32>,
                 %ks: memref<32xi32>, %ke: memref<32xi32>,
                 %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #3 (weights) has H = 64 (dim 1); operand #0 (q) has H = 16 (dim 1)}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x64xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// ks must be [S]
func.func @mqa23(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                 %ks: memref<32x1xi32>, %ke: memref<32xi32>,
                 %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #4 (ks) must have rank 1 ([S]); got rank 2}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32x1xi32>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// ks must be i32
func.func @mqa24(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                 %ks: memref<32xi64>, %ke: memref<32xi32>,
                 %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #4 (ks) has element type 'i64'; expected i32}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi64>, memref<32xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// S of ke differs from S of q
func.func @mqa25(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                 %ks: memref<32xi32>, %ke: memref<16xi32>,
                 %out: memref<32x256xf32>) {
  // expected-error @+1 {{operand #5 (ke) has S = 16 (dim 0); operand #0 (q) has S = 32 (dim 0)}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<16xi32>)
      logits(%out : memref<32x256xf32>)
  return
}

// -----

// logits must be [S, SKV]
func.func @mqa26(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                 %ks: memref<32xi32>, %ke: memref<32xi32>,
                 %out: memref<8192xf32>) {
  // expected-error @+1 {{operand #6 (logits) must have rank 2 ([S, SKV]); got rank 1}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<8192xf32>)
  return
}

// -----

// compressed logits must be [S, W]
func.func @mqa27(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                 %ks: memref<32xi32>, %ke: memref<32xi32>,
                 %out: memref<8192xf32>) {
  // expected-error @+1 {{operand #6 (logits) must have rank 2 ([S, W]); got rank 1}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<8192xf32>) {compressed}
  return
}

// -----

// full logits have one column per KV token
func.func @mqa28(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                 %ks: memref<32xi32>, %ke: memref<32xi32>,
                 %out: memref<32x128xf32>) {
  // expected-error @+1 {{operand #6 (logits) has SKV = 128 (dim 1); operand #1 (kv) has SKV = 256 (dim 0)}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<32x128xf32>)
  return
}

// -----

// compressed logits have a free width but one row per query
func.func @mqa29(%q: memref<32x16x64xf8E4M3FN>, %kv: memref<256x64xf8E4M3FN>,
                 %kvs: memref<256xf32>, %w: memref<32x16xf32>,
                 %ks: memref<32xi32>, %ke: memref<32xi32>,
                 %out: memref<16x100xf32>) {
  // expected-error @+1 {{operand #6 (logits) has S = 16 (dim 0); operand #0 (q) has S = 32 (dim 0)}}
  sm120.mqa_logits q(%q : memref<32x16x64xf8E4M3FN>)
      kv(%kv : memref<256x64xf8E4M3FN>) kv_scale(%kvs : memref<256xf32>)
      weights(%w : memref<32x16xf32>)
      ranges(%ks, %ke : memref<32xi32>, memref<32xi32>)
      logits(%out : memref<16x100xf32>) {compressed}
  return
}

// -----

// q must be [B, next_n, H, D]
func.func @paged30(%q: memref<8x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #0 (q) must have rank 4 ([B, next_n, H, D]); got rank 3}}
  sm120.paged_mqa_logits q(%q : memref<8x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// kv must be [num_blocks, BKV, D]
func.func @paged31(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<6400x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #1 (kv) must have rank 3 ([num_blocks, BKV, D]); got rank 2}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<6400x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// heads are dim 2 of the 4-D q
func.func @paged32(%q: memref<4x2x8x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x8xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #0 (q) has 8 heads; expected a static 16, 32 or 64}}
  sm120.paged_mqa_logits q(%q : memref<4x2x8x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x8xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// FP4 queries without q_scale
func.func @paged33(%q: memref<4x2x16x64xf4E2M1FN>,
                   %kv: memref<100x64x64xf4E2M1FN>, %kvs: memref<100x64xi32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{has FP4 queries, which need a 'q_scale' operand (i32 packed ue8m0, one per query head)}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf4E2M1FN>)
      kv(%kv : memref<100x64x64xf4E2M1FN>) kv_scale(%kvs : memref<100x64xi32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// D of kv differs from D of q
func.func @paged34(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x128xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #1 (kv) has D = 128 (dim 2); operand #0 (q) has D = 64 (dim 3)}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x128xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// next_n must be static
func.func @paged35(%q: memref<4x?x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<?x16xf32>, %lens: memref<4x?xi32>,
                   %table: memref<4x10xi32>, %out: memref<?x4096xf32>) {
  // expected-error @+1 {{operand #0 (q) has next_n = ? (dim 1); expected a static value >= 1}}
  sm120.paged_mqa_logits q(%q : memref<4x?x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<?x16xf32>) context_lens(%lens : memref<4x?xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<?x4096xf32>)
  return
}

// -----

// a static zero-sized dimension (here next_n = 0) is rejected
func.func @paged36(%q: memref<4x0x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<0x16xf32>, %lens: memref<4x0xi32>,
                   %table: memref<4x10xi32>, %out: memref<0x4096xf32>) {
  // expected-error @+1 {{operand #0 (q) has a zero-sized dimension (dim 1); static sizes must be positive}}
  sm120.paged_mqa_logits q(%q : memref<4x0x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<0x16xf32>) context_lens(%lens : memref<4x0xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<0x4096xf32>)
  return
}

// -----

// a KV block size other than 32 or 64
func.func @paged37(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x16x64xf8E4M3FN>, %kvs: memref<100x16xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #1 (kv) has block size 16 (dim 1); expected a static 32 or 64}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x16x64xf8E4M3FN>) kv_scale(%kvs : memref<100x16xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// a dynamic KV block size
func.func @paged38(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x?x64xf8E4M3FN>, %kvs: memref<100x?xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #1 (kv) has block size ? (dim 1); expected a static 32 or 64}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x?x64xf8E4M3FN>) kv_scale(%kvs : memref<100x?xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// q_scale must be [B, next_n, H]
func.func @paged39(%q: memref<4x2x16x64xf4E2M1FN>, %qs: memref<8x16xi32>,
                   %kv: memref<100x64x64xf4E2M1FN>, %kvs: memref<100x64xi32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #1 (q_scale) must have rank 3 ([B, next_n, H]); got rank 2}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf4E2M1FN>) q_scale(%qs : memref<8x16xi32>)
      kv(%kv : memref<100x64x64xf4E2M1FN>) kv_scale(%kvs : memref<100x64xi32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// next_n of q_scale differs from next_n of q
func.func @paged40(%q: memref<4x2x16x64xf4E2M1FN>, %qs: memref<4x1x16xi32>,
                   %kv: memref<100x64x64xf4E2M1FN>, %kvs: memref<100x64xi32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #1 (q_scale) has next_n = 1 (dim 1); operand #0 (q) has next_n = 2 (dim 1)}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf4E2M1FN>) q_scale(%qs : memref<4x1x16xi32>)
      kv(%kv : memref<100x64x64xf4E2M1FN>) kv_scale(%kvs : memref<100x64xi32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// kv_scale must be [num_blocks, BKV]
func.func @paged41(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<6400xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #2 (kv_scale) must have rank 2 ([num_blocks, BKV]); got rank 1}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<6400xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// BKV of kv_scale differs from BKV of kv
func.func @paged42(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x32xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #2 (kv_scale) has BKV = 32 (dim 1); operand #1 (kv) has BKV = 64 (dim 1)}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x32xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// weights must be [B * next_n, H]
func.func @paged43(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<4x2x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #3 (weights) must have rank 2 ([B * next_n, H]); got rank 3}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<4x2x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// weights must be f32
func.func @paged44(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xbf16>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #3 (weights) has element type 'bf16'; expected f32}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xbf16>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// weights have B * next_n rows
func.func @paged45(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<4x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #3 (weights) has 4 in dim 0; expected B * next_n = 8}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<4x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// H of weights differs from H of q
func.func @paged46(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x32xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #3 (weights) has H = 32 (dim 1); operand #0 (q) has H = 16 (dim 2)}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x32xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// with a dynamic B, the row count B * next_n is taken from weights
func.func @paged47(%q: memref<?x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<?x2xi32>,
                   %table: memref<?x10xi32>, %out: memref<16x4096xf32>) {
  // expected-error @+1 {{operand #6 (logits) has B * next_n = 16 (dim 0); operand #3 (weights) has B * next_n = 8 (dim 0)}}
  sm120.paged_mqa_logits q(%q : memref<?x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<?x2xi32>)
      block_table(%table : memref<?x10xi32>)
      logits(%out : memref<16x4096xf32>)
  return
}

// -----

// context_lens must be [B, next_n]
func.func @paged48(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<8xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #4 (context_lens) must have rank 2 ([B, next_n]); got rank 1}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<8xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// context_lens must be i32
func.func @paged49(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi64>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #4 (context_lens) has element type 'i64'; expected i32}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi64>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// next_n of context_lens differs from next_n of q
func.func @paged50(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x1xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #4 (context_lens) has next_n = 1 (dim 1); operand #0 (q) has next_n = 2 (dim 1)}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x1xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// block_table must be [B, max_blocks]
func.func @paged51(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<40xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #5 (block_table) must have rank 2 ([B, max_blocks]); got rank 1}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<40xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// block_table must be i32
func.func @paged52(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi64>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #5 (block_table) has element type 'i64'; expected i32}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi64>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// B of block_table differs from B of q
func.func @paged53(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<8x10xi32>, %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #5 (block_table) has B = 8 (dim 0); operand #0 (q) has B = 4 (dim 0)}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<8x10xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// indices (varlen) need next_n = 1
func.func @paged54(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %idx: memref<4xi32>,
                   %out: memref<8x4096xf32>) {
  // expected-error @+1 {{operand #6 (indices) is only allowed with next_n = 1 (varlen decode); got next_n = 2}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      indices(%idx : memref<4xi32>)
      logits(%out : memref<8x4096xf32>)
  return
}

// -----

// indices must be [B]
func.func @paged55(%q: memref<4x1x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<4x16xf32>, %lens: memref<4x1xi32>,
                   %table: memref<4x10xi32>, %idx: memref<4x1xi32>,
                   %out: memref<4x4096xf32>) {
  // expected-error @+1 {{operand #6 (indices) must have rank 1 ([B]); got rank 2}}
  sm120.paged_mqa_logits q(%q : memref<4x1x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<4x16xf32>) context_lens(%lens : memref<4x1xi32>)
      block_table(%table : memref<4x10xi32>)
      indices(%idx : memref<4x1xi32>)
      logits(%out : memref<4x4096xf32>)
  return
}

// -----

// indices must be i32
func.func @paged56(%q: memref<4x1x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<4x16xf32>, %lens: memref<4x1xi32>,
                   %table: memref<4x10xi32>, %idx: memref<4xi64>,
                   %out: memref<4x4096xf32>) {
  // expected-error @+1 {{operand #6 (indices) has element type 'i64'; expected i32}}
  sm120.paged_mqa_logits q(%q : memref<4x1x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<4x16xf32>) context_lens(%lens : memref<4x1xi32>)
      block_table(%table : memref<4x10xi32>)
      indices(%idx : memref<4xi64>)
      logits(%out : memref<4x4096xf32>)
  return
}

// -----

// B of indices differs from B of q
func.func @paged57(%q: memref<4x1x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<4x16xf32>, %lens: memref<4x1xi32>,
                   %table: memref<4x10xi32>, %idx: memref<8xi32>,
                   %out: memref<4x4096xf32>) {
  // expected-error @+1 {{operand #6 (indices) has B = 8 (dim 0); operand #0 (q) has B = 4 (dim 0)}}
  sm120.paged_mqa_logits q(%q : memref<4x1x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<4x16xf32>) context_lens(%lens : memref<4x1xi32>)
      block_table(%table : memref<4x10xi32>)
      indices(%idx : memref<8xi32>)
      logits(%out : memref<4x4096xf32>)
  return
}

// -----

// logits must be [B * next_n, max_context_len]
func.func @paged58(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<4x2x4096xf32>) {
  // expected-error @+1 {{operand #6 (logits) must have rank 2 ([B * next_n, max_context_len]); got rank 3}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<4x2x4096xf32>)
  return
}

// -----

// logits have B * next_n rows
func.func @paged59(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<4x4096xf32>) {
  // expected-error @+1 {{operand #6 (logits) has 4 in dim 0; expected B * next_n = 8}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<4x4096xf32>)
  return
}

// -----

// logits must be bf16 or f32
func.func @paged60(%q: memref<4x2x16x64xf8E4M3FN>,
                   %kv: memref<100x64x64xf8E4M3FN>, %kvs: memref<100x64xf32>,
                   %w: memref<8x16xf32>, %lens: memref<4x2xi32>,
                   %table: memref<4x10xi32>, %out: memref<8x4096xi32>) {
  // expected-error @+1 {{operand #6 (logits) has element type 'i32'; expected bf16 or f32}}
  sm120.paged_mqa_logits q(%q : memref<4x2x16x64xf8E4M3FN>)
      kv(%kv : memref<100x64x64xf8E4M3FN>) kv_scale(%kvs : memref<100x64xf32>)
      weights(%w : memref<8x16xf32>) context_lens(%lens : memref<4x2xi32>)
      block_table(%table : memref<4x10xi32>)
      logits(%out : memref<8x4096xi32>)
  return
}

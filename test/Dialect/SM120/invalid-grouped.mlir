// RUN: sm120-opt %s -split-input-file -verify-diagnostics

// Verifier errors of sm120.grouped_gemm. Bases: contiguous M=128 K=512 G=4
// N=256; masked G=4 max_m=64 K=512 N=256; k_grouped (MN-major unless noted)
// sum_K=? M=128 N=256 G=4.

// a with an unsupported element type
func.func @grouped0(%a: memref<128x512xf16>, %b: memref<4x256x512xbf16>,
                    %layout: memref<128xi32>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #0 (a) has element type 'f16'; expected f8E4M3FN, f4E2M1FN or bf16}}
  sm120.grouped_gemm contiguous a(%a : memref<128x512xf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<128xi32>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// k_grouped does not take FP4 data
func.func @grouped1(%a: memref<?x128xf4E2M1FN>, %b: memref<?x256xf4E2M1FN>,
                    %sfa: memref<?x128xi32>, %sfb: memref<?x256xi32>,
                    %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                    %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #0 (a) has element type 'f4E2M1FN'; expected f8E4M3FN or bf16}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xf4E2M1FN>) b(%b : memref<?x256xf4E2M1FN>)
      scales(%sfa, %sfb : memref<?x128xi32>, memref<?x256xi32>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// FP8 mixed with bf16
func.func @grouped2(%a: memref<4x64x512xf8E4M3FN>, %b: memref<4x256x512xbf16>,
                    %layout: memref<4xi32>, %d: memref<4x64x256xf32>) {
  // expected-error @+1 {{operand pair ('f8E4M3FN', 'bf16') is not supported; expected FP8/FP4 x FP8/FP4 (with scales) or bf16 x bf16}}
  sm120.grouped_gemm masked a(%a : memref<4x64x512xf8E4M3FN>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<4xi32>)
      d(%d : memref<4x64x256xf32>)
  return
}

// -----

// prefix_sum on a kind other than contiguous
func.func @grouped3(%a: memref<4x64x512xbf16>, %b: memref<4x256x512xbf16>,
                    %layout: memref<4xi32>, %d: memref<4x64x256xf32>) {
  // expected-error @+1 {{prefix_sum applies to kind contiguous only; got masked}}
  sm120.grouped_gemm masked a(%a : memref<4x64x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<4xi32>)
      d(%d : memref<4x64x256xf32>)
      {prefix_sum}
  return
}

// -----

// k_alignment is the K-grouped promise of a multiple of 64.
func.func @k_alignment_kind(%a: memref<?x512xbf16>, %b: memref<8x256x512xbf16>,
                            %layout: memref<?xi32>, %d: memref<?x256xbf16>) {
  // expected-error @+1 {{k_alignment applies to kind k_grouped only; got contiguous}}
  sm120.grouped_gemm contiguous a(%a : memref<?x512xbf16>)
      b(%b : memref<8x256x512xbf16>) layout(%layout : memref<?xi32>)
      d(%d : memref<?x256xbf16>) {k_alignment = 128 : i64}
  return
}

// -----

func.func @k_alignment_multiple(%a: memref<?x128xbf16>, %b: memref<?x256xbf16>,
                                %layout: memref<4xi32>,
                                %c: memref<4x128x256xf32>,
                                %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{k_alignment must be a positive multiple of 64; got 96}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xbf16>) b(%b : memref<?x256xbf16>)
      layout(%layout : memref<4xi32>) c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {k_alignment = 96 : i64, a_major = #sm120.major<mn>, b_major = #sm120.major<mn>}
  return
}

// -----

// expected_m on k_grouped
func.func @grouped4(%a: memref<?x128xbf16>, %b: memref<?x256xbf16>,
                    %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                    %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{expected_m applies to M-grouped kinds only; got k_grouped}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xbf16>) b(%b : memref<?x256xbf16>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {expected_m = 64 : i64,
       a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// expected_m must be positive
func.func @grouped5(%a: memref<4x64x512xbf16>, %b: memref<4x256x512xbf16>,
                    %layout: memref<4xi32>, %d: memref<4x64x256xf32>) {
  // expected-error @+1 {{expected_m must be positive; got 0}}
  sm120.grouped_gemm masked a(%a : memref<4x64x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<4xi32>)
      d(%d : memref<4x64x256xf32>)
      {expected_m = 0 : i64}
  return
}

// -----

// contiguous without a layout operand
func.func @grouped6(%a: memref<128x512xbf16>, %b: memref<4x256x512xbf16>,
                    %d: memref<128x256xf32>) {
  // expected-error @+1 {{kind contiguous needs a 'layout' operand with the group of each row (or prefix sums)}}
  sm120.grouped_gemm contiguous a(%a : memref<128x512xbf16>) b(%b : memref<4x256x512xbf16>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// masked without a layout operand
func.func @grouped7(%a: memref<4x64x512xbf16>, %b: memref<4x256x512xbf16>,
                    %d: memref<4x64x256xf32>) {
  // expected-error @+1 {{kind masked needs a 'layout' operand with the valid row count of each group}}
  sm120.grouped_gemm masked a(%a : memref<4x64x512xbf16>) b(%b : memref<4x256x512xbf16>)
      d(%d : memref<4x64x256xf32>)
  return
}

// -----

// k_grouped without a layout operand
func.func @grouped8(%a: memref<?x128xbf16>, %b: memref<?x256xbf16>,
                    %c: memref<4x128x256xf32>, %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{kind k_grouped needs a 'layout' operand with the K size of each group}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xbf16>) b(%b : memref<?x256xbf16>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// layout of the wrong rank
func.func @grouped9(%a: memref<4x64x512xbf16>, %b: memref<4x256x512xbf16>,
                    %layout: memref<4x1xi32>, %d: memref<4x64x256xf32>) {
  // expected-error @+1 {{operand #2 (layout) must have rank 1 ([rows] or [G]); got rank 2}}
  sm120.grouped_gemm masked a(%a : memref<4x64x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<4x1xi32>)
      d(%d : memref<4x64x256xf32>)
  return
}

// -----

// layout must be i32
func.func @grouped10(%a: memref<4x64x512xbf16>, %b: memref<4x256x512xbf16>,
                     %layout: memref<4xi64>, %d: memref<4x64x256xf32>) {
  // expected-error @+1 {{operand #2 (layout) has element type 'i64'; expected i32}}
  sm120.grouped_gemm masked a(%a : memref<4x64x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<4xi64>)
      d(%d : memref<4x64x256xf32>)
  return
}

// -----

// FP8 operands without scales
func.func @grouped11(%a: memref<4x64x512xf8E4M3FN>,
                     %b: memref<4x256x512xf8E4M3FN>, %layout: memref<4xi32>,
                     %d: memref<4x64x256xbf16>) {
  // expected-error @+1 {{FP8 operands need scale factors: operand 'sfa' is missing (give 'scales(%sfa, %sfb : ...)' and the 'sfa_recipe' attribute)}}
  sm120.grouped_gemm masked a(%a : memref<4x64x512xf8E4M3FN>) b(%b : memref<4x256x512xf8E4M3FN>)
      layout(%layout : memref<4xi32>)
      d(%d : memref<4x64x256xbf16>)
  return
}

// -----

// contiguous needs a K-major a
func.func @grouped12(%a: memref<512x128xbf16>, %b: memref<4x256x512xbf16>,
                     %layout: memref<128xi32>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #0 (a) must be K-major for kind contiguous}}
  sm120.grouped_gemm contiguous a(%a : memref<512x128xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<128xi32>)
      d(%d : memref<128x256xf32>)
      {a_major = #sm120.major<mn>}
  return
}

// -----

// contiguous a must be [M, K]
func.func @grouped13(%a: memref<1x128x512xbf16>, %b: memref<4x256x512xbf16>,
                     %layout: memref<128xi32>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #0 (a) must have rank 2 ([M, K]); got rank 3}}
  sm120.grouped_gemm contiguous a(%a : memref<1x128x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<128xi32>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// contiguous b must be [G, N, K]
func.func @grouped14(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                     %layout: memref<128xi32>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #1 (b) must have rank 3 ([G, N, K]); got rank 2}}
  sm120.grouped_gemm contiguous a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      layout(%layout : memref<128xi32>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// contiguous MN-major b must be [G, K, N]
func.func @grouped15(%a: memref<128x512xbf16>, %b: memref<512x256xbf16>,
                     %layout: memref<128xi32>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #1 (b) must have rank 3 ([G, K, N]); got rank 2}}
  sm120.grouped_gemm contiguous a(%a : memref<128x512xbf16>) b(%b : memref<512x256xbf16>)
      layout(%layout : memref<128xi32>)
      d(%d : memref<128x256xf32>)
      {b_major = #sm120.major<mn>}
  return
}

// -----

// K of b differs from K of a
func.func @grouped16(%a: memref<128x512xbf16>, %b: memref<4x256x256xbf16>,
                     %layout: memref<128xi32>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #1 (b) has K = 256 (dim 2); operand #0 (a) has K = 512 (dim 1)}}
  sm120.grouped_gemm contiguous a(%a : memref<128x512xbf16>) b(%b : memref<4x256x256xbf16>)
      layout(%layout : memref<128xi32>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// N of d differs from N of b
func.func @grouped17(%a: memref<128x512xbf16>, %b: memref<4x256x512xbf16>,
                     %layout: memref<128xi32>, %d: memref<128x128xf32>) {
  // expected-error @+1 {{operand #3 (d) has N = 128 (dim 1); operand #1 (b) has N = 256 (dim 1)}}
  sm120.grouped_gemm contiguous a(%a : memref<128x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<128xi32>)
      d(%d : memref<128x128xf32>)
  return
}

// -----

// without prefix_sum the layout has one entry per row of a
func.func @grouped18(%a: memref<128x512xbf16>, %b: memref<4x256x512xbf16>,
                     %layout: memref<64xi32>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #2 (layout) has M = 64 (dim 0); operand #0 (a) has M = 128 (dim 0)}}
  sm120.grouped_gemm contiguous a(%a : memref<128x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<64xi32>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// with prefix_sum the layout has one entry per group
func.func @grouped19(%a: memref<128x512xbf16>, %b: memref<4x256x512xbf16>,
                     %layout: memref<128xi32>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #2 (layout) has G = 128 (dim 0); operand #1 (b) has G = 4 (dim 0)}}
  sm120.grouped_gemm contiguous a(%a : memref<128x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<128xi32>)
      d(%d : memref<128x256xf32>)
      {prefix_sum}
  return
}

// -----

// contiguous sfa has no group dimension
func.func @grouped20(%a: memref<128x512xf8E4M3FN>,
                     %b: memref<4x256x512xf8E4M3FN>, %sfa: memref<4x1x128xi32>,
                     %sfb: memref<4x1x256xi32>, %layout: memref<128xi32>,
                     %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) must have rank 2 ([batch..., K blocks / 4, align(MN, 4)]); got rank 3}}
  sm120.grouped_gemm contiguous a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<4x256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<4x1x128xi32>, memref<4x1x256xi32>)
      layout(%layout : memref<128xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// contiguous sfb has a leading group dimension
func.func @grouped21(%a: memref<128x512xf8E4M3FN>,
                     %b: memref<4x256x512xf8E4M3FN>, %sfa: memref<1x128xi32>,
                     %sfb: memref<1x256xi32>, %layout: memref<128xi32>,
                     %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #3 (sfb) must have rank 3 ([batch..., K blocks / 4, align(MN, 4)]); got rank 2}}
  sm120.grouped_gemm contiguous a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<4x256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      layout(%layout : memref<128xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// contiguous sfb with the wrong group count
func.func @grouped22(%a: memref<128x512xf8E4M3FN>,
                     %b: memref<4x256x512xf8E4M3FN>, %sfa: memref<1x128xi32>,
                     %sfb: memref<8x1x256xi32>, %layout: memref<128xi32>,
                     %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #3 (sfb) has shape [8, 1, 256]; expected [4, 1, 256] (batch..., ceil(K / (4 * k)), align(MN, 4))}}
  sm120.grouped_gemm contiguous a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<4x256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<8x1x256xi32>)
      layout(%layout : memref<128xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// contiguous FP8 x FP4 needs K divisible by 128
func.func @grouped23(%a: memref<128x64xf8E4M3FN>, %b: memref<4x256x64xf4E2M1FN>,
                     %sfa: memref<1x128xi32>, %sfb: memref<4x1x256xi32>,
                     %layout: memref<128xi32>, %d: memref<128x256xbf16>) {
  // expected-error @+1 {{mixes FP8 and FP4 operands, which needs K divisible by 128; got K = 64}}
  sm120.grouped_gemm contiguous a(%a : memref<128x64xf8E4M3FN>) b(%b : memref<4x256x64xf4E2M1FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<4x1x256xi32>)
      layout(%layout : memref<128xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

// -----

// masked needs a K-major a
func.func @grouped24(%a: memref<4x512x64xbf16>, %b: memref<4x256x512xbf16>,
                     %layout: memref<4xi32>, %d: memref<4x64x256xf32>) {
  // expected-error @+1 {{kind masked needs K-major operands; got a_major mn, b_major k}}
  sm120.grouped_gemm masked a(%a : memref<4x512x64xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<4xi32>)
      d(%d : memref<4x64x256xf32>)
      {a_major = #sm120.major<mn>}
  return
}

// -----

// masked needs a K-major b
func.func @grouped25(%a: memref<4x64x512xbf16>, %b: memref<4x512x256xbf16>,
                     %layout: memref<4xi32>, %d: memref<4x64x256xf32>) {
  // expected-error @+1 {{kind masked needs K-major operands; got a_major k, b_major mn}}
  sm120.grouped_gemm masked a(%a : memref<4x64x512xbf16>) b(%b : memref<4x512x256xbf16>)
      layout(%layout : memref<4xi32>)
      d(%d : memref<4x64x256xf32>)
      {b_major = #sm120.major<mn>}
  return
}

// -----

// masked a must be [G, max_m, K]
func.func @grouped26(%a: memref<64x512xbf16>, %b: memref<4x256x512xbf16>,
                     %layout: memref<4xi32>, %d: memref<4x64x256xf32>) {
  // expected-error @+1 {{operand #0 (a) must have rank 3 ([G, max_m, K]); got rank 2}}
  sm120.grouped_gemm masked a(%a : memref<64x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<4xi32>)
      d(%d : memref<4x64x256xf32>)
  return
}

// -----

// G of b differs from G of a
func.func @grouped27(%a: memref<4x64x512xbf16>, %b: memref<8x256x512xbf16>,
                     %layout: memref<4xi32>, %d: memref<4x64x256xf32>) {
  // expected-error @+1 {{operand #1 (b) has G = 8 (dim 0); operand #0 (a) has G = 4 (dim 0)}}
  sm120.grouped_gemm masked a(%a : memref<4x64x512xbf16>) b(%b : memref<8x256x512xbf16>)
      layout(%layout : memref<4xi32>)
      d(%d : memref<4x64x256xf32>)
  return
}

// -----

// masked d must be [G, max_m, N]
func.func @grouped28(%a: memref<4x64x512xbf16>, %b: memref<4x256x512xbf16>,
                     %layout: memref<4xi32>, %d: memref<64x256xf32>) {
  // expected-error @+1 {{operand #3 (d) must have rank 3 ([G, max_m, N]); got rank 2}}
  sm120.grouped_gemm masked a(%a : memref<4x64x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<4xi32>)
      d(%d : memref<64x256xf32>)
  return
}

// -----

// max_m of d differs from max_m of a
func.func @grouped29(%a: memref<4x64x512xbf16>, %b: memref<4x256x512xbf16>,
                     %layout: memref<4xi32>, %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #3 (d) has max_m = 128 (dim 1); operand #0 (a) has max_m = 64 (dim 1)}}
  sm120.grouped_gemm masked a(%a : memref<4x64x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<4xi32>)
      d(%d : memref<4x128x256xf32>)
  return
}

// -----

// masked layout has one entry per group
func.func @grouped30(%a: memref<4x64x512xbf16>, %b: memref<4x256x512xbf16>,
                     %layout: memref<8xi32>, %d: memref<4x64x256xf32>) {
  // expected-error @+1 {{operand #2 (layout) has G = 8 (dim 0); operand #0 (a) has G = 4 (dim 0)}}
  sm120.grouped_gemm masked a(%a : memref<4x64x512xbf16>) b(%b : memref<4x256x512xbf16>)
      layout(%layout : memref<8xi32>)
      d(%d : memref<4x64x256xf32>)
  return
}

// -----

// masked sfa is [G, K blocks / 4, align(max_m, 4)]
func.func @grouped31(%a: memref<4x64x512xf8E4M3FN>,
                     %b: memref<4x256x512xf8E4M3FN>, %sfa: memref<4x1x128xi32>,
                     %sfb: memref<4x1x256xi32>, %layout: memref<4xi32>,
                     %d: memref<4x64x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has shape [4, 1, 128]; expected [4, 1, 64] (batch..., ceil(K / (4 * k)), align(MN, 4))}}
  sm120.grouped_gemm masked a(%a : memref<4x64x512xf8E4M3FN>) b(%b : memref<4x256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<4x1x128xi32>, memref<4x1x256xi32>)
      layout(%layout : memref<4xi32>)
      d(%d : memref<4x64x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// masked FP4 x FP8 needs K divisible by 128
func.func @grouped32(%a: memref<4x64x64xf4E2M1FN>,
                     %b: memref<4x256x64xf8E4M3FN>, %sfa: memref<4x1x64xi32>,
                     %sfb: memref<4x1x256xi32>, %layout: memref<4xi32>,
                     %d: memref<4x64x256xbf16>) {
  // expected-error @+1 {{mixes FP8 and FP4 operands, which needs K divisible by 128; got K = 64}}
  sm120.grouped_gemm masked a(%a : memref<4x64x64xf4E2M1FN>) b(%b : memref<4x256x64xf8E4M3FN>)
      scales(%sfa, %sfb : memref<4x1x64xi32>, memref<4x1x256xi32>)
      layout(%layout : memref<4xi32>)
      d(%d : memref<4x64x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

// -----

// k_grouped needs the same majorness on both operands
func.func @grouped33(%a: memref<?x128xbf16>, %b: memref<?x256xbf16>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{kind k_grouped needs a_major == b_major; got mn and k}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xbf16>) b(%b : memref<?x256xbf16>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {a_major = #sm120.major<mn>}
  return
}

// -----

// MN-major k_grouped a must be [sum_K, M]
func.func @grouped34(%a: memref<?xbf16>, %b: memref<?x256xbf16>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #0 (a) must have rank 2 ([sum_K, M]); got rank 1}}
  sm120.grouped_gemm k_grouped a(%a : memref<?xbf16>) b(%b : memref<?x256xbf16>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// MN-major k_grouped b must be [sum_K, N]
func.func @grouped35(%a: memref<?x128xbf16>, %b: memref<4x?x256xbf16>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #1 (b) must have rank 2 ([sum_K, N]); got rank 3}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xbf16>) b(%b : memref<4x?x256xbf16>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// sum_K of b differs from sum_K of a
func.func @grouped36(%a: memref<1024x128xbf16>, %b: memref<512x256xbf16>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #1 (b) has sum_K = 512 (dim 0); operand #0 (a) has sum_K = 1024 (dim 0)}}
  sm120.grouped_gemm k_grouped a(%a : memref<1024x128xbf16>) b(%b : memref<512x256xbf16>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// K-major k_grouped a is a 1-D concatenation of the groups' blocks or a matrix
func.func @grouped37(%a: memref<4x128x?xbf16>, %b: memref<?xbf16>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #0 (a) must have rank 1 (concatenated [M, K_g] blocks, or [M, sum_K]); got rank 3}}
  sm120.grouped_gemm k_grouped a(%a : memref<4x128x?xbf16>) b(%b : memref<?xbf16>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
  return
}

// -----

// K-major k_grouped operands are both concatenations or both matrices
func.func @grouped38(%a: memref<?xbf16>, %b: memref<256x?xbf16>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #0 (a) must have rank 2 ([M, sum_K]); got rank 1}}
  sm120.grouped_gemm k_grouped a(%a : memref<?xbf16>) b(%b : memref<256x?xbf16>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
  return
}

// -----

// K-major k_grouped matrices share sum_K
func.func @grouped38b(%a: memref<128x1024xbf16>, %b: memref<256x512xbf16>,
                      %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                      %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #1 (b) has sum_K = 512 (dim 1); operand #0 (a) has sum_K = 1024 (dim 1)}}
  sm120.grouped_gemm k_grouped a(%a : memref<128x1024xbf16>) b(%b : memref<256x512xbf16>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
  return
}

// -----

// k_grouped scales of both operands share one K granularity
func.func @grouped38c(%a: memref<128x?xf8E4M3FN>, %b: memref<256x?xf8E4M3FN>,
                      %sfa: memref<?x128xi32>, %sfb: memref<?x256xi32>,
                      %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                      %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{kind k_grouped needs one K granularity for both operands' scales; got 32 and 128}}
  sm120.grouped_gemm k_grouped a(%a : memref<128x?xf8E4M3FN>) b(%b : memref<256x?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x128xi32>, memref<?x256xi32>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// k_grouped without the addend c
func.func @grouped39(%a: memref<?x128xbf16>, %b: memref<?x256xbf16>,
                     %layout: memref<4xi32>, %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{kind k_grouped accumulates into an f32 'c' operand, which is missing}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xbf16>) b(%b : memref<?x256xbf16>)
      layout(%layout : memref<4xi32>)
      d(%d : memref<4x128x256xf32>)
      {a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// k_grouped d must be f32
func.func @grouped40(%a: memref<?x128xbf16>, %b: memref<?x256xbf16>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xbf16>) {
  // expected-error @+1 {{operand #4 (d) has element type 'bf16'; expected f32}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xbf16>) b(%b : memref<?x256xbf16>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xbf16>)
      {a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// k_grouped c must be f32
func.func @grouped41(%a: memref<?x128xbf16>, %b: memref<?x256xbf16>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xbf16>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #3 (c) has element type 'bf16'; expected f32}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xbf16>) b(%b : memref<?x256xbf16>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xbf16>)
      d(%d : memref<4x128x256xf32>)
      {a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// k_grouped d must be [G, M, N]
func.func @grouped42(%a: memref<?x128xbf16>, %b: memref<?x256xbf16>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #4 (d) must have rank 3 ([G, M, N]); got rank 2}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xbf16>) b(%b : memref<?x256xbf16>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<128x256xf32>)
      {a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// M of d differs from M of MN-major a
func.func @grouped43(%a: memref<?x128xbf16>, %b: memref<?x256xbf16>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x64x256xf32>) {
  // expected-error @+1 {{operand #4 (d) has M = 64 (dim 1); operand #0 (a) has M = 128 (dim 1)}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xbf16>) b(%b : memref<?x256xbf16>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x64x256xf32>)
      {a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// G of c differs from G of d
func.func @grouped44(%a: memref<?x128xbf16>, %b: memref<?x256xbf16>,
                     %layout: memref<4xi32>, %c: memref<2x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #3 (c) has G = 2 (dim 0); operand #4 (d) has G = 4 (dim 0)}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xbf16>) b(%b : memref<?x256xbf16>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<2x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// k_grouped layout has one K size per group
func.func @grouped45(%a: memref<?x128xbf16>, %b: memref<?x256xbf16>,
                     %layout: memref<8xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #2 (layout) has G = 8 (dim 0); operand #4 (d) has G = 4 (dim 0)}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xbf16>) b(%b : memref<?x256xbf16>)
      layout(%layout : memref<8xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// k_grouped sfa must be packed ue8m0
func.func @grouped46(%a: memref<?x128xf8E4M3FN>, %b: memref<?x256xf8E4M3FN>,
                     %sfa: memref<128x?xf8E8M0FNU>, %sfb: memref<?x256xi32>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #2 (sfa) must hold packed ue8m0 scales for kind k_grouped; got #sm120.block_scale<ue8m0, mn = 1, k = 128>}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xf8E4M3FN>) b(%b : memref<?x256xf8E4M3FN>)
      scales(%sfa, %sfb : memref<128x?xf8E8M0FNU>, memref<?x256xi32>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// k_grouped sfb must be packed ue8m0
func.func @grouped47(%a: memref<?x128xf8E4M3FN>, %b: memref<?x256xf8E4M3FN>,
                     %sfa: memref<?x128xi32>, %sfb: memref<2x?xf32>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #3 (sfb) must hold packed ue8m0 scales for kind k_grouped; got #sm120.block_scale<f32, mn = 128, k = 128>}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xf8E4M3FN>) b(%b : memref<?x256xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x128xi32>, memref<2x?xf32>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<f32, mn = 128, k = 128>,
       a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// k_grouped sfa must be 2-D
func.func @grouped48(%a: memref<?x128xf8E4M3FN>, %b: memref<?x256xf8E4M3FN>,
                     %sfa: memref<4x?x128xi32>, %sfb: memref<?x256xi32>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #2 (sfa) must have rank 2 ([K blocks / 4, align(MN, 4)]); got rank 3}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xf8E4M3FN>) b(%b : memref<?x256xf8E4M3FN>)
      scales(%sfa, %sfb : memref<4x?x128xi32>, memref<?x256xi32>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// k_grouped sfa must be i32
func.func @grouped49(%a: memref<?x128xf8E4M3FN>, %b: memref<?x256xf8E4M3FN>,
                     %sfa: memref<?x128xf32>, %sfb: memref<?x256xi32>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #2 (sfa) has element type 'f32'; expected i32}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xf8E4M3FN>) b(%b : memref<?x256xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x128xf32>, memref<?x256xi32>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// k_grouped sfa columns are align(M, 4)
func.func @grouped50(%a: memref<?x128xf8E4M3FN>, %b: memref<?x256xf8E4M3FN>,
                     %sfa: memref<?x100xi32>, %sfb: memref<?x256xi32>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #2 (sfa) has shape [?, 100]; expected [?, 128] (sum of K blocks / 4 over groups, align(MN, 4))}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xf8E4M3FN>) b(%b : memref<?x256xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x100xi32>, memref<?x256xi32>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// k_grouped sfb columns are align(N, 4)
func.func @grouped51(%a: memref<?x128xf8E4M3FN>, %b: memref<?x256xf8E4M3FN>,
                     %sfa: memref<?x128xi32>, %sfb: memref<?x128xi32>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #3 (sfb) has shape [?, 128]; expected [?, 256] (sum of K blocks / 4 over groups, align(MN, 4))}}
  sm120.grouped_gemm k_grouped a(%a : memref<?x128xf8E4M3FN>) b(%b : memref<?x256xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x128xi32>, memref<?x128xi32>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       a_major = #sm120.major<mn>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// K-major k_grouped takes M for the scale shape from d
func.func @grouped52(%a: memref<?xf8E4M3FN>, %b: memref<?xf8E4M3FN>,
                     %sfa: memref<?x64xi32>, %sfb: memref<?x256xi32>,
                     %layout: memref<4xi32>, %c: memref<4x128x256xf32>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #2 (sfa) has shape [?, 64]; expected [?, 128] (sum of K blocks / 4 over groups, align(MN, 4))}}
  sm120.grouped_gemm k_grouped a(%a : memref<?xf8E4M3FN>) b(%b : memref<?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x64xi32>, memref<?x256xi32>)
      layout(%layout : memref<4xi32>)
      c(%c : memref<4x128x256xf32>)
      d(%d : memref<4x128x256xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// expected_m is a signed hint: a negative value is rejected, not wrapped
func.func @grouped_expected_m_negative(%a: memref<2x64x128xbf16>, %b: memref<2x128x128xbf16>,
                  %m: memref<2xi32>, %d: memref<2x64x128xbf16>) {
  // expected-error @+1 {{expected_m must be positive; got -5}}
  sm120.grouped_gemm masked a(%a : memref<2x64x128xbf16>) b(%b : memref<2x128x128xbf16>)
      layout(%m : memref<2xi32>) d(%d : memref<2x64x128xbf16>) {expected_m = -5 : i64}
  return
}

// -----

// expected_m above max_m cannot be the typical row count of a group
func.func @grouped_expected_m_too_big(%a: memref<2x64x128xbf16>, %b: memref<2x128x128xbf16>,
                  %m: memref<2xi32>, %d: memref<2x64x128xbf16>) {
  // expected-error @+1 {{expected_m = 100 exceeds max_m = 64}}
  sm120.grouped_gemm masked a(%a : memref<2x64x128xbf16>) b(%b : memref<2x128x128xbf16>)
      layout(%m : memref<2xi32>) d(%d : memref<2x64x128xbf16>) {expected_m = 100 : i64}
  return
}

// -----

// 1-D blocks: each operand holds MN * sum K elements for one sum K.
func.func @blocks_sizes(%a: memref<1000xf8E4M3FN>, %b: memref<2048xf8E4M3FN>,
                        %sfa: memref<?x16xi32>, %sfb: memref<?x32xi32>,
                        %ks: memref<2xi32>, %c: memref<2x16x32xf32>,
                        %d: memref<2x16x32xf32>) {
  // expected-error @+1 {{1-D operands of 1000 and 2048 elements are not M * sum K and N * sum K for one sum K (M = 16, N = 32)}}
  sm120.grouped_gemm k_grouped a(%a : memref<1000xf8E4M3FN>)
      b(%b : memref<2048xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x16xi32>, memref<?x32xi32>)
      layout(%ks : memref<2xi32>) c(%c : memref<2x16x32xf32>)
      d(%d : memref<2x16x32xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

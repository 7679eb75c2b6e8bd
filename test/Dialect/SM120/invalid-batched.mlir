// RUN: sm120-opt %s -split-input-file -verify-diagnostics

// Verifier errors of sm120.batched_gemm, per einsum equation.

// an equation that is not one of the five supported
func.func @batched0(%a: memref<16x8x512xbf16>, %b: memref<8x256x512xbf16>,
                    %d: memref<16x8x256xf32>) {
  // expected-error @+1 {{equation 'bhr,hdr->bhr' is not supported; expected one of 'bhr,hdr->bhd', 'bhd,hdr->bhr', 'bhd,bhr->hdr', 'bmk,bnk->mn', 'bmk,bnk->bmn'}}
  sm120.batched_gemm "bhr,hdr->bhr" a(%a : memref<16x8x512xbf16>) b(%b : memref<8x256x512xbf16>)
      d(%d : memref<16x8x256xf32>)
  return
}

// -----

// FP4 data is not supported by batched_gemm
func.func @batched1(%a: memref<16x8x512xf4E2M1FN>,
                    %b: memref<8x256x512xf4E2M1FN>, %sfa: memref<8x1x16xi32>,
                    %sfb: memref<8x1x256xi32>, %d: memref<16x8x256xbf16>) {
  // expected-error @+1 {{operand #0 (a) has element type 'f4E2M1FN'; expected f8E4M3FN or bf16}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<16x8x512xf4E2M1FN>) b(%b : memref<8x256x512xf4E2M1FN>)
      scales(%sfa, %sfb : memref<8x1x16xi32>, memref<8x1x256xi32>)
      d(%d : memref<16x8x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// b with an unsupported element type
func.func @batched2(%a: memref<16x8x512xbf16>, %b: memref<8x256x512xf16>,
                    %d: memref<16x8x256xf32>) {
  // expected-error @+1 {{operand #1 (b) has element type 'f16'; expected f8E4M3FN or bf16}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<16x8x512xbf16>) b(%b : memref<8x256x512xf16>)
      d(%d : memref<16x8x256xf32>)
  return
}

// -----

// FP8 mixed with bf16
func.func @batched3(%a: memref<16x8x512xf8E4M3FN>, %b: memref<8x256x512xbf16>,
                    %d: memref<16x8x256xf32>) {
  // expected-error @+1 {{operand pair ('f8E4M3FN', 'bf16') is not supported; expected FP8/FP4 x FP8/FP4 (with scales) or bf16 x bf16}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<16x8x512xf8E4M3FN>) b(%b : memref<8x256x512xbf16>)
      d(%d : memref<16x8x256xf32>)
  return
}

// -----

// bmk,bnk->mn is BF16 only
func.func @batched4(%a: memref<4x128x64xf8E4M3FN>,
                    %b: memref<4x256x64xf8E4M3FN>, %sfa: memref<4x1x128xi32>,
                    %sfb: memref<4x1x256xi32>, %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #0 (a) has element type 'f8E4M3FN'; equation 'bmk,bnk->mn' supports bf16 only}}
  sm120.batched_gemm "bmk,bnk->mn" a(%a : memref<4x128x64xf8E4M3FN>) b(%b : memref<4x256x64xf8E4M3FN>)
      scales(%sfa, %sfb : memref<4x1x128xi32>, memref<4x1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// bhr,hdr->bhd: a is [b, h, r]
func.func @batched5(%a: memref<8x512xbf16>, %b: memref<8x256x512xbf16>,
                    %d: memref<16x8x256xf32>) {
  // expected-error @+1 {{operand #0 (a) must have rank 3 (['b', 'h', 'r']); got rank 2}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<8x512xbf16>) b(%b : memref<8x256x512xbf16>)
      d(%d : memref<16x8x256xf32>)
  return
}

// -----

// bhr,hdr->bhd: h of b differs from h of a
func.func @batched6(%a: memref<16x8x512xbf16>, %b: memref<4x256x512xbf16>,
                    %d: memref<16x8x256xf32>) {
  // expected-error @+1 {{operand #1 (b) has 'h' = 4 (dim 0); operand #0 (a) has 'h' = 8 (dim 1)}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<16x8x512xbf16>) b(%b : memref<4x256x512xbf16>)
      d(%d : memref<16x8x256xf32>)
  return
}

// -----

// bhr,hdr->bhd: r of b differs from r of a
func.func @batched7(%a: memref<16x8x512xbf16>, %b: memref<8x256x256xbf16>,
                    %d: memref<16x8x256xf32>) {
  // expected-error @+1 {{operand #1 (b) has 'r' = 256 (dim 2); operand #0 (a) has 'r' = 512 (dim 2)}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<16x8x512xbf16>) b(%b : memref<8x256x256xbf16>)
      d(%d : memref<16x8x256xf32>)
  return
}

// -----

// bhr,hdr->bhd: dim d of the output differs from d of b
func.func @batched8(%a: memref<16x8x512xbf16>, %b: memref<8x256x512xbf16>,
                    %d: memref<16x8x128xf32>) {
  // expected-error @+1 {{operand #2 (d) has 'd' = 128 (dim 2); operand #1 (b) has 'd' = 256 (dim 1)}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<16x8x512xbf16>) b(%b : memref<8x256x512xbf16>)
      d(%d : memref<16x8x128xf32>)
  return
}

// -----

// bhd,hdr->bhr: b is [h, d, r]
func.func @batched9(%a: memref<16x8x256xbf16>, %b: memref<256x512xbf16>,
                    %d: memref<16x8x512xf32>) {
  // expected-error @+1 {{operand #1 (b) must have rank 3 (['h', 'd', 'r']); got rank 2}}
  sm120.batched_gemm "bhd,hdr->bhr" a(%a : memref<16x8x256xbf16>) b(%b : memref<256x512xbf16>)
      d(%d : memref<16x8x512xf32>)
  return
}

// -----

// bhd,hdr->bhr: d of b differs from d of a
func.func @batched10(%a: memref<16x8x256xbf16>, %b: memref<8x128x512xbf16>,
                     %d: memref<16x8x512xf32>) {
  // expected-error @+1 {{operand #1 (b) has 'd' = 128 (dim 1); operand #0 (a) has 'd' = 256 (dim 2)}}
  sm120.batched_gemm "bhd,hdr->bhr" a(%a : memref<16x8x256xbf16>) b(%b : memref<8x128x512xbf16>)
      d(%d : memref<16x8x512xf32>)
  return
}

// -----

// bhd,bhr->hdr: the output is [h, d, r]
func.func @batched11(%a: memref<512x8x128xbf16>, %b: memref<512x8x256xbf16>,
                     %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #2 (d) must have rank 3 (['h', 'd', 'r']); got rank 2}}
  sm120.batched_gemm "bhd,bhr->hdr" a(%a : memref<512x8x128xbf16>) b(%b : memref<512x8x256xbf16>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// bhd,bhr->hdr: b of operand b differs from b of a
func.func @batched12(%a: memref<512x8x128xbf16>, %b: memref<256x8x256xbf16>,
                     %d: memref<8x128x256xf32>) {
  // expected-error @+1 {{operand #1 (b) has 'b' = 256 (dim 0); operand #0 (a) has 'b' = 512 (dim 0)}}
  sm120.batched_gemm "bhd,bhr->hdr" a(%a : memref<512x8x128xbf16>) b(%b : memref<256x8x256xbf16>)
      d(%d : memref<8x128x256xf32>)
  return
}

// -----

// bmk,bnk->mn: the output is [m, n]
func.func @batched13(%a: memref<4x128x64xbf16>, %b: memref<4x256x64xbf16>,
                     %d: memref<4x128x256xf32>) {
  // expected-error @+1 {{operand #2 (d) must have rank 2 (['m', 'n']); got rank 3}}
  sm120.batched_gemm "bmk,bnk->mn" a(%a : memref<4x128x64xbf16>) b(%b : memref<4x256x64xbf16>)
      d(%d : memref<4x128x256xf32>)
  return
}

// -----

// bmk,bnk->mn: k of b differs from k of a
func.func @batched14(%a: memref<4x128x64xbf16>, %b: memref<4x256x32xbf16>,
                     %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #1 (b) has 'k' = 32 (dim 2); operand #0 (a) has 'k' = 64 (dim 2)}}
  sm120.batched_gemm "bmk,bnk->mn" a(%a : memref<4x128x64xbf16>) b(%b : memref<4x256x32xbf16>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// bmk,bnk->mn: n of the output differs from n of b
func.func @batched15(%a: memref<4x128x64xbf16>, %b: memref<4x256x64xbf16>,
                     %d: memref<128x128xf32>) {
  // expected-error @+1 {{operand #2 (d) has 'n' = 128 (dim 1); operand #1 (b) has 'n' = 256 (dim 1)}}
  sm120.batched_gemm "bmk,bnk->mn" a(%a : memref<4x128x64xbf16>) b(%b : memref<4x256x64xbf16>)
      d(%d : memref<128x128xf32>)
  return
}

// -----

// d with an unsupported element type
func.func @batched16(%a: memref<16x8x512xbf16>, %b: memref<8x256x512xbf16>,
                     %d: memref<16x8x256xf16>) {
  // expected-error @+1 {{operand #2 (d) has element type 'f16'; expected bf16 or f32}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<16x8x512xbf16>) b(%b : memref<8x256x512xbf16>)
      d(%d : memref<16x8x256xf16>)
  return
}

// -----

// c must be f32
func.func @batched17(%a: memref<16x8x512xbf16>, %b: memref<8x256x512xbf16>,
                     %c: memref<16x8x256xbf16>, %d: memref<16x8x256xf32>) {
  // expected-error @+1 {{operand #2 (c) has element type 'bf16'; expected f32}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<16x8x512xbf16>) b(%b : memref<8x256x512xbf16>)
      c(%c : memref<16x8x256xbf16>)
      d(%d : memref<16x8x256xf32>)
  return
}

// -----

// c must be shaped like d
func.func @batched18(%a: memref<16x8x512xbf16>, %b: memref<8x256x512xbf16>,
                     %c: memref<16x4x256xf32>, %d: memref<16x8x256xf32>) {
  // expected-error @+1 {{operand #2 (c) has 'h' = 4 (dim 1); operand #0 (a) has 'h' = 8 (dim 1)}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<16x8x512xbf16>) b(%b : memref<8x256x512xbf16>)
      c(%c : memref<16x4x256xf32>)
      d(%d : memref<16x8x256xf32>)
  return
}

// -----

// BF16 operands with scales
func.func @batched19(%a: memref<4x128x64xbf16>, %b: memref<4x256x64xbf16>,
                     %sfa: memref<4x1x128xi32>, %sfb: memref<4x1x256xi32>,
                     %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #2 (sfa) is given but BF16 operands take no scales}}
  sm120.batched_gemm "bmk,bnk->mn" a(%a : memref<4x128x64xbf16>) b(%b : memref<4x256x64xbf16>)
      scales(%sfa, %sfb : memref<4x1x128xi32>, memref<4x1x256xi32>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// FP8 operands without scales
func.func @batched20(%a: memref<16x8x512xf8E4M3FN>,
                     %b: memref<8x256x512xf8E4M3FN>,
                     %d: memref<16x8x256xbf16>) {
  // expected-error @+1 {{FP8 operands need scale factors: operand 'sfa' is missing (give 'scales(%sfa, %sfb : ...)' and the 'sfa_recipe' attribute)}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<16x8x512xf8E4M3FN>) b(%b : memref<8x256x512xf8E4M3FN>)
      d(%d : memref<16x8x256xbf16>)
  return
}

// -----

// scales have a leading [h] dimension
func.func @batched21(%a: memref<16x8x512xf8E4M3FN>,
                     %b: memref<8x256x512xf8E4M3FN>, %sfa: memref<1x16xi32>,
                     %sfb: memref<8x1x256xi32>, %d: memref<16x8x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) must have rank 3 ([batch..., K blocks / 4, align(MN, 4)]); got rank 2}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<16x8x512xf8E4M3FN>) b(%b : memref<8x256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x16xi32>, memref<8x1x256xi32>)
      d(%d : memref<16x8x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// bhr,hdr->bhd: sfa is [h, r blocks / 4, align(b, 4)]
func.func @batched22(%a: memref<16x8x512xf8E4M3FN>,
                     %b: memref<8x256x512xf8E4M3FN>, %sfa: memref<4x1x16xi32>,
                     %sfb: memref<8x1x256xi32>, %d: memref<16x8x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has shape [4, 1, 16]; expected [8, 1, 16] (batch..., ceil(K / (4 * k)), align(MN, 4))}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<16x8x512xf8E4M3FN>) b(%b : memref<8x256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<4x1x16xi32>, memref<8x1x256xi32>)
      d(%d : memref<16x8x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// bhr,hdr->bhd: K is r, which must divide by the K granularity
func.func @batched23(%a: memref<16x8x320xf8E4M3FN>,
                     %b: memref<8x256x320xf8E4M3FN>, %sfa: memref<8x1x16xi32>,
                     %sfb: memref<8x1x256xi32>, %d: memref<16x8x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has granularity 128 along K, but 'r' = 320 is not divisible by it}}
  sm120.batched_gemm "bhr,hdr->bhd" a(%a : memref<16x8x320xf8E4M3FN>) b(%b : memref<8x256x320xf8E4M3FN>)
      scales(%sfa, %sfb : memref<8x1x16xi32>, memref<8x1x256xi32>)
      d(%d : memref<16x8x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// bhd,hdr->bhr: sfb is [h, d blocks / 4, align(r, 4)]
func.func @batched24(%a: memref<16x8x256xf8E4M3FN>,
                     %b: memref<8x256x512xf8E4M3FN>, %sfa: memref<8x1x16xi32>,
                     %sfb: memref<8x1x256xi32>, %d: memref<16x8x512xbf16>) {
  // expected-error @+1 {{operand #3 (sfb) has shape [8, 1, 256]; expected [8, 1, 512] (batch..., ceil(K / (4 * k)), align(MN, 4))}}
  sm120.batched_gemm "bhd,hdr->bhr" a(%a : memref<16x8x256xf8E4M3FN>) b(%b : memref<8x256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<8x1x16xi32>, memref<8x1x256xi32>)
      d(%d : memref<16x8x512xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// bhd,bhr->hdr: K is b, which must divide by the K granularity
func.func @batched25(%a: memref<320x8x128xf8E4M3FN>,
                     %b: memref<320x8x256xf8E4M3FN>, %sfa: memref<8x1x128xi32>,
                     %sfb: memref<8x1x256xi32>, %d: memref<8x128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has granularity 128 along K, but 'b' = 320 is not divisible by it}}
  sm120.batched_gemm "bhd,bhr->hdr" a(%a : memref<320x8x128xf8E4M3FN>) b(%b : memref<320x8x256xf8E4M3FN>)
      scales(%sfa, %sfb : memref<8x1x128xi32>, memref<8x1x256xi32>)
      d(%d : memref<8x128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// bhd,bhr->hdr: sfa is [h, b blocks / 4, align(d, 4)]
func.func @batched26(%a: memref<512x8x128xf8E4M3FN>,
                     %b: memref<512x8x256xf8E4M3FN>, %sfa: memref<8x1x256xi32>,
                     %sfb: memref<8x1x256xi32>, %d: memref<8x128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has shape [8, 1, 256]; expected [8, 1, 128] (batch..., ceil(K / (4 * k)), align(MN, 4))}}
  sm120.batched_gemm "bhd,bhr->hdr" a(%a : memref<512x8x128xf8E4M3FN>) b(%b : memref<512x8x256xf8E4M3FN>)
      scales(%sfa, %sfb : memref<8x1x256xi32>, memref<8x1x256xi32>)
      d(%d : memref<8x128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// bmk,bnk->bmn: d stacks one [m, n] per batch
func.func @batched_bmn_d(%a: memref<4x64x256xbf16>, %b: memref<4x128x256xbf16>,
                         %d: memref<2x64x128xbf16>) {
  // expected-error @+1 {{operand #2 (d) has 'b' = 2 (dim 0); operand #0 (a) has 'b' = 4 (dim 0)}}
  sm120.batched_gemm "bmk,bnk->bmn" a(%a : memref<4x64x256xbf16>) b(%b : memref<4x128x256xbf16>)
      d(%d : memref<2x64x128xbf16>)
  return
}

// -----

// bmk,bnk->bmn: the scales stack per batch too
func.func @batched_bmn_sfb(%a: memref<4x64x?xf8E4M3FN>, %b: memref<4x128x?xf8E4M3FN>,
                           %sfa: memref<4x?x64xi32>, %sfb: memref<?x128xi32>,
                           %d: memref<4x64x128xbf16>) {
  // expected-error @+1 {{operand #3 (sfb) must have rank 3 ([batch..., K blocks / 4, align(MN, 4)]); got rank 2}}
  sm120.batched_gemm "bmk,bnk->bmn" a(%a : memref<4x64x?xf8E4M3FN>) b(%b : memref<4x128x?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<4x?x64xi32>, memref<?x128xi32>)
      d(%d : memref<4x64x128xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

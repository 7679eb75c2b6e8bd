// RUN: sm120-opt %s -split-input-file -verify-diagnostics

// Verifier errors of sm120.gemm and of the helpers shared by the GEMM ops.
// Bases: FP8 M=128 N=256 K=512 with packed ue8m0 k=128 scales; BF16 of the
// same sizes without scales; NVFP4 with ue4m3 k=16 scales.

// a with an unsupported element type
func.func @gemm0(%a: memref<128x512xf16>, %b: memref<256x512xbf16>,
                 %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #0 (a) has element type 'f16'; expected f8E4M3FN, f4E2M1FN or bf16}}
  sm120.gemm a(%a : memref<128x512xf16>) b(%b : memref<256x512xbf16>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// b with an unsupported element type
func.func @gemm1(%a: memref<128x512xbf16>, %b: memref<256x512xf32>,
                 %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #1 (b) has element type 'f32'; expected f8E4M3FN, f4E2M1FN or bf16}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xf32>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// bf16 mixed with a scaled type
func.func @gemm2(%a: memref<128x512xbf16>, %b: memref<256x512xf8E4M3FN>,
                 %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand pair ('bf16', 'f8E4M3FN') is not supported; expected FP8/FP4 x FP8/FP4 (with scales) or bf16 x bf16}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xf8E4M3FN>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// a of the wrong rank (K-major: [M, K])
func.func @gemm3(%a: memref<2x128x512xbf16>, %b: memref<256x512xbf16>,
                 %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #0 (a) must have rank 2 ([M, K]); got rank 3}}
  sm120.gemm a(%a : memref<2x128x512xbf16>) b(%b : memref<256x512xbf16>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// b of the wrong rank, named in MN-major order ([K, N])
func.func @gemm4(%a: memref<128x512xbf16>, %b: memref<512xbf16>,
                 %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #1 (b) must have rank 2 ([K, N]); got rank 1}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<512xbf16>)
      d(%d : memref<128x256xf32>)
      {b_major = #sm120.major<mn>}
  return
}

// -----

// a with a layout that is not strided
func.func @gemm5(%a: memref<128x512xbf16, affine_map<(d0, d1) -> (d0 floordiv 2, d1)>>,
                 %b: memref<256x512xbf16>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #0 (a) has a layout that is not strided}}
  sm120.gemm a(%a : memref<128x512xbf16, affine_map<(d0, d1) -> (d0 floordiv 2, d1)>>) b(%b : memref<256x512xbf16>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// a with a non-unit static innermost stride
func.func @gemm6(%a: memref<128x512xbf16, strided<[1, 128]>>,
                 %b: memref<256x512xbf16>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #0 (a) must have unit stride in its innermost dimension; got stride 128}}
  sm120.gemm a(%a : memref<128x512xbf16, strided<[1, 128]>>) b(%b : memref<256x512xbf16>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// b with a dynamic innermost stride
func.func @gemm7(%a: memref<128x512xbf16>,
                 %b: memref<256x512xbf16, strided<[?, ?]>>,
                 %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #1 (b) must have unit stride in its innermost dimension; got stride ?}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16, strided<[?, ?]>>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// K-major FP4 a with odd K
func.func @gemm8(%a: memref<128x511xf4E2M1FN>, %b: memref<256x512xf4E2M1FN>,
                 %sfa: memref<128x32xf8E4M3FN>, %sfb: memref<256x32xf8E4M3FN>,
                 %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #0 (a) holds FP4 packed two per byte along its contiguous dimension, which has odd extent 511}}
  sm120.gemm a(%a : memref<128x511xf4E2M1FN>) b(%b : memref<256x512xf4E2M1FN>)
      scales(%sfa, %sfb : memref<128x32xf8E4M3FN>, memref<256x32xf8E4M3FN>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>}
  return
}

// -----

// MN-major FP4 b packs along N: odd N
func.func @gemm9(%a: memref<128x512xf4E2M1FN>, %b: memref<512x255xf4E2M1FN>,
                 %sfa: memref<128x32xf8E4M3FN>, %sfb: memref<255x32xf8E4M3FN>,
                 %d: memref<128x255xbf16>) {
  // expected-error @+1 {{operand #1 (b) holds FP4 packed two per byte along its contiguous dimension, which has odd extent 255}}
  sm120.gemm a(%a : memref<128x512xf4E2M1FN>) b(%b : memref<512x255xf4E2M1FN>)
      scales(%sfa, %sfb : memref<128x32xf8E4M3FN>, memref<255x32xf8E4M3FN>)
      d(%d : memref<128x255xbf16>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       b_major = #sm120.major<mn>}
  return
}

// -----

// K of b differs from K of a
func.func @gemm10(%a: memref<128x512xbf16>, %b: memref<256x256xbf16>,
                  %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #1 (b) has K = 256 (dim 1); operand #0 (a) has K = 512 (dim 1)}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x256xbf16>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// K of MN-major b ([K, N]) is its dim 0
func.func @gemm11(%a: memref<128x512xbf16>, %b: memref<256x256xbf16>,
                  %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #1 (b) has K = 256 (dim 0); operand #0 (a) has K = 512 (dim 1)}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x256xbf16>)
      d(%d : memref<128x256xf32>)
      {b_major = #sm120.major<mn>}
  return
}

// -----

// M of MN-major a ([K, M]) is its dim 1; d disagrees
func.func @gemm12(%a: memref<512x64xbf16>, %b: memref<256x512xbf16>,
                  %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #2 (d) has M = 128 (dim 0); operand #0 (a) has M = 64 (dim 1)}}
  sm120.gemm a(%a : memref<512x64xbf16>) b(%b : memref<256x512xbf16>)
      d(%d : memref<128x256xf32>)
      {a_major = #sm120.major<mn>}
  return
}

// -----

// d of the wrong rank
func.func @gemm13(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                  %d: memref<1x128x256xf32>) {
  // expected-error @+1 {{operand #2 (d) must have rank 2 ([M, N]); got rank 3}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      d(%d : memref<1x128x256xf32>)
  return
}

// -----

// d with an unsupported element type
func.func @gemm14(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                  %d: memref<128x256xf16>) {
  // expected-error @+1 {{operand #2 (d) has element type 'f16'; expected bf16 or f32}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      d(%d : memref<128x256xf16>)
  return
}

// -----

// d with a non-unit innermost stride
func.func @gemm15(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                  %d: memref<128x256xf32, strided<[512, 2]>>) {
  // expected-error @+1 {{operand #2 (d) must have unit stride in its innermost dimension; got stride 2}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      d(%d : memref<128x256xf32, strided<[512, 2]>>)
  return
}

// -----

// M of d differs from M of a
func.func @gemm16(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                  %d: memref<64x256xf32>) {
  // expected-error @+1 {{operand #2 (d) has M = 64 (dim 0); operand #0 (a) has M = 128 (dim 0)}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      d(%d : memref<64x256xf32>)
  return
}

// -----

// N of d differs from N of b
func.func @gemm17(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                  %d: memref<128x128xf32>) {
  // expected-error @+1 {{operand #2 (d) has N = 128 (dim 1); operand #1 (b) has N = 256 (dim 0)}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      d(%d : memref<128x128xf32>)
  return
}

// -----

// c of the wrong rank
func.func @gemm18(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                  %c: memref<256xf32>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #2 (c) must have rank 2 ([M, N]); got rank 1}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      c(%c : memref<256xf32>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// c must be f32
func.func @gemm19(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                  %c: memref<128x256xbf16>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #2 (c) has element type 'bf16'; expected f32}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      c(%c : memref<128x256xbf16>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// N of c differs from N of b
func.func @gemm20(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                  %c: memref<128x128xf32>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #2 (c) has N = 128 (dim 1); operand #1 (b) has N = 256 (dim 0)}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      c(%c : memref<128x128xf32>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// BF16 operands with scale tensors
func.func @gemm21(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                  %sfa: memref<128x4xf32>, %sfb: memref<256x4xf32>,
                  %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #2 (sfa) is given but BF16 operands take no scales}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      scales(%sfa, %sfb : memref<128x4xf32>, memref<256x4xf32>)
      d(%d : memref<128x256xf32>)
  return
}

// -----

// BF16 operands with only a B scale (generic form: the custom syntax needs both)
func.func @gemm22(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                  %sfb: memref<256x4xf32>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #2 (sfb) is given but BF16 operands take no scales}}
  "sm120.gemm"(%a, %b, %sfb, %d)
      <{operandSegmentSizes = array<i32: 1, 1, 0, 1, 0, 0, 1>}>
      : (memref<128x512xbf16>, memref<256x512xbf16>, memref<256x4xf32>, memref<128x256xf32>) -> ()
  return
}

// -----

// BF16 operands with an sfa_recipe attribute and no scales
func.func @gemm23(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                  %d: memref<128x256xf32>) {
  // expected-error @+1 {{has attribute 'sfa_recipe' but BF16 operands take no scales}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      d(%d : memref<128x256xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// BF16 operands with an sfb_recipe attribute and no scales
func.func @gemm24(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                  %d: memref<128x256xf32>) {
  // expected-error @+1 {{has attribute 'sfb_recipe' but BF16 operands take no scales}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      d(%d : memref<128x256xf32>)
      {sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// FP8 operands without scales
func.func @gemm25(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{FP8 operands need scale factors: operand 'sfa' is missing (give 'scales(%sfa, %sfb : ...)' and the 'sfa_recipe' attribute)}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      d(%d : memref<128x256xbf16>)
  return
}

// -----

// FP4 operands without scales
func.func @gemm26(%a: memref<128x512xf4E2M1FN>, %b: memref<256x512xf4E2M1FN>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{FP4 operands need scale factors: operand 'sfa' is missing (give 'scales(%sfa, %sfb : ...)' and the 'sfa_recipe' attribute)}}
  sm120.gemm a(%a : memref<128x512xf4E2M1FN>) b(%b : memref<256x512xf4E2M1FN>)
      d(%d : memref<128x256xbf16>)
  return
}

// -----

// FP8 operands with an A scale but no B scale (generic form)
func.func @gemm27(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %d: memref<128x256xbf16>) {
  // expected-error @+1 {{FP8 operands need scale factors: operand 'sfb' is missing (give 'scales(%sfa, %sfb : ...)' and the 'sfb_recipe' attribute)}}
  "sm120.gemm"(%a, %b, %sfa, %d)
      <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 1>, sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}>
      : (memref<128x512xf8E4M3FN>, memref<256x512xf8E4M3FN>, memref<1x128xi32>, memref<128x256xbf16>) -> ()
  return
}

// -----

// scales without an sfa_recipe
func.func @gemm28(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) needs a 'sfa_recipe' attribute (#sm120.block_scale<...>)}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// scales without an sfb_recipe
func.func @gemm29(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #3 (sfb) needs a 'sfb_recipe' attribute (#sm120.block_scale<...>)}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// ue4m3 scales on FP8 data
func.func @gemm30(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<128x32xf8E4M3FN>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has ue4m3 scales; UE4M3 (NVFP4) scales need FP4 data}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<128x32xf8E4M3FN>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// FP8 data with K granularity 16
func.func @gemm31(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<256x32xf32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #3 (sfb) has granularity 16 along K; FP8 needs 32 or 128}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<256x32xf32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<f32, mn = 1, k = 16>}
  return
}

// -----

// FP4 data with ue8m0 scales of K granularity 16
func.func @gemm32(%a: memref<128x512xf4E2M1FN>, %b: memref<256x512xf4E2M1FN>,
                  %sfa: memref<128x32xf8E8M0FNU>, %sfb: memref<256x32xf8E4M3FN>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has granularity 16 along K; FP4 with ue8m0 or f32 scales needs 32 or 128 (16 needs ue4m3)}}
  sm120.gemm a(%a : memref<128x512xf4E2M1FN>) b(%b : memref<256x512xf4E2M1FN>)
      scales(%sfa, %sfb : memref<128x32xf8E8M0FNU>, memref<256x32xf8E4M3FN>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>}
  return
}

// -----

// NVFP4 (ue4m3) scales on one operand only
func.func @gemm33(%a: memref<128x512xf4E2M1FN>, %b: memref<256x512xf4E2M1FN>,
                  %sfa: memref<128x32xf8E4M3FN>, %sfb: memref<4x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{uses ue4m3 (NVFP4) scales on one operand only (sfa_recipe is ue4m3, sfb_recipe is ue8m0); NVFP4 needs them on both}}
  sm120.gemm a(%a : memref<128x512xf4E2M1FN>) b(%b : memref<256x512xf4E2M1FN>)
      scales(%sfa, %sfb : memref<128x32xf8E4M3FN>, memref<4x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

// -----

// packed sfa of the wrong rank
func.func @gemm34(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) must have rank 2 ([batch..., K blocks / 4, align(MN, 4)]); got rank 1}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// unpacked sfb of the wrong rank
func.func @gemm35(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x4xf32>, %sfb: memref<1x2x4xf32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #3 (sfb) must have rank 2 ([batch..., MN blocks, K blocks]); got rank 3}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x4xf32>, memref<1x2x4xf32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<f32, mn = 128, k = 128>,
       sfb_recipe = #sm120.block_scale<f32, mn = 128, k = 128>}
  return
}

// -----

// sfa with a non-unit innermost stride
func.func @gemm36(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32, strided<[256, 2]>>,
                  %sfb: memref<1x256xi32>, %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) must have unit stride in its innermost dimension; got stride 2}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32, strided<[256, 2]>>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// packed ue8m0 scales must be i32
func.func @gemm37(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xf32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has element type 'f32'; recipe #sm120.block_scale<ue8m0, mn = 1, k = 128, packed> needs 'i32'}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xf32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// unpacked ue8m0 scales must be f8E8M0FNU
func.func @gemm38(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<128x4xi8>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has element type 'i8'; recipe #sm120.block_scale<ue8m0, mn = 1, k = 128> needs 'f8E8M0FNU'}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<128x4xi8>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// ue4m3 scales must be f8E4M3FN
func.func @gemm39(%a: memref<128x512xf4E2M1FN>, %b: memref<256x512xf4E2M1FN>,
                  %sfa: memref<128x32xf8E4M3FN>, %sfb: memref<256x32xf8E8M0FNU>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #3 (sfb) has element type 'f8E8M0FNU'; recipe #sm120.block_scale<ue4m3, mn = 1, k = 16> needs 'f8E4M3FN'}}
  sm120.gemm a(%a : memref<128x512xf4E2M1FN>) b(%b : memref<256x512xf4E2M1FN>)
      scales(%sfa, %sfb : memref<128x32xf8E4M3FN>, memref<256x32xf8E8M0FNU>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>}
  return
}

// -----

// f32 scales must be f32
func.func @gemm40(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x4xbf16>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has element type 'bf16'; recipe #sm120.block_scale<f32, mn = 128, k = 128> needs 'f32'}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x4xbf16>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<f32, mn = 128, k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// K not divisible by the recipe's K granularity
func.func @gemm41(%a: memref<128x320xf8E4M3FN>, %b: memref<256x320xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has granularity 128 along K, but K = 320 is not divisible by it}}
  sm120.gemm a(%a : memref<128x320xf8E4M3FN>) b(%b : memref<256x320xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// packed sfa with the wrong number of packed K blocks
func.func @gemm42(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<2x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has shape [2, 128]; expected [1, 128] (batch..., ceil(K / (4 * k)), align(MN, 4))}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<2x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// packed sfa must align M up to a multiple of 4
func.func @gemm43(%a: memref<130x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x130xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<130x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has shape [1, 130]; expected [1, 132] (batch..., ceil(K / (4 * k)), align(MN, 4))}}
  sm120.gemm a(%a : memref<130x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x130xi32>, memref<1x256xi32>)
      d(%d : memref<130x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// unpacked sfa with the wrong number of K blocks
func.func @gemm44(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x2xf32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #2 (sfa) has shape [1, 2]; expected [1, 4] (batch..., ceil(MN / mn), ceil(K / k))}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x2xf32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<f32, mn = 128, k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// ue4m3 sfb must be [N, K / 16]
func.func @gemm45(%a: memref<128x512xf4E2M1FN>, %b: memref<256x512xf4E2M1FN>,
                  %sfa: memref<128x32xf8E4M3FN>, %sfb: memref<256x16xf8E4M3FN>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #3 (sfb) has shape [256, 16]; expected [256, 32] (batch..., ceil(MN / mn), ceil(K / k))}}
  sm120.gemm a(%a : memref<128x512xf4E2M1FN>) b(%b : memref<256x512xf4E2M1FN>)
      scales(%sfa, %sfb : memref<128x32xf8E4M3FN>, memref<256x16xf8E4M3FN>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>}
  return
}

// -----

// FP8 x FP4 needs K divisible by 128
func.func @gemm46(%a: memref<128x64xf8E4M3FN>, %b: memref<256x64xf4E2M1FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{mixes FP8 and FP4 operands, which needs K divisible by 128; got K = 64}}
  sm120.gemm a(%a : memref<128x64xf8E4M3FN>) b(%b : memref<256x64xf4E2M1FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

// -----

// FP4 x FP8 needs K divisible by 128
func.func @gemm47(%a: memref<128x64xf4E2M1FN>, %b: memref<256x64xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{mixes FP8 and FP4 operands, which needs K divisible by 128; got K = 64}}
  sm120.gemm a(%a : memref<128x64xf4E2M1FN>) b(%b : memref<256x64xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

// -----

// head_splits with two entries
func.func @gemm48(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{head_splits must have 3 entries (left, mid, right); got 2}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       head_splits = array<i64: 64, 64>}
  return
}

// -----

// head_splits with a negative left
func.func @gemm49(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{head_splits (-1, 0, 129) must each be in [0, 65536] with left + right > 0}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       head_splits = array<i64: -1, 0, 129>}
  return
}

// -----

// head_splits with a negative mid
func.func @gemm50(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{head_splits (64, -1, 64) must each be in [0, 65536] with left + right > 0}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       head_splits = array<i64: 64, -1, 64>}
  return
}

// -----

// head_splits with a negative right
func.func @gemm51(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{head_splits (129, 0, -1) must each be in [0, 65536] with left + right > 0}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       head_splits = array<i64: 129, 0, -1>}
  return
}

// -----

// head_splits with left + right = 0
func.func @gemm52(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{head_splits (0, 64, 0) must each be in [0, 65536] with left + right > 0}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       head_splits = array<i64: 0, 64, 0>}
  return
}

// -----

// head_splits on BF16 data
func.func @gemm53(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                  %d: memref<128x256xf32>) {
  // expected-error @+1 {{head_splits needs FP8 operands with K granularity 128}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      d(%d : memref<128x256xf32>)
      {head_splits = array<i64: 64, 0, 64>}
  return
}

// -----

// head_splits with an FP4 b
func.func @gemm54(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf4E2M1FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{head_splits needs FP8 operands with K granularity 128}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf4E2M1FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       head_splits = array<i64: 64, 0, 64>}
  return
}

// -----

// head_splits with sfa of K granularity 32
func.func @gemm55(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<4x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{head_splits needs FP8 operands with K granularity 128}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<4x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       head_splits = array<i64: 64, 0, 64>}
  return
}

// -----

// head_splits with sfb of K granularity 32
func.func @gemm56(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<4x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{head_splits needs FP8 operands with K granularity 128}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<4x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       head_splits = array<i64: 64, 0, 64>}
  return
}

// -----

// head_splits together with an addend c
func.func @gemm57(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %c: memref<128x256xf32>, %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #4 (c) is not supported together with head_splits}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      c(%c : memref<128x256xf32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       head_splits = array<i64: 64, 0, 64>}
  return
}

// -----

// head_splits whose left + right does not divide N
func.func @gemm58(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{head_splits needs N divisible by left + right = 96; got N = 256}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       head_splits = array<i64: 64, 32, 32>}
  return
}

// -----

// d's column count must be N / (left + right) * (left + mid + right)
func.func @gemm59(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{operand #4 (d) has 256 columns; head_splits with N = 256 needs 320}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       head_splits = array<i64: 64, 32, 64>}
  return
}

// -----

// huge head_splits are rejected before their sum can overflow
func.func @gemm_splits_overflow(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                  %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                  %d: memref<128x256xbf16>) {
  // expected-error @+1 {{head_splits (9223372036854775807, 0, 9223372036854775807) must each be in [0, 65536] with left + right > 0}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       head_splits = array<i64: 9223372036854775807, 0, 9223372036854775807>}
  return
}

// -----

// a static zero-sized K is rejected
func.func @gemm_zero_k(%a: memref<128x0xbf16>, %b: memref<256x0xbf16>,
                  %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #0 (a) has a zero-sized dimension (dim 1); static sizes must be positive}}
  sm120.gemm a(%a : memref<128x0xbf16>) b(%b : memref<256x0xbf16>) d(%d : memref<128x256xf32>)
  return
}

// -----

// sizes beyond 32-bit TMA coordinates are rejected
func.func @gemm_huge_n(%a: memref<128x512xbf16>, %b: memref<4294967296x512xbf16>,
                       %d: memref<128x4294967296xf32>) {
  // expected-error @+1 {{operand #1 (b) has N = 4294967296; sizes are at most 2^31 - 1}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<4294967296x512xbf16>) d(%d : memref<128x4294967296xf32>)
  return
}

// -----

// alpha is one f32
func.func @gemm_alpha_shape(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                            %alpha: memref<2xf32>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #2 (alpha) has shape [2]; expected [1]}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      alpha(%alpha : memref<2xf32>) d(%d : memref<128x256xf32>)
  return
}

// -----

func.func @gemm_alpha_type(%a: memref<128x512xbf16>, %b: memref<256x512xbf16>,
                           %alpha: memref<1xf16>, %d: memref<128x256xf32>) {
  // expected-error @+1 {{operand #2 (alpha) has element type 'f16'; alpha is one f32}}
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<256x512xbf16>)
      alpha(%alpha : memref<1xf16>) d(%d : memref<128x256xf32>)
  return
}

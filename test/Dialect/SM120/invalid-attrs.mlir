// RUN: sm120-opt %s -split-input-file -verify-diagnostics

// Parse and verify errors of #sm120.block_scale. Every chunk is the same valid
// FP8 GEMM with its sfa_recipe broken in one way.

// an unknown scale format is rejected, naming the formats allowed
func.func @attr0(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{unknown scale format 'ue8m1'; expected ue8m0, ue4m3 or f32}}
      {sfa_recipe = #sm120.block_scale<ue8m1, mn = 1, k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// the parameter list must open with '<'
func.func @attr1(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{expected '<'}}
      {sfa_recipe = #sm120.block_scale,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// the format must be a bare keyword
func.func @attr2(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{expected valid keyword}}
      {sfa_recipe = #sm120.block_scale<1, mn = 1, k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// a ',' must follow the format
func.func @attr3(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{expected ','}}
      {sfa_recipe = #sm120.block_scale<ue8m0 mn = 1, k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// the MN granularity must be spelled 'mn'
func.func @attr4(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{expected 'mn'}}
      {sfa_recipe = #sm120.block_scale<ue8m0, m = 1, k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// 'mn' must be followed by '='
func.func @attr5(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{expected '='}}
      {sfa_recipe = #sm120.block_scale<ue8m0, mn 1, k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// the MN granularity must be an integer
func.func @attr6(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{expected integer value}}
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = x, k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// a ',' must separate mn from k
func.func @attr7(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{expected ','}}
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1 k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// the K granularity must be spelled 'k'
func.func @attr8(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{expected 'k'}}
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, kk = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// 'k' must be followed by '='
func.func @attr9(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{expected '='}}
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// the K granularity must be an integer
func.func @attr10(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{expected integer value}}
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 1.5>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// the only optional flag after k is 'packed'
func.func @attr11(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{expected 'packed'}}
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, pack>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// the parameter list must close with '>'
func.func @attr12(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{expected '>'}}
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128 packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// a granularity that does not fit in 32 bits is rejected
func.func @attr13(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{block_scale granularity along MN must be a positive integer; got 4294967296}}
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 4294967296, k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// MN granularity must be 1 or 128
func.func @attr14(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{block_scale granularity along MN is 64; expected 1 or 128}}
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 64, k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// K granularity must be 16, 32 or 128
func.func @attr15(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{block_scale granularity along K is 64; expected 16, 32 or 128}}
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 64>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// ue4m3 needs mn = 1
func.func @attr16(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{ue4m3 (NVFP4) scales need mn = 1 and k = 16; got mn = 128, k = 16}}
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 128, k = 16>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// ue4m3 needs k = 16
func.func @attr17(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{ue4m3 (NVFP4) scales need mn = 1 and k = 16; got mn = 1, k = 32}}
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 32>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// f32 scales cannot be packed
func.func @attr18(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{only ue8m0 scales can be packed; got f32}}
      {sfa_recipe = #sm120.block_scale<f32, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// ue4m3 scales cannot be packed
func.func @attr19(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{only ue8m0 scales can be packed; got ue4m3}}
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// packed ue8m0 scales need mn = 1
func.func @attr20(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{packed ue8m0 scales need mn = 1; got mn = 128}}
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 128, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// a negative granularity is rejected, not wrapped to a large unsigned value
func.func @attr_negative(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                %sfa: memref<1x128xi32>, %sfb: memref<1x256xi32>,
                %d: memref<128x256xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x128xi32>, memref<1x256xi32>)
      d(%d : memref<128x256xbf16>)
      // expected-error @+1 {{block_scale granularity along K must be a positive integer; got -128}}
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = -128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

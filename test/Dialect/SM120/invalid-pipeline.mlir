// RUN: sm120-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{pipeline has 0 stages; expected 1 to 16}}
func.func @f(%p: !sm120.pipeline<0 x [!sm120.smem<128x64xbf16>]>) { return }

// -----

// expected-error @+1 {{pipeline stages must hold at least one tile}}
func.func @f(%p: !sm120.pipeline<2 x []>) { return }

// -----

// expected-error @+1 {{pipeline stages hold !sm120.smem tiles; got 'i32'}}
func.func @f(%p: !sm120.pipeline<2 x [i32]>) { return }

// -----

func.func @f(%p: !sm120.pipeline<2 x [!sm120.smem<128x64xbf16>]>, %a: memref<?x512xbf16>, %i: index) {
  // expected-error @+1 {{'sm120.pipeline.produce' op yields '!sm120.smem<64x64xbf16>' as tile 0; the pipeline holds '!sm120.smem<128x64xbf16>'}}
  sm120.pipeline.produce %p : !sm120.pipeline<2 x [!sm120.smem<128x64xbf16>]> {
    %t = sm120.tile.load %a[%i, %i] : memref<?x512xbf16> -> !sm120.smem<64x64xbf16>
    sm120.pipeline.yield %t : !sm120.smem<64x64xbf16>
  }
  return
}

// -----

func.func @f(%p: !sm120.pipeline<2 x [!sm120.smem<128x64xbf16>]>, %t: !sm120.smem<128x64xbf16>) {
  // expected-error @+1 {{'sm120.pipeline.produce' op fills its stage only with sm120.tile.load results of its own body}}
  sm120.pipeline.produce %p : !sm120.pipeline<2 x [!sm120.smem<128x64xbf16>]> {
    sm120.pipeline.yield %t : !sm120.smem<128x64xbf16>
  }
  return
}

// -----

func.func @f(%p: !sm120.pipeline<2 x [!sm120.smem<128x64xbf16>]>) {
  // expected-error @+1 {{'sm120.pipeline.consume' op returns 2 tiles; a stage of the pipeline holds 1}}
  %t:2 = sm120.pipeline.consume %p : !sm120.pipeline<2 x [!sm120.smem<128x64xbf16>]> -> !sm120.smem<128x64xbf16>, !sm120.smem<128x64xbf16>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'sm120.warp_specialize' op producer role has 1 warps; expected a positive multiple of 4}}
  sm120.warp_specialize producer(warps = 1, registers = 40) {
    %x = arith.constant 0 : i32
  } math(warps = 8, registers = 232) {
    %y = arith.constant 0 : i32
  }
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'sm120.warp_specialize' op math role asks for 300 registers; expected a multiple of 8 in [24, 256]}}
  sm120.warp_specialize producer(warps = 4, registers = 40) {
    %x = arith.constant 0 : i32
  } math(warps = 8, registers = 300) {
    %y = arith.constant 0 : i32
  }
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'sm120.warp_specialize' op roles need 68608 registers; an SM has 65536}}
  sm120.warp_specialize producer(warps = 4, registers = 56) {
    %x = arith.constant 0 : i32
  } math(warps = 8, registers = 240) {
    %y = arith.constant 0 : i32
  }
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'sm120.warp_specialize' op roles have 36 warps; a CTA has at most 32}}
  sm120.warp_specialize producer(warps = 4, registers = 24) {
    %x = arith.constant 0 : i32
  } math(warps = 32, registers = 56) {
    %y = arith.constant 0 : i32
  }
  return
}

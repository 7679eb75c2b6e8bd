// RUN: sm120-opt %s -split-input-file -verify-diagnostics --sm120-assign-swizzle

func.func @rows_16_bytes(%a: memref<128x256xf8E4M3FN>, %k: index) {
  %z = sm120.tile.zero : !sm120.acc<128x128>
  // expected-error @+1 {{'sm120.tile.load' op feeds an MMA with 16-byte rows; a swizzled operand tile needs 32, 64 or 128}}
  %ta = sm120.tile.load %a[%k, %k] : memref<128x256xf8E4M3FN> -> !sm120.smem<128x16xf8E4M3FN>
  %r = sm120.tile.mma %z, %ta, %ta at [%k, %k] k_offset %k : !sm120.smem<128x16xf8E4M3FN>, !sm120.smem<128x16xf8E4M3FN> -> !sm120.acc<128x128>
  return
}

// -----

// A tile that is not defined by a load is reported at its value.
// expected-error @+1 {{feeds an MMA with 48-byte rows; a swizzled operand tile needs 32, 64 or 128}}
func.func @operand_argument(%t: !sm120.smem<128x48xf8E4M3FN>, %k: index) {
  %z = sm120.tile.zero : !sm120.acc<128x128>
  %r = sm120.tile.mma %z, %t, %t at [%k, %k] k_offset %k : !sm120.smem<128x48xf8E4M3FN>, !sm120.smem<128x48xf8E4M3FN> -> !sm120.acc<128x128>
  return
}

// -----

// expected-error @+1 {{an unswizzled MMA operand tile must come from sm120.tile.load to be given a swizzle}}
func.func @unswizzled_argument(%t: !sm120.smem<128x64xf8E4M3FN>, %k: index) {
  %z = sm120.tile.zero : !sm120.acc<128x128>
  %r = sm120.tile.mma %z, %t, %t at [%k, %k] k_offset %k : !sm120.smem<128x64xf8E4M3FN>, !sm120.smem<128x64xf8E4M3FN> -> !sm120.acc<128x128>
  return
}

// -----

// Already swizzled arguments are fine.
func.func @swizzled_argument(%t: !sm120.smem<128x64xf8E4M3FN, swizzle = 64>, %k: index) {
  %z = sm120.tile.zero : !sm120.acc<128x128>
  %r = sm120.tile.mma %z, %t, %t at [%k, %k] k_offset %k : !sm120.smem<128x64xf8E4M3FN, swizzle = 64>, !sm120.smem<128x64xf8E4M3FN, swizzle = 64> -> !sm120.acc<128x128>
  return
}

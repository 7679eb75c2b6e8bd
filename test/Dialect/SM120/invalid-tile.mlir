// RUN: sm120-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{smem tile must have 2 dimensions; got 3}}
func.func @f(%t: !sm120.smem<2x128x64xf8E4M3FN>) { return }

// -----

// expected-error @+1 {{smem tile is 512x64; rows must be in [1, 256] and cols positive}}
func.func @f(%t: !sm120.smem<512x64xf8E4M3FN>) { return }

// -----

// expected-error @+1 {{smem tile elements must be integers or floats; got 'index'}}
func.func @f(%t: !sm120.smem<128x64xindex>) { return }

// -----

// expected-error @+1 {{smem tile swizzle is 16; expected 0, 32, 64 or 128}}
func.func @f(%t: !sm120.smem<128x64xf8E4M3FN, swizzle = 16>) { return }

// -----

// expected-error @+1 {{smem tile rows are 96 bits; TMA needs a multiple of 16 bytes}}
func.func @f(%t: !sm120.smem<128x12xf8E4M3FN>) { return }

// -----

// expected-error @+1 {{smem tile rows are 64 bytes; swizzle 128 needs rows of a multiple of that many bytes}}
func.func @f(%t: !sm120.smem<128x64xf8E4M3FN, swizzle = 128>) { return }

// -----

// expected-error @+1 {{only f4E2M1FN smem tiles can be unpacked; got 'f8E4M3FN'}}
func.func @f(%t: !sm120.smem<128x128xf8E4M3FN, unpacked>) { return }

// -----

// expected-error @+1 {{unpacked FP4 smem tile has 64 columns; TMA unpacks rows of 128 elements}}
func.func @f(%t: !sm120.smem<128x64xf4E2M1FN, unpacked>) { return }

// -----

// An unpacked FP4 row takes a byte per element: 128 bytes, not 64.
// expected-error @+1 {{smem tile rows are 128 bytes; only swizzle 128 stores longer rows as panels}}
func.func @f(%t: !sm120.smem<128x128xf4E2M1FN, swizzle = 64, unpacked>) { return }

// -----

// Panels are 128 bytes: 192-byte rows are not a whole number of them.
// expected-error @+1 {{smem tile rows are 192 bytes; swizzle 128 needs rows of a multiple of that many bytes}}
func.func @f(%t: !sm120.smem<64x96xbf16, swizzle = 128>) { return }

// -----

// expected-error @+1 {{accumulator tile must have 2 dimensions; got 1}}
func.func @f(%t: !sm120.acc<128>) { return }

// -----

func.func @f(%a: memref<4x128x64xf8E4M3FN>, %i: index) {
  // expected-error @+1 {{loads from a rank-2 tensor (rank 3 with a group); got rank 3}}
  %t = sm120.tile.load %a[%i, %i] : memref<4x128x64xf8E4M3FN> -> !sm120.smem<128x64xf8E4M3FN>
  return
}

// -----

func.func @f(%a: memref<128x64xf8E4M3FN>, %i: index) {
  // expected-error @+1 {{loads from a rank-3 tensor (with a group); got rank 2}}
  %t = sm120.tile.load %a[%i, %i] group %i : memref<128x64xf8E4M3FN> -> !sm120.smem<128x64xf8E4M3FN>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %d: memref<?x128xf32>, %rows: memref<?xi32>, %i: index) {
  // expected-error @+1 {{group and prefix_sum need a rows layout}}
  sm120.tile.store %acc into %d[%i, %i] {prefix_sum} : !sm120.acc<128x128>, memref<?x128xf32>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %d: memref<?x128xf32>, %rows: memref<?xf32>, %i: index) {
  // expected-error @+1 {{reads rows from a rank-1 i32 layout; got 'memref<?xf32>'}}
  sm120.tile.store %acc into %d[%i, %i] rows %rows : memref<?xf32> group %i : !sm120.acc<128x128>, memref<?x128xf32>
  return
}

// -----

func.func @f(%rows: memref<4x4xi32>, %i: index) {
  // expected-error @+1 {{operand #0 must be 1D memref of 32-bit signless integer values}}
  %g = sm120.tile.group %rows[%i] {num_groups = 4 : i64} : memref<4x4xi32>
  return
}

// -----

func.func @f(%a: memref<128x64xbf16>, %i: index) {
  // expected-error @+1 {{loads 'bf16' elements into a tile of 'f8E4M3FN'}}
  %t = sm120.tile.load %a[%i, %i] : memref<128x64xbf16> -> !sm120.smem<128x64xf8E4M3FN>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %a: !sm120.smem<128x64xbf16>, %b: !sm120.smem<128x32xbf16>, %k: index) {
  // expected-error @+1 {{a has a K block of 64 and b of 32}}
  %r = sm120.tile.mma %acc, %a, %b at [%k, %k] k_offset %k : !sm120.smem<128x64xbf16>, !sm120.smem<128x32xbf16> -> !sm120.acc<128x128>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x64>, %a: !sm120.smem<128x64xbf16>, %b: !sm120.smem<128x64xbf16>, %k: index) {
  // expected-error @+1 {{multiplies a 128x64 by a 64x128 tile into a 128x64 accumulator}}
  %r = sm120.tile.mma %acc, %a, %b at [%k, %k] k_offset %k : !sm120.smem<128x64xbf16>, !sm120.smem<128x64xbf16> -> !sm120.acc<128x64>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %a: !sm120.smem<128x64xf8E4M3FN>, %b: !sm120.smem<128x64xf8E4M3FN>,
             %s: !sm120.smem<1x128xi32>, %k: index) {
  // expected-error @+1 {{scale tiles and both recipes go together}}
  %r = sm120.tile.mma %acc, %a, %b scales(%s, %s) at [%k, %k] k_offset %k : !sm120.smem<128x64xf8E4M3FN>, !sm120.smem<128x64xf8E4M3FN>, !sm120.smem<1x128xi32>, !sm120.smem<1x128xi32> -> !sm120.acc<128x128>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %d: memref<2x4x128x128xf32>, %i: index) {
  // expected-error @+1 {{stores into a rank-2 output (rank 3 for masked groups); got rank 4}}
  sm120.tile.store %acc into %d[%i, %i] : !sm120.acc<128x128>, memref<2x4x128x128xf32>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %d: memref<4x128x128xf32>, %i: index) {
  // expected-error @+1 {{a rank-3 output needs a group (and rows: the valid row counts, unless every row is), without prefix_sum or scale}}
  sm120.tile.store %acc into %d[%i, %i] : !sm120.acc<128x128>, memref<4x128x128xf32>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %c: memref<128x128xf32>, %d: memref<4x128x128xf32>, %counts: memref<4xi32>, %i: index) {
  // expected-error @+1 {{adds a rank-3 f32 c; got 'memref<128x128xf32>'}}
  sm120.tile.store %acc add %c : memref<128x128xf32> into %d[%i, %i] rows %counts : memref<4xi32> group %i : !sm120.acc<128x128>, memref<4x128x128xf32>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %d: memref<128x128xf16>, %i: index) {
  // expected-error @+1 {{stores f32 or bf16; got 'f16'}}
  sm120.tile.store %acc into %d[%i, %i] : !sm120.acc<128x128>, memref<128x128xf16>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %c: memref<128x128xbf16>, %d: memref<128x128xf32>, %i: index) {
  // expected-error @+1 {{adds a rank-2 f32 c; got 'memref<128x128xbf16>'}}
  sm120.tile.store %acc add %c : memref<128x128xbf16> into %d[%i, %i] : !sm120.acc<128x128>, memref<128x128xf32>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %alpha: memref<2xf32>, %d: memref<128x128xf32>, %i: index) {
  // expected-error @+1 {{scales by a one-element f32 alpha; got 'memref<2xf32>'}}
  sm120.tile.store %acc scale %alpha : memref<2xf32> into %d[%i, %i] : !sm120.acc<128x128>, memref<128x128xf32>
  return
}

// -----

func.func @f(%m: index) {
  // expected-error @+1 {{body must take two index arguments (the tile's first row and column)}}
  "sm120.tile.loop"(%m, %m) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>, schedule = #sm120.schedule<block = [128, 64, 64], stages = 2, warp_layout = [4, 2], epilogue = direct>}> ({
  ^bb0(%x: index):
    "sm120.tile.yield"() : () -> ()
  }) : (index, index) -> ()
  return
}

// -----

func.func @f(%m: index, %counts: memref<4xi32>) {
  // expected-error @+1 {{body must take three index arguments (the tile's first row and column, its group)}}
  "sm120.tile.loop"(%m, %m, %counts) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>, schedule = #sm120.schedule<block = [128, 64, 64], stages = 2, warp_layout = [4, 2], epilogue = direct>}> ({
  ^bb0(%x: index, %y: index):
    "sm120.tile.yield"() : () -> ()
  }) : (index, index, memref<4xi32>) -> ()
  return
}

// -----

func.func @f(%m: index, %counts: memref<4xi32>) {
  // expected-error @+1 {{sm120.tile.loop takes three tile coordinates (row, column, group)}}
  sm120.tile.loop (%m0, %n0) in (%m, %m) counts %counts : memref<4xi32> schedule <block = [128, 64, 64], stages = 2, warp_layout = [4, 2], epilogue = direct> {
  }
  return
}

// -----

func.func @f(%m: index) {
  // expected-error @+1 {{sm120.tile.loop takes two tile coordinates (row, column)}}
  sm120.tile.loop (%m0) in (%m, %m) schedule <block = [128, 64, 64], stages = 2, warp_layout = [4, 2], epilogue = direct> {
  }
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %d: memref<128x640xbf16>, %i: index) {
  // expected-error @+1 {{head_splits must be (left, mid, right), non-negative with left + right > 0}}
  sm120.tile.store %acc into %d[%i, %i] {head_splits = array<i64: 128, 64>} : !sm120.acc<128x128>, memref<128x640xbf16>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %c: memref<128x512xf32>, %d: memref<128x640xf32>, %i: index) {
  // expected-error @+1 {{head_splits does not combine with c}}
  sm120.tile.store %acc add %c : memref<128x512xf32> into %d[%i, %i] {head_splits = array<i64: 128, 64, 128>} : !sm120.acc<128x128>, memref<128x640xf32>
  return
}

// -----

func.func @f(%m: index, %counts: memref<4xi32>) {
  // expected-error @+1 {{takes counts or batches, not both}}
  "sm120.tile.loop"(%m, %m, %counts, %m) <{operandSegmentSizes = array<i32: 1, 1, 1, 1>, schedule = #sm120.schedule<block = [128, 64, 64], stages = 2, warp_layout = [4, 2], epilogue = direct>}> ({
  ^bb0(%x: index, %y: index, %z: index):
    "sm120.tile.yield"() : () -> ()
  }) : (index, index, memref<4xi32>, index) -> ()
  return
}

// -----

func.func @f(%a: memref<?x8x64xbf16>, %i: index) {
  // expected-error @+1 {{group_dim must be 0 or 1 and needs a group; got 2}}
  %t = sm120.tile.load %a[%i, %i] group %i {group_dim = 2 : i64} : memref<?x8x64xbf16> -> !sm120.smem<64x64xbf16>
  return
}

// -----

func.func @f(%a: memref<?x64xbf16>, %i: index) {
  // expected-error @+1 {{group_dim must be 0 or 1 and needs a group; got 1}}
  %t = sm120.tile.load %a[%i, %i] {group_dim = 1 : i64} : memref<?x64xbf16> -> !sm120.smem<64x64xbf16>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %d: memref<4x128x128xf32>, %counts: memref<4xi32>, %i: index) {
  // expected-error @+1 {{group_dim (1) must be 0 or 1, for a rank-3 output without rows}}
  sm120.tile.store %acc into %d[%i, %i] rows %counts : memref<4xi32> group %i {group_dim = 1 : i64} : !sm120.acc<128x128>, memref<4x128x128xf32>
  return
}

// -----

func.func @f(%acc: !sm120.acc<128x128>, %d: memref<128x128xf32>, %i: index) {
  // expected-error @+1 {{group and prefix_sum need a rows layout (or a rank-3 output, for group)}}
  sm120.tile.store %acc into %d[%i, %i] group %i : !sm120.acc<128x128>, memref<128x128xf32>
  return
}

// -----

func.func @f(%ks: memref<8xi32>, %i: index) {
  // expected-error @+1 {{alignment must be positive; got 0}}
  %a, %b, %c = sm120.tile.k_range %ks[%i] within %i {alignment = 0 : i64} : memref<8xi32>
  return
}

// -----

func.func @f(%ks: memref<8xi32>, %i: index) {
  // expected-error @+1 {{scale_span must be positive; got 0}}
  %a, %b, %c = sm120.tile.k_range %ks[%i] within %i {alignment = 64 : i64, scale_span = 0 : i64} : memref<8xi32>
  return
}

// -----

func.func @f(%ks: memref<8xi32>, %i: index) {
  // expected-error @+1 {{scale rows need a scale_span}}
  %a, %b, %c = sm120.tile.k_range %ks[%i] within %i scales %i {alignment = 64 : i64} : memref<8xi32>
  return
}

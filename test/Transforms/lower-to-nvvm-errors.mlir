// RUN: sm120-opt %s -split-input-file -verify-diagnostics --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_90a

// A TMA copy's rows start on 16-byte boundaries: 250 BF16 columns do not.
func.func @tma_store_ragged(%a: memref<?x512xbf16>, %b: memref<250x512xbf16>, %d: memref<?x250xbf16>) attributes {sm120.problem = {family = "gemm", names = ["a", "b", "d"], outputs = ["d"]}} {
  %c0 = arith.constant 0 : index
  %m = memref.dim %a, %c0 : memref<?x512xbf16>
  %n = arith.constant 250 : index
  %k = arith.constant 512 : index
  sm120.tile.loop (%m0, %n0) in (%m, %n) schedule <block = [128, 64, 64], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = tma_store> {
    %z = sm120.tile.zero : <128x64>
    %c64 = arith.constant 64 : index
    %r = scf.for %k0 = %c0 to %k step %c64 iter_args(%acc = %z) -> (!sm120.acc<128x64>) {
      %ta = sm120.tile.load %a[%m0, %k0] : memref<?x512xbf16> -> <128x64xbf16, swizzle = 128>
      %tb = sm120.tile.load %b[%n0, %k0] : memref<250x512xbf16> -> <64x64xbf16, swizzle = 128>
      %p = sm120.tile.mma %acc, %ta, %tb at [%m0, %n0] k_offset %k0 : <128x64xbf16, swizzle = 128>, <64x64xbf16, swizzle = 128> -> <128x64>
      scf.yield %p : !sm120.acc<128x64>
    }
    // expected-error @+1 {{'sm120.tile.store' op the TMA-store epilogue needs a static N whose rows are a multiple of 16 bytes}}
    sm120.tile.store %r into %d[%m0, %n0] : <128x64>, memref<?x250xbf16>
  }
  return
}

// -----

// ldmatrix.trans moves 16-bit elements: MN-major FP8 tiles are refused.
func.func @fp8_mn_major(%a: memref<?x512xf8E4M3FN>, %b: memref<512x256xf8E4M3FN>, %d: memref<?x256xbf16>) attributes {sm120.problem = {family = "gemm", names = ["a", "b", "d"], outputs = ["d"]}} {
  %c0 = arith.constant 0 : index
  %m = memref.dim %a, %c0 : memref<?x512xf8E4M3FN>
  %n = arith.constant 256 : index
  %k = arith.constant 512 : index
  sm120.tile.loop (%m0, %n0) in (%m, %n) schedule <block = [128, 128, 128], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = direct> {
    %z = sm120.tile.zero : <128x128>
    %c128 = arith.constant 128 : index
    %r = scf.for %k0 = %c0 to %k step %c128 iter_args(%acc = %z) -> (!sm120.acc<128x128>) {
      %ta = sm120.tile.load %a[%m0, %k0] : memref<?x512xf8E4M3FN> -> <128x128xf8E4M3FN, swizzle = 128>
      %tb = sm120.tile.load %b[%k0, %n0] : memref<512x256xf8E4M3FN> -> <128x128xf8E4M3FN, swizzle = 128>
      // expected-error @+1 {{'sm120.tile.mma' op lowers MN-major operands for bf16 x bf16 only (ldmatrix.trans reads 16-bit elements); transpose 'f8E4M3FN' x 'f8E4M3FN' operands to K-major}}
      %p = sm120.tile.mma %acc, %ta, %tb at [%m0, %n0] k_offset %k0 {b_major = #sm120.major<mn>} : <128x128xf8E4M3FN, swizzle = 128>, <128x128xf8E4M3FN, swizzle = 128> -> <128x128>
      scf.yield %p : !sm120.acc<128x128>
    }
    sm120.tile.store %r into %d[%m0, %n0] : <128x128>, memref<?x256xbf16>
  }
  return
}

// -----

// FP8 without scales is not a form the lowering knows.
func.func @fp8_unscaled(%a: memref<?x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>, %d: memref<?x256xbf16>) attributes {sm120.problem = {family = "gemm", names = ["a", "b", "d"], outputs = ["d"]}} {
  %c0 = arith.constant 0 : index
  %m = memref.dim %a, %c0 : memref<?x512xf8E4M3FN>
  %n = arith.constant 256 : index
  %k = arith.constant 512 : index
  sm120.tile.loop (%m0, %n0) in (%m, %n) schedule <block = [128, 64, 64], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = direct> {
    %z = sm120.tile.zero : <128x64>
    %c64 = arith.constant 64 : index
    %r = scf.for %k0 = %c0 to %k step %c64 iter_args(%acc = %z) -> (!sm120.acc<128x64>) {
      %ta = sm120.tile.load %a[%m0, %k0] : memref<?x512xf8E4M3FN> -> <128x64xf8E4M3FN, swizzle = 64>
      %tb = sm120.tile.load %b[%n0, %k0] : memref<256x512xf8E4M3FN> -> <64x64xf8E4M3FN, swizzle = 64>
      // expected-error @+1 {{'sm120.tile.mma' op FP8 and FP4 operands need scales}}
      %p = sm120.tile.mma %acc, %ta, %tb at [%m0, %n0] k_offset %k0 : <128x64xf8E4M3FN, swizzle = 64>, <64x64xf8E4M3FN, swizzle = 64> -> <128x64>
      scf.yield %p : !sm120.acc<128x64>
    }
    sm120.tile.store %r into %d[%m0, %n0] : <128x64>, memref<?x256xbf16>
  }
  return
}

// -----

// NVFP4 needs UE4M3 scales on both operands.
func.func @nvfp4_mixed_recipes(%a: memref<?x512xf4E2M1FN>, %b: memref<256x512xf4E2M1FN>, %sa: memref<?x32xf8E4M3FN>, %sb: memref<1x256xi32>, %d: memref<?x256xbf16>) attributes {sm120.problem = {family = "gemm", names = ["a", "b", "sfa", "sfb", "d"], outputs = ["d"]}} {
  %c0 = arith.constant 0 : index
  %m = memref.dim %a, %c0 : memref<?x512xf4E2M1FN>
  %n = arith.constant 256 : index
  %k = arith.constant 512 : index
  sm120.tile.loop (%m0, %n0) in (%m, %n) schedule <block = [128, 64, 256], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = direct> {
    %z = sm120.tile.zero : <128x64>
    %c256 = arith.constant 256 : index
    %c16 = arith.constant 16 : index
    %r = scf.for %k0 = %c0 to %k step %c256 iter_args(%acc = %z) -> (!sm120.acc<128x64>) {
      %ta = sm120.tile.load %a[%m0, %k0] : memref<?x512xf4E2M1FN> -> <128x256xf4E2M1FN, swizzle = 128>
      %tb = sm120.tile.load %b[%n0, %k0] : memref<256x512xf4E2M1FN> -> <64x256xf4E2M1FN, swizzle = 128>
      %g = arith.divui %k0, %c16 : index
      %tsa = sm120.tile.load %sa[%m0, %g] : memref<?x32xf8E4M3FN> -> <128x16xf8E4M3FN>
      %tsb = sm120.tile.load %sb[%c0, %n0] : memref<1x256xi32> -> <1x64xi32>
      // expected-error @+1 {{'sm120.tile.mma' op lowers NVFP4 with UE4M3 scales per 16 elements of each row (both operands); #sm120.block_scale<ue8m0, mn = 1, k = 128, packed> is not lowered yet}}
      %p = sm120.tile.mma %acc, %ta, %tb scales(%tsa, %tsb) at [%m0, %n0] k_offset %k0
          {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
           sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
          : <128x256xf4E2M1FN, swizzle = 128>, <64x256xf4E2M1FN, swizzle = 128>, !sm120.smem<128x16xf8E4M3FN>, !sm120.smem<1x64xi32> -> <128x64>
      scf.yield %p : !sm120.acc<128x64>
    }
    sm120.tile.store %r into %d[%m0, %n0] : <128x64>, memref<?x256xbf16>
  }
  return
}

// -----

// A pointer-addressed output takes its strides at launch: a static one in
// its layout is not read.
// expected-error @+1 {{argument #2 ('memref<?x256xbf16, strided<[384, 1]>>') is addressed through a pointer: its layout must be the identity or strided<[?, ..., ?, 1]>}}
func.func @static_stride(%a: memref<?x512xbf16>, %b: memref<256x512xbf16>, %d: memref<?x256xbf16, strided<[384, 1]>>) attributes {sm120.problem = {family = "gemm", names = ["a", "b", "d"], outputs = ["d"]}} {
  %c0 = arith.constant 0 : index
  %m = memref.dim %a, %c0 : memref<?x512xbf16>
  %n = arith.constant 256 : index
  %k = arith.constant 512 : index
  sm120.tile.loop (%m0, %n0) in (%m, %n) schedule <block = [128, 64, 64], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = direct> {
    %z = sm120.tile.zero : <128x64>
    %c64 = arith.constant 64 : index
    %r = scf.for %k0 = %c0 to %k step %c64 iter_args(%acc = %z) -> (!sm120.acc<128x64>) {
      %ta = sm120.tile.load %a[%m0, %k0] : memref<?x512xbf16> -> <128x64xbf16, swizzle = 128>
      %tb = sm120.tile.load %b[%n0, %k0] : memref<256x512xbf16> -> <64x64xbf16, swizzle = 128>
      %p = sm120.tile.mma %acc, %ta, %tb at [%m0, %n0] k_offset %k0 : <128x64xbf16, swizzle = 128>, <64x64xbf16, swizzle = 128> -> <128x64>
      scf.yield %p : !sm120.acc<128x64>
    }
    sm120.tile.store %r into %d[%m0, %n0] : <128x64>, memref<?x256xbf16, strided<[384, 1]>>
  }
  return
}

// -----

// expected-error @+1 {{has no sm120.problem; lower it with sm120-lower-to-tiles}}
func.func @no_problem(%a: memref<?x512xbf16>, %b: memref<256x512xbf16>, %d: memref<?x256xbf16>) {
  %c0 = arith.constant 0 : index
  %m = memref.dim %a, %c0 : memref<?x512xbf16>
  %n = arith.constant 256 : index
  %k = arith.constant 512 : index
  sm120.tile.loop (%m0, %n0) in (%m, %n) schedule <block = [128, 64, 64], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = direct> {
    %z = sm120.tile.zero : <128x64>
    %c64 = arith.constant 64 : index
    %r = scf.for %k0 = %c0 to %k step %c64 iter_args(%acc = %z) -> (!sm120.acc<128x64>) {
      %ta = sm120.tile.load %a[%m0, %k0] : memref<?x512xbf16> -> <128x64xbf16, swizzle = 128>
      %tb = sm120.tile.load %b[%n0, %k0] : memref<256x512xbf16> -> <64x64xbf16, swizzle = 128>
      %p = sm120.tile.mma %acc, %ta, %tb at [%m0, %n0] k_offset %k0 : <128x64xbf16, swizzle = 128>, <64x64xbf16, swizzle = 128> -> <128x64>
      scf.yield %p : !sm120.acc<128x64>
    }
    sm120.tile.store %r into %d[%m0, %n0] : <128x64>, memref<?x256xbf16>
  }
  return
}

// -----

// RUN: not sm120-opt %s -split-input-file --sm120-lower-to-nvvm=chip=sm_100a 2>&1 | FileCheck %s --check-prefix=CHIP
// CHIP: sm120-lower-to-nvvm: unknown chip 'sm_100a'; expected sm_120a, sm_121a, sm_120f or sm_90a

// -----

// ring_store keeps the last K block's stage for the output: the K loop must
// run at least once, which only a static length guarantees.
func.func @ring_store_dynamic_k(%a: memref<?x?xbf16>, %b: memref<256x512xbf16>, %d: memref<?x256xbf16>) attributes {sm120.problem = {family = "gemm", names = ["a", "b", "d"], outputs = ["d"]}} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = memref.dim %a, %c0 : memref<?x?xbf16>
  %k = memref.dim %a, %c1 : memref<?x?xbf16>
  %n = arith.constant 256 : index
  // expected-error @+1 {{'sm120.pipeline.release' op is not in a K loop of static, nonzero length, which the ring_store epilogue needs}}
  sm120.tile.loop (%m0, %n0) in (%m, %n) schedule <block = [128, 256, 64], stages = 2, warp_layout = [2, 4], raster_group = 8, epilogue = ring_store> {
    %z = sm120.tile.zero : <128x256>
    %c64 = arith.constant 64 : index
    %r = scf.for %k0 = %c0 to %k step %c64 iter_args(%acc = %z) -> (!sm120.acc<128x256>) {
      %ta = sm120.tile.load %a[%m0, %k0] : memref<?x?xbf16> -> <128x64xbf16, swizzle = 128>
      %tb = sm120.tile.load %b[%n0, %k0] : memref<256x512xbf16> -> <256x64xbf16, swizzle = 128>
      %p = sm120.tile.mma %acc, %ta, %tb at [%m0, %n0] k_offset %k0 : <128x64xbf16, swizzle = 128>, <256x64xbf16, swizzle = 128> -> <128x256>
      scf.yield %p : !sm120.acc<128x256>
    }
    sm120.tile.store %r into %d[%m0, %n0] : <128x256>, memref<?x256xbf16>
  }
  return
}

// -----

// TMA-store boxes are 32, 64 or 128 bytes of a warp tile's row; 24 BF16
// columns are 48 bytes.
func.func @tma_store_narrow_warp_rows(%a: memref<?x512xbf16>, %b: memref<480x512xbf16>, %d: memref<?x480xbf16>) attributes {sm120.problem = {family = "gemm", names = ["a", "b", "d"], outputs = ["d"]}} {
  %c0 = arith.constant 0 : index
  %m = memref.dim %a, %c0 : memref<?x512xbf16>
  %n = arith.constant 480 : index
  %k = arith.constant 512 : index
  sm120.tile.loop (%m0, %n0) in (%m, %n) schedule <block = [128, 48, 64], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = tma_store> {
    %z = sm120.tile.zero : <128x48>
    %c64 = arith.constant 64 : index
    %r = scf.for %k0 = %c0 to %k step %c64 iter_args(%acc = %z) -> (!sm120.acc<128x48>) {
      %ta = sm120.tile.load %a[%m0, %k0] : memref<?x512xbf16> -> <128x64xbf16, swizzle = 128>
      %tb = sm120.tile.load %b[%n0, %k0] : memref<480x512xbf16> -> <48x64xbf16, swizzle = 128>
      %p = sm120.tile.mma %acc, %ta, %tb at [%m0, %n0] k_offset %k0 : <128x64xbf16, swizzle = 128>, <48x64xbf16, swizzle = 128> -> <128x48>
      scf.yield %p : !sm120.acc<128x48>
    }
    // expected-error @+1 {{'sm120.tile.store' op stages boxes of 32, 64 or 128 bytes of a warp tile's row for a TMA store; its rows have 48 bytes}}
    sm120.tile.store %r into %d[%m0, %n0] : <128x48>, memref<?x480xbf16>
  }
  return
}

// RUN: sm120-opt %s -split-input-file -verify-diagnostics --sm120-pipeline --sm120-warp-specialize

func.func @partial_warpgroup(%a: memref<?x512xbf16>, %d: memref<?x256xbf16>) {
  %c0 = arith.constant 0 : index
  %m = memref.dim %a, %c0 : memref<?x512xbf16>
  %k = arith.constant 512 : index
  // expected-error @+1 {{'sm120.tile.loop' op needs whole warpgroups per role (setmaxnreg); the schedule has 1 TMA warps and 8 math warps}}
  sm120.tile.loop (%m0, %n0) in (%m, %m) schedule <block = [128, 64, 64], stages = 3, warp_layout = [4, 2], tma_warps = 1, epilogue = direct> {
    %z = sm120.tile.zero : <128x64>
    %c64 = arith.constant 64 : index
    %r = scf.for %k0 = %c0 to %k step %c64 iter_args(%acc = %z) -> (!sm120.acc<128x64>) {
      %ta = sm120.tile.load %a[%m0, %k0] : memref<?x512xbf16> -> <128x64xbf16, swizzle = 128>
      %tb = sm120.tile.load %a[%n0, %k0] : memref<?x512xbf16> -> <64x64xbf16, swizzle = 128>
      %p = sm120.tile.mma %acc, %ta, %tb at [%m0, %n0] k_offset %k0 : <128x64xbf16, swizzle = 128>, <64x64xbf16, swizzle = 128> -> <128x64>
      scf.yield %p : !sm120.acc<128x64>
    }
    sm120.tile.store %r into %d[%m0, %n0] : <128x64>, memref<?x256xbf16>
  }
  return
}

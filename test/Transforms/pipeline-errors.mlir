// RUN: sm120-opt %s -split-input-file -verify-diagnostics --sm120-pipeline

func.func @no_k_loop(%a: memref<128x64xbf16>, %d: memref<128x128xf32>) {
  %c0 = arith.constant 0 : index
  %c128 = arith.constant 128 : index
  // expected-error @+1 {{'sm120.tile.loop' op has no K loop with sm120.tile.load to pipeline}}
  sm120.tile.loop (%m0, %n0) in (%c128, %c128) schedule <block = [128, 128, 64], stages = 2, warp_layout = [4, 2], epilogue = direct> {
    %z = sm120.tile.zero : <128x128>
    %ta = sm120.tile.load %a[%m0, %c0] : memref<128x64xbf16> -> <128x64xbf16, swizzle = 128>
    %p = sm120.tile.mma %z, %ta, %ta at [%m0, %n0] k_offset %c0 : <128x64xbf16, swizzle = 128>, <128x64xbf16, swizzle = 128> -> <128x128>
    sm120.tile.store %p into %d[%m0, %n0] : <128x128>, memref<128x128xf32>
  }
  return
}

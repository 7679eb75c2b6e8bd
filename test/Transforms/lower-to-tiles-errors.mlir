// RUN: sm120-opt %s -split-input-file -verify-diagnostics --sm120-lower-to-tiles

func.func @no_schedule(%a: memref<128x64xbf16>, %b: memref<128x64xbf16>, %d: memref<128x128xf32>) {
  // expected-error @+1 {{has no schedule; run sm120-select-schedule first}}
  sm120.gemm a(%a : memref<128x64xbf16>) b(%b : memref<128x64xbf16>) d(%d : memref<128x128xf32>)
  return
}

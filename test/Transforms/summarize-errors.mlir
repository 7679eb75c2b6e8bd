// RUN: sm120-opt %s -split-input-file --sm120-summarize -verify-diagnostics -o /dev/null
// RUN: not sm120-opt %s -split-input-file --sm120-summarize=output=%t/no/such/dir/report.txt -o /dev/null 2>&1 | FileCheck %s --check-prefix=FILE

// A kernel spec holds one problem op.
// expected-error @+1 {{kernel 'two_problems' holds 2 problem ops; a kernel spec holds exactly one}}
func.func @two_problems(%a: memref<128x64xbf16>, %b: memref<256x64xbf16>,
                        %d: memref<128x256xf32>) {
  sm120.gemm a(%a : memref<128x64xbf16>) b(%b : memref<256x64xbf16>) d(%d : memref<128x256xf32>)
  sm120.gemm a(%a : memref<128x64xbf16>) b(%b : memref<256x64xbf16>) d(%d : memref<128x256xf32>)
  return
}

// FILE: cannot open report file:

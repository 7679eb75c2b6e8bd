// RUN: sm120-opt %s -split-input-file -verify-diagnostics --sm120-lower-to-tiles

func.func @no_schedule(%a: memref<128x64xbf16>, %b: memref<128x64xbf16>, %d: memref<128x128xf32>) {
  // expected-error @+1 {{has no schedule; run sm120-select-schedule first}}
  sm120.gemm a(%a : memref<128x64xbf16>) b(%b : memref<128x64xbf16>) d(%d : memref<128x128xf32>)
  return
}

// -----

func.func @head_splits(%a: memref<128x512xf8E4M3FN>, %b: memref<256x512xf8E4M3FN>,
                       %sa: memref<1x128xi32>, %sb: memref<1x256xi32>, %d: memref<128x320xbf16>) {
  // expected-error @+1 {{with head_splits is not lowered to tiles yet}}
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<256x512xf8E4M3FN>)
      scales(%sa, %sb : memref<1x128xi32>, memref<1x256xi32>) d(%d : memref<128x320xbf16>)
      schedule <block = [128, 128, 128], stages = 2, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
      {head_splits = array<i64: 128, 64, 128>,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

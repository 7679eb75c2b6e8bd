// RUN: sm120-opt %s -split-input-file -verify-diagnostics --sm120-lower-to-tiles

func.func @no_schedule(%a: memref<128x64xbf16>, %b: memref<128x64xbf16>, %d: memref<128x128xf32>) {
  // expected-error @+1 {{has no schedule; run sm120-select-schedule first}}
  sm120.gemm a(%a : memref<128x64xbf16>) b(%b : memref<128x64xbf16>) d(%d : memref<128x128xf32>)
  return
}

// -----

// bhd,bhr->hdr reads both operands MN-major: BF16 only.
func.func @reduce_b(%x: memref<?x8x128xf8E4M3FN>, %y: memref<?x8x512xf8E4M3FN>,
                    %sx: memref<8x?x128xi32>, %sy: memref<8x?x512xi32>,
                    %z: memref<8x128x512xf32>) {
  // expected-error @+1 {{'sm120.batched_gemm' op equation 'bhd,bhr->hdr' is lowered for BF16 only (its operands are MN-major): copy FP8 operands to [h, d, b] and [h, r, b] and use 'bmk,bnk->bmn'}}
  sm120.batched_gemm "bhd,bhr->hdr" a(%x : memref<?x8x128xf8E4M3FN>)
      b(%y : memref<?x8x512xf8E4M3FN>)
      scales(%sx, %sy : memref<8x?x128xi32>, memref<8x?x512xi32>)
      d(%z : memref<8x128x512xf32>)
      schedule <block = [128, 128, 64], stages = 2, warp_layout = [4, 2], epilogue = direct>
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// bmk,bnk->mn: each K block must lie in one batch.
func.func @bmk_ragged_k(%a: memref<?x128x96xbf16>, %b: memref<?x128x96xbf16>,
                        %d: memref<128x128xf32>) {
  // expected-error @+1 {{'sm120.batched_gemm' op needs a static K per batch that block K 64 divides}}
  sm120.batched_gemm "bmk,bnk->mn" a(%a : memref<?x128x96xbf16>)
      b(%b : memref<?x128x96xbf16>) d(%d : memref<128x128xf32>)
      schedule <block = [64, 64, 64], stages = 2, warp_layout = [4, 1], epilogue = direct>
  return
}

// -----

func.func @grouped_no_schedule(%a: memref<?x7168xf8E4M3FN>, %b: memref<8x4096x7168xf8E4M3FN>,
                   %sfa: memref<14x?xi32>, %sfb: memref<8x14x4096xi32>,
                   %rows: memref<?xi32>, %d: memref<?x4096xbf16>) {
  // expected-error @+1 {{'sm120.grouped_gemm' op has no schedule; run sm120-select-schedule first}}
  sm120.grouped_gemm contiguous a(%a : memref<?x7168xf8E4M3FN>)
      b(%b : memref<8x4096x7168xf8E4M3FN>)
      scales(%sfa, %sfb : memref<14x?xi32>, memref<8x14x4096xi32>)
      layout(%rows : memref<?xi32>) d(%d : memref<?x4096xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

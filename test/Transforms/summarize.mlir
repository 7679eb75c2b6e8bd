// RUN: sm120-opt %s -split-input-file --sm120-summarize -o /dev/null | FileCheck %s
// RUN: sm120-opt %s -split-input-file --sm120-summarize | FileCheck %s --check-prefix=IR
// RUN: sm120-opt %examples/fp8_gemm.mlir --sm120-summarize=output=%t.txt -o /dev/null
// RUN: FileCheck %s --check-prefix=FILE < %t.txt
// FILE: kernel @fp8_gemm_2112x7168: gemm
// FILE-NEXT: sizes: M=? N=2112 K=7168

// The report names the family and every size; runtime sizes print as `?` and
// stay symbolic in the FLOP count.
// CHECK-LABEL: kernel @gemm_runtime_m: gemm
// CHECK-NEXT:   sizes: M=? N=2112 K=7168
// CHECK-NEXT:   a: [?, 7168] f8E4M3FN (k-major)
// CHECK-NEXT:   b: [2112, 7168] f8E4M3FN (k-major)
// CHECK-NEXT:   sfa: [14, ?] i32 #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>
// CHECK-NEXT:   sfb: [14, 2112] i32 #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>
// CHECK-NEXT:   d: [?, 2112] bf16
// CHECK-NEXT:   flops: 30277632 * M
// The pass leaves the IR unchanged.
// IR-LABEL: func.func @gemm_runtime_m
// IR: sm120.gemm
func.func @gemm_runtime_m(%a: memref<?x7168xf8E4M3FN>, %b: memref<2112x7168xf8E4M3FN>,
                          %sfa: memref<14x?xi32>, %sfb: memref<14x2112xi32>,
                          %d: memref<?x2112xbf16>) {
  sm120.gemm a(%a : memref<?x7168xf8E4M3FN>) b(%b : memref<2112x7168xf8E4M3FN>)
      scales(%sfa, %sfb : memref<14x?xi32>, memref<14x2112xi32>)
      d(%d : memref<?x2112xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// Fully static problem: the FLOP count is a number. MN-major B and a strided
// A are reported.
// CHECK-LABEL: kernel @gemm_static_bf16: gemm
// CHECK-NEXT:   sizes: M=128 N=256 K=64
// CHECK-NEXT:   a: [128, 64] bf16 strided<[96, 1]> (k-major)
// CHECK-NEXT:   b: [64, 256] bf16 (mn-major)
// CHECK-NEXT:   c (accumulate): [128, 256] f32
// CHECK-NEXT:   d: [128, 256] f32
// CHECK-NEXT:   flops: 4194304
func.func @gemm_static_bf16(%a: memref<128x64xbf16, strided<[96, 1]>>, %b: memref<64x256xbf16>,
                            %c: memref<128x256xf32>, %d: memref<128x256xf32>) {
  sm120.gemm a(%a : memref<128x64xbf16, strided<[96, 1]>>) b(%b : memref<64x256xbf16>)
      c(%c : memref<128x256xf32>) d(%d : memref<128x256xf32>) {b_major = #sm120.major<mn>}
  return
}

// -----

// CHECK-LABEL: kernel @contiguous_psum: grouped_gemm/contiguous
// CHECK-NEXT:   sizes: G=4 M=? N=128 K=256
// CHECK-NEXT:   layout: prefix sum of group rows [G]
// CHECK:        flops: 65536 * M
func.func @contiguous_psum(%a: memref<?x256xbf16>, %b: memref<4x128x256xbf16>,
                           %psum: memref<4xi32>, %d: memref<?x128xbf16>) {
  sm120.grouped_gemm contiguous a(%a : memref<?x256xbf16>) b(%b : memref<4x128x256xbf16>)
      layout(%psum : memref<4xi32>) d(%d : memref<?x128xbf16>) {prefix_sum}
  return
}

// -----

// CHECK-LABEL: kernel @batched: batched_gemm
// CHECK-NEXT:   equation: bhr,hdr->bhd
// CHECK-NEXT:   sizes: batch=8 M=? N=1024 K=4096
// CHECK:        flops: 67108864 * b
func.func @batched(%x: memref<?x8x4096xbf16>, %w: memref<8x1024x4096xbf16>,
                   %y: memref<?x8x1024xbf16>) {
  sm120.batched_gemm "bhr,hdr->bhd" a(%x : memref<?x8x4096xbf16>)
      b(%w : memref<8x1024x4096xbf16>) d(%y : memref<?x8x1024xbf16>)
  return
}

// -----

// CHECK-LABEL: kernel @paged: paged_mqa_logits
// CHECK-NEXT:   sizes: B=? next_n=1 H=32 D=64 BKV=64 num_blocks=?
// CHECK:        decode: varlen, -inf past context
// CHECK-NEXT:   flops: 4096 * sum(context_lens)
func.func @paged(%q: memref<?x1x32x64xf8E4M3FN>, %kv: memref<?x64x64xf8E4M3FN>,
                 %kvs: memref<?x64xf32>, %w: memref<?x32xf32>, %lens: memref<?x1xi32>,
                 %table: memref<?x?xi32>, %idx: memref<?xi32>, %out: memref<?x?xf32>) {
  sm120.paged_mqa_logits q(%q : memref<?x1x32x64xf8E4M3FN>)
      kv(%kv : memref<?x64x64xf8E4M3FN>) kv_scale(%kvs : memref<?x64xf32>)
      weights(%w : memref<?x32xf32>) context_lens(%lens : memref<?x1xi32>)
      block_table(%table : memref<?x?xi32>) indices(%idx : memref<?xi32>)
      logits(%out : memref<?x?xf32>) {clean_logits}
  return
}

// -----

// CHECK-LABEL: kernel @head_split: gemm
// CHECK:        epilogue: head_splits(128, 64, 128)
func.func @head_split(%a: memref<?x512xf8E4M3FN>, %b: memref<512x512xf8E4M3FN>,
                      %sfa: memref<1x?xi32>, %sfb: memref<1x512xi32>, %d: memref<?x640xbf16>) {
  sm120.gemm a(%a : memref<?x512xf8E4M3FN>) b(%b : memref<512x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x?xi32>, memref<1x512xi32>) d(%d : memref<?x640xbf16>)
      {head_splits = array<i64: 128, 64, 128>,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

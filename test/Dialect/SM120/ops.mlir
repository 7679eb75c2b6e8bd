// Round trip of every problem op: custom form, then generic form, then
// bytecode, each re-parsed to the same custom form.
// RUN: sm120-opt %s | sm120-opt | FileCheck %s
// RUN: sm120-opt %s --mlir-print-op-generic | sm120-opt | FileCheck %s
// RUN: sm120-opt %s --emit-bytecode | sm120-opt | FileCheck %s

// CHECK-LABEL: func.func @gemm_fp8_packed
// CHECK-SAME: (%[[A:.*]]: memref<?x256xf8E4M3FN>, %[[B:.*]]: memref<128x256xf8E4M3FN>, %[[SA:.*]]: memref<1x?xi32>, %[[SB:.*]]: memref<1x128xi32>, %[[D:.*]]: memref<?x128xbf16>)
// CHECK: sm120.gemm a(%[[A]] : memref<?x256xf8E4M3FN>) b(%[[B]] : memref<128x256xf8E4M3FN>)
// CHECK-SAME: scales(%[[SA]], %[[SB]] : memref<1x?xi32>, memref<1x128xi32>)
// CHECK-SAME: d(%[[D]] : memref<?x128xbf16>)
// CHECK-SAME: sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>
// CHECK-SAME: sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>
// CHECK-NOT: a_major
func.func @gemm_fp8_packed(%a: memref<?x256xf8E4M3FN>, %b: memref<128x256xf8E4M3FN>,
                           %sfa: memref<1x?xi32>, %sfb: memref<1x128xi32>,
                           %d: memref<?x128xbf16>) {
  sm120.gemm a(%a : memref<?x256xf8E4M3FN>) b(%b : memref<128x256xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x?xi32>, memref<1x128xi32>)
      d(%d : memref<?x128xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// Per-token FP32 scales on A, per-128x128-block FP32 scales on an MN-major
// B, accumulation into C.
// CHECK-LABEL: func.func @gemm_fp8_f32_scales_mn_major
// CHECK: sm120.gemm a(%{{.*}} : memref<256x512xf8E4M3FN>) b(%{{.*}} : memref<512x384xf8E4M3FN>)
// CHECK-SAME: scales(%{{.*}}, %{{.*}} : memref<256x4xf32>, memref<3x4xf32>)
// CHECK-SAME: c(%{{.*}} : memref<256x384xf32>) d(%{{.*}} : memref<256x384xf32>)
// CHECK-SAME: b_major = #sm120.major<mn>
// CHECK-SAME: sfa_recipe = #sm120.block_scale<f32, mn = 1, k = 128>
// CHECK-SAME: sfb_recipe = #sm120.block_scale<f32, mn = 128, k = 128>
func.func @gemm_fp8_f32_scales_mn_major(%a: memref<256x512xf8E4M3FN>, %b: memref<512x384xf8E4M3FN>,
                                        %sfa: memref<256x4xf32>, %sfb: memref<3x4xf32>,
                                        %c: memref<256x384xf32>, %d: memref<256x384xf32>) {
  sm120.gemm a(%a : memref<256x512xf8E4M3FN>) b(%b : memref<512x384xf8E4M3FN>)
      scales(%sfa, %sfb : memref<256x4xf32>, memref<3x4xf32>)
      c(%c : memref<256x384xf32>) d(%d : memref<256x384xf32>)
      {b_major = #sm120.major<mn>,
       sfa_recipe = #sm120.block_scale<f32, mn = 1, k = 128>,
       sfb_recipe = #sm120.block_scale<f32, mn = 128, k = 128>}
  return
}

// NVFP4 with alpha (the product of the operands' global scales).
// CHECK-LABEL: func.func @gemm_nvfp4_alpha
// CHECK: alpha(%{{.*}} : memref<1xf32>) d(%{{.*}} : memref<?x256xbf16>)
func.func @gemm_nvfp4_alpha(%a: memref<?x512xf4E2M1FN>, %b: memref<256x512xf4E2M1FN>,
                            %sfa: memref<?x32xf8E4M3FN>, %sfb: memref<256x32xf8E4M3FN>,
                            %alpha: memref<1xf32>, %d: memref<?x256xbf16>) {
  sm120.gemm a(%a : memref<?x512xf4E2M1FN>) b(%b : memref<256x512xf4E2M1FN>)
      scales(%sfa, %sfb : memref<?x32xf8E4M3FN>, memref<256x32xf8E4M3FN>)
      alpha(%alpha : memref<1xf32>) d(%d : memref<?x256xbf16>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>}
  return
}

// Mixed FP8 x FP4 with unpacked UE8M0 (f8E8M0FNU) scales.
// CHECK-LABEL: func.func @gemm_fp8_fp4_mixed
// CHECK: sm120.gemm a(%{{.*}} : memref<64x256xf8E4M3FN>) b(%{{.*}} : memref<128x256xf4E2M1FN>)
// CHECK-SAME: sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128>
// CHECK-SAME: sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32>
func.func @gemm_fp8_fp4_mixed(%a: memref<64x256xf8E4M3FN>, %b: memref<128x256xf4E2M1FN>,
                              %sfa: memref<64x2xf8E8M0FNU>, %sfb: memref<128x8xf8E8M0FNU>,
                              %d: memref<64x128xbf16>) {
  sm120.gemm a(%a : memref<64x256xf8E4M3FN>) b(%b : memref<128x256xf4E2M1FN>)
      scales(%sfa, %sfb : memref<64x2xf8E8M0FNU>, memref<128x8xf8E8M0FNU>)
      d(%d : memref<64x128xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32>}
  return
}

// NVFP4: UE4M3 block-16 scales on both operands.
// CHECK-LABEL: func.func @gemm_nvfp4
// CHECK: sm120.gemm a(%{{.*}} : memref<128x128xf4E2M1FN>) b(%{{.*}} : memref<64x128xf4E2M1FN>)
// CHECK-SAME: scales(%{{.*}}, %{{.*}} : memref<128x8xf8E4M3FN>, memref<64x8xf8E4M3FN>)
// CHECK-SAME: sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>
func.func @gemm_nvfp4(%a: memref<128x128xf4E2M1FN>, %b: memref<64x128xf4E2M1FN>,
                      %sfa: memref<128x8xf8E4M3FN>, %sfb: memref<64x8xf8E4M3FN>,
                      %d: memref<128x64xf32>) {
  sm120.gemm a(%a : memref<128x128xf4E2M1FN>) b(%b : memref<64x128xf4E2M1FN>)
      scales(%sfa, %sfb : memref<128x8xf8E4M3FN>, memref<64x8xf8E4M3FN>)
      d(%d : memref<128x64xf32>)
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>}
  return
}

// BF16 takes no scales; a row-strided view of a wider tensor is accepted.
// CHECK-LABEL: func.func @gemm_bf16_strided
// CHECK: sm120.gemm a(%{{.*}} : memref<?x512xbf16, strided<[640, 1]>>) b(%{{.*}} : memref<256x512xbf16>) d(%{{.*}} : memref<?x256xbf16>)
// CHECK-NOT: scales
func.func @gemm_bf16_strided(%a: memref<?x512xbf16, strided<[640, 1]>>, %b: memref<256x512xbf16>,
                             %d: memref<?x256xbf16>) {
  sm120.gemm a(%a : memref<?x512xbf16, strided<[640, 1]>>) b(%b : memref<256x512xbf16>)
      d(%d : memref<?x256xbf16>)
  return
}

// Head-split epilogue: 2 heads of 128 + 128 computed columns, 64-column gap.
// CHECK-LABEL: func.func @gemm_head_splits
// CHECK: sm120.gemm
// CHECK-SAME: head_splits = array<i64: 128, 64, 128>
func.func @gemm_head_splits(%a: memref<?x512xf8E4M3FN>, %b: memref<512x512xf8E4M3FN>,
                            %sfa: memref<1x?xi32>, %sfb: memref<1x512xi32>,
                            %d: memref<?x640xbf16>) {
  sm120.gemm a(%a : memref<?x512xf8E4M3FN>) b(%b : memref<512x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x?xi32>, memref<1x512xi32>)
      d(%d : memref<?x640xbf16>)
      {head_splits = array<i64: 128, 64, 128>,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// CHECK-LABEL: func.func @grouped_contiguous_psum
// CHECK: sm120.grouped_gemm contiguous a(%{{.*}} : memref<?x256xbf16>) b(%{{.*}} : memref<4x256x128xbf16>) layout(%{{.*}} : memref<4xi32>) d(%{{.*}} : memref<?x128xbf16>)
// CHECK-SAME: b_major = #sm120.major<mn>
// CHECK-SAME: prefix_sum
func.func @grouped_contiguous_psum(%a: memref<?x256xbf16>, %b: memref<4x256x128xbf16>,
                                   %psum: memref<4xi32>, %d: memref<?x128xbf16>) {
  sm120.grouped_gemm contiguous a(%a : memref<?x256xbf16>) b(%b : memref<4x256x128xbf16>)
      layout(%psum : memref<4xi32>) d(%d : memref<?x128xbf16>)
      {b_major = #sm120.major<mn>, prefix_sum}
  return
}

// CHECK-LABEL: func.func @grouped_masked
// CHECK: sm120.grouped_gemm masked a(%{{.*}} : memref<2x64x256xf8E4M3FN>)
// CHECK-SAME: layout(%{{.*}} : memref<2xi32>)
// CHECK-SAME: expected_m = 20 : i64
func.func @grouped_masked(%a: memref<2x64x256xf8E4M3FN>, %b: memref<2x128x256xf8E4M3FN>,
                          %sfa: memref<2x1x64xi32>, %sfb: memref<2x1x128xi32>,
                          %m: memref<2xi32>, %d: memref<2x64x128xbf16>) {
  sm120.grouped_gemm masked a(%a : memref<2x64x256xf8E4M3FN>) b(%b : memref<2x128x256xf8E4M3FN>)
      scales(%sfa, %sfb : memref<2x1x64xi32>, memref<2x1x128xi32>)
      layout(%m : memref<2xi32>) d(%d : memref<2x64x128xbf16>)
      {expected_m = 20 : i64,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// K-grouped with K-major operands: 1-D concatenations of per-group blocks.
// CHECK-LABEL: func.func @grouped_k_grouped_k_major
// CHECK: sm120.grouped_gemm k_grouped a(%{{.*}} : memref<?xf8E4M3FN>) b(%{{.*}} : memref<?xf8E4M3FN>)
// CHECK-SAME: c(%{{.*}} : memref<3x128x256xf32>) d(%{{.*}} : memref<3x128x256xf32>)
func.func @grouped_k_grouped_k_major(%a: memref<?xf8E4M3FN>, %b: memref<?xf8E4M3FN>,
                                     %sfa: memref<?x128xi32>, %sfb: memref<?x256xi32>,
                                     %ks: memref<3xi32>, %c: memref<3x128x256xf32>,
                                     %d: memref<3x128x256xf32>) {
  sm120.grouped_gemm k_grouped a(%a : memref<?xf8E4M3FN>) b(%b : memref<?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x128xi32>, memref<?x256xi32>)
      layout(%ks : memref<3xi32>) c(%c : memref<3x128x256xf32>) d(%d : memref<3x128x256xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

// CHECK-LABEL: func.func @batched_fp8
// CHECK: sm120.batched_gemm "bhd,hdr->bhr" a(%{{.*}} : memref<?x8x512xf8E4M3FN>) b(%{{.*}} : memref<8x512x256xf8E4M3FN>)
// CHECK-SAME: scales(%{{.*}}, %{{.*}} : memref<8x?x4xf32>, memref<8x2x4xf32>)
func.func @batched_fp8(%a: memref<?x8x512xf8E4M3FN>, %b: memref<8x512x256xf8E4M3FN>,
                       %sfa: memref<8x?x4xf32>, %sfb: memref<8x2x4xf32>,
                       %d: memref<?x8x256xbf16>) {
  sm120.batched_gemm "bhd,hdr->bhr" a(%a : memref<?x8x512xf8E4M3FN>) b(%b : memref<8x512x256xf8E4M3FN>)
      scales(%sfa, %sfb : memref<8x?x4xf32>, memref<8x2x4xf32>)
      d(%d : memref<?x8x256xbf16>)
      {sfa_recipe = #sm120.block_scale<f32, mn = 1, k = 128>,
       sfb_recipe = #sm120.block_scale<f32, mn = 128, k = 128>}
  return
}

// CHECK-LABEL: func.func @batched_reduce_batch
// CHECK: sm120.batched_gemm "bmk,bnk->mn" a(%{{.*}} : memref<?x128x64xbf16>) b(%{{.*}} : memref<?x384x64xbf16>) c(%{{.*}} : memref<128x384xf32>) d(%{{.*}} : memref<128x384xf32>)
func.func @batched_reduce_batch(%a: memref<?x128x64xbf16>, %b: memref<?x384x64xbf16>,
                                %c: memref<128x384xf32>, %d: memref<128x384xf32>) {
  sm120.batched_gemm "bmk,bnk->mn" a(%a : memref<?x128x64xbf16>) b(%b : memref<?x384x64xbf16>)
      c(%c : memref<128x384xf32>) d(%d : memref<128x384xf32>)
  return
}

// CHECK-LABEL: func.func @mqa_logits_fp4_compressed
// CHECK: sm120.mqa_logits q(%{{.*}} : memref<?x32x128xf4E2M1FN>) q_scale(%{{.*}} : memref<?x32xi32>)
// CHECK-SAME: kv(%{{.*}} : memref<?x128xf4E2M1FN>) kv_scale(%{{.*}} : memref<?xi32>)
// CHECK-SAME: ranges(%{{.*}}, %{{.*}} : memref<?xi32>, memref<?xi32>)
// CHECK-SAME: logits(%{{.*}} : memref<?x?xbf16>) {compressed}
func.func @mqa_logits_fp4_compressed(%q: memref<?x32x128xf4E2M1FN>, %qs: memref<?x32xi32>,
                                     %kv: memref<?x128xf4E2M1FN>, %kvs: memref<?xi32>,
                                     %w: memref<?x32xf32>, %ks: memref<?xi32>, %ke: memref<?xi32>,
                                     %out: memref<?x?xbf16>) {
  sm120.mqa_logits q(%q : memref<?x32x128xf4E2M1FN>) q_scale(%qs : memref<?x32xi32>)
      kv(%kv : memref<?x128xf4E2M1FN>) kv_scale(%kvs : memref<?xi32>)
      weights(%w : memref<?x32xf32>) ranges(%ks, %ke : memref<?xi32>, memref<?xi32>)
      logits(%out : memref<?x?xbf16>) {compressed}
  return
}

// CHECK-LABEL: func.func @paged_mqa_logits_fp4_varlen
// CHECK: sm120.paged_mqa_logits q(%{{.*}} : memref<?x1x64x128xf4E2M1FN>) q_scale(%{{.*}} : memref<?x1x64xi32>)
// CHECK-SAME: indices(%{{.*}} : memref<?xi32>) logits(%{{.*}} : memref<?x?xf32>) {clean_logits}
func.func @paged_mqa_logits_fp4_varlen(%q: memref<?x1x64x128xf4E2M1FN>, %qs: memref<?x1x64xi32>,
                                       %kv: memref<?x32x128xf4E2M1FN>, %kvs: memref<?x32xi32>,
                                       %w: memref<?x64xf32>, %lens: memref<?x1xi32>,
                                       %table: memref<?x?xi32>, %idx: memref<?xi32>,
                                       %out: memref<?x?xf32>) {
  sm120.paged_mqa_logits q(%q : memref<?x1x64x128xf4E2M1FN>) q_scale(%qs : memref<?x1x64xi32>)
      kv(%kv : memref<?x32x128xf4E2M1FN>) kv_scale(%kvs : memref<?x32xi32>)
      weights(%w : memref<?x64xf32>) context_lens(%lens : memref<?x1xi32>)
      block_table(%table : memref<?x?xi32>) indices(%idx : memref<?xi32>)
      logits(%out : memref<?x?xf32>) {clean_logits}
  return
}

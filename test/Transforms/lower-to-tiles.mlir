// RUN: sm120-opt %s -split-input-file --sm120-lower-to-tiles | FileCheck %s

// FP8 with packed UE8M0 scales: per K block, the A and B tiles and one
// scale word per row (a word covers 4 x 128 = 512 elements of K).
// CHECK-LABEL: func.func @fp8
// CHECK-SAME: (%[[A:.*]]: memref<?x7168xf8E4M3FN>, %[[B:.*]]: memref<2112x7168xf8E4M3FN>, %[[SA:.*]]: memref<14x?xi32>, %[[SB:.*]]: memref<14x2112xi32>, %[[D:.*]]: memref<?x2112xbf16>)
// CHECK-DAG: %[[M:.*]] = memref.dim %[[A]], %{{.*}} : memref<?x7168xf8E4M3FN>
// CHECK-DAG: %[[N:.*]] = arith.constant 2112 : index
// CHECK-DAG: %[[K:.*]] = arith.constant 7168 : index
// CHECK: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]]) in (%[[M]], %[[N]]) schedule <block = [128, 192, 64]
// CHECK: %[[ZERO:.*]] = sm120.tile.zero : <128x192>
// CHECK: %[[ACC:.*]] = scf.for %[[K0:.*]] = %{{.*}} to %[[K]] step %{{.*}} iter_args(%[[IT:.*]] = %[[ZERO]]) -> (!sm120.acc<128x192>)
// CHECK: %[[TA:.*]] = sm120.tile.load %[[A]][%[[M0]], %[[K0]]] : memref<?x7168xf8E4M3FN> -> <128x64xf8E4M3FN>
// CHECK: %[[TB:.*]] = sm120.tile.load %[[B]][%[[N0]], %[[K0]]] : memref<2112x7168xf8E4M3FN> -> <192x64xf8E4M3FN>
// CHECK: %[[W:.*]] = arith.divui %[[K0]], %{{.*}} : index
// CHECK: %[[TSA:.*]] = sm120.tile.load %[[SA]][%[[W]], %[[M0]]] : memref<14x?xi32> -> <1x128xi32>
// CHECK: %[[TSB:.*]] = sm120.tile.load %[[SB]][%{{.*}}, %[[N0]]] : memref<14x2112xi32> -> <1x192xi32>
// CHECK: %[[NEXT:.*]] = sm120.tile.mma %[[IT]], %[[TA]], %[[TB]] scales(%[[TSA]], %[[TSB]]) at [%[[M0]], %[[N0]]] k_offset %[[K0]]
// CHECK: scf.yield %[[NEXT]]
// CHECK: sm120.tile.store %[[ACC]] into %[[D]][%[[M0]], %[[N0]]] : <128x192>, memref<?x2112xbf16>
// CHECK-NOT: sm120.gemm
func.func @fp8(%a: memref<?x7168xf8E4M3FN>, %b: memref<2112x7168xf8E4M3FN>,
               %sa: memref<14x?xi32>, %sb: memref<14x2112xi32>, %d: memref<?x2112xbf16>) {
  sm120.gemm a(%a : memref<?x7168xf8E4M3FN>) b(%b : memref<2112x7168xf8E4M3FN>)
      scales(%sa, %sb : memref<14x?xi32>, memref<14x2112xi32>) d(%d : memref<?x2112xbf16>)
      schedule <block = [128, 192, 64], stages = 3, warp_layout = [4, 2], raster_group = 16, epilogue = tma_store>
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// BF16 with an MN-major B ([K, N] tiles) and accumulation into C.
// CHECK-LABEL: func.func @bf16_mn_major_b
// CHECK: sm120.tile.load %{{.*}}[%[[K0:.*]], %[[N0:.*]]] : memref<512x256xbf16> -> <64x128xbf16>
// CHECK: sm120.tile.mma {{.*}} at [%{{.*}}, %[[N0]]] k_offset %[[K0]] {b_major = #sm120.major<mn>} : <128x64xbf16>, <64x128xbf16> -> <128x128>
// CHECK: sm120.tile.store %{{.*}} add %[[C:.*]] : memref<128x256xf32> into %{{.*}} : <128x128>, memref<128x256xf32>
func.func @bf16_mn_major_b(%a: memref<128x512xbf16>, %b: memref<512x256xbf16>,
                           %c: memref<128x256xf32>, %d: memref<128x256xf32>) {
  sm120.gemm a(%a : memref<128x512xbf16>) b(%b : memref<512x256xbf16>)
      c(%c : memref<128x256xf32>) d(%d : memref<128x256xf32>)
      schedule <block = [128, 128, 64], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
      {b_major = #sm120.major<mn>}
  return
}

// -----

// FP4 with 256-element K blocks and K granularity 32: two scale words per
// row per block.
// CHECK-LABEL: func.func @fp4_wide_k
// CHECK: sm120.tile.load {{.*}} -> <128x256xf4E2M1FN>
// CHECK: %[[W:.*]] = arith.divui %{{.*}}, %{{.*}} : index
// CHECK: sm120.tile.load %{{.*}}[%[[W]], %{{.*}}] : memref<8x128xi32> -> <2x128xi32>
func.func @fp4_wide_k(%a: memref<128x1024xf4E2M1FN>, %b: memref<128x1024xf4E2M1FN>,
                      %sa: memref<8x128xi32>, %sb: memref<8x128xi32>, %d: memref<128x128xbf16>) {
  sm120.gemm a(%a : memref<128x1024xf4E2M1FN>) b(%b : memref<128x1024xf4E2M1FN>)
      scales(%sa, %sb : memref<8x128xi32>, memref<8x128xi32>) d(%d : memref<128x128xbf16>)
      schedule <block = [128, 128, 256], stages = 2, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

// -----

// Unpacked scales load [row granules, K granules] tiles from the granule of
// the tile's first row and K block, rows padded to 16 bytes: per-token FP32
// on A (128 x 4 floats), per-128-block FP32 on B (2 x 4: a 192-column tile
// can straddle two row granules), and NVFP4 UE4M3 (128 x 16 bytes).
// CHECK-LABEL: func.func @unpacked_scales
// CHECK: %[[TSA:.*]] = sm120.tile.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<4096x56xf32> -> <128x4xf32>
// CHECK: %[[TSB:.*]] = sm120.tile.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<17x56xf32> -> <2x4xf32>
// CHECK: sm120.tile.mma {{.*}} scales(%[[TSA]], %[[TSB]])
// CHECK-LABEL: func.func @nvfp4
// CHECK: sm120.tile.load %{{.*}} : memref<256x64xf8E4M3FN> -> <128x16xf8E4M3FN>
func.func @unpacked_scales(%a: memref<4096x7168xf8E4M3FN>, %b: memref<2112x7168xf8E4M3FN>,
                           %sa: memref<4096x56xf32>, %sb: memref<17x56xf32>, %d: memref<4096x2112xbf16>) {
  sm120.gemm a(%a : memref<4096x7168xf8E4M3FN>) b(%b : memref<2112x7168xf8E4M3FN>)
      scales(%sa, %sb : memref<4096x56xf32>, memref<17x56xf32>) d(%d : memref<4096x2112xbf16>)
      schedule <block = [128, 192, 64], stages = 3, warp_layout = [4, 2], raster_group = 16, epilogue = tma_store>
      {sfa_recipe = #sm120.block_scale<f32, mn = 1, k = 128>,
       sfb_recipe = #sm120.block_scale<f32, mn = 128, k = 128>}
  return
}

func.func @nvfp4(%a: memref<256x1024xf4E2M1FN>, %b: memref<256x1024xf4E2M1FN>,
                 %sa: memref<256x64xf8E4M3FN>, %sb: memref<256x64xf8E4M3FN>, %d: memref<256x256xf32>) {
  sm120.gemm a(%a : memref<256x1024xf4E2M1FN>) b(%b : memref<256x1024xf4E2M1FN>)
      scales(%sa, %sb : memref<256x64xf8E4M3FN>, memref<256x64xf8E4M3FN>) d(%d : memref<256x256xf32>)
      schedule <block = [128, 128, 128], stages = 2, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
      {sfa_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
       sfb_recipe = #sm120.block_scale<ue4m3, mn = 1, k = 16>}
  return
}

// -----

// Head splits: the tile loop covers the 512 computed columns; the store
// remaps them into the wider output.
// CHECK-LABEL: func.func @head_splits
// CHECK: sm120.tile.loop (%{{.*}}, %{{.*}}) in (%{{.*}}, %[[N:.*]]) schedule
// CHECK: sm120.tile.store %{{.*}} into %{{.*}}[%{{.*}}, %{{.*}}] {head_splits = array<i64: 128, 64, 128>} : <128x128>, memref<128x640xbf16>
func.func @head_splits(%a: memref<128x512xf8E4M3FN>, %b: memref<512x512xf8E4M3FN>,
                       %sa: memref<1x128xi32>, %sb: memref<1x512xi32>, %d: memref<128x640xbf16>) {
  sm120.gemm a(%a : memref<128x512xf8E4M3FN>) b(%b : memref<512x512xf8E4M3FN>)
      scales(%sa, %sb : memref<1x128xi32>, memref<1x512xi32>) d(%d : memref<128x640xbf16>)
      schedule <block = [128, 128, 128], stages = 2, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
      {head_splits = array<i64: 128, 64, 128>,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

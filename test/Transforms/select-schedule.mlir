// RUN: sm120-opt %s -split-input-file --sm120-select-schedule | FileCheck %s
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule="machine=rtx-5090 sms=48" | FileCheck %s --check-prefix=SMALL
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=print=true -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=epilogue=direct | FileCheck %s --check-prefix=DIRECT
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule="machine=h100 epilogue=direct" | FileCheck %s --check-prefix=TWIN

// Restricted to one epilogue, only its schedules are candidates.
// DIRECT-NOT: epilogue = tma_store

// Large FP8 GEMM: 128-row tiles, two math warpgroups of 32-row warp tiles
// (setmaxnreg gives them 232 registers), N = 160 for wave quantization.
// CHECK-LABEL: func.func @fp8_large
// CHECK: sm120.gemm
// CHECK-SAME: schedule <block = [128, 160, 64], stages = 5, warp_layout = [4, 2], raster_group = 16, epilogue = direct>
// REMARK: remark: chose #sm120.schedule<block = [128, 160, 64], stages = 5, warp_layout = [4, 2], raster_group = 16, epilogue = direct> for M = 4096 on rtx-pro-6000: 1440 tiles in 8 waves, {{[0-9]+}} bytes of shared memory, {{[0-9.]+}} us estimated
// With 48 SMs the raster group shrinks to match the wave.
// SMALL-LABEL: func.func @fp8_large
// SMALL: sm120.gemm
// SMALL-SAME: schedule <block = [128, 160, 64], stages = 5, warp_layout = [4, 2], raster_group = 8
// The sm_90a twin emulates the scaled MMA: a K block of one scale granule
// (one promotion per block) and 64x32 warp tiles (A widened once per K step
// for four N tiles) cost it least.
// TWIN-LABEL: func.func @fp8_large
// TWIN: sm120.gemm
// TWIN-SAME: schedule <block = [128, 128, 128], stages = 2, warp_layout = [2, 4], raster_group = 8, epilogue = direct>
func.func @fp8_large(%a: memref<4096x16384xf8E4M3FN>, %b: memref<7168x16384xf8E4M3FN>,
                     %sa: memref<32x4096xi32>, %sb: memref<32x7168xi32>,
                     %d: memref<4096x7168xbf16>) {
  sm120.gemm a(%a : memref<4096x16384xf8E4M3FN>) b(%b : memref<7168x16384xf8E4M3FN>)
      scales(%sa, %sb : memref<32x4096xi32>, memref<32x7168xi32>) d(%d : memref<4096x7168xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// A runtime M is costed at expected-m (4096 by default).
// CHECK-LABEL: func.func @fp8_runtime_m
// CHECK: sm120.gemm
// CHECK-SAME: schedule <block = [128, 192, 64], stages = 4
// REMARK: remark: chose {{.*}} for M = 4096 on rtx-pro-6000: 352 tiles in 2 waves
// With 48 SMs (7.3 waves of 128x192 tiles) the TMA-store epilogue keeps
// the wide tile level with 128x96 ones, and the tie goes to the wider tile.
// SMALL-LABEL: func.func @fp8_runtime_m
// SMALL: sm120.gemm
// SMALL-SAME: schedule <block = [128, 192, 64], stages = 2, warp_layout = [4, 2], raster_group = 8, epilogue = tma_store>
func.func @fp8_runtime_m(%a: memref<?x7168xf8E4M3FN>, %b: memref<2112x7168xf8E4M3FN>,
                         %sa: memref<14x?xi32>, %sb: memref<14x2112xi32>,
                         %d: memref<?x2112xbf16>) {
  sm120.gemm a(%a : memref<?x7168xf8E4M3FN>) b(%b : memref<2112x7168xf8E4M3FN>)
      scales(%sa, %sb : memref<14x?xi32>, memref<14x2112xi32>) d(%d : memref<?x2112xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// Decode-sized M: A and B swap, so that N runs along 128-row MMA tiles and
// the one row of A along 16 columns (56 tiles instead of 64-row tiles that
// are 1/64 used).
// CHECK-LABEL: func.func @fp4_small_m
// CHECK: sm120.gemm
// CHECK-SAME: schedule <block = [128, 16, 256], stages = 5, warp_layout = [8, 1], raster_group = 4, epilogue = direct, swap_ab = true>
func.func @fp4_small_m(%a: memref<1x2048xf4E2M1FN>, %b: memref<7168x2048xf4E2M1FN>,
                       %sa: memref<16x4xi32>, %sb: memref<16x7168xi32>,
                       %d: memref<1x7168xbf16>) {
  sm120.gemm a(%a : memref<1x2048xf4E2M1FN>) b(%b : memref<7168x2048xf4E2M1FN>)
      scales(%sa, %sb : memref<16x4xi32>, memref<16x7168xi32>) d(%d : memref<1x7168xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

// -----

// BF16 K blocks are 32 or 64 elements (64- or 128-byte rows); 64x64 warp
// tiles halve the ldmatrix traffic per MMA that bounds BF16, and longer K
// blocks pay the per-block barrier and fence cost less often. Two 48 KiB
// stages leave no room for a staged output, so the TMA stores go through
// the last K block's stage (ring_store).
// CHECK-LABEL: func.func @bf16
// CHECK: sm120.gemm
// CHECK-SAME: schedule <block = [128, 256, 64], stages = 2, warp_layout = [2, 4], raster_group = 16, epilogue = ring_store>
// DIRECT-LABEL: func.func @bf16
// DIRECT: schedule <block = [128, 256, 64], stages = 2, warp_layout = [2, 4]
func.func @bf16(%a: memref<4096x7168xbf16>, %b: memref<4096x7168xbf16>, %d: memref<4096x4096xbf16>) {
  sm120.gemm a(%a : memref<4096x7168xbf16>) b(%b : memref<4096x7168xbf16>) d(%d : memref<4096x4096xbf16>)
  return
}

// -----

// With K known only at run time the K loop may be empty, and ring_store
// needs its last K block's stage: the same tile stores directly.
// CHECK-LABEL: func.func @bf16_runtime_k
// CHECK: schedule <block = [128, 256, 64], stages = 2, warp_layout = [2, 4], raster_group = 16, epilogue = direct>
func.func @bf16_runtime_k(%a: memref<4096x?xbf16>, %b: memref<4096x?xbf16>, %d: memref<4096x4096xbf16>) {
  sm120.gemm a(%a : memref<4096x?xbf16>) b(%b : memref<4096x?xbf16>) d(%d : memref<4096x4096xbf16>)
  return
}

// -----

// A schedule the user wrote is kept as written.
// CHECK-LABEL: func.func @user_schedule
// CHECK: sm120.gemm
// CHECK-SAME: schedule <block = [128, 128, 64], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
// REMARK: remark: kept #sm120.schedule<block = [128, 128, 64], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = direct> for M = 4096
func.func @user_schedule(%a: memref<4096x7168xbf16>, %b: memref<4096x7168xbf16>, %d: memref<4096x4096xbf16>) {
  sm120.gemm a(%a : memref<4096x7168xbf16>) b(%b : memref<4096x7168xbf16>) d(%d : memref<4096x4096xbf16>)
      schedule <block = [128, 128, 64], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = direct>
  return
}

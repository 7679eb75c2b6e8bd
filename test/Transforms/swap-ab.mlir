// Decode-sized GEMMs: the schedule swaps A and B (D^T = B A^T) when M is
// at most 32, which shows in IR; the tile program loops over N tiles of
// the MMA's rows and M tiles of its narrow columns, multiplies B's tile by
// A's with the recipes swapped, and stores the accumulator transposed; the
// NVVM kernel writes one element per address, bounded by M and N.
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule="machine=h100 expected-m=8 print=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=SCHED
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule="machine=h100 expected-m=64" | FileCheck %s --check-prefix=PLAIN
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule="machine=h100 expected-m=8" --sm120-lower-to-tiles | FileCheck %s --check-prefix=TILES
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule="machine=h100 expected-m=8" --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_120a | FileCheck %s --check-prefix=NVVM

// SCHED: remark: chose #sm120.schedule<block = [{{64|128}}, 16, 128], stages = {{[0-9]+}}, warp_layout = [{{4|8}}, 1], {{.*}}epilogue = direct, swap_ab = true> for M = 8 on h100
// At 64 rows the plain schedule stays.
// PLAIN-LABEL: func.func @fp8
// PLAIN-NOT: swap_ab

// TILES-LABEL: func.func @fp8
// TILES: %[[M:.*]] = memref.dim %arg0, %c0
// TILES: sm120.tile.loop (%[[N0:.*]], %[[M0:.*]]) in (%c2112, %[[M]])
// TILES: %[[BT:.*]] = sm120.tile.load %arg1[%[[N0]], %{{.*}}] : memref<2112x7168xf8E4M3FN> -> <{{64|128}}x128xf8E4M3FN>
// TILES: %[[AT:.*]] = sm120.tile.load %arg0[%[[M0]], %{{.*}}] : memref<?x7168xf8E4M3FN> -> <16x128xf8E4M3FN>
// TILES: %[[SB:.*]] = sm120.tile.load %arg3[%{{.*}}, %[[N0]]] : memref<14x2112xi32>
// TILES: %[[SA:.*]] = sm120.tile.load %arg2[%{{.*}}, %[[M0]]] : memref<14x?xi32> -> <1x16xi32>
// TILES: sm120.tile.mma %{{.*}}, %[[BT]], %[[AT]] scales(%[[SB]], %[[SA]]) at [%[[N0]], %[[M0]]]
// TILES: sm120.tile.store %{{.*}} into %arg4[%[[M0]], %[[N0]]] {transposed}

// NVVM-LABEL: llvm.func @fp8
// NVVM: nvvm.mma.block_scale
// NVVM: %[[IDX:.*]] = arith.addi %{{.*}}, %{{.*}} : i64
// NVVM: llvm.getelementptr %arg4[%[[IDX]]] : (!llvm.ptr, i64) -> !llvm.ptr, bf16
// NVVM-NEXT: llvm.store %{{.*}}, %{{.*}} : bf16, !llvm.ptr
func.func @fp8(%a: memref<?x7168xf8E4M3FN>, %b: memref<2112x7168xf8E4M3FN>,
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

// Mixed operand types keep the plain schedule.
// SCHED: remark: chose #sm120.schedule<{{.*}}> for M = 8 on h100
// SCHED-NOT: swap_ab = true
func.func @mixed(%a: memref<?x7168xf8E4M3FN>, %b: memref<576x7168xf4E2M1FN>,
                 %sa: memref<14x?xi32>, %sb: memref<56x576xi32>, %d: memref<?x576xbf16>) {
  sm120.gemm a(%a : memref<?x7168xf8E4M3FN>) b(%b : memref<576x7168xf4E2M1FN>)
      scales(%sa, %sb : memref<14x?xi32>, memref<56x576xi32>) d(%d : memref<?x576xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
  return
}

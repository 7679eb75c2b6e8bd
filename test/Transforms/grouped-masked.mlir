// Masked M-grouped GEMMs through every pass: the schedule (direct
// epilogue, tiles counted over every group), the tile program (a tile loop
// over the groups' valid rows, every operand from the tile's group), the
// warp roles (both walk the same groups) and the NVVM kernel (a walk over
// the groups' tile counts that traps on a count above max_m, rank-3 TMA
// loads for A and B, a grid factor of G).
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule="machine=h100 print=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=SCHED
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=machine=h100 --sm120-lower-to-tiles | FileCheck %s --check-prefix=TILES
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=machine=h100 --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize | FileCheck %s --check-prefix=ROLES
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=machine=h100 --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_120a | FileCheck %s --check-prefix=NVVM

// Six groups of about 1024 rows: 6 x 8 (or 16) M tiles.
// SCHED: remark: chose #sm120.schedule<block = [{{64|128}}, {{[0-9]+}}, {{[0-9]+}}], {{.*}}epilogue = direct> for M = 1024 on h100: {{(192|384|768|1536) tiles}}

// TILES-LABEL: func.func @fp8
// TILES-SAME: expected_m = 1024 : i64
// TILES-SAME: kind = "masked"
// TILES-SAME: names = ["a", "b", "sfa", "sfb", "layout", "d"]
// TILES-NOT: m_alignment
// TILES: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]], %[[G:.*]]) in (%{{.*}}, %{{.*}}) counts %[[L:.*]] : memref<6xi32>
// TILES-NOT: sm120.tile.group
// TILES: scf.for
// TILES: sm120.tile.load %{{.*}}[%[[M0]], %{{.*}}] group %[[G]] : memref<6x?x7168xf8E4M3FN>
// TILES: sm120.tile.load %{{.*}}[%[[N0]], %{{.*}}] group %[[G]] : memref<6x4096x7168xf8E4M3FN>
// TILES: sm120.tile.load %{{.*}}[%{{.*}}, %[[M0]]] group %[[G]] : memref<6x14x?xi32>
// TILES: sm120.tile.load %{{.*}}[%{{.*}}, %[[N0]]] group %[[G]] : memref<6x14x4096xi32>
// TILES: sm120.tile.store %{{.*}} into %{{.*}}[%[[M0]], %[[N0]]] rows %[[L]] : memref<6xi32> group %[[G]] : <{{[0-9x]+}}>, memref<6x?x4096xbf16>
// TILES-NOT: sm120.grouped_gemm

// ROLES-LABEL: func.func @fp8
// ROLES: sm120.warp_specialize producer
// ROLES: sm120.tile.loop ({{.*}}) in ({{.*}}) counts
// ROLES: sm120.pipeline.produce
// ROLES: } math
// ROLES: sm120.tile.loop ({{.*}}, %[[G:.*]]) in ({{.*}}) counts
// ROLES-NOT: sm120.pipeline.produce
// ROLES: sm120.tile.store {{.*}} group %[[G]]

// NVVM-LABEL: llvm.func @fp8
// NVVM-SAME: #sm120.tma<tensor = 0, box = [1, {{[0-9]+}}, {{[0-9]+}}]
// NVVM-SAME: #sm120.tma<tensor = 1, box = [1, {{[0-9]+}}, {{[0-9]+}}]
// NVVM-SAME: tiles = [#sm120.tiles<tensor = 0, dim = 1, tile = {{64|128}}>, #sm120.tiles<tensor = 1, dim = 1, tile = {{[0-9]+}}>, #sm120.tiles<tensor = 4, dim = 0, tile = 1>]
// The walk: tile numbers over the groups, each group's count checked.
// NVVM: scf.while (%[[T:.*]] = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) : (i32, i32, i32) -> (i32, i32, i32, i32)
// NVVM: scf.while
// NVVM: %[[COUNT:.*]] = llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr -> i32
// NVVM: arith.cmpi ugt, %[[COUNT]], %{{.*}} : i32
// NVVM: llvm.intr.trap
// NVVM: arith.ceildivui %[[COUNT]]
// NVVM: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg0, %{{.*}}, box[%{{.*}}, %{{.*}}, %{{.*}}]
// NVVM: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg1, %{{.*}}, box[%{{.*}}, %{{.*}}, %{{.*}}]
func.func @fp8(%a: memref<6x?x7168xf8E4M3FN>, %b: memref<6x4096x7168xf8E4M3FN>,
               %sfa: memref<6x14x?xi32>, %sfb: memref<6x14x4096xi32>,
               %masked_m: memref<6xi32>, %d: memref<6x?x4096xbf16>) {
  sm120.grouped_gemm masked a(%a : memref<6x?x7168xf8E4M3FN>)
      b(%b : memref<6x4096x7168xf8E4M3FN>)
      scales(%sfa, %sfb : memref<6x14x?xi32>, memref<6x14x4096xi32>)
      layout(%masked_m : memref<6xi32>) d(%d : memref<6x?x4096xbf16>)
      {expected_m = 1024 : i64,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// Decode: 32 groups of about 20 rows swap A and B (each group's rows along
// the MMA's columns, the tiles counted per group); C is added from the
// group's matrix, and the transposed store offsets D and C by the group's
// matrix and stops at its count.
// SCHED: remark: chose #sm120.schedule<block = [{{64|128}}, 32, {{[0-9]+}}]{{.*}}, swap_ab = true> for M = 20 on h100: 256 tiles
// TILES-LABEL: func.func @bf16_c
// TILES: sm120.tile.loop (%[[N0:.*]], %[[M0:.*]], %[[G:.*]]) in (%c1024, %{{.*}}) counts
// TILES: sm120.tile.store %{{.*}} add %{{.*}} : memref<32x?x1024xf32> into %{{.*}}[%[[M0]], %[[N0]]] rows %{{.*}} : memref<32xi32> group %[[G]] {transposed}
// NVVM-LABEL: llvm.func @bf16_c
// NVVM: nvvm.mma.sync
// NVVM: arith.muli %{{.*}}, %c1024_i64{{.*}} : i64
// NVVM-NEXT: %[[MATRIX:.*]] = arith.muli %{{.*}}, %{{.*}} : i64
// NVVM-NEXT: llvm.getelementptr %arg4[%[[MATRIX]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// NVVM-NEXT: llvm.getelementptr %arg3[%[[MATRIX]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
func.func @bf16_c(%a: memref<32x?x512xbf16>, %b: memref<32x1024x512xbf16>,
                  %masked_m: memref<32xi32>, %c: memref<32x?x1024xf32>,
                  %d: memref<32x?x1024xf32>) {
  sm120.grouped_gemm masked a(%a : memref<32x?x512xbf16>)
      b(%b : memref<32x1024x512xbf16>)
      layout(%masked_m : memref<32xi32>) c(%c : memref<32x?x1024xf32>)
      d(%d : memref<32x?x1024xf32>) {expected_m = 20 : i64}
  return
}

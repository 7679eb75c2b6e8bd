// Contiguous M-grouped GEMMs through every pass: the schedule (direct
// epilogue, the M alignment recorded), the tile program (the tile's group
// from the layout, B and its scales loaded from that group, the store
// limited to the group's rows), the warp roles (both compute the group),
// and the NVVM kernel (three-coordinate TMA loads, a trap on misaligned
// groups).
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=machine=h100 | FileCheck %s --check-prefix=SCHED
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=machine=h100 --sm120-lower-to-tiles | FileCheck %s --check-prefix=TILES
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=machine=h100 --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize | FileCheck %s --check-prefix=ROLES
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=machine=h100 --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_120a | FileCheck %s --check-prefix=NVVM

// SCHED-LABEL: func.func @rows
// SCHED: sm120.grouped_gemm contiguous {{.*}} schedule <block = [{{64|128}}, {{[0-9]+}}, {{[0-9]+}}], {{.*}}epilogue = direct>

// TILES-LABEL: func.func @rows
// TILES-SAME: m_alignment = [[BM:64|128]] : i64
// TILES-SAME: names = ["a", "b", "sfa", "sfb", "layout", "d"]
// TILES-SAME: prefix_sum = false
// TILES: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]]) in
// TILES: %[[G:.*]] = sm120.tile.group %[[L:.*]][%[[M0]]] {num_groups = 8 : i64} : memref<?xi32>
// TILES: scf.for
// TILES: sm120.tile.load %{{.*}}[%[[M0]], %{{.*}}] : memref<?x7168xf8E4M3FN>
// TILES: sm120.tile.load %{{.*}}[%[[N0]], %{{.*}}] group %[[G]] : memref<8x4096x7168xf8E4M3FN>
// TILES: sm120.tile.load %{{.*}}[%{{.*}}, %[[M0]]] : memref<14x?xi32>
// TILES: sm120.tile.load %{{.*}}[%{{.*}}, %[[N0]]] group %[[G]] : memref<8x14x4096xi32>
// TILES: sm120.tile.store %{{.*}} into %{{.*}}[%[[M0]], %[[N0]]] rows %[[L]] : memref<?xi32> group %[[G]]
// TILES-NOT: sm120.grouped_gemm

// ROLES-LABEL: func.func @rows
// ROLES: sm120.warp_specialize producer
// ROLES: sm120.tile.group
// ROLES: sm120.pipeline.produce
// ROLES: } math
// ROLES: %[[G:.*]] = sm120.tile.group
// ROLES-NOT: sm120.pipeline.produce
// ROLES: sm120.tile.store {{.*}} group %[[G]]

// NVVM-LABEL: llvm.func @rows
// NVVM-SAME: sm120.abi
// NVVM-SAME: box = [1, {{[0-9]+}}, {{[0-9]+}}]
// NVVM: llvm.intr.trap
// NVVM: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg1, %{{.*}}, box[%{{.*}}, %{{.*}}, %{{.*}}]
func.func @rows(%a: memref<?x7168xf8E4M3FN>, %b: memref<8x4096x7168xf8E4M3FN>,
                %sfa: memref<14x?xi32>, %sfb: memref<8x14x4096xi32>,
                %rows: memref<?xi32>, %d: memref<?x4096xbf16>) {
  sm120.grouped_gemm contiguous a(%a : memref<?x7168xf8E4M3FN>)
      b(%b : memref<8x4096x7168xf8E4M3FN>)
      scales(%sfa, %sfb : memref<14x?xi32>, memref<8x14x4096xi32>)
      layout(%rows : memref<?xi32>) d(%d : memref<?x4096xbf16>)
      {expected_m = 512 : i64,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// Prefix sums: the group is a count over the G ends, unrolled for few
// groups so that every end is loaded at once.
// TILES-LABEL: func.func @prefix
// TILES-SAME: prefix_sum = true
// TILES: %[[G:.*]] = sm120.tile.group %{{.*}}[%{{.*}}] {num_groups = 4 : i64, prefix_sum} : memref<4xi32>
// TILES: sm120.tile.store {{.*}} : memref<4xi32> group %[[G]] {prefix_sum}

// NVVM-LABEL: llvm.func @prefix
// NVVM-COUNT-4: arith.cmpi sle, %{{.*}}, %[[ROW:.*]] : i32
// NVVM-NOT: scf.for {{.*}} -> (i32)
// NVVM: nvvm.mma.sync
func.func @prefix(%a: memref<?x4096xbf16>, %b: memref<4x2048x4096xbf16>,
                  %ends: memref<4xi32>, %d: memref<?x2048xbf16>) {
  sm120.grouped_gemm contiguous a(%a : memref<?x4096xbf16>)
      b(%b : memref<4x2048x4096xbf16>)
      layout(%ends : memref<4xi32>) d(%d : memref<?x2048xbf16>)
      {prefix_sum, expected_m = 512 : i64}
  return
}

// Batched GEMMs (bhr,hdr->bhd, bhd,hdr->bhr, bhd,bhr->hdr, bmk,bnk->mn and bmk,bnk->bmn) through every pass: the schedule (each
// head's GEMM, tiles counted over every head, the direct epilogue), the
// tile program (a tile loop over the heads, A and D read along their
// middle dimension, B and the scales per head), the warp roles, and the
// NVVM kernel (rank-3 TMA boxes with the head dimension of extent 1, a grid
// factor of h, the head's column offset and an h * d row stride in D).
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule="machine=h100 print=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=SCHED
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=machine=h100 --sm120-lower-to-tiles | FileCheck %s --check-prefix=TILES
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=machine=h100 --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize | FileCheck %s --check-prefix=ROLES
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=machine=h100 --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_120a | FileCheck %s --check-prefix=NVVM

// 8 heads of (M, N) = (4096, 1024): 8 x 32 x 8 tiles of 128 x 128.
// SCHED: remark: chose #sm120.schedule<block = [{{64|128}}, {{[0-9]+}}, {{[0-9]+}}], {{.*}}epilogue = direct> for M = 4096 on h100: {{[0-9]+}} tiles

// TILES-LABEL: func.func @fp8
// TILES-SAME: equation = "bhr,hdr->bhd"
// TILES-SAME: family = "batched_gemm"
// TILES-SAME: names = ["a", "b", "sfa", "sfb", "d"]
// TILES: %[[H:.*]] = arith.constant 8 : index
// TILES: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]], %[[G:.*]]) in (%{{.*}}, %{{.*}}) batches %[[H]]
// TILES: scf.for
// TILES: sm120.tile.load %{{.*}}[%[[M0]], %{{.*}}] group %[[G]] {group_dim = 1 : i64} : memref<?x8x4096xf8E4M3FN>
// TILES: sm120.tile.load %{{.*}}[%[[N0]], %{{.*}}] group %[[G]] : memref<8x1024x4096xf8E4M3FN>
// TILES: sm120.tile.load %{{.*}}[%{{.*}}, %[[M0]]] group %[[G]] : memref<8x8x?xi32>
// TILES: sm120.tile.load %{{.*}}[%{{.*}}, %[[N0]]] group %[[G]] : memref<8x8x1024xi32>
// TILES: sm120.tile.store %{{.*}} into %{{.*}}[%[[M0]], %[[N0]]] group %[[G]] {group_dim = 1 : i64} : <{{[0-9x]+}}>, memref<?x8x1024xbf16>
// TILES-NOT: sm120.batched_gemm

// ROLES-LABEL: func.func @fp8
// ROLES: sm120.warp_specialize producer
// ROLES: sm120.tile.loop ({{.*}}) in ({{.*}}) batches
// ROLES: sm120.pipeline.produce
// ROLES: } math
// ROLES: sm120.tile.loop ({{.*}}, %[[G:.*]]) in ({{.*}}) batches
// ROLES: sm120.tile.store {{.*}} group %[[G]] {group_dim = 1 : i64}

// NVVM-LABEL: llvm.func @fp8
// NVVM-SAME: #sm120.tma<tensor = 0, box = [{{64|128}}, 1, {{[0-9]+}}]
// NVVM-SAME: #sm120.tma<tensor = 1, box = [1, {{[0-9]+}}, {{[0-9]+}}]
// NVVM-SAME: tiles = [#sm120.tiles<tensor = 0, dim = 0, tile = {{64|128}}>, #sm120.tiles<tensor = 1, dim = 1, tile = {{[0-9]+}}>, #sm120.tiles<tensor = {{0|1}}, dim = {{1|0}}, tile = 1>]
// The tile number splits into the head and the tile within the head.
// NVVM: %[[PER:.*]] = arith.muli %{{.*}}, %{{.*}} : i32
// NVVM: arith.muli %[[PER]], %{{.*}} : i32
// NVVM: arith.divui %{{.*}}, %[[PER]] : i32
// NVVM: arith.remui %{{.*}}, %[[PER]] : i32
// D's rows are h * d = 8192 elements apart.
// NVVM: arith.constant 8192 : i64
// Rank-3 TMA loads of A and B.
// NVVM: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg0, %{{.*}}, box[%{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}]
// NVVM: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg1, %{{.*}}, box[%{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}]
func.func @fp8(%x: memref<?x8x4096xf8E4M3FN>, %y: memref<8x1024x4096xf8E4M3FN>,
               %sfx: memref<8x8x?xi32>, %sfy: memref<8x8x1024xi32>,
               %z: memref<?x8x1024xbf16>) {
  sm120.batched_gemm "bhr,hdr->bhd" a(%x : memref<?x8x4096xf8E4M3FN>)
      b(%y : memref<8x1024x4096xf8E4M3FN>)
      scales(%sfx, %sfy : memref<8x8x?xi32>, memref<8x8x1024xi32>)
      d(%z : memref<?x8x1024xbf16>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// Decode: the selection swaps A and B for a few batch rows; the transposed
// store writes D's rows (the loop's columns) head-interleaved.
// SCHED: remark: chose #sm120.schedule<{{.*}}swap_ab = true> for M = 4 on h100

// TILES-LABEL: func.func @decode
// TILES: sm120.tile.loop (%[[N0:.*]], %[[M0:.*]], %[[G:.*]]) in (%{{.*}}, %{{.*}}) batches
// TILES: sm120.tile.load %{{.*}}[%[[N0]], %{{.*}}] group %[[G]] : memref<16x512x128xbf16>
// TILES: sm120.tile.load %{{.*}}[%[[M0]], %{{.*}}] group %[[G]] {group_dim = 1 : i64} : memref<4x16x128xbf16>
// TILES: sm120.tile.store %{{.*}} into %{{.*}}[%[[M0]], %[[N0]]] group %[[G]] {group_dim = 1 : i64, transposed}

// NVVM-LABEL: llvm.func @decode
// NVVM-SAME: #sm120.tma<tensor = 0, box = [{{16|32}}, 1, {{[0-9]+}}]
// NVVM: arith.constant 8192 : i64
func.func @decode(%x: memref<4x16x128xbf16>, %y: memref<16x512x128xbf16>,
                  %z: memref<4x16x512xbf16>) {
  sm120.batched_gemm "bhr,hdr->bhd" a(%x : memref<4x16x128xbf16>)
      b(%y : memref<16x512x128xbf16>) d(%z : memref<4x16x512xbf16>)
  return
}

// -----

// bmk,bnk->mn: one [m, n] output whose K loop runs over every batch; each
// K block reads batch k / 512 of A and B at offset k mod 512.
// SCHED: remark: chose #sm120.schedule<{{.*}}> for M = 256 on h100

// TILES-LABEL: func.func @bmk
// TILES-SAME: equation = "bmk,bnk->mn"
// TILES: %[[B:.*]] = memref.dim %{{.*}}, %c0 : memref<?x256x512xbf16>
// TILES: %[[K:.*]] = arith.muli %[[B]], %c512 : index
// TILES: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]]) in (%{{.*}}, %{{.*}}) schedule
// TILES: scf.for %[[KK:.*]] = %{{.*}} to %[[K]] step
// TILES: %[[G:.*]] = arith.divui %[[KK]], %c512 : index
// TILES: %[[K0:.*]] = arith.remui %[[KK]], %c512 : index
// TILES: sm120.tile.load %{{.*}}[%[[M0]], %[[K0]]] group %[[G]] : memref<?x256x512xbf16>
// TILES: sm120.tile.load %{{.*}}[%[[N0]], %[[K0]]] group %[[G]] : memref<?x384x512xbf16>
// TILES: sm120.tile.store %{{.*}} add %{{.*}} into %{{.*}}[%[[M0]], %[[N0]]] : <{{[0-9x]+}}>, memref<256x384xf32>

// NVVM-LABEL: llvm.func @bmk
// NVVM-SAME: #sm120.tma<tensor = 0, box = [1, {{[0-9]+}}, {{[0-9]+}}]
func.func @bmk(%a: memref<?x256x512xbf16>, %b: memref<?x384x512xbf16>,
               %c: memref<256x384xf32>, %d: memref<256x384xf32>) {
  sm120.batched_gemm "bmk,bnk->mn" a(%a : memref<?x256x512xbf16>)
      b(%b : memref<?x384x512xbf16>) c(%c : memref<256x384xf32>)
      d(%d : memref<256x384xf32>)
  return
}

// -----

// bhd,hdr->bhr: B [h, d, r] is MN-major (K = d rows of r). Its 64 x 128
// tile is two 128-byte panels, each one TMA copy of a [1, 64, 64] box, read
// with the transposing ldmatrix.
// SCHED: remark: kept #sm120.schedule<{{.*}}epilogue = direct> for M = 4096 on h100

// TILES-LABEL: func.func @bhd
// TILES-SAME: b_major = "mn", equation = "bhd,hdr->bhr"
// TILES: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]], %[[G:.*]]) in (%{{.*}}, %{{.*}}) batches
// TILES: scf.for %[[K0:[^ ]*]] =
// TILES: sm120.tile.load %{{.*}}[%[[M0]], %[[K0]]] group %[[G]] {group_dim = 1 : i64} : memref<?x4x256xbf16> -> <128x64xbf16>
// TILES: sm120.tile.load %{{.*}}[%[[K0]], %[[N0]]] group %[[G]] : memref<4x256x512xbf16> -> <64x128xbf16>
// TILES: sm120.tile.mma {{.*}} {b_major = #sm120.major<mn>} : <128x64xbf16>, <64x128xbf16> -> <128x128>
// TILES: sm120.tile.store %{{.*}} into %{{.*}}[%[[M0]], %[[N0]]] group %[[G]] {group_dim = 1 : i64} : <128x128>, memref<?x4x512xbf16>

// NVVM-LABEL: llvm.func @bhd
// NVVM-SAME: #sm120.tma<tensor = 1, box = [1, 64, 64], swizzle = 128
// The math role (A's ldmatrix, B's transposing one) precedes the producer.
// NVVM: nvvm.ldmatrix {{.*}} layout = #nvvm.mma_layout<row>, num = 4 : i32
// NVVM: nvvm.ldmatrix {{.*}} layout = #nvvm.mma_layout<col>, num = 4 : i32
// NVVM: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg0,
// NVVM: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg1, %{{.*}}, box[%[[C0:.*]], %[[R:.*]], %[[G:.*]]]
// NVVM: %[[C1:.*]] = arith.addi %[[C0]], %{{.*}} : i32
// NVVM: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg1, %{{.*}}, box[%[[C1]], %[[R]], %[[G]]]
func.func @bhd(%x: memref<?x4x256xbf16>, %y: memref<4x256x512xbf16>,
               %z: memref<?x4x512xbf16>) {
  sm120.batched_gemm "bhd,hdr->bhr" a(%x : memref<?x4x256xbf16>)
      b(%y : memref<4x256x512xbf16>) d(%z : memref<?x4x512xbf16>)
      schedule <block = [128, 128, 64], stages = 3, warp_layout = [2, 4], epilogue = direct>
  return
}

// -----

// bhd,bhr->hdr: per head, D[h] = A[:, h, :]^T B[:, h, :] contracts the
// batch rows, K = b (a runtime size). Both operands are MN-major stacks
// over their middle dimension, loaded [BK, 1, panel] (A's 128 columns of
// d: two 128-byte panels), read with the transposing ldmatrix; D and C
// [h, d, r] are stacked over their first.
// SCHED: remark: kept #sm120.schedule<{{.*}}epilogue = direct> for M = 128 on h100

// TILES-LABEL: func.func @hdr
// TILES-SAME: a_major = "mn", b_major = "mn", equation = "bhd,bhr->hdr"
// TILES: %[[B:.*]] = memref.dim %arg0, %c0 : memref<?x4x128xbf16>
// TILES: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]], %[[G:.*]]) in (%c128, %c512) batches %c4
// TILES: scf.for %[[K0:[^ ]*]] = %{{.*}} to %[[B]]
// TILES: sm120.tile.load %arg0[%[[K0]], %[[M0]]] group %[[G]] {group_dim = 1 : i64} : memref<?x4x128xbf16> -> <64x128xbf16>
// TILES: sm120.tile.load %arg1[%[[K0]], %[[N0]]] group %[[G]] {group_dim = 1 : i64} : memref<?x4x512xbf16> -> <64x128xbf16>
// TILES: sm120.tile.mma {{.*}} {a_major = #sm120.major<mn>, b_major = #sm120.major<mn>}
// TILES: sm120.tile.store %{{.*}} add %arg2 : memref<4x128x512xf32> into %arg3[%[[M0]], %[[N0]]] group %[[G]] : <128x128>, memref<4x128x512xf32>

// NVVM-LABEL: llvm.func @hdr
// NVVM-SAME: #sm120.tma<tensor = 0, box = [64, 1, 64], swizzle = 128
// NVVM-SAME: #sm120.tma<tensor = 1, box = [64, 1, 64], swizzle = 128
// NVVM: nvvm.ldmatrix {{.*}} layout = #nvvm.mma_layout<col>, num = 4 : i32
// NVVM: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg0, %{{.*}}, box[%[[C0:.*]], %[[G:.*]], %[[R:.*]]]
// NVVM: %[[C1:.*]] = arith.addi %[[C0]], %{{.*}} : i32
// NVVM: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %arg0, %{{.*}}, box[%[[C1]], %[[G]], %[[R]]]
func.func @hdr(%x: memref<?x4x128xbf16>, %y: memref<?x4x512xbf16>,
               %c: memref<4x128x512xf32>, %z: memref<4x128x512xf32>) {
  sm120.batched_gemm "bhd,bhr->hdr" a(%x : memref<?x4x128xbf16>)
      b(%y : memref<?x4x512xbf16>) c(%c : memref<4x128x512xf32>)
      d(%z : memref<4x128x512xf32>)
      schedule <block = [128, 128, 64], stages = 3, warp_layout = [2, 4], epilogue = direct>
  return
}

// -----

// bmk,bnk->bmn: every operand is a stack over its first dimension and K
// (FP8 bhd,bhr->hdr's batch rows once its operands are copied K-major) is
// a runtime size; the loads and the store take the batch as their group.
// SCHED: remark: chose #sm120.schedule<{{.*}}epilogue = direct> for M = 128 on h100

// TILES-LABEL: func.func @bmn
// TILES-SAME: equation = "bmk,bnk->bmn"
// TILES: %[[K:.*]] = memref.dim %arg0, %c2 : memref<8x128x?xf8E4M3FN>
// TILES: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]], %[[G:.*]]) in (%c128, %c512) batches %c8
// TILES: scf.for %[[K0:[^ ]*]] = %{{.*}} to %[[K]]
// TILES: sm120.tile.load %arg0[%[[M0]], %[[K0]]] group %[[G]] : memref<8x128x?xf8E4M3FN>
// TILES: sm120.tile.load %arg1[%[[N0]], %[[K0]]] group %[[G]] : memref<8x512x?xf8E4M3FN>
// TILES: sm120.tile.load %arg2[%{{.*}}, %[[M0]]] group %[[G]] : memref<8x?x128xi32>
// TILES: sm120.tile.load %arg3[%{{.*}}, %[[N0]]] group %[[G]] : memref<8x?x512xi32>
// TILES: sm120.tile.store %{{.*}} add %arg4 : memref<8x128x512xf32> into %arg5[%[[M0]], %[[N0]]] group %[[G]] : <{{[0-9x]+}}>, memref<8x128x512xf32>

// NVVM-LABEL: llvm.func @bmn
// NVVM-SAME: #sm120.tma<tensor = 0, box = [1, {{[0-9]+}}, 128], swizzle = 128>
// NVVM-SAME: #sm120.tma<tensor = 1, box = [1, {{[0-9]+}}, 128], swizzle = 128>
// NVVM-SAME: #sm120.tiles<tensor = 0, dim = 0, tile = 1>
func.func @bmn(%x: memref<8x128x?xf8E4M3FN>, %y: memref<8x512x?xf8E4M3FN>,
               %sfx: memref<8x?x128xi32>, %sfy: memref<8x?x512xi32>,
               %c: memref<8x128x512xf32>, %z: memref<8x128x512xf32>) {
  sm120.batched_gemm "bmk,bnk->bmn" a(%x : memref<8x128x?xf8E4M3FN>)
      b(%y : memref<8x512x?xf8E4M3FN>)
      scales(%sfx, %sfy : memref<8x?x128xi32>, memref<8x?x512xi32>)
      c(%c : memref<8x128x512xf32>) d(%z : memref<8x128x512xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// D a strided view ([b, h, d] with launch-time row and head strides): the
// kernel takes both as i64 params and offsets the head's matrix by the
// head stride.
// SCHED: remark: {{.*}} for M = 4096 on h100

// NVVM-LABEL: llvm.func @strided
// NVVM-SAME: %[[RS:[^:]*]]: i64, %[[HS:[^:]*]]: i64
// NVVM-SAME: #sm120.ptr<2>, #sm120.stride<2, 0>, #sm120.stride<2, 1>
// NVVM: %[[MAT:.*]] = arith.muli %{{.*}}, %[[HS]] : i64
// NVVM-NEXT: llvm.getelementptr %arg2[%[[MAT]]] : (!llvm.ptr, i64) -> !llvm.ptr, bf16
// NVVM: %[[ROW:.*]] = arith.muli %{{.*}}, %[[RS]] : i64
// NVVM-NEXT: arith.addi %[[ROW]], %{{.*}} : i64
func.func @strided(%x: memref<?x8x512xbf16>, %y: memref<8x256x512xbf16>,
                   %z: memref<?x8x256xbf16, strided<[?, ?, 1]>>) {
  sm120.batched_gemm "bhr,hdr->bhd" a(%x : memref<?x8x512xbf16>)
      b(%y : memref<8x256x512xbf16>) d(%z : memref<?x8x256xbf16, strided<[?, ?, 1]>>)
      schedule <block = [128, 128, 64], stages = 3, warp_layout = [2, 4], epilogue = direct>
  return
}

// Round trip of the tile-program types and ops.
// RUN: sm120-opt %s | sm120-opt | FileCheck %s
// RUN: sm120-opt %s --mlir-print-op-generic | sm120-opt | FileCheck %s

// CHECK-LABEL: func.func @tile_program
// CHECK: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]]) in (%{{.*}}, %{{.*}}) schedule <block = [128, 64, 64], stages = 4
// CHECK: %[[Z:.*]] = sm120.tile.zero : <128x64>
// CHECK: %[[TA:.*]] = sm120.tile.load %{{.*}}[%[[M0]], %{{.*}}] : memref<?x256xf8E4M3FN> -> <128x64xf8E4M3FN, swizzle = 64>
// CHECK: %[[TB:.*]] = sm120.tile.load %{{.*}} -> <64x64xf8E4M3FN, swizzle = 64>
// CHECK: %[[TS:.*]] = sm120.tile.load %{{.*}} -> <1x128xi32>
// CHECK: %[[TT:.*]] = sm120.tile.load %{{.*}} -> <1x64xi32>
// CHECK: %[[R:.*]] = sm120.tile.mma %[[Z]], %[[TA]], %[[TB]] scales(%[[TS]], %[[TT]]) at [%[[M0]], %[[N0]]] k_offset %{{.*}} {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>, sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
// CHECK: sm120.tile.store %[[R]] scale %{{.*}} : memref<1xf32> add %{{.*}} : memref<?x64xf32> into %{{.*}}[%[[M0]], %[[N0]]] : <128x64>, memref<?x64xbf16>
func.func @tile_program(%a: memref<?x256xf8E4M3FN>, %b: memref<64x256xf8E4M3FN>,
                        %sa: memref<1x?xi32>, %sb: memref<1x64xi32>,
                        %c: memref<?x64xf32>, %alpha: memref<1xf32>,
                        %d: memref<?x64xbf16>, %m: index) {
  %c0 = arith.constant 0 : index
  %n = arith.constant 64 : index
  sm120.tile.loop (%m0, %n0) in (%m, %n)
      schedule <block = [128, 64, 64], stages = 4, warp_layout = [4, 2], raster_group = 8, epilogue = direct> {
    %z = sm120.tile.zero : !sm120.acc<128x64>
    %ta = sm120.tile.load %a[%m0, %c0] : memref<?x256xf8E4M3FN> -> !sm120.smem<128x64xf8E4M3FN, swizzle = 64>
    %tb = sm120.tile.load %b[%n0, %c0] : memref<64x256xf8E4M3FN> -> !sm120.smem<64x64xf8E4M3FN, swizzle = 64>
    %ts = sm120.tile.load %sa[%c0, %m0] : memref<1x?xi32> -> !sm120.smem<1x128xi32>
    %tt = sm120.tile.load %sb[%c0, %n0] : memref<1x64xi32> -> !sm120.smem<1x64xi32>
    %r = sm120.tile.mma %z, %ta, %tb scales(%ts, %tt) at [%m0, %n0] k_offset %c0
        {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
         sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
        : !sm120.smem<128x64xf8E4M3FN, swizzle = 64>, !sm120.smem<64x64xf8E4M3FN, swizzle = 64>,
          !sm120.smem<1x128xi32>, !sm120.smem<1x64xi32> -> !sm120.acc<128x64>
    sm120.tile.store %r scale %alpha : memref<1xf32> add %c : memref<?x64xf32> into %d[%m0, %n0] : !sm120.acc<128x64>, memref<?x64xbf16>
  }
  return
}

// FP4 facing FP8 is held unpacked (a byte per element).
// CHECK-LABEL: func.func @unpacked_fp4
// CHECK-SAME: !sm120.smem<64x128xf4E2M1FN, swizzle = 128, unpacked>
// CHECK-SAME: !sm120.smem<64x128xf4E2M1FN, unpacked>
func.func @unpacked_fp4(%t: !sm120.smem<64x128xf4E2M1FN, swizzle = 128, unpacked>,
                        %u: !sm120.smem<64x128xf4E2M1FN, unpacked>) {
  return
}

// A contiguous grouped tile: the group of the tile's first row, B loaded
// from that group's matrix, and the store limited to the group's rows.
// CHECK-LABEL: func.func @grouped_tile
// CHECK: %[[G:.*]] = sm120.tile.group %[[L:.*]][%{{.*}}] {num_groups = 4 : i64} : memref<?xi32>
// CHECK: %[[P:.*]] = sm120.tile.group %{{.*}}[%{{.*}}] {num_groups = 4 : i64, prefix_sum} : memref<4xi32>
// CHECK: sm120.tile.load %{{.*}}[%{{.*}}, %{{.*}}] group %[[G]] : memref<4x64x256xbf16> -> <64x64xbf16>
// CHECK: sm120.tile.store %{{.*}} into %{{.*}}[%{{.*}}, %{{.*}}] rows %[[L]] : memref<?xi32> group %[[G]] : <128x64>, memref<?x64xbf16>
// CHECK: sm120.tile.store %{{.*}} into %{{.*}}[%{{.*}}, %{{.*}}] rows %{{.*}} : memref<4xi32> group %[[P]] {prefix_sum} : <128x64>, memref<?x64xbf16>
func.func @grouped_tile(%b: memref<4x64x256xbf16>, %rows: memref<?xi32>,
                        %ends: memref<4xi32>, %d: memref<?x64xbf16>,
                        %m0: index, %k0: index, %acc: !sm120.acc<128x64>) {
  %g = sm120.tile.group %rows[%m0] {num_groups = 4 : i64} : memref<?xi32>
  %p = sm120.tile.group %ends[%m0] {num_groups = 4 : i64, prefix_sum} : memref<4xi32>
  %t = sm120.tile.load %b[%m0, %k0] group %g : memref<4x64x256xbf16> -> !sm120.smem<64x64xbf16>
  sm120.tile.store %acc into %d[%m0, %m0] rows %rows : memref<?xi32> group %g : !sm120.acc<128x64>, memref<?x64xbf16>
  sm120.tile.store %acc into %d[%m0, %m0] rows %ends : memref<4xi32> group %p {prefix_sum} : !sm120.acc<128x64>, memref<?x64xbf16>
  return
}

// A masked grouped tile loop: the group is the body's third argument, every
// operand is loaded from that group's matrix, and the store writes the
// group's matrix of a rank-3 output up to its valid row count.
// CHECK-LABEL: func.func @masked_loop
// CHECK: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]], %[[G:.*]]) in (%{{.*}}, %{{.*}}) counts %[[C:.*]] : memref<6xi32> schedule <block = [128, 64, 64]
// CHECK: sm120.tile.load %{{.*}}[%[[M0]], %{{.*}}] group %[[G]] : memref<6x?x256xbf16> -> <128x64xbf16>
// CHECK: sm120.tile.store %{{.*}} add %{{.*}} : memref<6x?x64xf32> into %{{.*}}[%[[M0]], %[[N0]]] rows %[[C]] : memref<6xi32> group %[[G]] : <128x64>, memref<6x?x64xf32>
func.func @masked_loop(%a: memref<6x?x256xbf16>, %counts: memref<6xi32>,
                       %c: memref<6x?x64xf32>, %d: memref<6x?x64xf32>,
                       %m: index, %n: index, %acc: !sm120.acc<128x64>) {
  sm120.tile.loop (%m0, %n0, %g) in (%m, %n) counts %counts : memref<6xi32>
      schedule <block = [128, 64, 64], stages = 2, warp_layout = [4, 2], epilogue = direct> {
    %t = sm120.tile.load %a[%m0, %n0] group %g : memref<6x?x256xbf16> -> !sm120.smem<128x64xbf16>
    sm120.tile.store %acc add %c : memref<6x?x64xf32> into %d[%m0, %n0] rows %counts : memref<6xi32> group %g : !sm120.acc<128x64>, memref<6x?x64xf32>
  }
  return
}

// A batched tile loop: every tile of each of `batches` outputs, the batch
// as the body's third argument. [b, h, r] operands and [b, h, d] outputs
// hold the batch in their middle dimension (group_dim = 1).
// CHECK-LABEL: func.func @batched_loop
// CHECK: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]], %[[H:.*]]) in (%{{.*}}, %{{.*}}) batches %[[B:.*]] schedule <block = [64, 64, 64]
// CHECK: sm120.tile.load %{{.*}}[%[[M0]], %{{.*}}] group %[[H]] {group_dim = 1 : i64} : memref<?x8x256xbf16> -> <64x64xbf16>
// CHECK: sm120.tile.store %{{.*}} add %{{.*}} : memref<?x8x64xf32> into %{{.*}}[%[[M0]], %[[N0]]] group %[[H]] {group_dim = 1 : i64} : <64x64>, memref<?x8x64xbf16>
func.func @batched_loop(%x: memref<?x8x256xbf16>, %c: memref<?x8x64xf32>,
                        %z: memref<?x8x64xbf16>, %m: index, %n: index,
                        %h: index, %acc: !sm120.acc<64x64>) {
  sm120.tile.loop (%m0, %n0, %g) in (%m, %n) batches %h
      schedule <block = [64, 64, 64], stages = 2, warp_layout = [4, 1], epilogue = direct> {
    %t = sm120.tile.load %x[%m0, %n0] group %g {group_dim = 1 : i64} : memref<?x8x256xbf16> -> !sm120.smem<64x64xbf16>
    sm120.tile.store %acc add %c : memref<?x8x64xf32> into %z[%m0, %n0] group %g {group_dim = 1 : i64} : !sm120.acc<64x64>, memref<?x8x64xbf16>
  }
  return
}

// A K-grouped group's K columns: where they begin in the K dimension, how
// many there are and where its scales begin.
// CHECK-LABEL: func.func @k_range
// CHECK: %begin, %size, %scale_begin = sm120.tile.k_range %{{.*}}[%{{.*}}] within %{{.*}} scales %{{.*}} {alignment = 64 : i64, scale_span = 512 : i64} : memref<8xi32>
// CHECK: sm120.tile.k_range %{{.*}}[%{{.*}}] within %{{.*}} {alignment = 32 : i64} : memref<8xi32>
func.func @k_range(%ks: memref<8xi32>, %g: index, %total: index) {
  %k0, %kg, %s0 = sm120.tile.k_range %ks[%g] within %total scales %total {alignment = 64 : i64, scale_span = 512 : i64} : memref<8xi32>
  %k1, %kh, %s1 = sm120.tile.k_range %ks[%g] within %total {alignment = 32 : i64} : memref<8xi32>
  return
}

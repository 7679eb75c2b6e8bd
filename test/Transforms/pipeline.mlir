// RUN: sm120-opt %s -split-input-file --sm120-pipeline | FileCheck %s
// RUN: sm120-opt %s -split-input-file --sm120-pipeline --sm120-pipeline | FileCheck %s

// The K loop's loads become one stage of a ring with the schedule's stage
// count: they move into a produce (in program order), the MMA reads the
// tiles of the matching consume, and the stage is released after the MMA.
// CHECK-LABEL: func.func @bf16
// CHECK: %[[P:.*]] = sm120.pipeline.create : <3 x [!sm120.smem<128x64xbf16, swizzle = 128>, !sm120.smem<64x64xbf16, swizzle = 128>]>
// CHECK: sm120.tile.loop
// CHECK: scf.for {{.*}} iter_args(%[[ACC:.*]] = %{{.*}})
// CHECK-NEXT: sm120.pipeline.produce %[[P]]
// CHECK-NEXT: %[[A:.*]] = sm120.tile.load %arg0
// CHECK-NEXT: %[[B:.*]] = sm120.tile.load %arg1
// CHECK-NEXT: sm120.pipeline.yield %[[A]], %[[B]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[T:.*]]:2 = sm120.pipeline.consume %[[P]]
// CHECK-NEXT: %[[R:.*]] = sm120.tile.mma %[[ACC]], %[[T]]#0, %[[T]]#1
// CHECK-NEXT: sm120.pipeline.release %[[P]]
// CHECK-NEXT: scf.yield %[[R]]
// CHECK: sm120.tile.store
func.func @bf16(%a: memref<?x512xbf16>, %b: memref<256x512xbf16>, %d: memref<?x256xbf16>) {
  %c0 = arith.constant 0 : index
  %m = memref.dim %a, %c0 : memref<?x512xbf16>
  %n = arith.constant 256 : index
  %k = arith.constant 512 : index
  sm120.tile.loop (%m0, %n0) in (%m, %n) schedule <block = [128, 64, 64], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = direct> {
    %z = sm120.tile.zero : <128x64>
    %c64 = arith.constant 64 : index
    %r = scf.for %k0 = %c0 to %k step %c64 iter_args(%acc = %z) -> (!sm120.acc<128x64>) {
      %ta = sm120.tile.load %a[%m0, %k0] : memref<?x512xbf16> -> <128x64xbf16, swizzle = 128>
      %tb = sm120.tile.load %b[%n0, %k0] : memref<256x512xbf16> -> <64x64xbf16, swizzle = 128>
      %p = sm120.tile.mma %acc, %ta, %tb at [%m0, %n0] k_offset %k0 : <128x64xbf16, swizzle = 128>, <64x64xbf16, swizzle = 128> -> <128x64>
      scf.yield %p : !sm120.acc<128x64>
    }
    sm120.tile.store %r into %d[%m0, %n0] : <128x64>, memref<?x256xbf16>
  }
  return
}

// -----

// Scale tiles join the stage; index arithmetic between the loads stays
// before the produce, which sits where the last load was.
// CHECK-LABEL: func.func @fp8
// CHECK: sm120.pipeline.create : <2 x [!sm120.smem<128x128xf8E4M3FN, swizzle = 128>, !sm120.smem<128x128xf8E4M3FN, swizzle = 128>, !sm120.smem<1x128xi32>, !sm120.smem<1x128xi32>]>
// CHECK: %[[W:.*]] = arith.divui
// CHECK-NEXT: sm120.pipeline.produce
// CHECK-COUNT-4: sm120.tile.load
// CHECK: sm120.pipeline.yield
// CHECK: %[[T:.*]]:4 = sm120.pipeline.consume
// CHECK-NEXT: sm120.tile.mma %{{.*}}, %[[T]]#0, %[[T]]#1 scales(%[[T]]#2, %[[T]]#3)
// CHECK-NEXT: sm120.pipeline.release
func.func @fp8(%a: memref<?x1024xf8E4M3FN>, %b: memref<256x1024xf8E4M3FN>,
               %sa: memref<2x?xi32>, %sb: memref<2x256xi32>, %d: memref<?x256xf32>) {
  %c0 = arith.constant 0 : index
  %m = memref.dim %a, %c0 : memref<?x1024xf8E4M3FN>
  %n = arith.constant 256 : index
  %k = arith.constant 1024 : index
  sm120.tile.loop (%m0, %n0) in (%m, %n) schedule <block = [128, 128, 128], stages = 2, warp_layout = [4, 2], raster_group = 8, epilogue = direct> {
    %z = sm120.tile.zero : <128x128>
    %c128 = arith.constant 128 : index
    %c512 = arith.constant 512 : index
    %r = scf.for %k0 = %c0 to %k step %c128 iter_args(%acc = %z) -> (!sm120.acc<128x128>) {
      %ta = sm120.tile.load %a[%m0, %k0] : memref<?x1024xf8E4M3FN> -> <128x128xf8E4M3FN, swizzle = 128>
      %tb = sm120.tile.load %b[%n0, %k0] : memref<256x1024xf8E4M3FN> -> <128x128xf8E4M3FN, swizzle = 128>
      %w = arith.divui %k0, %c512 : index
      %tsa = sm120.tile.load %sa[%w, %m0] : memref<2x?xi32> -> <1x128xi32>
      %tsb = sm120.tile.load %sb[%w, %n0] : memref<2x256xi32> -> <1x128xi32>
      %p = sm120.tile.mma %acc, %ta, %tb scales(%tsa, %tsb) at [%m0, %n0] k_offset %k0
          {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
           sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
          : <128x128xf8E4M3FN, swizzle = 128>, <128x128xf8E4M3FN, swizzle = 128>, !sm120.smem<1x128xi32>, !sm120.smem<1x128xi32> -> <128x128>
      scf.yield %p : !sm120.acc<128x128>
    }
    sm120.tile.store %r into %d[%m0, %n0] : <128x128>, memref<?x256xf32>
  }
  return
}

// RUN: sm120-opt %s --sm120-pipeline --sm120-warp-specialize | FileCheck %s
// RUN: sm120-opt %s --sm120-pipeline --sm120-warp-specialize --sm120-warp-specialize | FileCheck %s

// Producer: 4 TMA warps at 40 registers keep only the tile walk, the K loop
// (no accumulator) and its produce. Math: 8 warps get the rest of the
// register file (65536 / 32 - 4 * 40 = 1888 per lane, / 8 warps = 236,
// rounded down to 232) and everything but the produce.
// CHECK: %[[P:.*]] = sm120.pipeline.create
// CHECK-NEXT: sm120.warp_specialize producer(warps = 4, registers = 40) {
// CHECK-NEXT: sm120.tile.loop
// CHECK-NOT: sm120.tile.zero
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT: sm120.pipeline.produce %[[P]]
// CHECK-NOT: sm120.tile.mma
// CHECK-NOT: sm120.tile.store
// CHECK: } math(warps = 8, registers = 232) {
// CHECK-NEXT: sm120.tile.loop
// CHECK-NOT: sm120.pipeline.produce
// CHECK: sm120.pipeline.consume %[[P]]
// CHECK-NEXT: sm120.tile.mma
// CHECK-NEXT: sm120.pipeline.release %[[P]]
// CHECK: sm120.tile.store
// CHECK-NOT: sm120.pipeline.produce
// CHECK: return
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

// Round trip of the pipeline type, the pipeline ops and warp roles.
// RUN: sm120-opt %s | sm120-opt | FileCheck %s
// RUN: sm120-opt %s --mlir-print-op-generic | sm120-opt | FileCheck %s
// RUN: sm120-opt %s --emit-bytecode | sm120-opt | FileCheck %s

// CHECK-LABEL: func.func @roles
// CHECK: %[[P:.*]] = sm120.pipeline.create : <2 x [!sm120.smem<128x64xbf16, swizzle = 128>, !sm120.smem<1x128xi32>]>
// CHECK: sm120.warp_specialize producer(warps = 4, registers = 40) {
// CHECK: sm120.pipeline.produce %[[P]]
// CHECK: %[[A:.*]] = sm120.tile.load
// CHECK: %[[S:.*]] = sm120.tile.load
// CHECK: sm120.pipeline.yield %[[A]], %[[S]] : !sm120.smem<128x64xbf16, swizzle = 128>, !sm120.smem<1x128xi32>
// CHECK: } math(warps = 8, registers = 232) {
// CHECK: %{{.*}}:2 = sm120.pipeline.consume %[[P]] : <2 x [{{.*}}]> -> !sm120.smem<128x64xbf16, swizzle = 128>, !sm120.smem<1x128xi32>
// CHECK: sm120.pipeline.release %[[P]]
func.func @roles(%a: memref<?x512xbf16>, %s: memref<4x?xi32>, %i: index) {
  %p = sm120.pipeline.create : !sm120.pipeline<2 x [!sm120.smem<128x64xbf16, swizzle = 128>, !sm120.smem<1x128xi32>]>
  sm120.warp_specialize producer(warps = 4, registers = 40) {
    sm120.pipeline.produce %p : !sm120.pipeline<2 x [!sm120.smem<128x64xbf16, swizzle = 128>, !sm120.smem<1x128xi32>]> {
      %t = sm120.tile.load %a[%i, %i] : memref<?x512xbf16> -> !sm120.smem<128x64xbf16, swizzle = 128>
      %u = sm120.tile.load %s[%i, %i] : memref<4x?xi32> -> !sm120.smem<1x128xi32>
      sm120.pipeline.yield %t, %u : !sm120.smem<128x64xbf16, swizzle = 128>, !sm120.smem<1x128xi32>
    }
  } math(warps = 8, registers = 232) {
    %t:2 = sm120.pipeline.consume %p : !sm120.pipeline<2 x [!sm120.smem<128x64xbf16, swizzle = 128>, !sm120.smem<1x128xi32>]> -> !sm120.smem<128x64xbf16, swizzle = 128>, !sm120.smem<1x128xi32>
    sm120.pipeline.release %p : !sm120.pipeline<2 x [!sm120.smem<128x64xbf16, swizzle = 128>, !sm120.smem<1x128xi32>]>
  }
  return
}

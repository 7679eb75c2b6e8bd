// alpha: a one-element f32 tensor the kernel reads (a pointer parameter)
// and multiplies every accumulator by before C is added, in the direct and
// the TMA-store epilogues alike.
// RUN: sm120-opt %s -split-input-file --sm120-lower-to-tiles | FileCheck %s --check-prefix=TILES
// RUN: sm120-opt %s -split-input-file --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_120a | FileCheck %s
// RUN: sm120-opt %s -split-input-file --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_90a | FileCheck %s

// TILES-LABEL: func.func @direct
// TILES-SAME: sm120.problem = {{{.*}}names = ["a", "b", "sfa", "sfb", "c", "alpha", "d"]
// TILES: sm120.tile.store %{{.*}} scale %arg5 : memref<1xf32> add %arg4 : memref<?x576xf32> into %arg6
// CHECK-LABEL: llvm.func @direct(
// CHECK-SAME: %arg5: !llvm.ptr {llvm.noalias}, %arg6: !llvm.ptr {llvm.noalias}, %arg7: i32)
// CHECK-SAME: #sm120.tensor<"alpha" : memref<1xf32>>
// CHECK: %[[A:.*]] = llvm.load %arg5 {alignment = 4 : i64} : !llvm.ptr -> f32
// CHECK: arith.mulf %{{.*}}, %[[A]] : f32
func.func @direct(%a: memref<?x512xf8E4M3FN>, %b: memref<576x512xf8E4M3FN>,
                  %sfa: memref<1x?xi32>, %sfb: memref<1x576xi32>,
                  %c: memref<?x576xf32>, %alpha: memref<1xf32>,
                  %d: memref<?x576xbf16>) {
  sm120.gemm a(%a : memref<?x512xf8E4M3FN>) b(%b : memref<576x512xf8E4M3FN>)
      scales(%sfa, %sfb : memref<1x?xi32>, memref<1x576xi32>)
      c(%c : memref<?x576xf32>) alpha(%alpha : memref<1xf32>)
      d(%d : memref<?x576xbf16>)
      schedule <block = [128, 64, 128], stages = 3, warp_layout = [4, 2], raster_group = 16, epilogue = direct>
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// CHECK-LABEL: llvm.func @tma_store(
// CHECK: %[[A:.*]] = llvm.load %arg2 {alignment = 4 : i64} : !llvm.ptr -> f32
// CHECK: arith.mulf %{{.*}}, %[[A]] : f32
// CHECK: nvvm.cp.async.bulk.tensor.global.shared.cta
func.func @tma_store(%a: memref<?x512xbf16>, %b: memref<576x512xbf16>,
                     %alpha: memref<1xf32>, %d: memref<?x576xbf16>) {
  sm120.gemm a(%a : memref<?x512xbf16>) b(%b : memref<576x512xbf16>)
      alpha(%alpha : memref<1xf32>) d(%d : memref<?x576xbf16>)
      schedule <block = [128, 64, 64], stages = 3, warp_layout = [4, 2], raster_group = 16, epilogue = tma_store>
  return
}

// Round trip of the dialect attributes on their own.
// RUN: sm120-opt %s | sm120-opt | FileCheck %s
// RUN: sm120-opt %s --mlir-print-op-generic | sm120-opt | FileCheck %s

// CHECK-LABEL: func.func @recipes
// CHECK-SAME: fp32_block = #sm120.block_scale<f32, mn = 128, k = 128>
// CHECK-SAME: mxfp4 = #sm120.block_scale<ue8m0, mn = 1, k = 32>
// CHECK-SAME: nvfp4 = #sm120.block_scale<ue4m3, mn = 1, k = 16>
// CHECK-SAME: packed = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>
func.func @recipes() attributes {
  packed = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
  mxfp4 = #sm120.block_scale<ue8m0, mn = 1, k = 32>,
  nvfp4 = #sm120.block_scale<ue4m3, mn = 1, k = 16>,
  fp32_block = #sm120.block_scale<f32, mn = 128, k = 128>
} {
  return
}

// CHECK-LABEL: func.func @enums
// CHECK-SAME: k_major = #sm120.major<k>
// CHECK-SAME: kind = #sm120.grouped_kind<k_grouped>
// CHECK-SAME: mn_major = #sm120.major<mn>
func.func @enums() attributes {
  k_major = #sm120.major<k>,
  mn_major = #sm120.major<mn>,
  kind = #sm120.grouped_kind<k_grouped>
} {
  return
}

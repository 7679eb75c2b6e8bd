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

// The kernel ABI attributes round-trip on a kernel function.
// CHECK-LABEL: llvm.func @abi
// CHECK-SAME: sm120.abi = #sm120.abi<tensors = [#sm120.tensor<"a" : memref<?x256xf8E4M3FN>>, #sm120.tensor<"d" : memref<?x128xbf16, strided<[256, 1]>>>]
// CHECK-SAME: params = [#sm120.tma<tensor = 0, box = [128, 128], swizzle = 128, l2_promotion = 128, oob_nan = true>, #sm120.ptr<1>, #sm120.dim<0, 0 : i32>]
// CHECK-SAME: launch = <block = [384, 1, 1], dynamic_smem = 98304, tiles = [#sm120.tiles<tensor = 0, dim = 0, tile = 128>], persistent = true>
// CHECK-SAME: problem = {family = "gemm", outputs = ["d"]}>
llvm.func @abi(%a: !llvm.ptr, %d: !llvm.ptr, %m: i32) attributes {
  sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<?x256xf8E4M3FN>>,
               #sm120.tensor<"d" : memref<?x128xbf16, strided<[256, 1]>>>],
    params = [#sm120.tma<tensor = 0, box = [128, 128], swizzle = 128, l2_promotion = 128, oob_nan = true>,
              #sm120.ptr<1>, #sm120.dim<0, 0 : i32>],
    launch = #sm120.launch<block = [384, 1, 1], dynamic_smem = 98304,
                           tiles = [#sm120.tiles<tensor = 0, dim = 0, tile = 128>], persistent = true>,
    problem = {family = "gemm", outputs = ["d"]}>} {
  llvm.return
}

// A descriptor the kernel rewrites per view has its views' rank, not the
// tensor's; the scratch it rewrites in is a parameter of its own.
// CHECK-LABEL: llvm.func @rewritten
// CHECK-SAME: params = [#sm120.tma<tensor = 0, box = [128, 64], swizzle = 64, device_rewritten = true>, #sm120.ptr<0>, #sm120.scratch<bytes_per_block = 256>]
llvm.func @rewritten(%t: !llvm.ptr, %a: !llvm.ptr, %s: !llvm.ptr) attributes {
  sm120.abi = #sm120.abi<
    tensors = [#sm120.tensor<"a" : memref<?xf8E4M3FN>>],
    params = [#sm120.tma<tensor = 0, box = [128, 64], swizzle = 64, device_rewritten = true>,
              #sm120.ptr<0>, #sm120.scratch<bytes_per_block = 256>],
    launch = #sm120.launch<block = [384, 1, 1], grid = [1, 1, 1]>,
    problem = {family = "t"}>} {
  llvm.return
}

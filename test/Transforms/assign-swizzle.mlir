// RUN: sm120-opt %s -split-input-file --sm120-assign-swizzle | FileCheck %s
// RUN: sm120-opt %s -split-input-file --sm120-assign-swizzle --sm120-assign-swizzle | FileCheck %s

// Operand tiles get the swizzle of their row size: 64-byte FP8 rows, 128-byte
// BF16 rows, 32-byte packed FP4 rows (64 elements); scale tiles keep none.
// CHECK-LABEL: func.func @modes
// CHECK: sm120.tile.load {{.*}} -> <128x64xf8E4M3FN, swizzle = 64>
// CHECK: sm120.tile.load {{.*}} -> <1x128xi32>
// CHECK: sm120.tile.mma {{.*}} : <128x64xf8E4M3FN, swizzle = 64>, <128x64xf8E4M3FN, swizzle = 64>, !sm120.smem<1x128xi32>, !sm120.smem<1x128xi32>
// CHECK: sm120.tile.load {{.*}} -> <128x64xbf16, swizzle = 128>
// CHECK: sm120.tile.load {{.*}} -> <128x64xf4E2M1FN, swizzle = 32>
func.func @modes(%a: memref<128x256xf8E4M3FN>, %s: memref<1x128xi32>,
                 %h: memref<128x256xbf16>, %q: memref<128x256xf4E2M1FN>, %k: index) {
  %z = sm120.tile.zero : !sm120.acc<128x128>
  %ta = sm120.tile.load %a[%k, %k] : memref<128x256xf8E4M3FN> -> !sm120.smem<128x64xf8E4M3FN>
  %ts = sm120.tile.load %s[%k, %k] : memref<1x128xi32> -> !sm120.smem<1x128xi32>
  %r = sm120.tile.mma %z, %ta, %ta scales(%ts, %ts) at [%k, %k] k_offset %k
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
      : !sm120.smem<128x64xf8E4M3FN>, !sm120.smem<128x64xf8E4M3FN>, !sm120.smem<1x128xi32>, !sm120.smem<1x128xi32> -> !sm120.acc<128x128>
  %th = sm120.tile.load %h[%k, %k] : memref<128x256xbf16> -> !sm120.smem<128x64xbf16>
  %r2 = sm120.tile.mma %r, %th, %th at [%k, %k] k_offset %k : !sm120.smem<128x64xbf16>, !sm120.smem<128x64xbf16> -> !sm120.acc<128x128>
  %tq = sm120.tile.load %q[%k, %k] : memref<128x256xf4E2M1FN> -> !sm120.smem<128x64xf4E2M1FN>
  %r3 = sm120.tile.mma %r2, %tq, %tq scales(%ts, %ts) at [%k, %k] k_offset %k
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>}
      : !sm120.smem<128x64xf4E2M1FN>, !sm120.smem<128x64xf4E2M1FN>, !sm120.smem<1x128xi32>, !sm120.smem<1x128xi32> -> !sm120.acc<128x128>
  return
}

// -----

// The whole pipeline so far: schedule, tiles, swizzle.
// RUN: sm120-opt %examples/fp8_gemm.mlir --sm120-select-schedule --sm120-lower-to-tiles --sm120-assign-swizzle | FileCheck %s --check-prefix=PIPE
// PIPE: sm120.tile.load %{{.*}} : memref<?x7168xf8E4M3FN> -> <128x64xf8E4M3FN, swizzle = 64>
// PIPE: sm120.tile.load %{{.*}} : memref<2112x7168xf8E4M3FN> -> <{{[0-9]+}}x64xf8E4M3FN, swizzle = 64>
// PIPE: sm120.tile.load %{{.*}} -> <1x128xi32>

// -----

// MN-major BF16 tiles have rows of BM or BN: 128 elements are 256 bytes,
// two 128-byte panels with swizzle 128; 32 elements are one 64-byte span.
// CHECK-LABEL: func.func @mn_major
// CHECK: sm120.tile.load {{.*}} -> <64x128xbf16, swizzle = 128>
// CHECK: sm120.tile.load {{.*}} -> <64x32xbf16, swizzle = 64>
// CHECK: sm120.tile.mma {{.*}} {a_major = #sm120.major<mn>, b_major = #sm120.major<mn>} : <64x128xbf16, swizzle = 128>, <64x32xbf16, swizzle = 64>
func.func @mn_major(%a: memref<512x256xbf16>, %b: memref<512x64xbf16>, %k: index) {
  %z = sm120.tile.zero : !sm120.acc<128x32>
  %ta = sm120.tile.load %a[%k, %k] : memref<512x256xbf16> -> !sm120.smem<64x128xbf16>
  %tb = sm120.tile.load %b[%k, %k] : memref<512x64xbf16> -> !sm120.smem<64x32xbf16>
  %r = sm120.tile.mma %z, %ta, %tb at [%k, %k] k_offset %k
      {a_major = #sm120.major<mn>, b_major = #sm120.major<mn>}
      : !sm120.smem<64x128xbf16>, !sm120.smem<64x32xbf16> -> !sm120.acc<128x32>
  return
}

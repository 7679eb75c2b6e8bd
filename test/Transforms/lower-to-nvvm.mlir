// RUN: sm120-opt %s -split-input-file --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_120a | FileCheck %s --check-prefixes=CHECK,SM120
// RUN: sm120-opt %s -split-input-file --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_90a | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: sm120-opt %s -split-input-file --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_120a --sm120-lower-kernel-to-llvm | FileCheck %s --check-prefix=LLVM

// FP8 with packed UE8M0 scales, 128x128x128 tiles: 2-slot rings of 16 KiB
// A, 16 KiB B and 512 B per scale tile (67584 B), then 4 barriers. Loaded
// tensors become TMA parameters, the output a pointer, M an i32.
// CHECK: llvm.mlir.global external @sm120_dynamic_smem() {addr_space = 3 : i32, alignment = 1024 : i64}
// CHECK-LABEL: llvm.func @fp8(
// CHECK-SAME: %{{.*}}: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant}
// CHECK-SAME: %{{.*}}: !llvm.ptr {llvm.noalias}, %{{.*}}: i32)
// setmaxnreg trades the CTA's registers: the launch count is fixed at 168.
// CHECK-SAME: nvvm.maxnreg = 168 : i32, nvvm.maxntid = array<i32: 384, 1, 1>
// CHECK-SAME: params = [#sm120.tma<tensor = 0, box = [128, 128], swizzle = 128>, #sm120.tma<tensor = 1, box = [128, 128], swizzle = 128>, #sm120.tma<tensor = 2, box = [1, 128]>, #sm120.tma<tensor = 3, box = [1, 128]>, #sm120.ptr<4>, #sm120.dim<0, 0 : i32>]
// CHECK-SAME: launch = <block = [384, 1, 1], dynamic_smem = 67616, tiles = [#sm120.tiles<tensor = 0, dim = 0, tile = 128>, #sm120.tiles<tensor = 1, dim = 0, tile = 128>], persistent = true>
// CHECK-SAME: problem = {family = "gemm", outputs = ["d"]}
// Thread 0 initializes full (count 1) and empty (count 8 math warps) barriers.
// CHECK: nvvm.mbarrier.init %{{.*}}, %[[ONE:.*]] :
// CHECK: nvvm.mbarrier.init
// CHECK: nvvm.fence.mbarrier.init
// CHECK: nvvm.barrier0
// CHECK: %[[MATH:.*]] = arith.cmpi ult, %{{.*}}, %c8_i32
// CHECK: scf.if %[[MATH]] {
// CHECK-NEXT: nvvm.setmaxregister increase 232
// Persistent walk over the tiles.
// CHECK: nvvm.read.ptx.sreg.ctaid.x
// CHECK: nvvm.read.ptx.sreg.nctaid.x
// Consumer: each lane spins on the full barrier, the warp reconverges; on
// sm_120a then per K step the 2 A fragments, the scales of the granule (once
// per K block: 128-element granules cover it), then per pair of N tiles
// their B fragments and the 4 MMAs that use them.
// CHECK: scf.while
// CHECK-NEXT: nvvm.mbarrier.try_wait %{{.*}}, %{{.*}} : !llvm.ptr<3>, i32 -> i1
// CHECK: nvvm.bar.warp.sync
// The B fragments of two N tiles come from one ldmatrix.x4.
// SM120-COUNT-3: nvvm.ldmatrix {{.*}}num = 4
// SM120-COUNT-4: nvvm.mma.block_scale {{.*}}blockScaleFormat = #nvvm.block_scale_format<ue8m0>, kind = #nvvm.block_scale_kind<mxf8f6f4>, multiplicandAPtxType = #nvvm.mma_type<e4m3>, multiplicandBPtxType = #nvvm.mma_type<e4m3>, scaleVecSize = #nvvm.scale_vec_size<x1>, shape = #nvvm.shape<m = 16, n = 8, k = 32>
// SM120: nvvm.ldmatrix {{.*}}num = 4
// The twin: the 4 K steps share one scale granule, so it loads and widens
// (four e4m3 to two f16x2 per register) the A fragments of all of them,
// fetches the scales of its rows and columns from the lanes the sm_120a
// instruction reads them from, then per N tile sums the 4 K steps' f16
// MMA pairs into one partial per fragment and scales it into the
// accumulator once (by the column, then the row).
// SM90-COUNT-8: nvvm.ldmatrix {{.*}}num = 4
// SM90: cvt.rn.f16x2.e4m3x2 $0, sm120_lo; cvt.rn.f16x2.e4m3x2 $1, sm120_hi;
// SM90: nvvm.shfl.sync idx
// SM90-COUNT-4: nvvm.ldmatrix {{.*}}num = 2
// SM90-NOT: llvm.intr.fma
// SM90: nvvm.inline_ptx "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// SM90: arith.mulf
// SM90-NEXT: llvm.intr.fma
// Release: the proxy fence orders the warp's ldmatrix reads before the TMA
// that refills the stage; then lane 0 arrives on the empty barrier.
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvvm.bar.warp.sync
// CHECK: nvvm.mbarrier.arrive
// Epilogue: FP32 pairs under row and column bounds.
// CHECK: llvm.store {{.*}} {alignment = 8 : i64} : vector<2xf32>, !llvm.ptr
// Producer: drop to 40 registers; one elected lane of warp 8 loads.
// CHECK: } else {
// CHECK-NEXT: nvvm.setmaxregister decrease 40
// CHECK: arith.cmpi eq, %{{.*}}, %c8_i32
// CHECK: nvvm.elect.sync
// CHECK: nvvm.mbarrier.try_wait
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c33792_i32
// CHECK-COUNT-4: nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} {isCTAOnly = true
// CHECK: llvm.return
// LLVM-LABEL: llvm.func @fp8
// LLVM-NOT: scf.
// LLVM-NOT: arith.
func.func @fp8(%a: memref<?x1024xf8E4M3FN>, %b: memref<256x1024xf8E4M3FN>,
               %sa: memref<2x?xi32>, %sb: memref<2x256xi32>, %d: memref<?x256xf32>)
    attributes {sm120.problem = {family = "gemm", names = ["a", "b", "sfa", "sfb", "d"], outputs = ["d"]}} {
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

// -----

// BF16 on both chips: plain m16n8k16 mma.sync; C is read (FP32 pairs where
// D exists) and added before the conversion; lanes t and t ^ 1 trade a BF16
// pair so that each stores four columns of one row (8 bytes).
// CHECK-LABEL: llvm.func @bf16(
// CHECK-SAME: params = [#sm120.tma<tensor = 0, box = [128, 64], swizzle = 128>, #sm120.tma<tensor = 1, box = [64, 64], swizzle = 128>, #sm120.ptr<2>, #sm120.ptr<3>, #sm120.dim<0, 0 : i32>]
// CHECK: nvvm.mma.sync {{.*}}multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>
// CHECK-NOT: nvvm.mma.block_scale
// CHECK: llvm.load {{.*}} {alignment = 8 : i64} : !llvm.ptr -> vector<2xf32>
// CHECK: arith.truncf {{.*}} : f32 to bf16
// CHECK: nvvm.shfl.sync bfly %{{.*}}, %{{.*}}, %c1_i32{{.*}}, %c31_i32 : i32 -> i32
// CHECK: llvm.store {{.*}} {alignment = 8 : i64} : vector<2xi32>, !llvm.ptr
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c24576_i32
func.func @bf16(%a: memref<?x512xbf16>, %b: memref<256x512xbf16>, %c: memref<?x256xf32>, %d: memref<?x256xbf16>)
    attributes {sm120.problem = {family = "gemm", names = ["a", "b", "c", "d"], outputs = ["d"]}} {
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
    sm120.tile.store %r add %c : memref<?x256xf32> into %d[%m0, %n0] : <128x64>, memref<?x256xbf16>
  }
  return
}

// -----

// The TMA-store epilogue: D becomes a TMA parameter whose box is one 64-byte
// swizzle span (32 BF16 columns) of a 32-row warp tile, staged after the
// ring (3 x 24 KiB) in 8 warps x 2 KiB. Each warp waits until its last
// copies have read its staging area, writes its fragments there (C added
// where D exists), fences them for the async proxy, and lane 0 copies the
// box out and commits; before exiting, lane 0 waits for its copies.
// CHECK-LABEL: llvm.func @bf16_tma_store(
// CHECK-SAME: params = [#sm120.tma<tensor = 0, box = [128, 64], swizzle = 128>, #sm120.tma<tensor = 1, box = [64, 64], swizzle = 128>, #sm120.ptr<2>, #sm120.tma<tensor = 3, box = [32, 32], swizzle = 64>, #sm120.dim<0, 0 : i32>]
// CHECK-SAME: dynamic_smem = 90160
// CHECK: nvvm.cp.async.bulk.wait_group 0 {read}
// CHECK: nvvm.bar.warp.sync
// CHECK: scf.if {{.*}} -> (f32, f32)
// CHECK: llvm.load {{.*}} {alignment = 8 : i64} : !llvm.ptr -> vector<2xf32>
// CHECK: arith.truncf {{.*}} : f32 to bf16
// CHECK: llvm.store {{.*}} {alignment = 4 : i64} : vector<2xbf16>, !llvm.ptr<3>
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvvm.bar.warp.sync
// CHECK: nvvm.cp.async.bulk.tensor.global.shared.cta
// CHECK-NEXT: nvvm.cp.async.bulk.commit.group
// CHECK: nvvm.cp.async.bulk.wait_group 0
// CHECK-NOT: {read}
// CHECK: nvvm.setmaxregister decrease 40
func.func @bf16_tma_store(%a: memref<?x512xbf16>, %b: memref<256x512xbf16>, %c: memref<?x256xf32>, %d: memref<?x256xbf16>)
    attributes {sm120.problem = {family = "gemm", names = ["a", "b", "c", "d"], outputs = ["d"]}} {
  %c0 = arith.constant 0 : index
  %m = memref.dim %a, %c0 : memref<?x512xbf16>
  %n = arith.constant 256 : index
  %k = arith.constant 512 : index
  sm120.tile.loop (%m0, %n0) in (%m, %n) schedule <block = [128, 64, 64], stages = 3, warp_layout = [4, 2], raster_group = 8, epilogue = tma_store> {
    %z = sm120.tile.zero : <128x64>
    %c64 = arith.constant 64 : index
    %r = scf.for %k0 = %c0 to %k step %c64 iter_args(%acc = %z) -> (!sm120.acc<128x64>) {
      %ta = sm120.tile.load %a[%m0, %k0] : memref<?x512xbf16> -> <128x64xbf16, swizzle = 128>
      %tb = sm120.tile.load %b[%n0, %k0] : memref<256x512xbf16> -> <64x64xbf16, swizzle = 128>
      %p = sm120.tile.mma %acc, %ta, %tb at [%m0, %n0] k_offset %k0 : <128x64xbf16, swizzle = 128>, <64x64xbf16, swizzle = 128> -> <128x64>
      scf.yield %p : !sm120.acc<128x64>
    }
    sm120.tile.store %r add %c : memref<?x256xf32> into %d[%m0, %n0] : <128x64>, memref<?x256xbf16>
  }
  return
}

// -----

// The ring_store epilogue stages the output in the B slot (32 KiB) of the
// stage that held the tile's last K block: 8 warps x 32 rows x 64 BF16
// columns per round, two rounds, so D's box is 32 rows and the kernel needs
// no shared memory beyond the ring. The K loop's last release does not
// arrive; the epilogue waits for all math warps (named barrier 1) before
// overwriting the slot, copies each round out, waits until the copies have
// read it, and then releases the stage.
// CHECK-LABEL: llvm.func @bf16_ring_store(
// CHECK-SAME: #sm120.tma<tensor = 2, box = [32, 64], swizzle = 128>
// CHECK-SAME: dynamic_smem = 98336
// CHECK: nvvm.fence.proxy
// CHECK: %[[NEXT:.*]] = arith.addi %{{.*}}, %c64 : index
// CHECK-NEXT: %[[MORE:.*]] = arith.cmpi ult, %[[NEXT]], %c512 : index
// CHECK-NEXT: %[[ARRIVE:.*]] = arith.andi %{{.*}}, %[[MORE]] : i1
// CHECK-NEXT: scf.if %[[ARRIVE]] {
// CHECK: nvvm.mbarrier.arrive
// CHECK: nvvm.barrier id = %{{.*}} number_of_threads = %{{.*}}
// CHECK-NOT: nvvm.cp.async.bulk.wait_group
// CHECK: llvm.store {{.*}} : vector<2xbf16>, !llvm.ptr<3>
// CHECK: nvvm.cp.async.bulk.tensor.global.shared.cta
// CHECK-NEXT: nvvm.cp.async.bulk.commit.group
// CHECK: nvvm.cp.async.bulk.wait_group 0 {read}
// CHECK: llvm.store {{.*}} : vector<2xbf16>, !llvm.ptr<3>
// CHECK: nvvm.cp.async.bulk.tensor.global.shared.cta
// CHECK-NEXT: nvvm.cp.async.bulk.commit.group
// CHECK: nvvm.cp.async.bulk.wait_group 0 {read}
// CHECK-NEXT: arith.constant 8
// CHECK: nvvm.mbarrier.arrive
// CHECK-NOT: nvvm.cp.async.bulk.tensor.global.shared.cta
// CHECK: nvvm.setmaxregister decrease 40
func.func @bf16_ring_store(%a: memref<?x512xbf16>, %b: memref<256x512xbf16>, %d: memref<?x256xbf16>)
    attributes {sm120.problem = {family = "gemm", names = ["a", "b", "d"], outputs = ["d"]}} {
  %c0 = arith.constant 0 : index
  %m = memref.dim %a, %c0 : memref<?x512xbf16>
  %n = arith.constant 256 : index
  %k = arith.constant 512 : index
  sm120.tile.loop (%m0, %n0) in (%m, %n) schedule <block = [128, 256, 64], stages = 2, warp_layout = [2, 4], raster_group = 8, epilogue = ring_store> {
    %z = sm120.tile.zero : <128x256>
    %c64 = arith.constant 64 : index
    %r = scf.for %k0 = %c0 to %k step %c64 iter_args(%acc = %z) -> (!sm120.acc<128x256>) {
      %ta = sm120.tile.load %a[%m0, %k0] : memref<?x512xbf16> -> <128x64xbf16, swizzle = 128>
      %tb = sm120.tile.load %b[%n0, %k0] : memref<256x512xbf16> -> <256x64xbf16, swizzle = 128>
      %p = sm120.tile.mma %acc, %ta, %tb at [%m0, %n0] k_offset %k0 : <128x64xbf16, swizzle = 128>, <256x64xbf16, swizzle = 128> -> <128x256>
      scf.yield %p : !sm120.acc<128x256>
    }
    sm120.tile.store %r into %d[%m0, %n0] : <128x256>, memref<?x256xbf16>
  }
  return
}

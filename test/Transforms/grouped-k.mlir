// K-grouped GEMMs through every pass: the schedule (a block K that divides
// the groups' K alignment, the direct epilogue, every group's tiles
// counted), the tile program (every tile of each group's [M, N], a K loop
// over the group's columns from sm120.tile.k_range, scales from the
// group's first word, the store into the group's matrix of D with its C),
// the warp roles (both find the group's columns) and the NVVM kernel (the
// sizes before the group summed, a trap on a ragged or overlong group,
// a grid factor of G).
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule="machine=h100 print=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=SCHED
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=machine=h100 --sm120-lower-to-tiles | FileCheck %s --check-prefix=TILES
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=machine=h100 --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize | FileCheck %s --check-prefix=ROLES
// RUN: sm120-opt %s -split-input-file --sm120-select-schedule=machine=h100 --sm120-lower-to-tiles --sm120-assign-swizzle --sm120-pipeline --sm120-warp-specialize --sm120-lower-to-nvvm=chip=sm_120a | FileCheck %s --check-prefix=NVVM

// Four FP8 groups of 4096 x 7168, K-major [MN, sum K] operands.
// SCHED: remark: chose #sm120.schedule<block = [{{64|128}}, {{[0-9]+}}, 64], {{.*}}epilogue = direct> for M = 4096 on h100: {{[0-9]+}} tiles

// TILES-LABEL: func.func @fp8
// TILES-SAME: k_alignment = 64 : i64
// TILES-SAME: kind = "k_grouped"
// TILES-SAME: names = ["a", "b", "sfa", "sfb", "layout", "c", "d"]
// TILES: %[[SUMK:.*]] = memref.dim %arg0, %c1 : memref<4096x?xf8E4M3FN>
// TILES: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]], %[[G:.*]]) in (%c4096, %c7168) batches %c4
// The scale tensors' rows bound the groups' scale words.
// TILES: %[[SFA:.*]] = memref.dim %arg2, %c0{{.*}} : memref<?x4096xi32>
// TILES: %[[SFB:.*]] = memref.dim %arg3, %c0{{.*}} : memref<?x7168xi32>
// TILES: %[[ROWS:.*]] = arith.minui %[[SFA]], %[[SFB]] : index
// TILES: %[[K0:.*]], %[[KG:.*]], %[[S0:.*]] = sm120.tile.k_range %arg4[%[[G]]] within %[[SUMK]] scales %[[ROWS]] {alignment = 64 : i64, scale_span = 512 : i64} : memref<4xi32>
// TILES: scf.for %[[K:.*]] = %c0{{.*}} to %[[KG]] step %c64
// TILES: %[[KD:.*]] = arith.addi %[[K0]], %[[K]] : index
// TILES: %[[SK:.*]] = arith.addi %[[S0]], %[[K]] : index
// TILES: sm120.tile.load %arg0[%[[M0]], %[[KD]]] : memref<4096x?xf8E4M3FN>
// TILES: sm120.tile.load %arg1[%[[N0]], %[[KD]]] : memref<7168x?xf8E4M3FN>
// TILES: %[[WORD:.*]] = arith.divui %[[SK]], %c512 : index
// TILES: sm120.tile.load %arg2[%[[WORD]], %[[M0]]] : memref<?x4096xi32>
// TILES: sm120.tile.mma {{.*}} k_offset %[[K]]
// TILES: sm120.tile.store %{{.*}} add %arg5 : memref<4x4096x7168xf32> into %arg6[%[[M0]], %[[N0]]] group %[[G]] : <{{[0-9x]+}}>, memref<4x4096x7168xf32>
// TILES-NOT: sm120.grouped_gemm

// ROLES-LABEL: func.func @fp8
// ROLES: sm120.warp_specialize producer
// ROLES: sm120.tile.loop ({{.*}}, %[[PG:.*]]) in ({{.*}}) batches
// ROLES: %[[PK0:.*]], %[[PKG:.*]], %[[PS0:.*]] = sm120.tile.k_range %{{.*}}[%[[PG]]]
// ROLES: scf.for %[[PK:.*]] = %c0{{.*}} to %[[PKG]]
// ROLES: arith.addi %[[PK0]], %[[PK]]
// ROLES: arith.addi %[[PS0]], %[[PK]]
// ROLES: sm120.pipeline.produce
// ROLES: } math
// ROLES: sm120.tile.loop ({{.*}}, %[[G:.*]]) in ({{.*}}) batches
// ROLES: %{{.*}}, %[[KG:.*]], %{{.*}} = sm120.tile.k_range %{{.*}}[%[[G]]]
// ROLES: scf.for %[[K:.*]] = %c0{{.*}} to %[[KG]]
// ROLES-NOT: sm120.pipeline.produce
// ROLES: sm120.tile.mma {{.*}} k_offset %[[K]]
// ROLES: sm120.tile.store {{.*}} group %[[G]]

// NVVM-LABEL: llvm.func @fp8
// NVVM-SAME: #sm120.ptr<4>
// NVVM-SAME: tiles = [#sm120.tiles<tensor = 0, dim = 0, tile = {{64|128}}>, #sm120.tiles<tensor = 1, dim = 0, tile = {{[0-9]+}}>, #sm120.tiles<tensor = 4, dim = 0, tile = 1>]
// Each role's math group: the math warps read the group's K size only.
// NVVM: scf.if
// NVVM: llvm.getelementptr %arg4[%[[G:.*]]] : (!llvm.ptr, i32) -> !llvm.ptr, i32
// NVVM-NEXT: %[[SIZE:.*]] = llvm.load
// NVVM: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// The producer walks on from the last group it summed to (its state in
// three allocas), summing sizes and scale words, then checks its group.
// NVVM: scf.while (%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) : (i32, i32, i32) -> (i32, i32, i32)
// NVVM: arith.cmpi ult
// NVVM: scf.condition
// NVVM: llvm.load
// NVVM: arith.divui %{{.*}}, %c512_i32
// NVVM: scf.yield
// NVVM: %[[PSIZE:.*]] = llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr -> i32
// NVVM: arith.cmpi slt, %[[PSIZE]], %c0_i32
// NVVM: arith.remui %[[PSIZE]], %c64_i32
// NVVM: arith.cmpi ugt
// NVVM: arith.divui %{{.*}}, %c512_i32
// NVVM: arith.cmpi ugt
// NVVM: llvm.intr.trap
func.func @fp8(%a: memref<4096x?xf8E4M3FN>, %b: memref<7168x?xf8E4M3FN>,
               %sfa: memref<?x4096xi32>, %sfb: memref<?x7168xi32>,
               %ks: memref<4xi32>, %c: memref<4x4096x7168xf32>,
               %d: memref<4x4096x7168xf32>) {
  sm120.grouped_gemm k_grouped a(%a : memref<4096x?xf8E4M3FN>)
      b(%b : memref<7168x?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x4096xi32>, memref<?x7168xi32>)
      layout(%ks : memref<4xi32>) c(%c : memref<4x4096x7168xf32>)
      d(%d : memref<4x4096x7168xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// BF16 in the natural weight-gradient layout, both operands MN-major
// [sum K, MN]: the K rows of the group's block come from the K dimension,
// which is the loads' row; no scales, so no scale span.
// SCHED: remark: chose #sm120.schedule<block = [{{64|128}}, {{[0-9]+}}, {{32|64}}], {{.*}}epilogue = direct> for M = 7168 on h100
// TILES-LABEL: func.func @bf16_mn
// TILES-SAME: a_major = "mn", b_major = "mn"
// TILES: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]], %[[G:.*]]) in (%c7168, %c2048) batches %c72
// TILES: %[[K0:.*]], %{{.*}}, %{{.*}} = sm120.tile.k_range %arg2[%[[G]]] within %{{.*}} {alignment = {{32|64}} : i64} : memref<72xi32>
// TILES: scf.for %[[K:.*]] = %c0{{.*}} to
// TILES: %[[KD:.*]] = arith.addi %[[K0]], %[[K]] : index
// TILES: sm120.tile.load %arg0[%[[KD]], %[[M0]]] : memref<?x7168xbf16>
// TILES: sm120.tile.load %arg1[%[[KD]], %[[N0]]] : memref<?x2048xbf16>
// TILES: sm120.tile.mma {{.*}}a_major = #sm120.major<mn>, b_major = #sm120.major<mn>
// NVVM-LABEL: llvm.func @bf16_mn
// NVVM: nvvm.ldmatrix {{.*}}layout = #nvvm.mma_layout<col>
// NVVM: scf.while
// NVVM: llvm.intr.trap
func.func @bf16_mn(%a: memref<?x7168xbf16>, %b: memref<?x2048xbf16>,
                   %ks: memref<72xi32>, %c: memref<72x7168x2048xf32>,
                   %d: memref<72x7168x2048xf32>) {
  sm120.grouped_gemm k_grouped a(%a : memref<?x7168xbf16>)
      b(%b : memref<?x2048xbf16>)
      layout(%ks : memref<72xi32>) c(%c : memref<72x7168x2048xf32>)
      d(%d : memref<72x7168x2048xf32>)
      {a_major = #sm120.major<mn>, b_major = #sm120.major<mn>}
  return
}

// -----

// The reference system's nt layout: 1-D a and b holding each group's
// K-major [M, K_g] and [N, K_g] blocks. M and N come from d; sum K is what
// both hold; the schedule keeps 16 bytes of shared memory per viewed
// operand. Each tile views its group's blocks (memref.reinterpret_cast at
// element K_begin * MN, [MN, K_g] with row stride K_g) and loads them from
// column 0; the scales still start at the group's word.
// SCHED: remark: chose #sm120.schedule<block = [{{64|128}}, {{[0-9]+}}, 64], {{.*}}epilogue = direct> for M = 4096 on h100
// TILES-LABEL: func.func @fp8_blocks
// TILES: %[[BK:.*]] = memref.dim %arg1, %{{.*}} : memref<?xf8E4M3FN>
// TILES: %[[NK:.*]] = arith.divui %[[BK]], %c7168
// TILES: %[[AK:.*]] = memref.dim %arg0, %{{.*}} : memref<?xf8E4M3FN>
// TILES: %[[MK:.*]] = arith.divui %[[AK]], %c4096
// TILES: %[[SUMK:.*]] = arith.minui %[[MK]], %[[NK]]
// TILES: sm120.tile.loop (%[[M0:.*]], %[[N0:.*]], %[[G:.*]]) in (%c4096, %c7168) batches %c4
// TILES: %[[K0:.*]], %[[KG:.*]], %[[S0:.*]] = sm120.tile.k_range %arg4[%[[G]]] within %[[SUMK]] scales
// TILES: %[[AOFF:.*]] = arith.muli %[[K0]], %c4096
// TILES: %[[VA:.*]] = memref.reinterpret_cast %arg0 to offset: [%[[AOFF]]], sizes: [4096, %[[KG]]], strides: [%[[KG]], 1] : memref<?xf8E4M3FN> to memref<4096x?xf8E4M3FN, strided<[?, 1], offset: ?>>
// TILES: %[[BOFF:.*]] = arith.muli %[[K0]], %c7168
// TILES: %[[VB:.*]] = memref.reinterpret_cast %arg1 to offset: [%[[BOFF]]], sizes: [7168, %[[KG]]], strides: [%[[KG]], 1]
// TILES: scf.for %[[K:.*]] = %c0{{.*}} to %[[KG]] step %c64
// TILES: %[[SK:.*]] = arith.addi %[[S0]], %[[K]] : index
// TILES: sm120.tile.load %[[VA]][%[[M0]], %[[K]]]
// TILES: sm120.tile.load %[[VB]][%[[N0]], %[[K]]]
// TILES: arith.divui %[[SK]], %c512
// The producer alone views: the math role's copies are dead.
// ROLES-LABEL: func.func @fp8_blocks
// ROLES: sm120.warp_specialize producer
// ROLES: memref.reinterpret_cast
// ROLES: memref.reinterpret_cast
// ROLES: sm120.pipeline.produce
// ROLES: } math
// ROLES-NOT: memref.reinterpret_cast
// ROLES: sm120.tile.store
// The kernel takes each viewed tensor's template descriptor and pointer,
// and 256 bytes of scratch per block: a descriptor slot each.
// NVVM-LABEL: llvm.func @fp8_blocks
// NVVM-SAME: params = [#sm120.tma<tensor = 0, box = [{{64|128}}, 64], swizzle = 64, device_rewritten = true>, #sm120.ptr<0>, #sm120.tma<tensor = 1, box = [{{[0-9]+}}, 64], swizzle = 64, device_rewritten = true>, #sm120.ptr<1>, {{.*}}#sm120.scratch<bytes_per_block = 256>
// The producer's view of a: its address, then the block's slot; on a new
// view it waits for the fills in flight, copies the template and rewrites
// it.
// NVVM: %[[ABASE:.*]] = llvm.ptrtoint %arg1 : !llvm.ptr to i64
// NVVM: %[[AADDR:.*]] = arith.addi %[[ABASE]], %{{.*}} : i64
// NVVM: %[[CTA:.*]] = nvvm.read.ptx.sreg.ctaid.x : i32
// NVVM: %[[OFF:.*]] = arith.muli %[[CTA]], %c256_i32 : i32
// NVVM: %[[SLOT:.*]] = llvm.getelementptr %arg9[%[[OFF]]] : (!llvm.ptr, i32) -> !llvm.ptr, i8
// NVVM: scf.if
// NVVM: scf.for
// NVVM: nvvm.mbarrier.try_wait
// NVVM: llvm.getelementptr %arg0[%c15_i32{{.*}}] : (!llvm.ptr, i32) -> !llvm.ptr, i64
// NVVM: %[[SA:.*]] = llvm.ptrtoint %[[SLOT]] : !llvm.ptr to i64
// NVVM-NEXT: nvvm.inline_ptx "tensormap.replace.tile.global_address.b1024.b64 [$0], $1;" ro(%[[SA]], %[[AADDR]] : i64, i64)
// NVVM-NEXT: nvvm.inline_ptx "tensormap.replace.tile.global_dim.b1024.b32 [$0], 0, $1;"
// NVVM-NEXT: nvvm.inline_ptx "tensormap.replace.tile.global_dim.b1024.b32 [$0], 1, $1;"
// NVVM: nvvm.inline_ptx "tensormap.replace.tile.global_stride.b1024.b64 [$0], 0, $1;"
// NVVM-NEXT: nvvm.fence.proxy.release <gpu>
// NVVM: nvvm.fence.proxy.acquire <gpu> %[[SLOT]]
// B's slot is the second.
// NVVM: %[[BOFF:.*]] = arith.muli %{{.*}}, %c256_i32{{.*}} : i32
// NVVM: arith.addi %[[BOFF]], %c128_i32{{.*}} : i32
// NVVM: nvvm.fence.proxy.acquire <gpu>
// The loads of the views read through the slots.
// NVVM: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[SLOT]],
func.func @fp8_blocks(%a: memref<?xf8E4M3FN>, %b: memref<?xf8E4M3FN>,
               %sfa: memref<?x4096xi32>, %sfb: memref<?x7168xi32>,
               %ks: memref<4xi32>, %c: memref<4x4096x7168xf32>,
               %d: memref<4x4096x7168xf32>) {
  sm120.grouped_gemm k_grouped a(%a : memref<?xf8E4M3FN>)
      b(%b : memref<?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x4096xi32>, memref<?x7168xi32>)
      layout(%ks : memref<4xi32>) c(%c : memref<4x4096x7168xf32>)
      d(%d : memref<4x4096x7168xf32>)
      {sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

// -----

// Groups promised to be multiples of 128 K (k_alignment): the FP8 schedule
// may take BK 128, and the kernel records the multiple it needs.
// SCHED: remark: chose #sm120.schedule<block = [{{64|128}}, {{[0-9]+}}, 128], {{.*}}epilogue = direct> for M = 4096 on h100
// TILES-LABEL: func.func @fp8_align128
// TILES-SAME: k_alignment = 128 : i64
// TILES: sm120.tile.k_range %arg4[%{{.*}}] within %{{.*}} scales %{{.*}} {alignment = 128 : i64, scale_span = 512 : i64}
// TILES: scf.for %{{.*}} = %c0{{.*}} to %{{.*}} step %c128
// NVVM-LABEL: llvm.func @fp8_align128
// NVVM: arith.remui %{{.*}}, %c128_i32
// NVVM: llvm.intr.trap
func.func @fp8_align128(%a: memref<4096x?xf8E4M3FN>, %b: memref<7168x?xf8E4M3FN>,
                        %sfa: memref<?x4096xi32>, %sfb: memref<?x7168xi32>,
                        %ks: memref<4xi32>, %c: memref<4x4096x7168xf32>,
                        %d: memref<4x4096x7168xf32>) {
  sm120.grouped_gemm k_grouped a(%a : memref<4096x?xf8E4M3FN>)
      b(%b : memref<7168x?xf8E4M3FN>)
      scales(%sfa, %sfb : memref<?x4096xi32>, memref<?x7168xi32>)
      layout(%ks : memref<4xi32>) c(%c : memref<4x4096x7168xf32>)
      d(%d : memref<4x4096x7168xf32>)
      {k_alignment = 128 : i64,
       sfa_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>,
       sfb_recipe = #sm120.block_scale<ue8m0, mn = 1, k = 128, packed>}
  return
}

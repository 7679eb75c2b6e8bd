// Backend fixture: one CTA computes D = diag(2^sfa) * A * B^T * diag(2^sfb)
// for an FP8 128x128x128 tile. TMA loads A and B (128B swizzle) into shared
// memory through one mbarrier, ldmatrix loads the MMA fragments and the
// chip file supplies @mma_step (one m16n8k32 FP8 MMA) and @epilogue_scale.
// Written at NVVM level to exercise the backend and runtime before the GEMM
// lowering exists; it is a test input, not the GEMM product.
//
// 4 warps; warp w owns rows [32w, 32w + 32): 2 M-tiles x 16 N-tiles of
// m16n8 accumulators, each reduced over 4 K-steps of 32 bytes.

// Dynamic shared memory: A (16 KiB) | B (16 KiB) | mbarrier (8 bytes). The
// base is 1024-byte aligned: the 128B swizzle pattern repeats every 1024 bytes.
llvm.mlir.global external @smem() {addr_space = 3 : i32, alignment = 1024 : i64} : !llvm.array<0 x i8>

llvm.func @fixture_fp8_tile(
    %tma_a: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant},
    %tma_b: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant},
    %sfa: !llvm.ptr {llvm.noalias, llvm.readonly},
    %sfb: !llvm.ptr {llvm.noalias, llvm.readonly},
    %d: !llvm.ptr {llvm.noalias})
    attributes {nvvm.kernel, nvvm.maxntid = array<i32: 128, 1, 1>,
      sm120.abi = #sm120.abi<
        tensors = [#sm120.tensor<"a" : memref<128x128xf8E4M3FN>>,
                   #sm120.tensor<"b" : memref<128x128xf8E4M3FN>>,
                   #sm120.tensor<"sfa" : memref<128xf8E8M0FNU>>,
                   #sm120.tensor<"sfb" : memref<128xf8E8M0FNU>>,
                   #sm120.tensor<"d" : memref<128x128xf32>>],
        params = [#sm120.tma<tensor = 0, box = [128, 128], swizzle = 128>,
                  #sm120.tma<tensor = 1, box = [128, 128], swizzle = 128>,
                  #sm120.ptr<2>, #sm120.ptr<3>, #sm120.ptr<4>],
        launch = #sm120.launch<block = [128, 1, 1], dynamic_smem = 32776, grid = [1, 1, 1]>,
        problem = {family = "fixture_fp8_tile", outputs = ["d"], m = 128 : i64, n = 128 : i64, k = 128 : i64}>} {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c2 = arith.constant 2 : i32
  %c3 = arith.constant 3 : i32
  %c4 = arith.constant 4 : i32
  %c7 = arith.constant 7 : i32
  %c8 = arith.constant 8 : i32
  %c15 = arith.constant 15 : i32
  %c16 = arith.constant 16 : i32
  %c32 = arith.constant 32 : i32
  %c128 = arith.constant 128 : i32
  %c16384 = arith.constant 16384 : i32
  %c32768 = arith.constant 32768 : i32
  %tx_bytes = arith.constant 32768 : i32
  %ticks = arith.constant 1000000 : i32
  %zero = arith.constant 0.0 : f32

  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %warp = arith.divui %tid, %c32 : i32
  %lane = arith.remui %tid, %c32 : i32
  %group = arith.divui %lane, %c4 : i32
  %tig = arith.remui %lane, %c4 : i32

  // Shared-memory carve-up; the declared alignment makes the base 1024-aligned.
  %smem_a = llvm.mlir.addressof @smem : !llvm.ptr<3>
  %smem_b = llvm.getelementptr %smem_a[%c16384] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i8
  %bar = llvm.getelementptr %smem_a[%c32768] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i8

  // One thread initializes the barrier and issues both TMA loads.
  %leader = arith.cmpi eq, %tid, %c0 : i32
  scf.if %leader {
    nvvm.mbarrier.init %bar, %c1 : !llvm.ptr<3>, i32
    nvvm.fence.mbarrier.init
  }
  nvvm.barrier0
  scf.if %leader {
    nvvm.mbarrier.arrive.expect_tx %bar, %tx_bytes : !llvm.ptr<3>, i32
    nvvm.cp.async.bulk.tensor.shared.cluster.global %smem_a, %tma_a, %bar, box[%c0, %c0] {isCTAOnly = true} : !llvm.ptr<3>, !llvm.ptr
    nvvm.cp.async.bulk.tensor.shared.cluster.global %smem_b, %tma_b, %bar, box[%c0, %c0] {isCTAOnly = true} : !llvm.ptr<3>, !llvm.ptr
  }
  nvvm.mbarrier.try_wait.parity %bar, %c0, %ticks : !llvm.ptr<3>, i32, i32

  // ldmatrix row addresses: lane l feeds row (l mod 8) of matrix l / 8.
  // A (x4): matrices [rows 0-7 | 8-15] x [bytes 0-15 | 16-31].
  // B (x2): matrices rows 0-7 x [bytes 0-15 | 16-31].
  %l_row = arith.remui %lane, %c8 : i32
  %l_mat = arith.divui %lane, %c8 : i32
  %l_mat_lo = arith.andi %l_mat, %c1 : i32
  %l_mat_hi = arith.shrui %l_mat, %c1 : i32
  %l_mat_lo8 = arith.muli %l_mat_lo, %c8 : i32
  %a_row_in_tile = arith.addi %l_row, %l_mat_lo8 : i32
  %a_chunk_in_k = arith.andi %l_mat_hi, %c1 : i32
  %b_chunk_in_k = arith.andi %l_mat_lo, %c1 : i32

  // Scale selectors of the block-scaled MMA (thread-id 0): the A scale of
  // row (group + 8 * (lane & 1)), the B scale of column group.
  %lane_odd = arith.andi %lane, %c1 : i32
  %sa_off = arith.muli %lane_odd, %c8 : i32
  %sa_row_in_tile = arith.addi %group, %sa_off : i32

  %warp_row = arith.muli %warp, %c32 : i32
  scf.for %mt = %c0 to %c2 step %c1 : i32 {
    %mt16 = arith.muli %mt, %c16 : i32
    %row0 = arith.addi %warp_row, %mt16 : i32
    %sa_row = arith.addi %row0, %sa_row_in_tile : i32
    %sa_ptr = llvm.getelementptr %sfa[%sa_row] : (!llvm.ptr, i32) -> !llvm.ptr, i8
    %sa_byte = llvm.load %sa_ptr : !llvm.ptr -> i8
    %sa = arith.extui %sa_byte : i8 to i32
    %a_row = arith.addi %row0, %a_row_in_tile : i32
    %a_swz = arith.andi %a_row, %c7 : i32
    %a_row_off = arith.muli %a_row, %c128 : i32
    scf.for %nt = %c0 to %c16 step %c1 : i32 {
      %col0 = arith.muli %nt, %c8 : i32
      %sb_col = arith.addi %col0, %group : i32
      %sb_ptr = llvm.getelementptr %sfb[%sb_col] : (!llvm.ptr, i32) -> !llvm.ptr, i8
      %sb_byte = llvm.load %sb_ptr : !llvm.ptr -> i8
      %sb = arith.extui %sb_byte : i8 to i32
      %b_row = arith.addi %col0, %l_row : i32
      %b_swz = arith.andi %b_row, %c7 : i32
      %b_row_off = arith.muli %b_row, %c128 : i32
      %acc:4 = scf.for %ks = %c0 to %c4 step %c1
          iter_args(%d0 = %zero, %d1 = %zero, %d2 = %zero, %d3 = %zero) -> (f32, f32, f32, f32) : i32 {
        // 16-byte chunk index along K, XOR-swizzled by the row (128B swizzle).
        %ks2 = arith.muli %ks, %c2 : i32
        %a_chunk = arith.addi %ks2, %a_chunk_in_k : i32
        %a_chunk_sw = arith.xori %a_chunk, %a_swz : i32
        %a_chunk_off = arith.muli %a_chunk_sw, %c16 : i32
        %a_off = arith.addi %a_row_off, %a_chunk_off : i32
        %a_ptr = llvm.getelementptr %smem_a[%a_off] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i8
        %af = nvvm.ldmatrix %a_ptr {num = 4 : i32, layout = #nvvm.mma_layout<row>, shape = #nvvm.ld_st_matrix_shape<m = 8, n = 8>, eltType = #nvvm.ld_st_matrix_elt_type<b16>} : (!llvm.ptr<3>) -> !llvm.struct<(i32, i32, i32, i32)>
        %b_chunk = arith.addi %ks2, %b_chunk_in_k : i32
        %b_chunk_sw = arith.xori %b_chunk, %b_swz : i32
        %b_chunk_off = arith.muli %b_chunk_sw, %c16 : i32
        %b_off = arith.addi %b_row_off, %b_chunk_off : i32
        %b_ptr = llvm.getelementptr %smem_b[%b_off] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i8
        %bf = nvvm.ldmatrix %b_ptr {num = 2 : i32, layout = #nvvm.mma_layout<row>, shape = #nvvm.ld_st_matrix_shape<m = 8, n = 8>, eltType = #nvvm.ld_st_matrix_elt_type<b16>} : (!llvm.ptr<3>) -> !llvm.struct<(i32, i32)>
        %a0 = llvm.extractvalue %af[0] : !llvm.struct<(i32, i32, i32, i32)>
        %a1 = llvm.extractvalue %af[1] : !llvm.struct<(i32, i32, i32, i32)>
        %a2 = llvm.extractvalue %af[2] : !llvm.struct<(i32, i32, i32, i32)>
        %a3 = llvm.extractvalue %af[3] : !llvm.struct<(i32, i32, i32, i32)>
        %b0 = llvm.extractvalue %bf[0] : !llvm.struct<(i32, i32)>
        %b1 = llvm.extractvalue %bf[1] : !llvm.struct<(i32, i32)>
        %r = llvm.call @mma_step(%a0, %a1, %a2, %a3, %b0, %b1, %d0, %d1, %d2, %d3, %sa, %sb) : (i32, i32, i32, i32, i32, i32, f32, f32, f32, f32, i32, i32) -> !llvm.struct<(f32, f32, f32, f32)>
        %r0 = llvm.extractvalue %r[0] : !llvm.struct<(f32, f32, f32, f32)>
        %r1 = llvm.extractvalue %r[1] : !llvm.struct<(f32, f32, f32, f32)>
        %r2 = llvm.extractvalue %r[2] : !llvm.struct<(f32, f32, f32, f32)>
        %r3 = llvm.extractvalue %r[3] : !llvm.struct<(f32, f32, f32, f32)>
        scf.yield %r0, %r1, %r2, %r3 : f32, f32, f32, f32
      }
      // Accumulator (i, j) of the m16n8 tile: rows group and group + 8,
      // columns 2 * (lane mod 4) + {0, 1}.
      %row_lo = arith.addi %row0, %group : i32
      %row_hi = arith.addi %row_lo, %c8 : i32
      %tig2 = arith.muli %tig, %c2 : i32
      %col_lo = arith.addi %col0, %tig2 : i32
      %col_hi = arith.addi %col_lo, %c1 : i32
      llvm.call @store_scaled(%d, %sfa, %sfb, %row_lo, %col_lo, %acc#0) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, i32, i32, f32) -> ()
      llvm.call @store_scaled(%d, %sfa, %sfb, %row_lo, %col_hi, %acc#1) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, i32, i32, f32) -> ()
      llvm.call @store_scaled(%d, %sfa, %sfb, %row_hi, %col_lo, %acc#2) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, i32, i32, f32) -> ()
      llvm.call @store_scaled(%d, %sfa, %sfb, %row_hi, %col_hi, %acc#3) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, i32, i32, f32) -> ()
    }
  }
  llvm.return
}

// D[row][col] = acc * epilogue_scale(sfa[row], sfb[col]).
llvm.func internal @store_scaled(%d: !llvm.ptr, %sfa: !llvm.ptr, %sfb: !llvm.ptr,
                                 %row: i32, %col: i32, %acc: f32) attributes {always_inline} {
  %c128 = arith.constant 128 : i32
  %sa_ptr = llvm.getelementptr %sfa[%row] : (!llvm.ptr, i32) -> !llvm.ptr, i8
  %sb_ptr = llvm.getelementptr %sfb[%col] : (!llvm.ptr, i32) -> !llvm.ptr, i8
  %sa = llvm.load %sa_ptr : !llvm.ptr -> i8
  %sb = llvm.load %sb_ptr : !llvm.ptr -> i8
  %scale = llvm.call @epilogue_scale(%sa, %sb) : (i8, i8) -> f32
  %v = arith.mulf %acc, %scale : f32
  %row_off = arith.muli %row, %c128 : i32
  %idx = arith.addi %row_off, %col : i32
  %p = llvm.getelementptr %d[%idx] : (!llvm.ptr, i32) -> !llvm.ptr, f32
  llvm.store %v, %p : f32, !llvm.ptr
  llvm.return
}

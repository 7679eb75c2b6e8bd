// RUN: sm120-opt %s -split-input-file -verify-diagnostics --sm120-serialize="chip=sm_90a" -o /dev/null
// RUN: not sm120-opt %s -split-input-file --sm120-serialize="chip=sm_100a" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHIP

// CHIP: error: unknown chip 'sm_100a'; expected one of sm_120a, sm_121a, sm_120f, sm_90a

// expected-error @+1 {{expected exactly one kernel function with 'sm120.abi'; found 0 (a bundle holds one kernel: compile each problem op, sm120.gemm or another, from a module of its own)}}
module {
  llvm.func @no_abi() {
    llvm.return
  }
}

// -----

// expected-error @+1 {{expected exactly one kernel function with 'sm120.abi'; found 2 (a bundle holds one kernel: compile each problem op, sm120.gemm or another, from a module of its own)}}
module {
  llvm.func @k1() attributes {nvvm.kernel, sm120.abi = #sm120.abi<tensors = [], params = [],
      launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
    llvm.return
  }
  llvm.func @k2() attributes {nvvm.kernel, sm120.abi = #sm120.abi<tensors = [], params = [],
      launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
    llvm.return
  }
}

// -----

// The chip's shared-memory budget is enforced before any codegen.
// expected-error @+1 {{kernel needs 101377 bytes of dynamic shared memory; sm_90a allows 101376}}
llvm.func @too_much_smem() attributes {nvvm.kernel, sm120.abi = #sm120.abi<tensors = [], params = [],
    launch = #sm120.launch<block = [32, 1, 1], dynamic_smem = 101377, grid = [1, 1, 1]>,
    problem = {family = "t"}>} {
  llvm.return
}

// -----

// Ops that have no LLVM IR translation are reported, not crashed on.
// expected-error @+1 {{failed to translate the kernel module to LLVM IR (it must hold only LLVM and NVVM dialect ops)}}
module {
  llvm.func @not_lowered(%n: i32) attributes {nvvm.kernel, sm120.abi = #sm120.abi<
      tensors = [#sm120.tensor<"a" : memref<?xf32>>], params = [#sm120.dim<0, 0 : i32>],
      launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
    // expected-error @+1 {{cannot be converted to LLVM IR}}
    %c = arith.addi %n, %n : i32
    llvm.return
  }
}

// -----

// A chip-specific op on the wrong chip is caught before the backend.
module {
  llvm.func @k() attributes {nvvm.kernel, sm120.abi = #sm120.abi<tensors = [],
      params = [], launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
    %z = llvm.mlir.constant(0 : i16) : i16
    %a = llvm.mlir.constant(0 : i32) : i32
    %b = llvm.mlir.constant(0 : i32) : i32
    %s = llvm.mlir.constant(127 : i32) : i32
    %c = llvm.mlir.constant(0.0 : f32) : f32
    // expected-error @+1 {{'nvvm.mma.block_scale' needs sm_120a, sm_121a or sm_120f; the target chip is sm_90a}}
    %r = nvvm.mma.block_scale A[%a, %a, %a, %a] B[%b, %b] C[%c, %c, %c, %c]
           scaleA[%s, %z, %z] scaleB[%s, %z, %z]
           {shape = #nvvm.shape<m = 16, n = 8, k = 32>,
            multiplicandAPtxType = #nvvm.mma_type<e4m3>, multiplicandBPtxType = #nvvm.mma_type<e4m3>,
            scaleVecSize = #nvvm.scale_vec_size<x1>, blockScaleFormat = #nvvm.block_scale_format<ue8m0>,
            kind = #nvvm.block_scale_kind<mxf8f6f4>}
           : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
    llvm.return
  }
}

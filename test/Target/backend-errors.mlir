// What the NVPTX backend cannot select is a diagnostic, not an abort.
// RUN: not sm120-opt %s --sm120-serialize="chip=sm_90a" -o /dev/null 2>&1 | FileCheck %s
// CHECK: error: the NVPTX backend failed for sm_90a: Cannot select: intrinsic %llvm.nvvm.tcgen05.fence.before.thread.sync
// CHECK-NOT: Stack dump
llvm.func @k() attributes {nvvm.kernel, sm120.abi = #sm120.abi<tensors = [], params = [],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  llvm.call_intrinsic "llvm.nvvm.tcgen05.fence.before.thread.sync"() : () -> ()
  llvm.return
}

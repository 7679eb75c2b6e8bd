// PTX that LLVM emits verbatim but the assembler rejects on sm_90a.
llvm.func @k() attributes {nvvm.kernel, sm120.abi = #sm120.abi<tensors = [], params = [],
    launch = #sm120.launch<block = [32, 1, 1], grid = [1, 1, 1]>, problem = {family = "t"}>} {
  nvvm.inline_ptx "tcgen05.fence::before_thread_sync;"
  llvm.return
}

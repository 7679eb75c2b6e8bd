//===- Passes.td - sm120 passes ----------------------------*- tablegen -*-===//

#ifndef SM120_TRANSFORMS_PASSES_TD
#define SM120_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def Summarize : Pass<"sm120-summarize", "mlir::ModuleOp"> {
  let summary = "Print a report of every kernel spec in the module";
  let description = [{
    For every function that holds sm120 problem ops, prints one report per
    op: the kernel family, problem sizes (`?` for runtime sizes), each
    operand's shape, element type and majorness, scale recipes, and the
    FLOP count (symbolic where a size is only known at runtime). The IR is
    left unchanged. Functions with more than one problem op are reported as
    an error: a kernel spec is one problem per function.
  }];
  let options = [
    Option<"outputFile", "output", "std::string", /*default=*/"\"-\"",
           "Where to write the report ('-' for stdout)">
  ];
}

def SelectSchedule : Pass<"sm120-select-schedule", "mlir::ModuleOp"> {
  let summary = "Choose (or check) the schedule of every GEMM";
  let description = [{
    For each `sm120.gemm` (and contiguous `sm120.grouped_gemm`, whose rows
    are checked one by one and so use the direct epilogue; its M is
    `expected_m` times the group count when given) without a `schedule`,
    enumerates candidate CTA
    tiles (BM 64/128, BN 16..256, BK by data type), gives each the most
    pipeline stages that fit the machine's shared memory, drops those that
    do not fit (shared memory, registers, MMA and swizzle granularity) and
    picks the cheapest under a cost model of MMA time, DRAM traffic with L2
    reuse, pipeline latency, epilogue and wave quantization. The choice is
    deterministic. A schedule the user wrote is kept and checked instead;
    one that does not fit is an error that gives the byte counts.

    `machine` selects the machine model (rtx-pro-6000, rtx-5090, gb10,
    h100); `sms` overrides its SM count; a runtime M is costed as
    `expected-m`. `print` reports each choice as a remark.
  }];
  let options = [
    Option<"machine", "machine", "std::string", /*default=*/"\"rtx-pro-6000\"",
           "Machine model preset">,
    Option<"sms", "sms", "unsigned", /*default=*/"0",
           "SM count (0: the preset's)">,
    Option<"expectedM", "expected-m", "int64_t", /*default=*/"4096",
           "Rows to cost for when M is a runtime size">,
    Option<"epilogue", "epilogue", "std::string", /*default=*/"\"any\"",
           "Epilogues to choose from: any, direct, tma_store or ring_store">,
    Option<"print", "print", "bool", /*default=*/"false",
           "Report each chosen schedule as a remark">
  ];
}

def LowerToTiles : Pass<"sm120-lower-to-tiles", "mlir::ModuleOp"> {
  let summary = "Rewrite scheduled GEMMs into tile programs";
  let description = [{
    Replaces every `sm120.gemm` that carries a `schedule` with its tile
    program (docs/design/tile-program.md): an `sm120.tile.loop` over the
    BM x BN output tiles whose body zeroes an accumulator, runs an `scf.for`
    over the K blocks that loads the A, B and scale tiles
    (`sm120.tile.load`) and accumulates their product (`sm120.tile.mma`),
    then stores the tile (`sm120.tile.store`, adding C when given).

    Scale tiles start at the granules of the tile's first row and K block:
    packed UE8M0 loads the i32 words ([words, rows]); the other layouts load
    [row granules, K granules] tiles with rows padded to 16 bytes. Head
    splits move to the store, which remaps the columns.

    `sm120.grouped_gemm` of kind `contiguous` becomes the same program over
    all rows: each tile first reads its group (`sm120.tile.group`, from the
    first row's layout entry or by counting prefix sums), loads B and its
    scales from that group's matrix, and stores only that group's rows. The
    schedule's BM is the alignment each group's rows must start on
    (`m_alignment` in the problem summary). Kind `masked` loops over each
    group's valid tiles (`counts`). Kind `k_grouped` loops over every tile
    of each group's [M, N] (`batches` G); the group's K columns come from
    `sm120.tile.k_range` and bound its K loop, and the schedule's BK is the
    alignment each group's K must keep (`k_alignment`). Its K-major
    operands must be [MN, sum K] matrices: 1-D concatenations of per-group
    blocks are not lowered yet.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
}

def AssignSwizzle : Pass<"sm120-assign-swizzle", "mlir::ModuleOp"> {
  let summary = "Choose the shared-memory swizzle of every MMA operand tile";
  let description = [{
    Gives each shared-memory tile that feeds the A or B operand of an
    `sm120.tile.mma` the XOR swizzle whose span equals its row size (32, 64
    or 128 bytes; lib/Schedule/Swizzle.h), by rewriting the tile's type:
    the TMA descriptor and the ldmatrix addresses are both derived from
    that type, so they cannot disagree, and every ldmatrix phase reads 32
    distinct banks. Tiles that only hold scales keep no swizzle. An operand
    tile whose rows are not a swizzle span is an error.
  }];
}

def Pipeline : Pass<"sm120-pipeline", "mlir::ModuleOp"> {
  let summary = "Turn each tile loop's K-block loads into an N-stage pipeline";
  let description = [{
    For every `sm120.tile.loop`, gathers the `sm120.tile.load`s of its K
    loop into one stage of an `!sm120.pipeline` with the schedule's stage
    count (`sm120.pipeline.create` before the loop): the loads move into an
    `sm120.pipeline.produce`, their users read the tiles of the matching
    `sm120.pipeline.consume`, and an `sm120.pipeline.release` follows the
    last user. The program keeps its meaning when run by one role; the
    stages let a producer run up to `stages` K blocks ahead once the roles
    are split. Loads must run after swizzles are assigned (the ring holds
    the final tile types).
  }];
}

def WarpSpecialize : Pass<"sm120-warp-specialize", "mlir::ModuleOp"> {
  let summary = "Split pipelined tile loops into producer and math warp roles";
  let description = [{
    Wraps every pipelined `sm120.tile.loop` in an `sm120.warp_specialize`:
    the producer role keeps the tile loop with only its K loop's
    `sm120.pipeline.produce`s (and the index arithmetic they need); the math
    role keeps everything else. Warp counts come from the schedule (its TMA
    warps and warp layout); the register split gives the producers the
    minimum (40 per thread) and the math warps the rest of the register
    file, rounded down to a multiple of 8 and capped at 256.
  }];
}

def LowerToNVVM : Pass<"sm120-lower-to-nvvm", "mlir::ModuleOp"> {
  let summary = "Lower warp-specialized tile programs to NVVM kernels";
  let description = [{
    Turns every function holding an `sm120.warp_specialize` into an
    `llvm.func` kernel carrying its `sm120.abi`: a TMA descriptor parameter
    per loaded tensor, a pointer per other tensor, the runtime sizes, and a
    persistent launch over the output tiles. Roles become warp-index
    branches with `setmaxnreg`; each pipeline becomes a ring of stages in
    dynamic shared memory with full/empty mbarriers (the elected producer
    lane waits for an empty stage, arms its full barrier with the stage's
    byte count and issues the TMA loads; math warps wait for full stages and
    each warp's lane 0 releases them). `sm120.tile.mma` becomes ldmatrix
    loads at the swizzled addresses and one `mma.sync` per 16x8 fragment:
    the block-scaled form on sm_120a/sm_121a; on sm_90a, the verification
    twin, a plain mma.sync whose result is scaled with the scale registers
    of the sm_120a instruction, read from the lanes its selectors name.
    `sm120.tile.store` writes the registers with row/column bounds.

    Lowered so far: K-major BF16 x BF16 and FP8 e4m3 x e4m3 with packed
    UE8M0 scales (MN granularity 1), and on sm_120a/sm_121a FP4 e2m1 x e2m1
    (mxf4nvf4: packed UE8M0 scales two per MMA, or NVFP4's UE4M3 per 16
    elements four per MMA); BF16/FP32 output, optional C, direct epilogue;
    anything else is a diagnostic.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_120f\"",
           "Target chip: sm_120f (the default: every sm_12x), sm_120a, "
           "sm_121a or sm_90a (the twin)">,
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::NVVM::NVVMDialect",
                           "mlir::arith::ArithDialect", "mlir::scf::SCFDialect"];
}

def Serialize : Pass<"sm120-serialize", "mlir::ModuleOp"> {
  let summary = "Compile the kernel module to PTX and a cubin, and write a bundle";
  let description = [{
    The module must hold only LLVM and NVVM dialect ops and exactly one
    kernel `llvm.func` carrying an `sm120.abi` attribute. The pass
    translates it to LLVM IR and runs LLVM's NVPTX backend in-process for
    `chip`, assembles the PTX with libnvJitLink (or the ptxas executable
    when the library is missing; kernels with `setmaxnreg` go to the ptxas
    executable first, since libnvJitLink's relocatable mode drops the
    register budgets) and writes the bundle directory `output`:
    the cubin, the PTX and `manifest.json` (docs/bundle-manifest.md) with
    the assembler's report (registers, spills, stack, shared memory) and
    the time of each stage. Without a CUDA toolkit it stops at PTX with a
    warning. `ptx` writes the PTX to a file (`-` for stdout) with or
    without a bundle. The IR is left unchanged.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_120f\"",
           "Target chip: sm_120f (the default: every sm_12x), sm_120a, "
           "sm_121a or sm_90a">,
    Option<"output", "output", "std::string", /*default=*/"\"\"",
           "Bundle directory to write (none when empty)">,
    Option<"ptxFile", "ptx", "std::string", /*default=*/"\"\"",
           "Also write the PTX to this file ('-' for stdout)">,
    Option<"optLevel", "opt-level", "unsigned", /*default=*/"3",
           "LLVM optimization level (0-3)">,
    Option<"toolkit", "toolkit", "std::string", /*default=*/"\"\"",
           "CUDA toolkit root (default: CUDA_HOME, then /usr/local/cuda)">,
    Option<"printReport", "report", "bool", /*default=*/"false",
           "Print the assembler report and stage times to stdout">
  ];
}

#endif // SM120_TRANSFORMS_PASSES_TD

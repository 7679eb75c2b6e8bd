//===- Compile.cpp - problem description to bundle, in memory ---*- C++ -*-===//
//
// Builds the sm120 module of a problem with the C++ builders (no text round
// trip), runs the sm120-compile stages and serializes the kernel in memory.
// Every failure becomes an sm120rt::Error carrying the diagnostics.
//
//===----------------------------------------------------------------------===//

#include "sm120/JIT/JIT.h"

#include "sm120/Dialect/SM120/IR/SM120.h"
#include "sm120/Target/Pipelines.h"
#include "sm120/Target/Target.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <limits>

using sm120rt::Code;
using sm120rt::CompiledKernel;
using sm120rt::CompileOptions;
using sm120rt::DType;
using sm120rt::Error;
using sm120rt::Expected;
using sm120rt::GemmProblem;
using sm120rt::ScaleRecipe;

namespace {

Error fail(Code code, std::string message) {
  return Error{code, std::move(message)};
}

/// Collects the error diagnostics emitted while it lives, notes included.
class DiagnosticCollector {
public:
  explicit DiagnosticCollector(mlir::MLIRContext &ctx)
      : handler(&ctx, [this](mlir::Diagnostic &diag) {
          if (diag.getSeverity() != mlir::DiagnosticSeverity::Error)
            return mlir::success();
          llvm::raw_string_ostream os(text);
          if (!text.empty())
            os << "\n";
          os << diag.str();
          for (mlir::Diagnostic &note : diag.getNotes())
            os << "\n  note: " << note.str();
          return mlir::success();
        }) {}

  std::string take(llvm::StringRef fallback) {
    return text.empty() ? fallback.str() : std::move(text);
  }

private:
  std::string text;
  mlir::ScopedDiagnosticHandler handler;
};

/// The MLIR element type of a GEMM operand or output dtype.
std::optional<mlir::Type> elementType(mlir::MLIRContext &ctx, DType dtype) {
  switch (dtype) {
  case DType::F8E4M3:
    return mlir::Float8E4M3FNType::get(&ctx);
  case DType::F4E2M1:
    return mlir::Float4E2M1FNType::get(&ctx);
  case DType::BF16:
    return mlir::BFloat16Type::get(&ctx);
  case DType::F32:
    return mlir::Float32Type::get(&ctx);
  default:
    return std::nullopt;
  }
}

/// Checks what the op verifier cannot see: dtypes outside the GEMM's
/// vocabulary and sizes that would not make a type.
sm120rt::Status checkProblem(const GemmProblem &p) {
  auto operand = [](DType t) {
    return t == DType::F8E4M3 || t == DType::F4E2M1 || t == DType::BF16;
  };
  for (auto [name, t] : {std::pair{"a", p.a}, std::pair{"b", p.b}})
    if (!operand(t))
      return fail(Code::InvalidArgument,
                  llvm::formatv("gemm: operand {0} has dtype {1}; expected "
                                "f8e4m3, f4e2m1 or bf16",
                                name, sm120rt::dtypeName(t)));
  if (p.d != DType::BF16 && p.d != DType::F32)
    return fail(Code::InvalidArgument,
                llvm::formatv("gemm: output d has dtype {0}; expected bf16 "
                              "or f32",
                              sm120rt::dtypeName(p.d)));
  if (p.masked && (p.groups <= 0 || p.prefixSum || !p.bKMajor))
    return fail(Code::InvalidArgument,
                llvm::formatv("gemm: a masked problem has groups > 0, K-major "
                              "operands and no prefix sums; got groups = {0}"
                              "{1}{2}",
                              p.groups, p.prefixSum ? ", prefix sums" : "",
                              p.bKMajor ? "" : ", B MN-major"));
  if (p.batchReduced && (p.groups != 0 || p.batched || p.a != DType::BF16 ||
                         p.alpha || !p.aKMajor || !p.bKMajor))
    return fail(Code::InvalidArgument,
                "gemm: a batch-reduced problem (bmk,bnk->mn) has BF16 K-major "
                "operands, no groups and no alpha");
  // Batched: B K-major is bhr,hdr->bhd, B MN-major bhd,hdr->bhr, both
  // MN-major bhd,bhr->hdr (K, the batch rows, a runtime size).
  bool hdr = p.batched && !p.aKMajor;
  if (p.dStrided && !p.batched)
    return fail(Code::InvalidArgument,
                "gemm: strided C and D are lowered for batched problems");
  if (p.batchStacked && (!p.batched || !p.aKMajor || !p.bKMajor))
    return fail(Code::InvalidArgument,
                "gemm: a stacked batched problem (bmk,bnk->bmn) is batched "
                "with K-major operands");
  if (p.batched && (p.groups <= 0 || p.masked || p.prefixSum ||
                    (hdr && (p.bKMajor || p.k != 0))))
    return fail(Code::InvalidArgument,
                llvm::formatv("gemm: a batched problem has groups > 0 heads, "
                              "no prefix sums and is not masked, and with an "
                              "MN-major A (bhd,bhr->hdr) an MN-major B and "
                              "K = 0; got groups = {0}{1}{2}{3}",
                              p.groups, p.masked ? ", masked" : "",
                              p.prefixSum ? ", prefix sums" : "",
                              hdr ? llvm::formatv(", K = {0}", p.k).str()
                                  : std::string()));
  if (p.groups < 0 ||
      (p.groups > 0 && !p.kGrouped && !hdr && (!p.aKMajor || p.alpha)))
    return fail(Code::InvalidArgument,
                llvm::formatv("gemm: a grouped problem has groups > 0, a "
                              "K-major A and no alpha; got groups = {0}{1}{2}",
                              p.groups, p.aKMajor ? "" : ", A MN-major",
                              p.alpha ? ", alpha" : ""));
  // K-grouped: C and D f32, operands of one majorness, sum K a runtime size.
  if (p.kGrouped && (p.groups <= 0 || p.masked || p.batched || p.prefixSum ||
                     p.alpha || p.batchReduced || !p.accumulate ||
                     p.d != DType::F32 || p.k != 0 || p.aKMajor != p.bKMajor))
    return fail(Code::InvalidArgument,
                llvm::formatv("gemm: a K-grouped problem has groups > 0, an "
                              "f32 C and D, operands of one majorness, K = 0 "
                              "(sum K is a runtime size) and nothing else; "
                              "got groups = {0}, K = {1}",
                              p.groups, p.k));
  if (p.kAlignment != 0 &&
      (!p.kGrouped || p.kAlignment < 0 || p.kAlignment % 64 != 0))
    return fail(Code::InvalidArgument,
                llvm::formatv("gemm: a K alignment applies to K-grouped "
                              "problems and is a positive multiple of 64; "
                              "got {0}",
                              p.kAlignment));
  if (p.kBlocks && (!p.kGrouped || !p.aKMajor))
    return fail(Code::InvalidArgument,
                "gemm: 1-D concatenated K blocks are a K-grouped problem's "
                "K-major operands");
  if (p.n <= 0 || p.k < 0 ||
      (p.k == 0 && !p.kGrouped && !hdr && !p.batchStacked))
    return fail(
        Code::InvalidArgument,
        llvm::formatv("gemm: N = {0} and K = {1} must be positive", p.n, p.k));
  // TMA coordinates and the kernels' tile indices are 32-bit.
  constexpr int64_t kMaxSize = std::numeric_limits<int32_t>::max();
  if (p.n > kMaxSize || p.k > kMaxSize || p.groups > kMaxSize)
    return fail(Code::InvalidArgument,
                llvm::formatv("gemm: N = {0}, K = {1} and groups = {2} must "
                              "be at most 2^31 - 1",
                              p.n, p.k, p.groups));
  for (auto [name, r] : {std::pair{"sfa", &p.sfa}, std::pair{"sfb", &p.sfb}}) {
    if (!*r)
      continue;
    if ((*r)->mn <= 0 || (*r)->k <= 0 || (*r)->mn > UINT32_MAX ||
        (*r)->k > UINT32_MAX)
      return fail(Code::InvalidArgument,
                  llvm::formatv("gemm: {0} recipe granularities mn = {1}, "
                                "k = {2} must be positive",
                                name, (*r)->mn, (*r)->k));
  }
  return sm120rt::Status::success();
}

/// A memref of the given extents (kDynamic for the runtime M).
mlir::MemRefType memref(llvm::ArrayRef<int64_t> shape, mlir::Type elem) {
  return mlir::MemRefType::get(shape, elem);
}

/// Builds `func.func @name(...) { sm120.gemm ...; return }`; emits a
/// diagnostic and returns failure when a recipe is malformed.
mlir::FailureOr<mlir::ModuleOp> buildModule(mlir::MLIRContext &ctx,
                                            const GemmProblem &p,
                                            const CompileOptions &o,
                                            llvm::StringRef name) {
  namespace sm = mlir::sm120;
  mlir::Location loc = mlir::NameLoc::get(mlir::StringAttr::get(&ctx, name));
  mlir::OpBuilder b(&ctx);
  mlir::ModuleOp module = mlir::ModuleOp::create(loc);
  int64_t dyn = mlir::ShapedType::kDynamic;
  mlir::Type ea = *elementType(ctx, p.a), eb = *elementType(ctx, p.b);
  mlir::Type ed = *elementType(ctx, p.d);

  // K-grouped: K is sum K, a runtime size; so is bhd,bhr->hdr's b and
  // bmk,bnk->bmn's k when 0.
  bool hdr = p.batched && !p.aKMajor;
  int64_t k = p.kGrouped || hdr || p.k == 0 ? dyn : p.k;
  auto operandShape = [&](int64_t mn, bool kMajor) {
    return kMajor ? llvm::SmallVector<int64_t>{mn, k}
                  : llvm::SmallVector<int64_t>{k, mn};
  };
  auto emitError = [&]() { return mlir::emitError(loc); };
  auto recipe = [&](const std::optional<ScaleRecipe> &r)
      -> mlir::FailureOr<sm::BlockScaleAttr> {
    if (!r)
      return sm::BlockScaleAttr();
    using F = ScaleRecipe::Format;
    sm::ScaleFormat f = r->format == F::UE8M0   ? sm::ScaleFormat::UE8M0
                        : r->format == F::UE4M3 ? sm::ScaleFormat::UE4M3
                                                : sm::ScaleFormat::F32;
    sm::BlockScaleAttr attr = sm::BlockScaleAttr::getChecked(
        emitError, &ctx, f, static_cast<unsigned>(r->mn),
        static_cast<unsigned>(r->k), r->packed);
    if (!attr)
      return mlir::failure();
    return attr;
  };
  mlir::FailureOr<sm::BlockScaleAttr> ra = recipe(p.sfa), rb = recipe(p.sfb);
  if (failed(ra) || failed(rb))
    return mlir::failure();

  // A grouped problem stacks B and its scales per group; a masked one
  // every operand (M is then max_m).
  auto perGroup = [&](llvm::SmallVector<int64_t> shape) {
    if (p.groups > 0 && !p.kGrouped)
      shape.insert(shape.begin(), p.groups);
    return shape;
  };
  // K-grouped: C and D stack one [M, N] per group.
  auto perOutputGroup = [&](llvm::SmallVector<int64_t> shape) {
    if (p.kGrouped)
      shape.insert(shape.begin(), p.groups);
    return shape;
  };
  auto perMaskedGroup = [&](llvm::SmallVector<int64_t> shape) {
    return p.masked ? perGroup(shape) : shape;
  };
  // Batched: A, C and D hold the heads in their middle dimension (stacked:
  // in their first).
  auto perRowGroup = [&](llvm::SmallVector<int64_t> shape) {
    if (p.batchStacked)
      return perGroup(shape);
    if (p.batched)
      shape.insert(shape.begin() + 1, p.groups);
    return perMaskedGroup(shape);
  };
  auto perScaleGroup = [&](llvm::SmallVector<int64_t> shape) {
    return p.batched ? perGroup(shape) : perMaskedGroup(shape);
  };
  // Batch-reduced: A and B stack a runtime count of batches.
  auto perBatch = [&](llvm::SmallVector<int64_t> shape) {
    if (p.batchReduced)
      shape.insert(shape.begin(), dyn);
    return shape;
  };
  llvm::SmallVector<mlir::Type> args = {
      memref(perBatch(perRowGroup(operandShape(dyn, p.aKMajor))), ea),
      memref(perBatch(perGroup(operandShape(p.n, p.bKMajor))), eb)};
  // bhd,bhr->hdr: b [b, h, r] holds the heads in its middle, c and d
  // [h, d, r] in their first.
  if (hdr)
    args[1] = memref({dyn, p.groups, p.n}, eb);
  // K-grouped blocks: each operand's groups' [MN, K_g] blocks in a row.
  if (p.kBlocks)
    args = {memref({dyn}, ea), memref({dyn}, eb)};
  if (*ra && *rb && p.kGrouped) {
    // Packed [rows, align(MN, 4)]: the rows hold every group's words.
    args.push_back(memref({dyn, dyn}, ra->getScaleElementType(&ctx)));
    args.push_back(memref({dyn, rb->getScaleShape(p.n, 1)[1]},
                          rb->getScaleElementType(&ctx)));
  } else if (*ra && *rb) {
    args.push_back(
        memref(perScaleGroup(llvm::to_vector(ra->getScaleShape(dyn, k))),
               ra->getScaleElementType(&ctx)));
    args.push_back(memref(perGroup(llvm::to_vector(rb->getScaleShape(p.n, k))),
                          rb->getScaleElementType(&ctx)));
  } else if (*ra || *rb) {
    emitError() << "gemm: give scale recipes for both operands or neither";
    return mlir::failure();
  }
  if (p.groups > 0 && !p.batched)
    args.push_back(
        memref({p.prefixSum || p.masked || p.kGrouped ? p.groups : dyn},
               b.getI32Type()));
  llvm::SmallVector<int64_t> out = perOutputGroup(perRowGroup({dyn, p.n}));
  if (hdr)
    out = {p.groups, dyn, p.n};
  // Strided C and D: every stride but the last a launch-time value.
  auto output = [&](mlir::Type elem) {
    if (!p.dStrided)
      return memref(out, elem);
    llvm::SmallVector<int64_t> strides(out.size(), dyn);
    strides.back() = 1;
    return mlir::MemRefType::get(
        out, elem, mlir::StridedLayoutAttr::get(&ctx, 0, strides));
  };
  if (p.accumulate)
    args.push_back(output(b.getF32Type()));
  if (p.alpha)
    args.push_back(memref({1}, b.getF32Type()));
  args.push_back(output(ed));

  b.setInsertionPointToEnd(module.getBody());
  auto fn =
      mlir::func::FuncOp::create(b, loc, name, b.getFunctionType(args, {}));
  mlir::Block *body = fn.addEntryBlock();
  b.setInsertionPointToEnd(body);
  unsigned next = 0;
  mlir::Value a = body->getArgument(next++), bv = body->getArgument(next++);
  mlir::Value sfa, sfb, c, alpha, layout;
  if (*ra) {
    sfa = body->getArgument(next++);
    sfb = body->getArgument(next++);
  }
  if (p.groups > 0 && !p.batched)
    layout = body->getArgument(next++);
  if (p.accumulate)
    c = body->getArgument(next++);
  if (p.alpha)
    alpha = body->getArgument(next++);
  mlir::Value d = body->getArgument(next++);

  sm::ScheduleAttr schedule;
  if (!o.schedule.empty()) {
    mlir::Attribute parsed = mlir::parseAttribute(o.schedule, &ctx);
    schedule = llvm::dyn_cast_or_null<sm::ScheduleAttr>(parsed);
    if (!schedule) {
      emitError() << "gemm: schedule '" << o.schedule
                  << "' is not an #sm120.schedule<...> attribute";
      return mlir::failure();
    }
  }
  auto major = [](bool kMajor) {
    return kMajor ? sm::Major::K : sm::Major::MN;
  };
  if (p.batched || p.batchReduced)
    sm::BatchedGemmOp::create(b, loc,
                              !p.batched       ? "bmk,bnk->mn"
                              : p.batchStacked ? "bmk,bnk->bmn"
                              : hdr            ? "bhd,bhr->hdr"
                              : p.bKMajor      ? "bhr,hdr->bhd"
                                               : "bhd,hdr->bhr",
                              a, bv, sfa, sfb, c, d, *ra ? *ra : nullptr,
                              *rb ? *rb : nullptr, schedule);
  else if (p.groups > 0)
    sm::GroupedGemmOp::create(
        b, loc,
        p.kGrouped ? sm::GroupedKind::KGrouped
        : p.masked ? sm::GroupedKind::Masked
                   : sm::GroupedKind::Contiguous,
        a, bv, sfa, sfb, layout, c, d, major(p.aKMajor), major(p.bKMajor),
        *ra ? *ra : nullptr, *rb ? *rb : nullptr, p.prefixSum,
        /*expected_m=*/nullptr,
        p.kAlignment > 0 ? b.getI64IntegerAttr(p.kAlignment) : nullptr,
        schedule);
  else
    sm::GemmOp::create(b, loc, a, bv, sfa, sfb, c, alpha, d, major(p.aKMajor),
                       major(p.bKMajor), *ra ? *ra : nullptr,
                       *rb ? *rb : nullptr,
                       /*head_splits=*/nullptr, schedule);
  mlir::func::ReturnOp::create(b, loc);
  return module;
}

} // namespace

Expected<CompiledKernel> sm120jit::compileGemm(const GemmProblem &p,
                                               const CompileOptions &o) {
  auto start = std::chrono::steady_clock::now();
  if (sm120rt::Status s = checkProblem(p); !s)
    return s.error();
  std::optional<mlir::sm120::ChipInfo> chip = mlir::sm120::lookupChip(o.chip);
  if (!chip)
    return fail(Code::InvalidArgument,
                llvm::formatv("gemm: unknown chip '{0}'; expected one of {1}",
                              o.chip, mlir::sm120::supportedChips()));
  if (!mlir::sm120::hasAssembler(o.toolkit))
    return fail(Code::NotSupported,
                "gemm: no CUDA toolkit with ptxas or libnvJitLink found (set "
                "CUDA_HOME); the JIT needs one to make cubins");

  mlir::MLIRContext ctx(mlir::MLIRContext::Threading::DISABLED);
  ctx.printOpOnDiagnostic(false);
  ctx.loadDialect<mlir::sm120::SM120Dialect, mlir::func::FuncDialect,
                  mlir::memref::MemRefDialect>();
  DiagnosticCollector diags(ctx);

  // MN-major operands are named by a t (transposed) after their dtype.
  std::string name =
      llvm::formatv("{7}gemm_{0}{8}_{1}{9}_n{2}_k{3}_{4}{5}{6}",
                    sm120rt::dtypeName(p.a), sm120rt::dtypeName(p.b), p.n, p.k,
                    sm120rt::dtypeName(p.d), p.accumulate ? "_acc" : "",
                    p.alpha ? "_alpha" : "",
                    p.groups > 0 ? llvm::formatv("{0}{1}_",
                                                 p.batchStacked ? "bmn"
                                                 : p.batched    ? "batched"
                                                 : p.masked     ? "masked"
                                                 : p.kBlocks    ? "kblocks"
                                                 : p.kGrouped   ? "kgrouped"
                                                                : "grouped",
                                                 p.groups)
                                       .str()
                    : p.batchReduced ? std::string("bmk_")
                                     : std::string(),
                    p.aKMajor ? "" : "t", p.bKMajor ? "" : "t")
          .str();
  mlir::FailureOr<mlir::ModuleOp> built = buildModule(ctx, p, o, name);
  if (failed(built))
    return fail(Code::InvalidArgument, diags.take("gemm: invalid problem"));
  mlir::OwningOpRef<mlir::ModuleOp> module(*built);
  if (failed(mlir::verify(*module)))
    return fail(Code::InvalidArgument, diags.take("gemm: invalid problem"));

  mlir::sm120::CompileOptions pipeline;
  pipeline.chip = o.chip;
  if (!o.machine.empty())
    pipeline.machine = o.machine;
  pipeline.sms = o.sms;
  pipeline.expectedM = o.expectedM;
  mlir::PassManager pm(&ctx);
  mlir::sm120::buildCompileToLLVMPipeline(pm, pipeline);
  if (failed(pm.run(*module)))
    return fail(Code::CompileError, diags.take("gemm: compilation failed"));

  mlir::FailureOr<mlir::sm120::KernelBundle> bundle = mlir::sm120::buildBundle(
      *module, *chip, /*optLevel=*/3, o.toolkit, /*assemble=*/true);
  if (failed(bundle))
    return fail(Code::CompileError, diags.take("gemm: code generation failed"));

  CompiledKernel out;
  out.manifest = std::move(bundle->manifest);
  out.cubin = std::move(bundle->cubin);
  out.compileMs = std::chrono::duration<double, std::milli>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  return out;
}

void sm120jit::registerCompiler() {
  sm120rt::registerGemmCompiler(&sm120jit::compileGemm);
}

extern "C" __attribute__((visibility("default"))) void
sm120jit_register_compiler(void) {
  sm120jit::registerCompiler();
}

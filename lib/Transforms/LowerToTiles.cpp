//===- LowerToTiles.cpp - scheduled GEMM to tile program --------*- C++ -*-===//

#include "sm120/Dialect/SM120/IR/SM120.h"
#include "sm120/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <numeric>

namespace mlir::sm120 {
#define GEN_PASS_DEF_LOWERTOTILES
#include "sm120/Transforms/Passes.h.inc"
} // namespace mlir::sm120

using namespace mlir;
using namespace mlir::sm120;

namespace {

/// Size `dim` of `memref` as an index value (a constant when static).
Value dimValue(OpBuilder &b, Location loc, Value memref, unsigned dim) {
  auto type = cast<MemRefType>(memref.getType());
  if (!type.isDynamicDim(dim))
    return arith::ConstantIndexOp::create(b, loc, type.getDimSize(dim));
  return memref::DimOp::create(b, loc, memref, dim);
}

/// Loads the operand tile covering `mnRows` rows from `mn0` and BK columns
/// of K from `k0`, in the operand's own majorness. FP4 facing FP8 (the
/// mxf8f6f4 MMA takes it one element per byte) is loaded unpacked.
Value loadOperand(OpBuilder &b, Location loc, Value operand, Value other,
                  Major major, Value mn0, Value k0, int64_t mnRows,
                  int64_t bk) {
  Type elem = cast<MemRefType>(operand.getType()).getElementType();
  Type otherElem = cast<MemRefType>(other.getType()).getElementType();
  bool unpacked =
      isa<Float4E2M1FNType>(elem) && isa<Float8E4M3FNType>(otherElem);
  bool kMajor = major == Major::K;
  auto tile =
      SmemTileType::get(b.getContext(), kMajor ? mnRows : bk,
                        kMajor ? bk : mnRows, elem, /*swizzle=*/0, unpacked);
  return TileLoadOp::create(b, loc, tile, operand, kMajor ? mn0 : k0,
                            kMajor ? k0 : mn0);
}

/// Loads the scale tile for `mnRows` rows from `mn0` and the K block at
/// `k0`, starting at their granules (see sm120.tile.mma).
Value loadScales(OpBuilder &b, Location loc, Value scales,
                 BlockScaleAttr recipe, Value mn0, Value k0, int64_t mnRows,
                 int64_t bk) {
  MLIRContext *ctx = b.getContext();
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  if (recipe.getPacked()) {
    // [words, rows]: one i32 per row holds four K granules.
    int64_t wordSpan = 4 * recipe.getK();
    int64_t words = (bk + wordSpan - 1) / wordSpan;
    auto tile = SmemTileType::get(ctx, words, mnRows, b.getI32Type(), 0, false);
    Value word = arith::DivUIOp::create(b, loc, k0, index(wordSpan));
    return TileLoadOp::create(b, loc, tile, scales, word, mn0);
  }
  // [rows / mn, K / k], K contiguous. A tile that is not a whole number of
  // granules straddles one more row granule; TMA rows are padded to 16
  // bytes (the extra columns are the next blocks' scales, or zero fill).
  Type elem = cast<MemRefType>(scales.getType()).getElementType();
  int64_t mn = recipe.getMn(), gk = recipe.getK();
  // Tiles start at multiples of mnRows, so they begin at most
  // mn - gcd(mnRows, mn) rows into a granule.
  int64_t misalign = mnRows % mn ? mn - std::gcd(mnRows, mn) : 0;
  int64_t rows = (mnRows + misalign + mn - 1) / mn;
  int64_t perRow16 = 16 / (elem.getIntOrFloatBitWidth() / 8);
  int64_t granules = (bk + gk - 1) / gk;
  int64_t cols = (granules + perRow16 - 1) / perRow16 * perRow16;
  auto tile = SmemTileType::get(ctx, rows, cols, elem, 0, false);
  Value row = arith::DivUIOp::create(b, loc, mn0, index(mn));
  Value col = arith::DivUIOp::create(b, loc, k0, index(gk));
  return TileLoadOp::create(b, loc, tile, scales, row, col);
}

DictionaryAttr recipeDict(Builder &b, BlockScaleAttr r) {
  return b.getDictionaryAttr(
      {b.getNamedAttr("format",
                      b.getStringAttr(stringifyScaleFormat(r.getFormat()))),
       b.getNamedAttr("mn", b.getI64IntegerAttr(r.getMn())),
       b.getNamedAttr("k", b.getI64IntegerAttr(r.getK())),
       b.getNamedAttr("packed", b.getBoolAttr(r.getPacked()))});
}

/// Records on the enclosing function what the kernel computes and which
/// argument is which operand (`sm120.problem`), for the kernel ABI that
/// sm120-lower-to-nvvm writes: the runtime's reference reads these names.
LogicalResult annotateProblem(GemmOp op) {
  auto func = op->getParentOfType<FunctionOpInterface>();
  if (!func)
    return op.emitOpError("must be inside a function to become a kernel");
  Builder b(op.getContext());
  SmallVector<std::pair<Value, StringRef>> roles = {
      {op.getA(), "a"}, {op.getB(), "b"}, {op.getD(), "d"}};
  if (op.getSfa())
    roles.append({{op.getSfa(), "sfa"}, {op.getSfb(), "sfb"}});
  if (op.getC())
    roles.push_back({op.getC(), "c"});
  if (op.getAlpha())
    roles.push_back({op.getAlpha(), "alpha"});
  SmallVector<Attribute> names(func.getNumArguments(), b.getStringAttr(""));
  for (auto [value, name] : roles) {
    auto arg = dyn_cast<BlockArgument>(value);
    if (!arg || arg.getOwner() != &func.getFunctionBody().front())
      return op.emitOpError() << "operand '" << name
                              << "' must be an argument of the kernel function";
    if (!cast<StringAttr>(names[arg.getArgNumber()]).getValue().empty())
      return op.emitOpError() << "operand '" << name << "' shares argument #"
                              << arg.getArgNumber() << " with another operand";
    names[arg.getArgNumber()] = b.getStringAttr(name);
  }
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("family", b.getStringAttr("gemm")),
      b.getNamedAttr("names", b.getArrayAttr(names)),
      b.getNamedAttr("outputs", b.getStrArrayAttr({"d"})),
      b.getNamedAttr("a_major",
                     b.getStringAttr(stringifyMajor(op.getAMajor()))),
      b.getNamedAttr("b_major",
                     b.getStringAttr(stringifyMajor(op.getBMajor())))};
  if (op.getSfa()) {
    fields.push_back(b.getNamedAttr("sfa", recipeDict(b, *op.getSfaRecipe())));
    fields.push_back(b.getNamedAttr("sfb", recipeDict(b, *op.getSfbRecipe())));
  }
  if (ScheduleAttr schedule = op.getScheduleAttr()) {
    // The schedule the kernel was built with, for benchmarks and reports.
    std::string text;
    llvm::raw_string_ostream os(text);
    os << schedule;
    fields.push_back(b.getNamedAttr("schedule", b.getStringAttr(text)));
  }
  func->setAttr("sm120.problem", b.getDictionaryAttr(fields));
  return success();
}

LogicalResult lowerGemm(GemmOp op) {
  ScheduleAttr s = op.getScheduleAttr();
  if (!s)
    return op.emitOpError("has no schedule; run sm120-select-schedule first");
  if (failed(annotateProblem(op)))
    return failure();
  OpBuilder b(op);
  Location loc = op.getLoc();
  int64_t bm = s.getBlockM(), bn = s.getBlockN(), bk = s.getBlockK();
  bool aK = op.getAMajor() == Major::K, bK = op.getBMajor() == Major::K;
  Value m = dimValue(b, loc, op.getA(), aK ? 0 : 1);
  Value n = dimValue(b, loc, op.getB(), bK ? 0 : 1);
  Value k = dimValue(b, loc, op.getA(), aK ? 1 : 0);

  auto loop = TileLoopOp::create(b, loc, m, n, s);
  Block &body = loop.getBody().front();
  b.setInsertionPointToStart(&body);
  Value m0 = body.getArgument(0), n0 = body.getArgument(1);

  auto accType = AccTileType::get(b.getContext(), bm, bn);
  Value zero = AccZeroOp::create(b, loc, accType);
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value bkValue = arith::ConstantIndexOp::create(b, loc, bk);
  auto kLoop = scf::ForOp::create(b, loc, c0, k, bkValue, ValueRange{zero});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value k0 = kLoop.getInductionVar();
    Value acc = kLoop.getRegionIterArgs()[0];
    Value a = loadOperand(b, loc, op.getA(), op.getB(), op.getAMajor(), m0, k0,
                          bm, bk);
    Value bt = loadOperand(b, loc, op.getB(), op.getA(), op.getBMajor(), n0, k0,
                           bn, bk);
    Value sfa, sfb;
    if (op.getSfa()) {
      sfa = loadScales(b, loc, op.getSfa(), *op.getSfaRecipe(), m0, k0, bm, bk);
      sfb = loadScales(b, loc, op.getSfb(), *op.getSfbRecipe(), n0, k0, bn, bk);
    }
    auto mma = TileMmaOp::create(b, loc, accType, acc, a, bt, sfa, sfb, m0, n0,
                                 k0, op.getAMajorAttr(), op.getBMajorAttr(),
                                 op.getSfaRecipeAttr(), op.getSfbRecipeAttr());
    scf::YieldOp::create(b, loc, mma.getResult());
  }
  EpilogueOp::create(b, loc, kLoop.getResult(0), op.getC(), op.getAlpha(),
                     op.getD(), m0, n0, op.getHeadSplitsAttr());
  op.erase();
  return success();
}

struct LowerToTiles : sm120::impl::LowerToTilesBase<LowerToTiles> {
  void runOnOperation() override {
    // The other kernel families are checked and summarized, not lowered:
    // say so here rather than let the pipeline end without a kernel.
    WalkResult unsupported = getOperation().walk([&](Operation *op) {
      if (!isa<GroupedGemmOp, BatchedGemmOp, MqaLogitsOp, PagedMqaLogitsOp>(op))
        return WalkResult::advance();
      op->emitOpError("is not lowered yet; sm120-lower-to-tiles lowers "
                      "sm120.gemm (the dense GEMM family)");
      return WalkResult::interrupt();
    });
    if (unsupported.wasInterrupted())
      return signalPassFailure();
    SmallVector<GemmOp> gemms;
    getOperation().walk([&](GemmOp op) { gemms.push_back(op); });
    for (GemmOp op : gemms)
      if (failed(lowerGemm(op)))
        return signalPassFailure();
  }
};

} // namespace

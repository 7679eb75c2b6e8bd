//===- LowerToTiles.cpp - scheduled GEMM to tile program --------*- C++ -*-===//

#include "sm120/Dialect/SM120/IR/SM120.h"
#include "sm120/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

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
/// of K from `k0`, in the operand's own majorness.
Value loadOperand(OpBuilder &b, Location loc, Value operand, Major major,
                  Value mn0, Value k0, int64_t mnRows, int64_t bk) {
  Type elem = cast<MemRefType>(operand.getType()).getElementType();
  bool kMajor = major == Major::K;
  auto tile = SmemTileType::get(b.getContext(), kMajor ? mnRows : bk,
                                kMajor ? bk : mnRows, elem, /*swizzle=*/0);
  return TileLoadOp::create(b, loc, tile, operand, kMajor ? mn0 : k0,
                            kMajor ? k0 : mn0);
}

/// Loads the packed UE8M0 scale words of `mnRows` rows for the K block at
/// `k0`: one i32 per row holds four K granules.
Value loadPackedScales(OpBuilder &b, Location loc, Value scales,
                       BlockScaleAttr recipe, Value mn0, Value k0,
                       int64_t mnRows, int64_t bk) {
  int64_t wordSpan = 4 * recipe.getK(); // K elements one word covers
  int64_t words = (bk + wordSpan - 1) / wordSpan;
  auto tile = SmemTileType::get(b.getContext(), words, mnRows, b.getI32Type(),
                                /*swizzle=*/0);
  Value span = arith::ConstantIndexOp::create(b, loc, wordSpan);
  Value word = arith::DivUIOp::create(b, loc, k0, span);
  return TileLoadOp::create(b, loc, tile, scales, word, mn0);
}

LogicalResult lowerGemm(GemmOp op) {
  ScheduleAttr s = op.getScheduleAttr();
  if (!s)
    return op.emitOpError("has no schedule; run sm120-select-schedule first");
  if (op.getHeadSplits())
    return op.emitOpError("with head_splits is not lowered to tiles yet");
  for (auto [name, recipe] :
       {std::pair<StringRef, std::optional<BlockScaleAttr>>{"sfa",
                                                            op.getSfaRecipe()},
        {"sfb", op.getSfbRecipe()}})
    if (recipe && !recipe->getPacked())
      return op.emitOpError()
             << "scale recipe " << *recipe << " of " << name
             << " is not lowered to tiles yet; use packed ue8m0 scales "
                "(#sm120.block_scale<ue8m0, mn = 1, k = ..., packed>)";

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
    Value a = loadOperand(b, loc, op.getA(), op.getAMajor(), m0, k0, bm, bk);
    Value bt = loadOperand(b, loc, op.getB(), op.getBMajor(), n0, k0, bn, bk);
    Value sfa, sfb;
    if (op.getSfa()) {
      sfa = loadPackedScales(b, loc, op.getSfa(), *op.getSfaRecipe(), m0, k0,
                             bm, bk);
      sfb = loadPackedScales(b, loc, op.getSfb(), *op.getSfbRecipe(), n0, k0,
                             bn, bk);
    }
    auto mma = TileMmaOp::create(b, loc, accType, acc, a, bt, sfa, sfb, k0,
                                 op.getAMajorAttr(), op.getBMajorAttr(),
                                 op.getSfaRecipeAttr(), op.getSfbRecipeAttr());
    scf::YieldOp::create(b, loc, mma.getResult());
  }
  EpilogueOp::create(b, loc, kLoop.getResult(0), op.getC(), op.getD(), m0, n0);
  op.erase();
  return success();
}

struct LowerToTiles : sm120::impl::LowerToTilesBase<LowerToTiles> {
  void runOnOperation() override {
    SmallVector<GemmOp> gemms;
    getOperation().walk([&](GemmOp op) { gemms.push_back(op); });
    for (GemmOp op : gemms)
      if (failed(lowerGemm(op)))
        return signalPassFailure();
  }
};

} // namespace

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
                  Major major, Value mn0, Value k0, int64_t mnRows, int64_t bk,
                  Value group, unsigned groupDim) {
  Type elem = cast<MemRefType>(operand.getType()).getElementType();
  Type otherElem = cast<MemRefType>(other.getType()).getElementType();
  bool unpacked =
      isa<Float4E2M1FNType>(elem) && isa<Float8E4M3FNType>(otherElem);
  bool kMajor = major == Major::K;
  auto tile =
      SmemTileType::get(b.getContext(), kMajor ? mnRows : bk,
                        kMajor ? bk : mnRows, elem, /*swizzle=*/0, unpacked);
  auto load = TileLoadOp::create(b, loc, tile, operand, kMajor ? mn0 : k0,
                                 kMajor ? k0 : mn0, group, IntegerAttr());
  if (groupDim)
    load.setGroupDim(groupDim);
  return load;
}

/// Loads the scale tile for `mnRows` rows from `mn0` and the K block at
/// `k0`, starting at their granules (see sm120.tile.mma).
Value loadScales(OpBuilder &b, Location loc, Value scales,
                 BlockScaleAttr recipe, Value mn0, Value k0, int64_t mnRows,
                 int64_t bk, Value group) {
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
    return TileLoadOp::create(b, loc, tile, scales, word, mn0, group,
                              IntegerAttr());
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
  return TileLoadOp::create(b, loc, tile, scales, row, col, group,
                            IntegerAttr());
}

DictionaryAttr recipeDict(Builder &b, BlockScaleAttr r) {
  return b.getDictionaryAttr(
      {b.getNamedAttr("format",
                      b.getStringAttr(stringifyScaleFormat(r.getFormat()))),
       b.getNamedAttr("mn", b.getI64IntegerAttr(r.getMn())),
       b.getNamedAttr("k", b.getI64IntegerAttr(r.getK())),
       b.getNamedAttr("packed", b.getBoolAttr(r.getPacked()))});
}

/// What the tile program of a GEMM-like op is built from: sm120.gemm,
/// sm120.grouped_gemm of kind contiguous (B and its scales stacked per
/// group, `layout` saying which group each row belongs to) or masked (every
/// operand stacked per group, `layout` holding each group's valid rows), or
/// sm120.batched_gemm (every operand stacked per batch, `batches` of them).
struct TileProblem {
  Operation *op = nullptr;
  Value a, b, sfa, sfb, c, alpha, d;
  Major aMajor = Major::K, bMajor = Major::K;
  BlockScaleAttr sfaRecipe, sfbRecipe;
  ScheduleAttr schedule;
  DenseI64ArrayAttr headSplits;
  Value layout; // grouped GEMMs only
  bool prefixSum = false;
  bool masked = false;
  Value batches; // batched and K-grouped GEMMs
  /// K-grouped: the [G] K sizes; each group's K loop covers its columns of
  /// the 2-D a and b (or its blocks of 1-D ones), and writes its matrix of
  /// the [G, M, N] d.
  Value kSizes;
  /// bmk,bnk->mn: K runs over the batches of a [b, m, k] and b [b, n, k];
  /// each K block reads batch k0 / k of both.
  bool reduceBatch = false;
  /// The dimension of a rank-3 a, b and d (and c) that the group or batch
  /// indexes: 0 for [G, rows, cols], 1 for [rows, G, cols].
  unsigned aGroupDim = 0, bGroupDim = 0, dGroupDim = 0;
  /// sm120.problem's family and the fields only that family has.
  StringRef family = "gemm";
  SmallVector<NamedAttribute> extraFields;
};

/// Records on the enclosing function what the kernel computes and which
/// argument is which operand (`sm120.problem`), for the kernel ABI that
/// sm120-lower-to-nvvm writes: the runtime's reference reads these names.
LogicalResult annotateProblem(const TileProblem &p) {
  Operation *op = p.op;
  auto func = op->getParentOfType<FunctionOpInterface>();
  if (!func)
    return op->emitOpError("must be inside a function to become a kernel");
  Builder b(op->getContext());
  SmallVector<std::pair<Value, StringRef>> roles = {
      {p.a, "a"}, {p.b, "b"}, {p.d, "d"}};
  if (p.sfa)
    roles.append({{p.sfa, "sfa"}, {p.sfb, "sfb"}});
  if (p.c)
    roles.push_back({p.c, "c"});
  if (p.alpha)
    roles.push_back({p.alpha, "alpha"});
  if (Value layout = p.layout ? p.layout : p.kSizes)
    roles.push_back({layout, "layout"});
  SmallVector<Attribute> names(func.getNumArguments(), b.getStringAttr(""));
  for (auto [value, name] : roles) {
    auto arg = dyn_cast<BlockArgument>(value);
    if (!arg || arg.getOwner() != &func.getFunctionBody().front())
      return op->emitOpError() << "operand '" << name
                               << "' must be an argument of the kernel "
                                  "function";
    if (!cast<StringAttr>(names[arg.getArgNumber()]).getValue().empty())
      return op->emitOpError() << "operand '" << name << "' shares argument #"
                               << arg.getArgNumber() << " with another operand";
    names[arg.getArgNumber()] = b.getStringAttr(name);
  }
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("family", b.getStringAttr(p.family)),
      b.getNamedAttr("names", b.getArrayAttr(names)),
      b.getNamedAttr("outputs", b.getStrArrayAttr({"d"})),
      b.getNamedAttr("a_major", b.getStringAttr(stringifyMajor(p.aMajor))),
      b.getNamedAttr("b_major", b.getStringAttr(stringifyMajor(p.bMajor)))};
  if (p.sfa) {
    fields.push_back(b.getNamedAttr("sfa", recipeDict(b, p.sfaRecipe)));
    fields.push_back(b.getNamedAttr("sfb", recipeDict(b, p.sfbRecipe)));
  }
  llvm::append_range(fields, p.extraFields);
  // The schedule the kernel was built with, for benchmarks and reports.
  std::string text;
  llvm::raw_string_ostream os(text);
  os << p.schedule;
  fields.push_back(b.getNamedAttr("schedule", b.getStringAttr(text)));
  func->setAttr("sm120.problem", b.getDictionaryAttr(fields));
  return success();
}

/// The persistent tile loop: per output tile, a K loop of operand and scale
/// loads feeding the MMA, then the epilogue. For a contiguous grouped
/// problem the tile first finds its group, whose B (and scales) it loads,
/// and the epilogue writes that group's rows only. A masked problem's loop
/// visits each group's valid tiles and gives the group; every operand is
/// that group's matrix.
LogicalResult buildTileProgram(const TileProblem &p) {
  ScheduleAttr s = p.schedule;
  if (!s)
    return p.op->emitOpError(
        "has no schedule; run sm120-select-schedule first");
  if (failed(annotateProblem(p)))
    return failure();
  OpBuilder b(p.op);
  Location loc = p.op->getLoc();
  int64_t bm = s.getBlockM(), bn = s.getBlockN(), bk = s.getBlockK();
  bool aK = p.aMajor == Major::K, bK = p.bMajor == Major::K;
  // A rank-3 operand is a stack of [MN, K] (or [K, MN]) matrices: its
  // matrix dims are the two that are not the group's.
  auto matrixDim = [](Value v, unsigned groupDim, unsigned i) -> unsigned {
    if (cast<MemRefType>(v.getType()).getRank() == 2)
      return i;
    return i < groupDim ? i : i + 1;
  };
  // K-grouped with 1-D a and b: group g's [M, K_g] and [N, K_g] blocks
  // follow one another, so M and N come from d [G, M, N] and sum K is what
  // both concatenations hold.
  bool blocks = p.kSizes && cast<MemRefType>(p.a.getType()).getRank() == 1;
  Value m, n, k;
  if (blocks) {
    m = dimValue(b, loc, p.d, 1);
    n = dimValue(b, loc, p.d, 2);
    k = arith::MinUIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, dimValue(b, loc, p.a, 0), m),
        arith::DivUIOp::create(b, loc, dimValue(b, loc, p.b, 0), n));
  } else {
    m = dimValue(b, loc, p.a, matrixDim(p.a, p.aGroupDim, aK ? 0 : 1));
    n = dimValue(b, loc, p.b, matrixDim(p.b, p.bGroupDim, bK ? 0 : 1));
    k = dimValue(b, loc, p.a, matrixDim(p.a, p.aGroupDim, aK ? 1 : 0));
  }
  Value kPerBatch = k;
  if (p.reduceBatch) {
    if (!getConstantIntValue(k) || *getConstantIntValue(k) % bk != 0)
      return p.op->emitOpError()
             << "needs a static K per batch that block K " << bk << " divides";
    k = arith::MulIOp::create(b, loc, dimValue(b, loc, p.a, 0), k);
  }

  // swap_ab: the loop's rows run along N and its columns along M; the MMA
  // multiplies B's tile by A's and the store writes its transpose.
  bool swap = s.getSwapAb();
  if (swap && ((p.layout && !p.masked) || p.headSplits || p.kSizes))
    return p.op->emitOpError("schedule swap_ab applies to dense and masked "
                             "GEMMs without head_splits");
  auto loop = TileLoopOp::create(b, loc, swap ? n : m, swap ? m : n, s,
                                 p.masked ? p.layout : Value(), p.batches);
  Block &body = loop.getBody().front();
  b.setInsertionPointToStart(&body);
  Value m0 = body.getArgument(0), n0 = body.getArgument(1);
  Value group, aGroup;
  if (p.kSizes)
    group = body.getArgument(2); // d's matrix; a and b are 2-D
  else if (p.masked || p.batches)
    group = aGroup = body.getArgument(2);
  else if (p.layout)
    group = TileGroupOp::create(
        b, loc, b.getIndexType(), p.layout, m0,
        b.getI64IntegerAttr(cast<MemRefType>(p.b.getType()).getDimSize(0)),
        p.prefixSum ? b.getUnitAttr() : UnitAttr());

  auto accType = AccTileType::get(b.getContext(), bm, bn);
  Value zero = AccZeroOp::create(b, loc, accType);
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value bkValue = arith::ConstantIndexOp::create(b, loc, bk);
  // K-grouped: the K loop runs over the group's own columns, from 0; the
  // loads add where the group's columns and scale words begin. Only the
  // producer needs those sums: the MMA's k_offset is the group's own (its
  // scales start on a word, so the granule's byte is the same).
  Value kEnd = k, kBegin, scaleBegin;
  if (p.kSizes) {
    IntegerAttr span;
    Value scaleRows; // the packed scale tensors' rows, both operands'
    if (p.sfaRecipe) {
      span = b.getI64IntegerAttr(4 * p.sfaRecipe.getK());
      Value rowsA = dimValue(b, loc, p.sfa, 0);
      Value rowsB = dimValue(b, loc, p.sfb, 0);
      scaleRows = arith::MinUIOp::create(b, loc, rowsA, rowsB);
    }
    auto range = TileKRangeOp::create(
        b, loc, TypeRange{b.getIndexType(), b.getIndexType(), b.getIndexType()},
        p.kSizes, group, k, scaleRows, b.getI64IntegerAttr(bk), span);
    kBegin = range.getBegin();
    kEnd = range.getSize();
    scaleBegin = range.getScaleBegin();
  }
  // The group's blocks as [MN, K_g] matrices: the loads read them from
  // column 0 (the kernel points a descriptor at each group's view).
  Value aData = p.a, bData = p.b;
  if (blocks) {
    auto view = [&](Value operand, Value rows) {
      auto type = cast<MemRefType>(operand.getType());
      std::optional<int64_t> staticRows = getConstantIntValue(rows);
      auto viewType = MemRefType::get(
          {staticRows.value_or(ShapedType::kDynamic), ShapedType::kDynamic},
          type.getElementType(),
          StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic,
                                 {ShapedType::kDynamic, 1}));
      Value offset = arith::MulIOp::create(b, loc, kBegin, rows);
      return memref::ReinterpretCastOp::create(
          b, loc, viewType, operand, OpFoldResult(offset),
          ArrayRef<OpFoldResult>{getAsOpFoldResult(rows), kEnd},
          ArrayRef<OpFoldResult>{kEnd, b.getIndexAttr(1)});
    };
    aData = view(p.a, m);
    bData = view(p.b, n);
    kBegin = Value();
  }
  auto kLoop = scf::ForOp::create(b, loc, c0, kEnd, bkValue, ValueRange{zero});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value k0 = kLoop.getInductionVar();
    Value acc = kLoop.getRegionIterArgs()[0];
    Value xGroup = aGroup, yGroup = p.kSizes ? Value() : group;
    if (p.reduceBatch) {
      // The K block's batch, and its offset in that batch.
      xGroup = yGroup = arith::DivUIOp::create(b, loc, k0, kPerBatch);
      k0 = arith::RemUIOp::create(b, loc, k0, kPerBatch);
    }
    // K of the data and of the scales (the MMA's is k0).
    Value kData = k0, kScale = k0;
    if (kBegin)
      kData = arith::AddIOp::create(b, loc, kBegin, k0);
    if (scaleBegin && p.sfa)
      kScale = arith::AddIOp::create(b, loc, scaleBegin, k0);
    // The MMA's operands: A and B, or B and A with swap_ab (m0 then
    // indexes N and n0 M).
    Value x = swap ? bData : aData, y = swap ? aData : bData;
    Value sx = swap ? p.sfb : p.sfa, sy = swap ? p.sfa : p.sfb;
    BlockScaleAttr rx = swap ? p.sfbRecipe : p.sfaRecipe;
    BlockScaleAttr ry = swap ? p.sfaRecipe : p.sfbRecipe;
    Major mx = swap ? p.bMajor : p.aMajor, my = swap ? p.aMajor : p.bMajor;
    unsigned gx = swap ? p.bGroupDim : p.aGroupDim;
    unsigned gy = swap ? p.aGroupDim : p.bGroupDim;
    Value a = loadOperand(b, loc, x, y, mx, m0, kData, bm, bk, xGroup, gx);
    Value bt = loadOperand(b, loc, y, x, my, n0, kData, bn, bk, yGroup, gy);
    Value sfa, sfb;
    if (p.sfa) {
      sfa = loadScales(b, loc, sx, rx, m0, kScale, bm, bk, xGroup);
      sfb = loadScales(b, loc, sy, ry, n0, kScale, bn, bk, yGroup);
    }
    auto mma = TileMmaOp::create(b, loc, accType, acc, a, bt, sfa, sfb, m0, n0,
                                 k0, MajorAttr::get(b.getContext(), mx),
                                 MajorAttr::get(b.getContext(), my), rx, ry);
    scf::YieldOp::create(b, loc, mma.getResult());
  }
  auto store = EpilogueOp::create(b, loc, kLoop.getResult(0), p.c, p.alpha, p.d,
                                  swap ? n0 : m0, swap ? m0 : n0, p.layout,
                                  group, p.headSplits, p.prefixSum,
                                  /*transposed=*/false, IntegerAttr());
  if (swap)
    store.setTransposed(true);
  if (p.dGroupDim)
    store.setGroupDim(p.dGroupDim);
  p.op->erase();
  return success();
}

/// The operands, recipes and schedule every problem op has.
template <typename OpTy> TileProblem operandsOf(OpTy op) {
  TileProblem p;
  p.op = op;
  p.a = op.getA();
  p.b = op.getB();
  p.sfa = op.getSfa();
  p.sfb = op.getSfb();
  p.c = op.getC();
  p.d = op.getD();
  p.sfaRecipe = op.getSfaRecipeAttr();
  p.sfbRecipe = op.getSfbRecipeAttr();
  p.schedule = op.getScheduleAttr();
  if constexpr (!std::is_same_v<OpTy, BatchedGemmOp>) {
    p.aMajor = op.getAMajor();
    p.bMajor = op.getBMajor();
  }
  return p;
}

LogicalResult lowerGemm(GemmOp op) {
  TileProblem p = operandsOf(op);
  p.alpha = op.getAlpha();
  p.headSplits = op.getHeadSplitsAttr();
  return buildTileProgram(p);
}

LogicalResult lowerGrouped(GroupedGemmOp op) {
  TileProblem p = operandsOf(op);
  OpBuilder b(op);
  p.family = "grouped_gemm";
  p.extraFields = {
      b.getNamedAttr("kind",
                     b.getStringAttr(stringifyGroupedKind(op.getKind()))),
      b.getNamedAttr("prefix_sum", b.getBoolAttr(op.getPrefixSum()))};
  if (op.getKind() == GroupedKind::KGrouped) {
    // D[g] = C[g] + A_g B_g^T: every tile of each group's [M, N], the K
    // loop over the group's columns.
    p.kSizes = op.getLayout();
    p.batches = dimValue(b, op.getLoc(), p.kSizes, 0);
    // Each group's K must be a multiple of this: the alignment callers
    // keep.
    if (p.schedule)
      p.extraFields.push_back(b.getNamedAttr(
          "k_alignment", b.getI64IntegerAttr(p.schedule.getBlockK())));
    return buildTileProgram(p);
  }
  p.layout = op.getLayout();
  p.prefixSum = op.getPrefixSum();
  p.masked = op.getKind() == GroupedKind::Masked;
  // The typical valid rows per group, for harnesses that make up layouts.
  if (IntegerAttr hint = op.getExpectedMAttr())
    p.extraFields.push_back(b.getNamedAttr("expected_m", hint));
  // Each group's rows must start on a tile: the alignment callers pad to.
  if (p.schedule && !p.masked)
    p.extraFields.push_back(b.getNamedAttr(
        "m_alignment", b.getI64IntegerAttr(p.schedule.getBlockM())));
  return buildTileProgram(p);
}

/// `bhr,hdr->bhd`: per head h, D[:, h, :] = A[:, h, :] * B[h]^T, so A and
/// D are stacks over their middle dimension and B over its first; the batch
/// rows b are the GEMM's M. `bhd,hdr->bhr` is the same with B[h] = [d, r]
/// MN-major (K = d). `bhd,bhr->hdr`: D[h] = A[:, h, :]^T B[:, h, :], both
/// operands MN-major stacks over their middle dimension (K = b, the batch
/// rows) and D over its first. `bmk,bnk->mn`: D = sum_b A[b] * B[b]^T, one
/// GEMM whose K loop runs over every batch (FP32 accumulation in one CTA
/// per tile: deterministic, no partial sums). `bmk,bnk->bmn`: every operand
/// a stack over its first dimension.
LogicalResult lowerBatched(BatchedGemmOp op) {
  std::optional<Einsum> e = op.getEinsum();
  TileProblem p = operandsOf(op);
  OpBuilder b(op);
  p.family = "batched_gemm";
  p.extraFields = {
      b.getNamedAttr("equation", b.getStringAttr(op.getEquation()))};
  switch (*e) {
  case Einsum::BMK_BNK_MN:
    p.reduceBatch = true;
    break;
  case Einsum::BHD_BHR_HDR:
    if (p.sfa)
      return op.emitOpError("equation 'bhd,bhr->hdr' is lowered for BF16 "
                            "only (its operands are MN-major): copy FP8 "
                            "operands to [h, d, b] and [h, r, b] and use "
                            "'bmk,bnk->bmn'");
    p.aMajor = p.bMajor = Major::MN;
    p.aGroupDim = p.bGroupDim = 1;
    p.batches = dimValue(b, op.getLoc(), p.a, 1);
    break;
  case Einsum::BMK_BNK_BMN:
    p.batches = dimValue(b, op.getLoc(), p.b, 0);
    break;
  case Einsum::BHD_HDR_BHR:
  case Einsum::BHR_HDR_BHD:
    if (e == Einsum::BHD_HDR_BHR)
      p.bMajor = Major::MN;
    p.aGroupDim = p.dGroupDim = 1;
    p.batches = dimValue(b, op.getLoc(), p.b, 0);
    break;
  }
  return buildTileProgram(p);
}

struct LowerToTiles : sm120::impl::LowerToTilesBase<LowerToTiles> {
  void runOnOperation() override {
    // The other kernel families are checked and summarized, not lowered:
    // say so here rather than let the pipeline end without a kernel.
    WalkResult unsupported = getOperation().walk([&](Operation *op) {
      if (!isa<MqaLogitsOp, PagedMqaLogitsOp>(op))
        return WalkResult::advance();
      op->emitOpError("is not lowered yet; sm120-lower-to-tiles lowers "
                      "sm120.gemm, sm120.grouped_gemm and "
                      "sm120.batched_gemm");
      return WalkResult::interrupt();
    });
    if (unsupported.wasInterrupted())
      return signalPassFailure();
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<GemmOp, GroupedGemmOp, BatchedGemmOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      LogicalResult lowered = isa<GemmOp>(op) ? lowerGemm(cast<GemmOp>(op))
                              : isa<GroupedGemmOp>(op)
                                  ? lowerGrouped(cast<GroupedGemmOp>(op))
                                  : lowerBatched(cast<BatchedGemmOp>(op));
      if (failed(lowered))
        return signalPassFailure();
    }
  }
};

} // namespace

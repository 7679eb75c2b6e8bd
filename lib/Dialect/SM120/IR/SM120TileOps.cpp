//===- SM120TileOps.cpp - the tile program's types and ops ------*- C++ -*-===//

#include "sm120/Dialect/SM120/IR/SM120.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::sm120;

//===----------------------------------------------------------------------===//
// SmemTileType
//===----------------------------------------------------------------------===//

// Syntax: `<` rows `x` cols `x` type (`,` `swizzle` `=` int)? (`,`
// `unpacked`)? `>`
Type SmemTileType::parse(AsmParser &parser) {
  SmallVector<int64_t> dims;
  Type elementType;
  unsigned swizzle = 0;
  bool unpacked = false;
  if (parser.parseLess() ||
      parser.parseDimensionList(dims, /*allowDynamic=*/false) ||
      parser.parseType(elementType))
    return {};
  if (dims.size() != 2) {
    parser.emitError(parser.getCurrentLocation())
        << "smem tile must have 2 dimensions; got " << dims.size();
    return {};
  }
  while (succeeded(parser.parseOptionalComma())) {
    if (succeeded(parser.parseOptionalKeyword("unpacked"))) {
      unpacked = true;
      continue;
    }
    if (parser.parseKeyword("swizzle") || parser.parseEqual() ||
        parser.parseInteger(swizzle))
      return {};
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<SmemTileType>(parser.getContext(), dims[0], dims[1],
                                         elementType, swizzle, unpacked);
}

void SmemTileType::print(AsmPrinter &printer) const {
  printer << '<' << getRows() << 'x' << getCols() << 'x' << getElementType();
  if (getSwizzle())
    printer << ", swizzle = " << getSwizzle();
  if (getUnpacked())
    printer << ", unpacked";
  printer << '>';
}

int64_t SmemTileType::getElementBits() const {
  return getUnpacked() ? 8 : getElementType().getIntOrFloatBitWidth();
}

int64_t SmemTileType::getRowBytes() const {
  return getCols() * getElementBits() / 8;
}

LogicalResult SmemTileType::verify(function_ref<InFlightDiagnostic()> emitError,
                                   int64_t rows, int64_t cols, Type elementType,
                                   unsigned swizzle, bool unpacked) {
  if (rows < 1 || cols < 1 || rows > 256)
    return emitError() << "smem tile is " << rows << "x" << cols
                       << "; rows must be in [1, 256] and cols positive";
  if (!elementType.isIntOrFloat())
    return emitError() << "smem tile elements must be integers or floats; got "
                       << elementType;
  if (!llvm::is_contained({0u, 32u, 64u, 128u}, swizzle))
    return emitError() << "smem tile swizzle is " << swizzle
                       << "; expected 0, 32, 64 or 128";
  if (unpacked && !isa<Float4E2M1FNType>(elementType))
    return emitError() << "only f4E2M1FN smem tiles can be unpacked; got "
                       << elementType;
  // TMA unpacks FP4 in rows of 128 elements (the hardware's inner box).
  if (unpacked && cols % 128 != 0)
    return emitError() << "unpacked FP4 smem tile has " << cols
                       << " columns; TMA unpacks rows of 128 elements";
  int64_t rowBits = cols * (unpacked ? 8 : elementType.getIntOrFloatBitWidth());
  if (rowBits % 128 != 0)
    return emitError() << "smem tile rows are " << rowBits
                       << " bits; TMA needs a multiple of 16 bytes";
  // Rows longer than the span are stored as panels of `swizzle` bytes.
  if (swizzle && (rowBits / 8) % swizzle != 0)
    return emitError() << "smem tile rows are " << rowBits / 8
                       << " bytes; swizzle " << swizzle
                       << " needs rows of a multiple of that many bytes";
  if (swizzle && rowBits / 8 != swizzle && swizzle != 128)
    return emitError() << "smem tile rows are " << rowBits / 8
                       << " bytes; only swizzle 128 stores longer rows as "
                          "panels";
  return success();
}

//===----------------------------------------------------------------------===//
// AccTileType
//===----------------------------------------------------------------------===//

// Syntax: `<` rows `x` cols `>`
Type AccTileType::parse(AsmParser &parser) {
  SmallVector<int64_t> dims;
  if (parser.parseLess() ||
      parser.parseDimensionList(dims, /*allowDynamic=*/false,
                                /*withTrailingX=*/false) ||
      parser.parseGreater())
    return {};
  if (dims.size() != 2) {
    parser.emitError(parser.getCurrentLocation())
        << "accumulator tile must have 2 dimensions; got " << dims.size();
    return {};
  }
  return AccTileType::get(parser.getContext(), dims[0], dims[1]);
}

void AccTileType::print(AsmPrinter &printer) const {
  printer << '<' << getRows() << 'x' << getCols() << '>';
}

//===----------------------------------------------------------------------===//
// TileLoopOp
//===----------------------------------------------------------------------===//

void TileLoopOp::build(OpBuilder &builder, OperationState &state, Value m,
                       Value n, ScheduleAttr schedule, Value counts,
                       Value batches) {
  state.addOperands({m, n});
  if (counts)
    state.addOperands(counts);
  if (batches)
    state.addOperands(batches);
  Properties &props = state.getOrAddProperties<Properties>();
  props.schedule = schedule;
  props.operandSegmentSizes = {1, 1, counts ? 1 : 0, batches ? 1 : 0};
  Region *body = state.addRegion();
  Block *block = new Block();
  Type index = builder.getIndexType();
  unsigned coords = counts || batches ? 3 : 2;
  block->addArguments(SmallVector<Type>(coords, index),
                      SmallVector<Location>(coords, state.location));
  body->push_back(block);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(block);
  TileYieldOp::create(builder, state.location);
}

// Syntax: `(` %m0 `,` %n0 (`,` %g)? `)` `in` `(` %m `,` %n `)`
//         (`counts` %counts `:` type | `batches` %b)? `schedule` <...> region
ParseResult TileLoopOp::parse(OpAsmParser &parser, OperationState &result) {
  SmallVector<OpAsmParser::Argument, 3> args;
  OpAsmParser::UnresolvedOperand m, n, counts, batches;
  Type countsType;
  ScheduleAttr schedule;
  Type index = parser.getBuilder().getIndexType();
  if (parser.parseArgumentList(args, OpAsmParser::Delimiter::Paren) ||
      parser.parseKeyword("in") || parser.parseLParen() ||
      parser.parseOperand(m) || parser.parseComma() || parser.parseOperand(n) ||
      parser.parseRParen())
    return failure();
  bool hasCounts = succeeded(parser.parseOptionalKeyword("counts"));
  if (hasCounts &&
      (parser.parseOperand(counts) || parser.parseColonType(countsType)))
    return failure();
  bool hasBatches =
      !hasCounts && succeeded(parser.parseOptionalKeyword("batches"));
  if (hasBatches && parser.parseOperand(batches))
    return failure();
  if (parser.parseKeyword("schedule") ||
      parser.parseCustomAttributeWithFallback(schedule, Type{}) ||
      parser.resolveOperand(m, index, result.operands) ||
      parser.resolveOperand(n, index, result.operands) ||
      (hasCounts &&
       parser.resolveOperand(counts, countsType, result.operands)) ||
      (hasBatches && parser.resolveOperand(batches, index, result.operands)))
    return failure();
  bool third = hasCounts || hasBatches;
  if (args.size() != (third ? 3u : 2u))
    return parser.emitError(parser.getCurrentLocation())
           << "sm120.tile.loop takes "
           << (third ? "three tile coordinates (row, column, group)"
                     : "two tile coordinates (row, column)");
  for (OpAsmParser::Argument &arg : args)
    arg.type = index;
  Properties &props = result.getOrAddProperties<Properties>();
  props.schedule = schedule;
  props.operandSegmentSizes = {1, 1, hasCounts ? 1 : 0, hasBatches ? 1 : 0};
  Region *body = result.addRegion();
  if (parser.parseRegion(*body, args) ||
      parser.parseOptionalAttrDict(result.attributes))
    return failure();
  TileLoopOp::ensureTerminator(*body, parser.getBuilder(), result.location);
  return success();
}

void TileLoopOp::print(OpAsmPrinter &p) {
  Block &block = getBody().front();
  p << " (";
  llvm::interleaveComma(block.getArguments(), p);
  p << ") in (" << getM() << ", " << getN() << ") ";
  if (Value counts = getCounts())
    p << "counts " << counts << " : " << counts.getType() << ' ';
  if (Value batches = getBatches())
    p << "batches " << batches << ' ';
  p << "schedule ";
  p.printStrippedAttrOrType(getSchedule());
  p << ' ';
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false,
                /*printBlockTerminators=*/false);
  p.printOptionalAttrDict((*this)->getAttrs(),
                          {"schedule", "operandSegmentSizes"});
}

LogicalResult TileLoopOp::verify() {
  Block &block = getBody().front();
  if (getCounts() && getBatches())
    return emitOpError("takes counts or batches, not both");
  bool grouped = getCounts() || getBatches();
  if (block.getNumArguments() != (grouped ? 3 : 2) ||
      !llvm::all_of(block.getArgumentTypes(),
                    [](Type t) { return t.isIndex(); }))
    return emitOpError() << "body must take "
                         << (grouped ? "three index arguments (the tile's "
                                       "first row and column, its group)"
                                     : "two index arguments (the tile's first "
                                       "row and column)");
  return success();
}

//===----------------------------------------------------------------------===//
// TileLoadOp, TileMmaOp, EpilogueOp
//===----------------------------------------------------------------------===//

LogicalResult TileLoadOp::verify() {
  MemRefType src = getSource().getType();
  SmemTileType tile = getResult().getType();
  if (src.getRank() != (getGroup() ? 3 : 2))
    return emitOpError() << "loads from a rank-"
                         << (getGroup() ? "3 tensor (with a group)"
                                        : "2 tensor (rank 3 with a group)")
                         << "; got rank " << src.getRank();
  if (src.getElementType() != tile.getElementType())
    return emitOpError() << "loads " << src.getElementType()
                         << " elements into a tile of "
                         << tile.getElementType();
  if (std::optional<uint64_t> dim = getGroupDim();
      dim && (!getGroup() || *dim > 1))
    return emitOpError() << "group_dim must be 0 or 1 and needs a group; got "
                         << *dim;
  return success();
}

LogicalResult TileKRangeOp::verify() {
  if (getAlignment() < 1)
    return emitOpError() << "alignment must be positive; got "
                         << getAlignment();
  if (std::optional<uint64_t> span = getScaleSpan(); span && *span < 1)
    return emitOpError() << "scale_span must be positive; got " << *span;
  if (getScaleRows() && !getScaleSpan())
    return emitOpError("scale rows need a scale_span");
  return success();
}

LogicalResult TileMmaOp::verify() {
  AccTileType acc = getAcc().getType();
  SmemTileType a = getA().getType(), b = getB().getType();
  bool aK = getAMajor() == Major::K, bK = getBMajor() == Major::K;
  int64_t bm = aK ? a.getRows() : a.getCols();
  int64_t ka = aK ? a.getCols() : a.getRows();
  int64_t bn = bK ? b.getRows() : b.getCols();
  int64_t kb = bK ? b.getCols() : b.getRows();
  if (ka != kb)
    return emitOpError() << "a has a K block of " << ka << " and b of " << kb;
  if (bm != acc.getRows() || bn != acc.getCols())
    return emitOpError() << "multiplies a " << bm << "x" << ka << " by a " << ka
                         << "x" << bn << " tile into a " << acc.getRows() << "x"
                         << acc.getCols() << " accumulator";
  bool scaled = getSfa() != nullptr;
  if (scaled != (getSfaRecipe().has_value() && getSfbRecipe().has_value()))
    return emitOpError("scale tiles and both recipes go together");
  return success();
}

LogicalResult EpilogueOp::verify() {
  MemRefType d = getD().getType();
  // Rank 3: one matrix per group of a masked grouped GEMM.
  bool stacked = d.getRank() == 3;
  if (d.getRank() != 2 && !stacked)
    return emitOpError() << "stores into a rank-2 output (rank 3 for masked "
                            "groups); got rank "
                         << d.getRank();
  if (!d.getElementType().isF32() && !d.getElementType().isBF16())
    return emitOpError() << "stores f32 or bf16; got " << d.getElementType();
  if (Value c = getC()) {
    auto ct = cast<MemRefType>(c.getType());
    if (ct.getRank() != d.getRank() || !ct.getElementType().isF32())
      return emitOpError() << "adds a rank-" << d.getRank() << " f32 c; got "
                           << ct;
  }
  if (getTransposed() &&
      ((getRowLayout() && !stacked) || getPrefixSum() || getHeadSplits()))
    return emitOpError("a transposed store takes no head_splits, and rows "
                       "only as the counts of a rank-3 output");
  if (stacked && (!getGroup() || getPrefixSum() || getAlpha()))
    return emitOpError("a rank-3 output needs a group (and rows: the valid "
                       "row counts, unless every row is), without prefix_sum "
                       "or scale");
  if (std::optional<uint64_t> dim = getGroupDim();
      dim && (!stacked || *dim > 1 || getRowLayout()))
    return emitOpError() << "group_dim (" << *dim
                         << ") must be 0 or 1, for a rank-3 output without "
                            "rows";
  if (Value alpha = getAlpha()) {
    auto at = cast<MemRefType>(alpha.getType());
    if (at.getShape() != ArrayRef<int64_t>{1} || !at.getElementType().isF32())
      return emitOpError() << "scales by a one-element f32 alpha; got " << at;
  }
  if (std::optional<ArrayRef<int64_t>> splits = getHeadSplits()) {
    if (splits->size() != 3 || (*splits)[0] + (*splits)[2] <= 0 ||
        llvm::any_of(*splits, [](int64_t v) { return v < 0; }))
      return emitOpError("head_splits must be (left, mid, right), "
                         "non-negative with left + right > 0");
    if (getC())
      return emitOpError("head_splits does not combine with c");
  }
  if (Value layout = getRowLayout()) {
    auto lt = cast<MemRefType>(layout.getType());
    if (lt.getRank() != 1 || !lt.getElementType().isInteger(32))
      return emitOpError() << "reads rows from a rank-1 i32 layout; got " << lt;
    if (!getGroup())
      return emitOpError("rows need the tile's group");
    if (getHeadSplits())
      return emitOpError("head_splits does not combine with grouped rows");
  } else if ((getGroup() && !stacked) || getPrefixSum()) {
    return emitOpError("group and prefix_sum need a rows layout (or a rank-3 "
                       "output, for group)");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// PipelineType
//===----------------------------------------------------------------------===//

// Syntax: `<` stages `x` `[` type (`,` type)* `]` `>`
Type PipelineType::parse(AsmParser &parser) {
  unsigned stages = 0;
  SmallVector<Type> tiles;
  if (parser.parseLess() || parser.parseInteger(stages) ||
      parser.parseKeyword("x") ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::Square,
                                     [&]() -> ParseResult {
                                       Type t;
                                       if (parser.parseType(t))
                                         return failure();
                                       tiles.push_back(t);
                                       return success();
                                     }) ||
      parser.parseGreater())
    return {};
  return parser.getChecked<PipelineType>(parser.getContext(), stages,
                                         ArrayRef<Type>(tiles));
}

void PipelineType::print(AsmPrinter &printer) const {
  printer << '<' << getStages() << " x [";
  llvm::interleaveComma(getTiles(), printer);
  printer << "]>";
}

LogicalResult PipelineType::verify(function_ref<InFlightDiagnostic()> emitError,
                                   unsigned stages, ArrayRef<Type> tiles) {
  if (stages < 1 || stages > 16)
    return emitError() << "pipeline has " << stages
                       << " stages; expected 1 to 16";
  if (tiles.empty())
    return emitError() << "pipeline stages must hold at least one tile";
  for (Type t : tiles)
    if (!isa<SmemTileType>(t))
      return emitError() << "pipeline stages hold !sm120.smem tiles; got " << t;
  return success();
}

int64_t PipelineType::getAlignment(unsigned i) const {
  // A swizzled tile starts where its XOR pattern repeats (8 rows of the
  // span); TMA needs 128 bytes otherwise.
  unsigned swizzle = cast<SmemTileType>(getTiles()[i]).getSwizzle();
  return swizzle ? 8 * swizzle : 128;
}

int64_t PipelineType::getSlotBytes(unsigned i) const {
  auto tile = cast<SmemTileType>(getTiles()[i]);
  return llvm::alignTo(tile.getRows() * tile.getRowBytes(), getAlignment(i));
}

int64_t PipelineType::getRingOffset(unsigned i) const {
  int64_t offset = 0;
  for (unsigned j = 0; j < i; ++j)
    offset = llvm::alignTo(offset, getAlignment(j)) +
             int64_t(getStages()) * getSlotBytes(j);
  return i < getTiles().size() ? int64_t(llvm::alignTo(offset, getAlignment(i)))
                               : offset;
}

int64_t PipelineType::getBytes() const {
  return getRingOffset(getTiles().size());
}

//===----------------------------------------------------------------------===//
// Pipeline ops and WarpSpecializeOp
//===----------------------------------------------------------------------===//

/// Checks that `types` are the tiles of one stage of `pipeline`.
static LogicalResult checkStageTiles(Operation *op, PipelineType pipeline,
                                     TypeRange types, StringRef what) {
  if (types.size() != pipeline.getTiles().size())
    return op->emitOpError() << what << " " << types.size()
                             << " tiles; a stage of the pipeline holds "
                             << pipeline.getTiles().size();
  for (auto [i, pair] : llvm::enumerate(llvm::zip(types, pipeline.getTiles())))
    if (std::get<0>(pair) != std::get<1>(pair))
      return op->emitOpError()
             << what << " " << std::get<0>(pair) << " as tile " << i
             << "; the pipeline holds " << std::get<1>(pair);
  return success();
}

LogicalResult PipelineProduceOp::verify() {
  auto yield = cast<PipelineYieldOp>(getBody().front().getTerminator());
  if (failed(checkStageTiles(*this, getPipeline().getType(),
                             yield.getTiles().getTypes(), "yields")))
    return failure();
  for (Value tile : yield.getTiles()) {
    auto load = tile.getDefiningOp<TileLoadOp>();
    if (!load || load->getParentOp() != getOperation())
      return emitOpError("fills its stage only with sm120.tile.load results "
                         "of its own body");
  }
  return success();
}

LogicalResult PipelineConsumeOp::verify() {
  return checkStageTiles(*this, getPipeline().getType(), getTiles().getTypes(),
                         "returns");
}

LogicalResult WarpSpecializeOp::verify() {
  auto check = [&](StringRef role, uint32_t warps,
                   uint32_t registers) -> LogicalResult {
    // setmaxnreg applies to whole warpgroups and takes multiples of 8.
    if (warps == 0 || warps % 4 != 0)
      return emitOpError() << role << " role has " << warps
                           << " warps; expected a positive multiple of 4";
    if (registers < 24 || registers > 256 || registers % 8 != 0)
      return emitOpError() << role << " role asks for " << registers
                           << " registers; expected a multiple of 8 in "
                              "[24, 256]";
    return success();
  };
  if (failed(check("producer", getProducerWarps(), getProducerRegisters())) ||
      failed(check("math", getMathWarps(), getMathRegisters())))
    return failure();
  int64_t total = 32 * (int64_t(getProducerWarps()) * getProducerRegisters() +
                        int64_t(getMathWarps()) * getMathRegisters());
  if (total > 65536)
    return emitOpError() << "roles need " << total
                         << " registers; an SM has 65536";
  if (getProducerWarps() + getMathWarps() > 32)
    return emitOpError() << "roles have " << getProducerWarps() + getMathWarps()
                         << " warps; a CTA has at most 32";
  return success();
}

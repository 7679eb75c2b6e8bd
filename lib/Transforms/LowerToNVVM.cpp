//===- LowerToNVVM.cpp - warp-specialized tile programs to NVVM -*- C++ -*-===//
//
// Turns each function holding an sm120.warp_specialize into an NVVM kernel
// (llvm.func with sm120.abi): roles become warp-index branches with
// setmaxnreg, pipelines become mbarrier rings in dynamic shared memory, tile
// loads become TMA copies (views of a memref.reinterpret_cast through a
// descriptor the producer rewrites per view), tile.mma becomes ldmatrix +
// mma.sync per fragment, and tile.store becomes bounds-checked register
// stores.
//
// Both chips see the same fragments and scale registers. On sm_120a a scaled
// MMA is one block-scaled mma.sync; on the sm_90a twin FP8 and FP4 are
// emulated: the fragments widened to f16, f16 mma.sync per MMA (two for
// FP8, four for FP4) summed per scale granule, the sum scaled by the A and
// B scales fetched from the lanes the PTX ISA names (thread-id selector 0:
// A row g from lane 4g, row g + 8 from lane 4g + 1, B column g from lane
// 4g) and added; NVFP4's UE4M3 scales multiply the widened fragments.
//
//===----------------------------------------------------------------------===//

#include "sm120/Dialect/SM120/IR/SM120.h"
#include "sm120/Schedule/MmaLayout.h"
#include "sm120/Schedule/Schedule.h"
#include "sm120/Schedule/Swizzle.h"
#include "sm120/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <map>

namespace mlir::sm120 {
#define GEN_PASS_DEF_LOWERTONVVM
#include "sm120/Transforms/Passes.h.inc"
} // namespace mlir::sm120

using namespace mlir;
using namespace mlir::sm120;

namespace {

constexpr llvm::StringLiteral kSmemSymbol = "sm120_dynamic_smem";

/// Where a pipeline lives in shared memory and the per-thread counters that
/// walk its ring (promoted to registers by LLVM).
struct PipeInfo {
  PipelineType type;
  int64_t ring = 0;     // byte offset of stage 0
  int64_t barriers = 0; // full[stages] then empty[stages], 8 bytes each
  Value produced, consumed, released; // !llvm.ptr to i32 counters
};

/// The TMA-store epilogue: each math warp stages its warp tile in shared
/// memory as boxes of `boxCols` columns, one swizzle span (`boxBytes`) per
/// row, and stores each box with one TMA copy; the copy clips rows and
/// columns outside D.
struct TmaStorePlan {
  int64_t rows, cols, elemBytes, boxCols, boxBytes;
  int64_t offset = 0; // byte offset of math warp 0's staging area
  /// ring_store: the pipeline whose last-consumed stage stages the output
  /// and the operand tile of the stage used (`rows` is then one round's
  /// rows of each warp tile).
  Value ring;
  unsigned ringTile = 0;
  int64_t warpBytes() const { return rows * cols * elemBytes; }
};

struct KernelLowering {
  KernelLowering(func::FuncOp func, bool twin)
      : func(func), twin(twin), b(func.getContext()), loc(func.getLoc()) {}

  func::FuncOp func;
  bool twin;
  OpBuilder b;
  Location loc;

  LLVM::LLVMFuncOp kernel;
  IRMapping map;
  DenseMap<Value, SmallVector<Value>> accs;
  DenseMap<Value, Value> tileOffsets;
  DenseMap<Value, PipeInfo> pipes;
  DenseMap<Value, Value> tmaParams, ptrParams;
  /// Tensors read through views: each one's 128-byte descriptor slot in
  /// the block's scratch, and the scratch parameter.
  DenseMap<Value, unsigned> viewSlots;
  Value scratch;
  /// Per view op: the shared-memory offset of the last view's address
  /// (i64), rows and cols (i32) (not registers: the producer has few).
  DenseMap<Operation *, int64_t> viewState;
  DenseMap<std::pair<unsigned, unsigned>, Value> dimParams;
  /// Arguments with a strided layout: each row stride (i64) by dim.
  DenseMap<std::pair<Value, unsigned>, Value> strideParams;
  Value tid, warp, lane, group, tig, smem;
  int64_t smemBytes = 0;
  WarpSpecializeOp ws;
  ScheduleAttr schedule;
  Value loopM;    // the M of the tile loop being lowered
  Value loopRows; // masked groups: the valid rows of the tile's group (i32)
  Value loopN;    // the N of the tile loop (D's rows with swap_ab)
  /// Elements between rows (i64) of the output being stored and of its C.
  Value storeLd, cLd;
  std::optional<TmaStorePlan> tmaStore;

  // --- small builders ------------------------------------------------------
  Type i32() { return b.getI32Type(); }
  Type f32() { return b.getF32Type(); }
  Value c32(int64_t v) { return arith::ConstantIntOp::create(b, loc, v, 32); }
  Value cf32(double v) {
    return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                          APFloat(static_cast<float>(v)));
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value addc(Value x, int64_t v) { return v ? add(x, c32(v)) : x; }
  /// The byte a byte-id selector of 0 reads.
  Value lowByte(Value x) { return arith::AndIOp::create(b, loc, x, c32(0xff)); }
  Value toI32(Value index) {
    if (index.getType().isInteger(32))
      return index;
    return arith::IndexCastOp::create(b, loc, i32(), index);
  }
  Value toIndex(Value v) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  }
  Value smemPtr(Value offset) {
    return LLVM::GEPOp::create(b, loc,
                               LLVM::LLVMPointerType::get(b.getContext(), 3),
                               b.getI8Type(), smem, ValueRange{offset});
  }
  Value load(Value counter) {
    return LLVM::LoadOp::create(b, loc, i32(), counter);
  }
  void bump(Value counter) {
    LLVM::StoreOp::create(b, loc, addc(load(counter), 1), counter);
  }
  /// This warp's tile of the block: its size in 16x8 fragments and its
  /// first row and column (warps are row-major over the warp layout).
  struct WarpTile {
    int64_t rows, cols, mTiles, nTiles;
    Value row, col;
  };
  WarpTile warpTile() {
    int64_t wm = schedule.getWarpLayout()[0], wn = schedule.getWarpLayout()[1];
    WarpTile t;
    t.rows = schedule.getBlockM() / wm;
    t.cols = schedule.getBlockN() / wn;
    t.mTiles = t.rows / 16;
    t.nTiles = t.cols / 8;
    t.row = mul(arith::DivUIOp::create(b, loc, warp, c32(wn)), c32(t.rows));
    t.col = mul(arith::RemUIOp::create(b, loc, warp, c32(wn)), c32(t.cols));
    return t;
  }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  template <typename F> void ifThen(Value cond, F body) {
    auto op = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(op.thenBlock());
    body();
  }

  // --- kernel signature -----------------------------------------------------
  LogicalResult buildKernel();
  LogicalResult lowerBlock(Block &block);
  LogicalResult lowerOp(Operation &op);
  LogicalResult lowerWarpSpecialize(WarpSpecializeOp op);
  LogicalResult lowerTileLoop(TileLoopOp op);
  LogicalResult lowerMaskedLoop(TileLoopOp op, Value tilesM, Value tilesN);
  /// Tile `t` of a tilesM x tilesN grid in raster order: (tile_m, tile_n).
  std::pair<Value, Value> rasterTile(Value t, Value tilesM, Value tilesN);
  LogicalResult lowerFor(scf::ForOp op);
  LogicalResult lowerProduce(PipelineProduceOp op);
  LogicalResult lowerMma(TileMmaOp op);
  LogicalResult lowerStore(EpilogueOp op);
  LogicalResult lowerGroup(TileGroupOp op);
  LogicalResult lowerKRange(TileKRangeOp op);
  LogicalResult lowerView(memref::ReinterpretCastOp op);
  /// Per sm120.tile.k_range: allocas of (last group, its begin, its scale
  /// begin).
  llvm::DenseMap<Operation *, std::array<Value, 3>> kRanges;
  LogicalResult lowerGroupedTile(TileGroupOp group, Block &body);
  /// Element `index` (i32) of a rank-1 i32 kernel argument.
  Value loadI32(Value ptr, Value index);
  /// A grouped store's tile group and, for prefix sums, its bounds.
  struct GroupRows {
    Value group, layout;
    Value end, last, groups; // prefix sums only
  };
  GroupRows groupRows(EpilogueOp op);
  /// Whether `row` (i32) belongs to the tile's group, trapping when it
  /// belongs to another (misaligned groups).
  Value groupRow(const GroupRows &g, Value row, Value rows);
  LogicalResult lowerTmaStore(EpilogueOp op, Value tma, Value cPtr);
  LogicalResult lowerTransposedStore(EpilogueOp op, Value d, Value cPtr);
  /// The accumulator values a store writes: times alpha when it has one.
  SmallVector<Value> epilogueValues(EpilogueOp op);
  std::array<Value, 2> loadCPair(Value cPtr, Value row, Value col, int64_t n);
  Value rowMajor(Value row, Value col, Value ld);
  /// The i64 stride of dim `dim` of a pointer-addressed argument: its
  /// launch-time param for a strided layout, else `packed`.
  Value strideOf(Value arg, unsigned dim, Value packed) {
    Value s = strideParams.lookup({arg, dim});
    return s ? s : packed;
  }
  Value c64(int64_t v) { return arith::ConstantIntOp::create(b, loc, v, 64); }
  Value waitSlot(PipeInfo &pipe, Value counter, bool empty);
  /// Blocks until fill (or release) `it` (i32) of the ring is done.
  Value waitIndex(PipeInfo &pipe, Value it, bool empty);
  Value barrierOffset(PipeInfo &pipe, Value slot, bool empty);
  Value slotOffset(PipeInfo &pipe, unsigned tile, Value slot);
};

/// The tile type every load from `arg` uses (null if there is none), the
/// dimension its group indexes, and whether the loads read views of it
/// (memref.reinterpret_cast).
struct LoadedTile {
  SmemTileType tile;
  unsigned groupDim = 0;
  bool viewed = false;
};
FailureOr<LoadedTile> loadedTile(BlockArgument arg) {
  LoadedTile t;
  SmallVector<std::pair<Value, bool>> sources = {{arg, false}};
  for (Operation *user : arg.getUsers())
    if (auto view = dyn_cast<memref::ReinterpretCastOp>(user))
      sources.push_back({view.getResult(), true});
  for (auto [source, viewed] : sources)
    for (Operation *user : source.getUsers())
      if (auto load = dyn_cast<TileLoadOp>(user)) {
        unsigned dim = load.getGroupDim().value_or(0);
        if (t.tile && (t.tile != load.getType() || dim != t.groupDim ||
                       viewed != t.viewed))
          return load.emitOpError(
              "loads a different tile shape from the same tensor; one TMA "
              "descriptor serves all loads");
        t.tile = load.getType();
        t.groupDim = dim;
        t.viewed = viewed;
      }
  return t;
}

/// The 128-byte panels a tile's rows are stored in (1 unless its rows are
/// longer than its swizzle span; see !sm120.smem).
int64_t tilePanels(SmemTileType tile) {
  unsigned span = tile.getSwizzle();
  return span && tile.getRowBytes() > span ? tile.getRowBytes() / span : 1;
}

/// The sm_90a twin has no unpacking TMA: an unpacked FP4 tile arrives
/// packed (two elements per byte) with the swizzle of its packed rows.
unsigned twinPackedSwizzle(SmemTileType tile) {
  std::optional<SwizzleMode> mode = swizzleForRowBytes(tile.getCols() / 2);
  return mode ? static_cast<unsigned>(*mode) : 0;
}

LogicalResult KernelLowering::buildKernel() {
  MLIRContext *ctx = func.getContext();
  auto problem = func->getAttrOfType<DictionaryAttr>("sm120.problem");
  if (!problem)
    return func.emitOpError(
        "has no sm120.problem; lower it with sm120-lower-to-tiles");
  auto names = problem.getAs<ArrayAttr>("names");
  if (!names || names.size() != func.getNumArguments())
    return func.emitOpError("sm120.problem.names must name every argument");

  // Parameters: a TMA descriptor per loaded tensor, a pointer per other
  // tensor, then the runtime sizes the program reads.
  SmallVector<Attribute> tensors, params;
  SmallVector<Type> paramTypes;
  SmallVector<std::function<void(Value)>> bind;
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  // With a TMA-store epilogue D is written through a descriptor whose box
  // is one row-span of a warp tile (ring_store: of a round's rows).
  Value tmaStored;
  bool planned = true;
  func.walk([&](EpilogueOp store) {
    auto loop = store->getParentOfType<TileLoopOp>();
    if (!loop || loop.getSchedule().getEpilogue() == EpilogueKind::Direct)
      return;
    ScheduleAttr s = loop.getSchedule();
    TmaStorePlan plan;
    plan.rows = s.getBlockM() / s.getWarpLayout()[0];
    plan.cols = s.getBlockN() / s.getWarpLayout()[1];
    plan.elemBytes = store.getD().getType().getElementTypeBitWidth() / 8;
    if (s.getEpilogue() == EpilogueKind::RingStore) {
      // The tile loop's one ring.
      SmallVector<PipelineCreateOp> rings;
      func.walk([&](PipelineCreateOp op) { rings.push_back(op); });
      if (rings.size() != 1) {
        store.emitOpError("has the ring_store epilogue, which needs exactly "
                          "one pipeline; the kernel has ")
            << rings.size();
        planned = false;
        return;
      }
      PipelineType ring = rings.front().getType();
      plan.ring = rings.front().getResult();
      // The schedule's slot: B when larger and a whole number of swizzle
      // periods, else A.
      plan.ringTile = ring.getSlotBytes(1) > ring.getSlotBytes(0) &&
                      ring.getSlotBytes(1) % 1024 == 0;
      int64_t slot = ring.getSlotBytes(plan.ringTile);
      int64_t rows = ringStoreRows(plan.rows, plan.cols, plan.elemBytes,
                                   s.getNumMathWarps(), slot);
      // Staging boxes start on their swizzle pattern's 1024-byte period.
      if (!rows || ring.getRingOffset(plan.ringTile) % 1024 || slot % 1024) {
        store.emitOpError("has the ring_store epilogue, but 16 rows of each "
                          "warp tile do not fit a 1024-byte aligned operand "
                          "slot of ")
            << slot << " bytes";
        planned = false;
        return;
      }
      plan.rows = rows;
    }
    // The widest swizzle span that divides a warp tile's row.
    plan.boxBytes = 0;
    for (int64_t span : {128, 64, 32})
      if (plan.cols * plan.elemBytes % span == 0) {
        plan.boxBytes = span;
        break;
      }
    if (!plan.boxBytes) {
      store.emitOpError("stages boxes of 32, 64 or 128 bytes of a warp "
                        "tile's row for a TMA store; its rows have ")
          << plan.cols * plan.elemBytes << " bytes";
      planned = false;
      return;
    }
    plan.boxCols = plan.boxBytes / plan.elemBytes;
    tmaStore = plan;
    tmaStored = store.getD();
  });
  if (!planned)
    return failure();
  for (BlockArgument arg : func.getArguments()) {
    auto type = dyn_cast<MemRefType>(arg.getType());
    if (!type)
      return func.emitOpError("kernel arguments must be memrefs; got ")
             << arg.getType();
    tensors.push_back(TensorArgAttr::get(
        ctx, cast<StringAttr>(names[arg.getArgNumber()]).getValue(), type));
    FailureOr<LoadedTile> loaded = loadedTile(arg);
    if (failed(loaded))
      return failure();
    auto [tile, groupDim, viewed] = *loaded;
    unsigned i = arg.getArgNumber();
    if (tile) {
      // sm_120a unpacks FP4 for mxf8f6f4 in the TMA; the twin loads it
      // packed and unpacks in its fragment loads.
      bool unpack = tile.getUnpacked() && !twin;
      unsigned swizzle = tile.getUnpacked() && twin ? twinPackedSwizzle(tile)
                                                    : tile.getSwizzle();
      // A rank-3 tensor is a stack of matrices: one matrix per box (its
      // group dimension has extent 1).
      SmallVector<int64_t> box = {tile.getRows(),
                                  tile.getCols() / tilePanels(tile)};
      if (type.getRank() == 3 && !viewed)
        box.insert(box.begin() + groupDim, 1);
      // A viewed tensor's descriptor is a template the producer rewrites
      // per view (row-major [rows, cols]); the views need its address too.
      if (viewed && (type.getRank() != 1 || !type.getLayout().isIdentity() ||
                     isa<Float4E2M1FNType>(type.getElementType())))
        return func.emitOpError("views of argument #")
               << i << " (" << type
               << ") are lowered for contiguous 1-D tensors of whole-byte "
                  "elements only";
      params.push_back(TmaParamAttr::get(ctx, i, box, swizzle,
                                         /*l2_promotion=*/256,
                                         /*oob_nan=*/false, unpack, viewed));
      paramTypes.push_back(ptrType);
      bind.push_back([this, arg](Value v) { tmaParams[arg] = v; });
      if (viewed) {
        unsigned slot = viewSlots.size();
        viewSlots[arg] = slot;
        params.push_back(PointerParamAttr::get(ctx, i));
        paramTypes.push_back(ptrType);
        bind.push_back([this, arg](Value v) { ptrParams[arg] = v; });
      }
    } else if (arg == tmaStored) {
      params.push_back(TmaParamAttr::get(
          ctx, i, {tmaStore->rows, tmaStore->boxCols},
          unsigned(tmaStore->boxBytes), /*l2_promotion=*/256,
          /*oob_nan=*/false, /*fp4_unpack=*/false, /*device_rewritten=*/false));
      paramTypes.push_back(ptrType);
      bind.push_back([this, arg](Value v) { tmaParams[arg] = v; });
    } else {
      params.push_back(PointerParamAttr::get(ctx, i));
      paramTypes.push_back(ptrType);
      bind.push_back([this, arg](Value v) { ptrParams[arg] = v; });
      // A strided view (an output written into a wider buffer): the kernel
      // takes its row strides at launch.
      if (!type.getLayout().isIdentity()) {
        SmallVector<int64_t> strides;
        int64_t offset = 0;
        if (failed(type.getStridesAndOffset(strides, offset)) || offset != 0 ||
            strides.empty() || strides.back() != 1 ||
            llvm::any_of(ArrayRef(strides).drop_back(),
                         [](int64_t s) { return !ShapedType::isDynamic(s); }))
          return func.emitOpError("argument #")
                 << i << " (" << type
                 << ") is addressed through a pointer: its layout must be "
                    "the identity or strided<[?, ..., ?, 1]>";
        for (unsigned dim = 0; dim + 1 < strides.size(); ++dim) {
          params.push_back(StrideParamAttr::get(ctx, i, dim));
          paramTypes.push_back(b.getI64Type());
          bind.push_back([this, arg, dim](Value v) {
            strideParams[{arg, dim}] = v;
          });
        }
      }
    }
  }
  // One descriptor slot per viewed tensor in each block's scratch.
  if (!viewSlots.empty()) {
    params.push_back(ScratchParamAttr::get(ctx, 128 * viewSlots.size()));
    paramTypes.push_back(ptrType);
    bind.push_back([this](Value v) { scratch = v; });
  }
  SmallVector<memref::DimOp> dimOps;
  func.walk([&](memref::DimOp op) { dimOps.push_back(op); });
  for (memref::DimOp op : dimOps) {
    auto arg = dyn_cast<BlockArgument>(op.getSource());
    std::optional<int64_t> d = op.getConstantIndex();
    if (!arg || !d)
      return op.emitOpError("kernel sizes must be constant dims of arguments");
    auto key = std::make_pair(arg.getArgNumber(), unsigned(*d));
    if (dimParams.count(key))
      continue;
    dimParams[key] = Value();
    // A viewed 1-D tensor concatenates matrices: its size may pass 2^31.
    Type type = viewSlots.count(func.getArgument(key.first))
                    ? Type(b.getI64Type())
                    : i32();
    params.push_back(DimParamAttr::get(ctx, key.first, key.second, type));
    paramTypes.push_back(type);
    bind.push_back([this, key](Value v) { dimParams[key] = v; });
  }

  // The launch: a persistent grid over the output tiles.
  SmallVector<WarpSpecializeOp> roles;
  func.walk([&](WarpSpecializeOp op) { roles.push_back(op); });
  if (roles.size() != 1)
    return func.emitOpError("needs exactly one sm120.warp_specialize; found ")
           << roles.size() << " (run sm120-pipeline and sm120-warp-specialize)";
  ws = roles.front();
  TileLoopOp mathLoop;
  ws.getMath().walk([&](TileLoopOp l) { mathLoop = l; });
  if (!mathLoop)
    return ws.emitOpError("math role has no sm120.tile.loop");
  schedule = mathLoop.getSchedule();
  SmallVector<Attribute> factors;
  SmallVector<std::pair<Value, int64_t>> extents = {
      {mathLoop.getM(), schedule.getBlockM()},
      {mathLoop.getN(), schedule.getBlockN()}};
  // Batches: every batch has the full tile grid.
  if (Value batches = mathLoop.getBatches())
    extents.push_back({batches, 1});
  for (auto [value, tile] : extents) {
    std::optional<std::pair<unsigned, unsigned>> source;
    if (auto dim = value.getDefiningOp<memref::DimOp>())
      source = {cast<BlockArgument>(dim.getSource()).getArgNumber(),
                unsigned(*dim.getConstantIndex())};
    else if (std::optional<int64_t> c = getConstantIntValue(value))
      for (BlockArgument arg : func.getArguments()) {
        ArrayRef<int64_t> shape = cast<MemRefType>(arg.getType()).getShape();
        for (auto [d, size] : llvm::enumerate(shape))
          if (!source && size == *c)
            source = {arg.getArgNumber(), unsigned(d)};
      }
    if (!source)
      return mathLoop.emitOpError("tile loop bounds must be tensor sizes");
    factors.push_back(
        TileFactorAttr::get(ctx, source->first, source->second, tile));
  }
  // Masked groups: every group may fill max_m, so the grid is bounded by
  // G times one group's tiles.
  if (Value counts = mathLoop.getCounts())
    factors.push_back(TileFactorAttr::get(
        ctx, cast<BlockArgument>(counts).getArgNumber(), 0, 1));

  // Shared memory: every pipeline's ring, then all barriers.
  SmallVector<PipelineCreateOp> creates;
  func.walk([&](PipelineCreateOp op) { creates.push_back(op); });
  for (PipelineCreateOp op : creates) {
    PipeInfo info;
    info.type = op.getType();
    info.ring = smemBytes;
    smemBytes += llvm::alignTo(info.type.getBytes(), 1024);
    pipes[op.getResult()] = info;
  }
  if (tmaStore && !tmaStore->ring) {
    // Staging boxes start on their swizzle pattern's 1024-byte period.
    tmaStore->offset = smemBytes;
    smemBytes += llvm::alignTo(tmaStore->warpBytes() * ws.getMathWarps(), 1024);
  }
  for (PipelineCreateOp op : creates) {
    PipeInfo &info = pipes[op.getResult()];
    info.barriers = smemBytes;
    smemBytes += 16 * info.type.getStages();
  }
  func.walk([&](memref::ReinterpretCastOp op) {
    viewState[op] = smemBytes;
    smemBytes += 16;
  });
  int64_t threads = 32 * (ws.getProducerWarps() + ws.getMathWarps());
  auto launch = LaunchAttr::get(ctx, {threads, 1, 1}, smemBytes,
                                /*grid=*/{}, b.getArrayAttr(factors),
                                /*persistent=*/true);
  SmallVector<NamedAttribute> fields;
  for (NamedAttribute n : problem)
    if (n.getName() != "names")
      fields.push_back(n);
  auto abi =
      KernelAbiAttr::get(ctx, b.getArrayAttr(tensors), b.getArrayAttr(params),
                         launch, b.getDictionaryAttr(fields));

  // The kernel and the shared-memory symbol its carve-up starts from.
  auto module = func->getParentOfType<ModuleOp>();
  b.setInsertionPointToStart(module.getBody());
  if (!module.lookupSymbol(kSmemSymbol))
    LLVM::GlobalOp::create(b, loc, LLVM::LLVMArrayType::get(b.getI8Type(), 0),
                           /*isConstant=*/false, LLVM::Linkage::External,
                           kSmemSymbol, Attribute(), /*alignment=*/1024,
                           /*addrSpace=*/3);
  b.setInsertionPoint(func);
  kernel = LLVM::LLVMFuncOp::create(
      b, loc, func.getName(),
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), paramTypes));
  kernel->setAttr("nvvm.kernel", b.getUnitAttr());
  kernel->setAttr("nvvm.maxntid",
                  b.getDenseI32ArrayAttr({int32_t(threads), 1, 1}));
  // setmaxnreg needs the launch register count fixed (.maxnreg): the CTA's
  // register pool is what the roles trade, so it must be the whole file.
  kernel->setAttr("nvvm.maxnreg",
                  b.getI32IntegerAttr(std::min<int64_t>(
                      kMaxThreadRegisters, 65536 / threads / 8 * 8)));
  kernel->setAttr("sm120.abi", abi);
  for (auto [i, p] : llvm::enumerate(params)) {
    if (isa<TmaParamAttr>(p)) {
      kernel.setArgAttr(
          i, "llvm.byval",
          TypeAttr::get(LLVM::LLVMArrayType::get(b.getI8Type(), 128)));
      kernel.setArgAttr(i, "llvm.align", b.getI64IntegerAttr(64));
      kernel.setArgAttr(i, "nvvm.grid_constant", b.getUnitAttr());
    } else if (auto ptr = dyn_cast<PointerParamAttr>(p)) {
      // A viewed tensor is also read through its descriptor.
      if (!viewSlots.count(func.getArgument(ptr.getTensor())))
        kernel.setArgAttr(i, "llvm.noalias", b.getUnitAttr());
    }
  }
  Block *entry = kernel.addEntryBlock(b);
  b.setInsertionPointToStart(entry);
  for (auto [i, f] : llvm::enumerate(bind))
    f(entry->getArgument(i));

  tid = NVVM::ThreadIdXOp::create(b, loc, i32());
  warp = arith::DivUIOp::create(b, loc, tid, c32(32));
  lane = arith::RemUIOp::create(b, loc, tid, c32(32));
  group = arith::DivUIOp::create(b, loc, lane, c32(4));
  tig = arith::RemUIOp::create(b, loc, lane, c32(4));
  smem = LLVM::AddressOfOp::create(b, loc, LLVM::LLVMPointerType::get(ctx, 3),
                                   kSmemSymbol);
  // Each summing K range's walk state: the group it last reached and its
  // sums (the math role's ranges only load sizes).
  func.walk([&](TileKRangeOp op) {
    if (op.getBegin().use_empty() && op.getScaleBegin().use_empty())
      return;
    std::array<Value, 3> state;
    for (Value &slot : state) {
      slot = LLVM::AllocaOp::create(b, loc, ptrType, i32(), c32(1));
      LLVM::StoreOp::create(b, loc, c32(0), slot);
    }
    kRanges[op] = state;
  });
  // No view yet (the barrier before the roles publishes the zeros).
  if (!viewState.empty())
    ifThen(cmp(arith::CmpIPredicate::eq, tid, c32(0)), [&] {
      for (auto &[op, offset] : viewState)
        for (int64_t word = 0; word < 2; ++word)
          LLVM::StoreOp::create(b, loc,
                                arith::ConstantIntOp::create(b, loc, 0, 64),
                                smemPtr(c32(offset + 8 * word)));
    });
  for (auto &[value, info] : pipes) {
    auto one = c32(1);
    info.produced = LLVM::AllocaOp::create(b, loc, ptrType, i32(), one);
    info.consumed = LLVM::AllocaOp::create(b, loc, ptrType, i32(), one);
    info.released = LLVM::AllocaOp::create(b, loc, ptrType, i32(), one);
    for (Value counter : {info.produced, info.consumed, info.released})
      LLVM::StoreOp::create(b, loc, c32(0), counter);
  }
  if (failed(lowerBlock(func.getBody().front())))
    return failure();
  return success();
}

LogicalResult KernelLowering::lowerBlock(Block &block) {
  for (Operation &op : block)
    if (failed(lowerOp(op)))
      return failure();
  return success();
}

Value KernelLowering::slotOffset(PipeInfo &pipe, unsigned tile, Value slot) {
  return add(c32(pipe.ring + pipe.type.getRingOffset(tile)),
             mul(slot, c32(pipe.type.getSlotBytes(tile))));
}

Value KernelLowering::barrierOffset(PipeInfo &pipe, Value slot, bool empty) {
  int64_t first = pipe.barriers + (empty ? 8 * pipe.type.getStages() : 0);
  return add(c32(first), mul(slot, c32(8)));
}

/// Blocks until the counter's slot is full (consumer) or empty (producer).
Value KernelLowering::waitSlot(PipeInfo &pipe, Value counter, bool empty) {
  return waitIndex(pipe, load(counter), empty);
}

Value KernelLowering::waitIndex(PipeInfo &pipe, Value it, bool empty) {
  Value stages = c32(pipe.type.getStages());
  Value slot = arith::RemUIOp::create(b, loc, it, stages);
  Value phase = arith::AndIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, it, stages), c32(1));
  // The producer waits for the phase before the consumer's release: a
  // fresh barrier counts that phase as complete.
  if (empty)
    phase = arith::XOrIOp::create(b, loc, phase, c32(1));
  // A loop of our own around try_wait: each lane leaves it when it sees the
  // phase complete, and the compiler reconverges the divergent exit before
  // the .aligned ldmatrix (a wait loop whose branches claim to be uniform
  // is not safe there).
  Value bar = smemPtr(barrierOffset(pipe, slot, empty));
  auto loop = scf::WhileOp::create(b, loc, TypeRange{}, ValueRange{});
  OpBuilder::InsertionGuard guard(b);
  b.createBlock(&loop.getBefore());
  Value done = NVVM::MBarrierTryWaitOp::create(b, loc, b.getI1Type(), bar,
                                               phase, Value());
  Value again = arith::XOrIOp::create(
      b, loc, done, arith::ConstantIntOp::create(b, loc, 1, 1));
  scf::ConditionOp::create(b, loc, again, ValueRange{});
  b.createBlock(&loop.getAfter());
  scf::YieldOp::create(b, loc, ValueRange{});
  return slot;
}

LogicalResult KernelLowering::lowerOp(Operation &op) {
  if (isa<arith::ArithDialect>(op.getDialect()) && op.getNumRegions() == 0) {
    b.clone(op, map);
    return success();
  }
  if (auto dim = dyn_cast<memref::DimOp>(op)) {
    auto key =
        std::make_pair(cast<BlockArgument>(dim.getSource()).getArgNumber(),
                       unsigned(*dim.getConstantIndex()));
    map.map(dim.getResult(), toIndex(dimParams[key]));
    return success();
  }
  if (auto create = dyn_cast<PipelineCreateOp>(op)) {
    PipeInfo &pipe = pipes[create.getResult()];
    unsigned stages = pipe.type.getStages();
    ifThen(cmp(arith::CmpIPredicate::eq, tid, c32(0)), [&] {
      for (unsigned s = 0; s < stages; ++s) {
        NVVM::MBarrierInitOp::create(
            b, loc, smemPtr(c32(pipe.barriers + 8 * s)), c32(1), Value());
        NVVM::MBarrierInitOp::create(
            b, loc, smemPtr(c32(pipe.barriers + 8 * (stages + s))),
            c32(ws.getMathWarps()), Value());
      }
      NVVM::FenceMbarrierInitOp::create(b, loc);
    });
    return success();
  }
  if (auto role = dyn_cast<WarpSpecializeOp>(op))
    return lowerWarpSpecialize(role);
  if (auto loop = dyn_cast<TileLoopOp>(op))
    return lowerTileLoop(loop);
  if (isa<TileYieldOp, scf::YieldOp>(op))
    return success();
  if (auto loop = dyn_cast<scf::ForOp>(op))
    return lowerFor(loop);
  if (auto produce = dyn_cast<PipelineProduceOp>(op))
    return lowerProduce(produce);
  if (auto consume = dyn_cast<PipelineConsumeOp>(op)) {
    PipeInfo &pipe = pipes[consume.getPipeline()];
    Value slot = waitSlot(pipe, pipe.consumed, /*empty=*/false);
    // Lanes leave the wait loop independently; the .aligned ldmatrix and
    // mma.sync that follow need the whole warp.
    NVVM::SyncWarpOp::create(b, loc, c32(-1));
    for (auto [i, tile] : llvm::enumerate(consume.getTiles()))
      tileOffsets[tile] = slotOffset(pipe, i, slot);
    bump(pipe.consumed);
    return success();
  }
  if (auto release = dyn_cast<PipelineReleaseOp>(op)) {
    PipeInfo &pipe = pipes[release.getPipeline()];
    // The stage is refilled by TMA (async proxy) while this warp read it with
    // ldmatrix (generic proxy): without a proxy fence ptxas issues the arrive
    // before the last ldmatrix has read shared memory (seen on sm_90a as a
    // nondeterministic K block overwritten under a lagging warp). Each lane
    // fences its reads; the warp is done once all lanes get past the sync.
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(b.getContext(),
                                   NVVM::SharedSpace::shared_cta));
    NVVM::SyncWarpOp::create(b, loc, c32(-1));
    Value slot = arith::RemUIOp::create(b, loc, load(pipe.released),
                                        c32(pipe.type.getStages()));
    Value arrive = cmp(arith::CmpIPredicate::eq, lane, c32(0));
    if (tmaStore && tmaStore->ring == release.getPipeline()) {
      // ring_store: the K loop's last stage stays with the math warps, and
      // the epilogue releases it once its copies have read it.
      auto loop = dyn_cast<scf::ForOp>(release->getParentOp());
      std::optional<int64_t> lb, ub, step;
      if (loop) {
        lb = getConstantIntValue(loop.getLowerBound());
        ub = getConstantIntValue(loop.getUpperBound());
        step = getConstantIntValue(loop.getStep());
      }
      if (!lb || !ub || !step || *ub <= *lb)
        return release.emitOpError(
            "is not in a K loop of static, nonzero length, which the "
            "ring_store epilogue needs (it stages the output in the last "
            "K block's stage)");
      Value next = arith::AddIOp::create(
          b, loc, map.lookupOrDefault(loop.getInductionVar()),
          map.lookupOrDefault(loop.getStep()));
      arrive = arith::AndIOp::create(
          b, loc, arrive,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, next,
                                map.lookupOrDefault(loop.getUpperBound())));
    }
    ifThen(arrive, [&] {
      NVVM::MBarrierArriveOp::create(
          b, loc, Type(), smemPtr(barrierOffset(pipe, slot, true)), Value());
    });
    bump(pipe.released);
    return success();
  }
  if (auto group = dyn_cast<TileGroupOp>(op))
    return lowerGroup(group);
  if (auto range = dyn_cast<TileKRangeOp>(op))
    return lowerKRange(range);
  if (auto view = dyn_cast<memref::ReinterpretCastOp>(op))
    return lowerView(view);
  if (auto zero = dyn_cast<AccZeroOp>(op)) {
    AccTileType type = zero.getType();
    int64_t n = type.getRows() * type.getCols() / (32 * ws.getMathWarps());
    accs[zero.getResult()] = SmallVector<Value>(n, cf32(0));
    return success();
  }
  if (auto mma = dyn_cast<TileMmaOp>(op))
    return lowerMma(mma);
  if (auto store = dyn_cast<EpilogueOp>(op))
    return lowerStore(store);
  if (isa<func::ReturnOp>(op)) {
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    return success();
  }
  return op.emitOpError("cannot be lowered to NVVM by sm120-lower-to-nvvm");
}

LogicalResult KernelLowering::lowerWarpSpecialize(WarpSpecializeOp op) {
  // Barrier initialization is visible to every warp before the roles start.
  NVVM::Barrier0Op::create(b, loc);
  Value isMath = cmp(arith::CmpIPredicate::ult, warp, c32(op.getMathWarps()));
  auto branch = scf::IfOp::create(b, loc, isMath, /*withElseRegion=*/true);
  LogicalResult result = success();
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(branch.thenBlock());
    NVVM::SetMaxRegisterOp::create(b, loc, op.getMathRegisters(),
                                   NVVM::SetMaxRegisterAction::increase);
    result = lowerBlock(op.getMath().front());
    // Shared memory outlives the block only until its last warp exits: the
    // epilogue's copies must be done with it.
    if (tmaStore)
      ifThen(cmp(arith::CmpIPredicate::eq, lane, c32(0)), [&] {
        NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0),
                                             UnitAttr());
      });
  }
  if (failed(result))
    return failure();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(branch.elseBlock());
  NVVM::SetMaxRegisterOp::create(b, loc, op.getProducerRegisters(),
                                 NVVM::SetMaxRegisterAction::decrease);
  // One elected lane of the first producer warp issues every load.
  Value first = cmp(arith::CmpIPredicate::eq, warp, c32(op.getMathWarps()));
  ifThen(first, [&] {
    Value elected = NVVM::ElectSyncOp::create(b, loc, b.getI1Type(), Value());
    ifThen(elected, [&] { result = lowerBlock(op.getProducer().front()); });
  });
  return result;
}

LogicalResult KernelLowering::lowerTileLoop(TileLoopOp op) {
  ScheduleAttr s = op.getSchedule();
  Value m = map.lookupOrDefault(op.getM()), n = map.lookupOrDefault(op.getN());
  loopM = m;
  loopN = n;
  // Tile counts fit in 32 bits (M < 2^31): the walk is i32 arithmetic, which
  // keeps the producer lane's state small and its divisions cheap.
  Value bm = c32(s.getBlockM()), bn = c32(s.getBlockN());
  Value tilesM = arith::CeilDivUIOp::create(b, loc, toI32(m), bm);
  Value tilesN = arith::CeilDivUIOp::create(b, loc, toI32(n), bn);
  if (op.getCounts())
    return lowerMaskedLoop(op, tilesM, tilesN);
  // Batches: tile numbers run batch after batch, each a full grid.
  Value perBatch = mul(tilesM, tilesN);
  Value total = perBatch;
  if (Value batches = op.getBatches())
    total = mul(perBatch, toI32(map.lookupOrDefault(batches)));
  Value first = NVVM::BlockIdXOp::create(b, loc, i32());
  Value step = NVVM::GridDimXOp::create(b, loc, i32());
  auto loop = scf::ForOp::create(b, loc, first, total, step);
  loop.setUnsignedCmp(true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  Value t = loop.getInductionVar();
  Block &body = op.getBody().front();
  if (op.getBatches()) {
    map.map(body.getArgument(2),
            toIndex(arith::DivUIOp::create(b, loc, t, perBatch)));
    t = arith::RemUIOp::create(b, loc, t, perBatch);
    // Every row of a batch is valid.
    loopRows = toI32(schedule.getSwapAb() ? n : m);
  }
  auto [mt, nt] = rasterTile(t, tilesM, tilesN);
  map.map(body.getArgument(0), toIndex(mul(mt, bm)));
  map.map(body.getArgument(1), toIndex(mul(nt, bn)));
  auto groups = body.getOps<TileGroupOp>();
  if (groups.empty())
    return lowerBlock(body);
  return lowerGroupedTile(*groups.begin(), body);
}

std::pair<Value, Value> KernelLowering::rasterTile(Value t, Value tilesM,
                                                   Value tilesN) {
  // Grouped rasterization: sweeps of `raster_group` M tiles along N. A
  // group of at most tilesM keeps g x tilesN within the tile count (i32).
  Value g = arith::MinUIOp::create(
      b, loc, c32(std::max<unsigned>(1, schedule.getRasterGroup())), tilesM);
  Value perGroup = mul(g, tilesN);
  Value firstM = mul(arith::DivUIOp::create(b, loc, t, perGroup), g);
  Value size = arith::MinUIOp::create(b, loc, g, sub(tilesM, firstM));
  Value r = arith::RemUIOp::create(b, loc, t, perGroup);
  Value mt = add(firstM, arith::RemUIOp::create(b, loc, r, size));
  Value nt = arith::DivUIOp::create(b, loc, r, size);
  return {mt, nt};
}

/// Masked groups: the valid tiles are numbered group after group (group g
/// has ceil(counts[g] / BM) x tilesN of them, in raster order) and the CTAs
/// stride over those numbers. Every role walks the groups forward as its
/// number grows, so a CTA reads each count a bounded number of times, and
/// its last walk reaches the end: every CTA checks every count, and one
/// outside [0, M] traps. With swap_ab the counts bound the loop's columns
/// (D's rows) instead: ceil(counts[g] / BN) column tiles of tilesM rows.
LogicalResult KernelLowering::lowerMaskedLoop(TileLoopOp op, Value tilesM,
                                              Value tilesN) {
  Value counts = ptrParams.lookup(op.getCounts());
  if (!counts)
    return op.emitOpError("reads counts that are not a kernel argument");
  int64_t groups = op.getCounts().getType().getDimSize(0);
  if (ShapedType::isDynamic(groups) || groups < 1)
    return op.emitOpError("needs a static, positive group count");
  bool swap = schedule.getSwapAb();
  Value maxM = toI32(swap ? loopN : loopM);
  Value bm = c32(schedule.getBlockM()), bn = c32(schedule.getBlockN());
  Value numGroups = c32(groups);
  Type t32 = i32();
  // A group's tile grid: (rows, columns) in tiles.
  auto gridOf = [&](Value count) -> std::pair<Value, Value> {
    if (swap)
      return {tilesM, arith::CeilDivUIOp::create(b, loc, count, bn)};
    return {arith::CeilDivUIOp::create(b, loc, count, bm), tilesN};
  };
  auto tilesOf = [&](Value count) {
    auto [rows, cols] = gridOf(count);
    return mul(rows, cols);
  };
  // State: (tile number, its group, the group's first tile number).
  Value first = NVVM::BlockIdXOp::create(b, loc, t32);
  Value step = NVVM::GridDimXOp::create(b, loc, t32);
  auto outer = scf::WhileOp::create(b, loc, TypeRange{t32, t32, t32, t32},
                                    ValueRange{first, c32(0), c32(0)});
  OpBuilder::InsertionGuard guard(b);
  {
    Block *before =
        b.createBlock(&outer.getBefore(), {}, {t32, t32, t32}, {loc, loc, loc});
    Value t = before->getArgument(0);
    // Skip the groups that end at or before tile t.
    auto walk = scf::WhileOp::create(
        b, loc, TypeRange{t32, t32, t32},
        ValueRange{before->getArgument(1), before->getArgument(2)});
    {
      OpBuilder::InsertionGuard inner(b);
      Block *wb = b.createBlock(&walk.getBefore(), {}, {t32, t32}, {loc, loc});
      Value g = wb->getArgument(0), start = wb->getArgument(1);
      Value inRange = cmp(arith::CmpIPredicate::slt, g, numGroups);
      Value count =
          loadI32(counts, arith::MinUIOp::create(b, loc, g, c32(groups - 1)));
      Value bad = arith::AndIOp::create(
          b, loc, inRange, cmp(arith::CmpIPredicate::ugt, count, maxM));
      ifThen(bad, [&] { LLVM::Trap::create(b, loc); });
      Value past =
          cmp(arith::CmpIPredicate::uge, t, add(start, tilesOf(count)));
      scf::ConditionOp::create(b, loc,
                               arith::AndIOp::create(b, loc, inRange, past),
                               ValueRange{g, start, count});
      Block *wa =
          b.createBlock(&walk.getAfter(), {}, {t32, t32, t32}, {loc, loc, loc});
      scf::YieldOp::create(
          b, loc,
          ValueRange{addc(wa->getArgument(0), 1),
                     add(wa->getArgument(1), tilesOf(wa->getArgument(2)))});
    }
    Value g = walk.getResult(0);
    scf::ConditionOp::create(
        b, loc, cmp(arith::CmpIPredicate::slt, g, numGroups),
        ValueRange{t, g, walk.getResult(1), walk.getResult(2)});
  }
  Block *after = b.createBlock(&outer.getAfter(), {}, {t32, t32, t32, t32},
                               {loc, loc, loc, loc});
  Value t = after->getArgument(0), g = after->getArgument(1);
  Value start = after->getArgument(2), count = after->getArgument(3);
  auto yield = scf::YieldOp::create(b, loc, ValueRange{add(t, step), g, start});
  b.setInsertionPoint(yield);
  auto [rowTiles, colTiles] = gridOf(count);
  auto [mt, nt] = rasterTile(sub(t, start), rowTiles, colTiles);
  Block &body = op.getBody().front();
  map.map(body.getArgument(0), toIndex(mul(mt, bm)));
  map.map(body.getArgument(1), toIndex(mul(nt, bn)));
  map.map(body.getArgument(2), toIndex(g));
  loopRows = count;
  return lowerBlock(body);
}

/// A grouped tile runs only when it has rows of a group: every role skips
/// the tiles past the last group (prefix sums) or whose first and last rows
/// are padding (row layout), so that their K loops stay in step. The math
/// role still checks a skipped tile's rows: a row of some group there means
/// a misaligned layout, and traps.
LogicalResult KernelLowering::lowerGroupedTile(TileGroupOp group, Block &body) {
  auto it = body.begin();
  for (; &*it != group.getOperation(); ++it)
    if (failed(lowerOp(*it)))
      return failure();
  if (failed(lowerOp(*it++)))
    return failure();
  Value g = toI32(map.lookupOrDefault(group.getGroup()));
  Value run;
  if (group.getPrefixSum()) {
    run = cmp(arith::CmpIPredicate::slt, g, c32(group.getNumGroups()));
  } else {
    Value m0 = toI32(map.lookupOrDefault(body.getArgument(0)));
    Value last = sub(arith::MinUIOp::create(
                         b, loc, addc(m0, schedule.getBlockM()), toI32(loopM)),
                     c32(1));
    Value lastGroup = loadI32(ptrParams.lookup(group.getLayout()), last);
    run =
        arith::OrIOp::create(b, loc, cmp(arith::CmpIPredicate::ne, g, c32(-1)),
                             cmp(arith::CmpIPredicate::ne, lastGroup, c32(-1)));
  }
  EpilogueOp store;
  for (Operation &op : llvm::make_range(it, body.end()))
    if (auto s = dyn_cast<EpilogueOp>(op); s && s.getRowLayout())
      store = s;
  bool checkSkipped = store && !store.getPrefixSum();
  auto ifOp = scf::IfOp::create(b, loc, run, /*withElseRegion=*/checkSkipped);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  for (Operation &op : llvm::make_range(it, body.end()))
    if (failed(lowerOp(op)))
      return failure();
  if (checkSkipped) {
    // Group -1 owns no row: groupRow traps on any row with a group.
    b.setInsertionPointToStart(ifOp.elseBlock());
    GroupRows gr = groupRows(store);
    WarpTile wt = warpTile();
    Value row0 = add(add(toI32(map.lookupOrDefault(store.getRow())), wt.row),
                     this->group);
    for (int64_t i = 0; i < wt.mTiles; ++i)
      for (int half = 0; half < 2; ++half)
        (void)groupRow(gr, addc(row0, 16 * i + 8 * half), toI32(loopM));
  }
  return success();
}

LogicalResult KernelLowering::lowerFor(scf::ForOp op) {
  // Accumulator iter_args become their registers.
  SmallVector<Value> inits;
  SmallVector<unsigned> sizes;
  for (Value init : op.getInitArgs()) {
    if (isa<AccTileType>(init.getType())) {
      auto &regs = accs[init];
      inits.append(regs.begin(), regs.end());
      sizes.push_back(regs.size());
    } else {
      inits.push_back(map.lookupOrDefault(init));
      sizes.push_back(0);
    }
  }
  auto loop =
      scf::ForOp::create(b, loc, map.lookupOrDefault(op.getLowerBound()),
                         map.lookupOrDefault(op.getUpperBound()),
                         map.lookupOrDefault(op.getStep()), inits);
  map.map(op.getInductionVar(), loop.getInductionVar());
  // The builder adds a terminator only to loops without iter_args.
  if (loop.getBody()->empty() || !isa<scf::YieldOp>(loop.getBody()->back())) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(loop.getBody());
    scf::YieldOp::create(b, loc, loop.getRegionIterArgs());
  }
  auto split = [&](ValueRange flat, ValueRange originals) {
    unsigned pos = 0;
    for (auto [orig, size] : llvm::zip(originals, sizes)) {
      if (size) {
        accs[orig] = llvm::to_vector(flat.slice(pos, size));
        pos += size;
      } else {
        map.map(orig, flat[pos++]);
      }
    }
  };
  split(loop.getRegionIterArgs(), op.getRegionIterArgs());
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    if (failed(lowerBlock(*op.getBody())))
      return failure();
    auto yield = cast<scf::YieldOp>(op.getBody()->getTerminator());
    SmallVector<Value> results;
    for (Value v : yield.getOperands()) {
      if (isa<AccTileType>(v.getType()))
        llvm::append_range(results, accs[v]);
      else
        results.push_back(map.lookupOrDefault(v));
    }
    loop.getBody()->getTerminator()->setOperands(results);
  }
  split(loop.getResults(), op.getResults());
  return success();
}

LogicalResult KernelLowering::lowerProduce(PipelineProduceOp op) {
  PipeInfo &pipe = pipes[op.getPipeline()];
  Value slot = waitSlot(pipe, pipe.produced, /*empty=*/true);
  Value full = smemPtr(barrierOffset(pipe, slot, false));
  // The transaction counts global bytes: an unpacked FP4 tile brings half
  // the bytes it fills.
  int64_t bytes = 0;
  for (Type t : pipe.type.getTiles()) {
    auto tile = cast<SmemTileType>(t);
    bytes += tile.getRows() * tile.getRowBytes() / (tile.getUnpacked() ? 2 : 1);
  }
  NVVM::MBarrierArriveExpectTxOp::create(b, loc, Type(), full, c32(bytes),
                                         NVVM::MemScopeKind::CTA,
                                         /*relaxed=*/false, Value());
  auto yield = cast<PipelineYieldOp>(op.getBody().front().getTerminator());
  for (Operation &nested : op.getBody().front().without_terminator()) {
    auto load = dyn_cast<TileLoadOp>(nested);
    if (!load) {
      if (failed(lowerOp(nested)))
        return failure();
      continue;
    }
    unsigned i = llvm::find(yield.getTiles(), load.getResult()) -
                 yield.getTiles().begin();
    Value dst = slotOffset(pipe, i, slot);
    Value tma = tmaParams.lookup(load.getSource());
    if (!tma)
      return load.emitOpError("loads from a tensor that is not a kernel "
                              "argument");
    // TMA coordinates run innermost first. Packed FP4 is read as bytes
    // (the manifest's u8 over f4e2m1), so its column counts bytes; the
    // unpacking TMA of sm_120a counts elements.
    Value col = toI32(map.lookupOrDefault(load.getCol()));
    SmemTileType tile = load.getType();
    if (isa<Float4E2M1FNType>(tile.getElementType()) &&
        !(tile.getUnpacked() && !twin))
      col = arith::ShRUIOp::create(b, loc, col, c32(1));
    SmallVector<Value> coords = {col,
                                 toI32(map.lookupOrDefault(load.getRow()))};
    if (Value group = load.getGroup())
      coords.insert(coords.end() - load.getGroupDim().value_or(0),
                    toI32(map.lookupOrDefault(group)));
    // A panelled tile (rows longer than its swizzle span) takes one copy per
    // panel: the box is a panel, the next one `span` bytes of the row on.
    int64_t panels = tilePanels(tile);
    int64_t panelCols = tile.getCols() / panels;
    for (int64_t p = 0; p < panels; ++p) {
      SmallVector<Value> at(coords);
      at[0] = addc(col, p * panelCols);
      NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
          b, loc, smemPtr(addc(dst, p * tile.getRows() * tile.getSwizzle())),
          tma, at, full, ValueRange{}, Value(), Value(),
          NVVM::TMALoadMode::TILE, /*isCTAOnly=*/true, nullptr, Value());
    }
  }
  bump(pipe.produced);
  return success();
}

/// One ldmatrix of `num` 8x8 b16 matrices at `offset` (bytes into smem);
/// with `unpackedFp4`, sm_120a's unpacking form over 8x16 matrices of an
/// unpacked FP4 tile, which puts each element in the low 4 bits of a byte:
/// mxf8f6f4 takes e2m1 in bits 2-5 (0b00xxxx00), so each register is
/// shifted left by 2 (no byte's top bits are set, so none crosses over).
/// With `trans`, each matrix is read transposed (ldmatrix .trans): the
/// fragment of an MN-major b16 tile.
SmallVector<Value> ldmatrix(KernelLowering &k, Value offset, int num,
                            bool unpackedFp4 = false, bool trans = false) {
  OpBuilder &b = k.b;
  SmallVector<Type> fields(num, k.i32());
  auto type = LLVM::LLVMStructType::getLiteral(b.getContext(), fields);
  Value frag = NVVM::LdMatrixOp::create(
      b, k.loc, type, k.smemPtr(offset), num,
      trans ? NVVM::MMALayout::col : NVVM::MMALayout::row,
      NVVM::LdStMatrixShapeAttr::get(b.getContext(), 8, unpackedFp4 ? 16 : 8),
      unpackedFp4 ? NVVM::LdStMatrixEltType::B8X16_B4X16_P64
                  : NVVM::LdStMatrixEltType::B16);
  SmallVector<Value> regs;
  for (int i = 0; i < num; ++i) {
    Value r = LLVM::ExtractValueOp::create(b, k.loc, frag, i);
    regs.push_back(unpackedFp4 ? arith::ShLIOp::create(b, k.loc, r, k.c32(2))
                               : r);
  }
  return regs;
}

/// Byte offset of 16-byte chunk `chunk` of row `row` in a swizzled tile.
/// Byte offset of 16-byte chunk `chunk` of row `laneRow + rowStep` in a
/// tile with `rowBytes`-byte rows and that swizzle (lib/Schedule/Swizzle:
/// address bits [7, 7 + b) XOR into bits [4, 4 + b)). Rows are one swizzle
/// span, so the XOR term depends on the row modulo 8 only; with `rowStep` a
/// multiple of 8 the per-fragment part is a constant the address folds.
Value swizzled(KernelLowering &k, Value tileOffset, Value laneRow,
               int64_t rowStep, int64_t rowBytes, Value chunk,
               unsigned swizzle) {
  assert(rowStep % 8 == 0 && (!swizzle || swizzle == rowBytes));
  if (swizzle) {
    // (row * span + chunk * 16) >> 7 = row >> log2(128 / span).
    int64_t shift = llvm::Log2_64(128 / swizzle);
    Value bits = arith::AndIOp::create(
        k.b, k.loc, arith::ShRUIOp::create(k.b, k.loc, laneRow, k.c32(shift)),
        k.c32(swizzle / 16 - 1));
    chunk = arith::XOrIOp::create(k.b, k.loc, chunk, bits);
  }
  Value off = k.add(k.mul(laneRow, k.c32(rowBytes)), k.mul(chunk, k.c32(16)));
  return k.addc(k.add(tileOffset, off), rowStep * rowBytes);
}

/// Byte offset of 16-byte chunk `chunk` of row `laneRow + rowStep` of
/// `tile`, whose rows may be stored in panels: the panel is the chunk's
/// span-sized part of the row, and the chunk within it is swizzled.
Value tileChunk(KernelLowering &k, Value tileOffset, SmemTileType tile,
                Value laneRow, int64_t rowStep, Value chunk) {
  int64_t panels = tilePanels(tile);
  unsigned span = tile.getSwizzle();
  if (panels == 1)
    return swizzled(k, tileOffset, laneRow, rowStep, tile.getRowBytes(), chunk,
                    span);
  int64_t perPanel = span / 16;
  Value panel =
      arith::ShRUIOp::create(k.b, k.loc, chunk, k.c32(llvm::Log2_64(perPanel)));
  Value within = arith::AndIOp::create(k.b, k.loc, chunk, k.c32(perPanel - 1));
  Value base =
      k.add(tileOffset, k.mul(panel, k.c32(tile.getRows() * int64_t(span))));
  return swizzled(k, base, laneRow, rowStep, span, within, span);
}

/// UE8M0 byte (in the low 8 bits of `e`) to its FP32 value, exactly.
Value decodeUe8m0(KernelLowering &k, Value e) {
  OpBuilder &b = k.b;
  Value bits = arith::ShLIOp::create(b, k.loc, e, k.c32(23));
  Value zero = k.cmp(arith::CmpIPredicate::eq, e, k.c32(0));
  Value nan = k.cmp(arith::CmpIPredicate::eq, e, k.c32(255));
  bits = arith::SelectOp::create(b, k.loc, zero, k.c32(0x00400000), bits);
  bits = arith::SelectOp::create(b, k.loc, nan, k.c32(0x7fc00000), bits);
  return arith::BitcastOp::create(b, k.loc, k.f32(), bits);
}

/// The twin widens a register of four e4m3 (K order k..k+3) into two f16x2
/// registers: {k, k+1} and {k+2, k+3}. Exact: every e4m3 is an f16.
std::array<Value, 2> widenE4m3(KernelLowering &k, Value v) {
  auto ptx = NVVM::InlinePtxOp::create(
      k.b, k.loc, TypeRange{k.i32(), k.i32()}, ValueRange{v}, ValueRange{},
      "{ .reg .b16 sm120_lo, sm120_hi; mov.b32 {sm120_lo, sm120_hi}, $2; "
      "cvt.rn.f16x2.e4m3x2 $0, sm120_lo; cvt.rn.f16x2.e4m3x2 $1, sm120_hi; }",
      Value());
  return {ptx.getResult(0), ptx.getResult(1)};
}

/// f16x2 product, round to nearest, subnormals kept (operands as b32).
Value mulF16x2(KernelLowering &k, Value x, Value y) {
  return NVVM::InlinePtxOp::create(k.b, k.loc, TypeRange{k.i32()},
                                   ValueRange{x, y}, ValueRange{},
                                   "mul.rn.f16x2 $0, $1, $2;", Value())
      .getResult(0);
}

/// A UE4M3 scale in both bytes of the low 16 bits of `pair` to f16x2
/// (exact: every e4m3 is an f16).
Value decodeUe4m3x2(KernelLowering &k, Value pair) {
  return NVVM::InlinePtxOp::create(
             k.b, k.loc, TypeRange{k.i32()}, ValueRange{pair}, ValueRange{},
             "{ .reg .b16 sm120_s; cvt.u16.u32 sm120_s, $1; "
             "cvt.rn.f16x2.e4m3x2 $0, sm120_s; }",
             Value())
      .getResult(0);
}

/// `v` shifted left by `by` bits (right for negative `by`), masked.
Value bitField(KernelLowering &k, Value v, int64_t by, int64_t mask) {
  Value shifted =
      by >= 0 ? Value(arith::ShLIOp::create(k.b, k.loc, v, k.c32(by)))
              : Value(arith::ShRUIOp::create(k.b, k.loc, v, k.c32(-by)));
  return arith::AndIOp::create(k.b, k.loc, shifted, k.c32(mask));
}

/// The twin's e2m1 widening: sign and exponent-mantissa bits placed at f16
/// bits 15 and 9-11 make an f16 of the e2m1 value times 2^-14 (e2m1's bias
/// is 1, f16's 15; its zero exponent is f16's subnormal range); multiplying
/// by 2^14 is exact and hands the MMA normal f16 values.
Value e2m1BitsToF16x2(KernelLowering &k, Value bits) {
  return mulF16x2(k, bits, k.c32(0x74007400)); // 2^14 in both halves
}

/// The twin widens a register of eight e2m1 (K order 0..7, low nibble
/// first) into four f16x2 registers: half e of register q holds nibble
/// twinFp4Nibble(q, e).
std::array<Value, 4> widenE2m1(KernelLowering &k, Value v) {
  std::array<Value, 4> out;
  for (unsigned q = 0; q < 4; ++q) {
    unsigned n0 = twinFp4Nibble(q, 0), n1 = twinFp4Nibble(q, 1);
    // Nibble n's bits 0-2 go to f16 bits 9-11 and bit 3 to the sign bit 15,
    // of the low half (n0) and the high half (n1): one shift serves both.
    int64_t emShift = 9 - 4 * int64_t(n0), signShift = 12 - 4 * int64_t(n0);
    assert(emShift == 25 - 4 * int64_t(n1) && "halves need one shift");
    (void)n1;
    out[q] = e2m1BitsToF16x2(
        k,
        arith::OrIOp::create(k.b, k.loc, bitField(k, v, emShift, 0x0E000E00),
                             bitField(k, v, signShift, int64_t(0x80008000))));
  }
  return out;
}

/// The twin widens a register of four e2m1 in mxf8f6f4 container bytes
/// (0b00sxxx00, K order k..k+3) into two f16x2 registers {k, k+1} and
/// {k+2, k+3}, as widenE4m3 pairs e4m3.
std::array<Value, 2> widenFp4Container(KernelLowering &k, Value v) {
  std::array<Value, 2> out;
  for (int64_t q = 0; q < 2; ++q) {
    // Byte 2q: bits 2-4 to f16 bits 9-11, bit 5 to 15; byte 2q + 1 to the
    // high half (bits 25-27 and 31).
    Value bits = arith::OrIOp::create(
        k.b, k.loc,
        arith::OrIOp::create(k.b, k.loc, bitField(k, v, 7 - 16 * q, 0xE00),
                             bitField(k, v, 10 - 16 * q, 0x8000)),
        arith::OrIOp::create(k.b, k.loc,
                             bitField(k, v, 15 - 16 * q, 0x0E000000),
                             bitField(k, v, 18 - 16 * q, int64_t(0x80000000))));
    out[q] = e2m1BitsToF16x2(k, bits);
  }
  return out;
}

/// The twin's stand-in for sm_120a's unpacking ldmatrix: an unpacked FP4
/// tile arrives packed on sm_90a (rows of cols / 2 bytes, swizzled by
/// twinPackedSwizzle). Lane (g, t) reads elements 4t..4t+3 of 16-element K
/// group `group16` of tile row `row` (2 bytes) and spreads the four nibbles
/// into the container bytes the mxf8f6f4 MMA takes (0b00xxxx00).
Value twinUnpackedFp4(KernelLowering &k, SmemTileType tile, Value tileOffset,
                      Value row, Value group16) {
  OpBuilder &b = k.b;
  int64_t rowBytes = tile.getCols() / 2;
  unsigned swizzle = twinPackedSwizzle(tile);
  Value chunk = arith::ShRUIOp::create(b, k.loc, group16, k.c32(1));
  Value within =
      k.add(k.mul(arith::AndIOp::create(b, k.loc, group16, k.c32(1)), k.c32(8)),
            k.mul(k.tig, k.c32(2)));
  if (swizzle) {
    // The XOR of lib/Schedule/Swizzle: address bits [7, 7 + b) into [4, 4 + b).
    int64_t shift = llvm::Log2_64(128 / swizzle);
    Value bits = arith::AndIOp::create(
        b, k.loc, arith::ShRUIOp::create(b, k.loc, row, k.c32(shift)),
        k.c32(swizzle / 16 - 1));
    chunk = arith::XOrIOp::create(b, k.loc, chunk, bits);
  }
  Value offset = k.add(k.add(tileOffset, k.mul(row, k.c32(rowBytes))),
                       k.add(k.mul(chunk, k.c32(16)), within));
  Value p = arith::ExtUIOp::create(
      b, k.loc, k.i32(),
      LLVM::LoadOp::create(b, k.loc, b.getI16Type(), k.smemPtr(offset)));
  Value out = k.c32(0);
  for (int64_t n = 0; n < 4; ++n) {
    Value nib = arith::AndIOp::create(
        b, k.loc, arith::ShLIOp::create(b, k.loc, p, k.c32(4 * n + 2)),
        k.c32(int64_t(0x3c) << (8 * n)));
    out = arith::OrIOp::create(b, k.loc, out, nib);
  }
  return out;
}

/// One f16 m16n8k16 mma.sync with FP32 accumulators (operands as b32).
SmallVector<Value> mmaF16(KernelLowering &k, ArrayRef<Value> a,
                          ArrayRef<Value> b, ArrayRef<Value> c) {
  SmallVector<Value> ins(a);
  llvm::append_range(ins, b);
  llvm::append_range(ins, c);
  auto ptx = NVVM::InlinePtxOp::create(
      k.b, k.loc, TypeRange{k.f32(), k.f32(), k.f32(), k.f32()}, ins,
      ValueRange{},
      "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {$0, $1, $2, $3}, "
      "{$4, $5, $6, $7}, {$8, $9}, {$10, $11, $12, $13};",
      Value());
  return SmallVector<Value>(ptx.getResults());
}

Value shfl(KernelLowering &k, Value v, Value srcLane) {
  return NVVM::ShflOp::create(k.b, k.loc, k.i32(), k.c32(-1), v, srcLane,
                              k.c32(31), NVVM::ShflKind::idx, UnitAttr());
}

LogicalResult KernelLowering::lowerMma(TileMmaOp op) {
  SmemTileType a = op.getA().getType(), bt = op.getB().getType();
  Type ea = a.getElementType(), eb = bt.getElementType();
  bool bf16 = ea.isBF16() && eb.isBF16();
  bool aK = op.getAMajor() == Major::K, bK = op.getBMajor() == Major::K;
  // ldmatrix .trans transposes 16-bit elements only.
  if ((!aK || !bK) && !bf16)
    return op.emitOpError()
           << "lowers MN-major operands for bf16 x bf16 only (ldmatrix.trans "
              "reads 16-bit elements); transpose "
           << ea << " x " << eb << " operands to K-major";
  for (SmemTileType t : {a, bt})
    if (t.getUnpacked() && tilePanels(t) > 1)
      return op.emitOpError()
             << "reads an unpacked FP4 tile of " << t.getCols()
             << " columns; unpacked tiles are lowered up to 128";
  bool fp8 = isa<Float8E4M3FNType>(ea) && isa<Float8E4M3FNType>(eb);
  bool fp4 = isa<Float4E2M1FNType>(ea) && isa<Float4E2M1FNType>(eb);
  // FP8 x FP4 and FP4 x FP8 are mxf8f6f4 m16n8k32 with the FP4 operand one
  // element per byte (an unpacked tile).
  bool mixed = (isa<Float8E4M3FNType>(ea) && isa<Float4E2M1FNType>(eb)) ||
               (isa<Float4E2M1FNType>(ea) && isa<Float8E4M3FNType>(eb));
  bool scaled = fp8 || fp4 || mixed;
  if (!bf16 && !scaled)
    return op.emitOpError() << "lowers bf16 x bf16 and pairs of f8E4M3FN "
                               "and f4E2M1FN; "
                            << ea << " x " << eb << " is not lowered yet";
  for (SmemTileType t : {a, bt})
    if (isa<Float4E2M1FNType>(t.getElementType()) && t.getUnpacked() != mixed)
      return op.emitOpError()
             << "needs FP4 tiles " << (mixed ? "unpacked" : "packed")
             << " when the other operand is "
             << (mixed ? "FP8 (mxf8f6f4 takes a byte per element)" : "FP4");
  std::optional<BlockScaleAttr> ra = op.getSfaRecipe(), rb = op.getSfbRecipe();
  if (scaled != bool(ra))
    return op.emitOpError(scaled ? "FP8 and FP4 operands need scales"
                                 : "BF16 operands take no scales");
  // FP4 x FP4 is mxf4nvf4: UE8M0 scales two per MMA (scale_vec::2X, packed
  // per row like FP8's), or NVFP4's UE4M3 scales four per MMA (4X, one byte
  // per 16 elements, [MN, K / 16]).
  bool nvfp4 = fp4 && ra->getFormat() == ScaleFormat::UE4M3;
  if (scaled)
    for (BlockScaleAttr r : {*ra, *rb}) {
      bool packedUe8m0 = r.getFormat() == ScaleFormat::UE8M0 && r.getPacked() &&
                         r.getMn() == 1;
      bool ue4m3 = r.getFormat() == ScaleFormat::UE4M3 && !r.getPacked() &&
                   r.getMn() == 1 && r.getK() == 16;
      if (nvfp4 ? !ue4m3 : !packedUe8m0)
        return op.emitOpError()
               << (nvfp4 ? "lowers NVFP4 with UE4M3 scales per 16 elements "
                           "of each row (both operands); "
                         : "lowers packed UE8M0 scales with MN granularity "
                           "1; ")
               << r << " is not lowered yet";
    }

  WarpTile wt = warpTile();
  int64_t mTiles = wt.mTiles, nTiles = wt.nTiles;
  Value warpRow = wt.row, warpCol = wt.col;
  // Every form reads 32 bytes of K per MMA (unpacked FP4: a byte each).
  int64_t kSteps = (aK ? a.getCols() : a.getRows()) * a.getElementBits() / 256;
  int64_t kPerStep = 32 * 8 / a.getElementBits();
  // ldmatrix lane roles: A .x4 row (lane mod 8) + 8 * bit 3, chunk bit 4;
  // B .x2 row (lane mod 8), chunk bit 3; .x4 pairs add the next N tile
  // (8 rows on) for lanes 16-31.
  Value l8 = arith::RemUIOp::create(b, loc, lane, c32(8));
  Value bit3 = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, lane, c32(3)), c32(1));
  Value bit4 = arith::ShRUIOp::create(b, loc, lane, c32(4));
  Value aRow = add(add(warpRow, l8), mul(bit3, c32(8)));
  Value bRow = add(warpCol, l8);
  Value bRowPair = add(bRow, mul(bit4, c32(8)));
  // MN-major: lanes address K rows (A: matrices 2, 3 take K 8-15; B: 1 and
  // 3) of the 16-byte chunk of M or N their matrix starts at (A: 1 and 3
  // take rows 8-15; B: the .x4 pair's 2 and 3 the next N tile).
  Value aRowT = add(l8, mul(bit4, c32(8)));
  Value bRowT = add(l8, mul(bit3, c32(8)));
  Value aChunkT = arith::ShRUIOp::create(b, loc, warpRow, c32(3));
  Value bChunkT = arith::ShRUIOp::create(b, loc, warpCol, c32(3));
  for (Value tile : {op.getA(), op.getB(), op.getSfa(), op.getSfb()})
    if (tile && !tileOffsets.count(tile))
      return op.emitOpError("reads a tile that no sm120.pipeline.consume "
                            "provides (run sm120-pipeline first)");
  if (!accs.count(op.getAcc()))
    return op.emitOpError("accumulates into a value that is not an "
                          "accumulator of the math role");
  Value aTile = tileOffsets[op.getA()], bTile = tileOffsets[op.getB()];
  // ldmatrix of `num` matrices of a tile (unpacked FP4: the unpacking form).
  auto fragments = [&](SmemTileType tile, Value offset, int num) {
    return ldmatrix(*this, offset, num, tile.getUnpacked());
  };

  SmallVector<Value> acc = accs[op.getAcc()];
  Value kOffset = toI32(map.lookupOrDefault(op.getKOffset()));
  // Scale registers (packed UE8M0: the byte of a K step's granule), shared
  // by the K steps of one granule: computed once per granule the block
  // touches when the granule and the K block nest (the schedule's case).
  int64_t blockK = kSteps * kPerStep;
  auto granuleKey = [&](BlockScaleAttr r, int64_t ks) -> int64_t {
    int64_t gk = r.getK();
    if (gk % blockK == 0)
      return 0;
    if (blockK % gk == 0)
      return ks * kPerStep / gk;
    return ks; // no nesting: per K step
  };
  auto scaleRegs = [&](Value tile, BlockScaleAttr r, SmemTileType type,
                       Value firstRow, int64_t count, int64_t stride,
                       Value laneRow, Value ks) {
    Value kElem = add(kOffset, mul(ks, c32(kPerStep)));
    Value gran = arith::DivUIOp::create(b, loc, kElem, c32(r.getK()));
    Value word = arith::SubIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, gran, c32(4)),
        arith::DivUIOp::create(b, loc, kOffset, c32(4 * r.getK())));
    Value shift = mul(arith::RemUIOp::create(b, loc, gran, c32(4)), c32(8));
    SmallVector<Value> regs;
    for (int64_t t = 0; t < count; ++t) {
      Value row = add(addc(firstRow, stride * t), laneRow);
      if (r.getFormat() == ScaleFormat::UE4M3) {
        // 4X: the K step's four 16-element granules, bytes 4ks..4ks+3 of
        // the row (the tile starts at the block's first granule).
        Value byte = add(mul(row, c32(type.getCols())), mul(ks, c32(4)));
        regs.push_back(
            LLVM::LoadOp::create(b, loc, i32(), smemPtr(add(tile, byte))));
        continue;
      }
      Value index = add(mul(word, c32(type.getCols())), row);
      Value v = LLVM::LoadOp::create(b, loc, i32(),
                                     smemPtr(add(tile, mul(index, c32(4)))));
      // Byte-id selector 0: the MMA reads byte 0 (1X) or bytes 0 and 1
      // (2X) of the register and ignores the rest, so the word is only
      // shifted to the granule.
      v = arith::ShRUIOp::create(b, loc, v, shift);
      if (!fp4 || r.getK() < kPerStep) {
        // 2X: bytes 0 and 1 scale K 0..31 and 32..63 of the MMA; 32-element
        // granules come in pairs of the packed word.
        regs.push_back(v);
      } else {
        // 2X with a granule covering the MMA: the byte in both halves.
        Value lo = lowByte(v);
        regs.push_back(mul(lo, c32(0x101)));
      }
    }
    return regs;
  };
  struct Scales {
    SmallVector<Value> regs; // the MMA's scale operands
  };
  /// One operand's scales per granule key. Lanes supply the scales of the
  /// rows/columns of MmaLayout's scaleARowOfLane / scaleBColOfLane; the
  /// twin also needs the scales of this thread's accumulator rows (from
  /// lanes 4g and 4g + 1) and columns 2 * tig, 2 * tig + 1 (from lanes
  /// 8 * tig and 8 * tig + 4): twinRowScaleLane / twinColScaleLane, whose
  /// agreement with the selector tables is unit-tested.
  struct Operand {
    Value tile;
    BlockScaleAttr recipe;
    SmemTileType type;
    Value firstRow, laneRow, srcLane0, srcLane1;
    int64_t count, stride;
    std::map<int64_t, Scales> byGranule;
  };
  Value quad = arith::AndIOp::create(b, loc, lane, c32(~3));
  Value col0 = mul(tig, c32(8));
  Operand opA, opB;
  if (scaled) {
    Value laneOdd8 = mul(arith::AndIOp::create(b, loc, lane, c32(1)), c32(8));
    opA = {tileOffsets[op.getSfa()],
           *ra,
           op.getSfa().getType(),
           warpRow,
           add(group, laneOdd8),
           quad,
           addc(quad, 1),
           mTiles,
           16,
           {}};
    opB = {tileOffsets[op.getSfb()],
           *rb,
           op.getSfb().getType(),
           warpCol,
           group,
           col0,
           addc(col0, 4),
           nTiles,
           8,
           {}};
  }
  auto scalesOf = [&](Operand &o, int64_t ks) -> Scales & {
    auto [it, fresh] = o.byGranule.try_emplace(granuleKey(o.recipe, ks));
    if (fresh)
      it->second.regs = scaleRegs(o.tile, o.recipe, o.type, o.firstRow, o.count,
                                  o.stride, o.laneRow, c32(ks));
    return it->second;
  };

  // The twin's emulation runs `body(first, acc)` over groups of `size` of
  // `count` K units: straight when one group covers them, else in a loop
  // (unrolled, the emulation gives ptxas more independent work than
  // registers, and it spills).
  auto inGroups = [&](int64_t count, int64_t size,
                      function_ref<SmallVector<Value>(Value, ValueRange)> body)
      -> SmallVector<Value> {
    if (size >= count)
      return body(c32(0), acc);
    auto loop = scf::ForOp::create(b, loc, c32(0), c32(count), c32(size), acc);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    scf::YieldOp::create(
        b, loc, body(loop.getInductionVar(), loop.getRegionIterArgs()));
    return SmallVector<Value>(loop.getResults());
  };

  if (twin && (fp8 || mixed)) {
    // The twin: an m16n8k32 e4m3 MMA is two f16 m16n8k16 MMAs over a K
    // permutation both operands share (f16 pair {2t, 2t+1} is e4m3 K
    // {4t, 4t+1}, pair {8+2t, 9+2t} is {4t+2, 4t+3}, t = lane % 4; the
    // second MMA takes K 16..31), on fragments widened exactly with
    // cvt.rn.f16x2.e4m3x2. The K steps that share both scale granules
    // accumulate into one FP32 partial per fragment, which is scaled once
    // (by the column, then the row: exact for powers of two) into the
    // accumulator: DESIGN's per-granule promotion. N tiles run outside the
    // K steps so that only one N tile's partials are live. A mixed MMA's FP4
    // operand comes as the container bytes the sm_120a path feeds it,
    // widened in the same pairs.
    auto widen = [&](SmemTileType tile, Value v) {
      return tile.getUnpacked() ? widenFp4Container(*this, v)
                                : widenE4m3(*this, v);
    };
    // K steps per granule of both operands; when a block holds several such
    // groups they run in a loop (the emulation's work per MMA, unrolled
    // over the block, gives ptxas more independent work than registers).
    auto stepsPerGranule = [&](BlockScaleAttr r) -> int64_t {
      int64_t gk = r.getK();
      if (gk % blockK == 0)
        return kSteps;
      return blockK % gk == 0 ? std::max<int64_t>(1, gk / kPerStep) : 1;
    };
    int64_t steps = std::min(stepsPerGranule(*ra), stepsPerGranule(*rb));
    // The scales of this lane's accumulator rows / columns at step ks: each
    // lane decodes the byte its own scale register gives the MMA (byte 0),
    // and the FP32 values come from the lanes the selectors name (a decode
    // per register rather than per use).
    auto decoded = [&](Operand &o, Value ks) {
      SmallVector<std::array<Value, 2>> out;
      for (Value v : scaleRegs(o.tile, o.recipe, o.type, o.firstRow, o.count,
                               o.stride, o.laneRow, ks)) {
        Value bits = arith::BitcastOp::create(b, loc, i32(),
                                              decodeUe8m0(*this, lowByte(v)));
        auto from = [&](Value lane) {
          return arith::BitcastOp::create(b, loc, f32(),
                                          shfl(*this, bits, lane));
        };
        out.push_back({from(o.srcLane0), from(o.srcLane1)});
      }
      return out;
    };
    auto body = [&](Value ks0, ValueRange accIn) -> SmallVector<Value> {
      SmallVector<Value> acc(accIn);
      auto stepOf = [&](int64_t s) { return addc(ks0, s); };
      // Widened A: [k step][m tile] -> {first MMA's 4 regs, second's 4}.
      SmallVector<SmallVector<std::array<SmallVector<Value>, 2>>> aw;
      for (int64_t s = 0; s < steps; ++s) {
        aw.emplace_back();
        for (int64_t i = 0; i < mTiles; ++i) {
          SmallVector<Value> f;
          if (a.getUnpacked()) {
            // A register r: row g + 8 (r mod 2), K group 2s + r / 2.
            for (int r = 0; r < 4; ++r)
              f.push_back(twinUnpackedFp4(
                  *this, a, aTile,
                  addc(add(warpRow, group), 16 * i + 8 * (r % 2)),
                  addc(mul(stepOf(s), c32(2)), r / 2)));
          } else {
            f = ldmatrix(*this,
                         tileChunk(*this, aTile, a, aRow, 16 * i,
                                   add(bit4, mul(stepOf(s), c32(2)))),
                         4);
          }
          std::array<Value, 2> w[4];
          for (int r = 0; r < 4; ++r)
            w[r] = widen(a, f[r]);
          aw.back().push_back(
              {SmallVector<Value>{w[0][0], w[1][0], w[0][1], w[1][1]},
               SmallVector<Value>{w[2][0], w[3][0], w[2][1], w[3][1]}});
        }
      }
      SmallVector<std::array<Value, 2>> sa = decoded(opA, ks0),
                                        sb = decoded(opB, ks0);
      for (int64_t j = 0; j < nTiles; ++j) {
        SmallVector<SmallVector<Value>> part(mTiles,
                                             SmallVector<Value>(4, cf32(0)));
        for (int64_t s = 0; s < steps; ++s) {
          SmallVector<Value> fb;
          if (bt.getUnpacked()) {
            // B register r: column g, K group 2s + r.
            for (int r = 0; r < 2; ++r)
              fb.push_back(twinUnpackedFp4(*this, bt, bTile,
                                           addc(add(warpCol, group), 8 * j),
                                           addc(mul(stepOf(s), c32(2)), r)));
          } else {
            fb = ldmatrix(*this,
                          tileChunk(*this, bTile, bt, bRow, 8 * j,
                                    add(bit3, mul(stepOf(s), c32(2)))),
                          2);
          }
          std::array<Value, 2> w0 = widen(bt, fb[0]);
          std::array<Value, 2> w1 = widen(bt, fb[1]);
          for (int64_t i = 0; i < mTiles; ++i) {
            part[i] = mmaF16(*this, aw[s][i][0], {w0[0], w0[1]}, part[i]);
            part[i] = mmaF16(*this, aw[s][i][1], {w1[0], w1[1]}, part[i]);
          }
        }
        for (int64_t i = 0; i < mTiles; ++i)
          for (int e = 0; e < 4; ++e) {
            int64_t idx = (i * nTiles + j) * 4 + e;
            Value scaled =
                arith::MulFOp::create(b, loc, part[i][e], sb[j][e % 2]);
            acc[idx] =
                LLVM::FMAOp::create(b, loc, scaled, sa[i][e / 2], acc[idx]);
          }
      }
      return acc;
    };
    accs[op.getResult()] = inGroups(kSteps, steps, body);
    return success();
  }

  if (twin && fp4) {
    // The twin: an m16n8k64 e2m1 MMA is four f16 m16n8k16 MMAs on the same
    // fragments widened (MmaLayout's twinFp4Nibble pairing), two per K half.
    // MXFP4 (2X) sums the K halves of one scale granule into a partial per
    // fragment and scales it once, as for FP8. NVFP4's 16-element granules
    // split one f16 MMA's K between lanes, so its scales are applied to the
    // widened fragments instead (UE4M3 x e2m1 is exact in f16) and the MMAs
    // accumulate directly. Scales come from the lanes and bytes the sm_120a
    // selectors name.
    //
    // The widening quadruples the instructions per MMA; unrolled over a K
    // block that gives ptxas more independent work than registers, so the
    // K steps of a block run in a loop (one scale group per iteration).
    MmaForm form{4};
    int64_t vec = nvfp4 ? 4 : 2;
    int64_t halfK = kPerStep / 2, units = 2 * kSteps;
    // K halves (units) of one granule of both operands share a partial.
    auto unitsPerGranule = [&](BlockScaleAttr r) -> int64_t {
      int64_t gk = r.getK();
      if (gk % blockK == 0)
        return units;
      return blockK % gk == 0 && gk > halfK ? gk / halfK : 1;
    };
    int64_t group =
        nvfp4 ? 1 : std::min(unitsPerGranule(*ra), unitsPerGranule(*rb));
    // Each iteration runs one group of units u0 .. u0 + group - 1; unit u
    // is K half u mod 2 of K step u / 2.
    auto body = [&](Value u0, ValueRange accIn) -> SmallVector<Value> {
      SmallVector<Value> acc(accIn);
      SmallVector<Value> stepOf, halfOf;
      for (int64_t v = 0; v < group; ++v) {
        Value unit = addc(u0, v);
        stepOf.push_back(arith::ShRUIOp::create(b, loc, unit, c32(1)));
        halfOf.push_back(arith::AndIOp::create(b, loc, unit, c32(1)));
      }
      // A registers 2h, 2h + 1 (rows g, g + 8 of K half h) of m tile i,
      // and B register h of N tiles j, j + 1: .x2 loads of one K half's
      // 16 bytes (lanes 0-7 address the first 8 rows, 8-15 the next).
      Value rows16 = add(l8, mul(bit3, c32(8)));
      std::map<std::pair<int64_t, int64_t>, SmallVector<Value>> rawA, rawB;
      auto chunk = [&](int64_t v) {
        return add(mul(stepOf[v], c32(2)), halfOf[v]);
      };
      auto fragA = [&](int64_t v, int64_t i) -> ArrayRef<Value> {
        auto [it, fresh] = rawA.try_emplace({v, i});
        if (fresh)
          it->second = ldmatrix(*this,
                                tileChunk(*this, aTile, a, add(warpRow, rows16),
                                          16 * i, chunk(v)),
                                2);
        return it->second;
      };
      auto fragB = [&](int64_t v, int64_t j) -> Value {
        int64_t jp = j & ~int64_t(1);
        if (!rawB.count({v, jp})) {
          bool pair = jp + 1 < nTiles;
          rawB[{v, jp}] = ldmatrix(*this,
                                   tileChunk(*this, bTile, bt,
                                             pair ? add(warpCol, rows16) : bRow,
                                             8 * jp, chunk(v)),
                                   pair ? 2 : 1);
        }
        return rawB[{v, jp}][j - jp];
      };
      auto tileScale = [&](Operand &o, int64_t v, int64_t t) {
        return scaleRegs(o.tile, o.recipe, o.type,
                         addc(o.firstRow, o.stride * t), 1, o.stride, o.laneRow,
                         stepOf[v])[0];
      };
      // NVFP4: the UE4M3 byte of this lane's K elements in its K half, from
      // the scale register `srcLane` holds, as f16x2.
      auto nvfp4Scale = [&](Operand &o, int64_t v, int64_t t, Value srcLane) {
        Value byte =
            arith::DivUIOp::create(b, loc,
                                   add(mul(tig, c32(form.perRegister())),
                                       mul(halfOf[v], c32(form.k() / 2))),
                                   c32(form.k() / vec));
        Value x = arith::AndIOp::create(
            b, loc,
            arith::ShRUIOp::create(b, loc,
                                   shfl(*this, tileScale(o, v, t), srcLane),
                                   mul(byte, c32(8))),
            c32(0xff));
        return decodeUe4m3x2(*this, mul(x, c32(0x101)));
      };
      // Widened registers, scaled for NVFP4 by the lanes MmaLayout's
      // twinFragment*ScaleLane name (offsets within the quad).
      std::map<std::tuple<int64_t, int64_t, int64_t>, std::array<Value, 4>> wA;
      auto widenedA = [&](int64_t v, int64_t i, int64_t row8) {
        auto [it, fresh] = wA.try_emplace({v, i, row8});
        if (fresh) {
          it->second = widenE2m1(*this, fragA(v, i)[row8]);
          if (nvfp4) {
            Value sc = nvfp4Scale(
                opA, v, i, addc(quad, twinFragmentRowScaleLane(0, row8)));
            for (Value &w : it->second)
              w = mulF16x2(*this, w, sc);
          }
        }
        return it->second;
      };
      auto widenedB = [&](int64_t v, int64_t j) {
        std::array<Value, 4> w = widenE2m1(*this, fragB(v, j));
        if (nvfp4) {
          Value sc =
              nvfp4Scale(opB, v, j, addc(quad, twinFragmentColScaleLane(0)));
          for (Value &x : w)
            x = mulF16x2(*this, x, sc);
        }
        return w;
      };
      // MXFP4: the scales of the group's granule, byte h of the 2X register.
      auto ue8m0 = [&](Value reg, Value srcLane) {
        Value x = arith::ShRUIOp::create(b, loc, shfl(*this, reg, srcLane),
                                         mul(halfOf[0], c32(8)));
        return decodeUe8m0(*this, lowByte(x));
      };
      SmallVector<std::array<Value, 2>> rowScale;
      if (!nvfp4)
        for (int64_t i = 0; i < mTiles; ++i) {
          Value reg = tileScale(opA, 0, i);
          rowScale.push_back(
              {ue8m0(reg, opA.srcLane0), ue8m0(reg, opA.srcLane1)});
        }
      for (int64_t j = 0; j < nTiles; ++j) {
        std::array<Value, 2> colScale;
        if (!nvfp4) {
          Value reg = tileScale(opB, 0, j);
          colScale = {ue8m0(reg, opB.srcLane0), ue8m0(reg, opB.srcLane1)};
        }
        SmallVector<std::array<Value, 4>> wb;
        for (int64_t v = 0; v < group; ++v)
          wb.push_back(widenedB(v, j));
        for (int64_t i = 0; i < mTiles; ++i) {
          int64_t base = (i * nTiles + j) * 4;
          SmallVector<Value> c =
              nvfp4 ? SmallVector<Value>(acc.begin() + base,
                                         acc.begin() + base + 4)
                    : SmallVector<Value>(4, cf32(0));
          // Each unit: two f16 MMAs on the widened registers 2p and 2p + 1
          // of A (rows g, g + 8) and B.
          for (int64_t v = 0; v < group; ++v) {
            std::array<Value, 4> a0 = widenedA(v, i, 0), a1 = widenedA(v, i, 1);
            std::array<Value, 4> &w = wb[v];
            for (int p = 0; p < 2; ++p)
              c = mmaF16(*this,
                         {a0[2 * p], a1[2 * p], a0[2 * p + 1], a1[2 * p + 1]},
                         {w[2 * p], w[2 * p + 1]}, c);
          }
          for (int e = 0; e < 4; ++e) {
            if (nvfp4) {
              acc[base + e] = c[e];
              continue;
            }
            Value scaled = arith::MulFOp::create(b, loc, c[e], colScale[e % 2]);
            acc[base + e] = LLVM::FMAOp::create(
                b, loc, scaled, rowScale[i][e / 2], acc[base + e]);
          }
        }
      }
      return acc;
    };
    accs[op.getResult()] = inGroups(units, group, body);
    return success();
  }

  auto resultType = LLVM::LLVMStructType::getLiteral(
      b.getContext(), {f32(), f32(), f32(), f32()});
  Value zero16 = arith::ConstantIntOp::create(b, loc, 0, 16); // selectors
  for (int64_t ks = 0; ks < kSteps; ++ks) {
    // A fragments of the K step stay live across the N tiles; each B
    // fragment is loaded next to the MMAs that use it, to keep few live.
    // MN-major (BF16): the transposing ldmatrix over [K, MN] tiles, whose
    // 8x8 matrices are 8 K rows by a 16-byte chunk of 8 M or N.
    SmallVector<SmallVector<Value>> fa;
    for (int64_t i = 0; i < mTiles; ++i)
      fa.push_back(aK ? fragments(a,
                                  tileChunk(*this, aTile, a, aRow, 16 * i,
                                            addc(bit4, 2 * ks)),
                                  4)
                      : ldmatrix(*this,
                                 tileChunk(*this, aTile, a, aRowT, 16 * ks,
                                           addc(add(aChunkT, bit3), 2 * i)),
                                 4, /*unpackedFp4=*/false, /*trans=*/true));
    Scales *sa = scaled ? &scalesOf(opA, ks) : nullptr;
    Scales *sb = scaled ? &scalesOf(opB, ks) : nullptr;
    // B fragments of two N tiles per ldmatrix.x4: lanes 16-31 address the
    // second tile's rows (an odd last tile takes an .x2).
    for (int64_t jp = 0; jp < nTiles; jp += 2) {
      bool pair = jp + 1 < nTiles;
      SmallVector<Value> fbs =
          bK ? fragments(bt,
                         tileChunk(*this, bTile, bt, pair ? bRowPair : bRow,
                                   8 * jp, addc(bit3, 2 * ks)),
                         pair ? 4 : 2)
             : ldmatrix(
                   *this,
                   tileChunk(*this, bTile, bt, bRowT, 16 * ks,
                             addc(pair ? add(bChunkT, bit4) : bChunkT, jp)),
                   pair ? 4 : 2, /*unpackedFp4=*/false, /*trans=*/true);
      for (int64_t j = jp; j < jp + (pair ? 2 : 1); ++j) {
        SmallVector<Value> fb = {fbs[2 * (j - jp)], fbs[2 * (j - jp) + 1]};
        for (int64_t i = 0; i < mTiles; ++i) {
          int64_t base = (i * nTiles + j) * 4;
          SmallVector<Value> c(acc.begin() + base, acc.begin() + base + 4);
          Value r;
          if (bf16) {
            r = NVVM::MmaOp::create(
                b, loc, resultType, fa[i], fb, c, {16, 8, 16}, std::nullopt,
                std::nullopt,
                std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                              NVVM::MMATypes::bf16},
                std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                               NVVM::MMALayout::col});
          } else {
            auto typeOf = [](Type t) {
              return isa<Float4E2M1FNType>(t) ? NVVM::MMATypes::e2m1
                                              : NVVM::MMATypes::e4m3;
            };
            r = NVVM::MmaBlockScaleOp::create(
                b, loc, resultType, fa[i], fb, c, sa->regs[i], zero16, zero16,
                sb->regs[j], zero16, zero16, {16, 8, fp4 ? 64 : 32},
                std::array<NVVM::MMATypes, 2>{typeOf(ea), typeOf(eb)},
                !fp4    ? NVVM::ScaleVecSize::X1
                : nvfp4 ? NVVM::ScaleVecSize::X4
                        : NVVM::ScaleVecSize::X2,
                nvfp4 ? NVVM::BlockScaleFormat::UE4M3
                      : NVVM::BlockScaleFormat::UE8M0,
                fp4 ? NVVM::MMABlockScaleKind::MXF4NVF4
                    : NVVM::MMABlockScaleKind::MXF8F6F4);
          }
          for (int e = 0; e < 4; ++e)
            acc[base + e] = LLVM::ExtractValueOp::create(b, loc, r, e);
        }
      }
    }
  }
  accs[op.getResult()] = acc;
  return success();
}

/// The FP32 pair of C at (row, col) and (row, col + 1) of an [M, n] C,
/// or zeros outside it (col is even and so is n).
std::array<Value, 2> KernelLowering::loadCPair(Value cPtr, Value row, Value col,
                                               int64_t n) {
  Value ok = arith::AndIOp::create(
      b, loc, cmp(arith::CmpIPredicate::ult, row, toI32(loopM)),
      cmp(arith::CmpIPredicate::ult, col, c32(n)));
  auto ifOp = scf::IfOp::create(b, loc, TypeRange{f32(), f32()}, ok,
                                /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value p =
      LLVM::GEPOp::create(b, loc, LLVM::LLVMPointerType::get(b.getContext()),
                          f32(), cPtr, ValueRange{rowMajor(row, col, cLd)});
  Value v = LLVM::LoadOp::create(b, loc, VectorType::get({2}, f32()), p,
                                 /*alignment=*/8);
  scf::YieldOp::create(
      b, loc,
      ValueRange{LLVM::ExtractElementOp::create(b, loc, v, c32(0)),
                 LLVM::ExtractElementOp::create(b, loc, v, c32(1))});
  b.setInsertionPointToStart(ifOp.elseBlock());
  scf::YieldOp::create(b, loc, ValueRange{cf32(0), cf32(0)});
  return {ifOp.getResult(0), ifOp.getResult(1)};
}

SmallVector<Value> KernelLowering::epilogueValues(EpilogueOp op) {
  SmallVector<Value> acc = accs[op.getAcc()];
  if (!op.getAlpha())
    return acc;
  // Read when the tile is stored, so a replayed graph sees the current value.
  Value alpha =
      LLVM::LoadOp::create(b, loc, f32(), ptrParams.lookup(op.getAlpha()),
                           /*alignment=*/4);
  for (Value &v : acc)
    v = arith::MulFOp::create(b, loc, v, alpha);
  return acc;
}

Value KernelLowering::loadI32(Value ptr, Value index) {
  Value p =
      LLVM::GEPOp::create(b, loc, LLVM::LLVMPointerType::get(b.getContext()),
                          i32(), ptr, ValueRange{index});
  return LLVM::LoadOp::create(b, loc, i32(), p, /*alignment=*/4);
}

/// Row layout: the first row's entry (-1 for a padding row; such a tile
/// writes nothing). Prefix sums: the count of group ends at or before the
/// row, a loop over the G ends (every lane of the role computes it).
LogicalResult KernelLowering::lowerGroup(TileGroupOp op) {
  Value ptr = ptrParams.lookup(op.getLayout());
  if (!ptr)
    return op.emitOpError("reads a layout that is not a kernel argument");
  Value row = toI32(map.lookupOrDefault(op.getRow()));
  if (!op.getPrefixSum()) {
    // An entry outside [-1, G) is a caller's error only the device sees.
    Value group = loadI32(ptr, row);
    Value bad = arith::OrIOp::create(
        b, loc, cmp(arith::CmpIPredicate::slt, group, c32(-1)),
        cmp(arith::CmpIPredicate::sge, group, c32(op.getNumGroups())));
    ifThen(bad, [&] { LLVM::Trap::create(b, loc); });
    map.map(op.getGroup(), toIndex(group));
    return success();
  }
  int64_t groups = op.getLayout().getType().getDimSize(0);
  if (ShapedType::isDynamic(groups))
    return op.emitOpError("needs a static group count for prefix sums");
  auto counted = [&](Value count, Value g) {
    Value done = cmp(arith::CmpIPredicate::sle, loadI32(ptr, g), row);
    return add(count, arith::ExtUIOp::create(b, loc, i32(), done));
  };
  // Up to 64 groups the loads are unrolled, so that they are all in flight
  // at once (a loop would wait for each before the next).
  if (groups <= 64) {
    Value count = c32(0);
    for (int64_t g = 0; g < groups; ++g)
      count = counted(count, c32(g));
    map.map(op.getGroup(), toIndex(count));
    return success();
  }
  auto loop = scf::ForOp::create(b, loc, c32(0), c32(groups), c32(1),
                                 ValueRange{c32(0)});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    scf::YieldOp::create(
        b, loc, counted(loop.getRegionIterArgs()[0], loop.getInductionVar()));
  }
  map.map(op.getGroup(), toIndex(loop.getResult(0)));
  return success();
}

/// A K-grouped group's columns: sums of the sizes before it (rounded up to
/// scale words for `scale_begin`). A CTA's tiles come group after group,
/// so each thread keeps the last group it summed to and walks on from
/// there: O(G) loads per CTA, and few registers (the producer has 40).
/// A bad size or a group past the K dimension traps: only the device sees
/// them.
LogicalResult KernelLowering::lowerKRange(TileKRangeOp op) {
  Value ptr = ptrParams.lookup(op.getSizes());
  if (!ptr)
    return op.emitOpError("reads K sizes that are not a kernel argument");
  Value g = toI32(map.lookupOrDefault(op.getGroup()));
  // The math role only runs the group's K blocks: its size. The producer
  // sums and checks.
  if (op.getBegin().use_empty() && op.getScaleBegin().use_empty()) {
    map.map(op.getSize(), toIndex(loadI32(ptr, g)));
    return success();
  }
  auto [groupSlot, beginSlot, scaleSlot] = kRanges.lookup(op);
  int64_t span = op.getScaleSpan().value_or(1);
  auto roundUp = [&](Value size) {
    if (span == 1)
      return size;
    return mul(arith::DivUIOp::create(b, loc, addc(size, span - 1), c32(span)),
               c32(span));
  };
  // From the last group summed to, or from 0 should the group go back.
  Value last = load(groupSlot);
  Value onward = cmp(arith::CmpIPredicate::ule, last, g);
  auto from = [&](Value v) {
    return arith::SelectOp::create(b, loc, onward, v, c32(0));
  };
  Type t32 = i32();
  auto walk = scf::WhileOp::create(
      b, loc, TypeRange{t32, t32, t32},
      ValueRange{from(last), from(load(beginSlot)), from(load(scaleSlot))});
  {
    OpBuilder::InsertionGuard guard(b);
    Block *before =
        b.createBlock(&walk.getBefore(), {}, {t32, t32, t32}, {loc, loc, loc});
    scf::ConditionOp::create(
        b, loc, cmp(arith::CmpIPredicate::ult, before->getArgument(0), g),
        before->getArguments());
    Block *after =
        b.createBlock(&walk.getAfter(), {}, {t32, t32, t32}, {loc, loc, loc});
    Value size = loadI32(ptr, after->getArgument(0));
    scf::YieldOp::create(b, loc,
                         ValueRange{addc(after->getArgument(0), 1),
                                    add(after->getArgument(1), size),
                                    add(after->getArgument(2), roundUp(size))});
  }
  Value begin = walk.getResult(1), scaleBegin = walk.getResult(2);
  LLVM::StoreOp::create(b, loc, g, groupSlot);
  LLVM::StoreOp::create(b, loc, begin, beginSlot);
  LLVM::StoreOp::create(b, loc, scaleBegin, scaleSlot);
  Value size = loadI32(ptr, g);
  Value total = toI32(map.lookupOrDefault(op.getTotal()));
  Value negative = cmp(arith::CmpIPredicate::slt, size, c32(0));
  Value ragged =
      cmp(arith::CmpIPredicate::ne,
          arith::RemUIOp::create(b, loc, size, c32(op.getAlignment())), c32(0));
  Value past = cmp(arith::CmpIPredicate::ugt, add(begin, size), total);
  Value bad = arith::OrIOp::create(
      b, loc, arith::OrIOp::create(b, loc, negative, ragged), past);
  // Scale words past the scale tensors would read as zero scales.
  if (Value rows = op.getScaleRows()) {
    Value words = arith::DivUIOp::create(b, loc, add(scaleBegin, roundUp(size)),
                                         c32(span));
    bad = arith::OrIOp::create(b, loc, bad,
                               cmp(arith::CmpIPredicate::ugt, words,
                                   toI32(map.lookupOrDefault(rows))));
  }
  ifThen(bad, [&] { LLVM::Trap::create(b, loc); });
  map.map(op.getBegin(), toIndex(begin));
  map.map(op.getSize(), toIndex(size));
  map.map(op.getScaleBegin(), toIndex(op.getScaleSpan() ? scaleBegin : begin));
  return success();
}

/// A view of a tensor read through a rewritten descriptor. When the view
/// differs from the last one, the producer waits for the loads in flight
/// (they may not have read the descriptor yet), copies the template into
/// the block's slot, points the copy at the view with tensormap.replace and
/// fences the tensormap proxy; the view's loads then use the slot. An empty
/// view (no columns) has no loads and keeps the slot as it is.
LogicalResult KernelLowering::lowerView(memref::ReinterpretCastOp op) {
  auto arg = dyn_cast<BlockArgument>(op.getSource());
  Value tmpl = arg ? tmaParams.lookup(arg) : Value();
  Value base = arg ? ptrParams.lookup(arg) : Value();
  if (!tmpl || !base || !viewSlots.count(arg))
    return op.emitOpError("views a tensor that is not a kernel argument "
                          "read through TMA");
  SmallVector<OpFoldResult> sizes = op.getMixedSizes();
  SmallVector<OpFoldResult> strides = op.getMixedStrides();
  if (sizes.size() != 2 || !isConstantIntValue(strides[1], 1) ||
      !isEqualConstantIntOrValue(strides[0], sizes[1]))
    return op.emitOpError("must view a row-major [rows, cols] matrix "
                          "(strides [cols, 1]) to be read through TMA");
  PipelineProduceOp produce;
  for (Operation *user : op->getUsers())
    if (auto p = user->getParentOfType<PipelineProduceOp>())
      produce = p;
  if (!produce)
    return op.emitOpError("is not read by a pipelined load");
  PipeInfo &pipe = pipes[produce.getPipeline()];

  Type i64 = b.getI64Type();
  auto value = [&](OpFoldResult f) -> Value {
    if (auto v = dyn_cast<Value>(f))
      return map.lookupOrDefault(v);
    return arith::ConstantIndexOp::create(
        b, loc, cast<IntegerAttr>(cast<Attribute>(f)).getInt());
  };
  int64_t elemBytes = op.getType().getElementTypeBitWidth() / 8;
  Value offset = arith::IndexCastOp::create(
      b, loc, i64, value(op.getMixedOffsets().front()));
  Value address = arith::AddIOp::create(
      b, loc, LLVM::PtrToIntOp::create(b, loc, i64, base),
      arith::MulIOp::create(
          b, loc, offset, arith::ConstantIntOp::create(b, loc, elemBytes, 64)));
  Value rows = toI32(value(sizes[0])), cols = toI32(value(sizes[1]));
  int64_t state = viewState.lookup(op);
  Value lastAddress = smemPtr(c32(state)), lastRows = smemPtr(c32(state + 8)),
        lastCols = smemPtr(c32(state + 12));
  auto differs = [&](Value x, Value last) {
    return cmp(arith::CmpIPredicate::ne, x,
               LLVM::LoadOp::create(b, loc, x.getType(), last));
  };
  Value changed = arith::OrIOp::create(
      b, loc,
      arith::OrIOp::create(b, loc, differs(address, lastAddress),
                           differs(rows, lastRows)),
      differs(cols, lastCols));
  Value rewrite = arith::AndIOp::create(
      b, loc, changed, cmp(arith::CmpIPredicate::sgt, cols, c32(0)));

  // The block's slot for this tensor.
  Value blockIdx = NVVM::BlockIdXOp::create(b, loc, i32());
  auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
  Value slot = LLVM::GEPOp::create(
      b, loc, ptrType, b.getI8Type(), scratch,
      ValueRange{addc(mul(blockIdx, c32(128 * viewSlots.size())),
                      128 * viewSlots.lookup(arg))});
  tmaParams[op.getResult()] = slot;
  ifThen(rewrite, [&] {
    // Every fill still in flight: the last `stages` ones.
    Value produced = load(pipe.produced);
    Value stages = c32(pipe.type.getStages());
    Value first = arith::SelectOp::create(
        b, loc, cmp(arith::CmpIPredicate::ugt, produced, stages),
        sub(produced, stages), c32(0));
    auto drain = scf::ForOp::create(b, loc, toIndex(first), toIndex(produced),
                                    arith::ConstantIndexOp::create(b, loc, 1));
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(drain.getBody()->getTerminator());
      waitIndex(pipe, toI32(drain.getInductionVar()), /*empty=*/false);
    }
    for (int64_t word = 0; word < 16; ++word) {
      auto at = [&](Value p) {
        return LLVM::GEPOp::create(b, loc, ptrType, i64, p,
                                   ValueRange{c32(word)});
      };
      LLVM::StoreOp::create(b, loc, LLVM::LoadOp::create(b, loc, i64, at(tmpl)),
                            at(slot));
    }
    // tensormap.replace of `field` (with the dimension it is about, 0 the
    // innermost) to `v`.
    Value slotAddress = LLVM::PtrToIntOp::create(b, loc, i64, slot);
    auto replace = [&](StringRef field, StringRef dim, Value v) {
      NVVM::InlinePtxOp::create(
          b, loc, TypeRange{}, ValueRange{slotAddress, v}, ValueRange{},
          ("tensormap.replace.tile." + field + " [$0], " + dim + "$1;").str(),
          Value());
    };
    replace("global_address.b1024.b64", "", address);
    replace("global_dim.b1024.b32", "0, ", cols);
    replace("global_dim.b1024.b32", "1, ", rows);
    replace("global_stride.b1024.b64", "0, ",
            arith::ExtUIOp::create(b, loc, i64, mul(cols, c32(elemBytes))));
    NVVM::FenceProxyReleaseOp::create(b, loc, NVVM::MemScopeKind::GPU);
    NVVM::FenceProxyAcquireOp::create(b, loc, NVVM::MemScopeKind::GPU, slot,
                                      c32(128));
    LLVM::StoreOp::create(b, loc, address, lastAddress);
    LLVM::StoreOp::create(b, loc, rows, lastRows);
    LLVM::StoreOp::create(b, loc, cols, lastCols);
  });
  return success();
}

KernelLowering::GroupRows KernelLowering::groupRows(EpilogueOp op) {
  GroupRows g;
  g.group = toI32(map.lookupOrDefault(op.getGroup()));
  g.layout = ptrParams.lookup(op.getRowLayout());
  if (!op.getPrefixSum())
    return g;
  // Prefix sums: the tile group's end and the last group's, once per tile
  // (0 for a tile past every group).
  int64_t groups = op.getRowLayout().getType().getDimSize(0);
  Value valid = cmp(arith::CmpIPredicate::slt, g.group, c32(groups));
  Value clamped = arith::SelectOp::create(b, loc, valid, g.group, c32(0));
  g.end = arith::SelectOp::create(b, loc, valid, loadI32(g.layout, clamped),
                                  c32(0));
  g.last = loadI32(g.layout, c32(groups - 1));
  g.groups = c32(groups);
  return g;
}

Value KernelLowering::groupRow(const GroupRows &g, Value row, Value rows) {
  // The row's group: its layout entry (-1 past M), or for prefix sums the
  // tile's group below its end, -1 past the last group, and G (another
  // group) in between.
  Value rowGroup;
  if (!g.end) {
    Value inRows = cmp(arith::CmpIPredicate::ult, row, rows);
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{i32()}, inRows,
                                  /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    scf::YieldOp::create(b, loc, loadI32(g.layout, row));
    b.setInsertionPointToStart(ifOp.elseBlock());
    scf::YieldOp::create(b, loc, ValueRange{c32(-1)});
    rowGroup = ifOp.getResult(0);
  } else {
    Value below = cmp(arith::CmpIPredicate::slt, row, g.end);
    Value beyond = arith::OrIOp::create(
        b, loc, cmp(arith::CmpIPredicate::sge, row, g.last),
        cmp(arith::CmpIPredicate::uge, row, rows));
    rowGroup = arith::SelectOp::create(
        b, loc, below, g.group,
        arith::SelectOp::create(b, loc, beyond, c32(-1), g.groups));
  }
  // A row of another group (or with an entry below -1) means the groups do
  // not start on tiles: trap rather than write a wrong result.
  Value mine = arith::AndIOp::create(
      b, loc, cmp(arith::CmpIPredicate::eq, rowGroup, g.group),
      cmp(arith::CmpIPredicate::sge, g.group, c32(0)));
  Value other = arith::AndIOp::create(
      b, loc, cmp(arith::CmpIPredicate::ne, rowGroup, c32(-1)),
      cmp(arith::CmpIPredicate::ne, rowGroup, g.group));
  ifThen(other, [&] { LLVM::Trap::create(b, loc); });
  return mine;
}

/// The i64 element index of (row, col) in a tensor with rows `ld` (i64)
/// elements apart and unit column stride.
Value KernelLowering::rowMajor(Value row, Value col, Value ld) {
  return arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(
          b, loc, arith::ExtUIOp::create(b, loc, b.getI64Type(), row), ld),
      arith::ExtUIOp::create(b, loc, b.getI64Type(), col));
}

LogicalResult KernelLowering::lowerStore(EpilogueOp op) {
  if (op.getHeadSplits())
    return op.emitOpError("head_splits are not lowered yet");
  bool viaTma = schedule.getEpilogue() != EpilogueKind::Direct;
  Value d = (viaTma ? tmaParams : ptrParams).lookup(op.getD());
  Value cPtr = op.getC() ? ptrParams.lookup(op.getC()) : Value();
  if (!d || (op.getC() && !cPtr) ||
      (op.getAlpha() && !ptrParams.lookup(op.getAlpha())))
    return op.emitOpError("writes, adds or scales by a tensor that is not an "
                          "argument of the kernel");
  if (!accs.count(op.getAcc()))
    return op.emitOpError("stores a value that is not an accumulator of the "
                          "math role");
  if (op.getRowLayout() && !ptrParams.lookup(op.getRowLayout()))
    return op.emitOpError("reads rows from a layout that is not a kernel "
                          "argument");
  if (viaTma && (op.getRowLayout() || op.getD().getType().getRank() == 3))
    return op.emitOpError("writes grouped rows or batches, which needs the "
                          "direct epilogue; the schedule has ")
           << stringifyEpilogueKind(schedule.getEpilogue());
  MemRefType dType = op.getD().getType();
  bool stacked = dType.getRank() == 3;
  int64_t n = dType.getDimSize(dType.getRank() - 1);
  if (ShapedType::isDynamic(n))
    return op.emitOpError("needs a static N");
  // Elements between consecutive rows of D and of C: n, h * n for batches
  // interleaved in the middle dimension, or a strided view's row stride.
  // D's rows run along dim 0 of [rows, N] and [rows, G, N], dim 1 of
  // [G, rows, N].
  bool interleaved = stacked && op.getGroupDim().value_or(0) == 1;
  unsigned rowDim = stacked && !interleaved ? 1 : 0;
  int64_t packedLd = n;
  if (interleaved) {
    int64_t groups = dType.getDimSize(1);
    if (ShapedType::isDynamic(groups))
      return op.emitOpError("needs a static group count in dim 1");
    packedLd = groups * n;
  }
  storeLd = strideOf(op.getD(), rowDim, c64(packedLd));
  cLd = op.getC() ? strideOf(op.getC(), rowDim, c64(packedLd)) : Value();
  if (viaTma)
    return lowerTmaStore(op, d, cPtr);
  if (stacked) {
    // Masked groups and batches: the tile group's matrix of D (and C),
    // whose rows are the tile loop's M (its N with swap_ab); the valid rows
    // are the group's count (a batch's every row). [G, rows, N] holds its
    // matrices one after another; [rows, G, N] interleaves their rows.
    if (!loopRows)
      return op.emitOpError("writes a rank-3 output outside a tile loop "
                            "over masked groups or batches");
    auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
    Value g = arith::ExtUIOp::create(b, loc, b.getI64Type(),
                                     toI32(map.lookupOrDefault(op.getGroup())));
    unsigned groupDim = op.getGroupDim().value_or(0);
    Value packed = c64(n);
    if (groupDim == 0)
      packed = arith::MulIOp::create(
          b, loc,
          arith::ExtUIOp::create(b, loc, b.getI64Type(),
                                 toI32(op.getTransposed() ? loopN : loopM)),
          packed);
    Value dStride = strideOf(op.getD(), groupDim, packed);
    Value dMatrix = arith::MulIOp::create(b, loc, g, dStride);
    d = LLVM::GEPOp::create(b, loc, ptrType, dType.getElementType(), d,
                            ValueRange{dMatrix});
    if (cPtr) {
      Value cStride = strideOf(op.getC(), groupDim, packed);
      Value cMatrix = cStride == dStride
                          ? dMatrix
                          : arith::MulIOp::create(b, loc, g, cStride);
      cPtr = LLVM::GEPOp::create(b, loc, ptrType, f32(), cPtr,
                                 ValueRange{cMatrix});
    }
  }
  if (op.getTransposed())
    return lowerTransposedStore(op, d, cPtr);
  bool bf16 = dType.getElementType().isBF16();
  WarpTile wt = warpTile();
  int64_t mTiles = wt.mTiles, nTiles = wt.nTiles;
  Value row0 = add(add(toI32(map.lookupOrDefault(op.getRow())), wt.row), group);
  Value col0 = add(add(toI32(map.lookupOrDefault(op.getCol())), wt.col),
                   mul(tig, c32(2)));
  // Rows of the output: the tile loop's M (partial tiles are not written),
  // a masked group's count, and of a contiguous grouped store only the tile
  // group's.
  Value rows = stacked ? loopRows : toI32(loopM);
  std::optional<GroupRows> grouped;
  if (op.getRowLayout() && !stacked)
    grouped = groupRows(op);
  // Each row is checked once per tile: `key` names the row among the
  // warp's (its offset from row0), and later fragments of it reuse the test.
  DenseMap<int64_t, Value> rowChecked;
  auto rowOk = [&](Value row, int64_t key) {
    Value &ok = rowChecked[key];
    if (!ok)
      ok = grouped ? groupRow(*grouped, row, rows)
                   : cmp(arith::CmpIPredicate::ult, row, rows);
    return ok;
  };
  Type elem = dType.getElementType();
  auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
  SmallVector<Value> acc = epilogueValues(op);
  if (bf16 && n % 4 == 0) {
    // Lanes t and t ^ 1 of a quad trade a BF16 pair so that the even lane
    // holds four columns of row g and the odd one four of row g + 8: one
    // 8-byte store per fragment instead of two 4-byte ones (the output
    // stores throttle the LSU on short-K shapes).
    Value odd = arith::AndIOp::create(b, loc, tig, c32(1));
    Value isOdd = cmp(arith::CmpIPredicate::ne, odd, c32(0));
    Value tileCol = add(toI32(map.lookupOrDefault(op.getCol())), wt.col);
    auto vecType = VectorType::get({2}, b.getBF16Type());
    for (int64_t i = 0; i < mTiles; ++i)
      for (int64_t j = 0; j < nTiles; ++j) {
        Value words[2];
        for (int half = 0; half < 2; ++half) {
          Value v[2] = {acc[(i * nTiles + j) * 4 + 2 * half],
                        acc[(i * nTiles + j) * 4 + 2 * half + 1]};
          if (cPtr) {
            std::array<Value, 2> c = loadCPair(
                cPtr, addc(row0, 16 * i + 8 * half), addc(col0, 8 * j), n);
            for (int e = 0; e < 2; ++e)
              v[e] = arith::AddFOp::create(b, loc, v[e], c[e]);
          }
          Value vec = LLVM::UndefOp::create(b, loc, vecType);
          for (int e = 0; e < 2; ++e)
            vec = LLVM::InsertElementOp::create(
                b, loc, vec,
                arith::TruncFOp::create(b, loc, b.getBF16Type(), v[e]), c32(e));
          words[half] = LLVM::BitcastOp::create(b, loc, i32(), vec);
        }
        Value send = arith::SelectOp::create(b, loc, isOdd, words[0], words[1]);
        Value got =
            NVVM::ShflOp::create(b, loc, i32(), c32(-1), send, c32(1),
                                 c32(0x1f), NVVM::ShflKind::bfly, UnitAttr());
        Value lo = arith::SelectOp::create(b, loc, isOdd, got, words[0]);
        Value hi = arith::SelectOp::create(b, loc, isOdd, words[1], got);
        Value row = add(addc(row0, 16 * i), mul(odd, c32(8)));
        Value col = add(addc(tileCol, 8 * j), mul(sub(tig, odd), c32(2)));
        Value ok =
            arith::AndIOp::create(b, loc, rowOk(row, 16 * i),
                                  cmp(arith::CmpIPredicate::ult, col, c32(n)));
        ifThen(ok, [&] {
          auto pair = VectorType::get({2}, i32());
          Value vec = LLVM::UndefOp::create(b, loc, pair);
          vec = LLVM::InsertElementOp::create(b, loc, vec, lo, c32(0));
          vec = LLVM::InsertElementOp::create(b, loc, vec, hi, c32(1));
          Value p =
              LLVM::GEPOp::create(b, loc, ptrType, elem, d,
                                  ValueRange{rowMajor(row, col, storeLd)});
          LLVM::StoreOp::create(b, loc, vec, p, /*alignment=*/8);
        });
      }
    return success();
  }
  bool pairs = n % 2 == 0;
  for (int64_t i = 0; i < mTiles; ++i)
    for (int64_t j = 0; j < nTiles; ++j)
      for (int half = 0; half < 2; ++half) {
        Value row = addc(row0, 16 * i + 8 * half);
        Value col = addc(col0, 8 * j);
        Value v0 = acc[(i * nTiles + j) * 4 + 2 * half];
        Value v1 = acc[(i * nTiles + j) * 4 + 2 * half + 1];
        Value inRows = rowOk(row, 16 * i + 8 * half);
        Value index = rowMajor(row, col, storeLd);
        Value cIndex = cPtr ? rowMajor(row, col, cLd) : Value();
        auto storeOne = [&](Value idx, Value cIdx, ArrayRef<Value> vals) {
          SmallVector<Value> out(vals);
          if (cPtr) {
            Value p = LLVM::GEPOp::create(b, loc, ptrType, f32(), cPtr,
                                          ValueRange{cIdx});
            for (auto [e, v] : llvm::enumerate(out)) {
              Value pe = e ? LLVM::GEPOp::create(b, loc, ptrType, f32(), p,
                                                 ArrayRef<LLVM::GEPArg>{1})
                           : p;
              v = arith::AddFOp::create(
                  b, loc, v, LLVM::LoadOp::create(b, loc, f32(), pe));
            }
          }
          if (bf16)
            for (Value &v : out)
              v = arith::TruncFOp::create(b, loc, b.getBF16Type(), v);
          Value p =
              LLVM::GEPOp::create(b, loc, ptrType, elem, d, ValueRange{idx});
          if (out.size() == 1) {
            LLVM::StoreOp::create(b, loc, out[0], p);
            return;
          }
          auto vecType = VectorType::get({2}, elem);
          Value vec = LLVM::UndefOp::create(b, loc, vecType);
          for (auto [e, v] : llvm::enumerate(out))
            vec = LLVM::InsertElementOp::create(
                b, loc, vec, v,
                arith::ConstantIntOp::create(b, loc, int64_t(e), 32));
          LLVM::StoreOp::create(b, loc, vec, p,
                                /*alignment=*/bf16 ? 4 : 8);
        };
        if (pairs) {
          // Columns come in even pairs and N is even: both or neither fit.
          Value ok = arith::AndIOp::create(
              b, loc, inRows, cmp(arith::CmpIPredicate::ult, col, c32(n)));
          ifThen(ok, [&] { storeOne(index, cIndex, {v0, v1}); });
        } else {
          for (int e = 0; e < 2; ++e) {
            Value ce = addc(col, e);
            Value ok = arith::AndIOp::create(
                b, loc, inRows, cmp(arith::CmpIPredicate::ult, ce, c32(n)));
            ifThen(ok, [&] {
              Value idx = arith::AddIOp::create(b, loc, index, c64(e));
              Value cIdx = cPtr ? arith::AddIOp::create(b, loc, cIndex, c64(e))
                                : Value();
              storeOne(idx, cIdx, {e ? v1 : v0});
            });
          }
        }
      }
  return success();
}

/// swap_ab: the accumulator is a tile of D^T (its rows along D's columns),
/// so each element goes to its own address. For a fixed fragment element
/// the eight lane groups of a warp write eight consecutive columns of one
/// row of D.
LogicalResult KernelLowering::lowerTransposedStore(EpilogueOp op, Value d,
                                                   Value cPtr) {
  MemRefType dType = op.getD().getType();
  int64_t n = dType.getDimSize(dType.getRank() - 1);
  if (ShapedType::isDynamic(n))
    return op.emitOpError("a transposed store needs a static N");
  Type elem = dType.getElementType();
  bool bf16 = elem.isBF16();
  auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
  WarpTile wt = warpTile();
  // Accumulator rows are D's columns (bounded by N), its columns D's rows
  // (bounded by the tile loop's N, which is D's M, or a masked group's
  // count; d and c already point at the group's matrix).
  Value col0 = add(add(toI32(map.lookupOrDefault(op.getCol())), wt.row), group);
  Value row0 = add(add(toI32(map.lookupOrDefault(op.getRow())), wt.col),
                   mul(tig, c32(2)));
  Value rows = dType.getRank() == 3 ? loopRows : toI32(loopN);
  SmallVector<Value> acc = epilogueValues(op);
  for (int64_t i = 0; i < wt.mTiles; ++i)
    for (int64_t j = 0; j < wt.nTiles; ++j)
      for (int half = 0; half < 2; ++half)
        for (int e = 0; e < 2; ++e) {
          Value col = addc(col0, 16 * i + 8 * half);
          Value row = addc(row0, 8 * j + e);
          Value v = acc[(i * wt.nTiles + j) * 4 + 2 * half + e];
          Value ok = arith::AndIOp::create(
              b, loc, cmp(arith::CmpIPredicate::ult, row, rows),
              cmp(arith::CmpIPredicate::ult, col, c32(n)));
          ifThen(ok, [&] {
            Value index = rowMajor(row, col, storeLd);
            Value out = v;
            if (cPtr) {
              Value pc =
                  LLVM::GEPOp::create(b, loc, ptrType, f32(), cPtr,
                                      ValueRange{rowMajor(row, col, cLd)});
              out = arith::AddFOp::create(
                  b, loc, out, LLVM::LoadOp::create(b, loc, f32(), pc));
            }
            if (bf16)
              out = arith::TruncFOp::create(b, loc, b.getBF16Type(), out);
            Value p = LLVM::GEPOp::create(b, loc, ptrType, elem, d,
                                          ValueRange{index});
            LLVM::StoreOp::create(b, loc, out, p);
          });
        }
  return success();
}

/// The TMA-store epilogue (see TmaStorePlan). The warp first waits until
/// its previous tile's copies have read the staging area, writes its
/// fragments there (rows of one swizzle span: the 8 rows of a fragment land
/// in 8 different 16-byte bank groups), fences them for the async proxy,
/// and one lane issues the copies and commits them as a bulk group.
LogicalResult KernelLowering::lowerTmaStore(EpilogueOp op, Value tma,
                                            Value cPtr) {
  TmaStorePlan &plan = *tmaStore;
  MemRefType dType = op.getD().getType();
  int64_t n = dType.getDimSize(1);
  if (ShapedType::isDynamic(n) || n * plan.elemBytes % 16 != 0)
    return op.emitOpError("the TMA-store epilogue needs a static N whose "
                          "rows are a multiple of 16 bytes");
  bool bf16 = dType.getElementType().isBF16();
  WarpTile wt = warpTile();
  Value tileRow = toI32(map.lookupOrDefault(op.getRow()));
  Value tileCol = toI32(map.lookupOrDefault(op.getCol()));
  Value isLane0 = cmp(arith::CmpIPredicate::eq, lane, c32(0));
  // This warp's copies of the last round (of the previous tile) have read
  // the staging area.
  auto waitRead = [&] {
    ifThen(isLane0, [&] {
      NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0),
                                           b.getUnitAttr());
    });
    NVVM::SyncWarpOp::create(b, loc, c32(-1));
  };
  Value stage, ringSlot;
  if (plan.ring) {
    // The slot of the stage the K loop consumed last, which no warp may
    // still be reading: wait for all math warps (named barrier 1).
    PipeInfo &pipe = pipes[plan.ring];
    ringSlot = arith::RemUIOp::create(b, loc, sub(load(pipe.released), c32(1)),
                                      c32(pipe.type.getStages()));
    stage = add(slotOffset(pipe, plan.ringTile, ringSlot),
                mul(warp, c32(plan.warpBytes())));
    NVVM::BarrierOp::create(b, loc, Type(), c32(1), c32(32 * ws.getMathWarps()),
                            NVVM::BarrierReductionAttr(), Value());
  } else {
    stage = addc(mul(warp, c32(plan.warpBytes())), plan.offset);
    waitRead();
  }
  // Copies the staged round (its M tiles from `firstTile`) to D.
  auto copyOut = [&](int64_t firstTile) {
    // The copies read shared memory through the async proxy.
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(b.getContext(),
                                   NVVM::SharedSpace::shared_cta));
    NVVM::SyncWarpOp::create(b, loc, c32(-1));
    ifThen(isLane0, [&] {
      Value row = addc(add(tileRow, wt.row), 16 * firstTile);
      for (int64_t box = 0; box < plan.cols / plan.boxCols; ++box) {
        Value col = add(add(tileCol, wt.col), c32(box * plan.boxCols));
        NVVM::CpAsyncBulkTensorSharedCTAToGlobalOp::create(
            b, loc, tma, smemPtr(addc(stage, box * plan.rows * plan.boxBytes)),
            ValueRange{col, row}, Value(),
            NVVM::TMAStoreModeAttr::get(b.getContext(),
                                        NVVM::TMAStoreMode::TILE),
            Value());
      }
      NVVM::CpAsyncBulkCommitGroupOp::create(b, loc);
    });
  };

  SmallVector<Value> acc = epilogueValues(op);
  int64_t perRound = plan.rows / 16;
  for (int64_t i = 0; i < wt.mTiles; ++i) {
    // A new round overwrites the last one's staging once it is read.
    if (i && i % perRound == 0) {
      copyOut(i - perRound);
      waitRead();
    }
    int64_t staged = i % perRound;
    for (int64_t j = 0; j < wt.nTiles; ++j)
      for (int half = 0; half < 2; ++half) {
        Value r = addc(group, 16 * i + 8 * half);
        Value colInTile = add(c32(8 * j), mul(tig, c32(2)));
        SmallVector<Value> vals = {acc[(i * wt.nTiles + j) * 4 + 2 * half],
                                   acc[(i * wt.nTiles + j) * 4 + 2 * half + 1]};
        if (cPtr) {
          // C is read where D exists; the copy clips the rest.
          std::array<Value, 2> c =
              loadCPair(cPtr, add(add(tileRow, wt.row), r),
                        add(add(tileCol, wt.col), colInTile), n);
          for (int e = 0; e < 2; ++e)
            vals[e] = arith::AddFOp::create(b, loc, vals[e], c[e]);
        }
        // The box, then the pair's 16-byte chunk of the box's row, swizzled
        // as every tile is, and its byte within the chunk (the N tile's
        // first column starts a chunk).
        int64_t box = 8 * j / plan.boxCols;
        int64_t firstChunk = (8 * j - box * plan.boxCols) * plan.elemBytes / 16;
        Value pairByte = mul(tig, c32(2 * plan.elemBytes));
        Value chunk =
            addc(arith::DivUIOp::create(b, loc, pairByte, c32(16)), firstChunk);
        Value off =
            add(swizzled(*this, addc(stage, box * plan.rows * plan.boxBytes),
                         group, 16 * staged + 8 * half, plan.boxBytes, chunk,
                         unsigned(plan.boxBytes)),
                arith::RemUIOp::create(b, loc, pairByte, c32(16)));
        Type elem = dType.getElementType();
        auto vecType = VectorType::get({2}, elem);
        Value vec = LLVM::UndefOp::create(b, loc, vecType);
        for (auto [e, v] : llvm::enumerate(vals)) {
          if (bf16)
            v = arith::TruncFOp::create(b, loc, b.getBF16Type(), v);
          vec = LLVM::InsertElementOp::create(b, loc, vec, v, c32(int64_t(e)));
        }
        LLVM::StoreOp::create(b, loc, vec, smemPtr(off),
                              /*alignment=*/2 * plan.elemBytes);
      }
  }
  copyOut(wt.mTiles - perRound);
  if (plan.ring) {
    // The deferred release of the stage, once this warp's copies read it.
    PipeInfo &pipe = pipes[plan.ring];
    ifThen(isLane0, [&] {
      NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0),
                                           b.getUnitAttr());
      NVVM::MBarrierArriveOp::create(
          b, loc, Type(), smemPtr(barrierOffset(pipe, ringSlot, true)),
          Value());
    });
  }
  return success();
}

struct LowerToNVVM : sm120::impl::LowerToNVVMBase<LowerToNVVM> {
  using LowerToNVVMBase::LowerToNVVMBase;
  void runOnOperation() override {
    if (chip != "sm_120a" && chip != "sm_121a" && chip != "sm_120f" &&
        chip != "sm_90a") {
      getOperation().emitError()
          << "sm120-lower-to-nvvm: unknown chip '" << chip
          << "'; expected sm_120a, sm_121a, sm_120f or sm_90a";
      return signalPassFailure();
    }
    SmallVector<func::FuncOp> funcs;
    getOperation().walk([&](func::FuncOp f) {
      bool has = false;
      f.walk([&](WarpSpecializeOp) { has = true; });
      if (has)
        funcs.push_back(f);
    });
    for (func::FuncOp f : funcs) {
      KernelLowering lowering(f, chip == "sm_90a");
      if (failed(lowering.buildKernel())) {
        if (lowering.kernel)
          lowering.kernel.erase();
        return signalPassFailure();
      }
      f.erase();
    }
  }
};

} // namespace

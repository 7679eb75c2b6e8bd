//===- SM120Dialect.cpp - sm120 dialect and attributes ----------*- C++ -*-===//

#include "sm120/Dialect/SM120/IR/SM120.h"

#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::sm120;

#include "sm120/Dialect/SM120/IR/SM120OpsDialect.cpp.inc"

#include "sm120/Dialect/SM120/IR/SM120Enums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "sm120/Dialect/SM120/IR/SM120Attrs.cpp.inc"

#include "sm120/Dialect/SM120/IR/SM120Interfaces.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "sm120/Dialect/SM120/IR/SM120OpsTypes.cpp.inc"

void SM120Dialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "sm120/Dialect/SM120/IR/SM120OpsTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "sm120/Dialect/SM120/IR/SM120Attrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "sm120/Dialect/SM120/IR/SM120Ops.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// BlockScaleAttr
//===----------------------------------------------------------------------===//

// Syntax: `<` format `,` `mn` `=` int `,` `k` `=` int (`,` `packed`)? `>`
Attribute BlockScaleAttr::parse(AsmParser &parser, Type) {
  StringRef formatName;
  unsigned mn = 0, k = 0;
  bool packed = false;
  SMLoc formatLoc;
  if (parser.parseLess())
    return {};
  formatLoc = parser.getCurrentLocation();
  if (parser.parseKeyword(&formatName))
    return {};
  std::optional<ScaleFormat> format = symbolizeScaleFormat(formatName);
  if (!format) {
    parser.emitError(formatLoc) << "unknown scale format '" << formatName
                                << "'; expected ue8m0, ue4m3 or f32";
    return {};
  }
  // Granularities are parsed wide so that negative or huge values get a
  // diagnostic instead of wrapping.
  auto parseGranularity = [&](StringRef name, unsigned &out) -> ParseResult {
    int64_t value = 0;
    if (parser.parseKeyword(name) || parser.parseEqual())
      return failure();
    SMLoc loc = parser.getCurrentLocation();
    if (parser.parseInteger(value))
      return failure();
    if (value <= 0 || value > std::numeric_limits<unsigned>::max())
      return parser.emitError(loc)
             << "block_scale granularity along " << (name == "mn" ? "MN" : "K")
             << " must be a positive integer; got " << value;
    out = static_cast<unsigned>(value);
    return success();
  };
  if (parser.parseComma() || parseGranularity("mn", mn) ||
      parser.parseComma() || parseGranularity("k", k))
    return {};
  if (succeeded(parser.parseOptionalComma())) {
    if (parser.parseKeyword("packed"))
      return {};
    packed = true;
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<BlockScaleAttr>(parser.getContext(), *format, mn, k,
                                           packed);
}

void BlockScaleAttr::print(AsmPrinter &printer) const {
  printer << '<' << stringifyScaleFormat(getFormat()) << ", mn = " << getMn()
          << ", k = " << getK();
  if (getPacked())
    printer << ", packed";
  printer << '>';
}

LogicalResult
BlockScaleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       ScaleFormat format, unsigned mn, unsigned k,
                       bool packed) {
  if (mn != 1 && mn != 128)
    return emitError() << "block_scale granularity along MN is " << mn
                       << "; expected 1 or 128";
  if (k != 16 && k != 32 && k != 128)
    return emitError() << "block_scale granularity along K is " << k
                       << "; expected 16, 32 or 128";
  if (format == ScaleFormat::UE4M3 && (mn != 1 || k != 16))
    return emitError()
           << "ue4m3 (NVFP4) scales need mn = 1 and k = 16; got mn = " << mn
           << ", k = " << k;
  if (packed && format != ScaleFormat::UE8M0)
    return emitError() << "only ue8m0 scales can be packed; got "
                       << stringifyScaleFormat(format);
  if (packed && mn != 1)
    return emitError() << "packed ue8m0 scales need mn = 1; got mn = " << mn;
  return success();
}

Type BlockScaleAttr::getScaleElementType(MLIRContext *ctx) const {
  switch (getFormat()) {
  case ScaleFormat::UE8M0:
    return getPacked() ? Type(IntegerType::get(ctx, 32))
                       : Type(Float8E8M0FNUType::get(ctx));
  case ScaleFormat::UE4M3:
    return Float8E4M3FNType::get(ctx);
  case ScaleFormat::F32:
    return Float32Type::get(ctx);
  }
  llvm_unreachable("unknown scale format");
}

SmallVector<int64_t, 2> BlockScaleAttr::getScaleShape(int64_t mnSize,
                                                      int64_t kSize) const {
  auto ceilDiv = [](int64_t v, int64_t d) {
    return ShapedType::isDynamic(v) ? ShapedType::kDynamic : (v + d - 1) / d;
  };
  if (getPacked()) {
    int64_t mnAligned =
        ShapedType::isDynamic(mnSize) ? mnSize : llvm::alignTo(mnSize, 4);
    return {ceilDiv(kSize, 4 * getK()), mnAligned};
  }
  return {ceilDiv(mnSize, getMn()), ceilDiv(kSize, getK())};
}

//===----------------------------------------------------------------------===//
// Kernel ABI attributes
//===----------------------------------------------------------------------===//

LogicalResult TmaParamAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   unsigned tensor, ArrayRef<int64_t> box,
                                   unsigned swizzle, unsigned l2Promotion,
                                   bool oobNan, bool fp4Unpack,
                                   bool deviceRewritten) {
  if (box.empty() || box.size() > 5)
    return emitError() << "tma box has rank " << box.size()
                       << "; TMA supports 1 to 5";
  for (int64_t extent : box)
    if (extent < 1 || extent > 256)
      return emitError() << "tma box extent " << extent
                         << " is outside [1, 256]";
  if (!llvm::is_contained({0u, 32u, 64u, 128u}, swizzle))
    return emitError() << "tma swizzle is " << swizzle
                       << " bytes; expected 0, 32, 64 or 128";
  if (!llvm::is_contained({0u, 64u, 128u, 256u}, l2Promotion))
    return emitError() << "tma l2_promotion is " << l2Promotion
                       << " bytes; expected 0, 64, 128 or 256";
  return success();
}

LogicalResult LaunchAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 ArrayRef<int64_t> block, uint64_t dynamicSmem,
                                 ArrayRef<int64_t> grid, ArrayAttr tilesAttr,
                                 bool persistent) {
  SmallVector<TileFactorAttr> tiles;
  if (tilesAttr) {
    for (Attribute t : tilesAttr) {
      auto factor = dyn_cast<TileFactorAttr>(t);
      if (!factor)
        return emitError() << "launch tiles entry " << t
                           << " is not a #sm120.tiles attribute";
      tiles.push_back(factor);
    }
    if (tiles.empty())
      return emitError() << "launch tiles must not be empty";
  }
  if (block.size() != 3 ||
      llvm::any_of(block, [](int64_t v) { return v < 1 || v > 1024; }))
    return emitError() << "launch block must have 3 extents from 1 to 1024";
  if (block[0] * block[1] * block[2] > 1024)
    return emitError() << "launch block has " << block[0] * block[1] * block[2]
                       << " threads; at most 1024";
  if (grid.empty() == tiles.empty())
    return emitError() << "launch needs either a fixed 'grid' or grid "
                          "'tiles', not both or neither";
  if (!grid.empty() &&
      (grid.size() != 3 || llvm::any_of(grid, [](int64_t v) { return v < 1; })))
    return emitError() << "launch grid must have 3 positive extents";
  if (persistent && tiles.empty())
    return emitError() << "a persistent launch needs grid 'tiles'";
  for (TileFactorAttr t : tiles)
    if (t.getTile() == 0)
      return emitError() << "launch tile size must be positive";
  return success();
}

/// Bits per element as TMA moves them (FP4: packed, or a byte unpacked).
static std::optional<int64_t> tmaElementBits(Type t, bool fp4Unpack) {
  if (isa<Float4E2M1FNType>(t))
    return fp4Unpack ? 8 : 4;
  if (t.isIntOrFloat() && t.getIntOrFloatBitWidth() % 8 == 0)
    return t.getIntOrFloatBitWidth();
  return std::nullopt;
}

LogicalResult
KernelAbiAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      ArrayAttr tensorsAttr, ArrayAttr params,
                      LaunchAttr launch, DictionaryAttr problem) {
  SmallVector<TensorArgAttr> tensors;
  for (Attribute t : tensorsAttr) {
    auto arg = dyn_cast<TensorArgAttr>(t);
    if (!arg)
      return emitError() << "abi tensors entry " << t
                         << " is not a #sm120.tensor attribute";
    tensors.push_back(arg);
  }
  auto tensorAt = [&](unsigned i) -> FailureOr<MemRefType> {
    if (i >= tensors.size()) {
      emitError() << "abi refers to tensor #" << i << " but has "
                  << tensors.size() << " tensors";
      return failure();
    }
    return tensors[i].getType();
  };
  for (TensorArgAttr t : tensors) {
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(t.getType().getStridesAndOffset(strides, offset)) ||
        !llvm::is_contained(strides, 1))
      return emitError() << "abi tensor '" << t.getName()
                         << "' has no unit-stride dimension";
  }
  for (auto [i, p] : llvm::enumerate(params)) {
    if (auto ptr = dyn_cast<PointerParamAttr>(p)) {
      if (failed(tensorAt(ptr.getTensor())))
        return failure();
    } else if (auto dim = dyn_cast<DimParamAttr>(p)) {
      FailureOr<MemRefType> t = tensorAt(dim.getTensor());
      if (failed(t))
        return failure();
      if (dim.getDim() >= t->getRank())
        return emitError() << "abi param #" << i << " reads dim "
                           << dim.getDim() << " of a rank-" << t->getRank()
                           << " tensor";
      if (!dim.getType().isInteger(32) && !dim.getType().isInteger(64))
        return emitError() << "abi param #" << i << " has type "
                           << dim.getType() << "; expected i32 or i64";
    } else if (auto stride = dyn_cast<StrideParamAttr>(p)) {
      FailureOr<MemRefType> t = tensorAt(stride.getTensor());
      if (failed(t))
        return failure();
      if (stride.getDim() >= t->getRank())
        return emitError() << "abi param #" << i << " reads the stride of dim "
                           << stride.getDim() << " of a rank-" << t->getRank()
                           << " tensor";
    } else if (auto tma = dyn_cast<TmaParamAttr>(p)) {
      FailureOr<MemRefType> t = tensorAt(tma.getTensor());
      if (failed(t))
        return failure();
      // A rewritten descriptor's rank is its views'.
      if (static_cast<int64_t>(tma.getBox().size()) != t->getRank() &&
          !tma.getDeviceRewritten())
        return emitError() << "abi param #" << i << " has a rank-"
                           << tma.getBox().size() << " box over a rank-"
                           << t->getRank() << " tensor";
      std::optional<int64_t> bits =
          tmaElementBits(t->getElementType(), tma.getFp4Unpack());
      if (!bits)
        return emitError() << "abi param #" << i << ": TMA cannot move "
                           << t->getElementType() << " elements";
      int64_t innerBits = tma.getBox().back() * *bits;
      if (innerBits % 128 != 0)
        return emitError()
               << "abi param #" << i << " has a "
               << (innerBits % 8
                       ? llvm::formatv("{0:f1}", innerBits / 8.0).str()
                       : std::to_string(innerBits / 8))
               << "-byte inner box; TMA needs a multiple of 16";
      if (tma.getSwizzle() && innerBits / 8 > tma.getSwizzle())
        return emitError() << "abi param #" << i << " has a " << innerBits / 8
                           << "-byte inner box; swizzle " << tma.getSwizzle()
                           << " allows at most " << tma.getSwizzle();
    } else if (auto scratch = dyn_cast<ScratchParamAttr>(p)) {
      if (scratch.getBytesPerBlock() == 0 ||
          scratch.getBytesPerBlock() % 128 != 0)
        return emitError() << "abi param #" << i << " asks for "
                           << scratch.getBytesPerBlock()
                           << " scratch bytes per block; expected a positive "
                              "multiple of 128";
    } else {
      return emitError() << "abi param #" << i << " is " << p
                         << "; expected #sm120.ptr, #sm120.dim, #sm120.stride, "
                            "#sm120.tma or #sm120.scratch";
    }
  }
  for (TileFactorAttr f : launch.getTileFactors()) {
    FailureOr<MemRefType> t = tensorAt(f.getTensor());
    if (failed(t))
      return failure();
    if (f.getDim() >= t->getRank())
      return emitError() << "launch tiles read dim " << f.getDim()
                         << " of a rank-" << t->getRank() << " tensor";
  }
  auto family = problem.getAs<StringAttr>("family");
  if (!family)
    return emitError() << "abi problem needs a string 'family'";
  return success();
}

LogicalResult SM120Dialect::verifyOperationAttribute(Operation *op,
                                                     NamedAttribute attr) {
  if (attr.getName() == "sm120.problem") {
    // What a tile program computes and which argument is which operand, set
    // by sm120-lower-to-tiles for the kernel ABI.
    auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
    auto fn = dyn_cast<FunctionOpInterface>(op);
    if (!dict || !fn)
      return op->emitError("'sm120.problem' must be a dictionary on a "
                           "function");
    auto names = dict.getAs<ArrayAttr>("names");
    if (!dict.getAs<StringAttr>("family") || !names ||
        names.size() != fn.getNumArguments() ||
        !llvm::all_of(names, [](Attribute a) { return isa<StringAttr>(a); }))
      return op->emitError("'sm120.problem' needs a string 'family' and "
                           "'names' with one string per argument");
    return success();
  }
  if (attr.getName() != kAbiAttrName)
    return op->emitError() << "unknown sm120 attribute '"
                           << attr.getName().getValue() << "'";
  auto abi = dyn_cast<KernelAbiAttr>(attr.getValue());
  if (!abi)
    return op->emitError() << "'" << kAbiAttrName
                           << "' must be a #sm120.abi attribute";
  auto fn = dyn_cast<FunctionOpInterface>(op);
  if (!fn)
    return op->emitError() << "'" << kAbiAttrName
                           << "' belongs on a kernel function";
  ArrayRef<Type> args = fn.getArgumentTypes();
  if (args.size() != abi.getParams().size())
    return op->emitError() << "kernel has " << args.size()
                           << " parameters but its abi lists "
                           << abi.getParams().size();
  for (auto [i, p, t] : llvm::enumerate(abi.getParams(), args)) {
    if (auto dim = dyn_cast<DimParamAttr>(p)) {
      if (t != dim.getType())
        return op->emitError() << "kernel parameter #" << i << " has type " << t
                               << "; its abi entry passes a " << dim.getType();
    } else if (isa<StrideParamAttr>(p)) {
      if (!t.isInteger(64))
        return op->emitError() << "kernel parameter #" << i << " has type " << t
                               << "; a stride parameter is an i64";
    } else if (!isa<LLVM::LLVMPointerType>(t)) {
      return op->emitError() << "kernel parameter #" << i << " has type " << t
                             << "; a pointer or TMA parameter needs !llvm.ptr";
    }
  }
  return success();
}

SmallVector<TileFactorAttr> LaunchAttr::getTileFactors() const {
  SmallVector<TileFactorAttr> out;
  if (ArrayAttr tiles = getTiles())
    for (Attribute t : tiles)
      out.push_back(cast<TileFactorAttr>(t));
  return out;
}

SmallVector<TensorArgAttr> KernelAbiAttr::getTensorArgs() const {
  SmallVector<TensorArgAttr> out;
  for (Attribute t : getTensors())
    out.push_back(cast<TensorArgAttr>(t));
  return out;
}

/// Grouped rasterization sweeps raster_group M tiles along N; more than a
/// wave of any GPU's SMs gains nothing.
static constexpr unsigned kMaxRasterGroup = 1024;

LogicalResult ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   ArrayRef<int64_t> block, unsigned stages,
                                   ArrayRef<int64_t> warpLayout,
                                   unsigned tmaWarps, unsigned rasterGroup,
                                   EpilogueKind epilogue, bool swapAb) {
  if (block.size() != 3)
    return emitError() << "schedule block must be [BM, BN, BK]; got "
                       << block.size() << " entries";
  int64_t bm = block[0], bn = block[1], bk = block[2];
  if (bm != 64 && bm != 128)
    return emitError() << "schedule BM is " << bm << "; expected 64 or 128";
  if (bn < 16 || bn > 256 || bn % 16 != 0)
    return emitError() << "schedule BN is " << bn
                       << "; expected a multiple of 16 in [16, 256]";
  if (bk < 32 || bk > 256 || bk % 32 != 0)
    return emitError() << "schedule BK is " << bk
                       << "; expected a multiple of 32 in [32, 256]";
  if (stages < 1 || stages > 16)
    return emitError() << "schedule stages is " << stages
                       << "; expected 1 to 16";
  if (warpLayout.size() != 2 || warpLayout[0] < 1 || warpLayout[1] < 1)
    return emitError() << "schedule warp_layout must be [WM, WN] with "
                          "positive entries";
  int64_t wm = warpLayout[0], wn = warpLayout[1];
  if (wm > 8 || wn > 8)
    return emitError() << "schedule warp_layout is [" << wm << ", " << wn
                       << "]; a CTA has 4 or 8 math warps";
  if (wm * wn != 4 && wm * wn != 8)
    return emitError() << "schedule has " << wm * wn
                       << " math warps; expected 4 or 8 (one or two "
                          "warpgroups)";
  if (bm % (wm * 16) != 0)
    return emitError() << "schedule BM = " << bm << " does not split into "
                       << wm << " warps of whole 16-row MMA tiles";
  if (bn % (wn * 8) != 0)
    return emitError() << "schedule BN = " << bn << " does not split into "
                       << wn << " warps of whole 8-column MMA tiles";
  if (tmaWarps < 1 || tmaWarps > 4)
    return emitError() << "schedule tma_warps is " << tmaWarps
                       << "; expected 1 to 4 (one warpgroup)";
  if (rasterGroup < 1 || rasterGroup > kMaxRasterGroup)
    return emitError() << "schedule raster_group is " << rasterGroup
                       << "; expected 1 to " << kMaxRasterGroup;
  if (swapAb && epilogue != EpilogueKind::Direct)
    return emitError() << "schedule swap_ab writes the accumulator "
                          "transposed, which needs epilogue = direct";
  return success();
}

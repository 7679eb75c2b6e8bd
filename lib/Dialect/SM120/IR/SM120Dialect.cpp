//===- SM120Dialect.cpp - sm120 dialect and attributes ----------*- C++ -*-===//

#include "sm120/Dialect/SM120/IR/SM120.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::sm120;

#include "sm120/Dialect/SM120/IR/SM120OpsDialect.cpp.inc"

#include "sm120/Dialect/SM120/IR/SM120Enums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "sm120/Dialect/SM120/IR/SM120Attrs.cpp.inc"

#include "sm120/Dialect/SM120/IR/SM120Interfaces.cpp.inc"

void SM120Dialect::initialize() {
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

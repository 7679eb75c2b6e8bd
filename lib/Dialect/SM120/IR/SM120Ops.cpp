//===- SM120Ops.cpp - verifiers and summaries of the problem ops -*- C++
//-*-===//

#include "sm120/Dialect/SM120/IR/SM120.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <limits>

using namespace mlir;
using namespace mlir::sm120;

//===----------------------------------------------------------------------===//
// Shared verification helpers
//===----------------------------------------------------------------------===//

namespace {

/// Data families an operand element type can belong to.
enum class DataKind { FP8, FP4, BF16, Unsupported };

DataKind classify(Type t) {
  if (isa<Float8E4M3FNType>(t))
    return DataKind::FP8;
  if (isa<Float4E2M1FNType>(t))
    return DataKind::FP4;
  if (t.isBF16())
    return DataKind::BF16;
  return DataKind::Unsupported;
}

StringRef kindName(DataKind kind) {
  switch (kind) {
  case DataKind::FP8:
    return "FP8";
  case DataKind::FP4:
    return "FP4";
  case DataKind::BF16:
    return "BF16";
  case DataKind::Unsupported:
    break;
  }
  return "unsupported";
}

std::string dimStr(int64_t v) {
  return ShapedType::isDynamic(v) ? std::string("?") : std::to_string(v);
}

std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, v] : llvm::enumerate(shape))
    s += (i ? ", " : "") + dimStr(v);
  return s + "]";
}

/// One memref operand of a problem op, with the name diagnostics use.
struct Arg {
  OpOperand *operand = nullptr;
  StringRef name;

  explicit operator bool() const { return operand != nullptr; }
  MemRefType type() const { return cast<MemRefType>(operand->get().getType()); }
  Type elem() const { return type().getElementType(); }
  int64_t dim(unsigned i) const { return type().getDimSize(i); }
};

Arg arg(MutableOperandRange range, StringRef name) {
  if (range.empty())
    return {};
  return Arg{&range[0], name};
}

/// Emits diagnostics of the form
///   'sm120.gemm' op operand #2 (sfa) <message>
/// and unifies named problem sizes across operands.
class Checker {
public:
  explicit Checker(Operation *op) : op(op) {}

  InFlightDiagnostic error(const Arg &a) {
    return op->emitOpError() << "operand #" << a.operand->getOperandNumber()
                             << " (" << a.name << ") ";
  }
  InFlightDiagnostic error() { return op->emitOpError(); }

  /// Rank, unit innermost stride.
  LogicalResult layout(const Arg &a, unsigned rank, StringRef dims) {
    MemRefType t = a.type();
    if (t.getRank() != rank)
      return error(a) << "must have rank " << rank << " (" << dims
                      << "); got rank " << t.getRank();
    for (auto [i, v] : llvm::enumerate(t.getShape()))
      if (v == 0)
        return error(a) << "has a zero-sized dimension (dim " << i
                        << "); static sizes must be positive";
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(t.getStridesAndOffset(strides, offset)))
      return error(a) << "has a layout that is not strided";
    if (!strides.empty() && strides.back() != 1)
      return error(a) << "must have unit stride in its innermost dimension; "
                         "got stride "
                      << dimStr(strides.back());
    return success();
  }

  LogicalResult elem(const Arg &a, function_ref<bool(Type)> ok,
                     StringRef allowed) {
    if (!ok(a.elem()))
      return error(a) << "has element type " << a.elem() << "; expected "
                      << allowed;
    return success();
  }

  /// Binds size `sym` to dimension `d` of `a`; static sizes seen on
  /// different operands must agree.
  LogicalResult bind(const Arg &a, unsigned d, StringRef sym) {
    return bindValue(a, d, sym, a.dim(d));
  }

  LogicalResult bindValue(const Arg &a, unsigned d, StringRef sym,
                          int64_t value) {
    if (ShapedType::isDynamic(value))
      return success();
    // TMA coordinates and the kernels' tile indices are 32-bit.
    if (value > std::numeric_limits<int32_t>::max())
      return error(a) << "has " << sym << " = " << value
                      << "; sizes are at most 2^31 - 1";
    auto it = sizes.find(sym);
    if (it == sizes.end()) {
      sizes[sym] = {
          value,
          llvm::formatv("#{0} ({1})", a.operand->getOperandNumber(), a.name)
              .str(),
          d};
      return success();
    }
    if (it->second.value != value)
      return error(a) << "has " << sym << " = " << value << " (dim " << d
                      << "); operand " << it->second.from << " has " << sym
                      << " = " << it->second.value << " (dim " << it->second.dim
                      << ")";
    return success();
  }

  /// Dimension `d` of `a` must equal `value`, computed as `what`.
  LogicalResult expect(const Arg &a, unsigned d, int64_t value,
                       StringRef what) {
    if (ShapedType::isDynamic(value) || a.type().isDynamicDim(d) ||
        a.dim(d) == value)
      return success();
    return error(a) << "has " << a.dim(d) << " in dim " << d << "; expected "
                    << what << " = " << value;
  }

  int64_t get(StringRef sym) const {
    auto it = sizes.find(sym);
    return it == sizes.end() ? ShapedType::kDynamic : it->second.value;
  }

  /// Binds every dimension of `a` to the symbols in `syms` (one per dim).
  LogicalResult bindAll(const Arg &a, ArrayRef<StringRef> syms) {
    for (auto [i, s] : llvm::enumerate(syms))
      if (!s.empty() && failed(bind(a, i, s)))
        return failure();
    return success();
  }

  /// Operand `a` must have exactly `expected` (with `?` matching anything
  /// that is itself unknown) and element type `elemType`.
  LogicalResult shape(const Arg &a, ArrayRef<int64_t> expected,
                      StringRef dims) {
    ArrayRef<int64_t> got = a.type().getShape();
    if (got.size() != expected.size())
      return error(a) << "must have rank " << expected.size() << " (" << dims
                      << "); got rank " << got.size();
    for (auto [g, e] : llvm::zip(got, expected))
      if (!ShapedType::isDynamic(g) && !ShapedType::isDynamic(e) && g != e)
        return error(a) << "has shape " << shapeStr(got) << "; expected "
                        << shapeStr(expected) << " (" << dims << ")";
    return success();
  }

  Operation *op;

private:
  struct Seen {
    int64_t value;
    std::string from;
    unsigned dim;
  };
  llvm::StringMap<Seen> sizes;
};

bool isOutputType(Type t) { return t.isF32() || t.isBF16(); }
bool isI32(Type t) { return t.isInteger(32); }
bool isF32(Type t) { return t.isF32(); }

/// FP4 data is packed two per byte along the contiguous dimension.
LogicalResult checkFP4Packing(Checker &c, const Arg &a) {
  if (classify(a.elem()) != DataKind::FP4 || a.type().getRank() == 0)
    return success();
  int64_t inner = a.type().getShape().back();
  if (!ShapedType::isDynamic(inner) && inner % 2 != 0)
    return c.error(a) << "holds FP4 packed two per byte along its contiguous "
                         "dimension, which has odd extent "
                      << inner;
  return success();
}

/// A scaled operand: its data kind, the scale operand, its recipe and the
/// name of the recipe attribute.
struct Scaled {
  DataKind kind;
  Arg scale;
  BlockScaleAttr recipe;
  StringRef recipeName;
  StringRef operandName;
};

/// Scales present iff the data is FP8/FP4; recipe given iff scale given;
/// recipe allowed for the data kind; NVFP4 used on both sides or neither.
LogicalResult checkScalePresence(Checker &c, const Scaled &sa,
                                 const Scaled &sb) {
  for (const Scaled *s : {&sa, &sb}) {
    bool wantsScales = s->kind == DataKind::FP8 || s->kind == DataKind::FP4;
    if (!wantsScales) {
      if (s->scale)
        return c.error(s->scale) << "is given but BF16 operands take no scales";
      if (s->recipe)
        return c.error() << "has attribute '" << s->recipeName
                         << "' but BF16 operands take no scales";
      continue;
    }
    if (!s->scale)
      return c.error() << kindName(s->kind)
                       << " operands need scale factors: operand '"
                       << s->operandName
                       << "' is missing (give 'scales(%sfa, %sfb : ...)' and "
                          "the '"
                       << s->recipeName << "' attribute)";
    if (!s->recipe)
      return c.error(s->scale) << "needs a '" << s->recipeName
                               << "' attribute (#sm120.block_scale<...>)";
    BlockScaleAttr r = s->recipe;
    unsigned k = r.getK();
    if (s->kind == DataKind::FP8) {
      if (r.getFormat() == ScaleFormat::UE4M3)
        return c.error(s->scale)
               << "has ue4m3 scales; UE4M3 (NVFP4) scales need FP4 data";
      if (k != 32 && k != 128)
        return c.error(s->scale)
               << "has granularity " << k << " along K; FP8 needs 32 or 128";
    } else if (r.getFormat() != ScaleFormat::UE4M3 && k != 32 && k != 128) {
      return c.error(s->scale)
             << "has granularity " << k
             << " along K; FP4 with ue8m0 or f32 scales needs 32 or 128 "
                "(16 needs ue4m3)";
    }
  }
  if (sa.recipe && sb.recipe) {
    bool nvA = sa.recipe.getFormat() == ScaleFormat::UE4M3;
    bool nvB = sb.recipe.getFormat() == ScaleFormat::UE4M3;
    if (nvA != nvB)
      return c.error() << "uses ue4m3 (NVFP4) scales on one operand only ("
                       << sa.recipeName << " is "
                       << stringifyScaleFormat(sa.recipe.getFormat()) << ", "
                       << sb.recipeName << " is "
                       << stringifyScaleFormat(sb.recipe.getFormat())
                       << "); NVFP4 needs them on both";
  }
  return success();
}

/// Checks the scale tensor of an operand of problem extent [mn, k], with
/// optional leading batch dimensions, against its recipe.
LogicalResult checkScaleTensor(Checker &c, const Scaled &s,
                               ArrayRef<int64_t> batch, int64_t mn, int64_t k,
                               StringRef kSym) {
  if (!s.scale)
    return success();
  BlockScaleAttr r = s.recipe;
  if (failed(c.layout(s.scale, batch.size() + 2,
                      r.getPacked() ? "[batch..., K blocks / 4, align(MN, 4)]"
                                    : "[batch..., MN blocks, K blocks]")))
    return failure();
  Type want = r.getScaleElementType(c.op->getContext());
  if (s.scale.elem() != want)
    return c.error(s.scale) << "has element type " << s.scale.elem()
                            << "; recipe " << r << " needs " << want;
  if (!ShapedType::isDynamic(k) && k % r.getK() != 0)
    return c.error(s.scale)
           << "has granularity " << r.getK() << " along K, but " << kSym
           << " = " << k << " is not divisible by it";
  SmallVector<int64_t> expected(batch);
  llvm::append_range(expected, r.getScaleShape(mn, k));
  return c.shape(s.scale, expected,
                 r.getPacked() ? "batch..., ceil(K / (4 * k)), align(MN, 4)"
                               : "batch..., ceil(MN / mn), ceil(K / k)");
}

/// Data types of a GEMM operand pair.
LogicalResult checkDataPair(Checker &c, const Arg &a, const Arg &b,
                            bool allowFP4 = true) {
  StringRef allowed =
      allowFP4 ? "f8E4M3FN, f4E2M1FN or bf16" : "f8E4M3FN or bf16";
  auto ok = [&](Type t) {
    DataKind k = classify(t);
    return k != DataKind::Unsupported && (allowFP4 || k != DataKind::FP4);
  };
  if (failed(c.elem(a, ok, allowed)) || failed(c.elem(b, ok, allowed)))
    return failure();
  bool bf16A = a.elem().isBF16(), bf16B = b.elem().isBF16();
  if (bf16A != bf16B)
    return c.error() << "operand pair (" << a.elem() << ", " << b.elem()
                     << ") is not supported; expected FP8/FP4 x FP8/FP4 "
                        "(with scales) or bf16 x bf16";
  return success();
}

/// Mixed FP8 x FP4: the FP4 operand is unpacked by TMA in 128-element rows.
LogicalResult checkMixedK(Checker &c, DataKind ka, DataKind kb, int64_t k) {
  bool mixed = (ka == DataKind::FP8 && kb == DataKind::FP4) ||
               (ka == DataKind::FP4 && kb == DataKind::FP8);
  if (mixed && !ShapedType::isDynamic(k) && k % 128 != 0)
    return c.error() << "mixes FP8 and FP4 operands, which needs K divisible "
                        "by 128; got K = "
                     << k;
  return success();
}

/// Output `d` (bf16/f32) and optional addend `c` (f32) of the given shape.
LogicalResult checkOutputs(Checker &c, const Arg &d, const Arg &acc,
                           ArrayRef<StringRef> syms, StringRef dims,
                           bool f32Only = false) {
  if (failed(c.layout(d, syms.size(), dims)) ||
      failed(c.elem(d, f32Only ? isF32 : isOutputType,
                    f32Only ? "f32" : "bf16 or f32")) ||
      failed(c.bindAll(d, syms)))
    return failure();
  if (!acc)
    return success();
  if (failed(c.layout(acc, syms.size(), dims)) ||
      failed(c.elem(acc, isF32, "f32")) || failed(c.bindAll(acc, syms)))
    return failure();
  return success();
}

/// [MN, K] or [K, MN] depending on majorness.
SmallVector<StringRef, 2> majorDims(Major major, StringRef mn, StringRef k) {
  if (major == Major::K)
    return {mn, k};
  return {k, mn};
}

std::string dimsText(ArrayRef<StringRef> syms) {
  std::string s = "[";
  for (auto [i, v] : llvm::enumerate(syms))
    s += (i ? ", " : "") + v.str();
  return s + "]";
}

/// Verifies a 2-D (plus batch) GEMM operand: rank, layout, packing, sizes.
LogicalResult checkMatrix(Checker &c, const Arg &a, ArrayRef<StringRef> syms) {
  if (failed(c.layout(a, syms.size(), dimsText(syms))) ||
      failed(checkFP4Packing(c, a)) || failed(c.bindAll(a, syms)))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// Summary helpers
//===----------------------------------------------------------------------===//

void printOperand(raw_ostream &os, StringRef name, Value v,
                  std::optional<Major> major = std::nullopt) {
  auto t = cast<MemRefType>(v.getType());
  os << "  " << name << ": " << shapeStr(t.getShape()) << " "
     << t.getElementType();
  if (!t.getLayout().isIdentity())
    os << " " << t.getLayout();
  if (major)
    os << " (" << stringifyMajor(*major) << "-major)";
  os << "\n";
}

void printScale(raw_ostream &os, StringRef name, Value v,
                std::optional<BlockScaleAttr> recipe) {
  if (!v)
    return;
  auto t = cast<MemRefType>(v.getType());
  os << "  " << name << ": " << shapeStr(t.getShape()) << " "
     << t.getElementType();
  if (recipe)
    os << " " << *recipe;
  os << "\n";
}

/// Prints `flops: <n>` when all factors are static, else the symbolic form.
void printFlops(raw_ostream &os,
                ArrayRef<std::pair<StringRef, int64_t>> factors,
                int64_t multiplier = 2) {
  int64_t known = multiplier;
  std::string symbolic;
  for (auto [name, v] : factors) {
    if (ShapedType::isDynamic(v))
      symbolic += " * " + name.str();
    else
      known *= v;
  }
  os << "  flops: " << known << symbolic << "\n";
}

void printSizes(raw_ostream &os,
                ArrayRef<std::pair<StringRef, int64_t>> sizes) {
  os << "  sizes:";
  for (auto [name, v] : sizes)
    os << " " << name << "=" << dimStr(v);
  os << "\n";
}

} // namespace

//===----------------------------------------------------------------------===//
// GemmOp
//===----------------------------------------------------------------------===//

LogicalResult GemmOp::verify() {
  Checker c(*this);
  Arg a = arg(getAMutable(), "a"), b = arg(getBMutable(), "b");
  Arg sfa = arg(getSfaMutable(), "sfa"), sfb = arg(getSfbMutable(), "sfb");
  Arg acc = arg(getCMutable(), "c"), d = arg(getDMutable(), "d");
  Arg alpha = arg(getAlphaMutable(), "alpha");

  if (failed(checkDataPair(c, a, b)) ||
      failed(checkMatrix(c, a, majorDims(getAMajor(), "M", "K"))) ||
      failed(checkMatrix(c, b, majorDims(getBMajor(), "N", "K"))))
    return failure();

  // With head splits, D's columns are a remapped superset of N.
  std::optional<ArrayRef<int64_t>> splits = getHeadSplits();
  if (failed(checkOutputs(c, d, acc, {"M", splits ? "" : "N"}, "[M, N]")))
    return failure();
  if (alpha) {
    if (!alpha.elem().isF32())
      return c.error(alpha)
             << "has element type " << alpha.elem() << "; alpha is one f32";
    if (failed(c.shape(alpha, {1}, "1")))
      return failure();
  }

  DataKind ka = classify(a.elem()), kb = classify(b.elem());
  Scaled sa{ka, sfa, getSfaRecipeAttr(), "sfa_recipe", "sfa"};
  Scaled sb{kb, sfb, getSfbRecipeAttr(), "sfb_recipe", "sfb"};
  int64_t m = c.get("M"), n = c.get("N"), k = c.get("K");
  if (failed(checkScalePresence(c, sa, sb)) ||
      failed(checkScaleTensor(c, sa, {}, m, k, "K")) ||
      failed(checkScaleTensor(c, sb, {}, n, k, "K")) ||
      failed(checkMixedK(c, ka, kb, k)))
    return failure();

  if (!splits)
    return success();
  if (splits->size() != 3)
    return emitOpError() << "head_splits must have 3 entries (left, mid, "
                            "right); got "
                         << splits->size();
  int64_t l = (*splits)[0], mid = (*splits)[1], r = (*splits)[2];
  constexpr int64_t kMaxSplit = 1 << 16;
  auto inRange = [&](int64_t v) { return v >= 0 && v <= kMaxSplit; };
  if (!inRange(l) || !inRange(mid) || !inRange(r) || l + r == 0)
    return emitOpError() << "head_splits (" << l << ", " << mid << ", " << r
                         << ") must each be in [0, " << kMaxSplit
                         << "] with left + right > 0";
  if (ka != DataKind::FP8 || kb != DataKind::FP8 || sa.recipe.getK() != 128 ||
      sb.recipe.getK() != 128)
    return emitOpError() << "head_splits needs FP8 operands with K "
                            "granularity 128";
  if (acc)
    return c.error(acc) << "is not supported together with head_splits";
  if (!ShapedType::isDynamic(n)) {
    if (n % (l + r) != 0)
      return emitOpError() << "head_splits needs N divisible by left + right = "
                           << l + r << "; got N = " << n;
    int64_t cols = n / (l + r) * (l + mid + r);
    if (!ShapedType::isDynamic(d.dim(1)) && d.dim(1) != cols)
      return c.error(d) << "has " << d.dim(1)
                        << " columns; head_splits with N = " << n << " needs "
                        << cols;
  }
  return success();
}

std::string GemmOp::getFamilyName() { return "gemm"; }

void GemmOp::printSummary(raw_ostream &os) {
  auto at = getA().getType(), bt = getB().getType();
  int64_t m = getAMajor() == Major::K ? at.getDimSize(0) : at.getDimSize(1);
  int64_t k = getAMajor() == Major::K ? at.getDimSize(1) : at.getDimSize(0);
  int64_t n = getBMajor() == Major::K ? bt.getDimSize(0) : bt.getDimSize(1);
  if (ShapedType::isDynamic(k))
    k = getBMajor() == Major::K ? bt.getDimSize(1) : bt.getDimSize(0);
  printSizes(os, {{"M", m}, {"N", n}, {"K", k}});
  printOperand(os, "a", getA(), getAMajor());
  printOperand(os, "b", getB(), getBMajor());
  printScale(os, "sfa", getSfa(), getSfaRecipe());
  printScale(os, "sfb", getSfb(), getSfbRecipe());
  if (getC())
    printOperand(os, "c (accumulate)", getC());
  if (getAlpha())
    printOperand(os, "alpha (scale of A * B^T)", getAlpha());
  printOperand(os, "d", getD());
  if (auto splits = getHeadSplits())
    os << "  epilogue: head_splits(" << (*splits)[0] << ", " << (*splits)[1]
       << ", " << (*splits)[2] << ")\n";
  if (ScheduleAttr s = getScheduleAttr())
    os << "  schedule: " << s << "\n";
  printFlops(os, {{"M", m}, {"N", n}, {"K", k}});
}

//===----------------------------------------------------------------------===//
// GroupedGemmOp
//===----------------------------------------------------------------------===//

LogicalResult GroupedGemmOp::verify() {
  Checker c(*this);
  Arg a = arg(getAMutable(), "a"), b = arg(getBMutable(), "b");
  Arg sfa = arg(getSfaMutable(), "sfa"), sfb = arg(getSfbMutable(), "sfb");
  Arg layout = arg(getLayoutMutable(), "layout");
  Arg acc = arg(getCMutable(), "c"), d = arg(getDMutable(), "d");
  GroupedKind kind = getKind();
  StringRef kindStr = stringifyGroupedKind(kind);

  if (failed(checkDataPair(c, a, b, kind != GroupedKind::KGrouped)))
    return failure();
  if (getPrefixSum() && kind != GroupedKind::Contiguous)
    return emitOpError() << "prefix_sum applies to kind contiguous only; got "
                         << kindStr;
  std::optional<int64_t> expectedM;
  if (IntegerAttr attr = getExpectedMAttr())
    expectedM = attr.getInt();
  if (expectedM) {
    if (kind == GroupedKind::KGrouped)
      return emitOpError() << "expected_m applies to M-grouped kinds only; got "
                           << kindStr;
    if (*expectedM <= 0)
      return emitOpError() << "expected_m must be positive; got " << *expectedM;
  }
  if (std::optional<uint64_t> align = getKAlignment()) {
    if (kind != GroupedKind::KGrouped)
      return emitOpError() << "k_alignment applies to kind k_grouped only; got "
                           << kindStr;
    if (static_cast<int64_t>(*align) <= 0 || *align % 64 != 0)
      return emitOpError() << "k_alignment must be a positive multiple of 64; "
                              "got "
                           << static_cast<int64_t>(*align);
  }
  if (!layout) {
    StringRef what = kind == GroupedKind::Contiguous
                         ? "the group of each row (or prefix sums)"
                     : kind == GroupedKind::Masked
                         ? "the valid row count of each group"
                         : "the K size of each group";
    return emitOpError() << "kind " << kindStr
                         << " needs a 'layout' operand with " << what;
  }
  if (failed(c.layout(layout, 1, "[rows] or [G]")) ||
      failed(c.elem(layout, isI32, "i32")))
    return failure();

  DataKind ka = classify(a.elem()), kb = classify(b.elem());
  Scaled sa{ka, sfa, getSfaRecipeAttr(), "sfa_recipe", "sfa"};
  Scaled sb{kb, sfb, getSfbRecipeAttr(), "sfb_recipe", "sfb"};
  if (failed(checkScalePresence(c, sa, sb)))
    return failure();

  switch (kind) {
  case GroupedKind::Contiguous: {
    if (getAMajor() != Major::K)
      return c.error(a) << "must be K-major for kind contiguous";
    if (failed(checkMatrix(c, a, {"M", "K"})))
      return failure();
    SmallVector<StringRef> bDims{"G"};
    llvm::append_range(bDims, majorDims(getBMajor(), "N", "K"));
    if (failed(checkMatrix(c, b, bDims)) ||
        failed(checkOutputs(c, d, acc, {"M", "N"}, "[M, N]")) ||
        failed(c.bind(layout, 0, getPrefixSum() ? "G" : "M")))
      return failure();
    int64_t k = c.get("K");
    if (failed(checkScaleTensor(c, sa, {}, c.get("M"), k, "K")) ||
        failed(checkScaleTensor(c, sb, {c.get("G")}, c.get("N"), k, "K")) ||
        failed(checkMixedK(c, ka, kb, k)))
      return failure();
    return success();
  }
  case GroupedKind::Masked: {
    if (getAMajor() != Major::K || getBMajor() != Major::K)
      return emitOpError() << "kind masked needs K-major operands; got a_major "
                           << stringifyMajor(getAMajor()) << ", b_major "
                           << stringifyMajor(getBMajor());
    if (failed(checkMatrix(c, a, {"G", "max_m", "K"})) ||
        failed(checkMatrix(c, b, {"G", "N", "K"})) ||
        failed(checkOutputs(c, d, acc, {"G", "max_m", "N"}, "[G, max_m, N]")) ||
        failed(c.bind(layout, 0, "G")))
      return failure();
    int64_t g = c.get("G"), k = c.get("K"), maxM = c.get("max_m");
    if (expectedM && !ShapedType::isDynamic(maxM) && *expectedM > maxM)
      return emitOpError() << "expected_m = " << *expectedM
                           << " exceeds max_m = " << maxM;
    if (failed(checkScaleTensor(c, sa, {g}, maxM, k, "K")) ||
        failed(checkScaleTensor(c, sb, {g}, c.get("N"), k, "K")) ||
        failed(checkMixedK(c, ka, kb, k)))
      return failure();
    return success();
  }
  case GroupedKind::KGrouped: {
    if (getAMajor() != getBMajor())
      return emitOpError() << "kind k_grouped needs a_major == b_major; got "
                           << stringifyMajor(getAMajor()) << " and "
                           << stringifyMajor(getBMajor());
    if (getAMajor() == Major::MN) {
      if (failed(checkMatrix(c, a, {"sum_K", "M"})) ||
          failed(checkMatrix(c, b, {"sum_K", "N"})))
        return failure();
    } else if (a.type().getRank() == 2 || b.type().getRank() == 2) {
      // One [MN, sum_K] matrix per operand, the groups' K one after another.
      if (failed(checkMatrix(c, a, {"M", "sum_K"})) ||
          failed(checkMatrix(c, b, {"N", "sum_K"})))
        return failure();
    } else if (failed(c.layout(
                   a, 1, "concatenated [M, K_g] blocks, or [M, sum_K]")) ||
               failed(c.layout(
                   b, 1, "concatenated [N, K_g] blocks, or [N, sum_K]"))) {
      return failure();
    }
    if (!acc)
      return emitOpError()
             << "kind k_grouped accumulates into an f32 'c' operand, which "
                "is missing";
    if (failed(checkOutputs(c, d, acc, {"G", "M", "N"}, "[G, M, N]",
                            /*f32Only=*/true)) ||
        failed(c.bind(layout, 0, "G")))
      return failure();
    // 1-D blocks hold MN * sum K elements each, for one sum K.
    if (a.type().getRank() == 1 && getAMajor() == Major::K) {
      int64_t sizeA = a.type().getDimSize(0), sizeB = b.type().getDimSize(0);
      int64_t m = c.get("M"), n = c.get("N");
      if (!ShapedType::isDynamic(sizeA) && !ShapedType::isDynamic(sizeB) &&
          !ShapedType::isDynamic(m) && !ShapedType::isDynamic(n) && m > 0 &&
          n > 0 && (sizeA % m != 0 || sizeB % n != 0 || sizeA / m != sizeB / n))
        return emitOpError() << "1-D operands of " << sizeA << " and " << sizeB
                             << " elements are not M * sum K and N * sum K "
                                "for one sum K (M = "
                             << m << ", N = " << n << ")";
    }
    // Each group's scales start on a packed word: both operands count the
    // words of a group alike.
    if (sa.scale && sb.scale && sa.recipe.getK() != sb.recipe.getK())
      return emitOpError()
             << "kind k_grouped needs one K granularity for both operands' "
                "scales; got "
             << sa.recipe.getK() << " and " << sb.recipe.getK();
    for (const Scaled *s : {&sa, &sb}) {
      if (!s->scale)
        continue;
      if (!s->recipe.getPacked())
        return c.error(s->scale)
               << "must hold packed ue8m0 scales for kind k_grouped; got "
               << s->recipe;
      int64_t mn = s == &sa ? c.get("M") : c.get("N");
      if (failed(c.layout(s->scale, 2, "[K blocks / 4, align(MN, 4)]")) ||
          failed(c.elem(s->scale, isI32, "i32")) ||
          failed(
              c.shape(s->scale,
                      {ShapedType::kDynamic, s->recipe.getScaleShape(mn, 1)[1]},
                      "sum of K blocks / 4 over groups, align(MN, 4)")))
        return failure();
    }
    return success();
  }
  }
  llvm_unreachable("unknown grouped kind");
}

std::string GroupedGemmOp::getFamilyName() {
  return ("grouped_gemm/" + stringifyGroupedKind(getKind())).str();
}

void GroupedGemmOp::printSummary(raw_ostream &os) {
  auto at = getA().getType(), bt = getB().getType(), dt = getD().getType();
  switch (getKind()) {
  case GroupedKind::Contiguous:
    printSizes(os, {{"G", bt.getDimSize(0)},
                    {"M", at.getDimSize(0)},
                    {"N", dt.getDimSize(1)},
                    {"K", at.getDimSize(1)}});
    os << "  layout: "
       << (getPrefixSum() ? "prefix sum of group rows [G]"
                          : "group index per row [M]")
       << "\n";
    break;
  case GroupedKind::Masked:
    printSizes(os, {{"G", at.getDimSize(0)},
                    {"max_m", at.getDimSize(1)},
                    {"N", dt.getDimSize(2)},
                    {"K", at.getDimSize(2)}});
    os << "  layout: valid rows per group [G]\n";
    break;
  case GroupedKind::KGrouped:
    printSizes(os, {{"G", dt.getDimSize(0)},
                    {"M", dt.getDimSize(1)},
                    {"N", dt.getDimSize(2)}});
    os << "  layout: K size per group [G]\n";
    break;
  }
  if (auto e = getExpectedM())
    os << "  expected_m: " << *e << "\n";
  printOperand(os, "a", getA(), getAMajor());
  printOperand(os, "b", getB(), getBMajor());
  printScale(os, "sfa", getSfa(), getSfaRecipe());
  printScale(os, "sfb", getSfb(), getSfbRecipe());
  if (getC())
    printOperand(os, "c (accumulate)", getC());
  printOperand(os, "d", getD());
  switch (getKind()) {
  case GroupedKind::Contiguous:
    printFlops(os, {{"M", at.getDimSize(0)},
                    {"N", dt.getDimSize(1)},
                    {"K", at.getDimSize(1)}});
    break;
  case GroupedKind::Masked:
    printFlops(os, {{"sum(valid_m)", ShapedType::kDynamic},
                    {"N", dt.getDimSize(2)},
                    {"K", at.getDimSize(2)}});
    break;
  case GroupedKind::KGrouped:
    printFlops(os, {{"M", dt.getDimSize(1)},
                    {"N", dt.getDimSize(2)},
                    {"sum(K_g)", ShapedType::kDynamic}});
    break;
  }
}

//===----------------------------------------------------------------------===//
// BatchedGemmOp
//===----------------------------------------------------------------------===//

std::optional<Einsum> BatchedGemmOp::getEinsum() {
  return symbolizeEinsum(getEquation());
}

namespace {
/// Dimension names of an einsum form and its per-batch GEMM extents.
struct EinsumForm {
  SmallVector<StringRef, 3> a, b, d;
  StringRef m, n, k, batch;
};

EinsumForm einsumForm(Einsum e) {
  switch (e) {
  case Einsum::BHR_HDR_BHD:
    return {
        {"b", "h", "r"}, {"h", "d", "r"}, {"b", "h", "d"}, "b", "d", "r", "h"};
  case Einsum::BHD_HDR_BHR:
    return {
        {"b", "h", "d"}, {"h", "d", "r"}, {"b", "h", "r"}, "b", "r", "d", "h"};
  case Einsum::BHD_BHR_HDR:
    return {
        {"b", "h", "d"}, {"b", "h", "r"}, {"h", "d", "r"}, "d", "r", "b", "h"};
  case Einsum::BMK_BNK_MN:
    return {{"b", "m", "k"}, {"b", "n", "k"}, {"m", "n"}, "m", "n", "k", "b"};
  case Einsum::BMK_BNK_BMN:
    return {
        {"b", "m", "k"}, {"b", "n", "k"}, {"b", "m", "n"}, "m", "n", "k", "b"};
  }
  llvm_unreachable("unknown einsum");
}
} // namespace

LogicalResult BatchedGemmOp::verify() {
  Checker c(*this);
  Arg a = arg(getAMutable(), "a"), b = arg(getBMutable(), "b");
  Arg sfa = arg(getSfaMutable(), "sfa"), sfb = arg(getSfbMutable(), "sfb");
  Arg acc = arg(getCMutable(), "c"), d = arg(getDMutable(), "d");

  std::optional<Einsum> e = getEinsum();
  if (!e)
    return emitOpError() << "equation '" << getEquation()
                         << "' is not supported; expected one of "
                            "'bhr,hdr->bhd', 'bhd,hdr->bhr', 'bhd,bhr->hdr', "
                            "'bmk,bnk->mn', 'bmk,bnk->bmn'";
  if (failed(checkDataPair(c, a, b, /*allowFP4=*/false)))
    return failure();
  DataKind ka = classify(a.elem()), kb = classify(b.elem());
  if (*e == Einsum::BMK_BNK_MN && ka != DataKind::BF16)
    return c.error(a) << "has element type " << a.elem()
                      << "; equation 'bmk,bnk->mn' supports bf16 only";

  // Einsum letters are quoted in diagnostics: "operand #2 (d) has 'd' = 4".
  EinsumForm f = einsumForm(*e);
  llvm::StringMap<std::string> quoted;
  for (StringRef letter : {"b", "h", "r", "d", "m", "n", "k"})
    quoted[letter] = ("'" + letter + "'").str();
  auto q = [&](ArrayRef<StringRef> syms) {
    SmallVector<StringRef, 3> out;
    for (StringRef s : syms)
      out.push_back(quoted[s]);
    return out;
  };
  if (failed(checkMatrix(c, a, q(f.a))) || failed(checkMatrix(c, b, q(f.b))) ||
      failed(checkOutputs(c, d, acc, q(f.d), dimsText(q(f.d)))))
    return failure();

  Scaled sa{ka, sfa, getSfaRecipeAttr(), "sfa_recipe", "sfa"};
  Scaled sb{kb, sfb, getSfbRecipeAttr(), "sfb_recipe", "sfb"};
  int64_t batch = c.get(quoted[f.batch]), k = c.get(quoted[f.k]);
  if (failed(checkScalePresence(c, sa, sb)) ||
      failed(checkScaleTensor(c, sa, {batch}, c.get(quoted[f.m]), k,
                              quoted[f.k])) ||
      failed(
          checkScaleTensor(c, sb, {batch}, c.get(quoted[f.n]), k, quoted[f.k])))
    return failure();
  return success();
}

std::string BatchedGemmOp::getFamilyName() { return "batched_gemm"; }

void BatchedGemmOp::printSummary(raw_ostream &os) {
  os << "  equation: " << getEquation() << "\n";
  std::optional<Einsum> e = getEinsum();
  if (!e)
    return;
  EinsumForm f = einsumForm(*e);
  // Every einsum letter appears in a or b; take the first static extent.
  auto size = [&](StringRef sym) {
    for (auto [v, dims] :
         {std::make_pair(getA(), f.a), std::make_pair(getB(), f.b),
          std::make_pair(getD(), f.d)})
      for (auto [i, s] : llvm::enumerate(dims))
        if (s == sym && !cast<MemRefType>(v.getType()).isDynamicDim(i))
          return cast<MemRefType>(v.getType()).getDimSize(i);
    return ShapedType::kDynamic;
  };
  printSizes(os, {{"batch", size(f.batch)},
                  {"M", size(f.m)},
                  {"N", size(f.n)},
                  {"K", size(f.k)}});
  printOperand(os, "a", getA());
  printOperand(os, "b", getB());
  printScale(os, "sfa", getSfa(), getSfaRecipe());
  printScale(os, "sfb", getSfb(), getSfbRecipe());
  if (getC())
    printOperand(os, "c (accumulate)", getC());
  printOperand(os, "d", getD());
  printFlops(os, {{f.batch, size(f.batch)},
                  {f.m, size(f.m)},
                  {f.n, size(f.n)},
                  {f.k, size(f.k)}});
}

//===----------------------------------------------------------------------===//
// MqaLogitsOp / PagedMqaLogitsOp
//===----------------------------------------------------------------------===//

namespace {
/// Shared element-type and head checks of both logits families.
/// `q` has H and D as its last two dimensions.
LogicalResult checkLogitsOperands(Checker &c, const Arg &q, const Arg &qScale,
                                  const Arg &kv, const Arg &kvScale,
                                  const Arg &logits) {
  auto fp8OrFp4 = [](Type t) {
    DataKind k = classify(t);
    return k == DataKind::FP8 || k == DataKind::FP4;
  };
  if (failed(c.elem(q, fp8OrFp4, "f8E4M3FN or f4E2M1FN")))
    return failure();
  if (kv.elem() != q.elem())
    return c.error(kv) << "has element type " << kv.elem()
                       << "; expected the element type of q, " << q.elem();
  bool fp4 = classify(q.elem()) == DataKind::FP4;
  unsigned rank = q.type().getRank();
  int64_t h = q.dim(rank - 2), d = q.dim(rank - 1);
  if (h != 16 && h != 32 && h != 64)
    return c.error(q) << "has " << dimStr(h)
                      << " heads; expected a static 16, 32 or 64";
  bool dOk = fp4 ? (d == 64 || d == 128) : (d == 32 || d == 64 || d == 128);
  if (!dOk)
    return c.error(q) << "has head dim " << dimStr(d) << "; "
                      << (fp4 ? "FP4 needs a static 64 or 128"
                              : "FP8 needs a static 32, 64 or 128");
  if (fp4 && !qScale)
    return c.error() << "has FP4 queries, which need a 'q_scale' operand (i32 "
                        "packed ue8m0, one per query head)";
  if (!fp4 && qScale)
    return c.error(qScale) << "is given but FP8 queries take no scale";
  if (qScale && failed(c.elem(qScale, isI32, "i32 (four packed ue8m0)")))
    return failure();
  if (failed(c.elem(kvScale, fp4 ? isI32 : isF32,
                    fp4 ? "i32 (four packed ue8m0) for FP4 keys"
                        : "f32 for FP8 keys")))
    return failure();
  return c.elem(logits, isOutputType, "bf16 or f32");
}
} // namespace

LogicalResult MqaLogitsOp::verify() {
  Checker c(*this);
  Arg q = arg(getQMutable(), "q"), qs = arg(getQScaleMutable(), "q_scale");
  Arg kv = arg(getKvMutable(), "kv"),
      kvs = arg(getKvScaleMutable(), "kv_scale");
  Arg w = arg(getWeightsMutable(), "weights");
  Arg ks = arg(getKsMutable(), "ks"), ke = arg(getKeMutable(), "ke");
  Arg out = arg(getLogitsMutable(), "logits");

  if (failed(c.layout(q, 3, "[S, H, D]")) ||
      failed(c.layout(kv, 2, "[SKV, D]")) ||
      failed(checkLogitsOperands(c, q, qs, kv, kvs, out)) ||
      failed(c.bindAll(q, {"S", "H", "D"})) ||
      failed(c.bindAll(kv, {"SKV", "D"})))
    return failure();
  if (qs &&
      (failed(c.layout(qs, 2, "[S, H]")) || failed(c.bindAll(qs, {"S", "H"}))))
    return failure();
  if (failed(c.layout(kvs, 1, "[SKV]")) || failed(c.bind(kvs, 0, "SKV")) ||
      failed(c.layout(w, 2, "[S, H]")) || failed(c.elem(w, isF32, "f32")) ||
      failed(c.bindAll(w, {"S", "H"})))
    return failure();
  for (const Arg &r : {ks, ke})
    if (failed(c.layout(r, 1, "[S]")) || failed(c.elem(r, isI32, "i32")) ||
        failed(c.bind(r, 0, "S")))
      return failure();
  if (failed(c.layout(out, 2, getCompressed() ? "[S, W]" : "[S, SKV]")) ||
      failed(c.bindAll(out, {"S", getCompressed() ? "" : "SKV"})))
    return failure();
  return success();
}

std::string MqaLogitsOp::getFamilyName() { return "mqa_logits"; }

void MqaLogitsOp::printSummary(raw_ostream &os) {
  auto qt = getQ().getType(), kvt = getKv().getType();
  printSizes(os, {{"S", qt.getDimSize(0)},
                  {"H", qt.getDimSize(1)},
                  {"D", qt.getDimSize(2)},
                  {"SKV", kvt.getDimSize(0)}});
  printOperand(os, "q", getQ());
  if (getQScale())
    printOperand(os, "q_scale", getQScale());
  printOperand(os, "kv", getKv());
  printOperand(os, "kv_scale", getKvScale());
  printOperand(os, "weights", getWeights());
  printOperand(os, "logits", getLogits());
  os << "  output: " << (getCompressed() ? "compressed" : "full")
     << (getCleanLogits() ? ", -inf outside ranges" : "") << "\n";
  printFlops(os, {{"sum(ke - ks)", ShapedType::kDynamic},
                  {"H", qt.getDimSize(1)},
                  {"D", qt.getDimSize(2)}});
}

LogicalResult PagedMqaLogitsOp::verify() {
  Checker c(*this);
  Arg q = arg(getQMutable(), "q"), qs = arg(getQScaleMutable(), "q_scale");
  Arg kv = arg(getKvMutable(), "kv"),
      kvs = arg(getKvScaleMutable(), "kv_scale");
  Arg w = arg(getWeightsMutable(), "weights");
  Arg lens = arg(getContextLensMutable(), "context_lens");
  Arg table = arg(getBlockTableMutable(), "block_table");
  Arg idx = arg(getIndicesMutable(), "indices");
  Arg out = arg(getLogitsMutable(), "logits");

  if (failed(c.layout(q, 4, "[B, next_n, H, D]")) ||
      failed(c.layout(kv, 3, "[num_blocks, BKV, D]")) ||
      failed(checkLogitsOperands(c, q, qs, kv, kvs, out)) ||
      failed(c.bindAll(q, {"B", "next_n", "H", "D"})) ||
      failed(c.bindAll(kv, {"num_blocks", "BKV", "D"})))
    return failure();
  int64_t nextN = q.dim(1), bkv = kv.dim(1);
  if (ShapedType::isDynamic(nextN) || nextN < 1)
    return c.error(q) << "has next_n = " << dimStr(nextN)
                      << " (dim 1); expected a static value >= 1";
  if (bkv != 32 && bkv != 64)
    return c.error(kv) << "has block size " << dimStr(bkv)
                       << " (dim 1); expected a static 32 or 64";
  if (qs && (failed(c.layout(qs, 3, "[B, next_n, H]")) ||
             failed(c.bindAll(qs, {"B", "next_n", "H"}))))
    return failure();
  if (failed(c.layout(kvs, 2, "[num_blocks, BKV]")) ||
      failed(c.bindAll(kvs, {"num_blocks", "BKV"})))
    return failure();
  // Query rows are (sequence, draft token) pairs: B * next_n.
  int64_t b = c.get("B");
  int64_t rows = ShapedType::isDynamic(b) ? b : b * nextN;
  if (failed(c.layout(w, 2, "[B * next_n, H]")) ||
      failed(c.elem(w, isF32, "f32")) ||
      failed(c.expect(w, 0, rows, "B * next_n")) ||
      failed(c.bind(w, 0, "B * next_n")) || failed(c.bind(w, 1, "H")))
    return failure();
  if (failed(c.layout(lens, 2, "[B, next_n]")) ||
      failed(c.elem(lens, isI32, "i32")) ||
      failed(c.bindAll(lens, {"B", "next_n"})) ||
      failed(c.layout(table, 2, "[B, max_blocks]")) ||
      failed(c.elem(table, isI32, "i32")) || failed(c.bind(table, 0, "B")))
    return failure();
  if (idx) {
    if (nextN != 1)
      return c.error(idx) << "is only allowed with next_n = 1 (varlen "
                             "decode); got next_n = "
                          << nextN;
    if (failed(c.layout(idx, 1, "[B]")) || failed(c.elem(idx, isI32, "i32")) ||
        failed(c.bind(idx, 0, "B")))
      return failure();
  }
  if (failed(c.layout(out, 2, "[B * next_n, max_context_len]")) ||
      failed(c.expect(out, 0, rows, "B * next_n")) ||
      failed(c.bind(out, 0, "B * next_n")))
    return failure();
  return success();
}

std::string PagedMqaLogitsOp::getFamilyName() { return "paged_mqa_logits"; }

void PagedMqaLogitsOp::printSummary(raw_ostream &os) {
  auto qt = getQ().getType(), kvt = getKv().getType();
  printSizes(os, {{"B", qt.getDimSize(0)},
                  {"next_n", qt.getDimSize(1)},
                  {"H", qt.getDimSize(2)},
                  {"D", qt.getDimSize(3)},
                  {"BKV", kvt.getDimSize(1)},
                  {"num_blocks", kvt.getDimSize(0)}});
  printOperand(os, "q", getQ());
  if (getQScale())
    printOperand(os, "q_scale", getQScale());
  printOperand(os, "kv", getKv());
  printOperand(os, "kv_scale", getKvScale());
  printOperand(os, "weights", getWeights());
  printOperand(os, "block_table", getBlockTable());
  printOperand(os, "logits", getLogits());
  os << "  decode: " << (getIndices() ? "varlen" : "fixed next_n")
     << (getCleanLogits() ? ", -inf past context" : "") << "\n";
  printFlops(os, {{"sum(context_lens)", ShapedType::kDynamic},
                  {"H", qt.getDimSize(2)},
                  {"D", qt.getDimSize(3)}});
}

#define GET_OP_CLASSES
#include "sm120/Dialect/SM120/IR/SM120Ops.cpp.inc"

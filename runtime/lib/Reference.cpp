// CPU references: element decoders and encoders, host tensors and their
// random fills, output comparison, and the per-family reference kernels.
//
// A new kernel family adds one typed function (like
// referenceFixtureFp8Tile) and one entry in referenceKernels().

#include "sm120rt/Reference.hpp"
#include "Support.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

using namespace sm120rt;
using namespace sm120rt::detail;

//===----------------------------------------------------------------------===//
// Element formats
//===----------------------------------------------------------------------===//

float sm120rt::decodeF8E4M3(uint8_t bits) {
  float sign = (bits & 0x80) ? -1.0f : 1.0f;
  int exponent = (bits >> 3) & 0xf;
  int mantissa = bits & 0x7;
  if (exponent == 0xf && mantissa == 0x7)
    return std::numeric_limits<float>::quiet_NaN();
  if (exponent == 0) // subnormal: m/8 * 2^-6
    return sign * std::ldexp(static_cast<float>(mantissa), -9);
  return sign * std::ldexp(1.0f + mantissa / 8.0f, exponent - 7);
}

float sm120rt::decodeF8E8M0(uint8_t bits) {
  if (bits == 0xff)
    return std::numeric_limits<float>::quiet_NaN();
  return std::ldexp(1.0f, static_cast<int>(bits) - 127);
}

float sm120rt::decodeBF16(uint16_t bits) {
  uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, sizeof(value));
  return value;
}

float sm120rt::decodeF16(uint16_t bits) {
  float sign = (bits & 0x8000) ? -1.0f : 1.0f;
  int exponent = (bits >> 10) & 0x1f;
  int mantissa = bits & 0x3ff;
  if (exponent == 0x1f)
    return mantissa ? std::numeric_limits<float>::quiet_NaN()
                    : sign * std::numeric_limits<float>::infinity();
  if (exponent == 0)
    return sign * std::ldexp(static_cast<float>(mantissa), -24);
  return sign * std::ldexp(1.0f + mantissa / 1024.0f, exponent - 15);
}

float sm120rt::decodeF4E2M1(uint8_t nibble) {
  float sign = (nibble & 0x8) ? -1.0f : 1.0f;
  int exponent = (nibble >> 1) & 0x3;
  int mantissa = nibble & 0x1;
  if (exponent == 0)
    return sign * 0.5f * mantissa;
  return sign * std::ldexp(1.0f + mantissa / 2.0f, exponent - 1);
}

namespace {
/// Nearest code in [0, maxCode] (codes ordered by magnitude), ties to the
/// even code: round-to-nearest-even for the narrow formats.
template <typename Decode>
uint8_t nearestCode(float magnitude, uint8_t maxCode, Decode decode) {
  uint8_t best = 0;
  float bestError = std::numeric_limits<float>::infinity();
  for (int code = 0; code <= maxCode; ++code) {
    float error = std::fabs(decode(static_cast<uint8_t>(code)) - magnitude);
    if (error < bestError || (error == bestError && code % 2 == 0)) {
      best = static_cast<uint8_t>(code);
      bestError = error;
    }
  }
  return best;
}
} // namespace

uint8_t sm120rt::encodeF8E4M3(float value) {
  if (std::isnan(value))
    return 0x7f;
  uint8_t sign = std::signbit(value) ? 0x80 : 0x00;
  return sign | nearestCode(std::fabs(value), 0x7e, decodeF8E4M3);
}

uint8_t sm120rt::encodeF4E2M1(float value) {
  uint8_t sign = std::signbit(value) ? 0x8 : 0x0;
  return sign | nearestCode(std::fabs(value), 0x7, decodeF4E2M1);
}

uint16_t sm120rt::encodeBF16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  if (std::isnan(value))
    return static_cast<uint16_t>((bits >> 16) | 0x0040);
  bits += 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>(bits >> 16);
}

uint16_t sm120rt::encodeF16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  uint32_t magnitude = bits & 0x7fffffff;
  if (magnitude > 0x7f800000)
    return sign | 0x7e00;
  if (magnitude >= 0x477ff000) // rounds to >= 65520: infinity
    return sign | 0x7c00;
  if (magnitude < 0x38800000) { // below 2^-14: subnormal, units of 2^-24
    double units =
        std::nearbyint(std::fabs(static_cast<double>(value)) * 16777216.0);
    return sign | static_cast<uint16_t>(units);
  }
  uint32_t mantissa = magnitude & 0x7fffff;
  uint32_t exponent = (magnitude >> 23) - 127 + 15;
  uint32_t half = (exponent << 10) | (mantissa >> 13);
  uint32_t rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half; // may carry into the exponent, which is still correct
  return sign | static_cast<uint16_t>(half);
}

//===----------------------------------------------------------------------===//
// Host tensors
//===----------------------------------------------------------------------===//

int64_t HostTensor::numElements() const {
  int64_t count = 1;
  for (int64_t size : sizes)
    count *= size;
  return count;
}

int64_t HostTensor::offsetOf(const int64_t *index) const {
  int64_t offset = 0;
  for (int d = 0; d < rank(); ++d)
    offset += index[d] * strides[d];
  return offset;
}

namespace {
/// `offset` as an index whose element lies in `t`'s bytes; throws
/// std::out_of_range otherwise (sizes that disagree between tensors, which
/// the harness reports).
size_t checkedOffset(const HostTensor &t, int64_t offset) {
  int bits = dtypeBits(t.dtype);
  if (offset < 0 || static_cast<uint64_t>(offset) >= t.bytes.size() * 8 / bits)
    throw std::out_of_range(cat("tensor '", t.name, "': element ", offset,
                                " is outside its ", t.bytes.size() * 8 / bits,
                                " elements"));
  return static_cast<size_t>(offset);
}
} // namespace

uint32_t HostTensor::getBits(int64_t offset) const {
  size_t o = checkedOffset(*this, offset);
  switch (dtype) {
  case DType::F4E2M1:
    return (bytes[o / 2] >> (4 * (o % 2))) & 0xf;
  case DType::F8E4M3:
  case DType::F8E8M0:
  case DType::U8:
    return bytes[o];
  case DType::BF16:
  case DType::F16: {
    uint16_t v;
    std::memcpy(&v, &bytes[o * 2], sizeof(v));
    return v;
  }
  case DType::F32:
  case DType::I32: {
    uint32_t v;
    std::memcpy(&v, &bytes[o * 4], sizeof(v));
    return v;
  }
  }
  return 0;
}

void HostTensor::setBits(int64_t offset, uint32_t bits) {
  size_t o = checkedOffset(*this, offset);
  switch (dtype) {
  case DType::F4E2M1: {
    int shift = 4 * (o % 2);
    bytes[o / 2] = static_cast<uint8_t>((bytes[o / 2] & ~(0xf << shift)) |
                                        ((bits & 0xf) << shift));
    return;
  }
  case DType::F8E4M3:
  case DType::F8E8M0:
  case DType::U8:
    bytes[o] = static_cast<uint8_t>(bits);
    return;
  case DType::BF16:
  case DType::F16: {
    uint16_t v = static_cast<uint16_t>(bits);
    std::memcpy(&bytes[o * 2], &v, sizeof(v));
    return;
  }
  case DType::F32:
  case DType::I32:
    std::memcpy(&bytes[o * 4], &bits, sizeof(bits));
    return;
  }
}

float HostTensor::get(int64_t offset) const {
  uint32_t bits = getBits(offset);
  switch (dtype) {
  case DType::F8E4M3:
    return decodeF8E4M3(static_cast<uint8_t>(bits));
  case DType::F4E2M1:
    return decodeF4E2M1(static_cast<uint8_t>(bits));
  case DType::F8E8M0:
    return decodeF8E8M0(static_cast<uint8_t>(bits));
  case DType::BF16:
    return decodeBF16(static_cast<uint16_t>(bits));
  case DType::F16:
    return decodeF16(static_cast<uint16_t>(bits));
  case DType::F32: {
    float v;
    std::memcpy(&v, &bits, sizeof(v));
    return v;
  }
  case DType::I32:
    return static_cast<float>(static_cast<int32_t>(bits));
  case DType::U8:
    return static_cast<float>(bits);
  }
  return std::numeric_limits<float>::quiet_NaN();
}

void HostTensor::forEachElement(
    const std::function<void(int64_t offset)> &visit) const {
  if (sizes.empty() || numElements() == 0)
    return;
  std::vector<int64_t> index(sizes.size(), 0);
  int64_t offset = 0;
  while (true) {
    visit(offset);
    int d = rank() - 1;
    for (; d >= 0; --d) {
      offset += strides[d];
      if (++index[d] < sizes[d])
        break;
      offset -= strides[d] * sizes[d];
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}

Expected<HostTensor>
sm120rt::makeHostTensor(const TensorSpec &spec,
                        const std::vector<int64_t> &sizes) {
  if (static_cast<int>(sizes.size()) != spec.rank())
    return makeError(Code::InvalidArgument,
                     cat("tensor '", spec.name, "': ", sizes.size(),
                         " sizes given for rank ", spec.rank()));
  for (int d = 0; d < spec.rank(); ++d) {
    if (sizes[d] < 1)
      return makeError(Code::InvalidArgument,
                       cat("tensor '", spec.name, "': dim ", d, " is ",
                           sizes[d], "; sizes must be positive"));
    if (spec.shape[d] != -1 && sizes[d] != spec.shape[d])
      return makeError(Code::InvalidArgument,
                       cat("tensor '", spec.name, "': dim ", d, " is ",
                           sizes[d], "; the bundle was compiled for ",
                           spec.shape[d]));
  }
  HostTensor t;
  t.name = spec.name;
  t.dtype = spec.dtype;
  t.sizes = sizes;
  t.strides.assign(sizes.size(), 0);
  const int bits = dtypeBits(spec.dtype);
  // Layout order, innermost first: contiguous_dim, then the others from
  // the last dimension to the first.
  std::vector<int> order = {spec.contiguousDim};
  for (int d = spec.rank() - 1; d >= 0; --d)
    if (d != spec.contiguousDim)
      order.push_back(d);
  const int64_t kMaxElements = int64_t(1) << 40;
  int64_t stride = 1;
  for (size_t k = 0; k < order.size(); ++k) {
    int d = order[k];
    t.strides[d] = stride;
    int64_t extent = sizes[d];
    if (k == 0 && order.size() > 1) {
      int64_t perRow = 128 / bits; // elements in 16 bytes
      extent = (extent + perRow - 1) / perRow * perRow;
    }
    if (extent > kMaxElements / stride)
      return makeError(
          Code::InvalidArgument,
          cat("tensor '", spec.name, "' is too large for a host buffer"));
    stride *= extent;
  }
  t.bytes.assign(static_cast<size_t>((stride * bits + 7) / 8), 0);
  return t;
}

namespace {
/// Uniform draws over SplitMix64.
class Rng : public SplitMix64 {
public:
  using SplitMix64::SplitMix64;
  int64_t uniformInt(int64_t lo, int64_t hi) {
    return lo +
           static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  float uniform(float lo, float hi) {
    return lo + (hi - lo) * static_cast<float>((next() >> 40) * 0x1p-24);
  }
};
} // namespace

void sm120rt::fillRandom(HostTensor &t, const FillOptions &options,
                         uint64_t salt) {
  Rng rng(options.seed * 0x2545f4914f6cdd1dull + salt);
  auto smallInt = [&] { return static_cast<float>(rng.uniformInt(-4, 4)); };
  t.forEachElement([&](int64_t offset) {
    uint32_t bits = 0;
    switch (t.dtype) {
    case DType::F8E4M3:
      if (options.smallInt) {
        bits = encodeF8E4M3(smallInt());
      } else {
        do
          bits = static_cast<uint32_t>(rng.next() & 0xff);
        while ((bits & 0x7f) == 0x7f);
      }
      break;
    case DType::F4E2M1:
      bits = options.smallInt ? encodeF4E2M1(smallInt())
                              : static_cast<uint32_t>(rng.next() & 0xf);
      break;
    case DType::F8E8M0:
      bits = static_cast<uint32_t>(
          rng.uniformInt(options.scaleExpMin, options.scaleExpMax));
      break;
    case DType::BF16:
      bits = encodeBF16(options.smallInt ? smallInt() : rng.uniform(-1, 1));
      break;
    case DType::F16:
      bits = encodeF16(options.smallInt ? smallInt() : rng.uniform(-1, 1));
      break;
    case DType::F32: {
      float v = options.smallInt ? smallInt() : rng.uniform(-1, 1);
      std::memcpy(&bits, &v, sizeof(bits));
      break;
    }
    case DType::I32:
      bits = static_cast<uint32_t>(
          static_cast<int32_t>(options.smallInt ? rng.uniformInt(-4, 4)
                                                : rng.uniformInt(-100, 100)));
      break;
    case DType::U8:
      bits = static_cast<uint32_t>(rng.next() & 0xff);
      break;
    }
    t.setBits(offset, bits);
  });
}

void sm120rt::fillPoison(HostTensor &t) {
  std::fill(t.bytes.begin(), t.bytes.end(), 0xff);
}

Expected<Comparison> sm120rt::compareTensors(const HostTensor &got,
                                             const HostTensor &ref) {
  if (got.dtype != ref.dtype || got.sizes != ref.sizes)
    return makeError(Code::InvalidArgument,
                     cat("cannot compare tensor '", got.name, "' (",
                         dtypeName(got.dtype), " ", joinList(got.sizes),
                         ") with '", ref.name, "' (", dtypeName(ref.dtype), " ",
                         joinList(ref.sizes), ")"));
  Comparison c;
  double sumXY = 0, sumSquares = 0;
  std::vector<int64_t> index(got.sizes.size(), 0);
  const int64_t count = got.numElements();
  for (int64_t n = 0; n < count; ++n) {
    double x = got.get(got.offsetOf(index.data()));
    double y = ref.get(ref.offsetOf(index.data()));
    ++c.elements;
    if (!(x == y))
      ++c.mismatches;
    if (!std::isfinite(x))
      ++c.nonFinite;
    if (std::isfinite(y))
      c.maxAbsRef = std::max(c.maxAbsRef, std::fabs(y));
    if (std::isfinite(x) && std::isfinite(y)) {
      c.maxAbsError = std::max(c.maxAbsError, std::fabs(x - y));
      sumXY += x * y;
      sumSquares += x * x + y * y;
    }
    for (int d = got.rank() - 1; d >= 0; --d) {
      if (++index[d] < got.sizes[d])
        break;
      index[d] = 0;
    }
  }
  if (c.maxAbsRef > 0)
    c.maxRelError = c.maxAbsError / c.maxAbsRef;
  else if (c.maxAbsError > 0)
    c.maxRelError = std::numeric_limits<double>::infinity();
  c.diff = sumSquares > 0 ? 1.0 - 2.0 * sumXY / sumSquares : 0.0;
  return c;
}

//===----------------------------------------------------------------------===//
// Kernel families
//===----------------------------------------------------------------------===//

namespace {

Status expectTensor(const char *family, const HostTensor &t, DType dtype,
                    const std::vector<int64_t> &sizes) {
  if (t.dtype != dtype || t.sizes != sizes)
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: tensor '", t.name, "' is ",
                         dtypeName(t.dtype), " ", joinList(t.sizes),
                         "; expected ", dtypeName(dtype), " ",
                         joinList(sizes)));
  return Status::success();
}

/// The tensors named `names`, in that order, from the manifest's list.
Expected<std::vector<HostTensor *>>
tensorsByName(const char *family, const Manifest &m,
              std::vector<HostTensor> &tensors,
              std::initializer_list<const char *> names) {
  std::vector<HostTensor *> found;
  for (const char *name : names) {
    int i = m.findTensor(name);
    if (i < 0 || static_cast<size_t>(i) >= tensors.size())
      return makeError(
          Code::InvalidArgument,
          cat(family, " reference needs a tensor named '", name, "'"));
    found.push_back(&tensors[i]);
  }
  return found;
}

Status computeFixtureFp8Tile(const Manifest &m,
                             std::vector<HostTensor> &tensors) {
  Expected<std::vector<HostTensor *>> t = tensorsByName(
      "fixture_fp8_tile", m, tensors, {"a", "b", "sfa", "sfb", "d"});
  if (!t)
    return t.error();
  std::vector<HostTensor *> &v = *t;
  return referenceFixtureFp8Tile(*v[0], *v[1], *v[2], *v[3], *v[4]);
}

double flopsFixtureFp8Tile(const Manifest &m,
                           const std::vector<HostTensor> &tensors) {
  int a = m.findTensor("a"), b = m.findTensor("b");
  if (a < 0 || b < 0 || tensors[a].rank() != 2 || tensors[b].rank() != 2)
    return 0;
  return 2.0 * tensors[a].sizes[0] * tensors[b].sizes[0] * tensors[a].sizes[1];
}

/// Reads problem.sfa / problem.sfb ({"format", "mn", "k", "packed"}) and
/// problem.a_major / b_major ("k" or "mn") of a gemm manifest.
Expected<std::optional<ScaleRecipe>> recipeFromProblem(const nlohmann::json &p,
                                                       const char *key) {
  if (!p.contains(key))
    return std::optional<ScaleRecipe>();
  const nlohmann::json &r = p[key];
  ScaleRecipe recipe;
  std::string format = r.value("format", "");
  if (std::optional<ScaleRecipe::Format> f = parseScaleFormat(format))
    recipe.format = *f;
  else
    return makeError(Code::InvalidArgument,
                     cat("gemm reference: problem.", key, ".format is '",
                         format, "'; expected ue8m0, ue4m3 or f32"));
  recipe.mn = r.value("mn", int64_t(1));
  recipe.k = r.value("k", int64_t(128));
  recipe.packed = r.value("packed", false);
  if (recipe.mn < 1 || recipe.k < 1)
    return makeError(Code::InvalidArgument,
                     cat("gemm reference: problem.", key,
                         " granularities must be positive"));
  return std::optional<ScaleRecipe>(recipe);
}

/// Both operands' recipes from problem.sfa / problem.sfb.
Status readRecipes(const nlohmann::json &problem, GemmOperand &a,
                   GemmOperand &b) {
  for (auto [op, key] :
       {std::pair<GemmOperand *, const char *>{&a, "sfa"}, {&b, "sfb"}}) {
    Expected<std::optional<ScaleRecipe>> r = recipeFromProblem(problem, key);
    if (!r)
      return r.error();
    op->recipe = *r;
  }
  return Status::success();
}

/// The manifest's tensor named `name`, or null.
HostTensor *findTensor(const Manifest &m, std::vector<HostTensor> &tensors,
                       const char *name) {
  int i = m.findTensor(name);
  return i < 0 ? nullptr : &tensors[i];
}

/// The GEMM operands a, b (with their scales, majorness and recipes) and d
/// of a GEMM-like family's tensors.
Status readOperands(const Manifest &m, std::vector<HostTensor> &tensors,
                    const nlohmann::json &problem, const char *family,
                    GemmOperand &a, GemmOperand &b, HostTensor *&d) {
  a = {findTensor(m, tensors, "a"),
       problem.value("a_major", "k") == "k",
       findTensor(m, tensors, "sfa"),
       {}};
  b = {findTensor(m, tensors, "b"),
       problem.value("b_major", "k") == "k",
       findTensor(m, tensors, "sfb"),
       {}};
  d = findTensor(m, tensors, "d");
  if (!a.data || !b.data || !d)
    return makeError(Code::InvalidArgument,
                     cat(family, " reference needs tensors named 'a', 'b' and "
                                 "'d'"));
  return readRecipes(problem, a, b);
}

Status computeGemm(const Manifest &m, std::vector<HostTensor> &tensors) {
  nlohmann::json problem;
  try {
    problem = nlohmann::json::parse(m.problemJson);
  } catch (const nlohmann::json::exception &e) {
    return makeError(Code::InvalidArgument,
                     cat("gemm reference: bad problem JSON: ", e.what()));
  }
  GemmOperand opA, opB;
  HostTensor *d = nullptr;
  if (Status s = readOperands(m, tensors, problem, "gemm", opA, opB, d); !s)
    return s;
  return referenceGemm(opA, opB, findTensor(m, tensors, "c"), *d,
                       findTensor(m, tensors, "alpha"));
}

/// Packed UE8M0 scale tensors get four exponents per int32 from the scale
/// range (small-integer runs keep them within 2^±2 so products stay exact).
/// UE4M3 scales are unsigned: positive e4m3 with the exponent in the same
/// range (clamped to e4m3's normal exponents below its NaN), small-integer
/// runs 0.5 to 3 with one mantissa bit, so products stay exact.
void prepareGemm(const Manifest &m, std::vector<HostTensor> &tensors,
                 const FillOptions &options) {
  nlohmann::json problem =
      nlohmann::json::parse(m.problemJson, nullptr, /*allow_exceptions=*/false);
  if (problem.is_discarded())
    return;
  for (const char *key : {"sfa", "sfb"}) {
    int i = m.findTensor(key);
    if (i < 0 || !problem.contains(key))
      continue;
    HostTensor &t = tensors[i];
    Rng rng(options.seed * 0x9e3779b97f4a7c15ull + static_cast<uint64_t>(i));
    if (problem[key].value("format", "") == "ue4m3" &&
        t.dtype == DType::F8E4M3) {
      // e4m3 exponent field E: value 2^(E - 7) (1 + mantissa / 8).
      int lo = options.smallInt ? 6 : std::max(1, options.scaleExpMin - 120);
      int hi = options.smallInt ? 8 : std::min(14, options.scaleExpMax - 120);
      t.forEachElement([&](int64_t offset) {
        uint32_t e =
            static_cast<uint32_t>(rng.uniformInt(lo, std::max(lo, hi)));
        uint32_t mant = options.smallInt
                            ? 4 * static_cast<uint32_t>(rng.uniformInt(0, 1))
                            : static_cast<uint32_t>(rng.uniformInt(0, 7));
        t.setBits(offset, e << 3 | mant);
      });
      continue;
    }
    if (!problem[key].value("packed", false) || t.dtype != DType::I32)
      continue;
    int lo = options.smallInt ? 125 : options.scaleExpMin;
    int hi = options.smallInt ? 129 : options.scaleExpMax;
    t.forEachElement([&](int64_t offset) {
      uint32_t word = 0;
      for (int byte = 0; byte < 4; ++byte)
        word |= static_cast<uint32_t>(rng.uniformInt(lo, hi)) << (8 * byte);
      t.setBits(offset, word);
    });
  }
}

/// The acceptance bounds of the GEMM family: 0.001 for FP8 and BF16
/// operands, 0.01 when one operand is FP4, 0.02 when both are.
double maxDiffGemm(const Manifest &m) {
  int fp4 = 0;
  for (const char *name : {"a", "b"}) {
    int i = m.findTensor(name);
    if (i >= 0 && m.tensors[i].dtype == DType::F4E2M1)
      ++fp4;
  }
  return fp4 == 2 ? 0.02 : fp4 == 1 ? 0.01 : 0.001;
}

double flopsGemm(const Manifest &m, const std::vector<HostTensor> &tensors) {
  int a = m.findTensor("a"), d = m.findTensor("d");
  if (a < 0 || d < 0 || tensors[a].rank() != 2 || tensors[d].rank() != 2)
    return 0;
  // K is the dimension of A that is not M.
  int64_t rows = tensors[d].sizes[0];
  int64_t k =
      tensors[a].sizes[0] == rows ? tensors[a].sizes[1] : tensors[a].sizes[0];
  return 2.0 * rows * tensors[d].sizes[1] * k;
}

} // namespace

double sm120rt::gemmScale(const HostTensor &scale, const ScaleRecipe &recipe,
                          int64_t i, int64_t k) {
  int64_t granule = k / recipe.k;
  if (recipe.packed) {
    int64_t index[] = {granule / 4, i};
    uint32_t word = scale.getBits(scale.offsetOf(index));
    return decodeF8E8M0(static_cast<uint8_t>(word >> (8 * (granule % 4))));
  }
  int64_t index[] = {i / recipe.mn, granule};
  double value = scale.get(scale.offsetOf(index));
  if (recipe.format == ScaleRecipe::Format::F32 && std::isfinite(value) &&
      value != 0) {
    int exponent;
    std::frexp(std::fabs(value), &exponent); // |value| = f * 2^exponent
    return std::ldexp(1.0, exponent - 1);
  }
  return value;
}

Expected<HostTensor> sm120rt::packUe8m0Scales(const HostTensor &scale,
                                              const ScaleRecipe &recipe,
                                              int64_t mnSize, int64_t kSize) {
  if (recipe.format == ScaleRecipe::Format::UE4M3)
    return makeError(Code::InvalidArgument,
                     cat("scales '", scale.name,
                         "': UE4M3 scales are not powers of two; only UE8M0 "
                         "and FP32 recipes pack into UE8M0"));
  if (mnSize < 1 || kSize < 1 || recipe.mn < 1 || recipe.k < 1)
    return makeError(Code::InvalidArgument,
                     cat("scales '", scale.name, "': sizes [", mnSize, ", ",
                         kSize, "] and granularity (", recipe.mn, ", ",
                         recipe.k, ") must be positive"));
  int64_t granules = (kSize + recipe.k - 1) / recipe.k;
  std::vector<int64_t> need =
      recipe.packed ? std::vector<int64_t>{(granules + 3) / 4, mnSize}
                    : std::vector<int64_t>{(mnSize + recipe.mn - 1) / recipe.mn,
                                           granules};
  if (scale.rank() != 2 || scale.sizes[0] < need[0] || scale.sizes[1] < need[1])
    return makeError(Code::InvalidArgument,
                     cat("scales '", scale.name, "' need at least [", need[0],
                         ", ", need[1], "] for an operand of [", mnSize, ", ",
                         kSize, "]; got rank ", scale.rank()));
  if (recipe.packed && recipe.mn != 1)
    return makeError(Code::InvalidArgument,
                     cat("scales '", scale.name,
                         "': packed UE8M0 scales have mn = 1; got ",
                         recipe.mn));

  HostTensor out;
  out.name = scale.name;
  out.dtype = DType::I32;
  int64_t rows = (mnSize + 3) / 4 * 4;
  out.sizes = {(granules + 3) / 4, rows};
  out.strides = {rows, 1};
  out.bytes.assign(out.sizes[0] * rows * 4, 0);
  for (int64_t w = 0; w < out.sizes[0]; ++w)
    for (int64_t i = 0; i < rows; ++i) {
      uint32_t word = 0;
      for (int64_t j = 0; j < 4; ++j) {
        int64_t g = 4 * w + j;
        uint32_t e = 127;
        if (i < mnSize && g < granules) {
          if (recipe.packed) {
            int64_t index[] = {w, i};
            e = (scale.getBits(scale.offsetOf(index)) >> (8 * j)) & 0xff;
          } else if (recipe.format == ScaleRecipe::Format::UE8M0) {
            int64_t index[] = {i / recipe.mn, g};
            e = scale.getBits(scale.offsetOf(index)) & 0xff;
          } else {
            int64_t index[] = {i / recipe.mn, g};
            double v = scale.get(scale.offsetOf(index));
            int exponent = 0;
            if (std::isfinite(v) && v != 0)
              std::frexp(std::fabs(v), &exponent);
            int biased = exponent - 1 + 127;
            if (!std::isfinite(v) || v == 0 || biased < 0 || biased > 254)
              return makeError(
                  Code::InvalidArgument,
                  cat("scales '", scale.name, "': element [", i / recipe.mn,
                      ", ", g, "] = ", v,
                      " has no UE8M0 exponent (it must be finite, nonzero, "
                      "within 2^-127 .. 2^127)"));
            e = static_cast<uint32_t>(biased);
          }
        }
        word |= e << (8 * j);
      }
      int64_t index[] = {w, i};
      out.setBits(out.offsetOf(index), word);
    }
  return out;
}

/// Runs work(t) for t in [0, threads): t = 0 on this thread, the others on
/// their own. An exception in any of them (a tensor index out of range) is
/// rethrown here once all have finished.
static void runPool(int64_t threads, const std::function<void(int64_t)> &work) {
  std::vector<std::exception_ptr> errors(static_cast<size_t>(threads));
  auto guarded = [&](int64_t t) {
    try {
      work(t);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int64_t t = 1; t < threads; ++t)
    pool.emplace_back(guarded, t);
  guarded(0);
  for (std::thread &th : pool)
    th.join();
  for (const std::exception_ptr &e : errors)
    if (e)
      std::rethrow_exception(e);
}

/// Runs body(i) for i in [0, rows) on the machine's cores, in contiguous
/// blocks (large GEMM references take minutes on one core).
static void parallelRows(int64_t rows,
                         const std::function<void(int64_t)> &body) {
  int64_t threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<int64_t>(threads, std::max<int64_t>(1, rows / 4));
  int64_t per = (rows + threads - 1) / threads;
  runPool(threads, [&](int64_t t) {
    for (int64_t i = t * per; i < std::min(rows, (t + 1) * per); ++i)
      body(i);
  });
}

/// Runs body(begin, end) over contiguous blocks of [0, count), one per
/// core.
static void parallelRanges(int64_t count,
                           const std::function<void(int64_t, int64_t)> &body) {
  int64_t threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<int64_t>(threads, std::max<int64_t>(1, count));
  int64_t per = (count + threads - 1) / threads;
  runPool(threads, [&](int64_t t) {
    if (t * per < count)
      body(t * per, std::min(count, (t + 1) * per));
  });
}

Status sm120rt::referenceGemm(const GemmOperand &a, const GemmOperand &b,
                              const HostTensor *c, HostTensor &d,
                              const HostTensor *alpha) {
  const char *family = "gemm";
  if (!a.data || !b.data || a.data->rank() != 2 || b.data->rank() != 2 ||
      d.rank() != 2)
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: a, b and d must have rank 2"));
  const int64_t M = d.sizes[0], N = d.sizes[1];
  const int64_t K = a.kMajor ? a.data->sizes[1] : a.data->sizes[0];
  auto checkOperand = [&](const GemmOperand &op, const char *name,
                          int64_t mn) -> Status {
    int64_t rows = op.kMajor ? op.data->sizes[0] : op.data->sizes[1];
    int64_t cols = op.kMajor ? op.data->sizes[1] : op.data->sizes[0];
    if (rows != mn || cols != K)
      return makeError(Code::InvalidArgument,
                       cat(family, " reference: operand ", name, " is ",
                           joinList(op.data->sizes), "; expected ",
                           op.kMajor ? "[MN, K] = " : "[K, MN] = ",
                           joinList(op.kMajor ? std::vector<int64_t>{mn, K}
                                              : std::vector<int64_t>{K, mn})));
    if (op.recipe.has_value() != (op.scale != nullptr))
      return makeError(Code::InvalidArgument,
                       cat(family, " reference: operand ", name,
                           " needs both a scale tensor and a recipe, or "
                           "neither"));
    return Status::success();
  };
  if (Status s = checkOperand(a, "a", M); !s)
    return s;
  if (Status s = checkOperand(b, "b", N); !s)
    return s;
  if (d.dtype != DType::F32 && d.dtype != DType::BF16)
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: d is ", dtypeName(d.dtype),
                         "; expected f32 or bf16"));
  if (c)
    if (Status s = expectTensor(family, *c, DType::F32, {M, N}); !s)
      return s;
  float scale = 1;
  if (alpha) {
    if (Status s = expectTensor(family, *alpha, DType::F32, {1}); !s)
      return s;
    scale = alpha->get(0);
  }

  // Dequantize each operand once as doubles, padded with zero rows to
  // whole register tiles: A as [M][K], B as [N / kCols][K][kCols] (a K
  // step of a register tile reads kCols adjacent doubles).
  constexpr int64_t kRows = 4, kCols = 4;
  auto dequantize = [&](const GemmOperand &op, int64_t mn, int64_t tile,
                        bool packed) {
    std::vector<double> out(
        static_cast<size_t>((mn + tile - 1) / tile * tile * K));
    parallelRows(mn, [&](int64_t i) {
      // A scale covers recipe.k elements of K: look it up once per granule.
      double scale = 1;
      int64_t granule = -1;
      for (int64_t k = 0; k < K; ++k) {
        int64_t index[2] = {op.kMajor ? i : k, op.kMajor ? k : i};
        double v = op.data->get(op.data->offsetOf(index));
        if (op.recipe) {
          if (k / op.recipe->k != granule) {
            granule = k / op.recipe->k;
            scale = gemmScale(*op.scale, *op.recipe, i, k);
          }
          v *= scale;
        }
        out[packed ? ((i / tile) * K + k) * tile + i % tile : i * K + k] = v;
      }
    });
    return out;
  };
  std::vector<double> A = dequantize(a, M, kRows, false),
                      B = dequantize(b, N, kCols, true);
  // Each element sums its products in K order from 0, as one loop would;
  // the blocking only keeps the operands in cache: per thread's rows, a
  // panel of B (kPanel columns x kChunk of K) serves every row tile, and
  // the partial sums wait in `sums` between chunks.
  constexpr int64_t kChunk = 1024, kPanel = 64;
  const int64_t mTiles = (M + kRows - 1) / kRows;
  const int64_t nPad = (N + kCols - 1) / kCols * kCols;
  std::vector<double> sums(static_cast<size_t>(mTiles * kRows * nPad));
  parallelRanges(mTiles, [&](int64_t t0, int64_t t1) {
    for (int64_t k0 = 0; k0 < K; k0 += kChunk) {
      int64_t k1 = std::min(K, k0 + kChunk);
      for (int64_t p0 = 0; p0 < nPad; p0 += kPanel)
        for (int64_t t = t0; t < t1; ++t)
          for (int64_t j0 = p0; j0 < std::min(nPad, p0 + kPanel); j0 += kCols) {
            double acc[kRows][kCols];
            for (int64_t r = 0; r < kRows; ++r)
              for (int64_t c = 0; c < kCols; ++c)
                acc[r][c] = sums[(t * kRows + r) * nPad + j0 + c];
            const double *a0 = &A[t * kRows * K];
            const double *b0 = &B[j0 * K];
            for (int64_t k = k0; k < k1; ++k)
              for (int64_t r = 0; r < kRows; ++r)
                for (int64_t c = 0; c < kCols; ++c)
                  acc[r][c] += a0[r * K + k] * b0[k * kCols + c];
            for (int64_t r = 0; r < kRows; ++r)
              for (int64_t c = 0; c < kCols; ++c)
                sums[(t * kRows + r) * nPad + j0 + c] = acc[r][c];
          }
    }
  });
  parallelRows(M, [&](int64_t i) {
    for (int64_t j = 0; j < N; ++j) {
      int64_t index[] = {i, j};
      // The kernel accumulates in FP32, scales by alpha and adds C in
      // FP32.
      float out = static_cast<float>(sums[i * nPad + j]);
      if (alpha)
        out *= scale;
      if (c)
        out += c->get(c->offsetOf(index));
      uint32_t bits;
      if (d.dtype == DType::BF16) {
        bits = encodeBF16(out);
      } else {
        std::memcpy(&bits, &out, sizeof(bits));
      }
      d.setBits(d.offsetOf(index), bits);
    }
  });
  return Status::success();
}

Status sm120rt::referenceFixtureFp8Tile(const HostTensor &a,
                                        const HostTensor &b,
                                        const HostTensor &sfa,
                                        const HostTensor &sfb, HostTensor &d) {
  const char *family = "fixture_fp8_tile";
  if (a.rank() != 2 || b.rank() != 2)
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: a and b must have rank 2"));
  const int64_t M = a.sizes[0], K = a.sizes[1], N = b.sizes[0];
  if (Status s = expectTensor(family, a, DType::F8E4M3, {M, K}); !s)
    return s;
  if (Status s = expectTensor(family, b, DType::F8E4M3, {N, K}); !s)
    return s;
  if (Status s = expectTensor(family, sfa, DType::F8E8M0, {M}); !s)
    return s;
  if (Status s = expectTensor(family, sfb, DType::F8E8M0, {N}); !s)
    return s;
  if (Status s = expectTensor(family, d, DType::F32, {M, N}); !s)
    return s;

  // Decode once; products of e4m3 values are exact in double.
  std::vector<double> A(static_cast<size_t>(M * K)),
      B(static_cast<size_t>(N * K));
  for (int64_t i = 0; i < M; ++i)
    for (int64_t k = 0; k < K; ++k) {
      int64_t index[] = {i, k};
      A[i * K + k] = a.get(a.offsetOf(index));
    }
  for (int64_t j = 0; j < N; ++j)
    for (int64_t k = 0; k < K; ++k) {
      int64_t index[] = {j, k};
      B[j * K + k] = b.get(b.offsetOf(index));
    }
  for (int64_t i = 0; i < M; ++i) {
    double scaleA = sfa.get(i * sfa.strides[0]);
    for (int64_t j = 0; j < N; ++j) {
      double sum = 0;
      for (int64_t k = 0; k < K; ++k)
        sum += A[i * K + k] * B[j * K + k];
      double scaleB = sfb.get(j * sfb.strides[0]);
      float out = static_cast<float>(scaleA * scaleB * sum);
      uint32_t bits;
      std::memcpy(&bits, &out, sizeof(bits));
      int64_t index[] = {i, j};
      d.setBits(d.offsetOf(index), bits);
    }
  }
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Grouped GEMM
//===----------------------------------------------------------------------===//

namespace {

/// A zeroed row-major host tensor.
HostTensor hostMatrix(const std::string &name, DType dtype,
                      std::vector<int64_t> sizes) {
  TensorSpec spec{name, dtype, sizes, static_cast<int>(sizes.size()) - 1};
  return makeHostTensor(spec, sizes).take();
}

/// The rank-2 matrix `g` of a rank-3 tensor along `dim` (0: t[g]; 1:
/// t[:, g, :]).
HostTensor groupSlice(const HostTensor &t, int64_t g, int dim = 0) {
  int rows = dim == 0 ? 1 : 0;
  HostTensor out = hostMatrix(t.name, t.dtype, {t.sizes[rows], t.sizes[2]});
  for (int64_t i = 0; i < t.sizes[rows]; ++i)
    for (int64_t j = 0; j < t.sizes[2]; ++j) {
      int64_t from[] = {i, i, j}, to[] = {i, j};
      from[dim] = g;
      out.setBits(out.offsetOf(to), t.getBits(t.offsetOf(from)));
    }
  return out;
}

/// Rows `rows` of a rank-2 tensor (or of matrix `group` of a rank-3 one)
/// along `dim` (0: rows; 1: columns, for packed scales, padded to a
/// multiple of 4 with scale-1 words).
HostTensor selectRows(const HostTensor &t, const std::vector<int64_t> &rows,
                      int dim, int64_t group = -1) {
  int base = group < 0 ? 0 : 1;
  int64_t count = static_cast<int64_t>(rows.size());
  std::vector<int64_t> sizes = {t.sizes[base], t.sizes[base + 1]};
  sizes[dim] = dim == 1 ? align4(count) : count;
  HostTensor out = hostMatrix(t.name, t.dtype, sizes);
  if (dim == 1)
    out.forEachElement([&](int64_t o) { out.setBits(o, 0x7f7f7f7fu); });
  for (int64_t r = 0; r < count; ++r)
    for (int64_t j = 0; j < t.sizes[base + 1 - dim]; ++j) {
      // Matrix indices in from[1..2]; a rank-3 index starts at the group.
      int64_t from[3] = {group, 0, 0}, to[2];
      from[1 + dim] = rows[r];
      to[dim] = r;
      from[2 - dim] = to[1 - dim] = j;
      out.setBits(out.offsetOf(to), t.getBits(t.offsetOf(from + 1 - base)));
    }
  return out;
}

/// The first `count` rows (along `dim`, as selectRows) of matrix `g` of a
/// rank-3 tensor.
HostTensor groupPrefix(const HostTensor &t, int64_t g, int64_t count, int dim) {
  std::vector<int64_t> rows(static_cast<size_t>(count));
  std::iota(rows.begin(), rows.end(), int64_t(0));
  return selectRows(t, rows, dim, g);
}

/// referenceGemm over one group's (or head's) slices of the operands, with
/// the recipes and B's majorness of the whole problem.
Status sliceGemm(const GemmOperand &a, const GemmOperand &b,
                 const HostTensor &ag, const std::optional<HostTensor> &sag,
                 const HostTensor &bg, const std::optional<HostTensor> &sbg,
                 const std::optional<HostTensor> &cg, HostTensor &dg) {
  GemmOperand opA{&ag, true, sag ? &*sag : nullptr, a.recipe};
  GemmOperand opB{&bg, b.kMajor, sbg ? &*sbg : nullptr, b.recipe};
  return referenceGemm(opA, opB, cg ? &*cg : nullptr, dg);
}

/// Copies the rank-2 `from` into `to` at the rank-3 index `at(i, j)`.
template <typename Index>
void scatterMatrix(const HostTensor &from, HostTensor &to, Index at) {
  for (int64_t i = 0; i < from.sizes[0]; ++i)
    for (int64_t j = 0; j < from.sizes[1]; ++j) {
      int64_t src[] = {i, j};
      std::array<int64_t, 3> dst = at(i, j);
      to.setBits(to.offsetOf(dst.data()), from.getBits(from.offsetOf(src)));
    }
}

/// The operands of a masked or batched reference: K-major rank-3 a and b
/// (b may be MN-major with `mnMajorB`), d, and c shaped like d.
Status checkStacked(const char *family, const GemmOperand &a,
                    const GemmOperand &b, const HostTensor *c,
                    const HostTensor &d, bool mnMajorB = false) {
  if (!a.data || !b.data || a.data->rank() != 3 || b.data->rank() != 3 ||
      d.rank() != 3 || (c && c->sizes != d.sizes))
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: a, b and d must have rank 3 "
                                 "and c be shaped like d"));
  if (!a.kMajor || (!b.kMajor && !mnMajorB))
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: a and b must be K-major"));
  return Status::success();
}

/// The rows of each group: from the row layout, or from prefix sums.
std::vector<std::vector<int64_t>>
groupRows(const HostTensor &layout, bool prefixSum, int64_t groups, int64_t m) {
  std::vector<std::vector<int64_t>> rows(static_cast<size_t>(groups));
  if (prefixSum) {
    int64_t start = 0;
    for (int64_t g = 0; g < groups; ++g) {
      int64_t end = static_cast<int32_t>(layout.getBits(g));
      for (int64_t r = start; r < std::min(end, m); ++r)
        rows[g].push_back(r);
      start = std::max(start, end);
    }
    return rows;
  }
  for (int64_t r = 0; r < m; ++r) {
    int64_t g = static_cast<int32_t>(layout.getBits(r * layout.strides[0]));
    if (g >= 0 && g < groups)
      rows[g].push_back(r);
  }
  return rows;
}

} // namespace

Status sm120rt::referenceGroupedGemm(const GemmOperand &a, const GemmOperand &b,
                                     const HostTensor &layout, bool prefixSum,
                                     const HostTensor *c, HostTensor &d) {
  const char *family = "grouped_gemm";
  if (!a.data || !b.data || a.data->rank() != 2 || b.data->rank() != 3 ||
      d.rank() != 2 || layout.rank() != 1 || layout.dtype != DType::I32)
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: a and d must have rank 2, b "
                                 "rank 3 and layout be a rank-1 i32"));
  if (!a.kMajor)
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: a must be K-major"));
  if (a.recipe && !a.recipe->packed && a.recipe->mn != 1)
    return makeError(Code::NotSupported,
                     cat(family, " reference: sfa with mn = ", a.recipe->mn,
                         " (only per-row A scales)"));
  int64_t groups = b.data->sizes[0], m = a.data->sizes[0];
  std::vector<std::vector<int64_t>> rows =
      groupRows(layout, prefixSum, groups, m);
  for (int64_t g = 0; g < groups; ++g) {
    if (rows[g].empty())
      continue;
    HostTensor ag = selectRows(*a.data, rows[g], 0);
    HostTensor bg = groupSlice(*b.data, g);
    std::optional<HostTensor> sag, sbg, cg;
    if (a.scale)
      sag = selectRows(*a.scale, rows[g], a.recipe->packed ? 1 : 0);
    if (b.scale)
      sbg = groupSlice(*b.scale, g);
    if (c)
      cg = selectRows(*c, rows[g], 0);
    HostTensor dg = selectRows(d, rows[g], 0);
    if (Status s = sliceGemm(a, b, ag, sag, bg, sbg, cg, dg); !s)
      return s;
    for (size_t r = 0; r < rows[g].size(); ++r)
      for (int64_t j = 0; j < d.sizes[1]; ++j) {
        int64_t from[] = {static_cast<int64_t>(r), j}, to[] = {rows[g][r], j};
        d.setBits(d.offsetOf(to), dg.getBits(dg.offsetOf(from)));
      }
  }
  return Status::success();
}

Status sm120rt::referenceMaskedGemm(const GemmOperand &a, const GemmOperand &b,
                                    const HostTensor &counts,
                                    const HostTensor *c, HostTensor &d) {
  const char *family = "grouped_gemm masked";
  if (Status s = checkStacked(family, a, b, c, d); !s)
    return s;
  if (counts.rank() != 1 || counts.dtype != DType::I32)
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: counts must be a rank-1 i32"));
  int64_t groups = a.data->sizes[0], maxM = a.data->sizes[1];
  if (b.data->sizes[0] != groups || d.sizes[0] != groups ||
      counts.sizes[0] != groups || d.sizes[1] != maxM)
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: a [G, max_m, K], b [G, N, K], d "
                                 "[G, max_m, N] and counts [G] disagree"));
  for (int64_t g = 0; g < groups; ++g) {
    int64_t count = static_cast<int32_t>(counts.getBits(g * counts.strides[0]));
    if (count < 0 || count > maxM)
      return makeError(Code::InvalidArgument,
                       cat(family, " reference: group ", g, " has ", count,
                           " rows; expected 0 to max_m = ", maxM));
    if (count == 0)
      continue;
    HostTensor ag = groupPrefix(*a.data, g, count, 0);
    HostTensor bg = groupSlice(*b.data, g);
    std::optional<HostTensor> sag, sbg, cg;
    if (a.scale)
      sag = a.recipe->packed
                ? groupPrefix(*a.scale, g, count, 1)
                : groupPrefix(*a.scale, g, ceilDiv(count, a.recipe->mn), 0);
    if (b.scale)
      sbg = groupSlice(*b.scale, g);
    if (c)
      cg = groupPrefix(*c, g, count, 0);
    HostTensor dg = groupPrefix(d, g, count, 0);
    if (Status s = sliceGemm(a, b, ag, sag, bg, sbg, cg, dg); !s)
      return s;
    scatterMatrix(dg, d, [g](int64_t r, int64_t j) {
      return std::array<int64_t, 3>{g, r, j};
    });
  }
  return Status::success();
}

Status sm120rt::referenceBatchedGemm(const GemmOperand &a, const GemmOperand &b,
                                     const HostTensor *c, HostTensor &d) {
  if (!a.kMajor)
    return referenceHeadContraction(a, b, c, d);
  // B [h, d, r] is K-major for bhr,hdr->bhd (K = r) and MN-major for
  // bhd,hdr->bhr (K = d).
  const char *family =
      b.kMajor ? "batched_gemm bhr,hdr->bhd" : "batched_gemm bhd,hdr->bhr";
  if (Status s = checkStacked(family, a, b, c, d, /*mnMajorB=*/true); !s)
    return s;
  int64_t batch = a.data->sizes[0], heads = a.data->sizes[1];
  int64_t k = b.data->sizes[b.kMajor ? 2 : 1];
  int64_t n = b.data->sizes[b.kMajor ? 1 : 2];
  if (b.data->sizes[0] != heads || k != a.data->sizes[2] ||
      d.sizes != std::vector<int64_t>{batch, heads, n})
    return makeError(Code::InvalidArgument,
                     cat(family, b.kMajor
                                     ? " reference: a [b, h, r], b [h, d, r] "
                                       "and d [b, h, d] disagree"
                                     : " reference: a [b, h, d], b [h, d, r] "
                                       "and d [b, h, r] disagree"));
  for (int64_t h = 0; h < heads; ++h) {
    HostTensor ah = groupSlice(*a.data, h, 1), bh = groupSlice(*b.data, h);
    std::optional<HostTensor> sah, sbh, ch;
    if (a.scale)
      sah = groupSlice(*a.scale, h);
    if (b.scale)
      sbh = groupSlice(*b.scale, h);
    if (c)
      ch = groupSlice(*c, h, 1);
    HostTensor dh = groupSlice(d, h, 1);
    if (Status s = sliceGemm(a, b, ah, sah, bh, sbh, ch, dh); !s)
      return s;
    scatterMatrix(dh, d, [h](int64_t i, int64_t j) {
      return std::array<int64_t, 3>{i, h, j};
    });
  }
  return Status::success();
}

Status sm120rt::referenceStackedBatchedGemm(const GemmOperand &a,
                                            const GemmOperand &b,
                                            const HostTensor *c,
                                            HostTensor &d) {
  const char *family = "batched_gemm bmk,bnk->bmn";
  if (Status s = checkStacked(family, a, b, c, d); !s)
    return s;
  int64_t batch = a.data->sizes[0];
  if (b.data->sizes[0] != batch || b.data->sizes[2] != a.data->sizes[2] ||
      d.sizes !=
          std::vector<int64_t>{batch, a.data->sizes[1], b.data->sizes[1]})
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: a [b, m, k], b [b, n, k] and d "
                                 "[b, m, n] disagree"));
  for (int64_t g = 0; g < batch; ++g) {
    HostTensor ag = groupSlice(*a.data, g), bg = groupSlice(*b.data, g);
    std::optional<HostTensor> sag, sbg, cg;
    if (a.scale)
      sag = groupSlice(*a.scale, g);
    if (b.scale)
      sbg = groupSlice(*b.scale, g);
    if (c)
      cg = groupSlice(*c, g);
    HostTensor dg = groupSlice(d, g);
    if (Status s = sliceGemm(a, b, ag, sag, bg, sbg, cg, dg); !s)
      return s;
    scatterMatrix(dg, d, [g](int64_t i, int64_t j) {
      return std::array<int64_t, 3>{g, i, j};
    });
  }
  return Status::success();
}

Status sm120rt::referenceHeadContraction(const GemmOperand &a,
                                         const GemmOperand &b,
                                         const HostTensor *c, HostTensor &d) {
  const char *family = "batched_gemm bhd,bhr->hdr";
  if (!a.data || !b.data || a.data->rank() != 3 || b.data->rank() != 3 ||
      d.rank() != 3 || (c && c->sizes != d.sizes) || a.scale || b.scale ||
      a.kMajor || b.kMajor)
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: MN-major a [b, h, d] and b "
                                 "[b, h, r] without scales, d (and c) "
                                 "[h, d, r]"));
  int64_t batch = a.data->sizes[0], heads = a.data->sizes[1];
  if (b.data->sizes[0] != batch || b.data->sizes[1] != heads ||
      d.sizes !=
          std::vector<int64_t>{heads, a.data->sizes[2], b.data->sizes[2]})
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: a [b, h, d], b [b, h, r] and d "
                                 "[h, d, r] disagree"));
  // Per head: A[:, h, :] [b, d] and B[:, h, :] [b, r] are [K, MN].
  for (int64_t h = 0; h < heads; ++h) {
    HostTensor ah = groupSlice(*a.data, h, 1), bh = groupSlice(*b.data, h, 1);
    std::optional<HostTensor> ch;
    if (c)
      ch = groupSlice(*c, h);
    HostTensor dh = groupSlice(d, h);
    if (Status s = referenceGemm({&ah, false, nullptr, std::nullopt},
                                 {&bh, false, nullptr, std::nullopt},
                                 ch ? &*ch : nullptr, dh);
        !s)
      return s;
    scatterMatrix(dh, d, [h](int64_t i, int64_t j) {
      return std::array<int64_t, 3>{h, i, j};
    });
  }
  return Status::success();
}

Status sm120rt::referenceBatchReducedGemm(const GemmOperand &a,
                                          const GemmOperand &b,
                                          const HostTensor *c, HostTensor &d) {
  const char *family = "batched_gemm bmk,bnk->mn";
  if (!a.data || !b.data || a.data->rank() != 3 || b.data->rank() != 3 ||
      d.rank() != 2 || (c && c->sizes != d.sizes) || a.scale || b.scale ||
      !a.kMajor || !b.kMajor)
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: K-major a [b, m, k] and b "
                                 "[b, n, k] without scales, d (and c) [m, n]"));
  int64_t batch = a.data->sizes[0], k = a.data->sizes[2];
  if (b.data->sizes[0] != batch || b.data->sizes[2] != k ||
      d.sizes != std::vector<int64_t>{a.data->sizes[1], b.data->sizes[1]})
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: a [b, m, k], b [b, n, k] and d "
                                 "[m, n] disagree"));
  // One GEMM over K = b * k: row i of A' is A[0][i], A[1][i], ... (the
  // kernel's K order), so the double sum runs in the kernel's order.
  auto flatten = [&](const HostTensor &t) {
    HostTensor out = hostMatrix(t.name, t.dtype, {t.sizes[1], batch * k});
    for (int64_t s = 0; s < batch; ++s)
      for (int64_t i = 0; i < t.sizes[1]; ++i)
        for (int64_t j = 0; j < k; ++j) {
          int64_t from[] = {s, i, j}, to[] = {i, s * k + j};
          out.setBits(out.offsetOf(to), t.getBits(t.offsetOf(from)));
        }
    return out;
  };
  HostTensor af = flatten(*a.data), bf = flatten(*b.data);
  return referenceGemm({&af, true, nullptr, std::nullopt},
                       {&bf, true, nullptr, std::nullopt}, c, d);
}

Status sm120rt::referenceKGroupedGemm(const GemmOperand &a,
                                      const GemmOperand &b,
                                      const HostTensor &ks, const HostTensor &c,
                                      HostTensor &d) {
  const char *family = "grouped_gemm k_grouped";
  // 1-D K-major operands: each group's [MN, K_g] blocks one after another.
  bool blocks = a.data && b.data && a.data->rank() == 1 &&
                b.data->rank() == 1 && a.kMajor && b.kMajor;
  if (!a.data || !b.data ||
      (!blocks && (a.data->rank() != 2 || b.data->rank() != 2)) ||
      d.rank() != 3 || c.sizes != d.sizes || c.dtype != DType::F32 ||
      d.dtype != DType::F32 || ks.rank() != 1 || ks.dtype != DType::I32 ||
      a.kMajor != b.kMajor)
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: a and b of one majorness with "
                                 "rank 2 (or K-major 1-D blocks), f32 c and "
                                 "d [G, M, N], ks i32 [G]"));
  for (const GemmOperand *op : {&a, &b})
    if (op->recipe && !op->recipe->packed)
      return makeError(Code::InvalidArgument,
                       cat(family, " reference: scales must be packed UE8M0"));
  int64_t groups = d.sizes[0], m = d.sizes[1], n = d.sizes[2];
  bool kMajor = a.kMajor;
  // 1-D blocks: M * sum K elements of a (N * sum K of b when M is 0).
  int64_t sumK = !blocks ? a.data->sizes[kMajor ? 1 : 0]
                 : m > 0 ? a.data->sizes[0] / m
                 : n > 0 ? b.data->sizes[0] / n
                         : 0;
  bool agree =
      blocks ? a.data->sizes[0] == m * sumK && b.data->sizes[0] == n * sumK
             : b.data->sizes[kMajor ? 1 : 0] == sumK &&
                   a.data->sizes[kMajor ? 0 : 1] == m &&
                   b.data->sizes[kMajor ? 0 : 1] == n;
  if (ks.sizes[0] != groups || !agree)
    return makeError(Code::InvalidArgument,
                     cat(family, " reference: a, b, ks and d [G, M, N] "
                                 "disagree"));
  // Columns [k0, k0 + kg) of an operand as a K-major [MN, kg] matrix (of
  // 1-D blocks: the group's block, which starts at element MN * k0).
  auto columns = [&](const HostTensor &t, int64_t mn, int64_t k0, int64_t kg) {
    HostTensor out = hostMatrix(t.name, t.dtype, {mn, kg});
    for (int64_t i = 0; i < mn; ++i)
      for (int64_t k = 0; k < kg; ++k) {
        int64_t from2[] = {kMajor ? i : k0 + k, kMajor ? k0 + k : i};
        int64_t from1[] = {mn * k0 + i * kg + k};
        int64_t to[] = {i, k};
        out.setBits(out.offsetOf(to),
                    t.getBits(t.offsetOf(blocks ? from1 : from2)));
      }
    return out;
  };
  // Rows [w0, w0 + words) of a packed scale tensor.
  auto words = [&](const HostTensor &t, int64_t w0, int64_t count) {
    HostTensor out = hostMatrix(t.name, t.dtype, {count, t.sizes[1]});
    for (int64_t w = 0; w < count; ++w)
      for (int64_t j = 0; j < t.sizes[1]; ++j) {
        int64_t from[] = {w0 + w, j}, to[] = {w, j};
        out.setBits(out.offsetOf(to), t.getBits(t.offsetOf(from)));
      }
    return out;
  };
  int64_t k0 = 0, w0 = 0;
  for (int64_t g = 0; g < groups; ++g) {
    int64_t kg = static_cast<int32_t>(ks.getBits(g * ks.strides[0]));
    if (kg < 0 || k0 + kg > sumK)
      return makeError(Code::InvalidArgument,
                       cat(family, " reference: group ", g, " has K = ", kg,
                           " past sum K = ", sumK));
    HostTensor cg = groupSlice(c, g);
    if (kg == 0) {
      scatterMatrix(cg, d, [g](int64_t i, int64_t j) {
        return std::array<int64_t, 3>{g, i, j};
      });
      continue;
    }
    HostTensor ag = columns(*a.data, m, k0, kg);
    HostTensor bg = columns(*b.data, n, k0, kg);
    std::optional<HostTensor> sag, sbg;
    int64_t count = 0;
    if (a.recipe) {
      count = (kg + 4 * a.recipe->k - 1) / (4 * a.recipe->k);
      if (!a.scale || !b.scale || w0 + count > a.scale->sizes[0] ||
          w0 + count > b.scale->sizes[0])
        return makeError(Code::InvalidArgument,
                         cat(family, " reference: the scales have fewer "
                                     "rows than the groups' K needs"));
      sag = words(*a.scale, w0, count);
      sbg = words(*b.scale, w0, count);
    }
    HostTensor dg = groupSlice(d, g);
    GemmOperand opA{&ag, true, sag ? &*sag : nullptr, a.recipe};
    GemmOperand opB{&bg, true, sbg ? &*sbg : nullptr, b.recipe};
    if (Status s = referenceGemm(opA, opB, &cg, dg); !s)
      return s;
    scatterMatrix(dg, d, [g](int64_t i, int64_t j) {
      return std::array<int64_t, 3>{g, i, j};
    });
    k0 += kg;
    w0 += count;
  }
  return Status::success();
}

namespace {

Status computeBatched(const Manifest &m, std::vector<HostTensor> &tensors) {
  nlohmann::json problem =
      nlohmann::json::parse(m.problemJson, nullptr, /*allow_exceptions=*/false);
  std::string equation =
      problem.is_discarded() ? "" : problem.value("equation", std::string());
  if (equation != "bhr,hdr->bhd" && equation != "bhd,hdr->bhr" &&
      equation != "bhd,bhr->hdr" && equation != "bmk,bnk->mn" &&
      equation != "bmk,bnk->bmn")
    return makeError(Code::NotSupported,
                     cat("batched_gemm reference: equations 'bhr,hdr->bhd', "
                         "'bhd,hdr->bhr', 'bhd,bhr->hdr', 'bmk,bnk->mn' and "
                         "'bmk,bnk->bmn'; got '",
                         equation, "'"));
  GemmOperand opA, opB;
  HostTensor *d = nullptr;
  if (Status s = readOperands(m, tensors, problem, "batched_gemm", opA, opB, d);
      !s)
    return s;
  if (equation == "bmk,bnk->mn")
    return referenceBatchReducedGemm(opA, opB, findTensor(m, tensors, "c"), *d);
  if (equation == "bmk,bnk->bmn")
    return referenceStackedBatchedGemm(opA, opB, findTensor(m, tensors, "c"),
                                       *d);
  return referenceBatchedGemm(opA, opB, findTensor(m, tensors, "c"), *d);
}

double flopsBatched(const Manifest &m, const std::vector<HostTensor> &tensors) {
  int ia = m.findTensor("a"), id = m.findTensor("d");
  if (ia < 0 || id < 0 || tensors[ia].rank() != 3)
    return 0;
  // bmk,bnk->mn: 2 b m n k.
  if (tensors[id].rank() == 2)
    return 2.0 * tensors[ia].sizes[0] * tensors[ia].sizes[1] *
           tensors[id].sizes[1] * tensors[ia].sizes[2];
  if (tensors[id].rank() != 3)
    return 0;
  // 2 b h d r: d is [b, h, d] or [b, h, r], and for bhd,bhr->hdr [h, d, r]
  // with b the rows of a.
  nlohmann::json problem =
      nlohmann::json::parse(m.problemJson, nullptr, /*allow_exceptions=*/false);
  std::string equation =
      problem.is_discarded() ? "" : problem.value("equation", std::string());
  bool hdr = equation == "bhd,bhr->hdr";
  // bmk,bnk->bmn: 2 b m n k, d [b, m, n] and a [b, m, k].
  return 2.0 * tensors[id].sizes[0] * tensors[id].sizes[1] *
         tensors[id].sizes[2] * tensors[ia].sizes[hdr ? 0 : 2];
}

Status computeGrouped(const Manifest &m, std::vector<HostTensor> &tensors) {
  nlohmann::json problem =
      nlohmann::json::parse(m.problemJson, nullptr, /*allow_exceptions=*/false);
  std::string kind =
      problem.is_discarded() ? "" : problem.value("kind", std::string());
  if (kind != "contiguous" && kind != "masked" && kind != "k_grouped")
    return makeError(Code::NotSupported,
                     "grouped_gemm reference: kinds contiguous, masked and "
                     "k_grouped");
  auto find = [&](const char *name) -> HostTensor * {
    int i = m.findTensor(name);
    return i < 0 ? nullptr : &tensors[i];
  };
  HostTensor *a = find("a"), *b = find("b"), *d = find("d"),
             *layout = find("layout");
  if (!a || !b || !d || !layout)
    return makeError(Code::InvalidArgument,
                     "grouped_gemm reference needs tensors named 'a', 'b', "
                     "'layout' and 'd'");
  GemmOperand opA{a, problem.value("a_major", "k") == "k", find("sfa"), {}};
  GemmOperand opB{b, problem.value("b_major", "k") == "k", find("sfb"), {}};
  if (Status s = readRecipes(problem, opA, opB); !s)
    return s;
  if (kind == "k_grouped") {
    HostTensor *c = find("c");
    if (!c)
      return makeError(Code::InvalidArgument,
                       "grouped_gemm k_grouped reference needs a tensor "
                       "named 'c'");
    return referenceKGroupedGemm(opA, opB, *layout, *c, *d);
  }
  if (kind == "masked")
    return referenceMaskedGemm(opA, opB, *layout, find("c"), *d);
  return referenceGroupedGemm(
      opA, opB, *layout, problem.value("prefix_sum", false), find("c"), *d);
}

/// A test group's size: uniform in [0.7, 1.3] x `expected`, except group 1
/// of more than two, which is empty.
int64_t drawGroupSize(Rng &rng, int64_t g, int64_t groups, int64_t expected) {
  if (groups > 2 && g == 1)
    return 0;
  int64_t lo = std::max<int64_t>(1, expected * 7 / 10);
  return rng.uniformInt(lo, std::max(lo, expected * 13 / 10));
}

/// Scales as for gemm; the layout splits M into groups of random sizes
/// (0.7 to 1.3 times the expected size, one group empty), each padded to
/// problem.m_alignment rows (-1 rows
/// for a row layout; with prefix sums only the last group is ragged).
/// Rows of no group are set to 7 in d, which the kernel must leave alone.
/// Masked: each group's valid rows drawn in [0.7, 1.3] x problem.expected_m
/// (max_m / 2 without it), at most max_m, one group empty; d's other rows
/// are set to 7, which the kernel must leave alone.
void prepareMasked(const nlohmann::json &problem, HostTensor &counts,
                   HostTensor &d, const FillOptions &options) {
  int64_t groups = d.sizes[0], maxM = d.sizes[1];
  int64_t expected = std::max<int64_t>(
      1, problem.value("expected_m", std::max<int64_t>(1, maxM / 2)));
  Rng rng(options.seed * 0x94d049bb133111ebull + 11);
  uint32_t seven = d.dtype == DType::BF16 ? encodeBF16(7.0f) : 0x40e00000u;
  for (int64_t g = 0; g < groups; ++g) {
    int64_t count = std::min(drawGroupSize(rng, g, groups, expected), maxM);
    counts.setBits(g * counts.strides[0], static_cast<uint32_t>(count));
    for (int64_t r = count; r < maxM; ++r)
      for (int64_t j = 0; j < d.sizes[2]; ++j) {
        int64_t index[] = {g, r, j};
        d.setBits(d.offsetOf(index), seven);
      }
  }
}

/// K-grouped: each group's K drawn in [0.7, 1.3] x the expected share of
/// sum K (what sum K holds at 1.3x), a multiple of problem.k_alignment,
/// one group empty.
void prepareKGrouped(const nlohmann::json &problem, const HostTensor &a,
                     const HostTensor &d, HostTensor &ks,
                     const FillOptions &options) {
  int64_t groups = ks.sizes[0];
  int64_t align = std::max<int64_t>(1, problem.value("k_alignment", 64));
  // 1-D a: M * sum K elements (M from d [G, M, N]).
  int64_t sumK = a.rank() == 1
                     ? a.sizes[0] / std::max<int64_t>(1, d.sizes[1])
                     : a.sizes[problem.value("a_major", "k") == "k" ? 1 : 0];
  int64_t expected = std::max<int64_t>(
      align, static_cast<int64_t>(static_cast<double>(sumK) /
                                  (1.3 * static_cast<double>(groups))));
  Rng rng(options.seed * 0x94d049bb133111ebull + 13);
  int64_t used = 0;
  for (int64_t g = 0; g < groups; ++g) {
    int64_t size = drawGroupSize(rng, g, groups, expected);
    size = std::min((size + align - 1) / align * align,
                    (sumK - used) / align * align);
    ks.setBits(g * ks.strides[0], static_cast<uint32_t>(size));
    used += size;
  }
}

void prepareGrouped(const Manifest &m, std::vector<HostTensor> &tensors,
                    const FillOptions &options) {
  prepareGemm(m, tensors, options);
  nlohmann::json problem =
      nlohmann::json::parse(m.problemJson, nullptr, /*allow_exceptions=*/false);
  int ia = m.findTensor("a"), ib = m.findTensor("b"),
      il = m.findTensor("layout"), id = m.findTensor("d");
  if (problem.is_discarded() || ia < 0 || ib < 0 || il < 0 || id < 0)
    return;
  if (problem.value("kind", "") == "k_grouped") {
    if (tensors[il].rank() == 1 && tensors[id].rank() == 3 &&
        (tensors[ia].rank() == 2 || tensors[ia].rank() == 1))
      prepareKGrouped(problem, tensors[ia], tensors[id], tensors[il], options);
    return;
  }
  if (tensors[ib].rank() != 3)
    return;
  if (problem.value("kind", "") == "masked") {
    if (tensors[id].rank() == 3 && tensors[il].rank() == 1 &&
        tensors[il].sizes[0] == tensors[id].sizes[0])
      prepareMasked(problem, tensors[il], tensors[id], options);
    return;
  }
  bool prefix = problem.value("prefix_sum", false);
  int64_t align = std::max<int64_t>(1, problem.value("m_alignment", 128));
  int64_t rows = tensors[ia].sizes[0], groups = tensors[ib].sizes[0];
  HostTensor &layout = tensors[il];
  Rng rng(options.seed * 0x94d049bb133111ebull + 7);
  std::vector<int64_t> owner(static_cast<size_t>(rows), -1);
  // Sizes in [0.7, 1.3] x the expected rows per group: what the rows hold
  // at 1.3x after each group's alignment padding.
  int64_t expected = std::max<int64_t>(
      1, static_cast<int64_t>(static_cast<double>(rows - groups * align) /
                              (1.3 * static_cast<double>(groups))));
  int64_t row = 0;
  for (int64_t g = 0; g < groups; ++g) {
    int64_t count = drawGroupSize(rng, g, groups, expected);
    if (prefix && g != groups - 1)
      count = (count + align - 1) / align * align;
    count = std::max<int64_t>(0, std::min(count, rows - row));
    for (int64_t r = row; r < row + count; ++r)
      owner[r] = g;
    row = std::min(rows, row + (count + align - 1) / align * align);
  }
  if (prefix) {
    // Exclusive end rows; the last group ends with its last row.
    int64_t end = 0;
    for (int64_t g = 0; g < groups; ++g) {
      for (int64_t r = 0; r < rows; ++r)
        if (owner[r] == g)
          end = r + 1;
      layout.setBits(g * layout.strides[0], static_cast<uint32_t>(end));
    }
  } else {
    for (int64_t r = 0; r < rows; ++r)
      layout.setBits(r * layout.strides[0], static_cast<uint32_t>(owner[r]));
  }
  HostTensor &d = tensors[id];
  uint32_t seven = d.dtype == DType::BF16 ? encodeBF16(7.0f) : 0x40e00000u;
  for (int64_t r = 0; r < rows && r < d.sizes[0]; ++r)
    if (owner[r] < 0)
      for (int64_t j = 0; j < d.sizes[1]; ++j) {
        int64_t index[] = {r, j};
        d.setBits(d.offsetOf(index), seven);
      }
}

double flopsGrouped(const Manifest &m, const std::vector<HostTensor> &tensors) {
  int ia = m.findTensor("a"), ib = m.findTensor("b"),
      il = m.findTensor("layout"), id = m.findTensor("d");
  if (ia < 0 || ib < 0 || il < 0 || id < 0)
    return 0;
  nlohmann::json problem =
      nlohmann::json::parse(m.problemJson, nullptr, /*allow_exceptions=*/false);
  if (!problem.is_discarded() && problem.value("kind", "") == "k_grouped") {
    // d [G, M, N]: 2 M N sum(K_g).
    const HostTensor &ks = tensors[il];
    if (tensors[id].rank() != 3 || ks.rank() != 1)
      return 0;
    int64_t sumK = 0;
    for (int64_t g = 0; g < ks.sizes[0]; ++g)
      sumK += std::max<int32_t>(
          0, static_cast<int32_t>(ks.getBits(g * ks.strides[0])));
    return 2.0 * tensors[id].sizes[1] * tensors[id].sizes[2] * sumK;
  }
  if (tensors[ib].rank() != 3)
    return 0;
  if (!problem.is_discarded() && problem.value("kind", "") == "masked") {
    // d [G, max_m, N], a [G, max_m, K]: the valid rows of every group.
    const HostTensor &counts = tensors[il];
    if (tensors[ia].rank() != 3 || tensors[id].rank() != 3)
      return 0;
    int64_t valid = 0;
    for (int64_t g = 0; g < counts.sizes[0]; ++g)
      valid += std::clamp<int64_t>(
          static_cast<int32_t>(counts.getBits(g * counts.strides[0])), 0,
          tensors[id].sizes[1]);
    return 2.0 * valid * tensors[id].sizes[2] * tensors[ia].sizes[2];
  }
  bool prefix = !problem.is_discarded() && problem.value("prefix_sum", false);
  int64_t valid = 0;
  for (const std::vector<int64_t> &r : groupRows(
           tensors[il], prefix, tensors[ib].sizes[0], tensors[ia].sizes[0]))
    valid += static_cast<int64_t>(r.size());
  return 2.0 * valid * tensors[id].sizes[1] * tensors[ia].sizes[1];
}

} // namespace

const std::vector<ReferenceKernel> &sm120rt::referenceKernels() {
  static const std::vector<ReferenceKernel> kernels = {
      {"fixture_fp8_tile",
       {"d"},
       computeFixtureFp8Tile,
       flopsFixtureFp8Tile,
       /*maxRelError=*/1e-5},
      // BF16 output rounding alone is up to 2^-9 of an element.
      {"gemm",
       {"d"},
       computeGemm,
       flopsGemm,
       /*maxRelError=*/1e-2,
       maxDiffGemm,
       prepareGemm},
      {"grouped_gemm",
       {"d"},
       computeGrouped,
       flopsGrouped,
       /*maxRelError=*/1e-2,
       maxDiffGemm,
       prepareGrouped},
      {"batched_gemm",
       {"d"},
       computeBatched,
       flopsBatched,
       /*maxRelError=*/1e-2,
       maxDiffGemm,
       prepareGemm},
  };
  return kernels;
}

const ReferenceKernel *sm120rt::findReference(std::string_view family) {
  for (const ReferenceKernel &kernel : referenceKernels())
    if (kernel.family == family)
      return &kernel;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Scale utilities
//===----------------------------------------------------------------------===//

namespace {

float floatOfBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

uint32_t bitsOfFloat(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

/// The smallest power of two at least s (s positive and finite).
float ceilPowerOfTwo(float s) {
  uint32_t bits = bitsOfFloat(s), exponent = bits & 0x7f800000u;
  return floatOfBits((bits & 0x7fffffu) ? exponent + 0x800000u : exponent);
}

Status checkShape(const HostTensor &t, const std::vector<int64_t> &want) {
  if (t.sizes != want)
    return makeError(Code::InvalidArgument,
                     cat("tensor '", t.name, "' has shape ", joinList(t.sizes),
                         "; expected ", joinList(want)));
  return Status::success();
}

} // namespace

Status sm120rt::referenceQuantize(const HostTensor &x, const QuantizeSpec &spec,
                                  HostTensor &q, HostTensor &sf) {
  if (x.rank() != 2 || spec.blockMN < 1 || spec.blockK < 1)
    return makeError(Code::InvalidArgument,
                     cat("referenceQuantize needs x of rank 2 and a positive "
                         "block; got rank ",
                         x.rank(), ", block (", spec.blockMN, ", ", spec.blockK,
                         ")"));
  int64_t m = x.sizes[0], k = x.sizes[1];
  int64_t granules = ceilDiv(k, spec.blockK);
  int64_t rowBlocks = ceilDiv(m, spec.blockMN);
  bool fp4 = q.dtype == DType::F4E2M1;
  bool packed = sf.dtype == DType::I32, ue4m3 = sf.dtype == DType::F8E4M3;
  if (Status s = checkShape(q, {m, k}); !s)
    return s;
  if (Status s = checkShape(
          sf, packed ? std::vector<int64_t>{ceilDiv(granules, 4), align4(m)}
                     : std::vector<int64_t>{rowBlocks, granules});
      !s)
    return s;
  float maxCode = fp4 ? 6.0f : 448.0f;
  if (packed) // padding bytes: scale 1
    sf.forEachElement([&](int64_t offset) { sf.setBits(offset, 0x7f7f7f7fu); });
  for (int64_t rb = 0; rb < rowBlocks; ++rb)
    for (int64_t g = 0; g < granules; ++g) {
      int64_t r0 = rb * spec.blockMN, rEnd = std::min(m, r0 + spec.blockMN);
      int64_t c0 = g * spec.blockK, cEnd = std::min(k, c0 + spec.blockK);
      auto element = [&](int64_t r, int64_t c) {
        int64_t index[] = {r, c};
        return x.get(x.offsetOf(index));
      };
      float amax = 0.0f;
      for (int64_t r = r0; r < rEnd; ++r)
        for (int64_t c = c0; c < cEnd; ++c)
          amax = std::max(amax, std::fabs(element(r, c)));
      amax = std::max(amax, 1e-4f);

      float scale;
      uint8_t scaleBits = 0;
      if (ue4m3) {
        scaleBits = encodeF8E4M3(amax / maxCode * spec.globalScale);
        scale = decodeF8E4M3(scaleBits);
      } else {
        scale = amax / maxCode;
        if (packed || spec.roundToUe8m0)
          scale = ceilPowerOfTwo(scale);
      }
      if (packed) {
        for (int64_t r = r0; r < rEnd; ++r) {
          int64_t index[] = {g / 4, r};
          int64_t offset = sf.offsetOf(index);
          uint32_t word = sf.getBits(offset);
          int shift = 8 * static_cast<int>(g % 4);
          word = (word & ~(0xffu << shift)) |
                 ((bitsOfFloat(scale) >> 23) & 0xff) << shift;
          sf.setBits(offset, word);
        }
      } else {
        int64_t index[] = {rb, g};
        sf.setBits(sf.offsetOf(index), ue4m3 ? scaleBits : bitsOfFloat(scale));
      }
      for (int64_t r = r0; r < rEnd; ++r)
        for (int64_t c = c0; c < cEnd; ++c) {
          float value = element(r, c);
          float v = !ue4m3         ? value / scale
                    : scale > 0.0f ? value * spec.globalScale / scale
                                   : value * 0.0f;
          int64_t index[] = {r, c};
          q.setBits(q.offsetOf(index), fp4 ? encodeF4E2M1(v) : encodeF8E4M3(v));
        }
    }
  return Status::success();
}

Status sm120rt::referenceTransposeToKMajor(const HostTensor &src,
                                           HostTensor &dst) {
  int r = src.rank();
  if ((r != 2 && r != 3) || dst.rank() != r || dst.dtype != src.dtype)
    return makeError(Code::InvalidArgument,
                     cat("referenceTransposeToKMajor needs src and dst of "
                         "rank 2 or 3 and one dtype; got ranks ",
                         r, " and ", dst.rank()));
  std::vector<int64_t> want = src.sizes;
  std::swap(want[r - 1], want[r - 2]);
  if (Status s = checkShape(dst, want); !s)
    return s;
  int64_t batch = r == 3 ? src.sizes[0] : 1;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < src.sizes[r - 2]; ++i)
      for (int64_t j = 0; j < src.sizes[r - 1]; ++j) {
        int64_t from[3] = {b, i, j}, to[3] = {b, j, i};
        dst.setBits(dst.offsetOf(to + (3 - r)),
                    src.getBits(src.offsetOf(from + (3 - r))));
      }
  return Status::success();
}

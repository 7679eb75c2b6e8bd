// Element decoders and encoders, host tensors and fills, comparisons, the
// fixture_fp8_tile reference, and --sizes parsing.

#include "sm120rt/Reference.hpp"
#include "TestSupport.hpp"
#include "sm120rt/Harness.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <stdexcept>

using namespace sm120rt;
using namespace sm120rt::test;

namespace {

//===----------------------------------------------------------------------===//
// Element formats
//===----------------------------------------------------------------------===//

TEST(Decode, F8E4M3Table) {
  EXPECT_EQ(decodeF8E4M3(0x00), 0.0f);
  EXPECT_TRUE(std::signbit(decodeF8E4M3(0x80)));
  EXPECT_EQ(decodeF8E4M3(0x38), 1.0f); // exponent 7 = bias
  EXPECT_EQ(decodeF8E4M3(0x3c), 1.5f);
  EXPECT_EQ(decodeF8E4M3(0x40), 2.0f);
  EXPECT_EQ(decodeF8E4M3(0x44), 3.0f);
  EXPECT_EQ(decodeF8E4M3(0x48), 4.0f);
  EXPECT_EQ(decodeF8E4M3(0xc0), -2.0f);
  EXPECT_EQ(decodeF8E4M3(0x7e), 448.0f); // largest finite
  EXPECT_EQ(decodeF8E4M3(0xfe), -448.0f);
  EXPECT_EQ(decodeF8E4M3(0x77), 240.0f); // exponent 14, no infinity below
  EXPECT_EQ(decodeF8E4M3(0x78), 256.0f); // exponent 15 is finite in e4m3fn
  EXPECT_TRUE(std::isnan(decodeF8E4M3(0x7f)));
  EXPECT_TRUE(std::isnan(decodeF8E4M3(0xff)));
  // Subnormals: m/8 * 2^-6.
  EXPECT_EQ(decodeF8E4M3(0x01), std::ldexp(1.0f, -9));
  EXPECT_EQ(decodeF8E4M3(0x07), 7 * std::ldexp(1.0f, -9));
  EXPECT_EQ(decodeF8E4M3(0x81), -std::ldexp(1.0f, -9));
  EXPECT_EQ(decodeF8E4M3(0x08), std::ldexp(1.0f, -6)); // smallest normal
}

TEST(Decode, F8E4M3IsMonotonicAndRoundTrips) {
  for (int code = 1; code <= 0x7e; ++code)
    EXPECT_LT(decodeF8E4M3(code - 1), decodeF8E4M3(code)) << code;
  for (int code = 0; code < 256; ++code) {
    if ((code & 0x7f) == 0x7f)
      continue;
    EXPECT_EQ(encodeF8E4M3(decodeF8E4M3(code)), code) << code;
  }
  EXPECT_EQ(encodeF8E4M3(1000.0f), 0x7e); // saturates
  EXPECT_EQ(encodeF8E4M3(-1000.0f), 0xfe);
  EXPECT_EQ(encodeF8E4M3(NAN), 0x7f);
  // 1.0625 is halfway between 1 (0x38) and 1.125 (0x39): ties to even.
  EXPECT_EQ(encodeF8E4M3(1.0625f), 0x38);
  EXPECT_EQ(encodeF8E4M3(1.1875f), 0x3a);
}

TEST(Decode, F8E8M0) {
  EXPECT_EQ(decodeF8E8M0(127), 1.0f);
  EXPECT_EQ(decodeF8E8M0(128), 2.0f);
  EXPECT_EQ(decodeF8E8M0(120), 1.0f / 128);
  EXPECT_EQ(decodeF8E8M0(0), std::ldexp(1.0f, -127));
  EXPECT_EQ(decodeF8E8M0(254), std::ldexp(1.0f, 127));
  EXPECT_TRUE(std::isnan(decodeF8E8M0(0xff)));
}

TEST(Decode, BF16) {
  EXPECT_EQ(decodeBF16(0x3f80), 1.0f);
  EXPECT_EQ(decodeBF16(0xc000), -2.0f);
  EXPECT_EQ(decodeBF16(0x3fc0), 1.5f);
  EXPECT_TRUE(std::isinf(decodeBF16(0x7f80)));
  EXPECT_TRUE(std::isnan(decodeBF16(0x7fc0)));
  EXPECT_EQ(encodeBF16(1.0f), 0x3f80);
  // 1 + 2^-8 is halfway between 0x3f80 and 0x3f81: ties to even.
  EXPECT_EQ(encodeBF16(1.0f + std::ldexp(1.0f, -8)), 0x3f80);
  EXPECT_EQ(encodeBF16(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3f82);
  EXPECT_TRUE(std::isnan(decodeBF16(encodeBF16(NAN))));
}

TEST(Decode, F16RoundTripsEveryCode) {
  EXPECT_EQ(decodeF16(0x3c00), 1.0f);
  EXPECT_EQ(decodeF16(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(decodeF16(0x7bff), 65504.0f);
  EXPECT_TRUE(std::isinf(decodeF16(0x7c00)));
  EXPECT_TRUE(std::isnan(decodeF16(0x7e00)));
  for (uint32_t code = 0; code < 0x10000; ++code) {
    if ((code & 0x7c00) == 0x7c00 && (code & 0x3ff))
      continue; // NaN payloads are not preserved
    EXPECT_EQ(encodeF16(decodeF16(static_cast<uint16_t>(code))), code)
        << std::hex << code;
  }
  EXPECT_EQ(encodeF16(70000.0f), 0x7c00);
  EXPECT_EQ(encodeF16(1.0f + std::ldexp(1.0f, -11)), 0x3c00); // tie to even
}

TEST(Decode, F4E2M1Table) {
  const float values[16] = {0,    0.5f,  1,  1.5f,  2,  3,  4,  6,
                            -0.f, -0.5f, -1, -1.5f, -2, -3, -4, -6};
  for (int code = 0; code < 16; ++code) {
    EXPECT_EQ(decodeF4E2M1(code), values[code]) << code;
    EXPECT_EQ(encodeF4E2M1(values[code]), code) << code;
  }
  EXPECT_EQ(encodeF4E2M1(2.5f), 0x4); // tie between 2 (even) and 3
  EXPECT_EQ(encodeF4E2M1(100.0f), 0x7);
}

//===----------------------------------------------------------------------===//
// Host tensors
//===----------------------------------------------------------------------===//

TensorSpec spec(const char *name, DType dtype, std::vector<int64_t> shape,
                int contiguousDim) {
  return TensorSpec{name, dtype, std::move(shape), contiguousDim};
}

TEST(HostTensor, PadsRowsTo16Bytes) {
  Expected<HostTensor> f32 =
      makeHostTensor(spec("x", DType::F32, {3, 5}, 1), {3, 5});
  ASSERT_TRUE(f32.ok());
  EXPECT_EQ(f32->strides, (std::vector<int64_t>{8, 1}));
  EXPECT_EQ(f32->bytes.size(), 3u * 8 * 4);

  Expected<HostTensor> fp4 =
      makeHostTensor(spec("w", DType::F4E2M1, {2, -1}, 1), {2, 10});
  ASSERT_TRUE(fp4.ok());
  EXPECT_EQ(fp4->strides, (std::vector<int64_t>{32, 1}));
  EXPECT_EQ(fp4->bytes.size(), 32u);

  Expected<HostTensor> colMajor =
      makeHostTensor(spec("c", DType::U8, {4, 3, 2}, 0), {4, 3, 2});
  ASSERT_TRUE(colMajor.ok());
  // Layout order: dim 0 (padded to 16), then dim 2, then dim 1.
  EXPECT_EQ(colMajor->strides, (std::vector<int64_t>{1, 32, 16}));

  Expected<HostTensor> vector =
      makeHostTensor(spec("v", DType::F8E8M0, {7}, 0), {7});
  ASSERT_TRUE(vector.ok());
  EXPECT_EQ(vector->bytes.size(), 7u);
}

TEST(HostTensor, RejectsSizesThatDoNotMatch) {
  EXPECT_TRUE(failsWith(makeHostTensor(spec("a", DType::U8, {4, 4}, 1), {4, 5}),
                        Code::InvalidArgument,
                        "tensor 'a': dim 1 is 5; the bundle was compiled for "
                        "4"));
  EXPECT_TRUE(failsWith(makeHostTensor(spec("a", DType::U8, {4, 4}, 1), {4}),
                        Code::InvalidArgument, "1 sizes given for rank 2"));
}

TEST(HostTensor, Fp4NibbleOrderIsLowFirst) {
  Expected<HostTensor> t =
      makeHostTensor(spec("w", DType::F4E2M1, {1, 32}, 1), {1, 32});
  ASSERT_TRUE(t.ok());
  t->setBits(0, 0x1);
  t->setBits(1, 0xa);
  t->setBits(3, 0x7);
  EXPECT_EQ(t->bytes[0], 0xa1);
  EXPECT_EQ(t->bytes[1], 0x70);
  EXPECT_EQ(t->get(1), -1.0f);
  EXPECT_EQ(t->get(3), 6.0f);
}

TEST(HostTensor, ForEachElementSkipsPadding) {
  Expected<HostTensor> t =
      makeHostTensor(spec("x", DType::F32, {2, 3}, 1), {2, 3});
  ASSERT_TRUE(t.ok());
  std::vector<int64_t> offsets;
  t->forEachElement([&](int64_t o) { offsets.push_back(o); });
  EXPECT_EQ(offsets, (std::vector<int64_t>{0, 1, 2, 4, 5, 6}));
}

TEST(Fill, IsSeededAndTypeCorrect) {
  TensorSpec a = spec("a", DType::F8E4M3, {64, 64}, 1);
  HostTensor x = *makeHostTensor(a, {64, 64});
  HostTensor y = x, z = x;
  FillOptions options;
  fillRandom(x, options, 0);
  fillRandom(y, options, 0);
  EXPECT_EQ(x.bytes, y.bytes);
  fillRandom(z, options, 1);
  EXPECT_NE(x.bytes, z.bytes);
  bool sawNegative = false, sawLarge = false;
  x.forEachElement([&](int64_t o) {
    float v = x.get(o);
    EXPECT_TRUE(std::isfinite(v)) << "byte " << x.getBits(o);
    sawNegative |= v < 0;
    sawLarge |= std::fabs(v) > 64;
  });
  EXPECT_TRUE(sawNegative && sawLarge);

  options.smallInt = true;
  fillRandom(x, options, 0);
  std::set<float> values;
  x.forEachElement([&](int64_t o) { values.insert(x.get(o)); });
  EXPECT_EQ(values, (std::set<float>{-4, -3, -2, -1, 0, 1, 2, 3, 4}));

  HostTensor scales =
      *makeHostTensor(spec("s", DType::F8E8M0, {256}, 0), {256});
  options.scaleExpMin = 124;
  options.scaleExpMax = 130;
  fillRandom(scales, options, 2);
  std::set<uint32_t> exponents;
  scales.forEachElement(
      [&](int64_t o) { exponents.insert(scales.getBits(o)); });
  EXPECT_EQ(*exponents.begin(), 124u);
  EXPECT_EQ(*exponents.rbegin(), 130u);
}

TEST(Compare, CountsMismatchesAndComputesDiff) {
  TensorSpec d = spec("d", DType::F32, {2, 2}, 1);
  HostTensor ref = *makeHostTensor(d, {2, 2});
  const float values[] = {1, -2, 3, 4};
  int64_t n = 0;
  ref.forEachElement([&](int64_t o) {
    uint32_t bits;
    std::memcpy(&bits, &values[n++], 4);
    ref.setBits(o, bits);
  });
  HostTensor got = ref;
  Expected<Comparison> same = compareTensors(got, ref);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->exact());
  EXPECT_EQ(same->elements, 4);
  EXPECT_EQ(same->diff, 0.0);
  EXPECT_EQ(same->maxAbsRef, 4.0);

  float changed = 3.5f;
  uint32_t bits;
  std::memcpy(&bits, &changed, 4);
  got.setBits(got.strides[0], bits); // element [1, 0]: 3 -> 3.5
  Expected<Comparison> c = compareTensors(got, ref);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->mismatches, 1);
  EXPECT_DOUBLE_EQ(c->maxAbsError, 0.5);
  EXPECT_DOUBLE_EQ(c->maxRelError, 0.5 / 4);
  // 1 - 2 * (1 + 4 + 10.5 + 16) / (2 + 8 + 21.25 + 32)
  EXPECT_NEAR(c->diff, 1 - 63.0 / 63.25, 1e-15);

  fillPoison(got);
  Expected<Comparison> poisoned = compareTensors(got, ref);
  ASSERT_TRUE(poisoned.ok());
  EXPECT_EQ(poisoned->mismatches, 4);
  EXPECT_EQ(poisoned->nonFinite, 4);

  HostTensor other = *makeHostTensor(spec("e", DType::F32, {2, 3}, 1), {2, 3});
  EXPECT_TRUE(failsWith(compareTensors(other, ref), Code::InvalidArgument,
                        "cannot compare tensor 'e' (f32 [2, 3]) with 'd' (f32 "
                        "[2, 2])"));
}

//===----------------------------------------------------------------------===//
// fixture_fp8_tile
//===----------------------------------------------------------------------===//

void setAll(HostTensor &t, const std::vector<float> &values) {
  size_t n = 0;
  t.forEachElement([&](int64_t o) {
    float v = values[n++];
    uint32_t bits = t.dtype == DType::F8E4M3 ? encodeF8E4M3(v)
                    : t.dtype == DType::F8E8M0
                        ? static_cast<uint32_t>(127 + std::ilogb(v))
                        : 0;
    t.setBits(o, bits);
  });
}

TEST(FixtureReference, HandComputed2x2) {
  HostTensor a = *makeHostTensor(spec("a", DType::F8E4M3, {2, 2}, 1), {2, 2});
  HostTensor b = *makeHostTensor(spec("b", DType::F8E4M3, {2, 2}, 1), {2, 2});
  HostTensor sfa = *makeHostTensor(spec("sfa", DType::F8E8M0, {2}, 0), {2});
  HostTensor sfb = *makeHostTensor(spec("sfb", DType::F8E8M0, {2}, 0), {2});
  HostTensor d = *makeHostTensor(spec("d", DType::F32, {2, 2}, 1), {2, 2});
  setAll(a, {1, 2, 3, 4});
  setAll(b, {1, 0, 0, 1}); // rows of B: e0, e1
  setAll(sfa, {1, 2});
  setAll(sfb, {1, 0.5f});
  fillPoison(d);
  ASSERT_TRUE(referenceFixtureFp8Tile(a, b, sfa, sfb, d).ok());
  // D[m][n] = sfa[m] * sfb[n] * A[m][n].
  int64_t i00[] = {0, 0}, i01[] = {0, 1}, i10[] = {1, 0}, i11[] = {1, 1};
  EXPECT_EQ(d.get(d.offsetOf(i00)), 1.0f);
  EXPECT_EQ(d.get(d.offsetOf(i01)), 1.0f);
  EXPECT_EQ(d.get(d.offsetOf(i10)), 6.0f);
  EXPECT_EQ(d.get(d.offsetOf(i11)), 4.0f);
}

TEST(FixtureReference, RejectsMismatchedOperands) {
  HostTensor a = *makeHostTensor(spec("a", DType::F8E4M3, {4, 8}, 1), {4, 8});
  HostTensor b = *makeHostTensor(spec("b", DType::F8E4M3, {4, 16}, 1), {4, 16});
  HostTensor sfa = *makeHostTensor(spec("sfa", DType::F8E8M0, {4}, 0), {4});
  HostTensor d = *makeHostTensor(spec("d", DType::F32, {4, 4}, 1), {4, 4});
  EXPECT_TRUE(failsWith(referenceFixtureFp8Tile(a, b, sfa, sfa, d),
                        Code::InvalidArgument,
                        "fixture_fp8_tile reference: tensor 'b' is f8e4m3 "
                        "[4, 16]; expected f8e4m3 [4, 8]"));
}

TEST(FixtureReference, RegistryRunsOnManifestTensors) {
  Manifest m = parseOrDie(kFixtureManifest);
  const ReferenceKernel *ref = findReference(m.problemFamily);
  ASSERT_NE(ref, nullptr);
  EXPECT_EQ(ref->outputs, (std::vector<std::string>{"d"}));
  EXPECT_EQ(findReference("no_such_family"), nullptr);

  std::vector<HostTensor> tensors;
  FillOptions options;
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    tensors.push_back(*makeHostTensor(m.tensors[i], m.tensors[i].shape));
    fillRandom(tensors.back(), options, i);
  }
  fillPoison(tensors[4]);
  ASSERT_TRUE(ref->compute(m, tensors).ok());
  EXPECT_EQ(ref->flops(m, tensors), 2.0 * 128 * 128 * 128);

  // Spot-check one element against a direct evaluation of the formula.
  const HostTensor &A = tensors[0], &B = tensors[1], &D = tensors[4];
  for (int64_t mi : {0, 77, 127})
    for (int64_t ni : {0, 5, 127}) {
      long double sum = 0;
      for (int64_t k = 0; k < 128; ++k)
        sum +=
            static_cast<long double>(A.get(mi * 128 + k)) * B.get(ni * 128 + k);
      long double scale =
          std::ldexp(1.0L, static_cast<int>(tensors[2].getBits(mi) - 127)) *
          std::ldexp(1.0L, static_cast<int>(tensors[3].getBits(ni) - 127));
      EXPECT_EQ(D.get(mi * 128 + ni), static_cast<float>(scale * sum))
          << mi << ", " << ni;
    }
}

TEST(FixtureReference, NeedsNamedTensors) {
  Manifest m = parseOrDie(patched(
      kFixtureManifest, [](Json &j) { j["tensors"][2]["name"] = "scale_a"; }));
  std::vector<HostTensor> tensors;
  for (const TensorSpec &t : m.tensors)
    tensors.push_back(*makeHostTensor(t, t.shape));
  EXPECT_TRUE(failsWith(findReference("fixture_fp8_tile")->compute(m, tensors),
                        Code::InvalidArgument,
                        "fixture_fp8_tile reference needs a tensor named "
                        "'sfa'"));
}

//===----------------------------------------------------------------------===//
// --sizes
//===----------------------------------------------------------------------===//

TEST(SizeOverrides, Parse) {
  Expected<std::vector<SizeOverride>> s =
      parseSizeOverrides("a=0:4096,d=0:4096,x_1=2:7");
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ((*s)[2].tensor, "x_1");
  EXPECT_EQ((*s)[2].dim, 2);
  EXPECT_EQ((*s)[2].size, 7);
  // A dim past any rank (here one that an int would truncate to 0) too.
  for (const char *bad :
       {"a0:4", "a=0", "=0:4", "a=x:4", "a=0:0", "a=0:4x", "a=4294967296:4096"})
    EXPECT_TRUE(failsWith(parseSizeOverrides(bad), Code::InvalidArgument,
                          "expected name=dim:size"))
        << bad;
}

} // namespace

//===----------------------------------------------------------------------===//
// GEMM reference
//===----------------------------------------------------------------------===//

namespace gemm {

HostTensor tensor(const char *name, DType dtype, std::vector<int64_t> sizes) {
  int contiguous = static_cast<int>(sizes.size()) - 1;
  return *makeHostTensor(spec(name, dtype, sizes, contiguous), sizes);
}

/// Writes `values` (row-major) as raw bits produced by `encode`.
template <typename F>
void setBits(HostTensor &t, const std::vector<float> &values, F encode) {
  size_t n = 0;
  t.forEachElement([&](int64_t o) { t.setBits(o, encode(values[n++])); });
}

uint32_t f32Bits(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  return bits;
}

float at(const HostTensor &t, int64_t i, int64_t j) {
  int64_t index[] = {i, j};
  return t.get(t.offsetOf(index));
}

} // namespace gemm

TEST(GemmReference, PackedUe8m0SelectsTheGranuleByte) {
  using namespace gemm;
  // One row, K = 8 with granularity 2: four granules in one i32 word.
  HostTensor a = tensor("a", DType::F8E4M3, {1, 8});
  HostTensor b = tensor("b", DType::F8E4M3, {1, 8});
  HostTensor sfa = tensor("sfa", DType::I32, {1, 4}); // [K/(4k), align(1,4)]
  HostTensor sfb = tensor("sfb", DType::I32, {1, 4});
  HostTensor d = tensor("d", DType::F32, {1, 1});
  setBits(a, {1, 1, 1, 1, 1, 1, 1, 1}, encodeF8E4M3);
  setBits(b, {1, 1, 1, 1, 1, 1, 1, 1}, encodeF8E4M3);
  // Granule g of A scaled by 2^g, B by 1.
  int64_t w[] = {0, 0};
  sfa.setBits(sfa.offsetOf(w), 127u | 128u << 8 | 129u << 16 | 130u << 24);
  sfb.setBits(sfb.offsetOf(w), 0x7f7f7f7fu);
  ScaleRecipe r{ScaleRecipe::Format::UE8M0, 1, 2, true};
  ASSERT_TRUE(
      referenceGemm({&a, true, &sfa, r}, {&b, true, &sfb, r}, nullptr, d).ok());
  // 2 * (1 + 2 + 4 + 8)
  EXPECT_EQ(at(d, 0, 0), 30.0f);
}

TEST(GemmReference, Nvfp4WithUe4m3ScalesAndAccumulate) {
  using namespace gemm;
  HostTensor a = tensor("a", DType::F4E2M1, {2, 32});
  HostTensor b = tensor("b", DType::F4E2M1, {1, 32});
  HostTensor sfa = tensor("sfa", DType::F8E4M3, {2, 2});
  HostTensor sfb = tensor("sfb", DType::F8E4M3, {1, 2});
  HostTensor c = tensor("c", DType::F32, {2, 1});
  HostTensor d = tensor("d", DType::F32, {2, 1});
  std::vector<float> rowA(64, 1.5f), rowB(32, 2.0f);
  setBits(a, rowA, encodeF4E2M1);
  setBits(b, rowB, encodeF4E2M1);
  setBits(sfa, {0.5f, 1.0f, 3.0f, 0.25f}, encodeF8E4M3);
  setBits(sfb, {1.0f, 2.0f}, encodeF8E4M3);
  setBits(c, {100, -1}, f32Bits);
  ScaleRecipe r{ScaleRecipe::Format::UE4M3, 1, 16, false};
  ASSERT_TRUE(
      referenceGemm({&a, true, &sfa, r}, {&b, true, &sfb, r}, &c, d).ok());
  // Row 0: 16 * 1.5*0.5 * 2*1 + 16 * 1.5*1 * 2*2 = 24 + 96, plus 100.
  EXPECT_EQ(at(d, 0, 0), 220.0f);
  // Row 1: 16 * 1.5*3 * 2 + 16 * 1.5*0.25 * 4 = 144 + 24, minus 1.
  EXPECT_EQ(at(d, 1, 0), 167.0f);

  // alpha scales the product before C is added (NVFP4's global scales).
  HostTensor alpha = tensor("alpha", DType::F32, {1});
  setBits(alpha, {0.25f}, f32Bits);
  ASSERT_TRUE(
      referenceGemm({&a, true, &sfa, r}, {&b, true, &sfb, r}, &c, d, &alpha)
          .ok());
  EXPECT_EQ(at(d, 0, 0), 130.0f); // 120 / 4 + 100
  EXPECT_EQ(at(d, 1, 0), 41.0f);  // 168 / 4 - 1
  HostTensor two = tensor("alpha", DType::F32, {2});
  EXPECT_FALSE(
      referenceGemm({&a, true, &sfa, r}, {&b, true, &sfb, r}, &c, d, &two)
          .ok());
}

TEST(GemmReference, Fp32ScalesRoundDownToPowersOfTwoPerBlock) {
  using namespace gemm;
  // A [3, 4] scaled per row (mn = 1), B [2, 4] per 2-row block (mn = 2).
  HostTensor sa = tensor("sfa", DType::F32, {3, 1});
  setBits(sa, {3.0f, 0.75f, -5.0f}, f32Bits);
  ScaleRecipe perRow{ScaleRecipe::Format::F32, 1, 4, false};
  EXPECT_EQ(gemmScale(sa, perRow, 0, 3), 2.0); // 3 -> 2
  EXPECT_EQ(gemmScale(sa, perRow, 1, 0), 0.5); // 0.75 -> 0.5
  EXPECT_EQ(gemmScale(sa, perRow, 2, 0), 4.0); // the magnitude's exponent
  HostTensor sb = tensor("sfb", DType::F32, {1, 2});
  setBits(sb, {8.0f, 16.0f}, f32Bits);
  ScaleRecipe block{ScaleRecipe::Format::F32, 2, 2, false};
  EXPECT_EQ(gemmScale(sb, block, 1, 1), 8.0);
  EXPECT_EQ(gemmScale(sb, block, 0, 3), 16.0);
}

TEST(GemmReference, PackingBlockScalesKeepsEveryElementsScale) {
  using namespace gemm;
  // B of the reference's 1D2D recipe: [N = 6, K = 10] with 4x2 blocks
  // (ragged in both), as UE8M0 bytes and as FP32; packed per row, every
  // element must keep its scale.
  int64_t n = 6, k = 10;
  HostTensor ue = tensor("sfb", DType::F8E8M0, {2, 5});
  HostTensor f32 = tensor("sfb", DType::F32, {2, 5});
  std::vector<float> exps = {120, 121, 122, 123, 124, 130, 131, 132, 133, 134};
  ue.forEachElement([&, i = 0](int64_t o) mutable {
    ue.setBits(o, static_cast<uint32_t>(exps[i++]));
  });
  std::vector<float> values;
  for (float e : exps) // 1.5 * 2^(e-127): rounds down to 2^(e-127)
    values.push_back(std::ldexp(1.5f, static_cast<int>(e) - 127));
  setBits(f32, values, f32Bits);
  for (auto [src, format] : {std::pair{&ue, ScaleRecipe::Format::UE8M0},
                             std::pair{&f32, ScaleRecipe::Format::F32}}) {
    ScaleRecipe from{format, 4, 2, false};
    Expected<HostTensor> packed = packUe8m0Scales(*src, from, n, k);
    ASSERT_TRUE(packed.ok()) << packed.error().message;
    EXPECT_EQ(packed->sizes, (std::vector<int64_t>{2, 8}));
    ScaleRecipe to{ScaleRecipe::Format::UE8M0, 1, 2, true};
    for (int64_t i = 0; i < n; ++i)
      for (int64_t kk = 0; kk < k; ++kk)
        EXPECT_EQ(gemmScale(*packed, to, i, kk), gemmScale(*src, from, i, kk))
            << i << ", " << kk;
    // Padding rows and the granules past K hold 1.0.
    int64_t pad[] = {1, 7};
    EXPECT_EQ(packed->getBits(packed->offsetOf(pad)), 0x7f7f7f7fu);
  }
}

TEST(GemmReference, PackingRejectsScalesUe8m0CannotHold) {
  using namespace gemm;
  HostTensor f32 = tensor("sfa", DType::F32, {1, 2});
  setBits(f32, {1.0f, 0.0f}, f32Bits);
  ScaleRecipe r{ScaleRecipe::Format::F32, 1, 128, false};
  Expected<HostTensor> zero = packUe8m0Scales(f32, r, 1, 256);
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.error().message.find("element [0, 1] = 0"), std::string::npos)
      << zero.error().message;
  setBits(f32, {1.0f, std::numeric_limits<float>::infinity()}, f32Bits);
  EXPECT_FALSE(packUe8m0Scales(f32, r, 1, 256).ok());
  // Too small for K = 384 (3 granules).
  EXPECT_FALSE(packUe8m0Scales(f32, r, 1, 384).ok());
  HostTensor ue4m3 = tensor("sfa", DType::F8E4M3, {1, 16});
  EXPECT_FALSE(
      packUe8m0Scales(ue4m3, {ScaleRecipe::Format::UE4M3, 1, 16, false}, 1, 256)
          .ok());
}

TEST(GemmReference, MnMajorOperandsAndBf16Rounding) {
  using namespace gemm;
  // A stored [K, M] (MN-major), B [N, K]; BF16 data and output.
  HostTensor a = tensor("a", DType::BF16, {2, 2}); // [K=2, M=2]
  HostTensor b = tensor("b", DType::BF16, {1, 2}); // [N=1, K=2]
  HostTensor d = tensor("d", DType::BF16, {2, 1});
  setBits(a, {1.0f, 2.0f, 256.0f, 1.0f}, encodeBF16); // A^T = [[1,256],[2,1]]
  setBits(b, {1.0f, 1.0f / 128}, encodeBF16);
  ASSERT_TRUE(referenceGemm({&a, false, nullptr, {}}, {&b, true, nullptr, {}},
                            nullptr, d)
                  .ok());
  EXPECT_EQ(at(d, 0, 0), 3.0f); // 1 + 256/128
  EXPECT_EQ(at(d, 1, 0), 2.0f); // 2 + 1/128 rounds to 2 in bf16
}

TEST(GemmReference, RejectsInconsistentOperands) {
  using namespace gemm;
  HostTensor a = tensor("a", DType::F8E4M3, {4, 64});
  HostTensor b = tensor("b", DType::F8E4M3, {2, 32});
  HostTensor d = tensor("d", DType::F32, {4, 2});
  EXPECT_TRUE(failsWith(
      referenceGemm({&a, true, nullptr, {}}, {&b, true, nullptr, {}}, nullptr,
                    d),
      Code::InvalidArgument,
      "gemm reference: operand b is [2, 32]; expected [MN, K] = [2, 64]"));
  HostTensor b64 = tensor("b", DType::F8E4M3, {2, 64});
  ScaleRecipe r;
  EXPECT_TRUE(failsWith(referenceGemm({&a, true, nullptr, r},
                                      {&b64, true, nullptr, {}}, nullptr, d),
                        Code::InvalidArgument,
                        "gemm reference: operand a needs both a scale tensor "
                        "and a recipe, or neither"));
  HostTensor d16 = tensor("d", DType::F16, {4, 2});
  EXPECT_TRUE(failsWith(referenceGemm({&a, true, nullptr, {}},
                                      {&b64, true, nullptr, {}}, nullptr, d16),
                        Code::InvalidArgument,
                        "gemm reference: d is f16; expected f32 or bf16"));
}

TEST(GemmReference, DiffBoundsFollowTheOperandTypes) {
  const ReferenceKernel *ref = findReference("gemm");
  ASSERT_NE(ref, nullptr);
  ASSERT_NE(ref->maxDiff, nullptr);
  Manifest m;
  auto bound = [&](DType a, DType b) {
    m.tensors = {spec("a", a, {1, 64}, 1), spec("b", b, {1, 64}, 1),
                 spec("d", DType::BF16, {1, 1}, 1)};
    return ref->maxDiff(m);
  };
  EXPECT_EQ(bound(DType::F8E4M3, DType::F8E4M3), 0.001);
  EXPECT_EQ(bound(DType::BF16, DType::BF16), 0.001);
  EXPECT_EQ(bound(DType::F8E4M3, DType::F4E2M1), 0.01);
  EXPECT_EQ(bound(DType::F4E2M1, DType::F8E4M3), 0.01);
  EXPECT_EQ(bound(DType::F4E2M1, DType::F4E2M1), 0.02);
}

TEST(GemmReference, PackedScalesAreFilledWithValidExponents) {
  const ReferenceKernel *ref = findReference("gemm");
  ASSERT_NE(ref, nullptr);
  ASSERT_NE(ref->prepareInputs, nullptr);
  Manifest m;
  m.problemJson = R"({"family": "gemm",
      "sfa": {"format": "ue8m0", "mn": 1, "k": 128, "packed": true}})";
  m.tensors = {spec("sfa", DType::I32, {2, 8}, 1)};
  std::vector<HostTensor> t = {*makeHostTensor(m.tensors[0], {2, 8})};
  FillOptions options;
  ref->prepareInputs(m, t, options);
  t[0].forEachElement([&](int64_t offset) {
    uint32_t word = t[0].getBits(offset);
    for (int byte = 0; byte < 4; ++byte) {
      int e = (word >> (8 * byte)) & 0xff;
      EXPECT_GE(e, options.scaleExpMin);
      EXPECT_LE(e, options.scaleExpMax);
    }
  });
}

// UE4M3 is unsigned: the filled scales are positive, finite e4m3 with the
// exponent in the scale range; small-integer runs keep one mantissa bit.
TEST(GemmReference, Ue4m3ScalesArePositiveAndInRange) {
  const ReferenceKernel *ref = findReference("gemm");
  ASSERT_NE(ref, nullptr);
  Manifest m;
  m.problemJson = R"({"family": "gemm",
      "sfb": {"format": "ue4m3", "mn": 1, "k": 16, "packed": false}})";
  m.tensors = {spec("sfb", DType::F8E4M3, {16, 16}, 1)};
  for (bool smallInt : {false, true}) {
    std::vector<HostTensor> t = {*makeHostTensor(m.tensors[0], {16, 16})};
    FillOptions options;
    options.smallInt = smallInt;
    ref->prepareInputs(m, t, options);
    t[0].forEachElement([&](int64_t offset) {
      uint32_t bits = t[0].getBits(offset);
      float v = t[0].get(offset);
      EXPECT_EQ(bits & 0x80, 0u) << "sign set";
      EXPECT_TRUE(std::isfinite(v) && v > 0) << v;
      if (smallInt) {
        EXPECT_EQ(bits & 0x3, 0u) << "more than one mantissa bit";
        EXPECT_GE(v, 0.5f);
        EXPECT_LE(v, 3.0f);
      } else {
        EXPECT_GE(v, std::ldexp(1.0f, options.scaleExpMin - 127));
        EXPECT_LE(v, std::ldexp(1.0f, options.scaleExpMax - 127 + 1));
      }
    });
  }
}

TEST(GemmReference, RegistryReadsRecipesFromTheProblem) {
  const ReferenceKernel *ref = findReference("gemm");
  ASSERT_NE(ref, nullptr);
  Manifest m;
  m.problemJson = R"({"family": "gemm", "a_major": "k", "b_major": "k",
      "sfa": {"format": "ue8m0", "mn": 1, "k": 2, "packed": false},
      "sfb": {"format": "ue8m0", "mn": 1, "k": 2, "packed": false}})";
  m.tensors = {
      spec("a", DType::F8E4M3, {1, 2}, 1), spec("b", DType::F8E4M3, {1, 2}, 1),
      spec("sfa", DType::F8E8M0, {1, 1}, 1),
      spec("sfb", DType::F8E8M0, {1, 1}, 1), spec("d", DType::F32, {1, 1}, 1)};
  std::vector<HostTensor> t;
  for (const TensorSpec &s : m.tensors)
    t.push_back(*makeHostTensor(s, s.shape));
  gemm::setBits(t[0], {2, 3}, encodeF8E4M3);
  gemm::setBits(t[1], {1, 1}, encodeF8E4M3);
  t[2].setBits(0, 128); // 2
  t[3].setBits(0, 126); // 0.5
  ASSERT_TRUE(ref->compute(m, t).ok());
  EXPECT_EQ(gemm::at(t[4], 0, 0), 5.0f);
  EXPECT_EQ(ref->flops(m, t), 2.0 * 1 * 1 * 2);

  m.problemJson = R"({"family": "gemm", "sfa": {"format": "e5m2"}})";
  EXPECT_TRUE(failsWith(ref->compute(m, t), Code::InvalidArgument,
                        "gemm reference: problem.sfa.format is 'e5m2'; "
                        "expected ue8m0, ue4m3 or f32"));
}

//===----------------------------------------------------------------------===//
// Grouped GEMM
//===----------------------------------------------------------------------===//

// Rows 0-1 use B[1], row 2 is padding (-1, left alone), row 3 uses B[0];
// A's packed scales follow the rows into their group.
TEST(GroupedReference, RowLayoutPicksEachRowsB) {
  using namespace gemm;
  HostTensor a = tensor("a", DType::F8E4M3, {4, 2});
  setBits(a, {1, 2, 3, 4, 5, 6, 1, 1}, encodeF8E4M3);
  HostTensor b = tensor("b", DType::F8E4M3, {2, 1, 2});
  setBits(b, {1, 0, 0, 1}, encodeF8E4M3); // B[0] = [1, 0], B[1] = [0, 1]
  HostTensor sfa = tensor("sfa", DType::I32, {1, 4});
  setBits(sfa, {0, 0, 0, 0}, [](float) { return 0x7f7f7f80u; }); // 2 per row
  HostTensor sfb = tensor("sfb", DType::I32, {2, 1, 4});
  setBits(sfb, std::vector<float>(8), [](float) { return 0x7f7f7f7fu; });
  HostTensor layout = tensor("layout", DType::I32, {4});
  setBits(layout, {1, 1, -1, 0},
          [](float v) { return static_cast<uint32_t>(static_cast<int>(v)); });
  HostTensor d = tensor("d", DType::F32, {4, 1});
  setBits(d, {9, 9, 9, 9}, f32Bits);
  ScaleRecipe packed{ScaleRecipe::Format::UE8M0, 1, 2, true};
  ASSERT_TRUE(referenceGroupedGemm({&a, true, &sfa, packed},
                                   {&b, true, &sfb, packed}, layout, false,
                                   nullptr, d)
                  .ok());
  EXPECT_EQ(at(d, 0, 0), 4.0f); // 2 * 2
  EXPECT_EQ(at(d, 1, 0), 8.0f); // 2 * 4
  EXPECT_EQ(at(d, 2, 0), 9.0f); // padding: untouched
  EXPECT_EQ(at(d, 3, 0), 2.0f); // 2 * 1 with B[0]
}

TEST(GroupedReference, PrefixSumsBoundEachGroup) {
  using namespace gemm;
  HostTensor a = tensor("a", DType::BF16, {4, 1});
  setBits(a, {1, 2, 3, 4}, encodeBF16);
  HostTensor b = tensor("b", DType::BF16, {3, 1, 1});
  setBits(b, {10, 20, 30}, encodeBF16);
  HostTensor ends = tensor("layout", DType::I32, {3});
  // Group 0: rows 0-1, group 1: none, group 2: row 2; row 3 past the end.
  setBits(ends, {2, 2, 3},
          [](float v) { return static_cast<uint32_t>(static_cast<int>(v)); });
  HostTensor d = tensor("d", DType::F32, {4, 1});
  setBits(d, {-1, -1, -1, -1}, f32Bits);
  ASSERT_TRUE(referenceGroupedGemm({&a, true, nullptr, {}},
                                   {&b, true, nullptr, {}}, ends, true, nullptr,
                                   d)
                  .ok());
  EXPECT_EQ(at(d, 0, 0), 10.0f);
  EXPECT_EQ(at(d, 1, 0), 20.0f);
  EXPECT_EQ(at(d, 2, 0), 90.0f);
  EXPECT_EQ(at(d, 3, 0), -1.0f);
}

// The harness's inputs: groups padded to the kernel's alignment, one of
// them empty, the rows of no group marked in d.
namespace {
/// The manifest's tensors, allocated and filled by `ref`'s preparation.
std::vector<HostTensor> preparedTensors(const ReferenceKernel &ref,
                                        const Manifest &m) {
  std::vector<HostTensor> t;
  for (const TensorSpec &s : m.tensors)
    t.push_back(*makeHostTensor(s, s.shape));
  ref.prepareInputs(m, t, FillOptions());
  return t;
}
} // namespace

TEST(GroupedReference, PreparedLayoutsAreAligned) {
  const ReferenceKernel *ref = findReference("grouped_gemm");
  ASSERT_NE(ref, nullptr);
  for (bool prefix : {false, true}) {
    Manifest m;
    m.problemJson = std::string(R"({"family": "grouped_gemm",
        "kind": "contiguous", "m_alignment": 64, "prefix_sum": )") +
                    (prefix ? "true}" : "false}");
    int64_t rows = 1000, groups = 4;
    m.tensors = {spec("a", DType::BF16, {rows, 32}, 1),
                 spec("b", DType::BF16, {groups, 16, 32}, 2),
                 spec("layout", DType::I32, {prefix ? groups : rows}, 0),
                 spec("d", DType::F32, {rows, 16}, 1)};
    std::vector<HostTensor> t = preparedTensors(*ref, m);
    std::vector<int64_t> owner(rows, -1);
    if (prefix) {
      int64_t start = 0;
      for (int64_t g = 0; g < groups; ++g) {
        int64_t end = static_cast<int32_t>(t[2].getBits(g));
        ASSERT_GE(end, start);
        if (g + 1 < groups) { // every group but the last ends on a tile
          EXPECT_EQ(end % 64, 0) << "group " << g;
        }
        for (int64_t r = start; r < end; ++r)
          owner[r] = g;
        start = end;
      }
      EXPECT_EQ(t[2].getBits(1), t[2].getBits(0)) << "group 1 is empty";
    } else {
      for (int64_t r = 0; r < rows; ++r)
        owner[r] = static_cast<int32_t>(t[2].getBits(r));
      for (int64_t r = 0; r < rows; ++r)
        if (owner[r] >= 0 && (r == 0 || owner[r - 1] != owner[r])) {
          EXPECT_EQ(r % 64, 0) << "group " << owner[r] << " starts at " << r;
        }
      EXPECT_EQ(std::count(owner.begin(), owner.end(), 1), 0);
    }
    EXPECT_GT(std::count(owner.begin(), owner.end(), 0), 0);
    for (int64_t r = 0; r < rows; ++r)
      if (owner[r] < 0) {
        EXPECT_EQ(gemm::at(t[3], r, 0), 7.0f) << "row " << r;
      }
    EXPECT_GT(ref->flops(m, t), 0);
  }
}

// Three groups along K = 2 + 0 + 1 columns: each D[g] is C[g] plus its own
// columns' product; the empty group's D is its C. MN-major operands (the
// transposes) give the same.
TEST(KGroupedReference, EachGroupSumsItsColumns) {
  using namespace gemm;
  HostTensor ks = tensor("ks", DType::I32, {3});
  setBits(ks, {2, 0, 1}, [](float v) { return static_cast<uint32_t>(v); });
  HostTensor a = tensor("a", DType::BF16, {2, 3}); // [M, sum K]
  setBits(a, {1, 2, 3, 4, 5, 6}, encodeBF16);
  HostTensor b = tensor("b", DType::BF16, {1, 3}); // [N, sum K]
  setBits(b, {10, 100, 1000}, encodeBF16);
  HostTensor c = tensor("c", DType::F32, {3, 2, 1});
  setBits(c, {0.5f, 1.5f, 2, 3, 4, 5}, f32Bits);
  HostTensor aT = tensor("a", DType::BF16, {3, 2}); // [sum K, M]
  setBits(aT, {1, 4, 2, 5, 3, 6}, encodeBF16);
  HostTensor bT = tensor("b", DType::BF16, {3, 1});
  setBits(bT, {10, 100, 1000}, encodeBF16);
  for (bool kMajor : {true, false}) {
    HostTensor d = tensor("d", DType::F32, {3, 2, 1});
    ASSERT_TRUE(referenceKGroupedGemm(
                    {kMajor ? &a : &aT, kMajor, nullptr, std::nullopt},
                    {kMajor ? &b : &bT, kMajor, nullptr, std::nullopt}, ks, c,
                    d)
                    .ok());
    std::vector<float> got;
    d.forEachElement([&](int64_t o) { got.push_back(d.get(o)); });
    EXPECT_EQ(got, (std::vector<float>{
                       210.5f,  // 1 * 10 + 2 * 100 + 0.5
                       541.5f,  // 4 * 10 + 5 * 100 + 1.5
                       2, 3,    // group 1: C
                       3004.0f, // 3 * 1000 + 4
                       6005.0f  // 6 * 1000 + 5
                   }));
  }
  setBits(ks, {2, 0, 2}, [](float v) { return static_cast<uint32_t>(v); });
  HostTensor d = tensor("d", DType::F32, {3, 2, 1});
  EXPECT_TRUE(failsWith(
      referenceKGroupedGemm({&a, true, nullptr, std::nullopt},
                            {&b, true, nullptr, std::nullopt}, ks, c, d),
      Code::InvalidArgument,
      "grouped_gemm k_grouped reference: group 2 has K = 2 past sum K = 3"));
}

// Packed scales: each group's words start on a new row, whatever the
// previous group's K left of its last word.
TEST(KGroupedReference, EachGroupsScalesStartOnAWord) {
  using namespace gemm;
  // Granularity 1: a word covers 4 columns; group 0 has 2 columns (one
  // word), group 1 has 5 (two words).
  HostTensor ks = tensor("ks", DType::I32, {2});
  setBits(ks, {2, 5}, [](float v) { return static_cast<uint32_t>(v); });
  HostTensor a = tensor("a", DType::F8E4M3, {1, 7});
  setBits(a, {1, 1, 1, 1, 1, 1, 1}, encodeF8E4M3);
  HostTensor b = tensor("b", DType::F8E4M3, {1, 7});
  setBits(b, {1, 1, 1, 1, 1, 1, 1}, encodeF8E4M3);
  HostTensor sfa = tensor("sfa", DType::I32, {3, 4});
  HostTensor sfb = tensor("sfb", DType::I32, {3, 4});
  sfb.forEachElement([&](int64_t o) { sfb.setBits(o, 0x7f7f7f7fu); });
  sfa.forEachElement([&](int64_t o) { sfa.setBits(o, 0x7f7f7f7fu); });
  // Word 0 (group 0): 2^1 on its first granule. Word 1 (group 1, columns
  // 0-3): 2^2 on its granule 0. Word 2 (group 1, column 4): 2^3.
  int64_t w0[] = {0, 0}, w1[] = {1, 0}, w2[] = {2, 0};
  sfa.setBits(sfa.offsetOf(w0), 0x7f7f7f80u);
  sfa.setBits(sfa.offsetOf(w1), 0x7f7f7f81u);
  sfa.setBits(sfa.offsetOf(w2), 0x7f7f7f82u);
  HostTensor c = tensor("c", DType::F32, {2, 1, 1});
  setBits(c, {0, 0}, f32Bits);
  HostTensor d = tensor("d", DType::F32, {2, 1, 1});
  ScaleRecipe r{ScaleRecipe::Format::UE8M0, 1, 1, true};
  ASSERT_TRUE(
      referenceKGroupedGemm({&a, true, &sfa, r}, {&b, true, &sfb, r}, ks, c, d)
          .ok());
  std::vector<float> got;
  d.forEachElement([&](int64_t o) { got.push_back(d.get(o)); });
  // 2 + 1, and 4 + 1 + 1 + 1 + 8.
  EXPECT_EQ(got, (std::vector<float>{3, 15}));
}

TEST(KGroupedReference, PreparedSizesAreAlignedAndFit) {
  const ReferenceKernel *ref = findReference("grouped_gemm");
  ASSERT_NE(ref, nullptr);
  Manifest m;
  m.problemJson = R"({"family": "grouped_gemm", "kind": "k_grouped",
      "k_alignment": 64, "a_major": "mn", "b_major": "mn"})";
  int64_t sumK = 2048, groups = 5;
  m.tensors = {spec("a", DType::BF16, {sumK, 16}, 1),
               spec("b", DType::BF16, {sumK, 8}, 1),
               spec("layout", DType::I32, {groups}, 0),
               spec("c", DType::F32, {groups, 16, 8}, 2),
               spec("d", DType::F32, {groups, 16, 8}, 2)};
  std::vector<HostTensor> t = preparedTensors(*ref, m);
  int64_t used = 0;
  for (int64_t g = 0; g < groups; ++g) {
    int64_t k = static_cast<int32_t>(t[2].getBits(g));
    EXPECT_EQ(k % 64, 0) << "group " << g;
    EXPECT_GE(k, 0);
    EXPECT_EQ(k == 0, g == 1) << "group " << g;
    used += k;
  }
  EXPECT_LE(used, sumK);
  EXPECT_GT(used, sumK / 2);
  EXPECT_EQ(ref->flops(m, t), 2.0 * 16 * 8 * used);
  ASSERT_TRUE(ref->compute(m, t).ok());
}

// Group 0 has 2 valid rows of 3, group 1 none, group 2 all 3; A's packed
// scales are per group and row. Rows at or past the count stay as they were.
TEST(MaskedReference, CountsBoundEachGroup) {
  using namespace gemm;
  HostTensor a = tensor("a", DType::F8E4M3, {3, 3, 1});
  setBits(a, {1, 2, 3, 4, 5, 6, 1, 2, 4}, encodeF8E4M3);
  HostTensor b = tensor("b", DType::F8E4M3, {3, 1, 1});
  setBits(b, {1, 3, 0.5f}, encodeF8E4M3);
  HostTensor sfa = tensor("sfa", DType::I32, {3, 1, 4});
  for (int64_t i = 0; i < 12; ++i) // 2 for group 2, else 1
    sfa.setBits(i, i >= 8 ? 0x7f7f7f80u : 0x7f7f7f7fu);
  HostTensor sfb = tensor("sfb", DType::I32, {3, 1, 4});
  sfb.forEachElement([&](int64_t o) { sfb.setBits(o, 0x7f7f7f7fu); });
  HostTensor counts = tensor("layout", DType::I32, {3});
  setBits(counts, {2, 0, 3},
          [](float v) { return static_cast<uint32_t>(static_cast<int>(v)); });
  HostTensor d = tensor("d", DType::F32, {3, 3, 1});
  d.forEachElement([&](int64_t o) { d.setBits(o, f32Bits(9)); });
  ScaleRecipe packed{ScaleRecipe::Format::UE8M0, 1, 2, true};
  ASSERT_TRUE(referenceMaskedGemm({&a, true, &sfa, packed},
                                  {&b, true, &sfb, packed}, counts, nullptr, d)
                  .ok());
  auto at3 = [&](int64_t g, int64_t r) {
    int64_t index[] = {g, r, 0};
    return d.get(d.offsetOf(index));
  };
  EXPECT_EQ(at3(0, 0), 1.0f);
  EXPECT_EQ(at3(0, 1), 2.0f);
  EXPECT_EQ(at3(0, 2), 9.0f); // past the count
  for (int64_t r = 0; r < 3; ++r)
    EXPECT_EQ(at3(1, r), 9.0f) << "empty group, row " << r;
  EXPECT_EQ(at3(2, 0), 1.0f); // 1 * 0.5 * 2
  EXPECT_EQ(at3(2, 1), 2.0f);
  EXPECT_EQ(at3(2, 2), 4.0f);

  setBits(counts, {2, 4, 3},
          [](float v) { return static_cast<uint32_t>(static_cast<int>(v)); });
  EXPECT_TRUE(failsWith(
      referenceMaskedGemm({&a, true, &sfa, packed}, {&b, true, &sfb, packed},
                          counts, nullptr, d),
      Code::InvalidArgument,
      "grouped_gemm masked reference: group 1 has 4 rows; expected 0 to "
      "max_m = 3"));
}

// The harness's counts: around problem.expected_m, at most max_m, group 1
// empty; the rows past each count are marked in d.
TEST(MaskedReference, PreparedCountsAndUntouchedRows) {
  const ReferenceKernel *ref = findReference("grouped_gemm");
  ASSERT_NE(ref, nullptr);
  Manifest m;
  m.problemJson = R"({"family": "grouped_gemm", "kind": "masked",
      "expected_m": 40, "prefix_sum": false})";
  int64_t groups = 5, maxM = 48;
  m.tensors = {spec("a", DType::BF16, {groups, maxM, 32}, 2),
               spec("b", DType::BF16, {groups, 16, 32}, 2),
               spec("layout", DType::I32, {groups}, 0),
               spec("d", DType::BF16, {groups, maxM, 16}, 2)};
  std::vector<HostTensor> t = preparedTensors(*ref, m);
  int64_t valid = 0;
  for (int64_t g = 0; g < groups; ++g) {
    int64_t count = static_cast<int32_t>(t[2].getBits(g));
    if (g == 1)
      EXPECT_EQ(count, 0);
    else
      EXPECT_TRUE(count >= 28 && count <= maxM) << count;
    valid += count;
    for (int64_t r = count; r < maxM; ++r) {
      int64_t index[] = {g, r, 15};
      EXPECT_EQ(t[3].get(t[3].offsetOf(index)), 7.0f);
    }
  }
  EXPECT_EQ(ref->flops(m, t), 2.0 * valid * 16 * 32);
  ASSERT_TRUE(ref->compute(m, t).ok());
}

// bhr,hdr->bhd: each head multiplies its own slice of a's middle dimension
// by its matrix of b, with that head's scales, and writes d's middle slice.
TEST(BatchedReference, HeadsAreInterleavedInAAndD) {
  using namespace gemm;
  // b = 2 rows, h = 2 heads, r = 2.
  HostTensor a = tensor("a", DType::F8E4M3, {2, 2, 2});
  setBits(a, {1, 2, 3, 4, 5, 6, 0.5f, 1}, encodeF8E4M3);
  HostTensor b = tensor("b", DType::F8E4M3, {2, 1, 2});
  setBits(b, {1, 1, 2, -1}, encodeF8E4M3);
  HostTensor sfa = tensor("sfa", DType::I32, {2, 1, 4});
  for (int64_t i = 0; i < 8; ++i) // head 1 scaled by 2
    sfa.setBits(i, i >= 4 ? 0x7f7f7f80u : 0x7f7f7f7fu);
  HostTensor sfb = tensor("sfb", DType::I32, {2, 1, 4});
  sfb.forEachElement([&](int64_t o) { sfb.setBits(o, 0x7f7f7f7fu); });
  HostTensor c = tensor("c", DType::F32, {2, 2, 1});
  setBits(c, {10, 20, 30, 40}, f32Bits);
  HostTensor d = tensor("d", DType::F32, {2, 2, 1});
  ScaleRecipe packed{ScaleRecipe::Format::UE8M0, 1, 2, true};
  ASSERT_TRUE(referenceBatchedGemm({&a, true, &sfa, packed},
                                   {&b, true, &sfb, packed}, &c, d)
                  .ok());
  auto at = [&](int64_t row, int64_t h) {
    int64_t index[] = {row, h, 0};
    return d.get(d.offsetOf(index));
  };
  EXPECT_EQ(at(0, 0), 13.0f); // (1 + 2) + 10
  EXPECT_EQ(at(0, 1), 24.0f); // 2 * (2 * 3 - 4) + 20
  EXPECT_EQ(at(1, 0), 41.0f); // (5 + 6) + 30
  EXPECT_EQ(at(1, 1), 40.0f); // 2 * (2 * 0.5 - 1) + 40

  HostTensor wrong = tensor("d", DType::F32, {2, 1, 1});
  EXPECT_TRUE(failsWith(
      referenceBatchedGemm({&a, true, &sfa, packed}, {&b, true, &sfb, packed},
                           nullptr, wrong),
      Code::InvalidArgument,
      "batched_gemm bhr,hdr->bhd reference: a [b, h, r], b [h, d, r] and d "
      "[b, h, d] disagree"));
}

namespace {
/// The manifest's tensors, a and b (the first two) small integers.
std::vector<HostTensor> smallIntOperands(const Manifest &m) {
  std::vector<HostTensor> t;
  for (const TensorSpec &s : m.tensors)
    t.push_back(*makeHostTensor(s, s.shape));
  FillOptions fill;
  fill.smallInt = true;
  for (size_t i = 0; i < 2; ++i)
    fillRandom(t[i], fill, i);
  return t;
}

/// Runs the batched_gemm family's reference on small-integer a [5, 3, 32]
/// and b (B's K along `kDim`: 2 for bhr,hdr->bhd, 1 for bhd,hdr->bhr) with
/// d [5, 3, 16], and checks the flops and d[4, 2, 7] = a[4, 2, :] . b's
/// column 7 of head 2. Returns the tensors for further cases.
std::vector<HostTensor> checkBatchedFamily(Manifest &m, int kDim) {
  const ReferenceKernel *ref = findReference("batched_gemm");
  EXPECT_NE(ref, nullptr);
  std::vector<int64_t> bShape = kDim == 2 ? std::vector<int64_t>{3, 16, 32}
                                          : std::vector<int64_t>{3, 32, 16};
  m.tensors = {spec("a", DType::BF16, {5, 3, 32}, 2),
               spec("b", DType::BF16, bShape, 2),
               spec("d", DType::F32, {5, 3, 16}, 2)};
  std::vector<HostTensor> t = smallIntOperands(m);
  EXPECT_EQ(ref->flops(m, t), 2.0 * 5 * 3 * 16 * 32);
  EXPECT_TRUE(ref->compute(m, t).ok());
  double want = 0;
  for (int64_t k = 0; k < 32; ++k) {
    int64_t ia[] = {4, 2, k};
    int64_t ib[] = {2, kDim == 2 ? 7 : k, kDim == 2 ? k : 7};
    want += t[0].get(t[0].offsetOf(ia)) * t[1].get(t[1].offsetOf(ib));
  }
  int64_t id[] = {4, 2, 7};
  EXPECT_EQ(t[2].get(t[2].offsetOf(id)), static_cast<float>(want));
  return t;
}
} // namespace

// The family's entry: the equation from the problem, flops 2 b h d r.
TEST(BatchedReference, FamilyReadsTheEquation) {
  Manifest m;
  m.problemJson = R"({"family": "batched_gemm", "equation": "bhr,hdr->bhd",
      "a_major": "k", "b_major": "k"})";
  std::vector<HostTensor> t = checkBatchedFamily(m, 2);
  m.problemJson = R"({"family": "batched_gemm", "equation": "bhd,bdr->bhr"})";
  EXPECT_TRUE(failsWith(findReference("batched_gemm")->compute(m, t),
                        Code::NotSupported,
                        "batched_gemm reference: equations 'bhr,hdr->bhd', "
                        "'bhd,hdr->bhr', 'bhd,bhr->hdr', 'bmk,bnk->mn' and "
                        "'bmk,bnk->bmn'; got 'bhd,bdr->bhr'"));
}

// bhd,hdr->bhr: B [h, d, r] is MN-major, K = d.
TEST(BatchedReference, MnMajorBContractsItsMiddleDim) {
  Manifest m;
  m.problemJson = R"({"family": "batched_gemm", "equation": "bhd,hdr->bhr",
      "a_major": "k", "b_major": "mn"})";
  std::vector<HostTensor> t = checkBatchedFamily(m, 1);
  // d shaped [b, h, d] (the K-major form's output) is refused.
  t[2] = *makeHostTensor(spec("d", DType::F32, {5, 3, 32}, 2), {5, 3, 32});
  EXPECT_TRUE(failsWith(findReference("batched_gemm")->compute(m, t),
                        Code::InvalidArgument,
                        "batched_gemm bhd,hdr->bhr reference: a [b, h, d], b "
                        "[h, d, r] and d [b, h, r] disagree"));
}

// bhd,bhr->hdr contracts the batch rows per head: D[h][i][j] = sum_b
// A[b][h][i] B[b][h][j] (+ C[h][i][j]).
TEST(BatchedReference, HeadContractionSumsTheBatchRows) {
  using namespace gemm;
  HostTensor a = tensor("a", DType::BF16, {2, 2, 1}); // [b, h, d]
  setBits(a, {1, 2, 3, 4}, encodeBF16);
  HostTensor b = tensor("b", DType::BF16, {2, 2, 1}); // [b, h, r]
  setBits(b, {10, 100, 1000, 2048}, encodeBF16);
  HostTensor c = tensor("c", DType::F32, {2, 1, 1});
  setBits(c, {0.5f, 0.25f}, f32Bits);
  HostTensor d = tensor("d", DType::F32, {2, 1, 1});
  ASSERT_TRUE(referenceBatchedGemm({&a, false, nullptr, std::nullopt},
                                   {&b, false, nullptr, std::nullopt}, &c, d)
                  .ok());
  std::vector<float> got;
  d.forEachElement([&](int64_t o) { got.push_back(d.get(o)); });
  // Head 0: 1 * 10 + 3 * 1000 + 0.5; head 1: 2 * 100 + 4 * 2048 + 0.25.
  EXPECT_EQ(got, (std::vector<float>{3010.5f, 8392.25f}));
  HostTensor wrong = tensor("d", DType::F32, {2, 1, 2});
  EXPECT_TRUE(failsWith(
      referenceBatchedGemm({&a, false, nullptr, std::nullopt},
                           {&b, false, nullptr, std::nullopt}, nullptr, wrong),
      Code::InvalidArgument,
      "batched_gemm bhd,bhr->hdr reference: a [b, h, d], b [b, h, r] and d "
      "[h, d, r] disagree"));
}

// bmk,bnk->mn sums every batch's product into one [m, n].
TEST(BatchedReference, BatchReducedSumsEveryBatch) {
  using namespace gemm;
  HostTensor a = tensor("a", DType::BF16, {2, 2, 1});
  setBits(a, {1, 2, 3, 4}, encodeBF16);
  HostTensor b = tensor("b", DType::BF16, {2, 1, 1});
  setBits(b, {10, 100}, encodeBF16);
  HostTensor c = tensor("c", DType::F32, {2, 1});
  setBits(c, {0.5f, 0.25f}, f32Bits);
  HostTensor d = tensor("d", DType::F32, {2, 1});
  ASSERT_TRUE(referenceBatchReducedGemm({&a, true, nullptr, std::nullopt},
                                        {&b, true, nullptr, std::nullopt}, &c,
                                        d)
                  .ok());
  int64_t row1[] = {1, 0};
  EXPECT_EQ(d.get(0), 310.5f);                 // 1 * 10 + 3 * 100 + 0.5
  EXPECT_EQ(d.get(d.offsetOf(row1)), 420.25f); // 2 * 10 + 4 * 100 + 0.25
  HostTensor wrong = tensor("d", DType::F32, {2, 2});
  EXPECT_TRUE(failsWith(
      referenceBatchReducedGemm({&a, true, nullptr, std::nullopt},
                                {&b, true, nullptr, std::nullopt}, nullptr,
                                wrong),
      Code::InvalidArgument,
      "batched_gemm bmk,bnk->mn reference: a [b, m, k], b [b, n, k] and d "
      "[m, n] disagree"));
}

// bmk,bnk->bmn: each batch multiplies its own matrices, with its own scales.
TEST(BatchedReference, StackedBatchesUseTheirOwnMatricesAndScales) {
  using namespace gemm;
  // 2 batches of (m, n, k) = (2, 1, 2).
  HostTensor a = tensor("a", DType::F8E4M3, {2, 2, 2});
  setBits(a, {1, 2, 3, 4, 5, 6, 0.5f, 1}, encodeF8E4M3);
  HostTensor b = tensor("b", DType::F8E4M3, {2, 1, 2});
  setBits(b, {1, 1, 2, -1}, encodeF8E4M3);
  HostTensor sfa = tensor("sfa", DType::I32, {2, 1, 4});
  sfa.forEachElement([&](int64_t o) { sfa.setBits(o, 0x7f7f7f7fu); });
  HostTensor sfb = tensor("sfb", DType::I32, {2, 1, 4});
  for (int64_t i = 0; i < 8; ++i) // batch 1's B scaled by 4
    sfb.setBits(i, i >= 4 ? 0x81818181u : 0x7f7f7f7fu);
  HostTensor c = tensor("c", DType::F32, {2, 2, 1});
  setBits(c, {10, 20, 30, 40}, f32Bits);
  HostTensor d = tensor("d", DType::F32, {2, 2, 1});
  ScaleRecipe packed{ScaleRecipe::Format::UE8M0, 1, 2, true};
  ASSERT_TRUE(referenceStackedBatchedGemm({&a, true, &sfa, packed},
                                          {&b, true, &sfb, packed}, &c, d)
                  .ok());
  std::vector<float> got;
  d.forEachElement([&](int64_t o) { got.push_back(d.get(o)); });
  // Batch 0: (1 + 2) + 10, (3 + 4) + 20; batch 1: 4 (2 * 5 - 6) + 30,
  // 4 (2 * 0.5 - 1) + 40.
  EXPECT_EQ(got, (std::vector<float>{13, 27, 46, 40}));
  HostTensor wrong = tensor("d", DType::F32, {1, 2, 1});
  EXPECT_TRUE(failsWith(
      referenceStackedBatchedGemm({&a, true, &sfa, packed},
                                  {&b, true, &sfb, packed}, nullptr, wrong),
      Code::InvalidArgument,
      "batched_gemm bmk,bnk->bmn reference: a [b, m, k], b [b, n, k] and d "
      "[b, m, n] disagree"));
}

// The family's entry runs bmk,bnk->bmn from the equation; flops 2 b m n k.
TEST(BatchedReference, FamilyRunsTheStackedForm) {
  Manifest m;
  m.problemJson = R"({"family": "batched_gemm", "equation": "bmk,bnk->bmn",
      "a_major": "k", "b_major": "k"})";
  m.tensors = {spec("a", DType::BF16, {3, 5, 32}, 2),
               spec("b", DType::BF16, {3, 16, 32}, 2),
               spec("d", DType::F32, {3, 5, 16}, 2)};
  std::vector<HostTensor> t = smallIntOperands(m);
  const ReferenceKernel *ref = findReference("batched_gemm");
  ASSERT_NE(ref, nullptr);
  EXPECT_EQ(ref->flops(m, t), 2.0 * 3 * 5 * 16 * 32);
  ASSERT_TRUE(ref->compute(m, t).ok());
  double want = 0;
  for (int64_t k = 0; k < 32; ++k) {
    int64_t ia[] = {2, 4, k}, ib[] = {2, 7, k};
    want += t[0].get(t[0].offsetOf(ia)) * t[1].get(t[1].offsetOf(ib));
  }
  int64_t id[] = {2, 4, 7};
  EXPECT_EQ(t[2].get(t[2].offsetOf(id)), static_cast<float>(want));
}

//===----------------------------------------------------------------------===//
// Bad bundles and sizes in the harness
//===----------------------------------------------------------------------===//

namespace {

TEST(HostTensorBounds, AccessOutsideTheElementsThrows) {
  HostTensor t = *makeHostTensor(spec("layout", DType::I32, {4}, 0), {4});
  t.setBits(3, 7);
  EXPECT_EQ(t.getBits(3), 7u);
  EXPECT_THROW(t.setBits(4, 1), std::out_of_range);
  EXPECT_THROW(t.getBits(-1), std::out_of_range);
}

/// A bf16 grouped GEMM with row layout: its M-sized tensors (a, layout, d)
/// each get their rows from the caller.
Json groupedManifest() {
  Json m = Json::parse(kFixtureManifest);
  m["kernel"] = {{"symbol", "grouped"}, {"cubin", "grouped.sm_90a.cubin"}};
  m["tensors"] = Json::array({{{"name", "a"},
                               {"dtype", "bf16"},
                               {"shape", {-1, 64}},
                               {"contiguous_dim", 1}},
                              {{"name", "b"},
                               {"dtype", "bf16"},
                               {"shape", {2, 16, 64}},
                               {"contiguous_dim", 2}},
                              {{"name", "layout"},
                               {"dtype", "i32"},
                               {"shape", {-1}},
                               {"contiguous_dim", 0}},
                              {{"name", "d"},
                               {"dtype", "bf16"},
                               {"shape", {-1, 16}},
                               {"contiguous_dim", 1}}});
  m["params"] = Json::array();
  for (int i = 0; i < 4; ++i)
    m["params"].push_back({{"kind", "pointer"}, {"tensor", i}});
  m["launch"] = {{"block", {128, 1, 1}},
                 {"dynamic_smem_bytes", 0},
                 {"grid",
                  {{"kind", "tiles"},
                   {"factors", {{{"tensor", 3}, {"dim", 0}, {"tile", 128}}}}}}};
  m["problem"] = {
      {"family", "grouped_gemm"}, {"kind", "contiguous"}, {"outputs", {"d"}}};
  return m;
}

Expected<HarnessResult> runGrouped(const Json &manifest,
                                   std::string_view sizes) {
  Expected<Bundle> bundle =
      Bundle::loadFromMemory(manifest.dump(), fakeCubin());
  if (!bundle)
    return bundle.error();
  HarnessOptions options;
  options.sizes = *parseSizeOverrides(sizes);
  return runBundle(*bundle, options);
}

// The test inputs' group layout is written for every row of A: a shorter
// layout is an error, before anything reaches a GPU.
TEST(Harness, SizesThatDisagreeAreAnError) {
  EXPECT_TRUE(
      failsWith(runGrouped(groupedManifest(), "a=0:256,layout=0:100,d=0:256"),
                Code::InvalidArgument,
                "tensor 'layout': element 100 is outside its 100 "
                "elements; do the tensor sizes agree?"));
}

// The problem description is free-form JSON the reference reads: a field of
// the wrong type is an invalid manifest, not an exception.
TEST(Harness, MistypedProblemFieldsAreAnInvalidManifest) {
  Json kind = groupedManifest();
  kind["problem"]["kind"] = 5;
  EXPECT_TRUE(failsWith(runGrouped(kind, "a=0:256,layout=0:256,d=0:256"),
                        Code::InvalidManifest,
                        "the bundle's problem description: "));
  Json prefix = groupedManifest();
  prefix["problem"]["prefix_sum"] = "yes";
  EXPECT_TRUE(failsWith(runGrouped(prefix, "a=0:256,layout=0:256,d=0:256"),
                        Code::InvalidManifest, "type must be boolean"));
}

} // namespace

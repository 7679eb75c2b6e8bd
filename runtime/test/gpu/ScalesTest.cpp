// The scale utilities on a GPU against their CPU references, bit for bit:
// quantizers (FP8 per token and per block, MXFP4, NVFP4 with and without a
// global scale; f32, packed UE8M0 and UE4M3 scale outputs; bf16, f16 and
// f32 inputs), scale packing from f32 and UE8M0 (strided, per block), and
// MN-major to K-major copies of every element width including FP4. Each
// quantizer case also prints how far the dequantized values lie from x
// (1 - 2 Σxy / Σ(x² + y²)) and checks it against a loose bound.
//
// Exits 77 (skip) without a GPU.

#include "sm120rt/Scales.hpp"
#include "GpuTestSupport.hpp"
#include "sm120rt/Reference.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

using namespace sm120rt;

namespace {

int gDevice = 0;

using test::DeviceTensor;
using test::hostTensor;

Expected<DeviceTensor> upload(const HostTensor &t) {
  return test::upload(t, gDevice);
}

Status download(const DeviceTensor &d, HostTensor &t) {
  if (Status s = synchronizeDevice(gDevice); !s)
    return s;
  return d.buffer.download(t.bytes.data(), t.bytes.size());
}

/// Values of |x| spread over 2^-12 .. 2^12 by row and 128-column block, so
/// that scales differ from block to block.
void fillSpread(HostTensor &x, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  int64_t rows = x.sizes[0], cols = x.sizes[1];
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      float v = std::ldexp(unit(rng),
                           static_cast<int>((r * 7 + c / 128 * 3) % 25) - 12);
      int64_t index[] = {r, c};
      uint32_t bits;
      if (x.dtype == DType::BF16)
        bits = encodeBF16(v);
      else if (x.dtype == DType::F16)
        bits = encodeF16(v);
      else
        std::memcpy(&bits, &v, sizeof(bits));
      x.setBits(x.offsetOf(index), bits);
    }
}

/// Mismatching bytes between the kernel's and the reference's tensors.
int64_t byteMismatches(const HostTensor &got, const HostTensor &ref,
                       const char *what, const char *name) {
  int64_t bad = 0, first = -1;
  for (size_t i = 0; i < ref.bytes.size(); ++i)
    if (got.bytes[i] != ref.bytes[i]) {
      if (first < 0)
        first = static_cast<int64_t>(i);
      ++bad;
    }
  if (bad)
    std::printf("  %s: %s differs in %lld bytes (first at byte %lld: %02x, "
                "expected %02x)\n",
                name, what, static_cast<long long>(bad),
                static_cast<long long>(first), got.bytes[first],
                ref.bytes[first]);
  return bad;
}

std::string joinSizes(const std::vector<int64_t> &sizes) {
  std::string text = "[";
  for (size_t i = 0; i < sizes.size(); ++i)
    text += (i ? ", " : "") + std::to_string(sizes[i]);
  return text + "]";
}

bool report(const char *name, const Status &s) {
  if (!s)
    std::printf("FAIL %s: %s\n", name, s.error().message.c_str());
  return static_cast<bool>(s);
}

struct QuantizeCase {
  const char *name;
  bool fp4;
  DType x, sf;
  int64_t m, k;
  int64_t blockMN, blockK;
  bool round = true;
  float global = 0; // 0: none; else a device scalar
  double maxDiff;   // bound on the dequantized values' distance from x
};

/// The scale of element (r, c) as the reference wrote it.
double scaleOf(const HostTensor &sf, const QuantizeCase &c, int64_t r,
               int64_t col) {
  int64_t g = col / c.blockK;
  if (sf.dtype == DType::I32) {
    int64_t index[] = {g / 4, r};
    uint32_t word = sf.getBits(sf.offsetOf(index));
    return decodeF8E8M0(static_cast<uint8_t>(word >> (8 * (g % 4))));
  }
  int64_t index[] = {r / c.blockMN, g};
  double s = sf.get(sf.offsetOf(index));
  return sf.dtype == DType::F8E4M3 && c.global ? s / c.global : s;
}

bool runQuantize(const QuantizeCase &c) {
  HostTensor x = hostTensor("x", c.x, {c.m, c.k});
  fillSpread(x, static_cast<uint64_t>(c.m * 131 + c.k));
  HostTensor q =
      hostTensor("q", c.fp4 ? DType::F4E2M1 : DType::F8E4M3, {c.m, c.k});
  int64_t granules = (c.k + c.blockK - 1) / c.blockK;
  HostTensor sf =
      c.sf == DType::I32
          ? hostTensor("sf", c.sf, {(granules + 3) / 4, (c.m + 3) / 4 * 4})
          : hostTensor("sf", c.sf,
                       {(c.m + c.blockMN - 1) / c.blockMN, granules});
  fillPoison(q);
  fillPoison(sf);
  HostTensor refQ = q, refSf = sf;
  QuantizeSpec spec{c.blockMN, c.blockK, c.round, c.global ? c.global : 1.0f};
  if (!report(c.name, referenceQuantize(x, spec, refQ, refSf)))
    return false;

  Expected<DeviceTensor> dx = upload(x), dq = upload(q), dsf = upload(sf);
  HostTensor g = hostTensor("g", DType::F32, {1});
  std::memcpy(g.bytes.data(), &c.global, sizeof(float));
  Expected<DeviceTensor> dg = upload(g);
  for (auto *e : {&dx, &dq, &dsf, &dg})
    if (!*e)
      return report(c.name, e->error());
  QuantizeOptions o;
  o.blockMN = c.blockMN;
  o.blockK = c.blockK;
  o.roundToUe8m0 = c.round;
  o.globalScale = c.global ? &dg->view : nullptr;
  o.device = gDevice;
  Status s = c.fp4 ? quantize_fp4(dx->view, dq->view, dsf->view, o)
                   : quantize_fp8(dx->view, dq->view, dsf->view, o);
  if (!report(c.name, s) || !report(c.name, download(*dq, q)) ||
      !report(c.name, download(*dsf, sf)))
    return false;
  int64_t bad = byteMismatches(q, refQ, "q", c.name) +
                byteMismatches(sf, refSf, "sf", c.name);

  // How well the quantized tensor represents x.
  double xy = 0, xx = 0;
  for (int64_t r = 0; r < c.m; ++r)
    for (int64_t col = 0; col < c.k; ++col) {
      int64_t index[] = {r, col};
      double a = x.get(x.offsetOf(index));
      double b = q.get(q.offsetOf(index)) * scaleOf(sf, c, r, col);
      xy += a * b;
      xx += a * a + b * b;
    }
  double diff = xx > 0 ? 1 - 2 * xy / xx : 0;
  bool ok = bad == 0 && diff <= c.maxDiff;
  std::printf("%s %s: [%lld, %lld] %s, block (%lld, %lld), sf %s: %s, "
              "dequantized diff %.2e (bound %.0e)\n",
              ok ? "PASS" : "FAIL", c.name, static_cast<long long>(c.m),
              static_cast<long long>(c.k), dtypeName(c.x).c_str(),
              static_cast<long long>(c.blockMN),
              static_cast<long long>(c.blockK), dtypeName(c.sf).c_str(),
              bad ? "differs from the reference" : "bit-exact", diff,
              c.maxDiff);
  return ok;
}

const QuantizeCase kQuantizeCases[] = {
    {"fp8_token_f32", false, DType::BF16, DType::F32, 1, 7168, 1, 128, true, 0,
     2e-3},
    {"fp8_token_packed", false, DType::F32, DType::I32, 513, 7168, 1, 128, true,
     0, 2e-3},
    {"fp8_token_exact_partial", false, DType::F16, DType::F32, 129, 200, 1, 128,
     false, 0, 1e-3},
    {"fp8_block_packed", false, DType::BF16, DType::I32, 1000, 2048, 128, 128,
     true, 0, 2e-3},
    {"fp8_block_f32", false, DType::F32, DType::F32, 256, 576, 128, 128, true,
     0, 2e-3},
    {"fp8_g32_packed", false, DType::BF16, DType::I32, 77, 1536, 1, 32, true, 0,
     2e-3},
    {"mxfp4_packed", true, DType::BF16, DType::I32, 77, 7168, 1, 32, true, 0,
     5e-2},
    {"mxfp4_f32_exact", true, DType::F32, DType::F32, 64, 256, 1, 32, false, 0,
     3e-2},
    {"nvfp4", true, DType::BF16, DType::F8E4M3, 300, 7168, 1, 16, true, 0,
     3e-2},
    {"nvfp4_global", true, DType::F32, DType::F8E4M3, 33, 4096, 1, 16, true,
     448.0f * 6.0f / 4096.0f, 3e-2},
};

/// pack_ue8m0_scales against packUe8m0Scales.
struct PackCase {
  const char *name;
  DType dtype;
  int64_t mn, k, granMN, granK;
  bool mnMajor; // scales stored column-major (MN contiguous)
};

const PackCase kPackCases[] = {
    {"pack_f32_token", DType::F32, 300, 7168, 1, 128, false},
    {"pack_f32_token_mn_major", DType::F32, 2112, 7168, 1, 128, true},
    {"pack_ue8m0_block", DType::F8E8M0, 7168, 2048, 128, 128, false},
    {"pack_f32_g32", DType::F32, 77, 1000, 1, 32, false},
};

bool runPack(const PackCase &c) {
  int64_t rows = (c.mn + c.granMN - 1) / c.granMN;
  int64_t granules = (c.k + c.granK - 1) / c.granK;
  HostTensor scales = hostTensor("scales", c.dtype, {rows, granules});
  if (c.mnMajor) {
    scales.strides = {1, rows};
    scales.bytes.assign(rows * granules * dtypeBits(c.dtype) / 8, 0);
  }
  std::mt19937_64 rng(static_cast<uint64_t>(c.mn + c.k));
  std::uniform_int_distribution<int> exponent(100, 150);
  std::uniform_real_distribution<float> mantissa(1.0f, 2.0f);
  scales.forEachElement([&](int64_t offset) {
    int e = exponent(rng);
    if (c.dtype == DType::F32) {
      // Powers of two and values between them (rounded down when packed).
      float v = std::ldexp(rng() % 2 ? 1.0f : mantissa(rng), e - 127);
      uint32_t bits;
      std::memcpy(&bits, &v, sizeof(bits));
      scales.setBits(offset, bits);
    } else {
      scales.setBits(offset, static_cast<uint32_t>(e));
    }
  });
  ScaleRecipe recipe{c.dtype == DType::F32 ? ScaleRecipe::Format::F32
                                           : ScaleRecipe::Format::UE8M0,
                     c.granMN, c.granK, false};
  Expected<HostTensor> ref = packUe8m0Scales(scales, recipe, c.mn, c.k);
  if (!ref)
    return report(c.name, ref.error());
  HostTensor packed = *ref;
  fillPoison(packed);
  Expected<DeviceTensor> ds = upload(scales), dp = upload(packed);
  for (auto *e : {&ds, &dp})
    if (!*e)
      return report(c.name, e->error());
  Status s = pack_ue8m0_scales(ds->view, dp->view, c.mn, c.k, c.granMN, c.granK,
                               {gDevice, nullptr});
  if (!report(c.name, s) || !report(c.name, download(*dp, packed)))
    return false;
  bool ok = byteMismatches(packed, *ref, "packed", c.name) == 0;
  std::printf("%s %s: [%lld, %lld] granularity (%lld, %lld) from %s%s\n",
              ok ? "PASS" : "FAIL", c.name, static_cast<long long>(c.mn),
              static_cast<long long>(c.k), static_cast<long long>(c.granMN),
              static_cast<long long>(c.granK), dtypeName(c.dtype).c_str(),
              c.mnMajor ? " (MN-major)" : "");
  return ok;
}

struct TransposeCase {
  const char *name;
  DType dtype;
  std::vector<int64_t> sizes; // src: [(B,) K, MN]
  int64_t rowPad = 0;         // extra elements per src row
};

const TransposeCase kTransposeCases[] = {
    {"transpose_fp8", DType::F8E4M3, {7168, 576}},
    {"transpose_bf16_batched", DType::BF16, {3, 100, 75}},
    {"transpose_f32", DType::F32, {33, 65}},
    {"transpose_fp4", DType::F4E2M1, {256, 130}},
    {"transpose_fp4_batched", DType::F4E2M1, {2, 64, 96}},
    {"transpose_u8_padded", DType::U8, {10, 70}, 10},
};

bool runTranspose(const TransposeCase &c) {
  HostTensor src = hostTensor("src", c.dtype, c.sizes);
  if (c.rowPad) {
    int r = src.rank();
    int64_t row = c.sizes[r - 1] + c.rowPad;
    src.strides[r - 2] = row;
    if (r == 3)
      src.strides[0] = row * c.sizes[1];
    src.bytes.assign(c.sizes[0] * row * dtypeBits(c.dtype) / 8, 0);
  }
  FillOptions fill;
  fill.seed = 7;
  fillRandom(src, fill, 1);
  std::vector<int64_t> dstSizes = c.sizes;
  std::swap(dstSizes[dstSizes.size() - 1], dstSizes[dstSizes.size() - 2]);
  HostTensor dst = hostTensor("dst", c.dtype, dstSizes);
  fillPoison(dst);
  HostTensor ref = dst;
  if (!report(c.name, referenceTransposeToKMajor(src, ref)))
    return false;
  Expected<DeviceTensor> ds = upload(src), dd = upload(dst);
  for (auto *e : {&ds, &dd})
    if (!*e)
      return report(c.name, e->error());
  Status s = transpose_to_k_major(ds->view, dd->view, {gDevice, nullptr});
  if (!report(c.name, s) || !report(c.name, download(*dd, dst)))
    return false;
  bool ok = byteMismatches(dst, ref, "dst", c.name) == 0;
  std::printf("%s %s: %s %s\n", ok ? "PASS" : "FAIL", c.name,
              joinSizes(c.sizes).c_str(), dtypeName(c.dtype).c_str());
  return ok;
}

} // namespace

int main() {
  if (!test::haveGpu())
    return test::kSkip;
  int failures = 0;
  for (const QuantizeCase &c : kQuantizeCases)
    failures += !runQuantize(c);
  for (const PackCase &c : kPackCases)
    failures += !runPack(c);
  for (const TransposeCase &c : kTransposeCases)
    failures += !runTranspose(c);
  std::printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}

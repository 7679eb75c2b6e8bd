// FP8 GEMM through the engine API, with DeepSeek's recipe: activations
// quantized per token and 128 channels (1 x 128), weights per 128 x 128
// block, UE8M0 (power-of-two) scales. The kernel for the shapes is
// compiled on first use (or found in the kernel cache) and launched; the
// result is compared with the CPU reference of the same scale semantics.
//
//   fp8_gemm_nt [M N K]        (default 4096 2112 7168)
//
// Environment: SM120_CACHE_DIR (the kernel cache), SM120_CHIP (force a
// target, e.g. sm_120f to see the wrong-architecture error on Hopper).

#include "sm120rt/Gemm.hpp"
#include "sm120rt/Reference.hpp"

#ifdef SM120_WITH_JIT
#include "sm120/JIT/JIT.h"
#endif

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

using namespace sm120rt;

namespace {

/// A zeroed row-major host tensor (rows padded to 16 bytes).
HostTensor hostTensor(const char *name, DType dtype,
                      std::vector<int64_t> sizes) {
  TensorSpec spec{name, dtype, sizes, static_cast<int>(sizes.size()) - 1};
  return makeHostTensor(spec, sizes).take();
}

/// Quantizes x [rows, cols] to e4m3 with one power-of-two scale per
/// (br x bc) block: scale = 2^ceil(log2(amax / 448)), as UE8M0 stores it.
void quantize(const std::vector<float> &x, int64_t rows, int64_t cols,
              int64_t br, int64_t bc, HostTensor &q, HostTensor &scales) {
  for (int64_t r0 = 0; r0 < rows; r0 += br)
    for (int64_t c0 = 0; c0 < cols; c0 += bc) {
      float amax = 1e-4f;
      for (int64_t r = r0; r < std::min(rows, r0 + br); ++r)
        for (int64_t c = c0; c < std::min(cols, c0 + bc); ++c)
          amax = std::max(amax, std::fabs(x[r * cols + c]));
      float scale = std::exp2(std::ceil(std::log2(amax / 448.0f)));
      int64_t s = (r0 / br) * scales.strides[0] + c0 / bc;
      reinterpret_cast<float *>(scales.bytes.data())[s] = scale;
      for (int64_t r = r0; r < std::min(rows, r0 + br); ++r)
        for (int64_t c = c0; c < std::min(cols, c0 + bc); ++c)
          q.bytes[r * cols + c] = encodeF8E4M3(x[r * cols + c] / scale);
    }
}

int check(const Status &s, const char *what) {
  if (s)
    return 0;
  std::fprintf(stderr, "%s: %s: %s\n", what, codeName(s.error().code),
               s.error().message.c_str());
  return 1;
}

template <typename T> int check(const Expected<T> &e, const char *what) {
  return e ? 0 : check(Status(e.error()), what);
}

} // namespace

int main(int argc, char **argv) {
  int64_t m = 4096, n = 2112, k = 7168;
  if (argc == 4) {
    m = std::atoll(argv[1]);
    n = std::atoll(argv[2]);
    k = std::atoll(argv[3]);
  }
#ifdef SM120_WITH_JIT
  sm120jit::registerCompiler(); // compile on a cache miss
#endif

  // Data and quantization on the host.
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  std::vector<float> xa(m * k), xb(n * k);
  for (float &v : xa)
    v = normal(rng);
  for (float &v : xb)
    v = normal(rng) * 0.05f;
  HostTensor a = hostTensor("a", DType::F8E4M3, {m, k});
  HostTensor b = hostTensor("b", DType::F8E4M3, {n, k});
  HostTensor sa = hostTensor("sfa", DType::F32, {m, (k + 127) / 128});
  HostTensor sb =
      hostTensor("sfb", DType::F32, {(n + 127) / 128, (k + 127) / 128});
  quantize(xa, m, k, 1, 128, a, sa);
  quantize(xb, n, k, 128, 128, b, sb);
  ScaleRecipe perToken{ScaleRecipe::Format::F32, 1, 128, false};
  ScaleRecipe perBlock{ScaleRecipe::Format::F32, 128, 128, false};
  // The kernels read UE8M0 packed four per int32 (block rows broadcast).
  Expected<HostTensor> pa = packUe8m0Scales(sa, perToken, m, k);
  Expected<HostTensor> pb = packUe8m0Scales(sb, perBlock, n, k);
  if (check(pa, "pack sfa") || check(pb, "pack sfb"))
    return 1;

  // Device tensors.
  HostTensor d = hostTensor("d", DType::BF16, {m, n});
  std::vector<DeviceBuffer> buffers;
  std::vector<TensorView> views;
  for (const HostTensor *t : {&a, &*pa, &b, &*pb, &d}) {
    Expected<DeviceBuffer> buf = DeviceBuffer::allocate(0, t->bytes.size());
    if (check(buf, "allocate") ||
        check(buf->upload(t->bytes.data(), t->bytes.size()), "upload"))
      return 1;
    views.push_back(TensorView::of(t->arg(buf->data())));
    buffers.push_back(buf.take());
  }

  GemmOptions options;
  if (const char *chip = std::getenv("SM120_CHIP"))
    options.compile.chip = chip;
  if (check(fp8_gemm_nt(views[0], views[1], views[2], views[3], views[4],
                        options),
            "fp8_gemm_nt") ||
      check(synchronizeDevice(0), "synchronize") ||
      check(buffers[4].download(d.bytes.data(), d.bytes.size()), "download"))
    return 1;

  // The reference, on the quantized tensors and their FP32 scales.
  HostTensor ref = hostTensor("d", DType::BF16, {m, n});
  if (check(referenceGemm({&a, true, &sa, perToken}, {&b, true, &sb, perBlock},
                          nullptr, ref),
            "reference"))
    return 1;
  Expected<Comparison> cmp = compareTensors(d, ref);
  if (check(cmp, "compare"))
    return 1;
  bool ok = cmp->diff < 1e-3 && cmp->nonFinite == 0;
  std::printf("fp8_gemm_nt M=%lld N=%lld K=%lld (A 1x128, B 128x128, "
              "UE8M0): diff %.3g, max rel %.3g -> %s\n",
              static_cast<long long>(m), static_cast<long long>(n),
              static_cast<long long>(k), cmp->diff, cmp->maxRelError,
              ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}

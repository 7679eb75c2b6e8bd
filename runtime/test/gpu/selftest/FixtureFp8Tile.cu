// A hand-written CUDA kernel for the fixture_fp8_tile family, so that the
// runtime's GPU test exercises TMA descriptors, pointer and dim parameters
// and the launch configuration on a real GPU without the sm120 compiler.
//
// Parameters, in manifest order: tma a (128-byte swizzle), tma b (no
// swizzle), sfa, sfb, d, M (i32, a.dim 0), N (i64, b.dim 0). One block of 128
// threads computes the whole 128x128 tile, one row of D per thread.

#include <cuda.h>
#include <cuda_fp8.h>

#include <cstdint>

namespace {

__device__ uint32_t sharedAddress(const void *pointer) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(pointer));
}

__device__ float decodeE4M3(uint8_t bits) {
  __nv_fp8_e4m3 value;
  value.__x = bits;
  return static_cast<float>(value);
}

__device__ void loadTile(const CUtensorMap *map, uint32_t destination,
                         uint32_t barrier) {
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::"
      "complete_tx::bytes [%0], [%1, {%2, %3}], [%4];" ::"r"(destination),
      "l"(reinterpret_cast<uint64_t>(map)), "r"(0), "r"(0), "r"(barrier)
      : "memory");
}

} // namespace

extern "C" __global__ void __launch_bounds__(128)
    fixture_fp8_tile(const __grid_constant__ CUtensorMap tmaA,
                     const __grid_constant__ CUtensorMap tmaB,
                     const uint8_t *__restrict__ sfa,
                     const uint8_t *__restrict__ sfb, float *__restrict__ d,
                     int m, long long n) {
  constexpr int kTile = 128;
  constexpr uint32_t kTileBytes = kTile * kTile;
  extern __shared__ uint8_t smemRaw[];
  // The 128-byte swizzle pattern repeats every 1024 bytes, and TMA needs the
  // destination aligned to it.
  uint32_t pad = (1024 - sharedAddress(smemRaw) % 1024) % 1024;
  uint8_t *tileA = smemRaw + pad;
  uint8_t *tileB = tileA + kTileBytes;
  uint32_t barrier = sharedAddress(tileB + kTileBytes);

  if (threadIdx.x == 0) {
    asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(barrier));
    asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
    asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    asm volatile(
        "mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(barrier),
        "r"(2 * kTileBytes)
        : "memory");
    loadTile(&tmaA, sharedAddress(tileA), barrier);
    loadTile(&tmaB, sharedAddress(tileB), barrier);
  }
  uint32_t done = 0;
  while (!done)
    asm volatile("{\n"
                 ".reg .pred p;\n"
                 "mbarrier.try_wait.parity.shared::cta.b64 p, [%1], 0;\n"
                 "selp.u32 %0, 1, 0, p;\n"
                 "}"
                 : "=r"(done)
                 : "r"(barrier)
                 : "memory");

  int row = threadIdx.x;
  if (row >= m)
    return;
  for (long long col = 0; col < n && col < kTile; ++col) {
    float sum = 0.0f;
    for (int k = 0; k < kTile; ++k) {
      // Row r of A holds its 16-byte chunk c at chunk c ^ (r % 8).
      int chunk = (k >> 4) ^ (row & 7);
      float a = decodeE4M3(tileA[row * kTile + chunk * 16 + (k & 15)]);
      float b = decodeE4M3(tileB[col * kTile + k]);
      sum = fmaf(a, b, sum);
    }
    int exponent = int(sfa[row]) + int(sfb[col]) - 2 * 127;
    d[row * kTile + col] = ldexpf(sum, exponent);
  }
}

// The runtime's utility kernels: scale-factor packing, MN-major to K-major
// copies and the FP8 / FP4 quantizers (sm120rt/Scales.hpp). Built by nvcc
// into a fatbinary embedded in libsm120rt and loaded through the driver API.
// They use no architecture-specific instructions beyond cvt to e4m3 (sm_89
// and later); every result is bit-exact with the CPU references in
// Reference.cpp, so the float operations here mirror those one for one.

#include "UtilityParams.h"

#include <cuda_fp16.h>
#include <cuda_fp8.h>

using namespace sm120rt::utility;

namespace {

__device__ float loadElement(const void *base, int32_t kind, int64_t offset) {
  switch (kind) {
  case kBF16: {
    uint32_t bits = static_cast<const uint16_t *>(base)[offset];
    return __uint_as_float(bits << 16);
  }
  case kF16:
    return __half2float(static_cast<const __half *>(base)[offset]);
  default:
    return static_cast<const float *>(base)[offset];
  }
}

/// Smallest power of two at least s (s positive and finite).
__device__ float ceilPow2(float s) {
  uint32_t bits = __float_as_uint(s);
  uint32_t exponent = bits & 0x7f800000u;
  return __uint_as_float((bits & 0x7fffffu) ? exponent + 0x800000u : exponent);
}

__device__ uint8_t encodeE4m3(float v) {
  return __nv_cvt_float_to_fp8(v, __NV_SATFINITE, __NV_E4M3);
}

__device__ float decodeE4m3(uint8_t bits) {
  int exponent = (bits >> 3) & 0xf, mantissa = bits & 7;
  float magnitude =
      exponent ? scalbnf(static_cast<float>(8 + mantissa), exponent - 10)
               : scalbnf(static_cast<float>(mantissa), -9);
  return (bits & 0x80) ? -magnitude : magnitude;
}

/// e2m1, round to nearest even, saturating at 6; the sign is kept for
/// values that round to zero.
__device__ uint8_t encodeE2m1(float v) {
  float a = fabsf(v);
  uint8_t code = a <= 0.25f   ? 0
                 : a < 0.75f  ? 1
                 : a <= 1.25f ? 2
                 : a < 1.75f  ? 3
                 : a <= 2.5f  ? 4
                 : a < 3.5f   ? 5
                 : a <= 5.0f  ? 6
                              : 7;
  return (signbit(v) ? 0x8 : 0x0) | code;
}

template <typename T> __device__ void transposeTile(const TransposeParams &p) {
  __shared__ T tile[32][33];
  int64_t b = blockIdx.z;
  int64_t c0 = static_cast<int64_t>(blockIdx.x) * 32;
  int64_t r0 = static_cast<int64_t>(blockIdx.y) * 32;
  const T *src = static_cast<const T *>(p.src) + b * p.srcStride[0];
  T *dst = static_cast<T *>(p.dst) + b * p.dstStride[0];
  for (int i = threadIdx.y; i < 32; i += 8) {
    int64_t r = r0 + i, c = c0 + threadIdx.x;
    if (r < p.rows && c < p.cols)
      tile[i][threadIdx.x] = src[r * p.srcStride[1] + c * p.srcStride[2]];
  }
  __syncthreads();
  for (int i = threadIdx.y; i < 32; i += 8) {
    int64_t c = c0 + i, r = r0 + threadIdx.x;
    if (r < p.rows && c < p.cols)
      dst[c * p.dstStride[1] + r * p.dstStride[2]] = tile[threadIdx.x][i];
  }
}

} // namespace

extern "C" __global__ void sm120rt_pack_ue8m0(PackUe8m0Params p) {
  int64_t total = p.words * p.columns;
  for (int64_t idx =
           blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
       idx < total; idx += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t w = idx / p.columns, i = idx % p.columns;
    uint32_t word = 0;
    for (int j = 0; j < 4; ++j) {
      int64_t g = 4 * w + j;
      uint32_t e = 127;
      if (i < p.mn && g < p.granules) {
        int64_t offset = i / p.granMN * p.srcStride[0] + g * p.srcStride[1];
        e = p.srcKind == kF32
                ? (__float_as_uint(static_cast<const float *>(p.src)[offset]) >>
                   23) &
                      0xff
                : static_cast<const uint8_t *>(p.src)[offset];
      }
      word |= e << (8 * j);
    }
    p.dst[w * p.dstRowStride + i] = static_cast<int32_t>(word);
  }
}

extern "C" __global__ void sm120rt_transpose_b1(TransposeParams p) {
  transposeTile<uint8_t>(p);
}
extern "C" __global__ void sm120rt_transpose_b2(TransposeParams p) {
  transposeTile<uint16_t>(p);
}
extern "C" __global__ void sm120rt_transpose_b4(TransposeParams p) {
  transposeTile<uint32_t>(p);
}

/// f4e2m1: 64 x 64 nibbles per block. Rows and columns are even and every
/// stride but the last is even, so each byte holds one pair along the
/// contiguous dimension on both sides.
extern "C" __global__ void sm120rt_transpose_f4(TransposeParams p) {
  __shared__ uint8_t tile[64][65];
  int64_t b = blockIdx.z;
  int64_t c0 = static_cast<int64_t>(blockIdx.x) * 64;
  int64_t r0 = static_cast<int64_t>(blockIdx.y) * 64;
  const uint8_t *src = static_cast<const uint8_t *>(p.src);
  uint8_t *dst = static_cast<uint8_t *>(p.dst);
  for (int i = threadIdx.y; i < 64; i += 8) {
    int64_t r = r0 + i, c = c0 + 2 * threadIdx.x;
    if (r < p.rows && c < p.cols) {
      uint8_t byte = src[(b * p.srcStride[0] + r * p.srcStride[1] + c) / 2];
      tile[i][2 * threadIdx.x] = byte & 0xf;
      tile[i][2 * threadIdx.x + 1] = byte >> 4;
    }
  }
  __syncthreads();
  for (int i = threadIdx.y; i < 64; i += 8) {
    int64_t c = c0 + i, r = r0 + 2 * threadIdx.x;
    if (r < p.rows && c < p.cols)
      dst[(b * p.dstStride[0] + c * p.dstStride[1] + r) / 2] =
          tile[2 * threadIdx.x][i] | tile[2 * threadIdx.x + 1][i] << 4;
  }
}

/// One warp per scale block: the block's absolute maximum (at least 1e-4),
/// its scale, then every element divided by the scale and rounded.
extern "C" __global__ void sm120rt_quantize(QuantizeParams p) {
  int lane = threadIdx.x % 32;
  int64_t block =
      (blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x) / 32;
  if (block >= p.rowBlocks * p.granules)
    return;
  int64_t rb = block / p.granules, g = block % p.granules;
  int64_t r0 = rb * p.blockM, rEnd = min(p.m, r0 + p.blockM);
  int64_t c0 = g * p.blockK, cEnd = min(p.k, c0 + p.blockK);
  int64_t pairsPerRow = (cEnd - c0 + 1) / 2;
  int64_t pairs = (rEnd - r0) * pairsPerRow;

  auto load = [&](int64_t r, int64_t c) {
    return c < cEnd
               ? loadElement(p.x, p.xKind, r * p.xStride[0] + c * p.xStride[1])
               : 0.0f;
  };
  float amax = 0.0f;
  for (int64_t i = lane; i < pairs; i += 32) {
    int64_t r = r0 + i / pairsPerRow, c = c0 + 2 * (i % pairsPerRow);
    amax = fmaxf(amax, fmaxf(fabsf(load(r, c)), fabsf(load(r, c + 1))));
  }
  for (int offset = 16; offset > 0; offset /= 2)
    amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, offset));
  amax = fmaxf(amax, 1e-4f);

  float global = 1.0f, scale, divisor;
  uint8_t scaleBits = 0;
  if (p.sfKind == kScaleUe4m3) {
    if (p.globalScale)
      global = *p.globalScale;
    scaleBits = encodeE4m3(amax / p.maxCode * global);
    scale = divisor = decodeE4m3(scaleBits);
  } else {
    scale = amax / p.maxCode;
    if (p.sfKind == kScalePackedUe8m0 || p.roundUe8m0)
      scale = ceilPow2(scale);
    divisor = scale;
  }

  // Scales.
  uint8_t *sfBytes = static_cast<uint8_t *>(p.sf);
  if (p.sfKind == kScalePackedUe8m0) {
    uint8_t exponent = (__float_as_uint(scale) >> 23) & 0xff;
    int64_t rowsEnd = rb == p.rowBlocks - 1 ? (p.m + 3) / 4 * 4 : rEnd;
    int64_t granulesEnd =
        g == p.granules - 1 ? (p.granules + 3) / 4 * 4 : g + 1;
    for (int64_t r = r0 + lane; r < rowsEnd; r += 32)
      for (int64_t gg = g; gg < granulesEnd; ++gg)
        sfBytes[(gg / 4 * p.sfStride[0] + r * p.sfStride[1]) * 4 + gg % 4] =
            gg == g && r < p.m ? exponent : 127;
  } else if (lane == 0) {
    int64_t offset = rb * p.sfStride[0] + g * p.sfStride[1];
    if (p.sfKind == kScaleUe4m3)
      sfBytes[offset] = scaleBits;
    else
      static_cast<float *>(p.sf)[offset] = scale;
  }

  // Data.
  uint8_t *q = static_cast<uint8_t *>(p.q);
  auto quantize = [&](float x) {
    float v = p.sfKind == kScaleUe4m3
                  ? (divisor > 0.0f ? x * global / divisor : x * 0.0f)
                  : x / divisor;
    return p.fp4 ? encodeE2m1(v) : encodeE4m3(v);
  };
  for (int64_t i = lane; i < pairs; i += 32) {
    int64_t r = r0 + i / pairsPerRow, c = c0 + 2 * (i % pairsPerRow);
    uint8_t lo = quantize(load(r, c));
    if (p.fp4) {
      q[(r * p.qRowStride + c) / 2] = lo | quantize(load(r, c + 1)) << 4;
    } else {
      q[r * p.qRowStride + c] = lo;
      if (c + 1 < cEnd)
        q[r * p.qRowStride + c + 1] = quantize(load(r, c + 1));
    }
  }
}

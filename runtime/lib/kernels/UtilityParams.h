// Parameter blocks of the runtime's utility kernels (kernels/Utilities.cu),
// passed by value. Shared by the host side (Scales.cpp, C++17) and the
// kernels (CUDA C++), so plain structs of fixed-width fields only. Strides
// are in elements; for f4e2m1 an element is a nibble.

#ifndef SM120RT_LIB_KERNELS_UTILITYPARAMS_H
#define SM120RT_LIB_KERNELS_UTILITYPARAMS_H

#include <stdint.h>

namespace sm120rt {
namespace utility {

/// Source element kinds of the kernels.
enum : int32_t {
  kF32 = 0,
  kBF16 = 1,
  kF16 = 2,
  kU8 = 3, // UE8M0 exponent bytes
};

/// Scale outputs of the quantizer.
enum : int32_t {
  kScaleF32 = 0,         // f32 [ceil(M / blockM), granules]
  kScalePackedUe8m0 = 1, // i32 [ceil(granules / 4), align(M, 4)]
  kScaleUe4m3 = 2,       // f8e4m3 [M, granules]
};

/// sm120rt_pack_ue8m0: one thread per output word.
struct PackUe8m0Params {
  const void *src; // f32 or UE8M0 bytes, [ceil(mn / granMN), granules]
  int64_t srcStride[2];
  int32_t srcKind; // kF32 or kU8
  int32_t pad0;
  int32_t *dst; // [words, columns], unit column stride
  int64_t dstRowStride;
  int64_t mn, granules, granMN;
  int64_t words, columns; // ceil(granules / 4), align(mn, 4)
};

/// sm120rt_transpose_{b1,b2,b4,f4}: src [batch, rows, cols] to dst
/// [batch, cols, rows].
struct TransposeParams {
  const void *src;
  void *dst;
  int64_t batch, rows, cols;
  int64_t srcStride[3], dstStride[3];
};

/// sm120rt_quantize: one warp per scale block of blockM x blockK elements.
struct QuantizeParams {
  const void *x; // [m, k]
  int64_t xStride[2];
  int32_t xKind; // kF32, kBF16 or kF16
  int32_t fp4;   // q is f4e2m1 (else f8e4m3)
  void *q;       // [m, k]; row stride even for f4e2m1
  int64_t qRowStride;
  void *sf;
  int64_t sfStride[2];
  int32_t sfKind;           // kScale*
  int32_t roundUe8m0;       // f32 scales rounded up to powers of two
  const float *globalScale; // UE4M3 only; nullptr means 1
  int64_t m, k, blockM, blockK, granules, rowBlocks;
  float maxCode; // 448 (e4m3) or 6 (e2m1)
  int32_t pad1;
};

} // namespace utility
} // namespace sm120rt

#endif // SM120RT_LIB_KERNELS_UTILITYPARAMS_H

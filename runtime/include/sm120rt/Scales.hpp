// Scale-factor utilities that callers run before a GEMM: FP32 or unpacked
// UE8M0 scales into the kernels' packed layout, MN-major to K-major copies,
// and quantizers from BF16 / FP16 / FP32 to FP8 (e4m3) and FP4 (e2m1) with
// their scales. GPU kernels on the caller's stream; each result is bit-exact
// with the CPU reference named beside it (Reference.hpp).
//
// DeepGEMM names, for migration:
//   get_mn_major_tma_aligned_packed_ue8m0_tensor -> pack_ue8m0_scales
//   per_token_cast_to_fp8 (use_ue8m0)            -> quantize_fp8, blockMN 1
//   per_block_cast_to_fp8 (use_ue8m0)            -> quantize_fp8, blockMN 128
//   per_token_cast_to_fp4                        -> quantize_fp4
//
// Like the GEMM entry points, every argument is validated before the device
// is touched, and launches allocate nothing (they can be captured in CUDA
// graphs).

#ifndef SM120RT_SCALES_HPP
#define SM120RT_SCALES_HPP

#include "sm120rt/Gemm.hpp"

namespace sm120rt {

struct UtilityOptions {
  /// CUDA device the tensors live on and the stream (a CUstream of its
  /// primary context; nullptr is the legacy default stream).
  int device = 0;
  void *stream = nullptr;
};

/// Scales [ceil(MN / granMN), ceil(K / granK)] (f32, or f8e8m0 / u8
/// exponent bytes; any strides) into packed UE8M0: i32
/// [ceil(K / (4 granK)), align(MN, 4)] with unit column stride, byte j of
/// [p, i] the exponent of K granule 4p + j of row i. A granMN above 1 (a
/// per-block recipe) is broadcast to every row; padding bytes hold 127.
/// An f32 scale contributes its exponent field: exact for powers of two,
/// rounded down otherwise (as the kernels read FP32 scales); 0 and
/// subnormals give 0 (2^-127), infinities and NaN 255 (NaN).
/// CPU reference: packUe8m0Scales, which rejects those instead.
SM120RT_API Status pack_ue8m0_scales(const TensorView &scales,
                                     const TensorView &packed, int64_t mn,
                                     int64_t k, int64_t granMN, int64_t granK,
                                     const UtilityOptions &options = {});

/// MN-major to K-major: src [K, MN] (or [B, K, MN]) into dst [MN, K] (or
/// [B, MN, K]) of the same dtype, any strides with a unit innermost one.
/// f4e2m1 rebuilds its nibble pairs along K (K and MN even, outer strides
/// even). CPU reference: referenceTransposeToKMajor.
SM120RT_API Status transpose_to_k_major(const TensorView &src,
                                        const TensorView &dst,
                                        const UtilityOptions &options = {});

struct QuantizeOptions {
  /// Rows and columns that share one scale: blockMN 1 is per token, 128 per
  /// block (weights). blockK 0: 128 for FP8; 32 for FP4 with UE8M0 or f32
  /// scales; 16 with UE4M3 scales (NVFP4).
  int64_t blockMN = 1;
  int64_t blockK = 0;
  /// f32 scale outputs: rounded up to powers of two (DeepGEMM's use_ue8m0).
  /// Packed UE8M0 outputs always are; UE4M3 ones never.
  bool roundToUe8m0 = true;
  /// UE4M3 only: f32 [1] on the device, the per-tensor encode scale g
  /// (NVFP4 checkpoints use 448 * 6 / amax(x)); nullptr means 1. The GEMM
  /// then needs alpha = 1 / (g_a g_b).
  const TensorView *globalScale = nullptr;
  int device = 0;
  void *stream = nullptr;
};

/// x [M, K] (bf16, f16 or f32, any strides) into q f8e4m3 [M, K] (unit
/// column stride) and scales sf whose dtype picks their layout:
///   f32  [ceil(M / blockMN), ceil(K / blockK)], scale = amax / 448;
///   i32  packed UE8M0 as pack_ue8m0_scales makes (blockMN broadcast).
/// amax is a block's largest |x|, at least 1e-4; q = e4m3(x / scale),
/// rounded to nearest even and saturated. CPU reference: referenceQuantize.
SM120RT_API Status quantize_fp8(const TensorView &x, const TensorView &q,
                                const TensorView &sf,
                                const QuantizeOptions &options = {});

/// x [M, K] (K even) into q f4e2m1 [M, K] and scales sf:
///   f32 or i32 as quantize_fp8 with scale = amax / 6 (MXFP4: granularity
///   32, UE8M0);
///   f8e4m3 UE4M3 [M, K / 16] (NVFP4): s = e4m3(amax / 6 * g) and
///   q = e2m1(x g / s) (0 where s underflows to 0).
SM120RT_API Status quantize_fp4(const TensorView &x, const TensorView &q,
                                const TensorView &sf,
                                const QuantizeOptions &options = {});

} // namespace sm120rt

#endif // SM120RT_SCALES_HPP

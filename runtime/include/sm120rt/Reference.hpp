// CPU references for checking kernels: element decoders, host tensors with
// seeded random fills, output comparison, and one reference per kernel
// family (looked up by the manifest's problem.family).

#ifndef SM120RT_REFERENCE_HPP
#define SM120RT_REFERENCE_HPP

#include "sm120rt/sm120rt.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sm120rt {

//===----------------------------------------------------------------------===//
// Element formats
//===----------------------------------------------------------------------===//

/// OCP e4m3 ("fn": bias 7, no infinities, S.1111.111 is NaN, max 448).
SM120RT_API float decodeF8E4M3(uint8_t bits);
/// UE8M0 scale: 2^(bits - 127); 0xff is NaN.
SM120RT_API float decodeF8E8M0(uint8_t bits);
SM120RT_API float decodeBF16(uint16_t bits);
SM120RT_API float decodeF16(uint16_t bits);
/// e2m1 in the low 4 bits: 0, 0.5, 1, 1.5, 2, 3, 4, 6 and their negatives.
SM120RT_API float decodeF4E2M1(uint8_t nibble);

/// Round-to-nearest-even encoders (for test data). e4m3 and e2m1 saturate
/// to their largest finite value; NaN becomes 0x7f for e4m3.
SM120RT_API uint8_t encodeF8E4M3(float value);
SM120RT_API uint8_t encodeF4E2M1(float value);
SM120RT_API uint16_t encodeBF16(float value);
SM120RT_API uint16_t encodeF16(float value);

//===----------------------------------------------------------------------===//
// Host tensors
//===----------------------------------------------------------------------===//

struct SM120RT_API HostTensor {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> sizes;
  std::vector<int64_t> strides; // elements
  std::vector<uint8_t> bytes;

  int rank() const { return static_cast<int>(sizes.size()); }
  int64_t numElements() const;
  /// Element offset of a multi-index (rank entries).
  int64_t offsetOf(const int64_t *index) const;
  /// The element at an element offset, decoded to float (i32 and u8
  /// converted).
  float get(int64_t offset) const;
  /// Raw element bits at an element offset (a nibble for f4e2m1). Both
  /// throw std::out_of_range for an offset outside the tensor's elements.
  uint32_t getBits(int64_t offset) const;
  void setBits(int64_t offset, uint32_t bits);
  /// Visits every element's offset, last dimension fastest.
  void forEachElement(const std::function<void(int64_t offset)> &visit) const;

  /// The TensorArg describing this tensor's layout at `deviceData`.
  TensorArg arg(void *deviceData) const {
    return TensorArg{deviceData, dtype, rank(), sizes.data(), strides.data()};
  }
};

/// A zeroed host tensor for `spec` with concrete `sizes`: unit stride along
/// contiguous_dim, the other dims outermost-first, and the stride just
/// outside contiguous_dim padded to a multiple of 16 bytes (TMA rows).
SM120RT_API Expected<HostTensor>
makeHostTensor(const TensorSpec &spec, const std::vector<int64_t> &sizes);

struct FillOptions {
  uint64_t seed = 1;
  /// Integers in [-4, 4] (exactly representable in every float format
  /// here), so that a correct kernel reproduces the reference bit for bit.
  bool smallInt = false;
  /// Range of UE8M0 exponents for f8e8m0 tensors (scales).
  int scaleExpMin = 120;
  int scaleExpMax = 134;
};

/// Seeded random contents of the right dtype; `salt` separates tensors.
/// f8e4m3 without smallInt: any finite byte (never 0x7f / 0xff).
SM120RT_API void fillRandom(HostTensor &tensor, const FillOptions &options,
                            uint64_t salt);
/// All bytes 0xff (NaN for the float formats), so that outputs a kernel
/// never writes show up as mismatches.
SM120RT_API void fillPoison(HostTensor &tensor);

struct Comparison {
  int64_t elements = 0;
  int64_t mismatches = 0; // elements not exactly equal (NaN never equal)
  int64_t nonFinite = 0;  // NaN or Inf in the kernel's output
  double maxAbsError = 0;
  double maxAbsRef = 0;
  /// max |got - ref| / max |ref| (0 when ref is all zero and got equals it).
  double maxRelError = 0;
  /// DeepGEMM's 1 - 2 Σxy / Σ(x² + y²) over finite elements.
  double diff = 0;

  bool exact() const { return mismatches == 0; }
};

/// Compares two tensors of the same dtype and sizes element by element.
SM120RT_API Expected<Comparison> compareTensors(const HostTensor &got,
                                                const HostTensor &ref);

//===----------------------------------------------------------------------===//
// Kernel-family references
//===----------------------------------------------------------------------===//

/// D[m][n] = 2^(sfa[m]-127) * 2^(sfb[n]-127) * Σ_k A[m][k] * B[n][k], summed
/// in double in k order and rounded to f32 once. a: f8e4m3 [M, K], b:
/// f8e4m3 [N, K], sfa: f8e8m0 [M], sfb: f8e8m0 [N], d: f32 [M, N].
SM120RT_API Status referenceFixtureFp8Tile(const HostTensor &a,
                                           const HostTensor &b,
                                           const HostTensor &sfa,
                                           const HostTensor &sfb,
                                           HostTensor &d);

/// One GEMM operand: `data` is [MN, K] when `kMajor`, else [K, MN]; `scale`
/// and `recipe` are absent for BF16.
struct GemmOperand {
  const HostTensor *data = nullptr;
  bool kMajor = true;
  const HostTensor *scale = nullptr;
  std::optional<ScaleRecipe> recipe;
};

/// The value a scale tensor holds for element (i, k) under `recipe`. FP32
/// scales are rounded down to a power of two (their UE8M0 exponent), as the
/// kernels use them.
SM120RT_API double gemmScale(const HostTensor &scale, const ScaleRecipe &recipe,
                             int64_t i, int64_t k);

/// An operand's scales in the layout the GEMM kernels read: packed UE8M0
/// (recipe {UE8M0, mn = 1, k = recipe.k, packed}), i32
/// [ceil(kSize / (4k)), align(mnSize, 4)], from any UE8M0 or FP32 recipe
/// over an [mnSize, kSize] operand. Coarser MN granularities (e.g. the
/// 128x128 blocks of per-block recipes) are broadcast to every row; FP32
/// scales become the exponent gemmScale reads. Bytes past mnSize or kSize
/// hold 127 (scale 1). Fails for UE4M3 recipes (not powers of two), FP32
/// scales that are 0, infinite or NaN or whose exponent UE8M0 cannot hold,
/// and scale tensors smaller than the recipe needs.
SM120RT_API Expected<HostTensor> packUe8m0Scales(const HostTensor &scale,
                                                 const ScaleRecipe &recipe,
                                                 int64_t mnSize, int64_t kSize);

/// How referenceQuantize scales: the block of elements sharing a scale,
/// whether f32 scales are rounded up to powers of two, and the UE4M3
/// (NVFP4) encode scale.
struct QuantizeSpec {
  int64_t blockMN = 1;
  int64_t blockK = 128;
  bool roundToUe8m0 = true;
  float globalScale = 1.0f;
};

/// The CPU reference of quantize_fp8 / quantize_fp4 (Scales.hpp), with the
/// same float operations: x [M, K] into q (f8e4m3 or f4e2m1 [M, K], which
/// picks the target) and sf, whose dtype picks the layout (f32
/// [ceil(M / bm), ceil(K / bk)], i32 packed UE8M0, f8e4m3 UE4M3 [M, K / 16]).
/// q and sf must already have those shapes.
SM120RT_API Status referenceQuantize(const HostTensor &x,
                                     const QuantizeSpec &spec, HostTensor &q,
                                     HostTensor &sf);

/// The CPU reference of transpose_to_k_major: src [(B,) K, MN] into dst
/// [(B,) MN, K] of the same dtype.
SM120RT_API Status referenceTransposeToKMajor(const HostTensor &src,
                                              HostTensor &dst);

/// D = alpha A * B^T (+ C) with block scales: D[m][n] = alpha Σ_k (A[m][k]
/// sa(m, k)) * (B[n][k] sb(n, k)) (+ C[m][n]), summed in double in k order,
/// rounded to f32 (as the kernel's FP32 accumulator), scaled by alpha and
/// added to C in f32, then rounded to D's dtype (bf16 round-to-nearest-
/// even). c is f32 [M, N], alpha f32 [1].
SM120RT_API Status referenceGemm(const GemmOperand &a, const GemmOperand &b,
                                 const HostTensor *c, HostTensor &d,
                                 const HostTensor *alpha = nullptr);

/// Contiguous M-grouped GEMM: every row m of group g = group(m) gets
/// D[m] = A[m] * B[g]^T (+ C[m]) with the scales of referenceGemm; rows of
/// no group are left as they are. a [M, K] (sfa as for referenceGemm), b
/// [G, N, K] or [G, K, N] and sfb with the same leading G. layout: i32 [M]
/// holding each row's group (-1: none), or with prefixSum i32 [G] holding
/// each group's exclusive end row.
SM120RT_API Status referenceGroupedGemm(const GemmOperand &a,
                                        const GemmOperand &b,
                                        const HostTensor &layout,
                                        bool prefixSum, const HostTensor *c,
                                        HostTensor &d);

/// Masked M-grouped GEMM: for each group g, rows m < counts[g] get
/// D[g][m] = A[g][m] * B[g]^T (+ C[g][m]) with the scales of referenceGemm;
/// the other rows are left as they are. a [G, max_m, K] and sfa with a
/// leading G (per-row or packed scales), b [G, N, K] and sfb likewise, c
/// and d [G, max_m, N], counts i32 [G] in [0, max_m]. Both K-major.
SM120RT_API Status referenceMaskedGemm(const GemmOperand &a,
                                       const GemmOperand &b,
                                       const HostTensor &counts,
                                       const HostTensor *c, HostTensor &d);

/// Batched GEMM of equation bhr,hdr->bhd: for each head h,
/// D[:, h, :] = A[:, h, :] * B[h]^T (+ C[:, h, :]) with the scales of
/// referenceGemm. a [b, h, r], b [h, d, r], c and d [b, h, d]; sfa and sfb
/// have a leading [h] and then the layout referenceGemm reads for one
/// head's [b, r] / [d, r] operand. A K-major b (b.kMajor) is that equation;
/// an MN-major one is bhd,hdr->bhr: a [b, h, d], b [h, d, r] (K = d), c
/// and d [b, h, r].
SM120RT_API Status referenceBatchedGemm(const GemmOperand &a,
                                        const GemmOperand &b,
                                        const HostTensor *c, HostTensor &d);
/// K-grouped GEMM: for each group g, D[g] = C[g] + A_g * B_g^T with the
/// scales of referenceGemm, where A_g and B_g are the g-th runs of
/// ks[g] columns along K. a [M, sum K] and b [N, sum K] (K-major), or
/// [sum K, M] and [sum K, N] (MN-major), or K-major 1-D concatenations of
/// each group's [M, ks[g]] and [N, ks[g]] blocks; ks i32 [G]; c and d f32
/// [G, M, N]. Packed UE8M0 scales [rows, align(MN, 4)] give each group the
/// next ceil(ks[g] / (4 k)) rows. A group with no columns gets D[g] = C[g].
SM120RT_API Status referenceKGroupedGemm(const GemmOperand &a,
                                         const GemmOperand &b,
                                         const HostTensor &ks,
                                         const HostTensor &c, HostTensor &d);

/// The einsum bhd,bhr->hdr (BF16, no scales): per head h, D[h] =
/// A[:, h, :]^T B[:, h, :] (+ C[h]), contracting the batch rows; a
/// [b, h, d] and b [b, h, r] MN-major (kMajor false), c and d [h, d, r].
/// referenceBatchedGemm forwards here when a is MN-major.
SM120RT_API Status referenceHeadContraction(const GemmOperand &a,
                                            const GemmOperand &b,
                                            const HostTensor *c, HostTensor &d);

/// Batch-reduced GEMM of equation bmk,bnk->mn: D = sum_b A[b] * B[b]^T
/// (+ C), BF16 a [b, m, k] and b [b, n, k], c and d [m, n]; summed in
/// double in the kernel's K order (batch after batch).
SM120RT_API Status referenceBatchReducedGemm(const GemmOperand &a,
                                             const GemmOperand &b,
                                             const HostTensor *c,
                                             HostTensor &d);
/// Batched GEMM of equation bmk,bnk->bmn: for each batch g, D[g] = A[g] *
/// B[g]^T (+ C[g]) with the scales of referenceGemm; K-major a [b, m, k]
/// and b [b, n, k], c and d [b, m, n], sfa and sfb stacked per batch too.
SM120RT_API Status referenceStackedBatchedGemm(const GemmOperand &a,
                                               const GemmOperand &b,
                                               const HostTensor *c,
                                               HostTensor &d);

/// A CPU reference for one problem.family. `compute` receives every tensor
/// of the manifest (in manifest order, inputs filled) and writes the
/// outputs it names.
struct ReferenceKernel {
  std::string family;
  std::vector<std::string> outputs;
  Status (*compute)(const Manifest &manifest,
                    std::vector<HostTensor> &tensors) = nullptr;
  /// Floating-point operations of one launch.
  double (*flops)(const Manifest &manifest,
                  const std::vector<HostTensor> &tensors) = nullptr;
  /// Largest accepted maxRelError for random (not small-integer) inputs.
  double maxRelError = 0;
  /// Optional: the largest accepted diff (1 - 2 Σxy / Σ(x² + y²)) for
  /// random inputs, which may depend on the kernel's dtypes; checked with
  /// maxRelError.
  double (*maxDiff)(const Manifest &manifest) = nullptr;
  /// Optional: refills inputs whose dtype alone does not say what they hold
  /// (e.g. UE8M0 scales packed four per int32) after fillRandom.
  void (*prepareInputs)(const Manifest &manifest,
                        std::vector<HostTensor> &tensors,
                        const FillOptions &options) = nullptr;
};

/// nullptr when the family has no reference yet.
SM120RT_API const ReferenceKernel *findReference(std::string_view family);
SM120RT_API const std::vector<ReferenceKernel> &referenceKernels();

} // namespace sm120rt

#endif // SM120RT_REFERENCE_HPP

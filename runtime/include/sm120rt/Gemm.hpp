// GEMM entry points for engines: tensors in, kernel chosen by their shapes,
// compiled (or found in the kernel cache) once, launched on the caller's
// stream. Named after DeepGEMM's where that eases migration ("nt": A is
// [M, K] and B is [N, K], both K-contiguous; D = A B^T).
//
// Scales are given in the layout the kernels read:
//   - UE8M0, packed four per i32, MN-major and TMA-aligned:
//     [ceil(K / (4 g)), align(MN, 4)] for K granularity g (128 for FP8,
//     32 for FP4; inferred from the shape, or given in GemmOptions);
//   - NVFP4: UE4M3 (f8e4m3) [MN, K / 16], with f4e2m1 data on both sides.
// pack_ue8m0_scales (Scales.hpp, on the GPU) or packUe8m0Scales
// (Reference.hpp, on the CPU) make the packed layout from FP32 or unpacked
// UE8M0 scales, including per-block (128 x 128) weight recipes; the
// quantizers in Scales.hpp write it directly.
//
// Every argument is validated before anything is compiled or launched;
// errors name the tensor, the value seen and the value expected.

#ifndef SM120RT_GEMM_HPP
#define SM120RT_GEMM_HPP

#include "sm120rt/KernelCache.hpp"

#include <array>
#include <initializer_list>

namespace sm120rt {

/// A caller's tensor (device memory), holding its own sizes and strides.
struct SM120RT_API TensorView {
  static constexpr int kMaxRank = 4;
  void *data = nullptr;
  DType dtype = DType::F32;
  int rank = 0;
  std::array<int64_t, kMaxRank> sizes = {};
  std::array<int64_t, kMaxRank> strides = {}; // elements

  /// Row-major (last dimension contiguous) without padding.
  static TensorView contiguous(void *data, DType dtype,
                               std::initializer_list<int64_t> sizes);
  /// A copy of a TensorArg's layout (rank at most kMaxRank; higher ranks
  /// keep their rank and fail validation).
  static TensorView of(const TensorArg &arg);
  TensorArg arg() const {
    return TensorArg{data, dtype, rank, sizes.data(), strides.data()};
  }
};

struct GemmOptions {
  /// Optional FP32 [M, N] addend: D = alpha A B^T + C.
  const TensorView *c = nullptr;
  /// Optional FP32 [1] on the device, read when the kernel runs (a graph
  /// replay sees its current value): D = alpha A B^T (+ C). NVFP4's two
  /// per-tensor global scales go here as their product.
  const TensorView *alpha = nullptr;
  /// CUDA device the tensors live on, and the stream (a CUstream of its
  /// primary context; nullptr is the legacy default stream).
  int device = 0;
  void *stream = nullptr;
  /// K granularity of packed UE8M0 scales per operand; 0: inferred from the
  /// scale tensor's shape (128 when both would fit).
  int sfaGranK = 0;
  int sfbGranK = 0;
  /// Target and schedule. chip empty: chosen from the device (sm_120f on
  /// compute capability 12.x, the sm_90a twin on 9.0); machine empty: the
  /// device's preset; sms 0: the preset's SM count; expectedM 0: the
  /// call's M rounded up to a bucket (expectedMBucket), so that decode-size
  /// calls get schedules chosen for few rows (one kernel per bucket).
  CompileOptions compile = CompileOptions{"", "", 0, 0, "", ""};
  /// The cache to use; nullptr: KernelCache::global().
  KernelCache *cache = nullptr;
  /// Grouped entry points: the layout holds each group's exclusive end row
  /// ([G], prefix sums) instead of each row's group ([M]).
  bool prefixSum = false;
  /// K-grouped entry points: an optional host copy of the G K sizes (the
  /// device tensor's values), checked before the launch (alignment, sum K,
  /// scale rows); without it only the kernel sees them, and traps.
  const int32_t *kSizes = nullptr;
  /// K-grouped entry points: a multiple of K every group's size is (a
  /// multiple of 64; 0: 64, or 128 for FP8 at granularity 128 when kSizes
  /// are all multiples of 128). Larger lets the schedule take larger K
  /// blocks (128 for FP8); the kernel records the multiple it needs as
  /// k_alignment, and kSizes are checked against it.
  int kAlignment = 0;
};

/// The rows a schedule is costed for when a call has M rows: 16, 32, 64,
/// 256, 1024 or 4096 (the first bucket at least M; 4096 above). Decode
/// buckets (16, 32) get swap_ab schedules.
SM120RT_API int64_t expectedMBucket(int64_t m);

/// FP8 x FP8 (f8e4m3, packed UE8M0 scales), D bf16 or f32.
SM120RT_API Status fp8_gemm_nt(const TensorView &a, const TensorView &sfa,
                               const TensorView &b, const TensorView &sfb,
                               const TensorView &d,
                               const GemmOptions &options = GemmOptions());

/// Block-scaled GEMMs with an FP4 operand: FP4 x FP4 (MXFP4 with packed
/// UE8M0, or NVFP4 with UE4M3 scales), FP8 x FP4 and FP4 x FP8.
SM120RT_API Status fp8_fp4_gemm_nt(const TensorView &a, const TensorView &sfa,
                                   const TensorView &b, const TensorView &sfb,
                                   const TensorView &d,
                                   const GemmOptions &options = GemmOptions());

/// BF16 x BF16 without scales.
SM120RT_API Status bf16_gemm_nt(const TensorView &a, const TensorView &b,
                                const TensorView &d,
                                const GemmOptions &options = GemmOptions());
/// BF16 with MN-major operands, read in the kernel (ldmatrix.trans; no
/// copy): nn takes b [K, N], tn a [K, M] and b [K, N], tt a [K, M] and
/// b [N, K]; d [M, N] = op(a) op(b) as for bf16_gemm_nt. A [K, M] needs
/// M a multiple of 8 (TMA row strides of 16 bytes).
SM120RT_API Status bf16_gemm_nn(const TensorView &a, const TensorView &b,
                                const TensorView &d,
                                const GemmOptions &options = GemmOptions());
SM120RT_API Status bf16_gemm_tn(const TensorView &a, const TensorView &b,
                                const TensorView &d,
                                const GemmOptions &options = GemmOptions());
SM120RT_API Status bf16_gemm_tt(const TensorView &a, const TensorView &b,
                                const TensorView &d,
                                const GemmOptions &options = GemmOptions());

/// Contiguous M-grouped GEMMs (mixture-of-experts forward): a [M, K] holds
/// the groups' rows one group after another, b [G, N, K] one matrix per
/// group (sfb [G, ...], each group's scales as the dense entry points take
/// them), d [M, N] (optional c [M, N]; no alpha). layout is i32 [M], each
/// row's group (-1 for a padding row, which is not written), or with
/// options.prefixSum i32 [G], each group's exclusive end row. Each group's
/// rows must start on a multiple of the kernel's M alignment
/// (m_grouped_contiguous_alignment: 64 or 128, so 128 always works);
/// layout values are on the device, so a misaligned group or an entry
/// outside [-1, G) traps the kernel (a CUDA error at the next
/// synchronization) instead of writing a wrong result.
SM120RT_API Status m_grouped_fp8_gemm_nt_contiguous(
    const TensorView &a, const TensorView &sfa, const TensorView &b,
    const TensorView &sfb, const TensorView &d, const TensorView &layout,
    const GemmOptions &options = GemmOptions());
SM120RT_API Status m_grouped_fp8_fp4_gemm_nt_contiguous(
    const TensorView &a, const TensorView &sfa, const TensorView &b,
    const TensorView &sfb, const TensorView &d, const TensorView &layout,
    const GemmOptions &options = GemmOptions());
SM120RT_API Status m_grouped_bf16_gemm_nt_contiguous(
    const TensorView &a, const TensorView &b, const TensorView &d,
    const TensorView &layout, const GemmOptions &options = GemmOptions());
/// m_grouped_bf16_gemm_nt_contiguous with each expert's B [K, N]
/// (b [G, K, N]), read MN-major in the kernel.
SM120RT_API Status m_grouped_bf16_gemm_nn_contiguous(
    const TensorView &a, const TensorView &b, const TensorView &d,
    const TensorView &layout, const GemmOptions &options = GemmOptions());

/// Masked M-grouped GEMMs (mixture-of-experts decode): every operand holds
/// one matrix per group, a [G, max_m, K] (sfa [G, ...]), b [G, N, K] (sfb
/// [G, ...]), d [G, max_m, N] (optional c [G, max_m, N]; no alpha), and
/// masked_m i32 [G] on the device holds each group's valid rows: rows
/// m < masked_m[g] of group g are computed and written, the others left as
/// they are. Only the tiles holding valid rows are visited, so a group
/// with 0 rows costs nothing. expected_m (0: max_m) is the typical valid
/// rows per group, for which the schedule is chosen (one kernel per bucket,
/// as expectedMBucket). The counts are on the device: one outside
/// [0, max_m] traps the kernel (a CUDA error at the next synchronization)
/// instead of reading or writing out of bounds.
SM120RT_API Status m_grouped_fp8_gemm_nt_masked(
    const TensorView &a, const TensorView &sfa, const TensorView &b,
    const TensorView &sfb, const TensorView &d, const TensorView &maskedM,
    int64_t expectedM = 0, const GemmOptions &options = GemmOptions());
SM120RT_API Status m_grouped_fp8_fp4_gemm_nt_masked(
    const TensorView &a, const TensorView &sfa, const TensorView &b,
    const TensorView &sfb, const TensorView &d, const TensorView &maskedM,
    int64_t expectedM = 0, const GemmOptions &options = GemmOptions());
SM120RT_API Status m_grouped_bf16_gemm_nt_masked(
    const TensorView &a, const TensorView &b, const TensorView &d,
    const TensorView &maskedM, int64_t expectedM = 0,
    const GemmOptions &options = GemmOptions());

/// K-grouped GEMMs (mixture-of-experts weight gradients): for each group g,
/// D[g] = C[g] + A_g B_g^T, where A_g and B_g are the g-th run of ks[g]
/// columns along K (the groups one after another). ks is i32 [G] on the
/// device; c (required; it may be d) and d are f32 [G, M, N].
///   nt: a [M, sum K] and b [N, sum K] (K-contiguous). DeepGEMM's nt
///       takes 1-D concatenations of per-group [M, K_g] blocks instead,
///       which is not supported yet.
///   tn: a [sum K, M] and b [sum K, N] (MN-contiguous: the activations and
///       output gradients of the groups' tokens as they are). BF16 reads
///       them in the kernel (ldmatrix.trans); FP8 returns NotSupported and
///       names the route (transpose_to_k_major each, then nt).
/// FP8 scales are packed UE8M0 of one K granularity (options.sfaGranK or
/// sfbGranK: 32 or 128, default 128), i32 [rows, align(MN, 4)], each
/// group taking the next ceil(K_g / (4 granularity)) rows. Each K_g must
/// be a multiple of the kernel's K alignment (its block K; 64 always
/// works); with options.kSizes (a host copy of ks) every size is checked
/// before the launch, else a size that is negative, misaligned, or runs
/// past sum K or the scale rows traps the kernel (a CUDA error at the next
/// synchronization). A group with K_g = 0 gets D[g] = C[g]. M and sum K
/// (at least 1: TMA takes no empty dimension) may vary from call to call:
/// one kernel per (G, N, dtype, majorness).
SM120RT_API Status k_grouped_fp8_gemm_nt_contiguous(
    const TensorView &a, const TensorView &sfa, const TensorView &b,
    const TensorView &sfb, const TensorView &d, const TensorView &ks,
    const GemmOptions &options);
SM120RT_API Status k_grouped_fp8_gemm_tn_contiguous(
    const TensorView &a, const TensorView &sfa, const TensorView &b,
    const TensorView &sfb, const TensorView &d, const TensorView &ks,
    const GemmOptions &options);
SM120RT_API Status k_grouped_bf16_gemm_nt_contiguous(
    const TensorView &a, const TensorView &b, const TensorView &d,
    const TensorView &ks, const GemmOptions &options);
SM120RT_API Status k_grouped_bf16_gemm_tn_contiguous(
    const TensorView &a, const TensorView &b, const TensorView &d,
    const TensorView &ks, const GemmOptions &options);

/// Batched GEMMs in einsum form (attention projections): equation
/// "bhr,hdr->bhd", D[:, h, :] = A[:, h, :] B[h]^T per head h, with a
/// [b, h, r] (any strides TMA accepts, e.g. a slice of a wider buffer),
/// b [h, d, r], d [b, h, d] (optional c [b, h, d] f32; no alpha), and the
/// scales with a leading [h] (each head's scales as the
/// dense entry points take them for its [b, r] and [d, r] operands). One
/// kernel covers every head; b (the batch rows) is the runtime M and picks
/// the schedule's bucket, so decode batches get swap_ab kernels.
/// "bhd,hdr->bhr": D[:, h, :] = A[:, h, :] B[h] with a [b, h, d], b
/// [h, d, r], d [b, h, r]; BF16 reads b MN-major (ldmatrix.trans), FP8
/// copies it to K-major [h, r, d] on the stream first and runs
/// "bhr,hdr->bhd" (sfb: each head's scales of [r, d]). "bhd,bhr->hdr":
/// D[h] = A[:, h, :]^T B[:, h, :] per head, contracting the batch rows, with
/// a [b, h, d] and b [b, h, r] (any strides), c and d [h, d, r]; b is a
/// runtime size (at least 1) and d picks the schedule's bucket. BF16 reads
/// a and b MN-major in place (strides TMA accepts); FP8 copies them to
/// K-major [h, d, b] and [h, r, b] in memory allocated on the stream (two
/// transposes, then the bmk,bnk->bmn kernel with a runtime K; the memory
/// is freed on the stream after it), and its scales are that GEMM's: a
/// leading [h], then each head's for its [d, b] and [r, b] operands.
/// "bmk,bnk->bmn": D[g] = A[g] B[g]^T (+ C[g]) per batch g, a [b, m, k],
/// b [b, n, k], c and d [b, m, n], the scales with a leading [b]; m is the
/// runtime M. "bmk,bnk->mn" (BF16): D [m, n] = sum_b A[b] B[b]^T
/// (+ C) with a [b, m, k] and b [b, n, k], the batch count a runtime size;
/// every batch is summed in one FP32 accumulator per output tile, so the
/// result is deterministic. Unknown equations are InvalidArgument. The c
/// and d of every form but bmk,bnk->mn may be strided views (unit column
/// stride, outer strides and base 8-byte aligned; d's elements must not
/// overlap): the kernel then takes their strides at launch.
SM120RT_API Status fp8_einsum(const char *equation, const TensorView &a,
                              const TensorView &sfa, const TensorView &b,
                              const TensorView &sfb, const TensorView &d,
                              const GemmOptions &options = GemmOptions());
SM120RT_API Status bf16_einsum(const char *equation, const TensorView &a,
                               const TensorView &b, const TensorView &d,
                               const GemmOptions &options = GemmOptions());

/// The row alignment each group of a contiguous grouped call with these
/// arguments needs (the kernel's BM), compiling the kernel if needed.
SM120RT_API Expected<int64_t>
m_grouped_contiguous_alignment(const TensorView &a, const TensorView *sfa,
                               const TensorView &b, const TensorView *sfb,
                               const TensorView &d, const TensorView &layout,
                               const GemmOptions &options = GemmOptions());

/// The problem and compile options a call would use, after validating its
/// arguments (no compilation, no launch); `device` must exist unless
/// options.compile.chip is set. For tools and tests.
SM120RT_API Expected<std::pair<GemmProblem, CompileOptions>>
planGemm(const TensorView &a, const TensorView *sfa, const TensorView &b,
         const TensorView *sfb, const TensorView &d,
         const GemmOptions &options);

} // namespace sm120rt

#endif // SM120RT_GEMM_HPP

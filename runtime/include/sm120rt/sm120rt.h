/* C API of libsm120rt (for C programs and foreign-function interfaces). */

#ifndef SM120RT_SM120RT_H
#define SM120RT_SM120RT_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define SM120RT_C_API
#else
#define SM120RT_C_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes; the values match sm120rt::Code. */
typedef enum sm120rt_status {
  SM120RT_OK = 0,
  SM120RT_INVALID_MANIFEST = 1,
  SM120RT_UNSUPPORTED_SCHEMA = 2,
  SM120RT_MISSING_FILE = 3,
  SM120RT_WRONG_ARCHITECTURE = 4,
  SM120RT_INVALID_ARGUMENT = 5,
  SM120RT_DRIVER_ERROR = 6,
  SM120RT_NO_DEVICE = 7,
  SM120RT_NOT_SUPPORTED = 8,
  SM120RT_INTERNAL = 9,
  SM120RT_COMPILE_ERROR = 10 /* the JIT could not compile the problem */
} sm120rt_status;

/* Element types for sm120rt_tensor.dtype; the values match sm120rt::DType. */
typedef enum sm120rt_dtype {
  SM120RT_DTYPE_F8E4M3 = 1,
  SM120RT_DTYPE_F4E2M1 = 2, /* two per byte along the contiguous dim */
  SM120RT_DTYPE_F8E8M0 = 3,
  SM120RT_DTYPE_BF16 = 4,
  SM120RT_DTYPE_F16 = 5,
  SM120RT_DTYPE_F32 = 6,
  SM120RT_DTYPE_I32 = 7,
  SM120RT_DTYPE_U8 = 8
} sm120rt_dtype;

typedef struct sm120rt_bundle sm120rt_bundle;
typedef struct sm120rt_kernel sm120rt_kernel;

/* A caller's tensor: device pointer, sm120rt_dtype, rank, and `rank` sizes
 * and strides, both in elements. The arrays are read during the call only. */
typedef struct sm120rt_tensor {
  void *data;
  int dtype;
  int rank;
  const int64_t *sizes;
  const int64_t *strides;
} sm120rt_tensor;

/* The message of the last failing call on this thread ("" if none). The
 * pointer stays valid until the next failing call on this thread. */
SM120RT_C_API const char *sm120rt_last_error(void);
/* "SM120RT_OK", "SM120RT_INVALID_MANIFEST", ... */
SM120RT_C_API const char *sm120rt_status_name(sm120rt_status status);

/* Loads `<dir>/manifest.json` and its cubin. On success *out owns a bundle
 * (free it with sm120rt_bundle_destroy); on failure *out is NULL. */
SM120RT_C_API sm120rt_status sm120rt_bundle_load_dir(const char *dir,
                                                     sm120rt_bundle **out);
SM120RT_C_API sm120rt_status sm120rt_bundle_load_memory(
    const char *manifest_json, size_t manifest_len, const void *cubin,
    size_t cubin_len, sm120rt_bundle **out);
/* Accepts NULL. Kernels created from the bundle stay valid. */
SM120RT_C_API void sm120rt_bundle_destroy(sm120rt_bundle *bundle);

/* Manifest facts; the strings live as long as the bundle. */
SM120RT_C_API const char *sm120rt_bundle_chip(const sm120rt_bundle *bundle);
SM120RT_C_API const char *sm120rt_bundle_symbol(const sm120rt_bundle *bundle);
SM120RT_C_API const char *sm120rt_bundle_family(const sm120rt_bundle *bundle);
SM120RT_C_API size_t sm120rt_bundle_num_tensors(const sm120rt_bundle *bundle);

/* Loads the bundle's kernel on CUDA device `device` (checking its compute
 * capability first). */
SM120RT_C_API sm120rt_status sm120rt_kernel_create(const sm120rt_bundle *bundle,
                                                   int device,
                                                   sm120rt_kernel **out);
/* Validates the tensors against the manifest and launches on `stream` (a
 * CUstream of the device's primary context, or NULL). */
SM120RT_C_API sm120rt_status sm120rt_kernel_launch(const sm120rt_kernel *kernel,
                                                   const sm120rt_tensor *args,
                                                   size_t num_args,
                                                   void *stream);
/* Accepts NULL. */
SM120RT_C_API void sm120rt_kernel_destroy(sm120rt_kernel *kernel);

/* GEMM entry points (sm120rt/Gemm.hpp): D = A B^T (+ C) with A [M, K] and
 * B [N, K] K-contiguous, scales in the kernels' layout (UE8M0 packed four
 * per i32 [ceil(K / (4 g)), align(MN, 4)], or NVFP4's UE4M3 [MN, K / 16]).
 * The kernel comes from the kernel cache (compiled on a miss when the JIT
 * library registered its compiler) and is launched on `stream`. Tensors are
 * at most rank 4. A zero-filled options struct, or NULL, means defaults. */
typedef struct sm120rt_gemm_options {
  const sm120rt_tensor *c; /* optional f32 [M, N] addend */
  int device;
  void *stream;        /* CUstream of the device's primary context, or NULL */
  int sfa_gran_k;      /* 0: inferred from sfa's shape */
  int sfb_gran_k;      /* 0: inferred from sfb's shape */
  const char *chip;    /* NULL: chosen from the device */
  const char *machine; /* NULL: the device's preset */
  int64_t expected_m;  /* 0: M's bucket (16, 32, 64, 256, 1024 or 4096) */
  const sm120rt_tensor *alpha; /* optional f32 [1]: D = alpha A B^T (+ C) */
  int prefix_sum; /* grouped: layout holds group ends [G], not rows' groups */
  /* K-grouped: optional host copy of the G K sizes, checked before launch */
  const int32_t *k_sizes;
  /* K-grouped: a multiple of K every group's size is (a multiple of 64;
   * 0: 64) */
  int k_alignment;
} sm120rt_gemm_options;

SM120RT_C_API sm120rt_status sm120rt_fp8_gemm_nt(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_gemm_options *options);
SM120RT_C_API sm120rt_status sm120rt_fp8_fp4_gemm_nt(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_gemm_options *options);
SM120RT_C_API sm120rt_status sm120rt_bf16_gemm_nt(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_gemm_options *options);
/* MN-major BF16 (sm120rt/Gemm.hpp): nn takes b [K, N], tn a [K, M] and
 * b [K, N], tt a [K, M] and b [N, K]. */
SM120RT_C_API sm120rt_status sm120rt_bf16_gemm_nn(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_gemm_options *options);
SM120RT_C_API sm120rt_status sm120rt_bf16_gemm_tn(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_gemm_options *options);
SM120RT_C_API sm120rt_status sm120rt_bf16_gemm_tt(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_gemm_options *options);

/* Contiguous M-grouped GEMMs (sm120rt/Gemm.hpp): b [G, N, K] (sfb with a
 * leading G), layout i32 [M] (each row's group, -1 for padding) or, with
 * options->prefix_sum, [G] (each group's exclusive end row). */
SM120RT_C_API sm120rt_status sm120rt_m_grouped_fp8_gemm_nt_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_tensor *layout, const sm120rt_gemm_options *options);
SM120RT_C_API sm120rt_status sm120rt_m_grouped_fp8_fp4_gemm_nt_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_tensor *layout, const sm120rt_gemm_options *options);
SM120RT_C_API sm120rt_status sm120rt_m_grouped_bf16_gemm_nt_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_tensor *layout, const sm120rt_gemm_options *options);
/* b [G, K, N], read MN-major. */
SM120RT_C_API sm120rt_status sm120rt_m_grouped_bf16_gemm_nn_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_tensor *layout, const sm120rt_gemm_options *options);

/* K-grouped GEMMs (sm120rt/Gemm.hpp): D[g] = C[g] + A_g B_g^T over each
 * group's run of ks[g] K columns; ks i32 [G] on the device, options->c
 * (required) and d f32 [G, M, N]. nt: a [M, sum K], b [N, sum K]; tn:
 * a [sum K, M], b [sum K, N] (FP8: NotSupported, transpose first). FP8
 * scales packed UE8M0 [rows, align(MN, 4)], granularity
 * options->sfa_gran_k (32 or 128; 0: 128). */
SM120RT_C_API sm120rt_status sm120rt_k_grouped_fp8_gemm_nt_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_tensor *ks, const sm120rt_gemm_options *options);
SM120RT_C_API sm120rt_status sm120rt_k_grouped_fp8_gemm_tn_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_tensor *ks, const sm120rt_gemm_options *options);
SM120RT_C_API sm120rt_status sm120rt_k_grouped_bf16_gemm_nt_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_tensor *ks, const sm120rt_gemm_options *options);
SM120RT_C_API sm120rt_status sm120rt_k_grouped_bf16_gemm_tn_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_tensor *ks, const sm120rt_gemm_options *options);

/* Masked M-grouped GEMMs (sm120rt/Gemm.hpp): a [G, max_m, K], b [G, N, K],
 * d [G, max_m, N] (options->c [G, max_m, N]), scales with a leading G,
 * masked_m i32 [G] on the device (each group's valid rows; a count outside
 * [0, max_m] traps the kernel), expected_m the typical valid rows per group
 * (0: max_m). */
SM120RT_C_API sm120rt_status sm120rt_m_grouped_fp8_gemm_nt_masked(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_tensor *masked_m, int64_t expected_m,
    const sm120rt_gemm_options *options);
SM120RT_C_API sm120rt_status sm120rt_m_grouped_fp8_fp4_gemm_nt_masked(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_tensor *masked_m, int64_t expected_m,
    const sm120rt_gemm_options *options);
SM120RT_C_API sm120rt_status sm120rt_m_grouped_bf16_gemm_nt_masked(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_tensor *masked_m, int64_t expected_m,
    const sm120rt_gemm_options *options);

/* Batched GEMMs in einsum form (sm120rt/Gemm.hpp): equation "bhr,hdr->bhd"
 * with a [b, h, r], b [h, d, r], d [b, h, d] (options->c [b, h, d]; both
 * may be strided views),
 * scales with a leading h; "bhd,hdr->bhr" (a [b, h, d], b [h, d, r],
 * d [b, h, r]) and "bhd,bhr->hdr" (a [b, h, d], b [b, h, r], d [h, d, r]),
 * whose MN-major FP8 operands are copied K-major on the stream first;
 * "bmk,bnk->bmn" (a [b, m, k], b [b, n, k], d [b, m, n]); in BF16 also
 * "bmk,bnk->mn" (a [b, m, k], b [b, n, k], d [m, n]), for which FP8
 * returns SM120RT_NOT_SUPPORTED. */
SM120RT_C_API sm120rt_status sm120rt_fp8_einsum(
    const char *equation, const sm120rt_tensor *a, const sm120rt_tensor *sfa,
    const sm120rt_tensor *b, const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_gemm_options *options);
SM120RT_C_API sm120rt_status sm120rt_bf16_einsum(
    const char *equation, const sm120rt_tensor *a, const sm120rt_tensor *b,
    const sm120rt_tensor *d, const sm120rt_gemm_options *options);

/* Scale-factor utilities (sm120rt/Scales.hpp): GPU kernels on `stream`,
 * arguments validated first. */
SM120RT_C_API sm120rt_status sm120rt_pack_ue8m0_scales(
    const sm120rt_tensor *scales, const sm120rt_tensor *packed, int64_t mn,
    int64_t k, int64_t gran_mn, int64_t gran_k, int device, void *stream);
SM120RT_C_API sm120rt_status sm120rt_transpose_to_k_major(
    const sm120rt_tensor *src, const sm120rt_tensor *dst, int device,
    void *stream);

/* A zero-filled struct, or NULL, means defaults. */
typedef struct sm120rt_quantize_options {
  int64_t block_mn;     /* rows per scale: 0 or 1 per token, 128 per block */
  int64_t block_k;      /* 0: 128 (FP8), 32 (FP4), 16 (UE4M3 scales) */
  int exact_f32_scales; /* nonzero: f32 scales not rounded to 2^n */
  const sm120rt_tensor *global_scale; /* UE4M3 only: f32 [1] on device */
  int device;
  void *stream;
} sm120rt_quantize_options;

SM120RT_C_API sm120rt_status sm120rt_quantize_fp8(
    const sm120rt_tensor *x, const sm120rt_tensor *q, const sm120rt_tensor *sf,
    const sm120rt_quantize_options *options);
SM120RT_C_API sm120rt_status sm120rt_quantize_fp4(
    const sm120rt_tensor *x, const sm120rt_tensor *q, const sm120rt_tensor *sf,
    const sm120rt_quantize_options *options);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SM120RT_SM120RT_H */

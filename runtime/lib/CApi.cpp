// The C API (sm120rt.h): opaque handles over the C++ API and a thread-local
// last-error message.

#include "Support.hpp"
#include "sm120rt/Gemm.hpp"
#include "sm120rt/Scales.hpp"
#include "sm120rt/sm120rt.h"
#include "sm120rt/sm120rt.hpp"

#include <exception>
#include <new>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

using namespace sm120rt;
using namespace sm120rt::detail;

static_assert(
    SM120RT_OK == static_cast<int>(Code::Ok) &&
        SM120RT_INVALID_MANIFEST == static_cast<int>(Code::InvalidManifest) &&
        SM120RT_UNSUPPORTED_SCHEMA ==
            static_cast<int>(Code::UnsupportedSchema) &&
        SM120RT_MISSING_FILE == static_cast<int>(Code::MissingFile) &&
        SM120RT_WRONG_ARCHITECTURE ==
            static_cast<int>(Code::WrongArchitecture) &&
        SM120RT_INVALID_ARGUMENT == static_cast<int>(Code::InvalidArgument) &&
        SM120RT_DRIVER_ERROR == static_cast<int>(Code::DriverError) &&
        SM120RT_NO_DEVICE == static_cast<int>(Code::NoDevice) &&
        SM120RT_NOT_SUPPORTED == static_cast<int>(Code::NotSupported) &&
        SM120RT_INTERNAL == static_cast<int>(Code::Internal) &&
        SM120RT_COMPILE_ERROR == static_cast<int>(Code::CompileError),
    "sm120rt_status must mirror sm120rt::Code");
static_assert(SM120RT_DTYPE_F8E4M3 == static_cast<int>(DType::F8E4M3) &&
                  SM120RT_DTYPE_F4E2M1 == static_cast<int>(DType::F4E2M1) &&
                  SM120RT_DTYPE_F8E8M0 == static_cast<int>(DType::F8E8M0) &&
                  SM120RT_DTYPE_BF16 == static_cast<int>(DType::BF16) &&
                  SM120RT_DTYPE_F16 == static_cast<int>(DType::F16) &&
                  SM120RT_DTYPE_F32 == static_cast<int>(DType::F32) &&
                  SM120RT_DTYPE_I32 == static_cast<int>(DType::I32) &&
                  SM120RT_DTYPE_U8 == static_cast<int>(DType::U8),
              "sm120rt_dtype must mirror sm120rt::DType");

struct sm120rt_bundle {
  Bundle bundle;
  std::string chip; // NUL-terminated copies for the getters
};

struct sm120rt_kernel {
  Kernel kernel;
};

namespace {

thread_local std::string lastError;

sm120rt_status fail(const Error &error) {
  lastError = error.message;
  return static_cast<sm120rt_status>(error.code);
}

sm120rt_status fail(Code code, std::string message) {
  return fail(Error{code, std::move(message)});
}

/// Runs a C entry point's body; no C++ exception (only std::bad_alloc is
/// expected) may cross into C.
template <typename Body> sm120rt_status guarded(Body &&body) {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return fail(Code::Internal, "out of host memory");
  } catch (const std::exception &e) {
    return fail(Code::Internal, cat("internal error: ", e.what()));
  } catch (...) {
    return fail(Code::Internal, "internal error");
  }
}

sm120rt_status wrapBundle(Expected<Bundle> bundle, sm120rt_bundle **out) {
  if (!bundle)
    return fail(bundle.error());
  auto *handle = new sm120rt_bundle{bundle.take(), std::string()};
  handle->chip = std::string(chipName(handle->bundle.manifest().chip));
  *out = handle;
  return SM120RT_OK;
}

/// A C tensor as a TensorView; `name` labels errors.
Expected<TensorView> view(const char *entry, const char *name,
                          const sm120rt_tensor *t) {
  if (!t)
    return Error{Code::InvalidArgument, cat(entry, ": ", name, " is NULL")};
  if (t->rank < 0 || t->rank > TensorView::kMaxRank ||
      (t->rank && (!t->sizes || !t->strides)))
    return Error{Code::InvalidArgument,
                 cat(entry, ": ", name, " has rank ", t->rank,
                     t->rank > 0 && t->rank <= TensorView::kMaxRank
                         ? " and NULL sizes or strides"
                         : "; expected 0 to 4")};
  TensorView v;
  v.data = t->data;
  v.dtype = static_cast<DType>(t->dtype);
  v.rank = t->rank;
  std::copy_n(t->sizes, t->rank, v.sizes.begin());
  std::copy_n(t->strides, t->rank, v.strides.begin());
  return v;
}

using NamedTensors =
    std::initializer_list<std::pair<const char *, const sm120rt_tensor *>>;

Expected<std::vector<TensorView>> viewsOf(const char *entry,
                                          NamedTensors tensors) {
  std::vector<TensorView> views;
  for (auto [name, t] : tensors) {
    Expected<TensorView> v = view(entry, name, t);
    if (!v)
      return v.error();
    views.push_back(*v);
  }
  return views;
}

/// Runs one GEMM entry point on C arguments (sfa, sfb may be NULL for
/// bf16).
template <typename Call>
sm120rt_status gemmEntry(const char *entry, NamedTensors tensors,
                         const sm120rt_gemm_options *options, Call &&call) {
  return guarded([&] {
    Expected<std::vector<TensorView>> views = viewsOf(entry, tensors);
    if (!views)
      return fail(views.error());
    GemmOptions o;
    std::optional<TensorView> c, alpha;
    if (options) {
      // The optional tensors: each stays in its std::optional for the call.
      for (auto [name, given, held, slot] :
           {std::tuple{"c", options->c, &c, &o.c},
            std::tuple{"alpha", options->alpha, &alpha, &o.alpha}}) {
        if (!given)
          continue;
        Expected<TensorView> v = view(entry, name, given);
        if (!v)
          return fail(v.error());
        *held = *v;
        *slot = &**held;
      }
      o.device = options->device;
      o.stream = options->stream;
      o.sfaGranK = options->sfa_gran_k;
      o.sfbGranK = options->sfb_gran_k;
      if (options->chip)
        o.compile.chip = options->chip;
      if (options->machine)
        o.compile.machine = options->machine;
      if (options->expected_m)
        o.compile.expectedM = options->expected_m;
      o.prefixSum = options->prefix_sum != 0;
      o.kSizes = options->k_sizes;
      o.kAlignment = options->k_alignment;
    }
    Status s = call(*views, o);
    return s ? SM120RT_OK : fail(s.error());
  });
}

/// A grouped entry point with scales: a, sfa, b, sfb, d and the layout.
using GroupedScaledFn = Status (*)(const TensorView &, const TensorView &,
                                   const TensorView &, const TensorView &,
                                   const TensorView &, const TensorView &,
                                   const GemmOptions &);

sm120rt_status
groupedScaledEntry(const char *entry, GroupedScaledFn fn,
                   const sm120rt_tensor *a, const sm120rt_tensor *sfa,
                   const sm120rt_tensor *b, const sm120rt_tensor *sfb,
                   const sm120rt_tensor *d, const sm120rt_tensor *layout,
                   const sm120rt_gemm_options *options) {
  return gemmEntry(
      entry,
      {{"a", a},
       {"sfa", sfa},
       {"b", b},
       {"sfb", sfb},
       {"d", d},
       {"layout", layout}},
      options, [fn](const std::vector<TensorView> &v, const GemmOptions &o) {
        return fn(v[0], v[1], v[2], v[3], v[4], v[5], o);
      });
}

/// A masked entry point with scales: a, sfa, b, sfb, d, masked_m and the
/// expected rows per group.
using MaskedScaledFn = Status (*)(const TensorView &, const TensorView &,
                                  const TensorView &, const TensorView &,
                                  const TensorView &, const TensorView &,
                                  int64_t, const GemmOptions &);

sm120rt_status
maskedScaledEntry(const char *entry, MaskedScaledFn fn, const sm120rt_tensor *a,
                  const sm120rt_tensor *sfa, const sm120rt_tensor *b,
                  const sm120rt_tensor *sfb, const sm120rt_tensor *d,
                  const sm120rt_tensor *maskedM, int64_t expectedM,
                  const sm120rt_gemm_options *options) {
  return gemmEntry(
      entry,
      {{"a", a},
       {"sfa", sfa},
       {"b", b},
       {"sfb", sfb},
       {"d", d},
       {"masked_m", maskedM}},
      options,
      [fn, expectedM](const std::vector<TensorView> &v, const GemmOptions &o) {
        return fn(v[0], v[1], v[2], v[3], v[4], v[5], expectedM, o);
      });
}

/// The utility entry points: tensors to views, then the call.
template <typename Call>
sm120rt_status utilityEntry(const char *entry, NamedTensors tensors,
                            Call &&call) {
  return guarded([&] {
    Expected<std::vector<TensorView>> views = viewsOf(entry, tensors);
    if (!views)
      return fail(views.error());
    Status s = call(*views);
    return s ? SM120RT_OK : fail(s.error());
  });
}

/// quantize_fp8 / quantize_fp4 through the C options struct.
template <typename Quantize>
sm120rt_status quantizeEntry(const char *entry, const sm120rt_tensor *x,
                             const sm120rt_tensor *q, const sm120rt_tensor *sf,
                             const sm120rt_quantize_options *options,
                             Quantize quantize) {
  return utilityEntry(entry, {{"x", x}, {"q", q}, {"sf", sf}},
                      [&](const std::vector<TensorView> &v) -> Status {
                        QuantizeOptions o;
                        std::optional<TensorView> global;
                        if (options) {
                          if (options->global_scale) {
                            Expected<TensorView> g = view(
                                entry, "global_scale", options->global_scale);
                            if (!g)
                              return g.error();
                            global = *g;
                            o.globalScale = &*global;
                          }
                          if (options->block_mn)
                            o.blockMN = options->block_mn;
                          o.blockK = options->block_k;
                          o.roundToUe8m0 = !options->exact_f32_scales;
                          o.device = options->device;
                          o.stream = options->stream;
                        }
                        return quantize(v[0], v[1], v[2], o);
                      });
}

} // namespace

extern "C" {

const char *sm120rt_last_error(void) { return lastError.c_str(); }

const char *sm120rt_status_name(sm120rt_status status) {
  switch (status) {
  case SM120RT_OK:
    return "SM120RT_OK";
  case SM120RT_INVALID_MANIFEST:
    return "SM120RT_INVALID_MANIFEST";
  case SM120RT_UNSUPPORTED_SCHEMA:
    return "SM120RT_UNSUPPORTED_SCHEMA";
  case SM120RT_MISSING_FILE:
    return "SM120RT_MISSING_FILE";
  case SM120RT_WRONG_ARCHITECTURE:
    return "SM120RT_WRONG_ARCHITECTURE";
  case SM120RT_INVALID_ARGUMENT:
    return "SM120RT_INVALID_ARGUMENT";
  case SM120RT_DRIVER_ERROR:
    return "SM120RT_DRIVER_ERROR";
  case SM120RT_NO_DEVICE:
    return "SM120RT_NO_DEVICE";
  case SM120RT_NOT_SUPPORTED:
    return "SM120RT_NOT_SUPPORTED";
  case SM120RT_INTERNAL:
    return "SM120RT_INTERNAL";
  case SM120RT_COMPILE_ERROR:
    return "SM120RT_COMPILE_ERROR";
  }
  return "SM120RT_UNKNOWN_STATUS";
}

sm120rt_status sm120rt_bundle_load_dir(const char *dir, sm120rt_bundle **out) {
  if (!out)
    return fail(Code::InvalidArgument, "sm120rt_bundle_load_dir: out is NULL");
  *out = nullptr;
  if (!dir)
    return fail(Code::InvalidArgument, "sm120rt_bundle_load_dir: dir is NULL");
  return guarded(
      [&] { return wrapBundle(Bundle::loadFromDirectory(dir), out); });
}

sm120rt_status sm120rt_bundle_load_memory(const char *manifest_json,
                                          size_t manifest_len,
                                          const void *cubin, size_t cubin_len,
                                          sm120rt_bundle **out) {
  if (!out)
    return fail(Code::InvalidArgument,
                "sm120rt_bundle_load_memory: out is NULL");
  *out = nullptr;
  if (!manifest_json || (!cubin && cubin_len))
    return fail(Code::InvalidArgument,
                cat("sm120rt_bundle_load_memory: ",
                    manifest_json ? "cubin" : "manifest_json", " is NULL"));
  return guarded([&] {
    std::string bytes(static_cast<const char *>(cubin), cubin ? cubin_len : 0);
    return wrapBundle(
        Bundle::loadFromMemory(std::string_view(manifest_json, manifest_len),
                               std::move(bytes)),
        out);
  });
}

void sm120rt_bundle_destroy(sm120rt_bundle *bundle) { delete bundle; }

const char *sm120rt_bundle_chip(const sm120rt_bundle *bundle) {
  return bundle ? bundle->chip.c_str() : "";
}

const char *sm120rt_bundle_symbol(const sm120rt_bundle *bundle) {
  return bundle ? bundle->bundle.manifest().kernelSymbol.c_str() : "";
}

const char *sm120rt_bundle_family(const sm120rt_bundle *bundle) {
  return bundle ? bundle->bundle.manifest().problemFamily.c_str() : "";
}

size_t sm120rt_bundle_num_tensors(const sm120rt_bundle *bundle) {
  return bundle ? bundle->bundle.manifest().tensors.size() : 0;
}

sm120rt_status sm120rt_kernel_create(const sm120rt_bundle *bundle, int device,
                                     sm120rt_kernel **out) {
  if (!out)
    return fail(Code::InvalidArgument, "sm120rt_kernel_create: out is NULL");
  *out = nullptr;
  if (!bundle)
    return fail(Code::InvalidArgument, "sm120rt_kernel_create: bundle is NULL");
  return guarded([&] {
    Expected<Kernel> kernel = Kernel::create(bundle->bundle, device);
    if (!kernel)
      return fail(kernel.error());
    *out = new sm120rt_kernel{kernel.take()};
    return SM120RT_OK;
  });
}

sm120rt_status sm120rt_kernel_launch(const sm120rt_kernel *kernel,
                                     const sm120rt_tensor *args,
                                     size_t num_args, void *stream) {
  if (!kernel)
    return fail(Code::InvalidArgument, "sm120rt_kernel_launch: kernel is NULL");
  if (!args && num_args)
    return fail(Code::InvalidArgument, "sm120rt_kernel_launch: args is NULL");
  return guarded([&] {
    std::vector<TensorArg> converted(num_args);
    for (size_t i = 0; i < num_args; ++i)
      converted[i] = TensorArg{args[i].data, static_cast<DType>(args[i].dtype),
                               args[i].rank, args[i].sizes, args[i].strides};
    Status status = kernel->kernel.launch(converted, stream);
    if (!status)
      return fail(status.error());
    return SM120RT_OK;
  });
}

void sm120rt_kernel_destroy(sm120rt_kernel *kernel) { delete kernel; }

sm120rt_status sm120rt_fp8_gemm_nt(const sm120rt_tensor *a,
                                   const sm120rt_tensor *sfa,
                                   const sm120rt_tensor *b,
                                   const sm120rt_tensor *sfb,
                                   const sm120rt_tensor *d,
                                   const sm120rt_gemm_options *options) {
  return gemmEntry("sm120rt_fp8_gemm_nt",
                   {{"a", a}, {"sfa", sfa}, {"b", b}, {"sfb", sfb}, {"d", d}},
                   options,
                   [](const std::vector<TensorView> &v, const GemmOptions &o) {
                     return fp8_gemm_nt(v[0], v[1], v[2], v[3], v[4], o);
                   });
}

sm120rt_status sm120rt_fp8_fp4_gemm_nt(const sm120rt_tensor *a,
                                       const sm120rt_tensor *sfa,
                                       const sm120rt_tensor *b,
                                       const sm120rt_tensor *sfb,
                                       const sm120rt_tensor *d,
                                       const sm120rt_gemm_options *options) {
  return gemmEntry("sm120rt_fp8_fp4_gemm_nt",
                   {{"a", a}, {"sfa", sfa}, {"b", b}, {"sfb", sfb}, {"d", d}},
                   options,
                   [](const std::vector<TensorView> &v, const GemmOptions &o) {
                     return fp8_fp4_gemm_nt(v[0], v[1], v[2], v[3], v[4], o);
                   });
}

namespace {
using Bf16Entry = Status (*)(const TensorView &, const TensorView &,
                             const TensorView &, const GemmOptions &);
sm120rt_status bf16Entry(const char *name, Bf16Entry fn,
                         const sm120rt_tensor *a, const sm120rt_tensor *b,
                         const sm120rt_tensor *d,
                         const sm120rt_gemm_options *options) {
  return gemmEntry(
      name, {{"a", a}, {"b", b}, {"d", d}}, options,
      [fn](const std::vector<TensorView> &v, const GemmOptions &o) {
        return fn(v[0], v[1], v[2], o);
      });
}
} // namespace

sm120rt_status sm120rt_bf16_gemm_nt(const sm120rt_tensor *a,
                                    const sm120rt_tensor *b,
                                    const sm120rt_tensor *d,
                                    const sm120rt_gemm_options *options) {
  return bf16Entry("sm120rt_bf16_gemm_nt", bf16_gemm_nt, a, b, d, options);
}

sm120rt_status sm120rt_bf16_gemm_nn(const sm120rt_tensor *a,
                                    const sm120rt_tensor *b,
                                    const sm120rt_tensor *d,
                                    const sm120rt_gemm_options *options) {
  return bf16Entry("sm120rt_bf16_gemm_nn", bf16_gemm_nn, a, b, d, options);
}

sm120rt_status sm120rt_bf16_gemm_tn(const sm120rt_tensor *a,
                                    const sm120rt_tensor *b,
                                    const sm120rt_tensor *d,
                                    const sm120rt_gemm_options *options) {
  return bf16Entry("sm120rt_bf16_gemm_tn", bf16_gemm_tn, a, b, d, options);
}

sm120rt_status sm120rt_bf16_gemm_tt(const sm120rt_tensor *a,
                                    const sm120rt_tensor *b,
                                    const sm120rt_tensor *d,
                                    const sm120rt_gemm_options *options) {
  return bf16Entry("sm120rt_bf16_gemm_tt", bf16_gemm_tt, a, b, d, options);
}

sm120rt_status sm120rt_m_grouped_bf16_gemm_nn_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_tensor *layout, const sm120rt_gemm_options *options) {
  return gemmEntry("sm120rt_m_grouped_bf16_gemm_nn_contiguous",
                   {{"a", a}, {"b", b}, {"d", d}, {"layout", layout}}, options,
                   [](const std::vector<TensorView> &v, const GemmOptions &o) {
                     return m_grouped_bf16_gemm_nn_contiguous(v[0], v[1], v[2],
                                                              v[3], o);
                   });
}

namespace {
/// A K-grouped BF16 entry point: a, b, d and the K sizes.
sm120rt_status kGroupedBf16Entry(
    const char *entry,
    Status (*fn)(const TensorView &, const TensorView &, const TensorView &,
                 const TensorView &, const GemmOptions &),
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_tensor *ks, const sm120rt_gemm_options *options) {
  return gemmEntry(
      entry, {{"a", a}, {"b", b}, {"d", d}, {"ks", ks}}, options,
      [fn](const std::vector<TensorView> &v, const GemmOptions &o) {
        return fn(v[0], v[1], v[2], v[3], o);
      });
}
} // namespace

sm120rt_status sm120rt_k_grouped_fp8_gemm_nt_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_tensor *ks, const sm120rt_gemm_options *options) {
  return groupedScaledEntry("sm120rt_k_grouped_fp8_gemm_nt_contiguous",
                            k_grouped_fp8_gemm_nt_contiguous, a, sfa, b, sfb, d,
                            ks, options);
}

sm120rt_status sm120rt_k_grouped_fp8_gemm_tn_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_tensor *ks, const sm120rt_gemm_options *options) {
  return groupedScaledEntry("sm120rt_k_grouped_fp8_gemm_tn_contiguous",
                            k_grouped_fp8_gemm_tn_contiguous, a, sfa, b, sfb, d,
                            ks, options);
}

sm120rt_status sm120rt_k_grouped_bf16_gemm_nt_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_tensor *ks, const sm120rt_gemm_options *options) {
  return kGroupedBf16Entry("sm120rt_k_grouped_bf16_gemm_nt_contiguous",
                           k_grouped_bf16_gemm_nt_contiguous, a, b, d, ks,
                           options);
}

sm120rt_status sm120rt_k_grouped_bf16_gemm_tn_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_tensor *ks, const sm120rt_gemm_options *options) {
  return kGroupedBf16Entry("sm120rt_k_grouped_bf16_gemm_tn_contiguous",
                           k_grouped_bf16_gemm_tn_contiguous, a, b, d, ks,
                           options);
}

sm120rt_status sm120rt_m_grouped_fp8_gemm_nt_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_tensor *layout, const sm120rt_gemm_options *options) {
  return groupedScaledEntry("sm120rt_m_grouped_fp8_gemm_nt_contiguous",
                            m_grouped_fp8_gemm_nt_contiguous, a, sfa, b, sfb, d,
                            layout, options);
}

sm120rt_status sm120rt_m_grouped_fp8_fp4_gemm_nt_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_tensor *layout, const sm120rt_gemm_options *options) {
  return groupedScaledEntry("sm120rt_m_grouped_fp8_fp4_gemm_nt_contiguous",
                            m_grouped_fp8_fp4_gemm_nt_contiguous, a, sfa, b,
                            sfb, d, layout, options);
}

sm120rt_status sm120rt_m_grouped_bf16_gemm_nt_contiguous(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_tensor *layout, const sm120rt_gemm_options *options) {
  return gemmEntry("sm120rt_m_grouped_bf16_gemm_nt_contiguous",
                   {{"a", a}, {"b", b}, {"d", d}, {"layout", layout}}, options,
                   [](const std::vector<TensorView> &v, const GemmOptions &o) {
                     return m_grouped_bf16_gemm_nt_contiguous(v[0], v[1], v[2],
                                                              v[3], o);
                   });
}

sm120rt_status sm120rt_fp8_einsum(const char *equation, const sm120rt_tensor *a,
                                  const sm120rt_tensor *sfa,
                                  const sm120rt_tensor *b,
                                  const sm120rt_tensor *sfb,
                                  const sm120rt_tensor *d,
                                  const sm120rt_gemm_options *options) {
  return gemmEntry(
      "sm120rt_fp8_einsum",
      {{"a", a}, {"sfa", sfa}, {"b", b}, {"sfb", sfb}, {"d", d}}, options,
      [equation](const std::vector<TensorView> &v, const GemmOptions &o) {
        return fp8_einsum(equation, v[0], v[1], v[2], v[3], v[4], o);
      });
}

sm120rt_status sm120rt_bf16_einsum(const char *equation,
                                   const sm120rt_tensor *a,
                                   const sm120rt_tensor *b,
                                   const sm120rt_tensor *d,
                                   const sm120rt_gemm_options *options) {
  return gemmEntry(
      "sm120rt_bf16_einsum", {{"a", a}, {"b", b}, {"d", d}}, options,
      [equation](const std::vector<TensorView> &v, const GemmOptions &o) {
        return bf16_einsum(equation, v[0], v[1], v[2], o);
      });
}

sm120rt_status sm120rt_m_grouped_fp8_gemm_nt_masked(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_tensor *masked_m, int64_t expected_m,
    const sm120rt_gemm_options *options) {
  return maskedScaledEntry("sm120rt_m_grouped_fp8_gemm_nt_masked",
                           m_grouped_fp8_gemm_nt_masked, a, sfa, b, sfb, d,
                           masked_m, expected_m, options);
}

sm120rt_status sm120rt_m_grouped_fp8_fp4_gemm_nt_masked(
    const sm120rt_tensor *a, const sm120rt_tensor *sfa, const sm120rt_tensor *b,
    const sm120rt_tensor *sfb, const sm120rt_tensor *d,
    const sm120rt_tensor *masked_m, int64_t expected_m,
    const sm120rt_gemm_options *options) {
  return maskedScaledEntry("sm120rt_m_grouped_fp8_fp4_gemm_nt_masked",
                           m_grouped_fp8_fp4_gemm_nt_masked, a, sfa, b, sfb, d,
                           masked_m, expected_m, options);
}

sm120rt_status sm120rt_m_grouped_bf16_gemm_nt_masked(
    const sm120rt_tensor *a, const sm120rt_tensor *b, const sm120rt_tensor *d,
    const sm120rt_tensor *masked_m, int64_t expected_m,
    const sm120rt_gemm_options *options) {
  return gemmEntry(
      "sm120rt_m_grouped_bf16_gemm_nt_masked",
      {{"a", a}, {"b", b}, {"d", d}, {"masked_m", masked_m}}, options,
      [expected_m](const std::vector<TensorView> &v, const GemmOptions &o) {
        return m_grouped_bf16_gemm_nt_masked(v[0], v[1], v[2], v[3], expected_m,
                                             o);
      });
}

sm120rt_status sm120rt_pack_ue8m0_scales(const sm120rt_tensor *scales,
                                         const sm120rt_tensor *packed,
                                         int64_t mn, int64_t k, int64_t gran_mn,
                                         int64_t gran_k, int device,
                                         void *stream) {
  return utilityEntry("sm120rt_pack_ue8m0_scales",
                      {{"scales", scales}, {"packed", packed}},
                      [&](const std::vector<TensorView> &v) {
                        return pack_ue8m0_scales(v[0], v[1], mn, k, gran_mn,
                                                 gran_k, {device, stream});
                      });
}

sm120rt_status sm120rt_transpose_to_k_major(const sm120rt_tensor *src,
                                            const sm120rt_tensor *dst,
                                            int device, void *stream) {
  return utilityEntry(
      "sm120rt_transpose_to_k_major", {{"src", src}, {"dst", dst}},
      [&](const std::vector<TensorView> &v) {
        return transpose_to_k_major(v[0], v[1], {device, stream});
      });
}

sm120rt_status sm120rt_quantize_fp8(const sm120rt_tensor *x,
                                    const sm120rt_tensor *q,
                                    const sm120rt_tensor *sf,
                                    const sm120rt_quantize_options *options) {
  return quantizeEntry("sm120rt_quantize_fp8", x, q, sf, options,
                       sm120rt::quantize_fp8);
}

sm120rt_status sm120rt_quantize_fp4(const sm120rt_tensor *x,
                                    const sm120rt_tensor *q,
                                    const sm120rt_tensor *sf,
                                    const sm120rt_quantize_options *options) {
  return quantizeEntry("sm120rt_quantize_fp4", x, q, sf, options,
                       sm120rt::quantize_fp4);
}

} // extern "C"

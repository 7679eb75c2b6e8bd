// GEMM entry points: arguments to a problem, the problem to a cached
// kernel, then one launch.

#include "sm120rt/Gemm.hpp"
#include "sm120rt/Scales.hpp"

#include "Support.hpp"
#include "Utility.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

using namespace sm120rt;
using namespace sm120rt::detail;

TensorView TensorView::contiguous(void *data, DType dtype,
                                  std::initializer_list<int64_t> sizes) {
  TensorView v;
  v.data = data;
  v.dtype = dtype;
  v.rank = static_cast<int>(std::min<size_t>(sizes.size(), kMaxRank));
  std::copy_n(sizes.begin(), v.rank, v.sizes.begin());
  int64_t stride = 1;
  for (int i = v.rank - 1; i >= 0; --i) {
    v.strides[i] = stride;
    stride *= v.sizes[i];
  }
  return v;
}

TensorView TensorView::of(const TensorArg &arg) {
  TensorView v;
  v.data = arg.data;
  v.dtype = arg.dtype;
  v.rank = arg.rank;
  for (int i = 0; i < std::min(arg.rank, kMaxRank); ++i) {
    v.sizes[i] = arg.sizes[i];
    v.strides[i] = arg.strides[i];
  }
  return v;
}

namespace {

Error invalid(const char *entry, const std::string &message) {
  return makeError(Code::InvalidArgument, cat(entry, ": ", message));
}

/// Rank-2 tensor of one of `dtypes`, with its name for messages.
Status checkMatrix(const char *entry, const char *name, const TensorView &t,
                   std::initializer_list<DType> dtypes, const char *allowed) {
  if (t.rank != 2)
    return invalid(entry, cat(name, " has rank ", t.rank, "; expected 2"));
  if (std::find(dtypes.begin(), dtypes.end(), t.dtype) == dtypes.end())
    return invalid(entry, cat(name, " has dtype ", dtypeName(t.dtype),
                              "; expected ", allowed));
  return Status::success();
}

/// The recipe of an operand's scale tensor in a kernel layout; `mn` is the
/// operand's M or N, `data` its dtype, `nvfp4` whether both data are FP4
/// and the scales UE4M3.
Expected<ScaleRecipe> scaleRecipe(const char *entry, const char *name,
                                  const TensorView &s, DType data, int64_t mn,
                                  int64_t k, int granOption) {
  if (s.rank != 2)
    return invalid(entry, cat(name, " has rank ", s.rank, "; expected 2"));
  if (s.dtype == DType::I32) {
    if (s.sizes[1] != align4(mn))
      return invalid(entry, cat(name, " (packed UE8M0) has ", s.sizes[1],
                                " columns; expected align(", mn,
                                ", 4) = ", align4(mn)));
    // FP4 data defaults to MXFP4's 32, FP8 to 128.
    std::vector<int> grans = data == DType::F4E2M1 ? std::vector<int>{32, 128}
                                                   : std::vector<int>{128, 32};
    if (granOption) {
      if (granOption != 32 && granOption != 128)
        return invalid(entry, cat(name, " granularity ", granOption,
                                  " is not supported; expected 32 or 128"));
      grans = {granOption};
    }
    for (int g : grans)
      if (k % g == 0 && s.sizes[0] == ceilDiv(k, 4 * g))
        return ScaleRecipe{ScaleRecipe::Format::UE8M0, 1, g, true};
    std::string want, all;
    for (int g : grans) {
      all += cat(all.empty() ? "" : " or ", g);
      if (k % g == 0)
        want += cat(want.empty() ? "" : " or ", ceilDiv(k, 4 * g),
                    " (granularity ", g, ")");
    }
    if (want.empty())
      return invalid(entry, cat(name, " (packed UE8M0): K = ", k,
                                " is not a multiple of the scale "
                                "granularity (",
                                all, ")"));
    return invalid(entry, cat(name, " (packed UE8M0) has ", s.sizes[0],
                              " rows; K = ", k, " needs ", want));
  }
  if (s.dtype == DType::F8E4M3) {
    if (data != DType::F4E2M1)
      return invalid(entry, cat(name, " holds UE4M3 (f8e4m3) scales, which "
                                      "need FP4 data (NVFP4)"));
    if (k % 16 != 0 || s.sizes[0] != mn || s.sizes[1] != k / 16)
      return invalid(entry,
                     cat(name, " (UE4M3) has shape [", s.sizes[0], ", ",
                         s.sizes[1], "]; expected [", mn, ", ", k, " / 16]",
                         k % 16 ? " with K divisible by 16" : ""));
    return ScaleRecipe{ScaleRecipe::Format::UE4M3, 1, 16, false};
  }
  if (s.dtype == DType::F32 || s.dtype == DType::F8E8M0)
    return invalid(entry,
                   cat(name, " holds ", dtypeName(s.dtype),
                       " scales; the kernels read UE8M0 packed four per i32, "
                       "[ceil(K / (4 * granularity)), align(MN, 4)]: convert "
                       "them with pack_ue8m0_scales (GPU, Scales.hpp) or "
                       "packUe8m0Scales (CPU)"));
  return invalid(entry, cat(name, " has dtype ", dtypeName(s.dtype),
                            "; expected i32 (packed UE8M0) or f8e4m3 (UE4M3)"));
}

/// The chip and machine preset for a device.
struct DeviceTarget {
  std::string chip, machine;
};

Expected<DeviceTarget> deviceTarget(int device) {
  static std::mutex mutex;
  static std::map<int, DeviceTarget> known;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = known.find(device); it != known.end())
    return it->second;
  Expected<DeviceInfo> info = queryDevice(device);
  if (!info)
    return info.error();
  DeviceTarget t;
  if (info->ccMajor == 12) {
    t.chip = "sm_120f";
    t.machine = info->ccMinor == 1     ? "gb10"
                : info->smCount <= 170 ? "rtx-5090"
                                       : "rtx-pro-6000";
  } else if (info->ccMajor == 9 && info->ccMinor == 0) {
    t.chip = "sm_90a";
    t.machine = "h100";
  } else {
    return makeError(Code::WrongArchitecture,
                     cat("device ", device, " (", info->name, ") is sm_",
                         info->ccMajor, info->ccMinor,
                         "; sm120 kernels run on sm_120 and sm_121 (and on "
                         "sm_90, the verification twin)"));
  }
  known.emplace(device, t);
  return t;
}

/// The loaded kernel of a bundle on a device, created once.
Expected<Kernel> kernelFor(const Bundle &bundle, int device) {
  static std::mutex mutex;
  static std::map<std::pair<uint64_t, int>, Kernel> kernels;
  std::lock_guard<std::mutex> lock(mutex);
  auto key = std::make_pair(bundle.id(), device);
  if (auto it = kernels.find(key); it != kernels.end())
    return it->second;
  Expected<Kernel> kernel = Kernel::create(bundle, device);
  if (kernel)
    kernels.emplace(key, *kernel);
  return kernel;
}

/// How a call's operands are grouped: not at all (no layout), contiguous
/// along M, masked (every operand stacked per group), or batched (the
/// einsum bhr,hdr->bhd: a, c and d hold the heads in their middle
/// dimension, b and the scales in their first; no layout).
struct Groups {
  const TensorView *layout = nullptr;
  bool masked = false;
  int64_t expectedM = 0; // masked: the typical valid rows per group, or 0
  bool batched = false;
  /// With batched: the einsum bmk,bnk->bmn, every operand (and the scales)
  /// stacked over its first dimension; runtimeK compiles K as a runtime
  /// size.
  bool batchStacked = false, runtimeK = false;
  /// The einsum bmk,bnk->mn: a and b stack a runtime count of batches that
  /// the GEMM sums over; d (and c) are [m, n].
  bool batchReduced = false;
  /// MN-major operands: a given [K, M], b [K, N] (per group or head: the
  /// einsum bhd,hdr->bhr's b [h, d, r] has K = d, N = r). BF16 only.
  bool aMnMajor = false, bMnMajor = false;
  /// K-grouped (weight gradients): `layout` holds each group's K; a and b
  /// are [M, sum K] and [N, sum K] (MN-major: [sum K, M], [sum K, N]), or
  /// 1-D concatenations of each group's [M, K_g] and [N, K_g] blocks, c
  /// (required) and d f32 [G, M, N].
  bool kGrouped = false;
};

/// A K-grouped call's sum K: from a [M, sum K] or [sum K, M] a, or from
/// 1-D a and b of M * sum K and N * sum K elements (M and N from d
/// [G, M, N]; b's when M is 0).
int64_t kGroupedSumK(const TensorView &a, const TensorView &b,
                     const TensorView &d, const Groups &groups) {
  if (a.rank == 1) {
    if (d.rank != 3)
      return 0;
    if (d.sizes[1] > 0)
      return a.sizes[0] / d.sizes[1];
    return d.sizes[2] > 0 && b.rank == 1 ? b.sizes[0] / d.sizes[2] : 0;
  }
  return a.sizes[groups.aMnMajor ? 0 : 1];
}

Expected<std::pair<GemmProblem, CompileOptions>>
planKGrouped(const char *entry, const TensorView &a, const TensorView *sfa,
             const TensorView &b, const TensorView *sfb, const TensorView &d,
             const Groups &groups, const GemmOptions &options);

Status checkHostKSizes(const char *entry, const Bundle &bundle,
                       const TensorView &a, const TensorView *sfa,
                       const TensorView &b, const TensorView *sfb,
                       const TensorView &d, const Groups &groups,
                       const GemmOptions &options);

/// The chip and machine of the options, or of the device when unset, and
/// the rows the schedule is costed for (when unset).
Expected<CompileOptions> compileOptionsFor(const GemmOptions &options,
                                           int64_t expectedM) {
  CompileOptions o = options.compile;
  if (o.expectedM <= 0)
    o.expectedM = expectedMBucket(expectedM);
  if (o.chip.empty() || o.machine.empty()) {
    Expected<DeviceTarget> t = deviceTarget(options.device);
    if (!t)
      return t.error();
    if (o.chip.empty())
      o.chip = t->chip;
    if (o.machine.empty())
      o.machine = t->machine;
  }
  return o;
}

Expected<std::pair<GemmProblem, CompileOptions>>
plan(const char *entry, const TensorView &a, const TensorView *sfa,
     const TensorView &b, const TensorView *sfb, const TensorView &d,
     const Groups &groups, const GemmOptions &options);

/// The bundle for a call's arguments (validated), from the cache.
Expected<Bundle> bundleFor(const char *entry, const TensorView &a,
                           const TensorView *sfa, const TensorView &b,
                           const TensorView *sfb, const TensorView &d,
                           const Groups &groups, const GemmOptions &options) {
  Expected<std::pair<GemmProblem, CompileOptions>> plan =
      ::plan(entry, a, sfa, b, sfb, d, groups, options);
  if (!plan)
    return plan.error();
  KernelCache &cache = options.cache ? *options.cache : KernelCache::global();
  return cache.gemm(plan->first, plan->second);
}

/// A call's tensors in manifest order: a, b, [sfa, sfb], [layout], [c],
/// [alpha], d.
struct CallArgs {
  std::array<TensorArg, 8> args;
  size_t count = 0;
  CallArgs(const TensorView &a, const TensorView *sfa, const TensorView &b,
           const TensorView *sfb, const TensorView &d, const TensorView *layout,
           const GemmOptions &options) {
    for (const TensorView *t :
         {&a, &b, sfa, sfb, layout, options.c, options.alpha, &d})
      if (t)
        args[count++] = t->arg();
  }
  Status validate(const char *entry, const Bundle &bundle) const {
    if (Status s = validateTensorArgs(bundle.manifest(), args.data(), count);
        !s)
      return makeError(s.error().code, cat(entry, ": ", s.error().message));
    return Status::success();
  }
};

/// Whether a call has no rows: M = 0 (max_m = 0 for masked groups).
bool noRows(const TensorView &a, const TensorView &d, const Groups &groups) {
  return groups.masked || groups.batchStacked ? a.rank == 3 && a.sizes[1] == 0
         : groups.batched ? a.rank == 3 && a.sizes[groups.aMnMajor ? 2 : 0] == 0
         : groups.batchReduced ? a.rank == 3 && a.sizes[1] == 0
         : groups.kGrouped
             ? (a.rank == 2 && a.sizes[groups.aMnMajor ? 1 : 0] == 0) ||
                   (a.rank == 1 && d.rank == 3 && d.sizes[1] == 0)
             : a.rank == 2 && a.sizes[0] == 0;
}

Status run(const char *entry, const TensorView &a, const TensorView *sfa,
           const TensorView &b, const TensorView *sfb, const TensorView &d,
           const Groups &groups, const GemmOptions &options) {
  // No rows: validate, compute nothing.
  if (noRows(a, d, groups)) {
    Expected<std::pair<GemmProblem, CompileOptions>> plan =
        ::plan(entry, a, sfa, b, sfb, d, groups, options);
    if (!plan)
      return plan.error();
    return Status::success();
  }
  const TensorView *layout = groups.layout;
  Expected<Bundle> bundle =
      bundleFor(entry, a, sfa, b, sfb, d, groups, options);
  if (!bundle)
    return bundle.error();
  if (groups.kGrouped)
    if (Status s =
            checkHostKSizes(entry, *bundle, a, sfa, b, sfb, d, groups, options);
        !s)
      return s;
  // Strides, alignment and TMA rules, before anything touches the device.
  CallArgs args(a, sfa, b, sfb, d, layout, options);
  if (Status s = args.validate(entry, *bundle); !s)
    return s;
  Expected<Kernel> kernel = kernelFor(*bundle, options.device);
  if (!kernel)
    return kernel.error();
  return kernel->launch(args.args.data(), args.count, options.stream);
}

/// Whether a view is packed row-major (dims of size 1 have no stride that
/// matters).
bool packedRowMajor(const TensorView &t) {
  int64_t want = 1;
  for (int d = t.rank - 1; d >= 0; --d) {
    if (t.sizes[d] != 1 && t.strides[d] != want)
      return false;
    want *= t.sizes[d];
  }
  return true;
}

/// Whether no two elements of a view share an address (an output must not
/// overlap itself): ordered by stride, each dim steps past the span of the
/// dims below it.
bool overlapFree(const TensorView &t) {
  std::vector<std::pair<int64_t, int64_t>> dims; // (stride, size)
  for (int d = 0; d < t.rank; ++d)
    if (t.sizes[d] > 1)
      dims.push_back({t.strides[d], t.sizes[d]});
  std::sort(dims.begin(), dims.end());
  int64_t span = 1;
  for (auto [stride, size] : dims) {
    if (stride < span)
      return false;
    span += stride * (size - 1);
  }
  return true;
}

/// One matrix of a rank-3 view (its last two dims), for the checks that
/// each group's operand shares.
TensorView matrixOf(const TensorView &t) {
  TensorView v = t;
  v.rank = 2;
  v.sizes = {t.sizes[1], t.sizes[2], 0, 0};
  v.strides = {t.strides[1], t.strides[2], 0, 0};
  return v;
}

/// Replaces a grouped operand by one of its matrices after checking that
/// it stacks `groups` of them (`what` names its shape).
Status unstack(const char *entry, const char *name, const TensorView *&t,
               TensorView &matrix, int64_t groups, const char *what) {
  if (!t)
    return Status::success();
  if (t->rank != 3 || t->sizes[0] != groups)
    return invalid(
        entry,
        cat(name, " has rank ", t->rank,
            t->rank == 3 ? cat(" and ", t->sizes[0], " groups") : std::string(),
            "; expected rank 3 ", what, " with ", groups, " groups"));
  matrix = matrixOf(*t);
  t = &matrix;
  return Status::success();
}

/// Replaces a batched operand [rows, h, cols] by head 0's matrix (its
/// first and last dims) after checking that it holds `heads` of them.
Status unstackMiddle(const char *entry, const char *name, const TensorView *&t,
                     TensorView &matrix, int64_t heads, const char *what) {
  if (!t)
    return Status::success();
  if (t->rank != 3 || t->sizes[1] != heads)
    return invalid(
        entry,
        cat(name, " has rank ", t->rank,
            t->rank == 3 ? cat(" and ", t->sizes[1], " heads") : std::string(),
            "; expected rank 3 ", what, " with ", heads, " heads"));
  matrix = *t;
  matrix.rank = 2;
  matrix.sizes = {t->sizes[0], t->sizes[2], 0, 0};
  matrix.strides = {t->strides[0], t->strides[2], 0, 0};
  t = &matrix;
  return Status::success();
}

Expected<std::pair<GemmProblem, CompileOptions>>
plan(const char *entry, const TensorView &aGiven, const TensorView *sfaGiven,
     const TensorView &bGiven, const TensorView *sfbGiven,
     const TensorView &dGiven, const Groups &grouping,
     const GemmOptions &optionsGiven) {
  if (grouping.kGrouped)
    return planKGrouped(entry, aGiven, sfaGiven, bGiven, sfbGiven, dGiven,
                        grouping, optionsGiven);
  // Grouped: B and its scales stack one matrix per group (masked: every
  // operand does); the checks below see one group's.
  const TensorView *layout = grouping.layout;
  int64_t groups = 0;
  TensorView aMatrix, bMatrix, dMatrix, cMatrix, sfaMatrix, sfbMatrix;
  const TensorView *a = &aGiven, *b = &bGiven, *d = &dGiven;
  const TensorView *sfa = sfaGiven, *sfb = sfbGiven;
  GemmOptions options = optionsGiven;
  if (layout) {
    if (bGiven.rank != 3)
      return invalid(entry, cat("b has rank ", bGiven.rank,
                                "; expected 3 ([G, N, K], one matrix per "
                                "group)"));
    groups = bGiven.sizes[0];
    if (groups <= 0)
      return invalid(entry, cat("b has ", groups,
                                " groups; expected at "
                                "least 1"));
    if (Status s = unstack(entry, "b", b, bMatrix, groups,
                           grouping.bMnMajor ? "[G, K, N]" : "[G, N, K]");
        !s)
      return s.error();
    if (Status s = unstack(entry, "sfb", sfb, sfbMatrix, groups,
                           "(one scale matrix per group)");
        !s)
      return s.error();
    if (grouping.masked) {
      if (Status s = unstack(entry, "a", a, aMatrix, groups, "[G, max_m, K]");
          !s)
        return s.error();
      if (Status s = unstack(entry, "sfa", sfa, sfaMatrix, groups,
                             "(one scale matrix per group)");
          !s)
        return s.error();
      if (Status s = unstack(entry, "d", d, dMatrix, groups, "[G, max_m, N]");
          !s)
        return s.error();
      if (Status s =
              unstack(entry, "c", options.c, cMatrix, groups, "[G, max_m, N]");
          !s)
        return s.error();
      if (grouping.expectedM < 0)
        return invalid(entry, cat("expected_m is ", grouping.expectedM,
                                  "; expected a positive hint or 0"));
    }
    if (options.alpha)
      return invalid(entry, "grouped GEMMs take no alpha");
  } else if (grouping.batchStacked) {
    // bmk,bnk->bmn: every operand and scale tensor stacks one matrix per
    // batch.
    if (bGiven.rank != 3)
      return invalid(entry, cat("b has rank ", bGiven.rank,
                                "; expected 3 ([b, n, k], one matrix per "
                                "batch)"));
    groups = bGiven.sizes[0];
    if (groups <= 0)
      return invalid(entry, cat("b has ", groups,
                                " batches; expected at "
                                "least 1"));
    for (auto [name, t, matrix, what] :
         {std::tuple{"a", &a, &aMatrix, "[b, m, k]"},
          std::tuple{"b", &b, &bMatrix, "[b, n, k]"},
          std::tuple{"sfa", &sfa, &sfaMatrix, "(one scale matrix per batch)"},
          std::tuple{"sfb", &sfb, &sfbMatrix, "(one scale matrix per batch)"},
          std::tuple{"d", &d, &dMatrix, "[b, m, n]"},
          std::tuple{"c", &options.c, &cMatrix, "[b, m, n]"}})
      if (Status s = unstack(entry, name, *t, *matrix, groups, what); !s)
        return s.error();
    if (options.alpha)
      return invalid(entry, "batched GEMMs take no alpha");
  } else if (grouping.batched && grouping.aMnMajor) {
    // bhd,bhr->hdr: a [b, h, d] and b [b, h, r] hold the heads in their
    // middle, c and d [h, d, r] in their first; K is the batch rows b.
    if (aGiven.rank != 3)
      return invalid(entry, cat("a has rank ", aGiven.rank,
                                "; expected 3 ([b, h, d], the heads in the "
                                "middle)"));
    groups = aGiven.sizes[1];
    if (groups <= 0 || aGiven.sizes[0] <= 0)
      return invalid(entry, cat("a is [", aGiven.sizes[0], ", ", groups, ", ",
                                aGiven.sizes[2],
                                "]; 'bhd,bhr->hdr' needs at least one head "
                                "and one batch row"));
    if (Status s = unstackMiddle(entry, "a", a, aMatrix, groups, "[b, h, d]");
        !s)
      return s.error();
    if (Status s = unstackMiddle(entry, "b", b, bMatrix, groups, "[b, h, r]");
        !s)
      return s.error();
    if (Status s = unstack(entry, "d", d, dMatrix, groups, "[h, d, r]"); !s)
      return s.error();
    if (Status s = unstack(entry, "c", options.c, cMatrix, groups, "[h, d, r]");
        !s)
      return s.error();
    if (sfa || sfb || options.alpha)
      return invalid(entry, "'bhd,bhr->hdr' takes no scales and no alpha");
  } else if (grouping.batched) {
    if (aGiven.rank != 3)
      return invalid(entry, cat("a has rank ", aGiven.rank,
                                "; expected 3 ([b, h, r], the heads in the "
                                "middle)"));
    groups = aGiven.sizes[1];
    if (groups <= 0)
      return invalid(entry, cat("a has ", groups,
                                " heads; expected at least "
                                "1"));
    if (Status s = unstackMiddle(entry, "a", a, aMatrix, groups, "[b, h, r]");
        !s)
      return s.error();
    if (Status s = unstack(entry, "b", b, bMatrix, groups, "[h, d, r]"); !s)
      return s.error();
    if (Status s = unstack(entry, "sfa", sfa, sfaMatrix, groups,
                           "(one scale matrix per head)");
        !s)
      return s.error();
    if (Status s = unstack(entry, "sfb", sfb, sfbMatrix, groups,
                           "(one scale matrix per head)");
        !s)
      return s.error();
    const char *out = grouping.bMnMajor ? "[b, h, r]" : "[b, h, d]";
    if (Status s = unstackMiddle(entry, "d", d, dMatrix, groups, out); !s)
      return s.error();
    if (Status s = unstackMiddle(entry, "c", options.c, cMatrix, groups, out);
        !s)
      return s.error();
    if (options.alpha)
      return invalid(entry, "batched GEMMs take no alpha");
  } else if (grouping.batchReduced) {
    if (aGiven.rank != 3)
      return invalid(
          entry, cat("a has rank ", aGiven.rank, "; expected 3 ([b, m, k])"));
    int64_t batches = aGiven.sizes[0];
    if (batches <= 0)
      return invalid(entry, cat("a has ", batches,
                                " batches; bmk,bnk->mn sums over at least 1"));
    if (Status s = unstack(entry, "a", a, aMatrix, batches, "[b, m, k]"); !s)
      return s.error();
    if (Status s = unstack(entry, "b", b, bMatrix, batches, "[b, n, k]"); !s)
      return s.error();
    if (options.alpha)
      return invalid(entry, "batched GEMMs take no alpha");
  }
  // An MN-major operand comes as [K, MN]: the checks below see [MN, K].
  TensorView aT, bT;
  for (auto [mn, t, view] : {std::tuple{grouping.aMnMajor, &a, &aT},
                             std::tuple{grouping.bMnMajor, &b, &bT}}) {
    if (!mn || (*t)->rank != 2)
      continue;
    *view = **t;
    std::swap(view->sizes[0], view->sizes[1]);
    std::swap(view->strides[0], view->strides[1]);
    *t = view;
  }
  const std::initializer_list<DType> operands = {DType::F8E4M3, DType::F4E2M1,
                                                 DType::BF16};
  if (Status s =
          checkMatrix(entry, "a", *a, operands, "f8e4m3, f4e2m1 or bf16");
      !s)
    return s.error();
  if (Status s =
          checkMatrix(entry, "b", *b, operands, "f8e4m3, f4e2m1 or bf16");
      !s)
    return s.error();
  if (Status s =
          checkMatrix(entry, "d", *d, {DType::BF16, DType::F32}, "bf16 or f32");
      !s)
    return s.error();
  int64_t m = a->sizes[0], k = a->sizes[1], n = b->sizes[0];
  // Shapes as given: [K, MN] for MN-major operands.
  auto given = [](int64_t mn, int64_t kk, bool mnMajor) {
    return mnMajor ? cat("[", kk, ", ", mn, "]") : cat("[", mn, ", ", kk, "]");
  };
  if (b->sizes[1] != k)
    return invalid(entry,
                   cat("a is ", given(m, k, grouping.aMnMajor), " and b is ",
                       given(n, b->sizes[1], grouping.bMnMajor),
                       ": their K differ"));
  if (m < 0 || n <= 0 || k <= 0)
    return invalid(entry, cat("sizes M = ", m, ", N = ", n, ", K = ", k,
                              " must be positive (M may be 0)"));
  if (d->sizes[0] != m || d->sizes[1] != n)
    return invalid(entry, cat("d is [", d->sizes[0], ", ", d->sizes[1],
                              "]; expected [M, N] = [", m, ", ", n, "]"));
  if (options.c) {
    const TensorView &c = *options.c;
    if (Status s = checkMatrix(entry, "c", c, {DType::F32}, "f32"); !s)
      return s.error();
    if (c.sizes[0] != m || c.sizes[1] != n)
      return invalid(entry, cat("c is [", c.sizes[0], ", ", c.sizes[1],
                                "]; expected [M, N] = [", m, ", ", n, "]"));
  }

  if (options.alpha) {
    const TensorView &al = *options.alpha;
    if (al.rank != 1 || al.sizes[0] != 1 || al.dtype != DType::F32)
      return invalid(
          entry, cat("alpha is ", dtypeName(al.dtype), " with ", al.rank,
                     " dimension(s)",
                     al.rank == 1 ? cat(" of ", al.sizes[0]) : std::string(),
                     "; expected one f32 [1]"));
  }

  GemmProblem p;
  p.a = a->dtype;
  p.b = b->dtype;
  p.n = n;
  p.k = k;
  if (layout) {
    const TensorView &l = *layout;
    int64_t want = options.prefixSum || grouping.masked ? groups : m;
    if (l.rank != 1 || l.dtype != DType::I32 || l.sizes[0] != want)
      return invalid(entry,
                     cat(grouping.masked ? "masked_m" : "layout", " is ",
                         dtypeName(l.dtype), " with ", l.rank, " dimension(s)",
                         l.rank == 1 ? cat(" of ", l.sizes[0]) : std::string(),
                         "; expected i32 [", want, "] (",
                         grouping.masked     ? "each group's valid rows"
                         : options.prefixSum ? "each group's end row"
                                             : "each row's group",
                         ")"));
    if (grouping.masked && options.prefixSum)
      return invalid(entry, "prefix_sum applies to contiguous groups only");
    p.groups = groups;
    p.prefixSum = options.prefixSum;
    p.masked = grouping.masked;
  } else if (grouping.batched) {
    p.groups = groups;
    p.batched = true;
    p.batchStacked = grouping.batchStacked;
    // bhd,bhr->hdr: K (the batch rows) is a runtime size.
    if (grouping.aMnMajor || grouping.runtimeK)
      p.k = 0;
    // C or D a strided view (e.g. a slice of a wider buffer): the kernel
    // takes their strides at launch.
    for (auto [name, t] :
         {std::pair{"d", &dGiven}, std::pair{"c", optionsGiven.c}}) {
      if (!t || packedRowMajor(*t))
        continue;
      if (t == &dGiven && !overlapFree(*t))
        return invalid(
            entry, cat(name, " has sizes ", shapeOf(*t), " and strides ",
                       joinList(std::vector<int64_t>(
                           t->strides.begin(), t->strides.begin() + t->rank)),
                       ", whose elements overlap"));
      p.dStrided = true;
    }
  }
  p.aKMajor = !grouping.aMnMajor;
  p.bKMajor = !grouping.bMnMajor;
  p.batchReduced = grouping.batchReduced;
  p.d = d->dtype;
  p.accumulate = options.c != nullptr;
  p.alpha = options.alpha != nullptr;
  bool bf16 = a->dtype == DType::BF16 || b->dtype == DType::BF16;
  if (bf16) {
    if (a->dtype != b->dtype)
      return invalid(entry,
                     cat("a is ", dtypeName(a->dtype), " and b is ",
                         dtypeName(b->dtype), "; bf16 pairs only with bf16"));
    if (sfa || sfb)
      return invalid(entry, "bf16 operands take no scales");
  } else {
    if (!sfa || !sfb)
      return invalid(entry, "FP8 and FP4 operands need scales for both "
                            "operands");
    Expected<ScaleRecipe> ra =
        scaleRecipe(entry, "sfa", *sfa, a->dtype, m, k, options.sfaGranK);
    if (!ra)
      return ra.error();
    Expected<ScaleRecipe> rb =
        scaleRecipe(entry, "sfb", *sfb, b->dtype, n, k, options.sfbGranK);
    if (!rb)
      return rb.error();
    bool nvA = ra->format == ScaleRecipe::Format::UE4M3;
    bool nvB = rb->format == ScaleRecipe::Format::UE4M3;
    if (nvA != nvB)
      return invalid(entry, "NVFP4 takes UE4M3 (f8e4m3) scales on both "
                            "operands; sfa and sfb differ");
    p.sfa = *ra;
    p.sfb = *rb;
  }

  // Masked: the schedule is costed for one group's rows.
  Expected<CompileOptions> o = compileOptionsFor(
      options,
      grouping.masked && grouping.expectedM > 0 ? grouping.expectedM : m);
  if (!o)
    return o.error();
  return std::make_pair(p, *o);
}

/// A K-grouped call: operands of one majorness sharing sum K, the K sizes
/// i32 [G], c and d f32 [G, M, N], FP8 scales packed UE8M0 of one
/// granularity (options.sfaGranK / sfbGranK, 128 when unset) with rows for
/// at least sum K.
Expected<std::pair<GemmProblem, CompileOptions>>
planKGrouped(const char *entry, const TensorView &a, const TensorView *sfa,
             const TensorView &b, const TensorView *sfb, const TensorView &d,
             const Groups &groups, const GemmOptions &options) {
  bool kMajor = !groups.aMnMajor;
  const TensorView &ks = *groups.layout;
  auto given = [&](const char *mn) {
    return kMajor ? cat("[", mn, ", sum K], or 1-D [", mn, ", K_g] blocks")
                  : cat("[sum K, ", mn, "]");
  };
  // K-major operands may be 1-D: each group's blocks one after another.
  bool blocks = kMajor && a.rank == 1 && b.rank == 1;
  for (auto [name, t, mn] :
       {std::tuple{"a", &a, "M"}, std::tuple{"b", &b, "N"}})
    if (t->rank != 2 && !blocks)
      return invalid(entry, cat(name, " has rank ", t->rank, "; expected ",
                                kMajor ? "2 or (with the other) 1" : "2", " (",
                                given(mn), ")"));
  if (blocks && d.rank != 3)
    return invalid(entry, cat("d has rank ", d.rank,
                              "; expected f32 [G, M, N] (1-D a and b take M "
                              "and N from it)"));
  int64_t m = blocks ? d.sizes[1] : a.sizes[kMajor ? 0 : 1];
  int64_t n = blocks ? d.sizes[2] : b.sizes[kMajor ? 0 : 1];
  int64_t sumK = kGroupedSumK(a, b, d, groups);
  if (blocks) {
    if (m < 0 || n <= 0 || a.sizes[0] != m * sumK || b.sizes[0] != n * sumK)
      return invalid(entry,
                     cat("a holds ", a.sizes[0], " and b ", b.sizes[0],
                         " elements; with M = ", m, " and N = ", n,
                         " (from d) they must be M * sum K and N * sum K for "
                         "one sum K"));
  } else if (b.sizes[kMajor ? 1 : 0] != sumK) {
    return invalid(entry, cat("a has sum K = ", sumK, " and b ",
                              b.sizes[kMajor ? 1 : 0], ": they differ"));
  }
  if (ks.rank != 1 || ks.dtype != DType::I32 || ks.sizes[0] <= 0)
    return invalid(entry,
                   cat("ks is ", dtypeName(ks.dtype), " with ", ks.rank,
                       " dimension(s)",
                       ks.rank == 1 ? cat(" of ", ks.sizes[0]) : std::string(),
                       "; expected i32 [G] (each group's K), G >= 1"));
  int64_t g = ks.sizes[0];
  if (!options.c)
    return invalid(entry, "K-grouped GEMMs accumulate: give c, f32 [G, M, N] "
                          "(it may be d itself)");
  if (options.alpha)
    return invalid(entry, "K-grouped GEMMs take no alpha");
  for (auto [name, t] : {std::pair{"c", options.c}, std::pair{"d", &d}})
    if (t->rank != 3 || t->dtype != DType::F32 || t->sizes[0] != g ||
        t->sizes[1] != m || t->sizes[2] != n)
      return invalid(entry,
                     cat(name, " is ", dtypeName(t->dtype), " with ", t->rank,
                         " dimension(s); expected f32 [G, M, "
                         "N] = [",
                         g, ", ", m, ", ", n, "]"));
  // TMA takes no empty dimension: with no K at all, D is C (copy it).
  if (n <= 0 || m < 0 || sumK <= 0)
    return invalid(entry, cat("sizes M = ", m, ", N = ", n, ", sum K = ", sumK,
                              " must be positive (M may be 0; with sum K = 0, "
                              "D is C)"));
  GemmProblem p;
  p.a = a.dtype;
  p.b = b.dtype;
  p.n = n;
  p.k = 0;
  p.d = DType::F32;
  p.accumulate = true;
  p.aKMajor = p.bKMajor = kMajor;
  p.groups = g;
  p.kGrouped = true;
  p.kBlocks = blocks;
  // The groups' K alignment the caller promises (0: 64).
  int64_t align = options.kAlignment;
  if (align != 0 && (align < 0 || align % 64 != 0))
    return invalid(entry, cat("the K alignment is ", align,
                              "; expected a positive multiple of 64"));
  p.kAlignment = align == 64 ? 0 : align;
  if (a.dtype == DType::F8E4M3) {
    if (!sfa || !sfb)
      return invalid(entry, "FP8 operands need scales for both operands");
    int gran = options.sfaGranK ? options.sfaGranK : options.sfbGranK;
    if (!gran)
      gran = 128;
    if ((gran != 32 && gran != 128) || (options.sfaGranK && options.sfbGranK &&
                                        options.sfaGranK != options.sfbGranK))
      return invalid(entry, cat("scale granularities ", options.sfaGranK,
                                " and ", options.sfbGranK,
                                ": K-grouped scales take one, 32 or 128"));
    for (auto [name, s, mn] :
         {std::tuple{"sfa", sfa, m}, std::tuple{"sfb", sfb, n}}) {
      int64_t rows = ceilDiv(sumK, 4 * gran);
      if (s->rank != 2 || s->dtype != DType::I32 || s->sizes[1] != align4(mn) ||
          s->sizes[0] < rows)
        return invalid(
            entry, cat(name, " is ", dtypeName(s->dtype), " with ", s->rank,
                       " dimension(s); expected packed UE8M0 i32 [rows, align(",
                       mn, ", 4) = ", align4(mn),
                       "] with rows >= ceil(sum K / ", 4 * gran, ") = ", rows,
                       " (each group's ceil(K_g / ", 4 * gran, ") words)"));
    }
    p.sfa = p.sfb = ScaleRecipe{ScaleRecipe::Format::UE8M0, 1, gran, true};
    // Host K sizes that are all multiples of 128 let granularity 128 take
    // the BK-128 schedule (1.2-1.3x the BK-64 one on the twin) unasked.
    bool all128 = options.kSizes != nullptr;
    for (int64_t i = 0; all128 && i < g; ++i)
      all128 = options.kSizes[i] % 128 == 0;
    if (align == 0 && gran == 128 && all128)
      p.kAlignment = 128;
  } else if (sfa || sfb) {
    return invalid(entry, "bf16 operands take no scales");
  }
  Expected<CompileOptions> o = compileOptionsFor(options, m);
  if (!o)
    return o.error();
  return std::make_pair(p, *o);
}

/// With options.kSizes (a host copy of the K sizes), the checks the kernel
/// would otherwise make by trapping: each size a non-negative multiple of
/// the kernel's k_alignment, all within sum K and the scale rows.
Status checkHostKSizes(const char *entry, const Bundle &bundle,
                       const TensorView &a, const TensorView *sfa,
                       const TensorView &b, const TensorView *sfb,
                       const TensorView &d, const Groups &groups,
                       const GemmOptions &options) {
  if (!options.kSizes)
    return Status::success();
  nlohmann::json problem = nlohmann::json::parse(
      bundle.manifest().problemJson, nullptr, /*allow_exceptions=*/false);
  int64_t align = problem.is_discarded() ? 0 : problem.value("k_alignment", 0);
  if (align <= 0)
    return makeError(Code::InvalidManifest,
                     cat(entry, ": the kernel's manifest has no k_alignment"));
  int64_t sumK = kGroupedSumK(a, b, d, groups);
  int64_t span = sfa ? 4 * problem["sfa"].value("k", 128) : 0;
  int64_t used = 0, words = 0;
  for (int64_t g = 0; g < groups.layout->sizes[0]; ++g) {
    int64_t k = options.kSizes[g];
    if (k < 0 || k % align != 0)
      return invalid(entry, cat("group ", g, " has K = ", k,
                                "; each K must be a non-negative multiple of ",
                                align, " (the kernel's k_alignment)"));
    used += k;
    if (span)
      words += ceilDiv(k, span);
  }
  if (used > sumK)
    return invalid(entry,
                   cat("the groups' K sum to ", used, ", past sum K = ", sumK));
  if (sfa)
    for (const TensorView *s : {sfa, sfb})
      if (s->sizes[0] < words)
        return invalid(entry, cat("the scales have ", s->sizes[0],
                                  " rows; the groups' K need ", words));
  return Status::success();
}

} // namespace

int64_t sm120rt::expectedMBucket(int64_t m) {
  for (int64_t bucket : {16, 32, 64, 256, 1024})
    if (m <= bucket)
      return bucket;
  return 4096;
}

Expected<std::pair<GemmProblem, CompileOptions>>
sm120rt::planGemm(const TensorView &a, const TensorView *sfa,
                  const TensorView &b, const TensorView *sfb,
                  const TensorView &d, const GemmOptions &options) {
  return plan("gemm", a, sfa, b, sfb, d, Groups(), options);
}

namespace {

/// The operand dtypes each family of entry points takes. `grouped` names
/// the kind of the grouped siblings ("contiguous", "masked"; null for the
/// dense entry points), for the error messages.
std::string sibling(const char *grouped, const char *dense) {
  return grouped ? cat("m_grouped_", dense, "_", grouped) : std::string(dense);
}

Status checkFp8(const char *entry, const TensorView &a, const TensorView &b,
                const char *grouped) {
  for (auto [name, t] : {std::pair{"a", &a}, std::pair{"b", &b}})
    if (t->dtype != DType::F8E4M3)
      return invalid(entry, cat(name, " has dtype ", dtypeName(t->dtype),
                                "; expected f8e4m3 (",
                                sibling(grouped, "fp8_fp4_gemm_nt"),
                                " takes FP4 operands, ",
                                sibling(grouped, "bf16_gemm_nt"), " bf16)"));
  return Status::success();
}

Status checkFp4(const char *entry, const TensorView &a, const TensorView &b,
                const char *grouped) {
  for (auto [name, t] : {std::pair{"a", &a}, std::pair{"b", &b}})
    if (t->dtype != DType::F8E4M3 && t->dtype != DType::F4E2M1)
      return invalid(entry, cat(name, " has dtype ", dtypeName(t->dtype),
                                "; expected f8e4m3 or f4e2m1"));
  if (a.dtype != DType::F4E2M1 && b.dtype != DType::F4E2M1)
    return invalid(entry, cat("neither operand is f4e2m1; FP8 x FP8 goes "
                              "through ",
                              sibling(grouped, "fp8_gemm_nt")));
  return Status::success();
}

Status checkBf16(const char *entry, const TensorView &a, const TensorView &b) {
  for (auto [name, t] : {std::pair{"a", &a}, std::pair{"b", &b}})
    if (t->dtype != DType::BF16)
      return invalid(entry, cat(name, " has dtype ", dtypeName(t->dtype),
                                "; expected bf16"));
  return Status::success();
}

} // namespace

Status sm120rt::fp8_gemm_nt(const TensorView &a, const TensorView &sfa,
                            const TensorView &b, const TensorView &sfb,
                            const TensorView &d, const GemmOptions &options) {
  const char *entry = "fp8_gemm_nt";
  if (Status s = checkFp8(entry, a, b, nullptr); !s)
    return s;
  return run(entry, a, &sfa, b, &sfb, d, Groups(), options);
}

Status sm120rt::fp8_fp4_gemm_nt(const TensorView &a, const TensorView &sfa,
                                const TensorView &b, const TensorView &sfb,
                                const TensorView &d,
                                const GemmOptions &options) {
  const char *entry = "fp8_fp4_gemm_nt";
  if (Status s = checkFp4(entry, a, b, nullptr); !s)
    return s;
  return run(entry, a, &sfa, b, &sfb, d, Groups(), options);
}

Status sm120rt::bf16_gemm_nt(const TensorView &a, const TensorView &b,
                             const TensorView &d, const GemmOptions &options) {
  const char *entry = "bf16_gemm_nt";
  if (Status s = checkBf16(entry, a, b); !s)
    return s;
  return run(entry, a, nullptr, b, nullptr, d, Groups(), options);
}

namespace {
/// A BF16 entry point (dense, or grouped as `grouping` says) whose operands
/// are K- or MN-major as its name says.
Status bf16Majors(const char *entry, const TensorView &a, const TensorView &b,
                  const TensorView &d, Groups grouping, bool aMn, bool bMn,
                  const GemmOptions &options) {
  if (Status s = checkBf16(entry, a, b); !s)
    return s;
  grouping.aMnMajor = aMn;
  grouping.bMnMajor = bMn;
  return run(entry, a, nullptr, b, nullptr, d, grouping, options);
}
} // namespace

Status sm120rt::bf16_gemm_nn(const TensorView &a, const TensorView &b,
                             const TensorView &d, const GemmOptions &options) {
  return bf16Majors("bf16_gemm_nn", a, b, d, Groups(), false, true, options);
}

Status sm120rt::bf16_gemm_tn(const TensorView &a, const TensorView &b,
                             const TensorView &d, const GemmOptions &options) {
  return bf16Majors("bf16_gemm_tn", a, b, d, Groups(), true, true, options);
}

Status sm120rt::bf16_gemm_tt(const TensorView &a, const TensorView &b,
                             const TensorView &d, const GemmOptions &options) {
  return bf16Majors("bf16_gemm_tt", a, b, d, Groups(), true, false, options);
}

Status sm120rt::m_grouped_fp8_gemm_nt_contiguous(
    const TensorView &a, const TensorView &sfa, const TensorView &b,
    const TensorView &sfb, const TensorView &d, const TensorView &layout,
    const GemmOptions &options) {
  const char *entry = "m_grouped_fp8_gemm_nt_contiguous";
  if (Status s = checkFp8(entry, a, b, "contiguous"); !s)
    return s;
  return run(entry, a, &sfa, b, &sfb, d, Groups{&layout}, options);
}

Status sm120rt::m_grouped_fp8_fp4_gemm_nt_contiguous(
    const TensorView &a, const TensorView &sfa, const TensorView &b,
    const TensorView &sfb, const TensorView &d, const TensorView &layout,
    const GemmOptions &options) {
  const char *entry = "m_grouped_fp8_fp4_gemm_nt_contiguous";
  if (Status s = checkFp4(entry, a, b, "contiguous"); !s)
    return s;
  return run(entry, a, &sfa, b, &sfb, d, Groups{&layout}, options);
}

Status sm120rt::m_grouped_bf16_gemm_nt_contiguous(const TensorView &a,
                                                  const TensorView &b,
                                                  const TensorView &d,
                                                  const TensorView &layout,
                                                  const GemmOptions &options) {
  return bf16Majors("m_grouped_bf16_gemm_nt_contiguous", a, b, d,
                    Groups{&layout}, false, false, options);
}

Status sm120rt::m_grouped_bf16_gemm_nn_contiguous(const TensorView &a,
                                                  const TensorView &b,
                                                  const TensorView &d,
                                                  const TensorView &layout,
                                                  const GemmOptions &options) {
  return bf16Majors("m_grouped_bf16_gemm_nn_contiguous", a, b, d,
                    Groups{&layout}, false, true, options);
}

Status sm120rt::m_grouped_fp8_gemm_nt_masked(
    const TensorView &a, const TensorView &sfa, const TensorView &b,
    const TensorView &sfb, const TensorView &d, const TensorView &maskedM,
    int64_t expectedM, const GemmOptions &options) {
  const char *entry = "m_grouped_fp8_gemm_nt_masked";
  if (Status s = checkFp8(entry, a, b, "masked"); !s)
    return s;
  return run(entry, a, &sfa, b, &sfb, d, Groups{&maskedM, true, expectedM},
             options);
}

Status sm120rt::m_grouped_fp8_fp4_gemm_nt_masked(
    const TensorView &a, const TensorView &sfa, const TensorView &b,
    const TensorView &sfb, const TensorView &d, const TensorView &maskedM,
    int64_t expectedM, const GemmOptions &options) {
  const char *entry = "m_grouped_fp8_fp4_gemm_nt_masked";
  if (Status s = checkFp4(entry, a, b, "masked"); !s)
    return s;
  return run(entry, a, &sfa, b, &sfb, d, Groups{&maskedM, true, expectedM},
             options);
}

Status sm120rt::m_grouped_bf16_gemm_nt_masked(
    const TensorView &a, const TensorView &b, const TensorView &d,
    const TensorView &maskedM, int64_t expectedM, const GemmOptions &options) {
  const char *entry = "m_grouped_bf16_gemm_nt_masked";
  if (Status s = checkBf16(entry, a, b); !s)
    return s;
  return run(entry, a, nullptr, b, nullptr, d,
             Groups{&maskedM, true, expectedM}, options);
}

namespace {
/// K-grouped FP8 takes f8e4m3 only (like the reference system, no FP4).
Status checkKGroupedFp8(const char *entry, const TensorView &a,
                        const TensorView &b) {
  for (auto [name, t] : {std::pair{"a", &a}, std::pair{"b", &b}})
    if (t->dtype != DType::F8E4M3)
      return invalid(entry, cat(name, " has dtype ", dtypeName(t->dtype),
                                "; expected f8e4m3 (k_grouped_bf16_gemm_* "
                                "takes bf16; K-grouped FP4 is not supported)"));
  return Status::success();
}

Groups kGroupedBy(const TensorView &ks, bool mnMajor) {
  Groups g;
  g.layout = &ks;
  g.kGrouped = true;
  g.aMnMajor = g.bMnMajor = mnMajor;
  return g;
}
} // namespace

Status sm120rt::k_grouped_fp8_gemm_nt_contiguous(
    const TensorView &a, const TensorView &sfa, const TensorView &b,
    const TensorView &sfb, const TensorView &d, const TensorView &ks,
    const GemmOptions &options) {
  const char *entry = "k_grouped_fp8_gemm_nt_contiguous";
  if (Status s = checkKGroupedFp8(entry, a, b); !s)
    return s;
  return run(entry, a, &sfa, b, &sfb, d, kGroupedBy(ks, false), options);
}

Status sm120rt::k_grouped_fp8_gemm_tn_contiguous(
    const TensorView &a, const TensorView &sfa, const TensorView &b,
    const TensorView &sfb, const TensorView &d, const TensorView &ks,
    const GemmOptions &options) {
  const char *entry = "k_grouped_fp8_gemm_tn_contiguous";
  if (Status s = checkKGroupedFp8(entry, a, b); !s)
    return s;
  // ldmatrix.trans moves 16-bit elements: FP8's [sum K, MN] needs a copy.
  return makeError(Code::NotSupported,
                   cat(entry, ": FP8 kernels read K-major operands only; copy "
                              "a [sum K, M] and b [sum K, N] to [M, sum K] "
                              "and [N, sum K] (transpose_to_k_major) and call "
                              "k_grouped_fp8_gemm_nt_contiguous"));
}

Status sm120rt::k_grouped_bf16_gemm_nt_contiguous(const TensorView &a,
                                                  const TensorView &b,
                                                  const TensorView &d,
                                                  const TensorView &ks,
                                                  const GemmOptions &options) {
  return bf16Majors("k_grouped_bf16_gemm_nt_contiguous", a, b, d,
                    kGroupedBy(ks, false), false, false, options);
}

Status sm120rt::k_grouped_bf16_gemm_tn_contiguous(const TensorView &a,
                                                  const TensorView &b,
                                                  const TensorView &d,
                                                  const TensorView &ks,
                                                  const GemmOptions &options) {
  return bf16Majors("k_grouped_bf16_gemm_tn_contiguous", a, b, d,
                    kGroupedBy(ks, true), true, true, options);
}

namespace {
/// The einsum equations the entry points accept: every one in BF16, FP8
/// all but bmk,bnk->mn (MN-major FP8 operands through K-major copies).
Status checkEquation(const char *entry, const char *equation, bool bf16) {
  std::string e = equation ? equation : "";
  if (e == "bhr,hdr->bhd" || e == "bhd,bhr->hdr" || e == "bmk,bnk->bmn" ||
      e == "bhd,hdr->bhr" || (e == "bmk,bnk->mn" && bf16))
    return Status::success();
  if (e == "bmk,bnk->mn")
    return makeError(Code::NotSupported,
                     cat(entry, ": equation 'bmk,bnk->mn' is compiled in BF16 "
                                "only (bf16_einsum)"));
  return invalid(entry, cat("equation '", e,
                            "' is not an einsum this library knows; expected "
                            "'bhr,hdr->bhd', 'bhd,hdr->bhr', 'bhd,bhr->hdr', "
                            "'bmk,bnk->mn' or 'bmk,bnk->bmn'"));
}

/// Runs a call on K-major copies of its MN-major FP8 operands (FP8 kernels
/// cannot read MN-major tiles: ldmatrix.trans moves 16-bit elements). An
/// operand with a source is packed into memory allocated on the stream,
/// from the source viewed [B, K, MN] (transpose_to_k_major's src); the
/// call is validated and its kernel compiled before any work is enqueued,
/// and the memory is freed on the stream after the GEMM.
Status runOnCopies(const char *entry, TensorView a, const TensorView *aSource,
                   const TensorView &sfa, TensorView b,
                   const TensorView *bSource, const TensorView &sfb,
                   const TensorView &d, const Groups &groups,
                   const GemmOptions &options) {
  Expected<Bundle> bundle =
      bundleFor(entry, a, &sfa, b, &sfb, d, groups, options);
  if (!bundle)
    return bundle.error();
  if (noRows(a, d, groups))
    return run(entry, a, &sfa, b, &sfb, d, groups, options);
  // Each copy starts 256-byte aligned, as TMA wants its base.
  auto bytes = [](const TensorView &t) {
    int64_t size =
        t.sizes[0] * t.sizes[1] * t.sizes[2] * dtypeBits(t.dtype) / 8;
    return (size + 255) / 256 * 256;
  };
  int64_t offsetB = aSource ? bytes(a) : 0;
  Expected<detail::StreamMemory> copies = detail::StreamMemory::allocate(
      options.device, options.stream,
      static_cast<size_t>(offsetB + (bSource ? bytes(b) : 0)));
  if (!copies)
    return copies.error();
  if (aSource)
    a.data = copies->data();
  if (bSource)
    b.data = static_cast<char *>(copies->data()) + offsetB;
  if (Status s = CallArgs(a, &sfa, b, &sfb, d, nullptr, options)
                     .validate(entry, *bundle);
      !s)
    return s;
  for (auto [src, dst] : {std::pair{aSource, &a}, std::pair{bSource, &b}})
    if (src)
      if (Status s = transpose_to_k_major(*src, *dst,
                                          {options.device, options.stream});
          !s)
        return makeError(s.error().code, cat(entry, ": ", s.error().message));
  return run(entry, a, &sfa, b, &sfb, d, groups, options);
}

/// FP8 bhd,hdr->bhr: b [h, d, r] is MN-major per head (K = d): the
/// bhr,hdr->bhd kernel reads its copy [h, r, d]. sfb holds each head's
/// scales of that [r, d] operand.
Status fp8HeadProjection(const char *entry, const TensorView &a,
                         const TensorView &sfa, const TensorView &b,
                         const TensorView &sfb, const TensorView &d,
                         const GemmOptions &options) {
  if (b.rank != 3)
    return invalid(entry,
                   cat("b has rank ", b.rank, "; expected 3 ([h, d, r])"));
  Groups batched;
  batched.batched = true;
  return runOnCopies(entry, a, nullptr, sfa,
                     TensorView::contiguous(
                         b.data, b.dtype, {b.sizes[0], b.sizes[2], b.sizes[1]}),
                     &b, sfb, d, batched, options);
}

/// FP8 bhd,bhr->hdr: per head, D[h] = A[:, h, :]^T B[:, h, :] contracts the
/// batch rows, so both operands are MN-major: the stacked kernel
/// (bmk,bnk->bmn with a runtime K = b) reads their copies [h, d, b] and
/// [h, r, b]. The scales are those of that GEMM: per head, (M, K) = (d, b)
/// and (N, K) = (r, b), so b is a multiple of their granularity (32 or 128)
/// and the copies' rows suit TMA.
Status fp8HeadContraction(const char *entry, const TensorView &a,
                          const TensorView &sfa, const TensorView &b,
                          const TensorView &sfb, const TensorView &d,
                          const GemmOptions &options) {
  for (auto [name, t, dims] :
       {std::tuple{"a", &a, "[b, h, d]"}, std::tuple{"b", &b, "[b, h, r]"}})
    if (t->rank != 3)
      return invalid(
          entry, cat(name, " has rank ", t->rank, "; expected 3 (", dims, ")"));
  int64_t rows = a.sizes[0], heads = a.sizes[1];
  if (b.sizes[0] != rows || b.sizes[1] != heads)
    return invalid(entry, cat("a is ", shapeOf(a), " and b is ", shapeOf(b),
                              "; 'bhd,bhr->hdr' needs the same batch rows "
                              "and heads"));
  if (rows <= 0 || heads <= 0)
    return invalid(entry, cat("a is ", shapeOf(a),
                              "; 'bhd,bhr->hdr' needs at least one head and "
                              "one batch row"));
  // Each operand viewed [h, b, mn] (the sources), and its packed copy.
  TensorView sources[2] = {a, b};
  for (TensorView &t : sources) {
    std::swap(t.sizes[0], t.sizes[1]);
    std::swap(t.strides[0], t.strides[1]);
  }
  auto copyOf = [&](const TensorView &t) {
    return TensorView::contiguous(t.data, t.dtype, {heads, t.sizes[2], rows});
  };
  Groups stacked;
  stacked.batched = stacked.batchStacked = stacked.runtimeK = true;
  return runOnCopies(entry, copyOf(a), &sources[0], sfa, copyOf(b), &sources[1],
                     sfb, d, stacked, options);
}
} // namespace

Status sm120rt::fp8_einsum(const char *equation, const TensorView &a,
                           const TensorView &sfa, const TensorView &b,
                           const TensorView &sfb, const TensorView &d,
                           const GemmOptions &options) {
  const char *entry = "fp8_einsum";
  if (Status s = checkEquation(entry, equation, /*bf16=*/false); !s)
    return s;
  for (auto [name, t] : {std::pair{"a", &a}, std::pair{"b", &b}})
    if (t->dtype != DType::F8E4M3)
      return invalid(entry, cat(name, " has dtype ", dtypeName(t->dtype),
                                "; expected f8e4m3 (bf16_einsum takes bf16)"));
  std::string_view e = equation;
  if (e == "bhd,bhr->hdr")
    return fp8HeadContraction(entry, a, sfa, b, sfb, d, options);
  if (e == "bhd,hdr->bhr")
    return fp8HeadProjection(entry, a, sfa, b, sfb, d, options);
  Groups batched;
  batched.batched = true;
  batched.batchStacked = e == "bmk,bnk->bmn";
  return run(entry, a, &sfa, b, &sfb, d, batched, options);
}

Status sm120rt::bf16_einsum(const char *equation, const TensorView &a,
                            const TensorView &b, const TensorView &d,
                            const GemmOptions &options) {
  const char *entry = "bf16_einsum";
  if (Status s = checkEquation(entry, equation, /*bf16=*/true); !s)
    return s;
  if (Status s = checkBf16(entry, a, b); !s)
    return s;
  Groups batched;
  std::string_view e = equation;
  batched.aMnMajor = e == "bhd,bhr->hdr";
  batched.bMnMajor = e == "bhd,hdr->bhr" || batched.aMnMajor;
  batched.batchStacked = e == "bmk,bnk->bmn";
  batched.batched =
      batched.bMnMajor || batched.batchStacked || e == "bhr,hdr->bhd";
  batched.batchReduced = !batched.batched;
  return run(entry, a, nullptr, b, nullptr, d, batched, options);
}

Expected<int64_t> sm120rt::m_grouped_contiguous_alignment(
    const TensorView &a, const TensorView *sfa, const TensorView &b,
    const TensorView *sfb, const TensorView &d, const TensorView &layout,
    const GemmOptions &options) {
  Expected<Bundle> bundle = bundleFor("m_grouped_contiguous_alignment", a, sfa,
                                      b, sfb, d, Groups{&layout}, options);
  if (!bundle)
    return bundle.error();
  nlohmann::json problem = nlohmann::json::parse(
      bundle->manifest().problemJson, nullptr, /*allow_exceptions=*/false);
  if (problem.is_discarded() || !problem.contains("m_alignment"))
    return makeError(Code::InvalidManifest,
                     "the grouped kernel's manifest has no m_alignment");
  return problem["m_alignment"].get<int64_t>();
}

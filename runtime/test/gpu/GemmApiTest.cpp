// The GEMM entry points on a GPU against the CPU reference: every dtype
// family, bf16 and f32 outputs, accumulation into C, M from 1 to a few
// hundred, and the error paths that need a device.
//
//   sm120rt-gpu-gemm-api            run every case (kernels from the kernel
//                                   cache, or compiled when the JIT is in)
//   sm120rt-gpu-gemm-api --prepare  only fill the kernel cache for the
//                                   sm_90a twin (needs the JIT; no GPU)
//   sm120rt-gpu-gemm-api --misaligned  a grouped call whose groups do not
//                                   start on tiles: the kernel must trap
//   sm120rt-gpu-gemm-api --masked-overflow  a masked call with a count above
//                                   max_m: the kernel must trap
//   sm120rt-gpu-gemm-api --k-grouped-ragged  a K-grouped call with a K size
//                                   that is not a multiple of the kernel's
//                                   k_alignment: the kernel must trap
//
// Exits 77 (skip) without a GPU.

#include "GpuTestSupport.hpp"
#include "sm120rt/Gemm.hpp"
#include "sm120rt/Reference.hpp"

#ifdef SM120_WITH_JIT
#include "sm120/JIT/JIT.h"
#endif

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

using namespace sm120rt;

namespace {

enum class Entry { Fp8, Fp8Fp4, Bf16 };

struct Case {
  const char *name;
  Entry entry;
  DType a, b;
  int granA, granB; // 0: no scales; 16: NVFP4 (UE4M3)
  int64_t n, k;
  DType d;
  bool accumulate;
  float alpha = 0; // 0: none
};

const Case kCases[] = {
    {"fp8", Entry::Fp8, DType::F8E4M3, DType::F8E4M3, 128, 128, 2112, 7168,
     DType::BF16, false},
    {"fp8_f32_c", Entry::Fp8, DType::F8E4M3, DType::F8E4M3, 128, 128, 576, 7168,
     DType::F32, true},
    {"fp8_g32", Entry::Fp8, DType::F8E4M3, DType::F8E4M3, 32, 32, 576, 1536,
     DType::BF16, false},
    {"mxfp4", Entry::Fp8Fp4, DType::F4E2M1, DType::F4E2M1, 32, 32, 7168, 2048,
     DType::BF16, false},
    {"nvfp4", Entry::Fp8Fp4, DType::F4E2M1, DType::F4E2M1, 16, 16, 4096, 7168,
     DType::F32, false},
    {"fp8xfp4", Entry::Fp8Fp4, DType::F8E4M3, DType::F4E2M1, 128, 32, 576, 7168,
     DType::BF16, false},
    {"fp4xfp8", Entry::Fp8Fp4, DType::F4E2M1, DType::F8E4M3, 32, 128, 576, 7168,
     DType::BF16, false},
    {"bf16", Entry::Bf16, DType::BF16, DType::BF16, 0, 0, 2112, 7168,
     DType::BF16, false},
    {"bf16_f32_c", Entry::Bf16, DType::BF16, DType::BF16, 0, 0, 4096, 7168,
     DType::F32, true},
    {"fp8_alpha_c", Entry::Fp8, DType::F8E4M3, DType::F8E4M3, 128, 128, 576,
     7168, DType::F32, true, 0.375f},
    {"nvfp4_alpha", Entry::Fp8Fp4, DType::F4E2M1, DType::F4E2M1, 16, 16, 4096,
     7168, DType::BF16, false, 0.0625f},
    {"bf16_alpha", Entry::Bf16, DType::BF16, DType::BF16, 0, 0, 576, 7168,
     DType::BF16, false, -1.5f},
};

using test::DeviceTensor;
using test::hostTensor;
using test::upload;

/// An operand's data, its scales as the reference reads them, and as the
/// kernel reads them.
struct Operand {
  HostTensor data, scale, kernelScale;
  std::optional<ScaleRecipe> recipe;
};

Expected<Operand> makeOperand(const char *name, DType dtype, int gran,
                              int64_t mn, int64_t k, uint64_t salt) {
  Operand op;
  op.data = hostTensor(name, dtype, {mn, k});
  FillOptions fill;
  fill.scaleExpMin = 124;
  fill.scaleExpMax = 130;
  fillRandom(op.data, fill, salt);
  if (!gran)
    return op;
  std::string sname = std::string("sf") + name;
  if (gran == 16) {
    // Positive UE4M3 scales between 2^-3 and 2^3.
    op.scale = hostTensor(sname.c_str(), DType::F8E4M3, {mn, k / 16});
    for (size_t i = 0; i < op.scale.bytes.size(); ++i)
      op.scale.bytes[i] = static_cast<uint8_t>(((4 + (i * 7 + salt) % 7) << 3) |
                                               ((i * 13 + salt) % 8));
    op.recipe = ScaleRecipe{ScaleRecipe::Format::UE4M3, 1, 16, false};
    op.kernelScale = op.scale;
    return op;
  }
  op.scale = hostTensor(sname.c_str(), DType::F8E8M0, {mn, k / gran});
  fillRandom(op.scale, fill, salt + 1);
  op.recipe = ScaleRecipe{ScaleRecipe::Format::UE8M0, 1, gran, false};
  Expected<HostTensor> packed = packUe8m0Scales(op.scale, *op.recipe, mn, k);
  if (!packed)
    return packed.error();
  op.kernelScale = packed.take();
  return op;
}

Status call(const Case &c, const TensorView &a, const TensorView *sfa,
            const TensorView &b, const TensorView *sfb, const TensorView &d,
            const GemmOptions &o) {
  switch (c.entry) {
  case Entry::Fp8:
    return fp8_gemm_nt(a, *sfa, b, *sfb, d, o);
  case Entry::Fp8Fp4:
    return fp8_fp4_gemm_nt(a, *sfa, b, *sfb, d, o);
  case Entry::Bf16:
    return bf16_gemm_nt(a, b, d, o);
  }
  return Status::success();
}

/// Compares a kernel's output with the reference under the acceptance
/// bound of its operand types and prints the verdict.
bool checkOutput(const std::string &label, DType a, DType b,
                 const HostTensor &got, const HostTensor &ref) {
  Expected<Comparison> cmp = compareTensors(got, ref);
  if (!cmp) {
    std::printf("FAIL %s: %s\n", label.c_str(), cmp.error().message.c_str());
    return false;
  }
  double limit = (a == DType::F4E2M1 && b == DType::F4E2M1) ? 0.02
                 : a != b                                   ? 0.01
                                                            : 0.001;
  bool ok = cmp->nonFinite == 0 && cmp->diff < limit;
  std::printf("%s %s: diff %.3g (limit %g), max rel %.3g\n",
              ok ? "PASS" : "FAIL", label.c_str(), cmp->diff, limit,
              cmp->maxRelError);
  return ok;
}

/// Runs one case at M rows; returns false on a failure (printed).
bool runCase(const Case &c, int64_t m, bool prepare) {
  std::string label = std::string(c.name) + " M=" + std::to_string(m) +
                      " N=" + std::to_string(c.n) + " K=" + std::to_string(c.k);
  auto failed = [&](const Error &e) {
    std::printf("FAIL %s: %s: %s\n", label.c_str(), codeName(e.code),
                e.message.c_str());
    return false;
  };
  Expected<Operand> a = makeOperand("a", c.a, c.granA, m, c.k, 11);
  Expected<Operand> b = makeOperand("b", c.b, c.granB, c.n, c.k, 23);
  if (!a)
    return failed(a.error());
  if (!b)
    return failed(b.error());
  HostTensor cT = hostTensor("c", DType::F32, {m, c.n});
  fillRandom(cT, FillOptions(), 5);
  HostTensor d = hostTensor("d", c.d, {m, c.n});
  HostTensor alphaT = hostTensor("alpha", DType::F32, {1});
  std::memcpy(alphaT.bytes.data(), &c.alpha, sizeof(float));
  bool alpha = c.alpha != 0;

  if (prepare) {
    // Views with fake addresses: only shapes matter for the plan.
    auto fakeView = [](const HostTensor &t) {
      return TensorView::of(t.arg(reinterpret_cast<void *>(0x100000)));
    };
    TensorView va = fakeView(a->data), vb = fakeView(b->data),
               vsa = fakeView(a->kernelScale), vsb = fakeView(b->kernelScale),
               vc = fakeView(cT), vd = fakeView(d), val = fakeView(alphaT);
    GemmOptions o;
    o.compile.chip = "sm_90a";
    o.compile.machine = "h100";
    o.c = c.accumulate ? &vc : nullptr;
    o.alpha = alpha ? &val : nullptr;
    Expected<std::pair<GemmProblem, CompileOptions>> plan = planGemm(
        va, c.granA ? &vsa : nullptr, vb, c.granB ? &vsb : nullptr, vd, o);
    if (!plan)
      return failed(plan.error());
    Expected<Bundle> bundle =
        KernelCache::global().gemm(plan->first, plan->second);
    if (!bundle)
      return failed(bundle.error());
    std::printf("prepared %s\n", label.c_str());
    return true;
  }

  std::vector<Expected<DeviceTensor>> dev;
  for (const HostTensor *t :
       {&a->data, &a->kernelScale, &b->data, &b->kernelScale, &cT, &d, &alphaT})
    dev.push_back(upload(*t));
  for (auto &t : dev)
    if (!t)
      return failed(t.error());
  if (Status s = dev[5]->buffer.fill(0xff); !s) // poison D
    return failed(s.error());
  GemmOptions o;
  o.c = c.accumulate ? &dev[4]->view : nullptr;
  o.alpha = alpha ? &dev[6]->view : nullptr;
  bool scaled = c.granA != 0;
  Status s =
      call(c, dev[0]->view, scaled ? &dev[1]->view : nullptr, dev[2]->view,
           scaled ? &dev[3]->view : nullptr, dev[5]->view, o);
  if (!s)
    return failed(s.error());
  if (Status sync = synchronizeDevice(0); !sync)
    return failed(sync.error());
  if (Status get = dev[5]->buffer.download(d.bytes.data(), d.bytes.size());
      !get)
    return failed(get.error());

  HostTensor ref = hostTensor("d", c.d, {m, c.n});
  GemmOperand ga{&a->data, true, scaled ? &a->scale : nullptr, a->recipe};
  GemmOperand gb{&b->data, true, scaled ? &b->scale : nullptr, b->recipe};
  if (Status r = referenceGemm(ga, gb, c.accumulate ? &cT : nullptr, ref,
                               alpha ? &alphaT : nullptr);
      !r)
    return failed(r.error());
  return checkOutput(label, c.a, c.b, d, ref);
}

/// A contiguous grouped case: G groups of N x K weights.
struct GroupedCase {
  const char *name;
  Entry entry;
  DType a, b;
  int granA, granB;
  int64_t groups, n, k, m;
  DType d;
  bool prefixSum;
};

const GroupedCase kGroupedCases[] = {
    {"grouped_fp8_rows", Entry::Fp8, DType::F8E4M3, DType::F8E4M3, 128, 128, 4,
     2112, 7168, 777, DType::BF16, false},
    {"grouped_nvfp4_rows", Entry::Fp8Fp4, DType::F4E2M1, DType::F4E2M1, 16, 16,
     3, 4096, 2048, 500, DType::BF16, false},
    {"grouped_bf16_prefix", Entry::Bf16, DType::BF16, DType::BF16, 0, 0, 4, 576,
     7168, 1500, DType::F32, true},
};

/// Copies rank-2 `part` into matrix `g` of rank-3 `whole`.
void stack(HostTensor &whole, int64_t g, const HostTensor &part) {
  for (int64_t i = 0; i < part.sizes[0]; ++i)
    for (int64_t j = 0; j < part.sizes[1]; ++j) {
      int64_t from[] = {i, j}, to[] = {g, i, j};
      whole.setBits(whole.offsetOf(to), part.getBits(part.offsetOf(from)));
    }
}

/// Waits for a launch. With `trap` (what the inputs break) the kernel must
/// have trapped, and the verdict is printed; else d is downloaded. Returns
/// the case's result when it is decided here.
std::optional<bool> finish(const std::string &label, const char *trap,
                           const DeviceTensor &dev, HostTensor &d) {
  Status sync = synchronizeDevice(0);
  if (trap) {
    bool ok = !sync && sync.error().code == Code::DriverError;
    std::printf("%s %s with %s: %s\n", ok ? "PASS" : "FAIL", label.c_str(),
                trap, sync ? "no error" : sync.error().message.c_str());
    return ok;
  }
  Status got =
      sync ? dev.buffer.download(d.bytes.data(), d.bytes.size()) : sync;
  if (!got) {
    std::printf("FAIL %s: %s: %s\n", label.c_str(), codeName(got.error().code),
                got.error().message.c_str());
    return false;
  }
  return std::nullopt;
}

/// `groups` operands of mn x k stacked into rank-3 tensors (data, reference
/// scales and the kernel's scales), each group with its own values.
Expected<Operand> makeStacked(const char *name, DType dtype, int gran,
                              int64_t groups, int64_t mn, int64_t k,
                              uint64_t salt) {
  Operand out;
  out.data = hostTensor(name, dtype, {groups, mn, k});
  for (int64_t g = 0; g < groups; ++g) {
    Expected<Operand> part =
        makeOperand(name, dtype, gran, mn, k, salt + static_cast<uint64_t>(g));
    if (!part)
      return part.error();
    if (g == 0 && gran) {
      out.scale =
          hostTensor(part->scale.name.c_str(), part->scale.dtype,
                     {groups, part->scale.sizes[0], part->scale.sizes[1]});
      out.kernelScale = hostTensor(
          part->kernelScale.name.c_str(), part->kernelScale.dtype,
          {groups, part->kernelScale.sizes[0], part->kernelScale.sizes[1]});
      out.recipe = part->recipe;
    }
    stack(out.data, g, part->data);
    if (gran) {
      stack(out.scale, g, part->scale);
      stack(out.kernelScale, g, part->kernelScale);
    }
  }
  return out;
}

/// Runs (or with `prepare` compiles) one grouped case through its entry
/// point against referenceGroupedGemm.
bool runGroupedCase(const GroupedCase &c, bool prepare,
                    bool misaligned = false) {
  std::string label = std::string(c.name) + " G=" + std::to_string(c.groups) +
                      " M=" + std::to_string(c.m) +
                      " N=" + std::to_string(c.n) + " K=" + std::to_string(c.k);
  auto failed = [&](const Error &e) {
    std::printf("FAIL %s: %s: %s\n", label.c_str(), codeName(e.code),
                e.message.c_str());
    return false;
  };
  Expected<Operand> a = makeOperand("a", c.a, c.granA, c.m, c.k, 11);
  if (!a)
    return failed(a.error());
  Expected<Operand> bs = makeStacked("b", c.b, c.granB, c.groups, c.n, c.k, 23);
  if (!bs)
    return failed(bs.error());
  HostTensor &b = bs->data, &sfb = bs->scale, &sfbKernel = bs->kernelScale;
  bool scaled = c.granA != 0;
  HostTensor layout =
      hostTensor("layout", DType::I32, {c.prefixSum ? c.groups : c.m});
  HostTensor d = hostTensor("d", c.d, {c.m, c.n});
  GemmOptions o;
  o.prefixSum = c.prefixSum;
  auto entry = [&](const TensorView &va, const TensorView &vsa,
                   const TensorView &vb, const TensorView &vsb,
                   const TensorView &vd, const TensorView &vl) {
    switch (c.entry) {
    case Entry::Fp8:
      return m_grouped_fp8_gemm_nt_contiguous(va, vsa, vb, vsb, vd, vl, o);
    case Entry::Fp8Fp4:
      return m_grouped_fp8_fp4_gemm_nt_contiguous(va, vsa, vb, vsb, vd, vl, o);
    case Entry::Bf16:
      return m_grouped_bf16_gemm_nt_contiguous(va, vb, vd, vl, o);
    }
    return Status::success();
  };

  // The alignment comes from the kernel (compiled here when preparing).
  auto fakeView = [](const HostTensor &t) {
    return TensorView::of(t.arg(reinterpret_cast<void *>(0x100000)));
  };
  TensorView fa = fakeView(a->data), fsa = fakeView(a->kernelScale),
             fb = fakeView(b), fsb = fakeView(sfbKernel), fd = fakeView(d),
             fl = fakeView(layout);
  if (prepare) {
    o.compile.chip = "sm_90a";
    o.compile.machine = "h100";
  }
  Expected<int64_t> align = m_grouped_contiguous_alignment(
      fa, scaled ? &fsa : nullptr, fb, scaled ? &fsb : nullptr, fd, fl, o);
  if (!align)
    return failed(align.error());
  if (prepare) {
    std::printf("prepared %s (m_alignment %lld)\n", label.c_str(),
                static_cast<long long>(*align));
    return true;
  }

  // Groups of about M / G rows padded to the alignment, group 1 empty; the
  // last group of a prefix-sum layout may be ragged.
  std::vector<int32_t> owner(static_cast<size_t>(c.m), -1);
  int64_t row = 0, end = 0, per = c.m / c.groups;
  for (int64_t g = 0; g < c.groups; ++g) {
    int64_t count = g == 1 ? 0 : std::max<int64_t>(1, per - *align - 3 * g);
    if (c.prefixSum && g + 1 < c.groups)
      count = (count + *align - 1) / *align * *align;
    count = std::min(count, c.m - row);
    for (int64_t r = row; r < row + count; ++r)
      owner[r] = static_cast<int32_t>(g);
    if (count)
      end = row + count; // an empty group ends where the previous one did
    if (c.prefixSum)
      layout.setBits(g, static_cast<uint32_t>(end));
    row = std::min(c.m, row + (count + *align - 1) / *align * *align);
  }
  if (!c.prefixSum)
    for (int64_t r = 0; r < c.m; ++r)
      layout.setBits(r, static_cast<uint32_t>(owner[r]));
  // A row of group 2 inside group 0's first tile: the kernel must trap.
  if (misaligned)
    layout.setBits(1, 2);
  // Rows of no group keep what d held.
  uint32_t seven = c.d == DType::BF16 ? encodeBF16(7.0f) : 0x40e00000u;
  d.forEachElement([&](int64_t o) { d.setBits(o, seven); });
  HostTensor ref = d;

  std::vector<Expected<DeviceTensor>> dev;
  for (const HostTensor *t :
       {&a->data, &a->kernelScale, &b, &sfbKernel, &d, &layout})
    dev.push_back(upload(*t));
  for (auto &t : dev)
    if (!t)
      return failed(t.error());
  Status s = entry(dev[0]->view, dev[1]->view, dev[2]->view, dev[3]->view,
                   dev[4]->view, dev[5]->view);
  if (!s)
    return failed(s.error());
  if (std::optional<bool> done = finish(
          label, misaligned ? "a misaligned group" : nullptr, *dev[4], d))
    return *done;
  GemmOperand ga{&a->data, true, scaled ? &a->scale : nullptr, a->recipe};
  GemmOperand gb{&b, true, scaled ? &sfb : nullptr, bs->recipe};
  if (Status r =
          referenceGroupedGemm(ga, gb, layout, c.prefixSum, nullptr, ref);
      !r)
    return failed(r.error());
  return checkOutput(label + " (m_alignment " + std::to_string(*align) + ")",
                     c.a, c.b, d, ref);
}

/// A masked grouped case: G groups of up to max_m rows, with these valid
/// row counts (one empty, one full).
struct MaskedCase {
  const char *name;
  Entry entry;
  DType a, b;
  int granA, granB;
  int64_t groups, maxM, n, k;
  DType d;
  bool accumulate;
  int64_t expectedM;
  std::vector<int32_t> counts;
};

const MaskedCase kMaskedCases[] = {
    {"masked_fp8",
     Entry::Fp8,
     DType::F8E4M3,
     DType::F8E4M3,
     128,
     128,
     4,
     200,
     2112,
     7168,
     DType::BF16,
     false,
     100,
     {133, 0, 200, 7}},
    {"masked_nvfp4_c",
     Entry::Fp8Fp4,
     DType::F4E2M1,
     DType::F4E2M1,
     16,
     16,
     3,
     130,
     1024,
     2048,
     DType::F32,
     true,
     0,
     {130, 64, 0}},
    {"masked_bf16_decode",
     Entry::Bf16,
     DType::BF16,
     DType::BF16,
     0,
     0,
     6,
     20,
     576,
     512,
     DType::BF16,
     false,
     20,
     {20, 0, 3, 17, 1, 20}},
};

/// Runs (or with `prepare` compiles) one masked case through its entry point
/// against referenceMaskedGemm. With `overflow`, group 0's count is above
/// max_m and the kernel must trap.
using EntryCall = std::function<Status(const std::vector<TensorView> &)>;

/// Runs `entry` on the hosts' tensors. With `prepare` it only compiles the
/// twin's kernel: the call on fake device pointers, whose launch then
/// fails without a device. Otherwise it uploads the tensors (their views
/// into `views`, kept alive by `dev`), launches, synchronizes and
/// downloads hosts[dIndex] into `d`, expecting a trap when `trap` names
/// one. Returns the outcome when it is final, nullopt when the caller
/// compares `d`.
std::optional<bool>
launch(const std::string &label, bool prepare, GemmOptions &o,
       const std::vector<const HostTensor *> &hosts, const EntryCall &entry,
       std::vector<DeviceTensor> &dev, std::vector<TensorView> &views,
       const char *trap, size_t dIndex, HostTensor &d) {
  auto failed = [&](const Error &e) {
    std::printf("FAIL %s: %s: %s\n", label.c_str(), codeName(e.code),
                e.message.c_str());
    return false;
  };
  if (prepare) {
    o.compile.chip = "sm_90a";
    o.compile.machine = "h100";
    std::vector<TensorView> fake;
    for (const HostTensor *t : hosts)
      fake.push_back(
          TensorView::of(t->arg(reinterpret_cast<void *>(0x100000))));
    Status s = entry(fake);
    if (!s && s.error().code != Code::NoDevice &&
        s.error().code != Code::DriverError)
      return failed(s.error());
    std::printf("prepared %s\n", label.c_str());
    return true;
  }
  for (const HostTensor *t : hosts) {
    Expected<DeviceTensor> u = upload(*t);
    if (!u)
      return failed(u.error());
    dev.push_back(u.take());
    views.push_back(dev.back().view);
  }
  if (Status s = entry(views); !s)
    return failed(s.error());
  return finish(label, trap, dev[dIndex], d);
}

/// K-grouped BF16 with [sum K, MN] operands (tn) through the entry point:
/// four groups of K 128, 0, 320 and 64 (sum K 576, 64 rows spare), C
/// added, against the CPU reference. `ragged` makes group 2's K 300:
/// the kernel must trap. `blocks`: nt with 1-D operands holding each
/// group's K-major [MN, K_g] block in turn (the kernel rewrites its
/// descriptors per group).
bool runKGroupedCase(bool prepare, bool ragged = false, bool blocks = false) {
  const int64_t groups = 4, m = 200, n = 136, sumK = 576;
  const int32_t sizes[groups] = {128, 0, ragged ? 300 : 320, 64};
  std::string label = blocks ? "k_grouped_bf16_nt 1-D blocks G=4 M=200 N=136"
                             : "k_grouped_bf16_tn G=4 M=200 N=136";
  auto failed = [&](const Error &e) {
    std::printf("FAIL %s: %s: %s\n", label.c_str(), codeName(e.code),
                e.message.c_str());
    return false;
  };
  HostTensor a = blocks ? hostTensor("a", DType::BF16, {m * sumK})
                        : hostTensor("a", DType::BF16, {sumK, m});
  HostTensor b = blocks ? hostTensor("b", DType::BF16, {n * sumK})
                        : hostTensor("b", DType::BF16, {sumK, n});
  HostTensor ks = hostTensor("ks", DType::I32, {groups});
  HostTensor cT = hostTensor("c", DType::F32, {groups, m, n});
  HostTensor d = hostTensor("d", DType::F32, {groups, m, n});
  fillRandom(a, FillOptions(), 31);
  fillRandom(b, FillOptions(), 37);
  fillRandom(cT, FillOptions(), 41);
  for (int64_t g = 0; g < groups; ++g)
    ks.setBits(g, static_cast<uint32_t>(sizes[g]));
  HostTensor ref = d;
  std::vector<const HostTensor *> hosts = {&a, &b, &d, &ks, &cT};
  GemmOptions o;
  auto entry = [&](const std::vector<TensorView> &v) {
    o.c = &v[4];
    return blocks
               ? k_grouped_bf16_gemm_nt_contiguous(v[0], v[1], v[2], v[3], o)
               : k_grouped_bf16_gemm_tn_contiguous(v[0], v[1], v[2], v[3], o);
  };
  std::vector<DeviceTensor> dev;
  std::vector<TensorView> views;
  if (std::optional<bool> done =
          launch(label, prepare, o, hosts, entry, dev, views,
                 ragged ? "a K size of 300" : nullptr, 2, d))
    return *done;
  GemmOperand ga{&a, blocks, nullptr, std::nullopt};
  GemmOperand gb{&b, blocks, nullptr, std::nullopt};
  if (Status r = referenceKGroupedGemm(ga, gb, ks, cT, ref); !r)
    return failed(r.error());
  // The host sizes are checked before the launch.
  int32_t bad[groups] = {128, 0, 300, 64};
  o.kSizes = bad;
  Status s = entry(views);
  if (s || s.error().code != Code::InvalidArgument ||
      s.error().message.find("group 2 has K = 300") == std::string::npos) {
    std::printf("FAIL %s: host K sizes not refused: %s\n", label.c_str(),
                s ? "ok" : s.error().message.c_str());
    return false;
  }
  return checkOutput(label, DType::BF16, DType::BF16, d, ref);
}

bool runMaskedCase(const MaskedCase &c, bool prepare, bool overflow = false) {
  std::string label = std::string(c.name) + " G=" + std::to_string(c.groups) +
                      " max_m=" + std::to_string(c.maxM) +
                      " N=" + std::to_string(c.n) + " K=" + std::to_string(c.k);
  auto failed = [&](const Error &e) {
    std::printf("FAIL %s: %s: %s\n", label.c_str(), codeName(e.code),
                e.message.c_str());
    return false;
  };
  Expected<Operand> as =
      makeStacked("a", c.a, c.granA, c.groups, c.maxM, c.k, 11);
  Expected<Operand> bs = makeStacked("b", c.b, c.granB, c.groups, c.n, c.k, 23);
  if (!as)
    return failed(as.error());
  if (!bs)
    return failed(bs.error());
  bool scaled = c.granA != 0;
  HostTensor counts = hostTensor("masked_m", DType::I32, {c.groups});
  for (int64_t g = 0; g < c.groups; ++g)
    counts.setBits(g, static_cast<uint32_t>(c.counts[g]));
  if (overflow)
    counts.setBits(0, static_cast<uint32_t>(c.maxM + 1));
  HostTensor cT = hostTensor("c", DType::F32, {c.groups, c.maxM, c.n});
  fillRandom(cT, FillOptions(), 5);
  // Rows past each count keep what d held.
  HostTensor d = hostTensor("d", c.d, {c.groups, c.maxM, c.n});
  uint32_t seven = c.d == DType::BF16 ? encodeBF16(7.0f) : 0x40e00000u;
  d.forEachElement([&](int64_t o) { d.setBits(o, seven); });
  HostTensor ref = d;

  GemmOptions o;
  std::vector<const HostTensor *> hosts = {
      &as->data, &as->kernelScale, &bs->data, &bs->kernelScale, &d, &counts};
  if (c.accumulate)
    hosts.push_back(&cT);
  auto entry = [&](const std::vector<TensorView> &v) {
    if (c.accumulate)
      o.c = &v[6];
    switch (c.entry) {
    case Entry::Fp8:
      return m_grouped_fp8_gemm_nt_masked(v[0], v[1], v[2], v[3], v[4], v[5],
                                          c.expectedM, o);
    case Entry::Fp8Fp4:
      return m_grouped_fp8_fp4_gemm_nt_masked(v[0], v[1], v[2], v[3], v[4],
                                              v[5], c.expectedM, o);
    case Entry::Bf16:
      return m_grouped_bf16_gemm_nt_masked(v[0], v[2], v[4], v[5], c.expectedM,
                                           o);
    }
    return Status::success();
  };
  std::vector<DeviceTensor> dev;
  std::vector<TensorView> views;
  if (std::optional<bool> done =
          launch(label, prepare, o, hosts, entry, dev, views,
                 overflow ? "a count above max_m" : nullptr, 4, d))
    return *done;
  GemmOperand ga{&as->data, true, scaled ? &as->scale : nullptr, as->recipe};
  GemmOperand gb{&bs->data, true, scaled ? &bs->scale : nullptr, bs->recipe};
  if (Status r = referenceMaskedGemm(ga, gb, counts,
                                     c.accumulate ? &cT : nullptr, ref);
      !r)
    return failed(r.error());
  return checkOutput(label, c.a, c.b, d, ref);
}

/// Errors that only a device shows: a target the GPU cannot run.
bool runDeviceErrors() {
  HostTensor a = hostTensor("a", DType::BF16, {8, 512});
  HostTensor b = hostTensor("b", DType::BF16, {576, 512});
  HostTensor d = hostTensor("d", DType::BF16, {8, 576});
  Expected<DeviceTensor> da = upload(a), db = upload(b), dd = upload(d);
  if (!da || !db || !dd)
    return false;
  GemmOptions o;
  o.compile.chip = "sm_120f";
  o.compile.machine = "h100";
  Status s = bf16_gemm_nt(da->view, db->view, dd->view, o);
  bool ok = !s && s.error().code == Code::WrongArchitecture;
  std::printf("%s sm_120f kernel on this device: %s: %s\n",
              ok ? "PASS" : "FAIL", s ? "Ok" : codeName(s.error().code),
              s ? "" : s.error().message.c_str());
  return ok;
}

} // namespace

int main(int argc, char **argv) {
  bool prepare = argc > 1 && std::strcmp(argv[1], "--prepare") == 0;
  // A trap leaves the context unusable, so each runs alone.
  if (argc > 1 && std::strcmp(argv[1], "--misaligned") == 0) {
    if (!test::haveGpu())
      return test::kSkip;
    return runGroupedCase(kGroupedCases[0], false, true) ? 0 : 1;
  }
  if (argc > 1 && std::strcmp(argv[1], "--k-grouped-ragged") == 0) {
    if (!test::haveGpu())
      return test::kSkip;
    return runKGroupedCase(false, true) ? 0 : 1;
  }
  if (argc > 1 && std::strcmp(argv[1], "--masked-overflow") == 0) {
    if (!test::haveGpu())
      return test::kSkip;
    return runMaskedCase(kMaskedCases[2], false, true) ? 0 : 1;
  }
#ifdef SM120_WITH_JIT
  sm120jit::registerCompiler();
#endif
  if (!prepare && !test::haveGpu())
    return test::kSkip;
  int failures = 0;
  for (const Case &c : kCases)
    for (int64_t m : {1, 129, 333})
      failures += !runCase(c, m, prepare);
  for (const GroupedCase &c : kGroupedCases)
    failures += !runGroupedCase(c, prepare);
  for (const MaskedCase &c : kMaskedCases)
    failures += !runMaskedCase(c, prepare);
  failures += !runKGroupedCase(prepare);
  failures += !runKGroupedCase(prepare, false, true);
  if (prepare) {
    // The wrong-architecture case needs its sm_120f kernel in the cache.
    GemmProblem p;
    p.a = p.b = DType::BF16;
    p.n = 576;
    p.k = 512;
    CompileOptions o;
    o.chip = "sm_120f";
    o.machine = "h100";
    o.expectedM = expectedMBucket(8); // as the entry point asks for M = 8
    if (!KernelCache::global().gemm(p, o))
      ++failures;
  } else {
    failures += !runDeviceErrors();
  }
  std::printf("%d failure(s)\n", failures);
  return failures ? 1 : 0;
}

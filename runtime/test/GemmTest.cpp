// GEMM entry points on the CPU: argument validation, recipe inference and
// the C wrappers (no GPU needed: every case stops before a launch).

#include "sm120rt/Gemm.hpp"
#include "sm120rt/sm120rt.h"

#include <gtest/gtest.h>

using namespace sm120rt;

namespace {

void *fake() { return reinterpret_cast<void *>(0x100000); }

TensorView mat(DType t, int64_t rows, int64_t cols) {
  return TensorView::contiguous(fake(), t, {rows, cols});
}

GemmOptions twin() {
  GemmOptions o;
  o.compile.chip = "sm_90a";
  o.compile.machine = "h100";
  return o;
}

struct Fp8Args {
  int64_t m = 256, n = 2112, k = 7168;
  TensorView a = mat(DType::F8E4M3, m, k), b = mat(DType::F8E4M3, n, k);
  TensorView sfa = mat(DType::I32, 14, 256), sfb = mat(DType::I32, 14, 2112);
  TensorView d = mat(DType::BF16, m, n);
};

std::string planError(const TensorView &a, const TensorView *sfa,
                      const TensorView &b, const TensorView *sfb,
                      const TensorView &d, const GemmOptions &o = twin()) {
  Expected<std::pair<GemmProblem, CompileOptions>> p =
      planGemm(a, sfa, b, sfb, d, o);
  return p ? std::string("ok") : p.error().message;
}

TEST(Gemm, Fp8PlanReadsTheRecipeFromTheScales) {
  Fp8Args x;
  Expected<std::pair<GemmProblem, CompileOptions>> p =
      planGemm(x.a, &x.sfa, x.b, &x.sfb, x.d, twin());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(describe(p->first, p->second),
            "sm120 " + std::string(kVersion) +
                " gemm a=f8e4m3/k b=f8e4m3/k sfa=ue8m0/mn1/k128/packed "
                "sfb=ue8m0/mn1/k128/packed n=2112 k=7168 d=bf16 c=0 "
                "chip=sm_90a machine=h100 sms=0 expected_m=256 "
                "schedule=auto");
  // 56 rows: granularity 32.
  TensorView sfa32 = mat(DType::I32, 56, 256);
  p = planGemm(x.a, &sfa32, x.b, &x.sfb, x.d, twin());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->first.sfa->k, 32);
  EXPECT_EQ(p->first.sfb->k, 128);
}

TEST(Gemm, ScheduleRowsComeFromTheCallsM) {
  EXPECT_EQ(expectedMBucket(1), 16);
  EXPECT_EQ(expectedMBucket(16), 16);
  EXPECT_EQ(expectedMBucket(17), 32);
  EXPECT_EQ(expectedMBucket(33), 64);
  EXPECT_EQ(expectedMBucket(64), 64);
  EXPECT_EQ(expectedMBucket(65), 256);
  EXPECT_EQ(expectedMBucket(1024), 1024);
  EXPECT_EQ(expectedMBucket(1025), 4096);
  EXPECT_EQ(expectedMBucket(100000), 4096);
  Fp8Args x;
  GemmOptions o = twin();
  o.compile.expectedM = 2048; // an explicit value wins
  Expected<std::pair<GemmProblem, CompileOptions>> p =
      planGemm(x.a, &x.sfa, x.b, &x.sfb, x.d, o);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->second.expectedM, 2048);
}

TEST(Gemm, Fp4RecipesMxAndNv) {
  int64_t m = 128, n = 576, k = 7168;
  TensorView a = mat(DType::F4E2M1, m, k), b = mat(DType::F4E2M1, n, k);
  TensorView d = mat(DType::F32, m, n);
  TensorView sfa = mat(DType::I32, 56, 128), sfb = mat(DType::I32, 56, 576);
  Expected<std::pair<GemmProblem, CompileOptions>> p =
      planGemm(a, &sfa, b, &sfb, d, twin());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->first.sfa->k, 32);
  TensorView nva = mat(DType::F8E4M3, m, k / 16),
             nvb = mat(DType::F8E4M3, n, k / 16);
  p = planGemm(a, &nva, b, &nvb, d, twin());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->first.sfa->format, ScaleRecipe::Format::UE4M3);
  EXPECT_EQ(p->first.sfb->k, 16);
  EXPECT_EQ(planError(a, &nva, b, &sfb, d),
            "gemm: NVFP4 takes UE4M3 (f8e4m3) scales on both operands; sfa "
            "and sfb differ");
  TensorView fp8b = mat(DType::F8E4M3, n, k);
  EXPECT_EQ(planError(a, &nva, fp8b, &nvb, d),
            "gemm: sfb holds UE4M3 (f8e4m3) scales, which need FP4 data "
            "(NVFP4)");
}

TEST(Gemm, ShapeAndDtypeErrors) {
  Fp8Args x;
  TensorView k2 = mat(DType::F8E4M3, x.n, 7000);
  EXPECT_EQ(planError(x.a, &x.sfa, k2, &x.sfb, x.d),
            "gemm: a is [256, 7168] and b is [2112, 7000]: their K differ");
  TensorView d2 = mat(DType::BF16, x.m, 2000);
  EXPECT_EQ(planError(x.a, &x.sfa, x.b, &x.sfb, d2),
            "gemm: d is [256, 2000]; expected [M, N] = [256, 2112]");
  TensorView d16 = mat(DType::F16, x.m, x.n);
  EXPECT_EQ(planError(x.a, &x.sfa, x.b, &x.sfb, d16),
            "gemm: d has dtype f16; expected bf16 or f32");
  TensorView a3 = TensorView::contiguous(fake(), DType::F8E4M3, {1, 256, 7168});
  EXPECT_EQ(planError(a3, &x.sfa, x.b, &x.sfb, x.d),
            "gemm: a has rank 3; expected 2");
  TensorView rows = mat(DType::I32, 15, 256);
  EXPECT_EQ(planError(x.a, &rows, x.b, &x.sfb, x.d),
            "gemm: sfa (packed UE8M0) has 15 rows; K = 7168 needs 14 "
            "(granularity 128) or 56 (granularity 32)");
  TensorView cols = mat(DType::I32, 14, 255);
  EXPECT_EQ(planError(x.a, &cols, x.b, &x.sfb, x.d),
            "gemm: sfa (packed UE8M0) has 255 columns; expected align(256, "
            "4) = 256");
  TensorView f32 = mat(DType::F32, x.n / 128 + 1, 56);
  EXPECT_NE(planError(x.a, &x.sfa, x.b, &f32, x.d)
                .find("sfb holds f32 scales; the kernels read UE8M0 packed "
                      "four per i32"),
            std::string::npos);
  EXPECT_EQ(planError(x.a, nullptr, x.b, nullptr, x.d),
            "gemm: FP8 and FP4 operands need scales for both operands");
  TensorView c = mat(DType::BF16, x.m, x.n);
  GemmOptions o = twin();
  o.c = &c;
  EXPECT_EQ(planError(x.a, &x.sfa, x.b, &x.sfb, x.d, o),
            "gemm: c has dtype bf16; expected f32");
  o = twin();
  o.sfaGranK = 64;
  EXPECT_EQ(planError(x.a, &x.sfa, x.b, &x.sfb, x.d, o),
            "gemm: sfa granularity 64 is not supported; expected 32 or 128");
  TensorView ba = mat(DType::BF16, x.m, x.k), bb = mat(DType::BF16, x.n, x.k);
  EXPECT_EQ(planError(ba, &x.sfa, bb, &x.sfb, x.d),
            "gemm: bf16 operands take no scales");
  EXPECT_EQ(planError(ba, nullptr, x.b, nullptr, x.d),
            "gemm: a is bf16 and b is f8e4m3; bf16 pairs only with bf16");
}

TEST(Gemm, AlphaIsOneF32AndPartOfTheKey) {
  Fp8Args x;
  GemmOptions o = twin();
  TensorView alpha = TensorView::contiguous(fake(), DType::F32, {1});
  o.alpha = &alpha;
  Expected<std::pair<GemmProblem, CompileOptions>> p =
      planGemm(x.a, &x.sfa, x.b, &x.sfb, x.d, o);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->first.alpha);
  EXPECT_NE(describe(p->first, p->second).find(" c=0 alpha=1 "),
            std::string::npos);
  TensorView two = TensorView::contiguous(fake(), DType::F32, {2});
  o.alpha = &two;
  EXPECT_EQ(
      planError(x.a, &x.sfa, x.b, &x.sfb, x.d, o),
      "gemm: alpha is f32 with 1 dimension(s) of 2; expected one f32 [1]");
  TensorView half = TensorView::contiguous(fake(), DType::BF16, {1});
  o.alpha = &half;
  EXPECT_EQ(planError(x.a, &x.sfa, x.b, &x.sfb, x.d, o),
            "gemm: alpha is bf16 with 1 dimension(s) of 1; expected one f32 "
            "[1]");
}

TEST(Gemm, EntryPointsCheckTheirDtypes) {
  Fp8Args x;
  TensorView fp4 = mat(DType::F4E2M1, x.n, x.k);
  Status s = fp8_gemm_nt(x.a, x.sfa, fp4, x.sfb, x.d, twin());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "fp8_gemm_nt: b has dtype f4e2m1; expected f8e4m3 "
            "(fp8_fp4_gemm_nt takes FP4 operands, bf16_gemm_nt bf16)");
  s = fp8_fp4_gemm_nt(x.a, x.sfa, x.b, x.sfb, x.d, twin());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "fp8_fp4_gemm_nt: neither operand is f4e2m1; "
                               "FP8 x FP8 goes through fp8_gemm_nt");
  s = bf16_gemm_nt(x.a, x.b, x.d, twin());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "bf16_gemm_nt: a has dtype f8e4m3; expected bf16");
  // Entry-point names prefix the shared checks' messages too.
  TensorView d2 = mat(DType::BF16, x.m, 2000);
  s = fp8_gemm_nt(x.a, x.sfa, x.b, x.sfb, d2, twin());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Code::InvalidArgument);
  EXPECT_EQ(s.error().message.rfind("fp8_gemm_nt: d is [256, 2000]", 0), 0u);
}

TEST(Gemm, ValidCallsReachTheCache) {
  Fp8Args x;
  KernelCache::Config config;
  config.disk = false;
  KernelCache cache(config);
  registerGemmCompiler(nullptr);
  GemmOptions o = twin();
  o.cache = &cache;
  Status s = fp8_gemm_nt(x.a, x.sfa, x.b, x.sfb, x.d, o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Code::NotSupported);
  EXPECT_NE(s.error().message.find("no compiler is registered"),
            std::string::npos);
  // M = 0 computes nothing and needs no kernel.
  TensorView a0 = mat(DType::F8E4M3, 0, x.k), d0 = mat(DType::BF16, 0, x.n);
  TensorView sfa0 = mat(DType::I32, 14, 0);
  EXPECT_TRUE(fp8_gemm_nt(a0, sfa0, x.b, x.sfb, d0, o));
}

TEST(Gemm, CEntryPoints) {
  int64_t sa[2] = {256, 7168}, sb[2] = {2112, 7168}, ssa[2] = {14, 256},
          ssb[2] = {14, 2112}, sd[2] = {256, 2112};
  int64_t ta[2] = {7168, 1}, tsa[2] = {256, 1}, tsb[2] = {2112, 1},
          td[2] = {2112, 1};
  sm120rt_tensor a{fake(), SM120RT_DTYPE_F8E4M3, 2, sa, ta};
  sm120rt_tensor b{fake(), SM120RT_DTYPE_F8E4M3, 2, sb, ta};
  sm120rt_tensor sfa{fake(), SM120RT_DTYPE_I32, 2, ssa, tsa};
  sm120rt_tensor sfb{fake(), SM120RT_DTYPE_I32, 2, ssb, tsb};
  sm120rt_tensor d{fake(), SM120RT_DTYPE_BF16, 2, sd, td};
  sm120rt_gemm_options o{};
  o.chip = "sm_90a";
  o.machine = "h100";
  EXPECT_EQ(sm120rt_fp8_gemm_nt(&a, &sfa, &b, nullptr, &d, &o),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_STREQ(sm120rt_last_error(), "sm120rt_fp8_gemm_nt: sfb is NULL");
  sm120rt_tensor bad = a;
  bad.rank = 5;
  EXPECT_EQ(sm120rt_fp8_gemm_nt(&bad, &sfa, &b, &sfb, &d, &o),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_STREQ(sm120rt_last_error(),
               "sm120rt_fp8_gemm_nt: a has rank 5; expected 0 to 4");
  EXPECT_EQ(sm120rt_bf16_gemm_nt(&a, &b, &d, &o), SM120RT_INVALID_ARGUMENT);
  EXPECT_STREQ(sm120rt_last_error(),
               "bf16_gemm_nt: a has dtype f8e4m3; expected bf16");
  o.alpha = &bad;
  EXPECT_EQ(sm120rt_fp8_gemm_nt(&a, &sfa, &b, &sfb, &d, &o),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_STREQ(sm120rt_last_error(),
               "sm120rt_fp8_gemm_nt: alpha has rank 5; expected 0 to 4");
  o.alpha = nullptr;
  sm120rt_tensor c{fake(), SM120RT_DTYPE_F32, 2, sb, ta};
  o.c = &c;
  EXPECT_EQ(sm120rt_fp8_fp4_gemm_nt(&a, &sfa, &b, &sfb, &d, &o),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_STREQ(sm120rt_last_error(),
               "fp8_fp4_gemm_nt: neither operand is f4e2m1; FP8 x FP8 goes "
               "through fp8_gemm_nt");
}

// Grouped entry points: B stacks one matrix per group, sfb likewise, and
// the layout is [M] (rows' groups) or [G] (prefix sums).
TEST(GroupedGemm, ArgumentErrors) {
  int64_t m = 256, n = 576, k = 512, g = 4;
  TensorView a = mat(DType::F8E4M3, m, k), sfa = mat(DType::I32, 1, m);
  TensorView b = TensorView::contiguous(fake(), DType::F8E4M3, {g, n, k});
  TensorView sfb = TensorView::contiguous(fake(), DType::I32, {g, 1, n});
  TensorView d = mat(DType::BF16, m, n);
  TensorView rows = TensorView::contiguous(fake(), DType::I32, {m});
  GemmOptions o = twin();
  auto error = [&](const TensorView &bb, const TensorView &sb,
                   const TensorView &layout, const GemmOptions &opts) {
    Status s =
        m_grouped_fp8_gemm_nt_contiguous(a, sfa, bb, sb, d, layout, opts);
    return s ? std::string("ok") : s.error().message;
  };
  EXPECT_EQ(error(mat(DType::F8E4M3, n, k), sfb, rows, o),
            "m_grouped_fp8_gemm_nt_contiguous: b has rank 2; expected 3 ([G, "
            "N, K], one matrix per group)");
  EXPECT_EQ(error(b, mat(DType::I32, 1, n), rows, o),
            "m_grouped_fp8_gemm_nt_contiguous: sfb has rank 2; expected rank "
            "3 (one scale matrix per group) with 4 groups");
  EXPECT_EQ(
      error(b, sfb, TensorView::contiguous(fake(), DType::I32, {m + 1}), o),
      "m_grouped_fp8_gemm_nt_contiguous: layout is i32 with 1 "
      "dimension(s) of 257; expected i32 [256] (each row's group)");
  GemmOptions prefix = o;
  prefix.prefixSum = true;
  EXPECT_EQ(error(b, sfb, rows, prefix),
            "m_grouped_fp8_gemm_nt_contiguous: layout is i32 with 1 "
            "dimension(s) of 256; expected i32 [4] (each group's end row)");
  TensorView alpha = TensorView::contiguous(fake(), DType::F32, {1});
  GemmOptions withAlpha = o;
  withAlpha.alpha = &alpha;
  EXPECT_EQ(error(b, sfb, rows, withAlpha),
            "m_grouped_fp8_gemm_nt_contiguous: grouped GEMMs take no alpha");
  Status bf16 = m_grouped_bf16_gemm_nt_contiguous(a, b, d, rows, o);
  ASSERT_FALSE(bf16);
  EXPECT_NE(bf16.error().message.find("a has dtype f8e4m3; expected bf16"),
            std::string::npos);
}

// Masked entry points: every operand stacks one matrix per group, and
// masked_m is [G].
TEST(MaskedGemm, ArgumentErrors) {
  int64_t g = 4, maxM = 128, n = 576, k = 512;
  auto t3 = [](DType t, int64_t x, int64_t y, int64_t z) {
    return TensorView::contiguous(fake(), t, {x, y, z});
  };
  TensorView a = t3(DType::F8E4M3, g, maxM, k),
             sfa = t3(DType::I32, g, 1, maxM);
  TensorView b = t3(DType::F8E4M3, g, n, k), sfb = t3(DType::I32, g, 1, n);
  TensorView d = t3(DType::BF16, g, maxM, n);
  TensorView counts = TensorView::contiguous(fake(), DType::I32, {g});
  GemmOptions o = twin();
  auto error = [&](const TensorView &aa, const TensorView &dd,
                   const TensorView &mm, int64_t expected,
                   const GemmOptions &opts) {
    Status s =
        m_grouped_fp8_gemm_nt_masked(aa, sfa, b, sfb, dd, mm, expected, opts);
    return s ? std::string("ok") : s.error().message;
  };
  const char *entry = "m_grouped_fp8_gemm_nt_masked: ";
  EXPECT_EQ(error(mat(DType::F8E4M3, maxM, k), d, counts, 0, o),
            std::string(entry) +
                "a has rank 2; expected rank 3 [G, max_m, K] with 4 groups");
  EXPECT_EQ(error(a, t3(DType::BF16, 3, maxM, n), counts, 0, o),
            std::string(entry) + "d has rank 3 and 3 groups; expected rank 3 "
                                 "[G, max_m, N] with 4 groups");
  EXPECT_EQ(error(a, t3(DType::BF16, g, 100, n), counts, 0, o),
            std::string(entry) +
                "d is [100, 576]; expected [M, N] = [128, 576]");
  EXPECT_EQ(error(a, d, TensorView::contiguous(fake(), DType::I32, {5}), 0, o),
            std::string(entry) + "masked_m is i32 with 1 dimension(s) of 5; "
                                 "expected i32 [4] (each group's valid rows)");
  EXPECT_EQ(error(a, d, counts, -1, o),
            std::string(entry) +
                "expected_m is -1; expected a positive hint or 0");
  GemmOptions prefix = o;
  prefix.prefixSum = true;
  EXPECT_EQ(error(a, d, counts, 0, prefix),
            std::string(entry) +
                "prefix_sum applies to contiguous groups only");
  TensorView c2 = mat(DType::F32, maxM, n);
  GemmOptions withC = o;
  withC.c = &c2;
  EXPECT_EQ(error(a, d, counts, 0, withC),
            std::string(entry) + "c has rank 2; expected rank 3 [G, max_m, N] "
                                 "with 4 groups");
  Status fp4 =
      m_grouped_fp8_fp4_gemm_nt_masked(a, sfa, b, sfb, d, counts, 0, o);
  ASSERT_FALSE(fp4);
  EXPECT_NE(fp4.error().message.find("FP8 x FP8 goes through "
                                     "m_grouped_fp8_gemm_nt_masked"),
            std::string::npos)
      << fp4.error().message;

  // A valid call reaches the cache; max_m = 0 needs no kernel.
  KernelCache::Config config;
  config.disk = false;
  KernelCache cache(config);
  registerGemmCompiler(nullptr);
  o.cache = &cache;
  Status s = m_grouped_fp8_gemm_nt_masked(a, sfa, b, sfb, d, counts, 20, o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Code::NotSupported);
  EXPECT_TRUE(m_grouped_fp8_gemm_nt_masked(
      t3(DType::F8E4M3, g, 0, k), t3(DType::I32, g, 1, 0), b, sfb,
      t3(DType::BF16, g, 0, n), counts, 0, o));
}

// The C wrapper passes prefix_sum through.
TEST(GroupedGemm, CApiPassesThePrefixFlag) {
  int64_t aSizes[] = {256, 512}, aStrides[] = {512, 1};
  int64_t sfaSizes[] = {1, 256}, sfaStrides[] = {256, 1};
  int64_t bSizes[] = {4, 576, 512}, bStrides[] = {576 * 512, 512, 1};
  int64_t sfbSizes[] = {4, 1, 576}, sfbStrides[] = {576, 576, 1};
  int64_t dSizes[] = {256, 576}, dStrides[] = {576, 1};
  int64_t lSizes[] = {256}, lStrides[] = {1};
  sm120rt_tensor a = {fake(), SM120RT_DTYPE_F8E4M3, 2, aSizes, aStrides};
  sm120rt_tensor sfa = {fake(), SM120RT_DTYPE_I32, 2, sfaSizes, sfaStrides};
  sm120rt_tensor b = {fake(), SM120RT_DTYPE_F8E4M3, 3, bSizes, bStrides};
  sm120rt_tensor sfb = {fake(), SM120RT_DTYPE_I32, 3, sfbSizes, sfbStrides};
  sm120rt_tensor d = {fake(), SM120RT_DTYPE_BF16, 2, dSizes, dStrides};
  sm120rt_tensor layout = {fake(), SM120RT_DTYPE_I32, 1, lSizes, lStrides};
  sm120rt_gemm_options o = {};
  o.chip = "sm_90a";
  o.machine = "h100";
  o.prefix_sum = 1;
  EXPECT_EQ(sm120rt_m_grouped_fp8_gemm_nt_contiguous(&a, &sfa, &b, &sfb, &d,
                                                     &layout, &o),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_NE(std::string(sm120rt_last_error()).find("expected i32 [4]"),
            std::string::npos)
      << sm120rt_last_error();
}

// The masked C wrapper passes expected_m through: a negative hint is named.
TEST(MaskedGemm, CApiPassesTheExpectedRows) {
  int64_t aSizes[] = {2, 64, 512}, aStrides[] = {64 * 512, 512, 1};
  int64_t bSizes[] = {2, 576, 512}, bStrides[] = {576 * 512, 512, 1};
  int64_t dSizes[] = {2, 64, 576}, dStrides[] = {64 * 576, 576, 1};
  int64_t mSizes[] = {2}, mStrides[] = {1};
  sm120rt_tensor a = {fake(), SM120RT_DTYPE_BF16, 3, aSizes, aStrides};
  sm120rt_tensor b = {fake(), SM120RT_DTYPE_BF16, 3, bSizes, bStrides};
  sm120rt_tensor d = {fake(), SM120RT_DTYPE_BF16, 3, dSizes, dStrides};
  sm120rt_tensor counts = {fake(), SM120RT_DTYPE_I32, 1, mSizes, mStrides};
  sm120rt_gemm_options o = {};
  o.chip = "sm_90a";
  o.machine = "h100";
  EXPECT_EQ(sm120rt_m_grouped_bf16_gemm_nt_masked(&a, &b, &d, &counts, -5, &o),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_STREQ(sm120rt_last_error(),
               "m_grouped_bf16_gemm_nt_masked: expected_m is -5; expected a "
               "positive hint or 0");
  EXPECT_EQ(
      sm120rt_m_grouped_fp8_gemm_nt_masked(&a, &a, &b, &b, &d, &counts, 0, &o),
      SM120RT_INVALID_ARGUMENT);
}

/// Runs `call` with the twin's options and a compiler that hands the
/// planned problem to `check` and stops there (nothing is compiled).
template <typename Call, typename Check> void planned(Call call, Check check) {
  KernelCache::Config config;
  config.disk = false;
  KernelCache cache(config);
  registerGemmCompiler(
      [&](const GemmProblem &p,
          const CompileOptions &c) -> Expected<CompiledKernel> {
        check(p, c);
        return Error{Code::NotSupported, "stop here"};
      });
  GemmOptions o = twin();
  o.cache = &cache;
  Status s = call(o);
  registerGemmCompiler(nullptr);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("stop here"), std::string::npos)
      << s.error().message;
}

// Batched einsum entry points: a and d hold the heads in their middle
// dimension, b and the scales in their first; other equations are named.
TEST(BatchedGemm, ArgumentErrors) {
  int64_t h = 8, rows = 64, n = 512, k = 1024;
  auto t3 = [](DType t, int64_t x, int64_t y, int64_t z) {
    return TensorView::contiguous(fake(), t, {x, y, z});
  };
  TensorView a = t3(DType::F8E4M3, rows, h, k), sfa = t3(DType::I32, h, 2, 64);
  TensorView b = t3(DType::F8E4M3, h, n, k), sfb = t3(DType::I32, h, 2, n);
  TensorView d = t3(DType::BF16, rows, h, n);
  GemmOptions o = twin();
  auto error = [&](const char *eq, const TensorView &aa, const TensorView &bb,
                   const TensorView &dd, const GemmOptions &opts) {
    Status s = fp8_einsum(eq, aa, sfa, bb, sfb, dd, opts);
    return s ? std::string("ok") : s.error().message;
  };
  const std::string entry = "fp8_einsum: ";
  // bhd,hdr->bhr: validated on b's K-major copy [h, r, d] before the copy.
  EXPECT_EQ(error("bhd,hdr->bhr", a, mat(DType::F8E4M3, n, k), d, o),
            entry + "b has rank 2; expected 3 ([h, d, r])");
  EXPECT_EQ(error("bhd,hdr->bhr", a, t3(DType::F8E4M3, h, k, n),
                  t3(DType::BF16, rows, h, k), o),
            entry + "d is [64, 1024]; expected [M, N] = [64, 512]");
  planned(
      [&](const GemmOptions &opts) {
        // a [b, h, d = k], b [h, d, r = n]; sfb of each head's [r, d].
        return fp8_einsum("bhd,hdr->bhr", a, sfa, t3(DType::F8E4M3, h, k, n),
                          sfb, d, opts);
      },
      [&](const GemmProblem &p, const CompileOptions &) {
        EXPECT_TRUE(p.batched && p.bKMajor);
        EXPECT_EQ(p.n, n);
        EXPECT_EQ(p.k, k);
      });
  EXPECT_EQ(error("bmk,bnk->mn", a, b, d, o),
            entry + "equation 'bmk,bnk->mn' is compiled in BF16 only "
                    "(bf16_einsum)");
  EXPECT_EQ(error("ij,jk->ik", a, b, d, o),
            entry + "equation 'ij,jk->ik' is not an einsum this library "
                    "knows; expected 'bhr,hdr->bhd', 'bhd,hdr->bhr', "
                    "'bhd,bhr->hdr', 'bmk,bnk->mn' or 'bmk,bnk->bmn'");
  EXPECT_EQ(error("bhr,hdr->bhd", mat(DType::F8E4M3, rows, k), b, d, o),
            entry + "a has rank 2; expected 3 ([b, h, r], the heads in the "
                    "middle)");
  EXPECT_EQ(error("bhr,hdr->bhd", a, t3(DType::F8E4M3, 4, n, k), d, o),
            entry + "b has rank 3 and 4 groups; expected rank 3 [h, d, r] "
                    "with 8 groups");
  EXPECT_EQ(error("bhr,hdr->bhd", a, b, t3(DType::BF16, rows, 4, n), o),
            entry + "d has rank 3 and 4 heads; expected rank 3 [b, h, d] "
                    "with 8 heads");
  EXPECT_EQ(error("bhr,hdr->bhd", a, b, t3(DType::BF16, rows + 1, h, n), o),
            entry + "d is [65, 512]; expected [M, N] = [64, 512]");
  TensorView alpha = TensorView::contiguous(fake(), DType::F32, {1});
  GemmOptions withAlpha = o;
  withAlpha.alpha = &alpha;
  EXPECT_EQ(error("bhr,hdr->bhd", a, b, d, withAlpha),
            entry + "batched GEMMs take no alpha");
  Status bf = bf16_einsum("bhr,hdr->bhd", a, b, d, o);
  ASSERT_FALSE(bf);
  EXPECT_EQ(bf.error().message,
            "bf16_einsum: a has dtype f8e4m3; expected bf16");

  // The plan: the heads as groups of a batched problem, M the batch rows.
  planned(
      [&](const GemmOptions &opts) {
        return fp8_einsum("bhr,hdr->bhd", a, sfa, b, sfb, d, opts);
      },
      [&](const GemmProblem &p, const CompileOptions &c) {
        EXPECT_TRUE(p.batched);
        EXPECT_EQ(p.groups, h);
        EXPECT_EQ(p.n, n);
        EXPECT_EQ(p.k, k);
        EXPECT_EQ(c.expectedM, 64);
        EXPECT_NE(describe(p, c).find("groups=8/batched"), std::string::npos);
      });
  // No batch rows: nothing to compute.
  EXPECT_TRUE(fp8_einsum("bhr,hdr->bhd", t3(DType::F8E4M3, 0, h, k),
                         t3(DType::I32, h, 2, 0), b, sfb,
                         t3(DType::BF16, 0, h, n), o));
}

// bmk,bnk->mn: one [m, n] GEMM over a runtime count of batches.
TEST(BatchedGemm, BatchReducedPlan) {
  auto t3 = [](DType t, int64_t x, int64_t y, int64_t z) {
    return TensorView::contiguous(fake(), t, {x, y, z});
  };
  TensorView a = t3(DType::BF16, 6, 64, 512), b = t3(DType::BF16, 6, 384, 512);
  TensorView d = mat(DType::F32, 64, 384);
  GemmOptions o = twin();
  Status none = bf16_einsum("bmk,bnk->mn", t3(DType::BF16, 0, 64, 512),
                            t3(DType::BF16, 0, 384, 512), d, o);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message,
            "bf16_einsum: a has 0 batches; bmk,bnk->mn sums over at least 1");
  planned(
      [&](const GemmOptions &opts) {
        return bf16_einsum("bmk,bnk->mn", a, b, d, opts);
      },
      [&](const GemmProblem &p, const CompileOptions &c) {
        EXPECT_TRUE(p.batchReduced);
        EXPECT_EQ(p.groups, 0);
        EXPECT_EQ(p.n, 384);
        EXPECT_EQ(p.k, 512);
        EXPECT_EQ(c.expectedM, 64);
        EXPECT_NE(describe(p, c).find("batch_reduced=1"), std::string::npos);
      });
}

// nn, tn and tt take [K, MN] operands: the plan marks them MN-major and
// reads M, N and K from the transposed shapes.
TEST(Bf16Gemm, MnMajorEntriesPlan) {
  TensorView mk = mat(DType::BF16, 64, 512), km = mat(DType::BF16, 512, 64);
  TensorView nk = mat(DType::BF16, 576, 512), kn = mat(DType::BF16, 512, 576);
  TensorView d = mat(DType::BF16, 64, 576);
  using Entry = Status (*)(const TensorView &, const TensorView &,
                           const TensorView &, const GemmOptions &);
  struct Form {
    Entry entry;
    const TensorView &a, &b;
    bool aK, bK;
  };
  for (const Form &f : {Form{bf16_gemm_nn, mk, kn, true, false},
                        Form{bf16_gemm_tn, km, kn, false, false},
                        Form{bf16_gemm_tt, km, nk, false, true}})
    planned([&](const GemmOptions &opts) { return f.entry(f.a, f.b, d, opts); },
            [&](const GemmProblem &p, const CompileOptions &c) {
              EXPECT_EQ(p.aKMajor, f.aK);
              EXPECT_EQ(p.bKMajor, f.bK);
              EXPECT_EQ(p.n, 576);
              EXPECT_EQ(p.k, 512);
              EXPECT_EQ(c.expectedM, 64);
            });
  // Shapes are named as given.
  Status s = bf16_gemm_nn(mk, mat(DType::BF16, 256, 576), d, twin());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "bf16_gemm_nn: a is [64, 512] and b is "
                               "[256, 576]: their K differ");
  s = bf16_gemm_tn(km, kn, mat(DType::BF16, 512, 576), twin());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "bf16_gemm_tn: d is [512, 576]; expected [M, N] = [64, 576]");
  s = bf16_gemm_nn(mat(DType::F8E4M3, 64, 512), kn, d, twin());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "bf16_gemm_nn: a has dtype f8e4m3; expected bf16");

  // Grouped: b [G, K, N].
  TensorView b3 = TensorView::contiguous(fake(), DType::BF16, {4, 512, 576});
  TensorView layout = TensorView::contiguous(fake(), DType::I32, {64});
  planned(
      [&](const GemmOptions &opts) {
        return m_grouped_bf16_gemm_nn_contiguous(mk, b3, d, layout, opts);
      },
      [&](const GemmProblem &p, const CompileOptions &) {
        EXPECT_EQ(p.groups, 4);
        EXPECT_TRUE(p.aKMajor);
        EXPECT_FALSE(p.bKMajor);
        EXPECT_EQ(p.n, 576);
        EXPECT_EQ(p.k, 512);
      });
}

// bhd,hdr->bhr: B [h, d, r] is MN-major, N = r and K = d; D is [b, h, r].
// K-grouped: sum K and M are runtime sizes (K = 0 in the key), G the
// layout's size; both operand layouts, FP8 granularity from the options.
TEST(KGroupedGemm, EntriesPlan) {
  auto t3 = [](DType t, int64_t g, int64_t m, int64_t n) {
    return TensorView::contiguous(fake(), t, {g, m, n});
  };
  TensorView ks = TensorView::contiguous(fake(), DType::I32, {4});
  TensorView c = t3(DType::F32, 4, 256, 576), d = c;
  TensorView a = mat(DType::F8E4M3, 256, 4096),
             b = mat(DType::F8E4M3, 576, 4096);
  TensorView sfa = mat(DType::I32, 36, 256), sfb = mat(DType::I32, 36, 576);
  planned(
      [&](GemmOptions opts) {
        opts.c = &c;
        opts.sfaGranK = 32;
        return k_grouped_fp8_gemm_nt_contiguous(a, sfa, b, sfb, d, ks, opts);
      },
      [&](const GemmProblem &p, const CompileOptions &o) {
        EXPECT_TRUE(p.kGrouped);
        EXPECT_EQ(p.groups, 4);
        EXPECT_EQ(p.n, 576);
        EXPECT_EQ(p.k, 0);
        EXPECT_TRUE(p.aKMajor && p.bKMajor && p.accumulate);
        EXPECT_EQ(p.d, DType::F32);
        ASSERT_TRUE(p.sfa && p.sfb);
        EXPECT_EQ(p.sfa->k, 32);
        EXPECT_EQ(p.sfb->k, 32);
        EXPECT_EQ(o.expectedM, 256);
      });
  TensorView am = mat(DType::BF16, 4096, 256), bm = mat(DType::BF16, 4096, 576);
  planned(
      [&](GemmOptions opts) {
        opts.c = &c;
        return k_grouped_bf16_gemm_tn_contiguous(am, bm, d, ks, opts);
      },
      [&](const GemmProblem &p, const CompileOptions &) {
        EXPECT_TRUE(p.kGrouped);
        EXPECT_FALSE(p.aKMajor || p.bKMajor);
        EXPECT_FALSE(p.sfa.has_value());
      });

  auto message = [](const Status &s) {
    return s ? std::string("ok") : s.error().message;
  };
  GemmOptions o = twin();
  EXPECT_EQ(message(k_grouped_fp8_gemm_nt_contiguous(a, sfa, b, sfb, d, ks, o)),
            "k_grouped_fp8_gemm_nt_contiguous: K-grouped GEMMs accumulate: "
            "give c, f32 [G, M, N] (it may be d itself)");
  o.c = &c;
  EXPECT_EQ(message(k_grouped_fp8_gemm_nt_contiguous(
                a, sfa, mat(DType::F8E4M3, 576, 2048), sfb, d, ks, o)),
            "k_grouped_fp8_gemm_nt_contiguous: a has sum K = 4096 and b "
            "2048: they differ");
  EXPECT_EQ(message(k_grouped_fp8_gemm_nt_contiguous(a, mat(DType::I32, 7, 256),
                                                     b, sfb, d, ks, o)),
            "k_grouped_fp8_gemm_nt_contiguous: sfa is i32 with 2 "
            "dimension(s); expected packed UE8M0 i32 [rows, align(256, 4) = "
            "256] with rows >= ceil(sum K / 512) = 8 (each group's "
            "ceil(K_g / 512) words)");
  TensorView dBad = t3(DType::F32, 3, 256, 576);
  EXPECT_EQ(
      message(k_grouped_fp8_gemm_nt_contiguous(a, sfa, b, sfb, dBad, ks, o)),
      "k_grouped_fp8_gemm_nt_contiguous: d is f32 with 3 "
      "dimension(s); expected f32 [G, M, N] = [4, 256, 576]");
  EXPECT_EQ(message(k_grouped_fp8_gemm_nt_contiguous(a, sfa, b, sfb, d,
                                                     mat(DType::I32, 4, 1), o)),
            "k_grouped_fp8_gemm_nt_contiguous: ks is i32 with 2 "
            "dimension(s); expected i32 [G] (each group's K), G >= 1");
  EXPECT_EQ(message(k_grouped_fp8_gemm_nt_contiguous(
                mat(DType::F4E2M1, 256, 4096), sfa, b, sfb, d, ks, o)),
            "k_grouped_fp8_gemm_nt_contiguous: a has dtype f4e2m1; expected "
            "f8e4m3 (k_grouped_bf16_gemm_* takes bf16; K-grouped FP4 is not "
            "supported)");
  Status s = k_grouped_fp8_gemm_tn_contiguous(a, sfa, b, sfb, d, ks, o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Code::NotSupported);
  EXPECT_NE(s.error().message.find("transpose_to_k_major"), std::string::npos);
  EXPECT_EQ(message(k_grouped_bf16_gemm_tn_contiguous(
                mat(DType::BF16, 0, 256), mat(DType::BF16, 0, 576), d, ks, o)),
            "k_grouped_bf16_gemm_tn_contiguous: sizes M = 256, N = 576, sum "
            "K = 0 must be positive (M may be 0; with sum K = 0, D is C)");
  EXPECT_EQ(message(k_grouped_bf16_gemm_tn_contiguous(
                am, mat(DType::BF16, 2048, 576), d, ks, o)),
            "k_grouped_bf16_gemm_tn_contiguous: a has sum K = 4096 and b "
            "2048: they differ");
  o.kAlignment = 100;
  EXPECT_EQ(message(k_grouped_fp8_gemm_nt_contiguous(a, sfa, b, sfb, d, ks, o)),
            "k_grouped_fp8_gemm_nt_contiguous: the K alignment is 100; "
            "expected a positive multiple of 64");
}

// 1-D operands of per-group blocks: M and N from d, sum K what both hold;
// a promised K alignment reaches the problem (64 is the default's).
TEST(KGroupedGemm, BlocksAndAlignmentPlan) {
  TensorView ks = TensorView::contiguous(fake(), DType::I32, {4});
  TensorView c = TensorView::contiguous(fake(), DType::F32, {4, 256, 576}),
             d = c;
  TensorView a = TensorView::contiguous(fake(), DType::F8E4M3, {256 * 4096}),
             b = TensorView::contiguous(fake(), DType::F8E4M3, {576 * 4096});
  TensorView sfa = mat(DType::I32, 8, 256), sfb = mat(DType::I32, 8, 576);
  for (int align : {0, 64, 128})
    planned(
        [&](GemmOptions opts) {
          opts.c = &c;
          opts.kAlignment = align;
          return k_grouped_fp8_gemm_nt_contiguous(a, sfa, b, sfb, d, ks, opts);
        },
        [&](const GemmProblem &p, const CompileOptions &) {
          EXPECT_TRUE(p.kGrouped && p.kBlocks);
          EXPECT_EQ(p.n, 576);
          EXPECT_EQ(p.kAlignment, align == 128 ? 128 : 0);
        });
  // Host sizes all multiples of 128 take the BK-128 kernel at granularity
  // 128 unasked; one of 64 (or granularity 32) keeps the default.
  const int32_t by128[] = {1024, 0, 2048, 1024}, by64[] = {1024, 64, 2048, 960};
  for (auto [sizes, gran, want] :
       {std::tuple{by128, 128, 128}, std::tuple{by64, 128, 0},
        std::tuple{by128, 32, 0}})
    planned(
        [&](GemmOptions opts) {
          opts.c = &c;
          opts.kSizes = sizes;
          opts.sfaGranK = opts.sfbGranK = gran;
          return k_grouped_fp8_gemm_nt_contiguous(
              a, gran == 32 ? mat(DType::I32, 32, 256) : sfa, b,
              gran == 32 ? mat(DType::I32, 32, 576) : sfb, d, ks, opts);
        },
        [&](const GemmProblem &p, const CompileOptions &) {
          EXPECT_EQ(p.kAlignment, want);
        });
  GemmOptions o = twin();
  o.c = &c;
  Status s = k_grouped_fp8_gemm_nt_contiguous(
      a, sfa, TensorView::contiguous(fake(), DType::F8E4M3, {576 * 4000}), sfb,
      d, ks, o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "k_grouped_fp8_gemm_nt_contiguous: a holds 1048576 and b 2304000 "
            "elements; with M = 256 and N = 576 (from d) they must be M * sum "
            "K and N * sum K for one sum K");
  // M = 0: sum K comes from b, and there is nothing to compute.
  TensorView d0 = TensorView::contiguous(fake(), DType::F32, {4, 0, 576});
  o.c = &d0;
  s = k_grouped_fp8_gemm_nt_contiguous(
      TensorView::contiguous(fake(), DType::F8E4M3, {0}), mat(DType::I32, 8, 0),
      b, sfb, d0, ks, o);
  EXPECT_TRUE(s) << (s ? "" : s.error().message);
}

// bhd,bhr->hdr: both operands MN-major stacks over their middle
// dimension, K = b a runtime size (0 in the key), D [h, d, r].
TEST(BatchedGemm, HeadContractionPlan) {
  auto t3 = [](DType t, int64_t x, int64_t y, int64_t z) {
    return TensorView::contiguous(fake(), t, {x, y, z});
  };
  TensorView a = t3(DType::BF16, 300, 8, 192), b = t3(DType::BF16, 300, 8, 136);
  TensorView d = t3(DType::F32, 8, 192, 136);
  planned(
      [&](const GemmOptions &opts) {
        return bf16_einsum("bhd,bhr->hdr", a, b, d, opts);
      },
      [&](const GemmProblem &p, const CompileOptions &o) {
        EXPECT_TRUE(p.batched);
        EXPECT_FALSE(p.aKMajor || p.bKMajor);
        EXPECT_EQ(p.groups, 8);
        EXPECT_EQ(p.n, 136);
        EXPECT_EQ(p.k, 0);
        EXPECT_EQ(o.expectedM, 256); // d = 192 rows
      });
  GemmOptions o = twin();
  auto message = [](const Status &s) {
    return s ? std::string("ok") : s.error().message;
  };
  EXPECT_EQ(message(bf16_einsum("bhd,bhr->hdr", a, b,
                                t3(DType::F32, 300, 8, 136), o)),
            "bf16_einsum: d has rank 3 and 300 groups; expected rank 3 "
            "[h, d, r] with 8 groups");
  EXPECT_EQ(message(bf16_einsum("bhd,bhr->hdr", a, t3(DType::BF16, 256, 8, 136),
                                d, o)),
            "bf16_einsum: a is [300, 192] and b is [256, 136]: their K "
            "differ");
  // FP8: the stacked kernel on [h, d, b] and [h, r, b] copies (validated
  // and compiled before the copies are made), K = b at run time; the
  // scales are that GEMM's.
  TensorView a8 = t3(DType::F8E4M3, 384, 8, 192);
  TensorView b8 = t3(DType::F8E4M3, 384, 8, 136);
  TensorView sfa = t3(DType::I32, 8, 1, 192), sfb = t3(DType::I32, 8, 1, 136);
  planned(
      [&](const GemmOptions &opts) {
        return fp8_einsum("bhd,bhr->hdr", a8, sfa, b8, sfb, d, opts);
      },
      [&](const GemmProblem &p, const CompileOptions &) {
        EXPECT_TRUE(p.batched && p.batchStacked);
        EXPECT_TRUE(p.aKMajor && p.bKMajor);
        EXPECT_EQ(p.groups, 8);
        EXPECT_EQ(p.n, 136);
        EXPECT_EQ(p.k, 0);
      });
  EXPECT_EQ(message(fp8_einsum("bhd,bhr->hdr", a8, sfa,
                               t3(DType::F8E4M3, 256, 8, 136), sfb, d, o)),
            "fp8_einsum: a is [384, 8, 192] and b is [256, 8, 136]; "
            "'bhd,bhr->hdr' needs the same batch rows and heads");
  EXPECT_EQ(message(fp8_einsum("bhd,bhr->hdr", t3(DType::F8E4M3, 300, 8, 192),
                               sfa, t3(DType::F8E4M3, 300, 8, 136), sfb, d, o)),
            "fp8_einsum: sfa (packed UE8M0): K = 300 is not a multiple of "
            "the scale granularity (128 or 32)");
  EXPECT_EQ(message(fp8_einsum("bhd,bhr->hdr", a8, t3(DType::I32, 8, 1, 136),
                               b8, sfb, d, o)),
            "fp8_einsum: sfa (packed UE8M0) has 136 columns; expected "
            "align(192, 4) = 192");
  EXPECT_EQ(message(fp8_einsum("bhd,bhr->hdr", a8, sfa, b8, sfb,
                               t3(DType::F32, 8, 136, 192), o)),
            "fp8_einsum: d is [136, 192]; expected [M, N] = [192, 136]");
}

// Batched outputs may be strided views (a slice of a wider buffer, or D
// laid out [h, b, d] and read as [b, h, d]): the kernel then takes C's and
// D's strides at launch. Packed ones keep the plain kernel.
TEST(BatchedGemm, StridedOutputsPlan) {
  auto t3 = [](DType t, int64_t x, int64_t y, int64_t z) {
    return TensorView::contiguous(fake(), t, {x, y, z});
  };
  TensorView a = t3(DType::BF16, 16, 8, 512), b = t3(DType::BF16, 8, 128, 512);
  TensorView packed = t3(DType::BF16, 16, 8, 128);
  TensorView wide = packed; // rows of 192 elements
  wide.strides = {8 * 192, 192, 1, 0};
  TensorView headMajor = packed; // [h, b, d] memory read as [b, h, d]
  headMajor.strides = {128, 16 * 128, 1, 0};
  for (auto [d, strided] : {std::pair{&packed, false}, std::pair{&wide, true},
                            std::pair{&headMajor, true}})
    planned(
        [&](const GemmOptions &opts) {
          return bf16_einsum("bhr,hdr->bhd", a, b, *d, opts);
        },
        [&](const GemmProblem &p, const CompileOptions &c) {
          EXPECT_EQ(p.dStrided, strided);
          EXPECT_EQ(describe(p, c).find("d_strided=1") != std::string::npos,
                    strided);
        });
  TensorView overlapping = packed;
  overlapping.strides = {8 * 64, 64, 1, 0};
  Status s = bf16_einsum("bhr,hdr->bhd", a, b, overlapping, twin());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "bf16_einsum: d has sizes [16, 8, 128] and strides [512, 64, 1], "
            "whose elements overlap");
}

// bmk,bnk->bmn: every operand and scale tensor stacks one matrix per batch;
// K is static, M (each batch's rows) the runtime size.
TEST(BatchedGemm, StackedPlan) {
  auto t3 = [](DType t, int64_t x, int64_t y, int64_t z) {
    return TensorView::contiguous(fake(), t, {x, y, z});
  };
  TensorView a = t3(DType::F8E4M3, 4, 64, 512);
  TensorView b = t3(DType::F8E4M3, 4, 384, 512);
  TensorView sfa = t3(DType::I32, 4, 1, 64), sfb = t3(DType::I32, 4, 1, 384);
  TensorView d = t3(DType::BF16, 4, 64, 384);
  planned(
      [&](const GemmOptions &opts) {
        return fp8_einsum("bmk,bnk->bmn", a, sfa, b, sfb, d, opts);
      },
      [&](const GemmProblem &p, const CompileOptions &c) {
        EXPECT_TRUE(p.batched && p.batchStacked);
        EXPECT_EQ(p.groups, 4);
        EXPECT_EQ(p.n, 384);
        EXPECT_EQ(p.k, 512);
        EXPECT_EQ(c.expectedM, 64);
        EXPECT_NE(describe(p, c).find("groups=4/batched_bmn"),
                  std::string::npos);
      });
  GemmOptions o = twin();
  auto message = [](const Status &s) {
    return s ? std::string("ok") : s.error().message;
  };
  EXPECT_EQ(message(fp8_einsum("bmk,bnk->bmn", a, sfa, b, sfb,
                               t3(DType::BF16, 2, 64, 384), o)),
            "fp8_einsum: d has rank 3 and 2 groups; expected rank 3 "
            "[b, m, n] with 4 groups");
  EXPECT_EQ(message(fp8_einsum("bmk,bnk->bmn", a, mat(DType::I32, 1, 64), b,
                               sfb, d, o)),
            "fp8_einsum: sfa has rank 2; expected rank 3 (one scale matrix "
            "per batch) with 4 groups");
  TensorView bf = t3(DType::BF16, 4, 64, 512);
  EXPECT_EQ(message(bf16_einsum("bmk,bnk->bmn", bf,
                                t3(DType::BF16, 4, 384, 256), d, o)),
            "bf16_einsum: a is [64, 512] and b is [384, 256]: their K "
            "differ");
  // No rows: nothing to compute.
  EXPECT_EQ(message(bf16_einsum("bmk,bnk->bmn", t3(DType::BF16, 4, 0, 512),
                                t3(DType::BF16, 4, 384, 512),
                                t3(DType::BF16, 4, 0, 384), o)),
            "ok");
}

TEST(BatchedGemm, MnMajorBPlan) {
  auto t3 = [](DType t, int64_t x, int64_t y, int64_t z) {
    return TensorView::contiguous(fake(), t, {x, y, z});
  };
  TensorView a = t3(DType::BF16, 16, 8, 512), b = t3(DType::BF16, 8, 512, 128);
  TensorView d = t3(DType::BF16, 16, 8, 128);
  GemmOptions o = twin();
  Status wrongD =
      bf16_einsum("bhd,hdr->bhr", a, b, t3(DType::BF16, 16, 8, 512), o);
  ASSERT_FALSE(wrongD);
  EXPECT_EQ(wrongD.error().message,
            "bf16_einsum: d is [16, 512]; expected [M, N] = [16, 128]");
  Status wrongK =
      bf16_einsum("bhd,hdr->bhr", a, t3(DType::BF16, 8, 256, 128), d, o);
  ASSERT_FALSE(wrongK);
  EXPECT_EQ(wrongK.error().message, "bf16_einsum: a is [16, 512] and b is "
                                    "[256, 128]: their K differ");
  planned(
      [&](const GemmOptions &opts) {
        return bf16_einsum("bhd,hdr->bhr", a, b, d, opts);
      },
      [&](const GemmProblem &p, const CompileOptions &) {
        EXPECT_TRUE(p.batched);
        EXPECT_TRUE(p.aKMajor);
        EXPECT_FALSE(p.bKMajor);
        EXPECT_EQ(p.groups, 8);
        EXPECT_EQ(p.n, 128);
        EXPECT_EQ(p.k, 512);
      });
}

// The C wrappers pass the equation through.
TEST(BatchedGemm, CApiPassesTheEquation) {
  int64_t aSizes[] = {4, 8, 512}, aStrides[] = {8 * 512, 512, 1};
  int64_t bSizes[] = {8, 576, 512}, bStrides[] = {576 * 512, 512, 1};
  int64_t dSizes[] = {4, 8, 576}, dStrides[] = {8 * 576, 576, 1};
  sm120rt_tensor a = {fake(), SM120RT_DTYPE_BF16, 3, aSizes, aStrides};
  sm120rt_tensor b = {fake(), SM120RT_DTYPE_BF16, 3, bSizes, bStrides};
  sm120rt_tensor d = {fake(), SM120RT_DTYPE_BF16, 3, dSizes, dStrides};
  sm120rt_gemm_options o = {};
  o.chip = "sm_90a";
  o.machine = "h100";
  // bhd,bhr->hdr: b is [b, h, r], with the batch rows of a.
  EXPECT_EQ(sm120rt_bf16_einsum("bhd,bhr->hdr", &a, &b, &d, &o),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_STREQ(sm120rt_last_error(),
               "bf16_einsum: b has rank 3 and 576 heads; expected rank 3 "
               "[b, h, r] with 8 heads");
  // bmk,bnk->mn: d is [m, n].
  EXPECT_EQ(sm120rt_bf16_einsum("bmk,bnk->mn", &a, &b, &d, &o),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_STREQ(sm120rt_last_error(),
               "bf16_einsum: b has rank 3 and 8 groups; expected rank 3 "
               "[b, n, k] with 4 groups");
  EXPECT_EQ(sm120rt_fp8_einsum("bhr,hdr->bhd", &a, &a, &b, &b, &d, &o),
            SM120RT_INVALID_ARGUMENT);
  EXPECT_STREQ(sm120rt_last_error(),
               "fp8_einsum: a has dtype bf16; expected f8e4m3 (bf16_einsum "
               "takes bf16)");
}

} // namespace

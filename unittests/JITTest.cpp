//===- JITTest.cpp - JIT problem keys, compilation, in-process cache ------===//

#include "sm120/JIT/JIT.h"
#include "sm120/Target/Target.h"
#include "sm120rt/Gemm.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using namespace sm120rt;
using sm120jit::compileGemm;

namespace {

GemmProblem fp8Problem(int64_t n, int64_t k) {
  GemmProblem p;
  p.sfa = p.sfb = ScaleRecipe{ScaleRecipe::Format::UE8M0, 1, 128, true};
  p.n = n;
  p.k = k;
  return p;
}

bool haveToolkit() { return mlir::sm120::hasAssembler(""); }

/// A cache with no disk level whose compiler is the JIT.
KernelCache::Config memoryOnly() {
  KernelCache::Config config;
  config.disk = false;
  config.compiler = &compileGemm;
  return config;
}

TEST(JIT, CompiledManifestDescribesTheProblem) {
  if (!haveToolkit())
    GTEST_SKIP() << "no CUDA toolkit";
  GemmProblem p = fp8Problem(576, 512);
  p.accumulate = true;
  p.d = sm120rt::DType::F32;
  Expected<CompiledKernel> k = compileGemm(p, CompileOptions());
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_FALSE(k->cubin.empty());
  Expected<sm120rt::Manifest> m = sm120rt::parseManifest(k->manifest);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->chip, Chip::SM120f);
  EXPECT_NE(m->compilerVersion, "");
  EXPECT_EQ(m->compilerVersion, std::string(kVersion));
  ASSERT_EQ(m->tensors.size(), 6u);
  const char *names[] = {"a", "b", "sfa", "sfb", "c", "d"};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(m->tensors[i].name, names[i]);
  EXPECT_EQ(m->tensors[0].shape, (std::vector<int64_t>{-1, 512}));
  EXPECT_EQ(m->tensors[3].shape, (std::vector<int64_t>{1, 576}));
  EXPECT_EQ(m->tensors[5].dtype, sm120rt::DType::F32);
  EXPECT_EQ(m->assembler.spillStoreBytes, 0);
}

// A contiguous grouped problem: B and its scales gain the group dimension,
// the layout follows the scales, and the manifest records the alignment.
TEST(JIT, GroupedProblemsCompileWithTheirLayout) {
  if (!haveToolkit())
    GTEST_SKIP() << "no CUDA toolkit";
  for (bool prefix : {false, true}) {
    GemmProblem p = fp8Problem(576, 512);
    p.groups = 4;
    p.prefixSum = prefix;
    EXPECT_NE(describe(p, CompileOptions())
                  .find(prefix ? "groups=4/prefix_sum" : "groups=4/rows"),
              std::string::npos);
    Expected<CompiledKernel> k = compileGemm(p, CompileOptions());
    ASSERT_TRUE(k) << k.error().message;
    Expected<sm120rt::Manifest> m = sm120rt::parseManifest(k->manifest);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->problemFamily, "grouped_gemm");
    EXPECT_NE(m->problemJson.find("\"m_alignment\""), std::string::npos);
    ASSERT_EQ(m->tensors.size(), 6u);
    const char *names[] = {"a", "b", "sfa", "sfb", "layout", "d"};
    for (int i = 0; i < 6; ++i)
      EXPECT_EQ(m->tensors[i].name, names[i]);
    EXPECT_EQ(m->tensors[1].shape, (std::vector<int64_t>{4, 576, 512}));
    EXPECT_EQ(m->tensors[3].shape, (std::vector<int64_t>{4, 1, 576}));
    EXPECT_EQ(m->tensors[4].shape,
              (std::vector<int64_t>{prefix ? int64_t(4) : int64_t(-1)}));
    EXPECT_EQ(m->assembler.spillStoreBytes, 0);
  }
  GemmProblem alpha = fp8Problem(576, 512);
  alpha.groups = 2;
  alpha.alpha = true;
  Expected<CompiledKernel> k = compileGemm(alpha, CompileOptions());
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, sm120rt::Code::InvalidArgument);
}

// A masked problem: every operand gains the group dimension, max_m is the
// runtime size, and the counts are [G].
TEST(JIT, MaskedProblemsStackEveryOperand) {
  if (!haveToolkit())
    GTEST_SKIP() << "no CUDA toolkit";
  GemmProblem p = fp8Problem(576, 512);
  p.groups = 4;
  p.masked = true;
  EXPECT_NE(describe(p, CompileOptions()).find("groups=4/masked"),
            std::string::npos);
  Expected<CompiledKernel> k = compileGemm(p, CompileOptions());
  ASSERT_TRUE(k) << k.error().message;
  Expected<sm120rt::Manifest> m = sm120rt::parseManifest(k->manifest);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_NE(m->problemJson.find("\"kind\":\"masked\""), std::string::npos)
      << m->problemJson;
  ASSERT_EQ(m->tensors.size(), 6u);
  EXPECT_EQ(m->tensors[0].shape, (std::vector<int64_t>{4, -1, 512}));
  EXPECT_EQ(m->tensors[2].shape, (std::vector<int64_t>{4, 1, -1}));
  EXPECT_EQ(m->tensors[4].shape, (std::vector<int64_t>{4}));
  EXPECT_EQ(m->tensors[5].shape, (std::vector<int64_t>{4, -1, 576}));
  EXPECT_EQ(m->assembler.spillStoreBytes, 0);

  p.prefixSum = true;
  Expected<CompiledKernel> bad = compileGemm(p, CompileOptions());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, sm120rt::Code::InvalidArgument);
}

TEST(JIT, BatchedProblemsInterleaveTheHeads) {
  if (!haveToolkit())
    GTEST_SKIP() << "no CUDA toolkit";
  GemmProblem p = fp8Problem(576, 512);
  p.groups = 8;
  p.batched = true;
  p.accumulate = true;
  EXPECT_NE(describe(p, CompileOptions()).find("groups=8/batched"),
            std::string::npos);
  Expected<CompiledKernel> k = compileGemm(p, CompileOptions());
  ASSERT_TRUE(k) << k.error().message;
  Expected<sm120rt::Manifest> m = sm120rt::parseManifest(k->manifest);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_NE(m->problemJson.find("\"equation\":\"bhr,hdr->bhd\""),
            std::string::npos)
      << m->problemJson;
  // a, b, sfa, sfb, c, d: no layout.
  ASSERT_EQ(m->tensors.size(), 6u);
  EXPECT_EQ(m->tensors[0].shape, (std::vector<int64_t>{-1, 8, 512}));
  EXPECT_EQ(m->tensors[1].shape, (std::vector<int64_t>{8, 576, 512}));
  EXPECT_EQ(m->tensors[2].shape, (std::vector<int64_t>{8, 1, -1}));
  EXPECT_EQ(m->tensors[4].shape, (std::vector<int64_t>{-1, 8, 576}));
  EXPECT_EQ(m->tensors[5].shape, (std::vector<int64_t>{-1, 8, 576}));
  EXPECT_EQ(m->assembler.spillStoreBytes, 0);

  p.masked = true;
  Expected<CompiledKernel> bad = compileGemm(p, CompileOptions());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, sm120rt::Code::InvalidArgument);
}

TEST(JIT, BatchReducedProblemsStackABatchDimension) {
  if (!haveToolkit())
    GTEST_SKIP() << "no CUDA toolkit";
  GemmProblem p = fp8Problem(384, 512);
  p.a = p.b = sm120rt::DType::BF16;
  p.sfa = p.sfb = std::nullopt;
  p.batchReduced = true;
  Expected<CompiledKernel> k = compileGemm(p, CompileOptions());
  ASSERT_TRUE(k) << k.error().message;
  Expected<sm120rt::Manifest> m = sm120rt::parseManifest(k->manifest);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_NE(m->problemJson.find("\"equation\":\"bmk,bnk->mn\""),
            std::string::npos)
      << m->problemJson;
  ASSERT_EQ(m->tensors.size(), 3u);
  EXPECT_EQ(m->tensors[0].shape, (std::vector<int64_t>{-1, -1, 512}));
  EXPECT_EQ(m->tensors[1].shape, (std::vector<int64_t>{-1, 384, 512}));
  EXPECT_EQ(m->tensors[2].shape, (std::vector<int64_t>{-1, 384}));

  p.a = p.b = sm120rt::DType::F8E4M3;
  Expected<CompiledKernel> bad = compileGemm(p, CompileOptions());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, sm120rt::Code::InvalidArgument);
}

TEST(JIT, UnsupportedDtypeIsAnArgumentError) {
  GemmProblem p = fp8Problem(576, 512);
  p.b = sm120rt::DType::I32;
  Expected<CompiledKernel> k = compileGemm(p, CompileOptions());
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, sm120rt::Code::InvalidArgument);
  EXPECT_EQ(k.error().message,
            "gemm: operand b has dtype i32; expected f8e4m3, f4e2m1 or bf16");
}

TEST(JIT, ConcurrentFirstRequestsCompileOnce) {
  if (!haveToolkit())
    GTEST_SKIP() << "no CUDA toolkit";
  KernelCache cache(memoryOnly());
  EXPECT_EQ(cache.directory(), "");
  GemmProblem p = fp8Problem(576, 512);
  std::vector<std::thread> threads;
  std::vector<uint64_t> ids(4);
  std::vector<Source> sources(4);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      Expected<Bundle> b = cache.gemm(p, CompileOptions(), &sources[i]);
      ids[i] = b ? b->id() : 0;
    });
  for (std::thread &t : threads)
    t.join();
  KernelCache::Stats s = cache.stats();
  EXPECT_EQ(s.compiles, 1u);
  EXPECT_EQ(s.memoryHits, 3u);
  EXPECT_EQ(std::count(sources.begin(), sources.end(), Source::Compiled), 1);
  // Every caller holds the one bundle.
  for (uint64_t id : ids)
    EXPECT_EQ(id, ids[0]);
  EXPECT_NE(ids[0], 0u);
}

TEST(JIT, FailedCompilationsAreNotCached) {
  KernelCache cache(memoryOnly());
  GemmProblem p = fp8Problem(576, 100); // K not a multiple of 128
  for (int i = 0; i < 2; ++i) {
    Expected<Bundle> b = cache.gemm(p, CompileOptions());
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error().code, haveToolkit() ? sm120rt::Code::InvalidArgument
                                            : sm120rt::Code::NotSupported);
  }
  EXPECT_EQ(cache.stats().compiles, 0u);
  EXPECT_EQ(cache.stats().memoryHits, 0u);
}

/// Layout errors that only the compiled kernel's manifest can judge come
/// back from the entry point before any device work (no GPU needed).
TEST(JIT, EntryPointsValidateLayoutsBeforeTheDevice) {
  if (!haveToolkit())
    GTEST_SKIP() << "no CUDA toolkit";
  KernelCache cache(memoryOnly());
  GemmOptions o;
  o.compile.chip = "sm_90a";
  o.compile.machine = "h100";
  o.cache = &cache;
  char *base = reinterpret_cast<char *>(0x100000);
  auto mat = [&](DType t, int64_t r, int64_t c, int64_t offset = 0) {
    return TensorView::contiguous(base + offset, t, {r, c});
  };
  TensorView a = mat(DType::F8E4M3, 64, 512), b = mat(DType::F8E4M3, 576, 512);
  TensorView sfa = mat(DType::I32, 1, 64), sfb = mat(DType::I32, 1, 576);
  TensorView d = mat(DType::BF16, 64, 576);

  TensorView misaligned = mat(DType::F8E4M3, 64, 512, 8);
  Status s = fp8_gemm_nt(misaligned, sfa, b, sfb, d, o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Code::InvalidArgument);
  EXPECT_EQ(s.error().message.rfind("fp8_gemm_nt: tensor 'a' (argument #0)", 0),
            0u)
      << s.error().message;
  EXPECT_NE(s.error().message.find("16"), std::string::npos)
      << s.error().message;

  TensorView strided = a;
  strided.strides = {512, 2};
  s = fp8_gemm_nt(strided, sfa, b, sfb, d, o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Code::InvalidArgument);
  EXPECT_NE(s.error().message.find("stride"), std::string::npos)
      << s.error().message;

  TensorView rowPitch = d;
  rowPitch.strides = {577, 1}; // 1154-byte rows: not a TMA / vector row
  s = fp8_gemm_nt(a, sfa, b, sfb, rowPitch, o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Code::InvalidArgument);
  EXPECT_NE(s.error().message.find("tensor 'd'"), std::string::npos)
      << s.error().message;
  EXPECT_EQ(cache.stats().compiles, 1u);
}

} // namespace

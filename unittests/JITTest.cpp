//===- JITTest.cpp - JIT problem keys, compilation, in-process cache ------===//

#include "sm120/JIT/JIT.h"
#include "sm120/Target/Target.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using namespace sm120jit;

namespace {

GemmProblem fp8Problem(int64_t n, int64_t k) {
  GemmProblem p;
  p.sfa = p.sfb = ScaleRecipe{ScaleFormat::UE8M0, 1, 128, true};
  p.n = n;
  p.k = k;
  return p;
}

bool haveToolkit() { return mlir::sm120::hasAssembler(""); }

TEST(JIT, KeyTextNamesEveryField) {
  GemmProblem p = fp8Problem(576, 512);
  CompileOptions o;
  std::string base = describe(p, o);
  EXPECT_NE(base.find("a=f8e4m3/k"), std::string::npos) << base;
  EXPECT_NE(base.find("chip=sm_120f"), std::string::npos) << base;
  EXPECT_NE(base.find(mlir::sm120::compilerVersion().str()), std::string::npos);

  // Each change of problem or options gives another key.
  std::vector<std::string> keys = {base};
  auto add = [&](GemmProblem q, CompileOptions u) {
    keys.push_back(describe(q, u));
  };
  GemmProblem q = p;
  q.n = 1024;
  add(q, o);
  q = p;
  q.k = 1024;
  add(q, o);
  q = p;
  q.d = sm120rt::DType::F32;
  add(q, o);
  q = p;
  q.accumulate = true;
  add(q, o);
  q = p;
  q.sfb.mn = 128;
  add(q, o);
  q = p;
  q.sfa.packed = false;
  add(q, o);
  q = p;
  q.bMajor = Major::MN;
  add(q, o);
  q = p;
  q.b = sm120rt::DType::F4E2M1;
  add(q, o);
  CompileOptions u = o;
  u.chip = "sm_90a";
  add(p, u);
  u = o;
  u.machine = "h100";
  add(p, u);
  u = o;
  u.expectedM = 128;
  add(p, u);
  u = o;
  u.sms = 48;
  add(p, u);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(std::unique(keys.begin(), keys.end()), keys.end());
  // The toolkit is where the assembler lives, not what it makes.
  u = o;
  u.toolkit = "/elsewhere";
  EXPECT_EQ(describe(p, u), base);
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
  EXPECT_EQ(m->chip, sm120rt::Chip::SM120f);
  ASSERT_EQ(m->tensors.size(), 6u);
  const char *names[] = {"a", "b", "sfa", "sfb", "c", "d"};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(m->tensors[i].name, names[i]);
  EXPECT_EQ(m->tensors[0].shape, (std::vector<int64_t>{-1, 512}));
  EXPECT_EQ(m->tensors[3].shape, (std::vector<int64_t>{1, 576}));
  EXPECT_EQ(m->tensors[5].dtype, sm120rt::DType::F32);
  EXPECT_EQ(m->assembler.spillStoreBytes, 0);
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
  Cache::Config config;
  config.disk = false;
  Cache cache(config);
  EXPECT_EQ(cache.directory(), "");
  GemmProblem p = fp8Problem(576, 512);
  std::vector<std::thread> threads;
  std::vector<uint64_t> ids(4);
  std::vector<Source> sources(4);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      Expected<sm120rt::Bundle> b =
          cache.gemm(p, CompileOptions(), &sources[i]);
      ids[i] = b ? b->id() : 0;
    });
  for (std::thread &t : threads)
    t.join();
  Cache::Stats s = cache.stats();
  EXPECT_EQ(s.compiles, 1u);
  EXPECT_EQ(s.memoryHits, 3u);
  EXPECT_EQ(std::count(sources.begin(), sources.end(), Source::Compiled), 1);
  // Every caller holds the one bundle.
  for (uint64_t id : ids)
    EXPECT_EQ(id, ids[0]);
  EXPECT_NE(ids[0], 0u);
}

TEST(JIT, FailedCompilationsAreNotCached) {
  Cache::Config config;
  config.disk = false;
  Cache cache(config);
  GemmProblem p = fp8Problem(576, 100); // K not a multiple of 128
  for (int i = 0; i < 2; ++i) {
    Expected<sm120rt::Bundle> b = cache.gemm(p, CompileOptions());
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error().code, haveToolkit() ? sm120rt::Code::InvalidArgument
                                            : sm120rt::Code::NotSupported);
  }
  EXPECT_EQ(cache.stats().compiles, 0u);
  EXPECT_EQ(cache.stats().memoryHits, 0u);
}

} // namespace

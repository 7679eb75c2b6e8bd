// The kernel cache with a stand-in compiler: keys, levels, entry files,
// unusable entries and directories, concurrency.

#include "sm120rt/KernelCache.hpp"

#include "TestSupport.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

using namespace sm120rt;
namespace fs = std::filesystem;

namespace {

GemmProblem fp8Problem(int64_t n, int64_t k) {
  GemmProblem p;
  p.sfa = p.sfb = ScaleRecipe{ScaleRecipe::Format::UE8M0, 1, 128, true};
  p.n = n;
  p.k = k;
  return p;
}

/// The smallest image Bundle takes as a cubin: ELF magic, e_machine = CUDA.
std::string fakeCubin() {
  std::string bytes(24, '\0');
  bytes.replace(0, 4,
                "\x7f"
                "ELF");
  bytes[18] = static_cast<char>(190);
  return bytes;
}

/// A compiler that returns the fixture bundle and counts its calls.
struct FakeCompiler {
  std::atomic<int> calls{0};
  GemmCompiler fn() {
    return [this](const GemmProblem &,
                  const CompileOptions &) -> Expected<CompiledKernel> {
      ++calls;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return CompiledKernel{test::kFixtureManifest, fakeCubin(), 1.0};
    };
  }
};

class KernelCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("sm120rt-cache-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  KernelCache::Config config() {
    KernelCache::Config c;
    c.directory = dir.string();
    c.compiler = compiler.fn();
    c.warn = [this](const std::string &w) { warnings.push_back(w); };
    return c;
  }

  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const fs::directory_entry &e : fs::directory_iterator(dir))
      names.push_back(e.path().filename().string());
    return names;
  }

  fs::path dir;
  FakeCompiler compiler;
  std::vector<std::string> warnings;
};

TEST(KernelCacheKey, NamesEveryField) {
  GemmProblem p = fp8Problem(576, 512);
  CompileOptions o;
  std::string base = describe(p, o);
  EXPECT_EQ(base, "sm120 " + std::string(kVersion) +
                      " gemm a=f8e4m3/k b=f8e4m3/k sfa=ue8m0/mn1/k128/packed "
                      "sfb=ue8m0/mn1/k128/packed n=576 k=512 d=bf16 c=0 "
                      "chip=sm_120f machine=default sms=0 expected_m=4096 "
                      "schedule=auto");
  std::vector<std::string> keys = {base};
  auto vary = [&](auto change) {
    GemmProblem q = p;
    CompileOptions u = o;
    change(q, u);
    keys.push_back(describe(q, u));
  };
  vary([](GemmProblem &q, CompileOptions &) { q.n = 1024; });
  vary([](GemmProblem &q, CompileOptions &) { q.k = 1024; });
  vary([](GemmProblem &q, CompileOptions &) { q.d = DType::F32; });
  vary([](GemmProblem &q, CompileOptions &) { q.accumulate = true; });
  vary([](GemmProblem &q, CompileOptions &) { q.sfb->mn = 128; });
  vary([](GemmProblem &q, CompileOptions &) { q.sfa->packed = false; });
  vary([](GemmProblem &q, CompileOptions &) { q.bKMajor = false; });
  vary([](GemmProblem &q, CompileOptions &) { q.b = DType::F4E2M1; });
  vary([](GemmProblem &q, CompileOptions &) { q.sfa.reset(); });
  vary([](GemmProblem &, CompileOptions &u) { u.chip = "sm_90a"; });
  vary([](GemmProblem &, CompileOptions &u) { u.machine = "h100"; });
  vary([](GemmProblem &, CompileOptions &u) { u.expectedM = 128; });
  vary([](GemmProblem &, CompileOptions &u) { u.sms = 48; });
  vary([](GemmProblem &, CompileOptions &u) { u.schedule = "#s"; });
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
  // Where the assembler lives does not change what it makes.
  CompileOptions u = o;
  u.toolkit = "/elsewhere";
  EXPECT_EQ(describe(p, u), base);
}

TEST(KernelCacheKey, ParsesBackIntoTheProblem) {
  std::vector<std::pair<GemmProblem, CompileOptions>> cases;
  auto add = [&](auto change) {
    GemmProblem q = fp8Problem(576, 512);
    CompileOptions u;
    change(q, u);
    cases.emplace_back(q, u);
  };
  add([](GemmProblem &, CompileOptions &) {});
  add([](GemmProblem &q, CompileOptions &u) {
    q.a = q.b = DType::BF16;
    q.sfa.reset();
    q.sfb.reset();
    q.d = DType::F32;
    q.accumulate = q.alpha = true;
    q.aKMajor = false;
    u.chip = "sm_90a";
    u.machine = "h100";
    u.sms = 132;
    u.expectedM = 16;
  });
  add([](GemmProblem &q, CompileOptions &u) {
    q.a = DType::F4E2M1;
    q.sfa = ScaleRecipe{ScaleRecipe::Format::UE4M3, 1, 16, false};
    q.sfb = ScaleRecipe{ScaleRecipe::Format::F32, 128, 128, false};
    u.schedule = "#sm120.schedule<tile = [128, 128, 128], stages = 2>";
    q.groups = 8;
    q.masked = true;
  });
  for (const char *kind : {"rows", "prefix_sum", "batched", "batched_bmn",
                           "k_grouped", "k_grouped_blocks"})
    add([&](GemmProblem &q, CompileOptions &) {
      q.groups = 4;
      std::string_view k = kind;
      q.prefixSum = k == "prefix_sum";
      q.batched = k.substr(0, 7) == "batched";
      q.batchStacked = k == "batched_bmn";
      q.dStrided = q.batched;
      q.kGrouped = k.substr(0, 9) == "k_grouped";
      q.kBlocks = k == "k_grouped_blocks";
      q.kAlignment = q.kGrouped ? 128 : 0;
    });
  add([](GemmProblem &q, CompileOptions &) { q.batchReduced = true; });
  for (const auto &[p, o] : cases) {
    std::string key = describe(p, o);
    Expected<std::pair<GemmProblem, CompileOptions>> back =
        parseDescription(key);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(describe(back->first, back->second), key);
    EXPECT_EQ(back->first.masked, p.masked);
    EXPECT_EQ(back->first.batched, p.batched);
    EXPECT_EQ(back->first.kGrouped, p.kGrouped);
    EXPECT_EQ(back->second.schedule, o.schedule);
  }
}

TEST(KernelCacheKey, RejectsMalformedText) {
  std::string key = describe(fp8Problem(576, 512), CompileOptions());
  auto rejects = [](const std::string &text, const std::string &part) {
    Expected<std::pair<GemmProblem, CompileOptions>> r = parseDescription(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, Code::InvalidArgument);
    EXPECT_NE(r.error().message.find(part), std::string::npos)
        << r.error().message;
  };
  auto replace = [&](const std::string &from, const std::string &to) {
    std::string t = key;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  rejects("", "does not start");
  rejects(replace(std::string(kVersion), "0.0.1"), "another compiler version");
  rejects(replace("a=f8e4m3/k", "a=f9/k"), "field 'a'");
  rejects(replace("sfb=ue8m0/mn1/k128/packed", "sfb=ue8m0/1/128"),
          "field 'sfb'");
  rejects(replace("n=576", "n=-576"), "field 'n'");
  rejects(replace("n=576", "n=0576"), "canonical form");
  rejects(replace("c=0", "c=2"), "field 'c'");
  rejects(replace("sms=0", "sms=x"), "field 'sms'");
  rejects(key + " groups=4/diagonal", "group layout 'diagonal'");
  rejects(key + " groups=0/rows", "field 'groups'");
  // Optional fields come in describe()'s order only.
  rejects(key + " k_alignment=128 d_strided=1", "unexpected text");
  rejects(key + " k_alignment=0", "field 'k_alignment'");
}

TEST_F(KernelCacheTest, LevelsInOrder) {
  GemmProblem p = fp8Problem(576, 512);
  Source source;
  {
    KernelCache cache(config());
    Expected<Bundle> b = cache.gemm(p, CompileOptions(), &source);
    ASSERT_TRUE(b) << b.error().message;
    EXPECT_EQ(source, Source::Compiled);
    EXPECT_EQ(b->manifest().kernelSymbol, "fixture_fp8_tile");
    EXPECT_EQ(b->cubin(), fakeCubin());
    ASSERT_TRUE(cache.gemm(p, CompileOptions(), &source));
    EXPECT_EQ(source, Source::Memory);
    EXPECT_EQ(cache.stats().compiles, 1u);
    EXPECT_EQ(cache.stats().memoryHits, 1u);
    EXPECT_EQ(files(),
              std::vector<std::string>{
                  fs::path(cache.entryPath(describe(p, CompileOptions())))
                      .filename()
                      .string()});
  }
  KernelCache fresh(config());
  Expected<Bundle> b = fresh.gemm(p, CompileOptions(), &source);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(source, Source::Disk);
  EXPECT_EQ(b->cubin(), fakeCubin());
  EXPECT_EQ(compiler.calls, 1);
  EXPECT_TRUE(warnings.empty());
}

TEST_F(KernelCacheTest, UnusableEntriesAreRebuilt) {
  GemmProblem p = fp8Problem(576, 512);
  std::string path;
  {
    KernelCache cache(config());
    ASSERT_TRUE(cache.gemm(p, CompileOptions()));
    path = cache.entryPath(describe(p, CompileOptions()));
  }
  std::string whole;
  {
    std::ifstream in(path, std::ios::binary);
    whole.assign(std::istreambuf_iterator<char>(in),
                 std::istreambuf_iterator<char>());
  }
  struct Damage {
    std::string contents, why;
  };
  std::string flipped = whole;
  flipped[flipped.size() - 30] ^= 0x40;
  std::vector<Damage> damages = {
      {whole.substr(0, whole.size() - 5), "holds "},
      {whole.substr(0, 10), "bad header"},
      {flipped, "checksum mismatch"},
      {"sm120-kernel-cache 1\nx y z w\n", "malformed header"},
  };
  for (const Damage &d : damages) {
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << d.contents;
    }
    warnings.clear();
    KernelCache cache(config());
    Source source;
    ASSERT_TRUE(cache.gemm(p, CompileOptions(), &source)) << d.why;
    EXPECT_EQ(source, Source::Compiled) << d.why;
    EXPECT_EQ(cache.stats().rebuilt, 1u);
    ASSERT_EQ(warnings.size(), 1u) << d.why;
    EXPECT_NE(warnings[0].find(d.why), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find(path), std::string::npos);
    // The rebuilt entry is whole again.
    KernelCache again(config());
    ASSERT_TRUE(again.gemm(p, CompileOptions(), &source));
    EXPECT_EQ(source, Source::Disk) << d.why;
  }
}

TEST_F(KernelCacheTest, AnotherKeysEntryIsACollision) {
  GemmProblem p = fp8Problem(576, 512), q = fp8Problem(576, 1024);
  KernelCache cache(config());
  ASSERT_TRUE(cache.gemm(q, CompileOptions()));
  fs::copy_file(cache.entryPath(describe(q, CompileOptions())),
                cache.entryPath(describe(p, CompileOptions())));
  KernelCache fresh(config());
  Source source;
  ASSERT_TRUE(fresh.gemm(p, CompileOptions(), &source));
  EXPECT_EQ(source, Source::Compiled);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("hash collision"), std::string::npos);
}

TEST_F(KernelCacheTest, UnusableDirectoryWarnsOnceAndKeepsMemory) {
  fs::create_directories(dir);
  std::ofstream(dir / "file") << "x";
  KernelCache::Config c = config();
  c.directory = (dir / "file" / "sub").string();
  KernelCache cache(c);
  EXPECT_EQ(cache.directory(), "");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("is not usable"), std::string::npos);
  EXPECT_NE(warnings[0].find("in memory only"), std::string::npos);
  GemmProblem p = fp8Problem(576, 512);
  Source source;
  ASSERT_TRUE(cache.gemm(p, CompileOptions(), &source));
  EXPECT_EQ(source, Source::Compiled);
  ASSERT_TRUE(cache.gemm(p, CompileOptions(), &source));
  EXPECT_EQ(source, Source::Memory);
  EXPECT_EQ(warnings.size(), 1u);
}

TEST_F(KernelCacheTest, ConcurrentFirstRequestsCompileOnce) {
  KernelCache cache(config());
  GemmProblem p = fp8Problem(576, 512);
  std::vector<std::thread> threads;
  std::vector<uint64_t> ids(8, 0);
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      Expected<Bundle> b = cache.gemm(p, CompileOptions());
      if (b)
        ids[i] = b->id();
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(compiler.calls, 1);
  EXPECT_EQ(cache.stats().memoryHits, 7u);
  for (uint64_t id : ids)
    EXPECT_EQ(id, ids[0]);
  EXPECT_NE(ids[0], 0u);
  // Distinct keys are distinct kernels.
  ASSERT_TRUE(cache.gemm(fp8Problem(1024, 512), CompileOptions()));
  EXPECT_EQ(compiler.calls, 2);
  EXPECT_EQ(files().size(), 2u);
}

TEST_F(KernelCacheTest, MissWithoutCompilerIsNotSupported) {
  KernelCache::Config c = config();
  c.compiler = nullptr;
  registerGemmCompiler(nullptr);
  KernelCache cache(c);
  Expected<Bundle> b = cache.gemm(fp8Problem(576, 512), CompileOptions());
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, Code::NotSupported);
  EXPECT_NE(b.error().message.find("no compiler is registered"),
            std::string::npos);
  EXPECT_NE(b.error().message.find("n=576 k=512"), std::string::npos);

  // The registered compiler serves caches that name none.
  registerGemmCompiler(compiler.fn());
  EXPECT_TRUE(cache.gemm(fp8Problem(576, 512), CompileOptions()));
  registerGemmCompiler(nullptr);
  EXPECT_EQ(compiler.calls, 1);
}

TEST_F(KernelCacheTest, CompilerErrorsPassThroughUncached) {
  KernelCache::Config c = config();
  int calls = 0;
  c.compiler = [&](const GemmProblem &,
                   const CompileOptions &) -> Expected<CompiledKernel> {
    ++calls;
    return Error{Code::InvalidArgument, "gemm: bad"};
  };
  KernelCache cache(c);
  for (int i = 0; i < 2; ++i) {
    Expected<Bundle> b = cache.gemm(fp8Problem(576, 512), CompileOptions());
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error().code, Code::InvalidArgument);
    EXPECT_EQ(b.error().message, "gemm: bad");
  }
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(files().empty());
}

TEST_F(KernelCacheTest, ARejectedManifestIsInternal) {
  KernelCache::Config c = config();
  c.compiler = [](const GemmProblem &,
                  const CompileOptions &) -> Expected<CompiledKernel> {
    return CompiledKernel{"{}", "x", 0};
  };
  KernelCache cache(c);
  Expected<Bundle> b = cache.gemm(fp8Problem(576, 512), CompileOptions());
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, Code::Internal);
  EXPECT_TRUE(files().empty());
}

} // namespace

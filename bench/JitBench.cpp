// Times the kernel cache's three levels for one dense FP8 GEMM
// (N = 2112, K = 7168, packed UE8M0 1 x 128, sm_120f): a cold compile into
// an empty cache (the first one in the process, then fresh caches), a disk
// hit in a fresh process-level cache, an in-process hit, and the host side
// of an entry-point call up to the launch (validation, plan, cache hit).
// Prints a JSON object; scripts/bench-jit.sh adds the machine and the
// reference compiler's time and writes the record.
//
//   sm120-jit-bench [runs]

#include "sm120/JIT/JIT.h"
#include "sm120rt/Gemm.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

using namespace sm120rt;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

struct Summary {
  double min, median, max;
};

Summary summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2], v.back()};
}

std::string json(const char *name, const Summary &s, const char *unit) {
  char text[256];
  std::snprintf(text, sizeof(text),
                "\"%s\": {\"min\": %.4f, \"median\": %.4f, \"max\": %.4f, "
                "\"unit\": \"%s\"}",
                name, s.min, s.median, s.max, unit);
  return text;
}

int fail(const Error &e) {
  std::fprintf(stderr, "sm120-jit-bench: %s: %s\n", codeName(e.code),
               e.message.c_str());
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  int runs = argc > 1 ? std::max(3, std::atoi(argv[1])) : 5;
  sm120jit::registerCompiler();
  GemmProblem p;
  p.sfa = p.sfb = ScaleRecipe{ScaleRecipe::Format::UE8M0, 1, 128, true};
  p.n = 2112;
  p.k = 7168;
  CompileOptions o;
  o.machine = "rtx-pro-6000"; // as an entry point on that GPU would ask
  fs::path root = fs::temp_directory_path() /
                  ("sm120-jit-bench-" + std::to_string(::getpid()));
  fs::remove_all(root);

  // Cold compiles: each into an empty cache directory.
  std::vector<double> cold;
  double first = 0;
  for (int r = 0; r < runs; ++r) {
    KernelCache::Config config;
    config.directory = (root / std::to_string(r)).string();
    KernelCache cache(config);
    Source source;
    auto start = Clock::now();
    Expected<Bundle> b = cache.gemm(p, o, &source);
    double ms = msSince(start);
    if (!b)
      return fail(b.error());
    if (source != Source::Compiled)
      return fail({Code::Internal, "a cold request did not compile"});
    if (r == 0)
      first = ms; // includes the process's one-time initialization
    else
      cold.push_back(ms);
  }

  // Disk hits: a fresh in-process level over a filled directory.
  std::vector<double> disk;
  for (int r = 0; r < 4 * runs; ++r) {
    KernelCache::Config config;
    config.directory = (root / "0").string();
    KernelCache cache(config);
    Source source;
    auto start = Clock::now();
    Expected<Bundle> b = cache.gemm(p, o, &source);
    disk.push_back(msSince(start));
    if (!b || source != Source::Disk)
      return fail({Code::Internal, "a disk request missed"});
  }

  // In-process hits, and the host side of an entry-point call.
  KernelCache::Config config;
  config.directory = (root / "0").string();
  KernelCache cache(config);
  if (!cache.gemm(p, o))
    return fail({Code::Internal, "warm-up failed"});
  const int hits = 100000;
  std::vector<double> memory, plan;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    for (int i = 0; i < hits; ++i)
      if (!cache.gemm(p, o))
        return fail({Code::Internal, "a memory request failed"});
    memory.push_back(msSince(start) * 1000.0 / hits);
  }
  void *fake = reinterpret_cast<void *>(0x100000);
  TensorView a = TensorView::contiguous(fake, DType::F8E4M3, {4096, 7168});
  TensorView b = TensorView::contiguous(fake, DType::F8E4M3, {2112, 7168});
  TensorView sfa = TensorView::contiguous(fake, DType::I32, {14, 4096});
  TensorView sfb = TensorView::contiguous(fake, DType::I32, {14, 2112});
  TensorView d = TensorView::contiguous(fake, DType::BF16, {4096, 2112});
  GemmOptions go;
  go.compile = o;
  go.cache = &cache;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    for (int i = 0; i < hits; ++i) {
      Expected<std::pair<GemmProblem, CompileOptions>> pl =
          planGemm(a, &sfa, b, &sfb, d, go);
      if (!pl || !cache.gemm(pl->first, pl->second))
        return fail({Code::Internal, "a planned request failed"});
    }
    plan.push_back(msSince(start) * 1000.0 / hits);
  }
  fs::remove_all(root);

  std::printf("{\n  \"problem\": \"%s\",\n", describe(p, o).c_str());
  std::printf("  \"cold_compile_first_in_process\": {\"value\": %.4f, "
              "\"unit\": \"ms\"},\n",
              first);
  std::printf("  %s,\n", json("cold_compile", summarize(cold), "ms").c_str());
  std::printf("  %s,\n", json("disk_hit", summarize(disk), "ms").c_str());
  std::printf("  %s,\n", json("memory_hit", summarize(memory), "us").c_str());
  std::printf("  %s\n}\n",
              json("plan_and_memory_hit", summarize(plan), "us").c_str());
  return 0;
}

//===- sm120-jit.cpp - compile a GEMM problem through the JIT cache -------===//
//
// Builds a problem from the command line, gets its bundle from the JIT's
// caches (compiling it when no level has it), and reports where it came
// from. Fills a disk cache ahead of time, writes bundle directories for
// sm120-run, and times the cache levels.
//
//===----------------------------------------------------------------------===//

#include "sm120/JIT/JIT.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

namespace cl = llvm::cl;
using namespace sm120rt;

static cl::opt<std::string>
    aType("a", cl::desc("A dtype: f8e4m3, f4e2m1, bf16"), cl::init("f8e4m3"));
static cl::opt<std::string> bType("b", cl::desc("B dtype"), cl::init("f8e4m3"));
static cl::opt<std::string>
    sfaText("sfa",
            cl::desc("A scale recipe: none or format:mn:k[:packed] "
                     "(format ue8m0, ue4m3 or f32)"),
            cl::init("ue8m0:1:128:packed"));
static cl::opt<std::string> sfbText("sfb", cl::desc("B scale recipe"),
                                    cl::init("ue8m0:1:128:packed"));
static cl::opt<int64_t> nSize("n", cl::desc("N (required without --key)"));
static cl::opt<int64_t> kSize("k", cl::desc("K (required without --key)"));
static cl::opt<std::string> dType("d", cl::desc("Output dtype: bf16 or f32"),
                                  cl::init("bf16"));
static cl::opt<bool> accumulate("c", cl::desc("Accumulate into C (f32)"));
static cl::opt<bool> stridedD("strided-d",
                              cl::desc("Batched: C and D are strided views "
                                       "(row and batch strides at launch)"));
static cl::opt<bool> alpha("alpha",
                           cl::desc("Scale A * B^T by a device f32 [1]"));
static cl::opt<int64_t>
    kAlignment("k-alignment",
               cl::desc("K-grouped: the multiple of K every group's size is "
                        "(a multiple of 64; 0: 64)"),
               cl::init(0));
static cl::opt<int64_t>
    groups("groups",
           cl::desc("M-grouped: number of groups (B [G, N, K]); batched: "
                    "number of heads"),
           cl::init(0));
static cl::opt<std::string>
    groupLayout("layout",
                cl::desc("Grouped layout: rows (each row's group), "
                         "prefix_sum (each group's end row), masked, "
                         "batched (the einsum bhr,hdr->bhd, or "
                         "bhd,hdr->bhr with --b-major mn), bmn (the "
                         "einsum bmk,bnk->bmn over --groups batches, -k 0 "
                         "for a runtime K), bmk (the "
                         "einsum bmk,bnk->mn, no groups), k_grouped "
                         "(weight gradients: --groups sizes of K, -k 0) or "
                         "k_grouped_blocks (the same with 1-D operands "
                         "holding each group's K-major blocks)"),
                cl::init("rows"));
static cl::opt<std::string>
    aMajor("a-major", cl::desc("A's majorness: k ([M, K]) or mn ([K, M])"),
           cl::init("k"));
static cl::opt<std::string>
    bMajor("b-major", cl::desc("B's majorness: k ([N, K]) or mn ([K, N])"),
           cl::init("k"));
static cl::opt<std::string> chip("chip", cl::desc("Target chip"),
                                 cl::init("sm_120f"));
static cl::opt<std::string> machine("machine",
                                    cl::desc("Machine preset of the schedule"));
static cl::opt<int64_t> expectedM("expected-m",
                                  cl::desc("Rows the schedule is costed for"),
                                  cl::init(4096));
static cl::opt<std::string> schedule("schedule",
                                     cl::desc("Explicit #sm120.schedule<...>"));
static cl::opt<std::string>
    keyText("key", cl::desc("A cache key as a miss reports it (the text after "
                            "'no kernel for'): compile that problem with its "
                            "options instead of the options above"));
static cl::opt<std::string>
    cacheDir("cache-dir",
             cl::desc("Disk cache directory (default: $SM120_CACHE_DIR, "
                      "else ~/.cache/sm120)"));
static cl::opt<bool> noDisk("no-disk", cl::desc("Cache in memory only"));
static cl::opt<bool> noCompile(
    "no-compile",
    cl::desc("Use the caches only, as a deployment without the compiler"));
static cl::opt<std::string>
    bundleOut("bundle-out", cl::desc("Also write the bundle to a directory"));
static cl::opt<unsigned>
    repeat("repeat",
           cl::desc("Ask this many times in all (times the "
                    "in-process hits)"),
           cl::init(1));

/// "none" (nullopt inside), or format:mn:k[:packed]; nullopt when malformed.
static std::optional<std::optional<ScaleRecipe>>
parseRecipe(llvm::StringRef text) {
  if (text == "none")
    return std::optional<ScaleRecipe>();
  ScaleRecipe r;
  llvm::SmallVector<llvm::StringRef, 4> parts;
  text.split(parts, ':');
  if (parts.size() < 3 || parts.size() > 4)
    return std::nullopt;
  std::optional<ScaleRecipe::Format> format = parseScaleFormat(parts[0]);
  if (!format)
    return std::nullopt;
  r.format = *format;
  if (parts[1].getAsInteger(10, r.mn) || parts[2].getAsInteger(10, r.k))
    return std::nullopt;
  if (parts.size() == 4) {
    if (parts[3] != "packed")
      return std::nullopt;
    r.packed = true;
  }
  return std::optional<ScaleRecipe>(r);
}

static int fail(const llvm::Twine &message) {
  llvm::errs() << "sm120-jit: error: " << message << "\n";
  return 1;
}

/// Gets the bundle through the caches, reports it and writes it out.
static int compileAndReport(const GemmProblem &p, const CompileOptions &o) {
  if (!noCompile)
    sm120jit::registerCompiler();
  KernelCache::Config config;
  config.directory = cacheDir;
  config.disk = !noDisk;
  KernelCache cache(config);

  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  Source source;
  Expected<Bundle> bundle = cache.gemm(p, o, &source);
  double firstMs =
      std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (!bundle)
    return fail(llvm::formatv("{0}: {1}",
                              sm120rt::codeName(bundle.error().code),
                              bundle.error().message));
  const char *sourceName = source == Source::Memory ? "memory"
                           : source == Source::Disk ? "disk"
                                                    : "compiled";
  llvm::outs() << "key: " << describe(p, o) << "\n";
  llvm::outs() << "entry: "
               << (cache.directory().empty() ? std::string("(memory only)")
                                             : cache.entryPath(describe(p, o)))
               << "\n";
  llvm::outs() << llvm::formatv("source: {0} in {1:f3} ms\n", sourceName,
                                firstMs);
  const sm120rt::Manifest &m = bundle->manifest();
  llvm::outs() << llvm::formatv(
      "kernel: {0} for {1}, {2} registers, {3} "
      "bytes spilled, {4} bytes dynamic smem\n",
      m.kernelSymbol, sm120rt::chipName(m.chip), m.assembler.registers,
      m.assembler.spillStoreBytes, m.launch.dynamicSmemBytes);

  if (repeat > 1) {
    auto again = Clock::now();
    for (unsigned i = 1; i < repeat; ++i)
      if (!cache.gemm(p, o))
        return fail("a repeated request failed");
    double us = std::chrono::duration<double, std::micro>(Clock::now() - again)
                    .count() /
                (repeat - 1);
    llvm::outs() << llvm::formatv("in-process hit: {0:f3} us each over {1}\n",
                                  us, repeat - 1);
  }

  if (!bundleOut.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(bundleOut))
      return fail("cannot create " + bundleOut + ": " + ec.message());
    for (auto [name, data] : {std::pair{std::string("manifest.json"),
                                        sm120rt::serializeManifest(m)},
                              std::pair{m.kernelCubin, bundle->cubin()}}) {
      llvm::SmallString<256> path(bundleOut.getValue());
      llvm::sys::path::append(path, name);
      std::error_code ec;
      llvm::raw_fd_ostream os(path, ec);
      if (ec)
        return fail("cannot write " + path + ": " + ec.message());
      os << data;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "compile a GEMM problem through the sm120 JIT\n");

  GemmProblem p;
  CompileOptions o;
  if (!keyText.empty()) {
    for (const cl::Option *opt : std::initializer_list<const cl::Option *>{
             &aType, &bType, &sfaText, &sfbText, &nSize, &kSize, &dType,
             &accumulate, &stridedD, &alpha, &kAlignment, &groups, &groupLayout,
             &aMajor, &bMajor, &chip, &machine, &expectedM, &schedule})
      if (opt->getNumOccurrences())
        return fail(llvm::formatv("--{0} cannot be combined with --key: the "
                                  "key names the whole problem",
                                  opt->ArgStr));
    Expected<std::pair<GemmProblem, CompileOptions>> parsed =
        parseDescription(keyText);
    if (!parsed)
      return fail(parsed.error().message);
    std::tie(p, o) = *parsed;
    return compileAndReport(p, o);
  }
  if (!nSize.getNumOccurrences() || !kSize.getNumOccurrences())
    return fail("-n and -k are required (or --key)");
  for (auto [name, text, out] :
       {std::tuple{"a", &aType, &p.a}, std::tuple{"b", &bType, &p.b},
        std::tuple{"d", &dType, &p.d}}) {
    std::optional<sm120rt::DType> t = sm120rt::parseDType(*text);
    if (!t)
      return fail(
          llvm::formatv("--{0}: unknown dtype '{1}'", name, text->getValue()));
    *out = *t;
  }
  std::optional<std::optional<ScaleRecipe>> sfa = parseRecipe(sfaText),
                                            sfb = parseRecipe(sfbText);
  if (!sfa || !sfb)
    return fail(llvm::formatv("bad scale recipe '{0}'; expected none or "
                              "format:mn:k[:packed]",
                              sfa ? sfbText.getValue() : sfaText.getValue()));
  p.sfa = *sfa;
  p.sfb = *sfb;
  p.n = nSize;
  p.k = kSize;
  p.accumulate = accumulate;
  p.alpha = alpha;
  p.groups = groups;
  if (groupLayout != "rows" && groupLayout != "prefix_sum" &&
      groupLayout != "masked" && groupLayout != "batched" &&
      groupLayout != "bmn" && groupLayout != "bmk" &&
      groupLayout != "k_grouped" && groupLayout != "k_grouped_blocks")
    return fail(llvm::formatv("--layout: unknown layout '{0}'; expected rows, "
                              "prefix_sum, masked, batched, bmn, bmk, "
                              "k_grouped "
                              "or k_grouped_blocks",
                              groupLayout.getValue()));
  // rows and prefix_sum (the default layout) describe M-grouped GEMMs.
  if (groupLayout.getNumOccurrences() > 0 && groups == 0 &&
      (groupLayout == "rows" || groupLayout == "prefix_sum"))
    return fail(llvm::formatv("--layout {0} describes an M-grouped GEMM; "
                              "give its --groups",
                              groupLayout.getValue()));
  p.prefixSum = groupLayout == "prefix_sum";
  p.masked = groupLayout == "masked";
  p.batchStacked = groupLayout == "bmn";
  p.dStrided = stridedD;
  p.batched = groupLayout == "batched" || p.batchStacked;
  p.batchReduced = groupLayout == "bmk";
  p.kBlocks = groupLayout == "k_grouped_blocks";
  p.kAlignment = kAlignment;
  p.kGrouped = groupLayout == "k_grouped" || p.kBlocks;
  for (auto [name, text, kMajor] :
       {std::tuple{"a-major", &aMajor, &p.aKMajor},
        std::tuple{"b-major", &bMajor, &p.bKMajor}}) {
    if (*text != "k" && *text != "mn")
      return fail(llvm::formatv("--{0}: unknown majorness '{1}'; expected k "
                                "or mn",
                                name, text->getValue()));
    *kMajor = *text == "k";
  }

  o.chip = chip;
  o.machine = machine;
  o.expectedM = expectedM;
  o.schedule = schedule;
  return compileAndReport(p, o);
}

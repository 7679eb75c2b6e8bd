// sm120-run: loads a bundle, runs it on seeded random inputs, checks every
// output against the family's CPU reference, and reports the kernel time.
//
// Exit status: 0 passed (or no reference to check against), 1 an output
// mismatched, 2 usage or runtime error.

#include "sm120rt/Harness.hpp"
#include "sm120rt/sm120rt.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

using namespace sm120rt;

namespace {

void usage(const char *argv0) {
  std::fprintf(
      stderr,
      "usage: %s <bundle-dir> [--device N] [--seed S] [--iters N]\n"
      "          [--sizes name=dim:size,...] [--small-int]\n"
      "          [--show-mismatches N] [--no-check] [--repeat N]\n"
      "\n"
      "  --device N     CUDA device ordinal (default 0)\n"
      "  --seed S       seed of the random inputs (default 1)\n"
      "  --iters N      timed launches after the checked one (default 20)\n"
      "  --sizes ...    sizes of dynamic (-1) dims, e.g. a=0:4096,d=0:4096\n"
      "  --no-check     time only; skip the CPU reference\n"
      "  --repeat N     N further checked launches (fresh poisoned outputs,\n"
      "                 same reference), for timing-dependent errors\n"
      "  --show-mismatches N\n"
      "                 print the first N output elements off by more than\n"
      "                 1%% of max |ref| (index, got, expected)\n"
      "  --small-int    inputs are integers in [-4, 4], so outputs must match\n"
      "                 the reference exactly\n",
      argv0);
}

template <typename T> bool parseNumber(const char *text, T &out) {
  std::string_view s(text);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

/// Prints up to `limit` elements of output `name` that are off by more than
/// 1% of max |ref|, with their multi-index, to localize a wrong tile.
void printMismatches(const std::vector<HostTensor> &results,
                     const std::vector<HostTensor> &expected,
                     const std::string &name, double maxAbsRef, int64_t limit) {
  const HostTensor *got = nullptr, *ref = nullptr;
  for (size_t i = 0; i < results.size() && i < expected.size(); ++i)
    if (results[i].name == name) {
      got = &results[i];
      ref = &expected[i];
    }
  if (!got)
    return;
  std::vector<int64_t> index(got->rank(), 0);
  int64_t shown = 0, total = 0;
  for (int64_t linear = 0; linear < got->numElements(); ++linear) {
    int64_t rest = linear;
    for (int d = got->rank() - 1; d >= 0; --d) {
      index[d] = rest % got->sizes[d];
      rest /= got->sizes[d];
    }
    int64_t offset = got->offsetOf(index.data());
    double x = got->get(offset), y = ref->get(offset);
    if (!(std::fabs(x - y) <= 0.01 * maxAbsRef)) {
      ++total;
      if (shown++ < limit) {
        std::printf("mismatch %s[", name.c_str());
        for (int d = 0; d < got->rank(); ++d)
          std::printf(d ? ", %lld" : "%lld", static_cast<long long>(index[d]));
        std::printf("]: got %.6g, expected %.6g\n", x, y);
      }
    }
  }
  std::printf("mismatch %s: %lld elements off by more than 1%% of max |ref|\n",
              name.c_str(), static_cast<long long>(total));
}

int fail(const Error &error) {
  std::fprintf(stderr, "sm120-run: error: %s (%s)\n", error.message.c_str(),
               codeName(error.code));
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  std::string dir;
  HarnessOptions options;
  options.iterations = 20;
  int64_t showMismatches = 0;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool hasValue = i + 1 < argc;
    bool ok = true;
    if (arg == "--small-int") {
      options.fill.smallInt = true;
    } else if (arg == "--no-check") {
      options.check = false;
    } else if (arg == "--repeat" && hasValue) {
      ok = parseNumber(argv[++i], options.repeats) && options.repeats >= 0;
    } else if (arg == "--show-mismatches" && hasValue) {
      ok = parseNumber(argv[++i], showMismatches) && showMismatches >= 0;
    } else if (arg == "--device" && hasValue) {
      ok = parseNumber(argv[++i], options.device) && options.device >= 0;
    } else if (arg == "--seed" && hasValue) {
      ok = parseNumber(argv[++i], options.fill.seed);
    } else if (arg == "--iters" && hasValue) {
      ok =
          parseNumber(argv[++i], options.iterations) && options.iterations >= 0;
    } else if (arg == "--sizes" && hasValue) {
      Expected<std::vector<SizeOverride>> sizes = parseSizeOverrides(argv[++i]);
      if (!sizes)
        return fail(sizes.error());
      options.sizes.insert(options.sizes.end(), sizes->begin(), sizes->end());
    } else if (arg == "-h" || arg == "--help") {
      usage(argv[0]);
      return 0;
    } else if (!arg.empty() && arg[0] != '-' && dir.empty()) {
      dir = arg;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "sm120-run: bad argument '%s'\n", argv[i]);
      usage(argv[0]);
      return 2;
    }
  }
  if (dir.empty()) {
    usage(argv[0]);
    return 2;
  }

  Expected<Bundle> bundle = Bundle::loadFromDirectory(dir);
  if (!bundle)
    return fail(bundle.error());
  const Manifest &m = bundle->manifest();
  std::printf("bundle   %s: %s, %s, kernel %s (%s, %lld registers, "
              "%lld B spill stores)\n",
              dir.c_str(), m.problemFamily.c_str(),
              std::string(chipName(m.chip)).c_str(), m.kernelSymbol.c_str(),
              m.assembler.tool.c_str(),
              static_cast<long long>(m.assembler.registers),
              static_cast<long long>(m.assembler.spillStoreBytes));

  Expected<HarnessResult> result = runBundle(*bundle, options);
  if (!result)
    return fail(result.error());
  const DeviceInfo &device = result->device;
  std::printf("device   %d: %s, sm_%d%d, %d SMs\n", device.ordinal,
              device.name.c_str(), device.ccMajor, device.ccMinor,
              device.smCount);
  if (options.fill.smallInt)
    std::printf("inputs   seed %llu, small integers in [-4, 4]",
                static_cast<unsigned long long>(options.fill.seed));
  else
    std::printf("inputs   seed %llu, random (finite e4m3 bytes for FP8)",
                static_cast<unsigned long long>(options.fill.seed));
  std::printf("; scale exponents in [%d, %d]\n", options.fill.scaleExpMin,
              options.fill.scaleExpMax);
  std::printf("launch   grid [%u, %u, %u], block [%u, %u, %u], %u B dynamic "
              "shared memory\n",
              result->grid[0], result->grid[1], result->grid[2],
              m.launch.block[0], m.launch.block[1], m.launch.block[2],
              m.launch.dynamicSmemBytes);

  if (!options.check)
    std::printf("output   not checked (--no-check)\n");
  else if (!result->reference)
    std::printf("output   no CPU reference for family '%s'; outputs not "
                "checked\n",
                m.problemFamily.c_str());
  auto report = [&](const char *label, const std::vector<OutputCheck> &checks,
                    const std::vector<HostTensor> &results) {
    for (const OutputCheck &o : checks) {
      const Comparison &c = o.comparison;
      if (showMismatches > 0 && !results.empty())
        printMismatches(results, result->expected, o.name, c.maxAbsRef,
                        showMismatches);
      std::printf("%-8s %s: max abs err %.4g, max rel err %.4g (of max "
                  "|ref| %.6g), diff %.4g; %lld of %lld differ, %lld "
                  "non-finite: %s (%s)\n",
                  label, o.name.c_str(), c.maxAbsError, c.maxRelError,
                  c.maxAbsRef, c.diff, static_cast<long long>(c.mismatches),
                  static_cast<long long>(c.elements),
                  static_cast<long long>(c.nonFinite),
                  o.passed ? "ok" : "MISMATCH", o.criterion.c_str());
    }
  };
  report("output", result->outputs, result->results);
  for (size_t r = 0; r < result->repeats.size(); ++r) {
    std::string label = "repeat" + std::to_string(r + 1);
    report(label.c_str(), result->repeats[r].outputs,
           result->repeats[r].results);
  }
  if (!result->timesMs.empty()) {
    std::printf("time     median %.4f ms over %zu launches", result->medianMs,
                result->timesMs.size());
    if (result->flops > 0 && result->medianMs > 0)
      std::printf(", %.3f TFLOPS",
                  result->flops / (result->medianMs * 1e-3) / 1e12);
    std::printf("\n");
  }
  if (!options.check) {
    std::printf("result   TIMED (outputs not checked)\n");
    return 0;
  }
  bool passed = result->passed();
  std::printf("result   %s\n", passed ? "PASS" : "FAIL");
  return passed ? 0 : 1;
}

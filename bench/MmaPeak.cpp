// sm120-mma-peak: measures the tensor-core peak of the MMA forms in
// bench/mma_peak/ (bundles of family "mma_peak"), the denominator of every
// "fraction of peak" the GEMM benchmarks report. Prints a table and writes a
// JSON record (device, commit, date, TFLOPS per form).
//
//   sm120-mma-peak <bundle-dir>... [--device N] [--blocks-per-sm B]
//                  [--launches L] [--commit C] [--json FILE]

#include "sm120rt/sm120rt.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

using namespace sm120rt;

namespace {

int fail(const std::string &message) {
  std::fprintf(stderr, "sm120-mma-peak: error: %s\n", message.c_str());
  return 2;
}

std::string utcNow() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> bundles;
  int device = 0, blocksPerSm = 4, launches = 20;
  std::string commit = "unknown", jsonPath;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      return i + 1 < argc ? argv[++i] : std::string();
    };
    if (arg == "--device")
      device = std::atoi(value().c_str());
    else if (arg == "--blocks-per-sm")
      blocksPerSm = std::atoi(value().c_str());
    else if (arg == "--launches")
      launches = std::atoi(value().c_str());
    else if (arg == "--commit")
      commit = value();
    else if (arg == "--json")
      jsonPath = value();
    else if (!arg.empty() && arg[0] == '-')
      return fail("unknown option " + arg);
    else
      bundles.push_back(arg);
  }
  if (bundles.empty() || blocksPerSm < 1 || launches < 1)
    return fail("usage: sm120-mma-peak <bundle-dir>... [--device N] "
                "[--blocks-per-sm B] [--launches L] [--commit C] [--json F]");

  Expected<DeviceInfo> info = queryDevice(device);
  if (!info)
    return fail(info.error().message);
  std::printf("device %d: %s, sm_%d%d, %d SMs\n", device, info->name.c_str(),
              info->ccMajor, info->ccMinor, info->smCount);

  nlohmann::json results = nlohmann::json::array();
  for (const std::string &dir : bundles) {
    Expected<Bundle> bundle = Bundle::loadFromDirectory(dir);
    if (!bundle)
      return fail(bundle.error().message);
    const Manifest &m = bundle->manifest();
    if (m.problemFamily != "mma_peak")
      return fail(dir + " is a '" + m.problemFamily +
                  "' bundle; expected family mma_peak");
    nlohmann::json problem;
    double flopsPerWarp = 0;
    try {
      problem = nlohmann::json::parse(m.problemJson);
      flopsPerWarp = problem.at("iterations").get<double>() *
                     problem.at("mmas_per_iteration").get<double>() *
                     problem.at("flops_per_mma").get<double>();
    } catch (const nlohmann::json::exception &e) {
      return fail(dir +
                  ": problem lacks iterations, mmas_per_iteration or "
                  "flops_per_mma: " +
                  e.what());
    }
    Expected<Kernel> kernel = Kernel::create(*bundle, device);
    if (!kernel)
      return fail(kernel.error().message);

    // Enough 256-thread blocks to give every SM `blocksPerSm` of them.
    int64_t threads = int64_t(info->smCount) * blocksPerSm * 256;
    Expected<DeviceBuffer> out =
        DeviceBuffer::allocate(device, size_t(threads) * sizeof(float));
    if (!out)
      return fail(out.error().message);
    int64_t sizes[] = {threads}, strides[] = {1};
    TensorArg arg{out->data(), DType::F32, 1, sizes, strides};
    Expected<std::vector<float>> times =
        kernel->timeLaunches(&arg, 1, launches, nullptr);
    if (!times)
      return fail(times.error().message);
    std::vector<float> ms = *times;
    std::sort(ms.begin(), ms.end());
    double median = ms[ms.size() / 2];
    // One MMA is issued per warp: flops per launch = warps x per-warp work.
    double flops = double(threads / 32) * flopsPerWarp;
    double tflops = flops / (median * 1e-3) / 1e12;
    std::string mma = problem.value("mma", "?");
    std::printf("%-6s %-8s %3lld registers  median %.3f ms over %d launches  "
                "%.1f TFLOPS\n",
                mma.c_str(), std::string(chipName(m.chip)).c_str(),
                static_cast<long long>(m.assembler.registers), median, launches,
                tflops);
    results.push_back({{"mma", mma},
                       {"chip", std::string(chipName(m.chip))},
                       {"registers", m.assembler.registers},
                       {"threads", threads},
                       {"median_ms", median},
                       {"tflops", tflops}});
  }

  nlohmann::json record = {
      {"kind", "bench"},
      {"bench", "mma_peak"},
      {"device", info->name + ", sm_" + std::to_string(info->ccMajor) +
                     std::to_string(info->ccMinor) + ", " +
                     std::to_string(info->smCount) + " SMs"},
      {"commit", commit},
      {"date", utcNow()},
      {"blocks_per_sm", blocksPerSm},
      {"results", results}};
  if (!jsonPath.empty()) {
    std::ofstream f(jsonPath);
    f << record.dump(2) << "\n";
    if (!f)
      return fail("cannot write " + jsonPath);
  }
  return 0;
}

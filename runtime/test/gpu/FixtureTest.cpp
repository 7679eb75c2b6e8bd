// GPU test of the fixture_fp8_tile bundles: exact and random-input checks
// against the CPU reference, the wrong-architecture refusal, argument errors
// on real device pointers, the C API launch path, and concurrent launches. A
// plain executable (no GoogleTest); exits 77 (ctest SKIP_RETURN_CODE) without a
// GPU.
//
// usage: sm120rt-gpu-fixture <sm_90a bundle dir> <sm_120a bundle dir>

#include "sm120rt/Harness.hpp"
#include "sm120rt/Reference.hpp"
#include "sm120rt/sm120rt.h"
#include "sm120rt/sm120rt.hpp"

#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace sm120rt;

namespace {

constexpr int kSkip = 77;
/// Random e4m3 inputs: the kernel sums in f32, the reference in double.
/// Criterion: max |got - ref| over all of D, divided by max |ref| (one
/// normalization for the whole tile, not per element, so that elements
/// near zero from cancellation do not dominate).
constexpr double kMaxRelError = 1e-5;

int failures = 0;

void check(bool ok, const std::string &what) {
  std::printf("  [%s] %s\n", ok ? "ok" : "FAIL", what.c_str());
  if (!ok)
    ++failures;
}

std::string describe(const Error &e) {
  return std::string(codeName(e.code)) + ": " + e.message;
}

void printComparison(const OutputCheck &o) {
  const Comparison &c = o.comparison;
  std::printf("  output %s: %lld elements, %lld differ, %lld non-finite; "
              "max |err| %.3g, max |ref| %.6g, max |err|/max|ref| %.3g, "
              "diff %.3g\n",
              o.name.c_str(), static_cast<long long>(c.elements),
              static_cast<long long>(c.mismatches),
              static_cast<long long>(c.nonFinite), c.maxAbsError, c.maxAbsRef,
              c.maxRelError, c.diff);
}

/// (a) and (b): small integers must match exactly, random inputs within
/// kMaxRelError.
void checkNumerics(const Bundle &bundle) {
  HarnessOptions exact;
  exact.fill.seed = 1;
  exact.fill.smallInt = true;
  exact.fill.scaleExpMin = 124;
  exact.fill.scaleExpMax = 130;
  exact.iterations = 0;
  std::printf("(a) small-integer FP8 inputs, scale exponents in [124, 130], "
              "exact equality required\n");
  Expected<HarnessResult> a = runBundle(bundle, exact);
  check(a.ok(), a.ok() ? "ran" : describe(a.error()));
  if (a.ok()) {
    check(!a->outputs.empty(), "the family has a CPU reference");
    for (const OutputCheck &o : a->outputs) {
      printComparison(o);
      check(o.comparison.exact() && o.comparison.elements > 0,
            "output " + o.name + " equals the reference bit for bit");
    }
  }

  HarnessOptions random = exact;
  random.fill.seed = 2;
  random.fill.smallInt = false;
  random.iterations = 20;
  std::printf("(b) random finite e4m3 inputs, required: finite and max "
              "|err| / max |ref| <= %g\n",
              kMaxRelError);
  Expected<HarnessResult> b = runBundle(bundle, random);
  check(b.ok(), b.ok() ? "ran" : describe(b.error()));
  if (!b.ok())
    return;
  for (const OutputCheck &o : b->outputs) {
    printComparison(o);
    check(o.comparison.nonFinite == 0 &&
              o.comparison.maxRelError <= kMaxRelError,
          "output " + o.name + " within tolerance");
  }
  double tflops = b->flops > 0 && b->medianMs > 0
                      ? b->flops / (b->medianMs * 1e-3) / 1e12
                      : 0;
  std::printf("  grid [%u, %u, %u]; median of %zu launches %.4f ms "
              "(%.4f TFLOPS)\n",
              b->grid[0], b->grid[1], b->grid[2], b->timesMs.size(),
              b->medianMs, tflops);
}

/// Device copies of the bundle's tensors (small-integer inputs, poisoned
/// outputs) for the launch-path checks.
struct DeviceTensors {
  std::vector<HostTensor> host;
  std::vector<DeviceBuffer> buffers;
  std::vector<TensorArg> args;
};

Expected<DeviceTensors> makeDeviceTensors(const Manifest &m, int device) {
  DeviceTensors t;
  FillOptions fill;
  fill.seed = 3;
  fill.smallInt = true;
  fill.scaleExpMin = 124;
  fill.scaleExpMax = 130;
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    Expected<HostTensor> h = makeHostTensor(m.tensors[i], m.tensors[i].shape);
    if (!h)
      return h.error();
    fillRandom(*h, fill, i);
    Expected<DeviceBuffer> buffer =
        DeviceBuffer::allocate(device, h->bytes.size());
    if (!buffer)
      return buffer.error();
    if (Status s = buffer->upload(h->bytes.data(), h->bytes.size()); !s)
      return s.error();
    t.args.push_back(h->arg(buffer->data()));
    t.host.push_back(h.take());
    t.buffers.push_back(buffer.take());
  }
  return t;
}

/// (d) Argument errors on real pointers, the module cache, and the C API
/// launch path against the C++ one.
void checkLaunchPaths(const Bundle &bundle, int device) {
  std::printf("(d) launch paths\n");
  const Manifest &m = bundle.manifest();
  int out = m.findTensor("d"), a = m.findTensor("a");
  Expected<DeviceTensors> t = makeDeviceTensors(m, device);
  Expected<Kernel> kernel = Kernel::create(bundle, device);
  Expected<Kernel> again = Kernel::create(bundle, device);
  check(t.ok() && kernel.ok() && again.ok(),
        "two kernels from one bundle (one cached module) and device tensors");
  if (!t.ok() || !kernel.ok() || !again.ok() || out < 0 || a < 0)
    return;

  std::vector<TensorArg> args = t->args;
  std::vector<int64_t> wrongSizes = t->host[a].sizes;
  wrongSizes[1] += 16;
  args[a].sizes = wrongSizes.data();
  Status wrongDim = kernel->launch(args, nullptr);
  check(!wrongDim.ok() && wrongDim.error().code == Code::InvalidArgument,
        "wrong static dim refused: " + (wrongDim.ok()
                                            ? std::string("launched")
                                            : wrongDim.error().message));
  args = t->args;
  args[a].data = static_cast<char *>(args[a].data) + 4;
  Status misaligned = kernel->launch(args, nullptr);
  check(!misaligned.ok() && misaligned.error().code == Code::InvalidArgument,
        "misaligned TMA base refused: " + (misaligned.ok()
                                               ? std::string("launched")
                                               : misaligned.error().message));

  // The same inputs through the C++ API (second kernel handle) and the C
  // API must give identical bytes, equal to the reference.
  DeviceBuffer &dBuffer = t->buffers[out];
  std::vector<uint8_t> viaCpp(dBuffer.size()), viaC(dBuffer.size());
  Status s = dBuffer.fill(0xff);
  if (s)
    s = again->launch(t->args, nullptr);
  if (s)
    s = synchronizeDevice(device);
  if (s)
    s = dBuffer.download(viaCpp.data(), viaCpp.size());
  check(s.ok(), s.ok() ? "C++ launch" : describe(s.error()));

  sm120rt_bundle *cBundle = nullptr;
  sm120rt_kernel *cKernel = nullptr;
  std::string cubin = bundle.cubin();
  std::string manifest = serializeManifest(m);
  sm120rt_status status = sm120rt_bundle_load_memory(
      manifest.data(), manifest.size(), cubin.data(), cubin.size(), &cBundle);
  if (status == SM120RT_OK)
    status = sm120rt_kernel_create(cBundle, device, &cKernel);
  std::vector<sm120rt_tensor> cArgs;
  for (const TensorArg &arg : t->args)
    cArgs.push_back({arg.data, static_cast<int>(arg.dtype), arg.rank, arg.sizes,
                     arg.strides});
  if (status == SM120RT_OK && dBuffer.fill(0xff).ok())
    status =
        sm120rt_kernel_launch(cKernel, cArgs.data(), cArgs.size(), nullptr);
  check(status == SM120RT_OK,
        std::string("C API load (serialized manifest) and launch: ") +
            sm120rt_status_name(status) + " " +
            (status == SM120RT_OK ? "" : sm120rt_last_error()));
  if (status == SM120RT_OK && synchronizeDevice(device).ok() &&
      dBuffer.download(viaC.data(), viaC.size()).ok())
    check(viaC == viaCpp, "C API output bytes equal the C++ API's");
  sm120rt_kernel_destroy(cKernel);
  sm120rt_bundle_destroy(cBundle);

  std::vector<HostTensor> expected = t->host;
  const ReferenceKernel *ref = findReference(m.problemFamily);
  if (ref && ref->compute(m, expected).ok()) {
    HostTensor got = t->host[out];
    got.bytes = viaCpp;
    Expected<Comparison> c = compareTensors(got, expected[out]);
    check(c.ok() && c->exact(), "C++ launch output equals the reference");
  }
}

/// (e) Kernels created and launched from several threads at once (the
/// module cache's lock and concurrent launches) still compute D.
void checkThreads(const Bundle &bundle, int device) {
  constexpr int kThreads = 8;
  std::printf("(e) %d threads create kernels and launch concurrently\n",
              kThreads);
  const Manifest &m = bundle.manifest();
  int out = m.findTensor("d");
  Expected<DeviceTensors> t = makeDeviceTensors(m, device);
  if (!t || out < 0) {
    check(false, t ? "no output 'd'" : describe(t.error()));
    return;
  }
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      Expected<Kernel> kernel = Kernel::create(bundle, device);
      Status s = kernel ? kernel->launch(t->args, nullptr) : kernel.error();
      if (!s)
        errors[i] = describe(s.error());
    });
  for (std::thread &thread : threads)
    thread.join();
  std::string firstError;
  for (const std::string &e : errors)
    if (firstError.empty())
      firstError = e;
  check(firstError.empty(), firstError.empty() ? "all launched" : firstError);
  HostTensor got = t->host[out];
  Status s = synchronizeDevice(device);
  if (s)
    s = t->buffers[out].download(got.bytes.data(), got.bytes.size());
  std::vector<HostTensor> expected = t->host;
  const ReferenceKernel *ref = findReference(m.problemFamily);
  if (s && ref)
    s = ref->compute(m, expected);
  Expected<Comparison> c =
      s ? compareTensors(got, expected[out]) : Expected<Comparison>(s.error());
  check(c.ok() && c->exact(),
        c.ok() ? "output equals the reference" : describe(c.error()));
}

/// (c) A bundle for another architecture is refused, not loaded.
void checkWrongArchitecture(const Bundle &bundle, const DeviceInfo &info) {
  std::printf("(c) %s bundle on sm_%d%d: WrongArchitecture required\n",
              std::string(chipName(bundle.manifest().chip)).c_str(),
              info.ccMajor, info.ccMinor);
  Expected<Kernel> kernel = Kernel::create(bundle, info.ordinal);
  check(!kernel.ok() && kernel.error().code == Code::WrongArchitecture,
        kernel.ok() ? "loaded" : describe(kernel.error()));
  sm120rt_bundle *cBundle = nullptr;
  sm120rt_kernel *cKernel = nullptr;
  std::string dir = bundle.directory();
  sm120rt_status status = sm120rt_bundle_load_dir(dir.c_str(), &cBundle);
  if (status == SM120RT_OK)
    status = sm120rt_kernel_create(cBundle, info.ordinal, &cKernel);
  check(status == SM120RT_WRONG_ARCHITECTURE && !cKernel,
        std::string("C API: ") + sm120rt_status_name(status));
  sm120rt_kernel_destroy(cKernel);
  sm120rt_bundle_destroy(cBundle);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <sm_90a bundle dir> <sm_120a bundle dir>\n",
                 argv[0]);
    return 2;
  }
  Expected<int> count = deviceCount();
  if (!count) {
    if (count.error().code == Code::NoDevice ||
        count.error().code == Code::NotSupported) {
      std::printf("SKIP: no GPU (%s)\n", count.error().message.c_str());
      return kSkip;
    }
    std::printf("FAIL: %s\n", describe(count.error()).c_str());
    return 1;
  }
  Expected<DeviceInfo> info = queryDevice(0);
  if (!info) {
    std::printf("FAIL: %s\n", describe(info.error()).c_str());
    return 1;
  }
  std::printf("device 0: %s, compute capability %d.%d (sm_%d%d), %d SMs, "
              "driver %d\n",
              info->name.c_str(), info->ccMajor, info->ccMinor, info->ccMajor,
              info->ccMinor, info->smCount, info->driverVersion);

  std::vector<Bundle> bundles;
  for (int i = 1; i <= 2; ++i) {
    Expected<Bundle> bundle = Bundle::loadFromDirectory(argv[i]);
    if (!bundle) {
      std::printf("FAIL: %s\n", describe(bundle.error()).c_str());
      return 1;
    }
    std::printf("bundle %s: %s, %s, kernel %s\n", argv[i],
                std::string(chipName(bundle->manifest().chip)).c_str(),
                bundle->manifest().problemFamily.c_str(),
                bundle->manifest().kernelSymbol.c_str());
    bundles.push_back(bundle.take());
  }

  // The bundle this device runs gets the numeric checks; every other one
  // must be refused. On sm_90 that is (a), (b) with the sm_90a twin and (c)
  // with sm_120a; on an sm_120 GPU the roles swap.
  const Bundle *runnable = nullptr;
  for (const Bundle &b : bundles) {
    if (checkChipForDevice(b.manifest().chip, info->ccMajor, info->ccMinor, 0))
      runnable = &b;
    else
      checkWrongArchitecture(b, *info);
  }
  if (runnable) {
    checkNumerics(*runnable);
    checkLaunchPaths(*runnable, 0);
    checkThreads(*runnable, 0);
  }
  if (failures) {
    std::printf("FAIL: %d check(s) failed\n", failures);
    return 1;
  }
  if (!runnable) {
    std::printf("SKIP: device 0 (sm_%d%d) runs neither bundle; only the "
                "refusals were checked\n",
                info->ccMajor, info->ccMinor);
    return kSkip;
  }
  std::printf("PASS\n");
  return 0;
}

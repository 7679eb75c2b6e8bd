// Host cost of one fp8_gemm_nt call against a bare cuLaunchKernelEx of the
// same kernel (a PreparedLaunch: parameters and TMA descriptors made once),
// with the runtime's Kernel::launch (validation, descriptors, launch)
// between them; then the call captured in a CUDA graph, replayed, and its
// output compared with the direct call's. The kernel comes from the kernel
// cache ($SM120_CACHE_DIR), filled where the compiler is.
//
//   sm120-api-overhead [M N K]     (default 128 2112 7168)
//
// Prints a JSON object. Not a test.

#include "sm120rt/Gemm.hpp"

#include <cuda.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

using namespace sm120rt;
using Clock = std::chrono::steady_clock;

namespace {

int fail(const char *what, const Error &e) {
  std::fprintf(stderr, "sm120-api-overhead: %s: %s: %s\n", what,
               codeName(e.code), e.message.c_str());
  return 1;
}

int failCu(const char *what, CUresult r) {
  const char *name = nullptr;
  cuGetErrorName(r, &name);
  std::fprintf(stderr, "sm120-api-overhead: %s: %s\n", what, name ? name : "?");
  return 1;
}

/// Median over rounds of the host microseconds per call of `body`, issuing
/// `calls` calls per round and waiting for the GPU between rounds.
double hostMicros(CUstream stream, int calls, const std::function<bool()> &body,
                  bool &ok) {
  std::vector<double> perCall;
  for (int round = 0; round < 7; ++round) {
    auto start = Clock::now();
    for (int i = 0; i < calls; ++i)
      ok = ok && body();
    perCall.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - start)
            .count() /
        calls);
    cuStreamSynchronize(stream);
  }
  std::sort(perCall.begin(), perCall.end());
  return perCall[perCall.size() / 2];
}

} // namespace

int main(int argc, char **argv) {
  int64_t m = 128, n = 2112, k = 7168;
  if (argc == 4) {
    m = std::atoll(argv[1]);
    n = std::atoll(argv[2]);
    k = std::atoll(argv[3]);
  }
  // The primary context of device 0 (where the runtime launches) and a
  // stream in it.
  CUdevice dev;
  CUcontext ctx;
  CUstream stream;
  if (CUresult r = cuInit(0); r != CUDA_SUCCESS)
    return failCu("cuInit", r);
  if (CUresult r = cuDeviceGet(&dev, 0); r != CUDA_SUCCESS)
    return failCu("cuDeviceGet", r);
  if (CUresult r = cuDevicePrimaryCtxRetain(&ctx, dev); r != CUDA_SUCCESS)
    return failCu("cuDevicePrimaryCtxRetain", r);
  cuCtxSetCurrent(ctx);
  if (CUresult r = cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING);
      r != CUDA_SUCCESS)
    return failCu("cuStreamCreate", r);

  // Inputs: bytes of 0x38 (1.0 in e4m3) and scale exponents of 127 (1.0),
  // so D = K everywhere.
  int64_t sfRows = (k + 511) / 512, mAl = (m + 3) / 4 * 4,
          nAl = (n + 3) / 4 * 4;
  struct Buf {
    size_t bytes;
    uint8_t fill;
    CUdeviceptr ptr = 0;
  };
  std::vector<Buf> bufs = {
      {size_t(m * k), 0x38},  {size_t(sfRows * mAl * 4), 127},
      {size_t(n * k), 0x38},  {size_t(sfRows * nAl * 4), 127},
      {size_t(m * n * 2), 0}, {size_t(m * n * 2), 0}};
  for (Buf &b : bufs) {
    if (CUresult r = cuMemAlloc(&b.ptr, b.bytes); r != CUDA_SUCCESS)
      return failCu("cuMemAlloc", r);
    cuMemsetD8(b.ptr, b.fill, b.bytes);
  }
  auto ptr = [&](int i) { return reinterpret_cast<void *>(bufs[i].ptr); };
  TensorView a = TensorView::contiguous(ptr(0), DType::F8E4M3, {m, k});
  TensorView sfa = TensorView::contiguous(ptr(1), DType::I32, {sfRows, mAl});
  TensorView b = TensorView::contiguous(ptr(2), DType::F8E4M3, {n, k});
  TensorView sfb = TensorView::contiguous(ptr(3), DType::I32, {sfRows, nAl});
  TensorView d = TensorView::contiguous(ptr(4), DType::BF16, {m, n});
  TensorView dGraph = TensorView::contiguous(ptr(5), DType::BF16, {m, n});
  GemmOptions o;
  o.stream = stream;

  // Warm: the kernel from the cache, loaded on the device.
  if (Status s = fp8_gemm_nt(a, sfa, b, sfb, d, o); !s)
    return fail("fp8_gemm_nt", s.error());
  cuStreamSynchronize(stream);
  Expected<std::pair<GemmProblem, CompileOptions>> plan =
      planGemm(a, &sfa, b, &sfb, d, o);
  if (!plan)
    return fail("planGemm", plan.error());
  Expected<Bundle> bundle =
      KernelCache::global().gemm(plan->first, plan->second);
  if (!bundle)
    return fail("cache", bundle.error());
  Expected<Kernel> kernel = Kernel::create(*bundle, 0);
  if (!kernel)
    return fail("Kernel::create", kernel.error());
  std::vector<TensorArg> args = {a.arg(), b.arg(), sfa.arg(), sfb.arg(),
                                 d.arg()};
  Expected<PreparedLaunch> prepared =
      kernel->prepare(args.data(), args.size(), stream);
  if (!prepared)
    return fail("prepare", prepared.error());

  // Host time per call, 64 calls per round (well inside the launch queue).
  const int calls = 64;
  bool ok = true;
  double bare = hostMicros(
      stream, calls, [&] { return bool(prepared->enqueue()); }, ok);
  double launch = hostMicros(
      stream, calls, [&] { return bool(kernel->launch(args, stream)); }, ok);
  double api = hostMicros(
      stream, calls, [&] { return bool(fp8_gemm_nt(a, sfa, b, sfb, d, o)); },
      ok);
  if (!ok)
    return fail("timed calls", {Code::Internal, "a timed call failed"});

  // GPU time of one GEMM, for scale.
  Expected<std::vector<float>> gpu =
      kernel->timeLaunches(args.data(), args.size(), 20, stream);
  if (!gpu)
    return fail("timeLaunches", gpu.error());
  std::sort(gpu->begin(), gpu->end());

  // The call captured in a CUDA graph, replayed into another output.
  std::vector<uint16_t> direct(m * n), replayed(m * n);
  cuMemcpyDtoH(direct.data(), bufs[4].ptr, direct.size() * 2);
  CUgraph graph;
  CUgraphExec exec;
  if (CUresult r = cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_GLOBAL);
      r != CUDA_SUCCESS)
    return failCu("cuStreamBeginCapture", r);
  Status captured = fp8_gemm_nt(a, sfa, b, sfb, dGraph, o);
  CUresult endCapture = cuStreamEndCapture(stream, &graph);
  if (!captured)
    return fail("fp8_gemm_nt under capture", captured.error());
  if (endCapture != CUDA_SUCCESS)
    return failCu("cuStreamEndCapture", endCapture);
  if (CUresult r = cuGraphInstantiate(&exec, graph, 0); r != CUDA_SUCCESS)
    return failCu("cuGraphInstantiate", r);
  if (CUresult r = cuGraphLaunch(exec, stream); r != CUDA_SUCCESS)
    return failCu("cuGraphLaunch", r);
  cuStreamSynchronize(stream);
  cuMemcpyDtoH(replayed.data(), bufs[5].ptr, replayed.size() * 2);
  bool graphMatches =
      std::memcmp(direct.data(), replayed.data(), direct.size() * 2) == 0;
  // 1.0 x 1.0 summed K times, in bf16.
  float expected = static_cast<float>(k);
  uint32_t bits = uint32_t(direct[0]) << 16;
  float first;
  std::memcpy(&first, &bits, 4);

  std::printf("{\n  \"shape\": {\"m\": %lld, \"n\": %lld, \"k\": %lld},\n",
              static_cast<long long>(m), static_cast<long long>(n),
              static_cast<long long>(k));
  std::printf("  \"kernel\": \"%s\",\n  \"chip\": \"%s\",\n",
              bundle->manifest().kernelSymbol.c_str(),
              std::string(chipName(bundle->manifest().chip)).c_str());
  std::printf("  \"host_us_per_call\": {\"bare_cuLaunchKernelEx\": %.3f, "
              "\"kernel_launch\": %.3f, \"fp8_gemm_nt\": %.3f},\n",
              bare, launch, api);
  std::printf("  \"api_overhead_us\": %.3f,\n", api - bare);
  std::printf("  \"gpu_us_per_gemm_median\": %.3f,\n",
              1000.0 * (*gpu)[gpu->size() / 2]);
  std::printf(
      "  \"graph_capture\": {\"captured\": true, "
      "\"replay_matches_direct\": %s, \"d0\": %g, \"expected\": %g}\n}\n",
      graphMatches ? "true" : "false", first, expected);
  cuGraphExecDestroy(exec);
  cuGraphDestroy(graph);
  return graphMatches && first == expected ? 0 : 1;
}

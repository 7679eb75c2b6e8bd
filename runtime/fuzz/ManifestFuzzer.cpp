// libFuzzer entry point over the manifest parser and validator. Beyond "no
// crash", it checks two properties of every manifest the parser accepts: it
// serializes to JSON that parses back to the same serialization, and launch
// planning with synthetic arguments returns a result or an Error.

#include "sm120rt/sm120rt.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace sm120rt;

namespace {

[[noreturn]] void die(const char *what, const std::string &detail) {
  std::fprintf(stderr, "manifest fuzzer: %s\n%s\n", what, detail.c_str());
  std::abort();
}

/// Packed arguments for the manifest's tensors: dynamic dims get 32,
/// addresses are 256-byte aligned fake pointers. Returns false when a
/// static shape is too large to describe without overflow.
bool synthesizeArgs(const Manifest &m, std::vector<std::vector<int64_t>> &sizes,
                    std::vector<std::vector<int64_t>> &strides,
                    std::vector<TensorArg> &args) {
  constexpr int64_t kLimit = int64_t(1) << 50;
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    const TensorSpec &t = m.tensors[i];
    std::vector<int64_t> s = t.shape, st(t.shape.size(), 0);
    for (int64_t &v : s)
      if (v == -1)
        v = 32;
    int64_t stride = 1;
    st[t.contiguousDim] = 1;
    if (s[t.contiguousDim] > kLimit)
      return false;
    stride = s[t.contiguousDim];
    for (int d = t.rank() - 1; d >= 0; --d) {
      if (d == t.contiguousDim)
        continue;
      stride = (stride + 31) / 32 * 32; // keeps byte strides 16-aligned
      st[d] = stride;
      if (s[d] > kLimit / stride)
        return false;
      stride *= s[d];
    }
    sizes.push_back(std::move(s));
    strides.push_back(std::move(st));
  }
  for (size_t i = 0; i < m.tensors.size(); ++i)
    args.push_back({reinterpret_cast<void *>(uintptr_t(i + 1) << 20),
                    m.tensors[i].dtype, m.tensors[i].rank(), sizes[i].data(),
                    strides[i].data()});
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  Expected<Manifest> manifest = parseManifest(text);
  if (!manifest) {
    if (manifest.error().message.empty())
      die("an error without a message", std::string(text));
    return 0;
  }
  std::string once = serializeManifest(*manifest);
  Expected<Manifest> again = parseManifest(once);
  if (!again)
    die(("serialized manifest does not parse: " + again.error().message)
            .c_str(),
        once);
  if (serializeManifest(*again) != once)
    die("serialization is not stable", once);

  std::vector<std::vector<int64_t>> sizes, strides;
  std::vector<TensorArg> args;
  if (synthesizeArgs(*manifest, sizes, strides, args)) {
    Expected<LaunchPlan> plan =
        planLaunch(*manifest, args.data(), args.size(), 132);
    if (plan &&
        plan->paramBytes.size() != computeParamLayout(*manifest).totalSize)
      die("plan and layout disagree on the parameter buffer size", once);
    if (!plan && plan.error().message.empty())
      die("a planning error without a message", once);
  }
  return 0;
}

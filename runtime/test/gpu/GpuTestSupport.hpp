// Shared by the GPU test executables.

#ifndef SM120RT_TEST_GPU_GPUTESTSUPPORT_HPP
#define SM120RT_TEST_GPU_GPUTESTSUPPORT_HPP

#include "sm120rt/Gemm.hpp"
#include "sm120rt/Reference.hpp"

#include <algorithm>
#include <cstdio>

namespace sm120rt::test {

/// ctest's SKIP_RETURN_CODE for the GPU tests.
inline constexpr int kSkip = 77;

/// False, after printing why, where no CUDA driver or GPU is found.
inline bool haveGpu() {
  Expected<int> count = deviceCount();
  if (count && *count > 0)
    return true;
  std::printf("SKIP: no GPU (%s)\n",
              count ? "none found" : count.error().message.c_str());
  return false;
}

/// A zeroed row-major host tensor (rows padded to 16 bytes).
inline HostTensor hostTensor(const char *name, DType dtype,
                             std::vector<int64_t> sizes) {
  TensorSpec spec{name, dtype, sizes, static_cast<int>(sizes.size()) - 1};
  return makeHostTensor(spec, sizes).take();
}

/// A host tensor's bytes on a device, and the view of them.
struct DeviceTensor {
  DeviceBuffer buffer;
  TensorView view;
};

inline Expected<DeviceTensor> upload(const HostTensor &t, int device = 0) {
  Expected<DeviceBuffer> buffer =
      DeviceBuffer::allocate(device, std::max<size_t>(t.bytes.size(), 16));
  if (!buffer)
    return buffer.error();
  if (Status s = buffer->upload(t.bytes.data(), t.bytes.size()); !s)
    return s.error();
  TensorView view = TensorView::of(t.arg(buffer->data()));
  return DeviceTensor{buffer.take(), view};
}

} // namespace sm120rt::test

#endif // SM120RT_TEST_GPU_GPUTESTSUPPORT_HPP

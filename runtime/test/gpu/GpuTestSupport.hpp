// Shared by the GPU test executables.

#ifndef SM120RT_TEST_GPU_GPUTESTSUPPORT_HPP
#define SM120RT_TEST_GPU_GPUTESTSUPPORT_HPP

#include "sm120rt/sm120rt.hpp"

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

} // namespace sm120rt::test

#endif // SM120RT_TEST_GPU_GPUTESTSUPPORT_HPP

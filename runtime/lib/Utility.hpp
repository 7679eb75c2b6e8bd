// Launching the runtime's own utility kernels (kernels/Utilities.cu), which
// are embedded in the library as a fatbinary.

#ifndef SM120RT_LIB_UTILITY_HPP
#define SM120RT_LIB_UTILITY_HPP

#include "sm120rt/sm120rt.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace sm120rt {
namespace detail {

/// The fatbinary (UtilityImage.cpp, generated); size 0 when the library was
/// built without nvcc.
extern const unsigned char utilityImage[];
extern const std::size_t utilityImage_size;

struct UtilityLaunch {
  const char *symbol = nullptr;
  std::array<uint32_t, 3> grid = {1, 1, 1};
  std::array<uint32_t, 3> block = {1, 1, 1};
  /// The kernel's one by-value parameter block.
  const void *params = nullptr;
};

/// Launches a utility kernel on `device` (its primary context) and
/// `stream`; the module is loaded on first use.
Status launchUtility(int device, void *stream, const UtilityLaunch &launch);

/// Device memory for work enqueued on one stream: allocated with
/// cuMemAllocAsync on `stream`, and released with cuMemFreeAsync when the
/// object goes (after the work enqueued before), so neither waits for the
/// device. It keeps the device's primary context alive meanwhile.
class StreamMemory {
public:
  static Expected<StreamMemory> allocate(int device, void *stream,
                                         std::size_t bytes);
  StreamMemory(StreamMemory &&) noexcept;
  StreamMemory &operator=(StreamMemory &&) noexcept;
  ~StreamMemory();
  void *data() const;

private:
  struct Impl;
  explicit StreamMemory(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

} // namespace detail
} // namespace sm120rt

#endif // SM120RT_LIB_UTILITY_HPP

// Internal helpers shared by the runtime's translation units: error
// construction, the small formatting functions error messages use, and the
// seeded random generator.

#ifndef SM120RT_LIB_SUPPORT_HPP
#define SM120RT_LIB_SUPPORT_HPP

#include "sm120rt/sm120rt.hpp"

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace sm120rt {
namespace detail {

inline Error makeError(Code code, std::string message) {
  return Error{code, std::move(message)};
}

/// Concatenates streamable pieces: `cat("dim ", 1, " is ", 7000)`.
template <typename... Ts> std::string cat(const Ts &...pieces) {
  std::ostringstream os;
  (os << ... << pieces);
  return os.str();
}

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t align4(int64_t v) { return (v + 3) / 4 * 4; }

/// "0x7f00000004" (lower-case hex, no padding).
inline std::string hexPointer(const void *ptr) {
  std::ostringstream os;
  os << "0x" << std::hex << reinterpret_cast<uintptr_t>(ptr);
  return os.str();
}

/// "[1, 2, 3]".
template <typename T> std::string joinList(const std::vector<T> &values) {
  std::ostringstream os;
  os << '[';
  for (size_t i = 0; i < values.size(); ++i)
    os << (i ? ", " : "") << values[i];
  os << ']';
  return os.str();
}

/// A tensor view's sizes, "[1, 2, 3]".
template <typename View> std::string shapeOf(const View &t) {
  return joinList(std::vector<int64_t>(t.sizes.begin(),
                                       t.sizes.begin() + std::max(0, t.rank)));
}

/// SplitMix64: small, fast and the same on every platform; seeds the random
/// test data and the fuzzer's mutations.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

private:
  uint64_t state;
};

/// "tensor 'a' (argument #0)": how argument errors name a tensor.
inline std::string describeArgument(const TensorSpec &spec, size_t index) {
  return cat("tensor '", spec.name, "' (argument #", index, ")");
}

} // namespace detail
} // namespace sm120rt

#endif // SM120RT_LIB_SUPPORT_HPP

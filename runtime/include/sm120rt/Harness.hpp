// Runs a bundle on seeded random inputs on a GPU and checks its outputs
// against the family's CPU reference; shared by sm120-run and GPU tests.

#ifndef SM120RT_HARNESS_HPP
#define SM120RT_HARNESS_HPP

#include "sm120rt/Reference.hpp"
#include "sm120rt/sm120rt.hpp"

#include <array>
#include <string>
#include <vector>

namespace sm120rt {

/// The size of a dynamic (-1) dimension, e.g. from `--sizes a=0:4096`.
struct SizeOverride {
  std::string tensor;
  int dim = 0;
  int64_t size = 0;
};

/// Parses "name=dim:size,name=dim:size,...".
SM120RT_API Expected<std::vector<SizeOverride>>
parseSizeOverrides(std::string_view text);

struct HarnessOptions {
  int device = 0;
  FillOptions fill;
  /// Timed launches after the checked one (0: no timing).
  int iterations = 10;
  /// Compare the outputs with the CPU reference (off: timing only).
  bool check = true;
  /// Further checked launches after the first, each from freshly poisoned
  /// outputs against the same reference: catches timing-dependent errors.
  int repeats = 0;
  std::vector<SizeOverride> sizes;
};

struct OutputCheck {
  std::string name;
  Comparison comparison;
  bool passed = false;
  std::string criterion; // what `passed` required, for reports
};

/// The checks of one further launch (HarnessOptions::repeats).
struct SM120RT_API RepeatCheck {
  std::vector<OutputCheck> outputs;
  /// Every tensor as read back; kept only when a check failed.
  std::vector<HostTensor> results;
  bool passed() const;
};

struct SM120RT_API HarnessResult {
  DeviceInfo device;
  std::array<uint32_t, 3> grid = {1, 1, 1};
  /// nullptr when problem.family has no CPU reference (nothing checked).
  const ReferenceKernel *reference = nullptr;
  std::vector<OutputCheck> outputs;
  /// Every tensor as read back from the device after the checked launch.
  std::vector<HostTensor> results;
  /// The reference's tensors (empty without a reference).
  std::vector<HostTensor> expected;
  /// One entry per further checked launch.
  std::vector<RepeatCheck> repeats;
  std::vector<float> timesMs;
  double medianMs = 0;
  double flops = 0; // of one launch; 0 when unknown

  /// True when every compared output of every launch passed.
  bool passed() const;
};

/// Allocates and fills the bundle's tensors, launches once, checks the
/// outputs (problem.outputs, else the reference's) against the reference,
/// then times `iterations` further launches. Outputs start as 0xff bytes
/// (NaN) so that elements a kernel never writes count as mismatches.
/// Passing means: exact equality with smallInt inputs, otherwise finite
/// outputs with maxRelError within the reference's tolerance.
SM120RT_API Expected<HarnessResult> runBundle(const Bundle &bundle,
                                              const HarnessOptions &options);

} // namespace sm120rt

#endif // SM120RT_HARNESS_HPP

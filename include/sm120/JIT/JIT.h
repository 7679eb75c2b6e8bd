//===- JIT.h - compile problems for concrete shapes, with caches -*- C++
//-*-===//
//
// The JIT layer: a problem description (dtypes, scale recipes, N, K, output,
// chip) becomes an sm120 module built in memory, runs the sm120-compile
// pipeline in-process and yields a runtime Bundle. Bundles are cached in the
// process and on disk. This header needs neither MLIR nor LLVM headers:
// engines include it beside sm120rt.hpp.
//
//===----------------------------------------------------------------------===//

#ifndef SM120_JIT_JIT_H
#define SM120_JIT_JIT_H

#include "sm120rt/sm120rt.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sm120jit {

using sm120rt::DType;
using sm120rt::Expected;

/// Scale-factor formats of `#sm120.block_scale`.
enum class ScaleFormat { None, UE8M0, UE4M3, F32 };

/// One operand's scale recipe: element (i, k) is multiplied by the scale at
/// (i / mn, k / k). `packed` UE8M0 is the TMA-aligned MN-major int32 layout.
struct ScaleRecipe {
  ScaleFormat format = ScaleFormat::None;
  int mn = 1;
  int k = 128;
  bool packed = false;
};

/// Whether an operand is stored K-contiguous ([MN, K]) or MN-contiguous.
enum class Major { K, MN };

/// D[M, N] = (A[M, K] * sa) (B[N, K] * sb)^T (+ C), M a runtime size.
struct GemmProblem {
  DType a = DType::F8E4M3; // f8e4m3, f4e2m1 or bf16
  DType b = DType::F8E4M3;
  ScaleRecipe sfa, sfb; // format None for bf16
  int64_t n = 0;
  int64_t k = 0;
  DType d = DType::BF16;   // bf16 or f32
  bool accumulate = false; // add C [M, N] f32
  Major aMajor = Major::K;
  Major bMajor = Major::K;
};

/// How to compile: target chip and what the schedule is chosen for.
struct CompileOptions {
  std::string chip = "sm_120f"; // sm_120f, sm_120a, sm_121a or sm_90a
  /// Machine preset of the cost model; empty: the compiler's default.
  std::string machine;
  unsigned sms = 0;         // SM count override, 0: the preset's
  int64_t expectedM = 4096; // rows the schedule is costed for
  std::string schedule;     // explicit "#sm120.schedule<...>", or empty
  /// CUDA toolkit holding the assembler; empty: CUDA_HOME, /usr/local/cuda.
  std::string toolkit;
};

/// The canonical text of a problem and its options plus the compiler
/// version: equal texts compile to the same bundle. Cache keys hash it.
std::string describe(const GemmProblem &problem, const CompileOptions &options);

/// A compiled problem.
struct CompiledKernel {
  std::string manifest; // manifest.json text
  std::string cubin;
  double compileMs = 0; // wall time of the whole compilation
};

/// Compiles without any cache. InvalidArgument when the problem is not
/// supported (the verifier's message), NotSupported without a CUDA
/// toolkit, CompileError when a later stage fails.
Expected<CompiledKernel> compileGemm(const GemmProblem &problem,
                                     const CompileOptions &options);

/// Where a Cache::get result came from.
enum class Source { Memory, Disk, Compiled };

/// Compiled bundles by key: in the process, and on disk under a directory
/// shared by processes. Thread-safe; concurrent first requests for one key
/// compile it once. Disk entries are written to a temporary file and
/// renamed into place, carry a checksum and the full key text, and an entry
/// that fails either check is reported and rebuilt. A directory that cannot
/// be created or written turns the disk cache off with one warning.
class Cache {
public:
  struct Config {
    /// Disk cache directory; empty: $SM120_CACHE_DIR, else
    /// $HOME/.cache/sm120. Ignored when `disk` is false.
    std::string directory;
    bool disk = true;
    /// Receives warnings (corrupt entry, unwritable directory); default:
    /// one line on stderr.
    std::function<void(const std::string &)> warn;
  };

  struct Stats {
    uint64_t memoryHits = 0;
    uint64_t diskHits = 0;
    uint64_t compiles = 0;
    uint64_t rebuilt = 0; // disk entries found corrupt and replaced
  };

  Cache();
  explicit Cache(Config config);
  ~Cache();
  Cache(const Cache &) = delete;
  Cache &operator=(const Cache &) = delete;

  /// The bundle of `problem` compiled with `options`, from the first level
  /// that has it; `source` (optional) says which.
  Expected<sm120rt::Bundle> gemm(const GemmProblem &problem,
                                 const CompileOptions &options,
                                 Source *source = nullptr);

  /// The disk directory in use; empty when the disk cache is off.
  std::string directory() const;
  /// The entry file a key text is stored in (under directory()).
  std::string entryPath(const std::string &keyText) const;
  Stats stats() const;

  /// The process-wide cache with the default configuration.
  static Cache &global();

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace sm120jit

#endif // SM120_JIT_JIT_H

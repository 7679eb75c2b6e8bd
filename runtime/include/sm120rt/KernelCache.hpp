// Kernels by problem: GEMM problem descriptions, their cache keys, and the
// in-process and on-disk cache of their bundles.
//
// The cache needs no compiler. It answers from the process, then from
// entry files in a directory (filled by an earlier run, by another process,
// or ahead of time with sm120-jit), and on a miss calls the registered
// compiler: the JIT library (SM120JIT) registers one with
// sm120jit::registerCompiler(). A deployment without the compiler runs
// from a cache filled ahead of time.
//
// An entry file holds one bundle:
//
//   sm120-kernel-cache 1\n
//   <key bytes> <manifest bytes> <cubin bytes> <checksum, 16 hex digits>\n
//   <key text><manifest text><cubin>
//
// It is written under a unique temporary name in the cache directory and
// renamed over the entry, so a reader sees a whole entry or none; the key
// text guards against hash collisions, the checksum (FNV-1a 64 of the
// payload) against truncation and corruption.

#ifndef SM120RT_KERNELCACHE_HPP
#define SM120RT_KERNELCACHE_HPP

#include "sm120rt/sm120rt.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sm120rt {

/// Version of the sm120 compiler and runtime; part of every cache key.
inline constexpr std::string_view kVersion = "0.2.0";

/// D[M, N] = (A[M, K] * sa) (B[N, K] * sb)^T (+ C), M a runtime size.
struct GemmProblem {
  DType a = DType::F8E4M3; // f8e4m3, f4e2m1 or bf16
  DType b = DType::F8E4M3;
  std::optional<ScaleRecipe> sfa, sfb; // absent for bf16
  int64_t n = 0;
  int64_t k = 0;
  DType d = DType::BF16;   // bf16 or f32
  bool accumulate = false; // add C [M, N] f32
  bool alpha = false;      // multiply A B^T by a device f32 [1]
  bool aKMajor = true;     // A is [M, K] (else [K, M])
  bool bKMajor = true;     // B is [N, K] (else [K, N])
  /// Contiguous M-grouped when positive: B is [groups, N, K] (scales with
  /// a leading groups dimension too) and an i32 layout gives each row's
  /// group ([M], -1 for padding) or, with prefixSum, each group's
  /// exclusive end row ([groups]).
  int64_t groups = 0;
  bool prefixSum = false;
  /// Masked M-grouped (with groups > 0): A [groups, max_m, K], C and D
  /// [groups, max_m, N] and A's scales stack per group too, max_m a runtime
  /// size, and the layout [groups] holds each group's valid rows.
  bool masked = false;
  /// Batched einsum bhr,hdr->bhd (with groups > 0 heads): A [M, groups, K],
  /// B [groups, N, K], C and D [M, groups, N] (packed), scales with a
  /// leading groups dimension, M the runtime batch rows.
  bool batched = false;
  /// With batched: the einsum bmk,bnk->bmn instead, every operand stacked
  /// over its first dimension (A [groups, M, K], B [groups, N, K], C and D
  /// [groups, M, N], the scales too); k may be 0, a runtime size.
  bool batchStacked = false;
  /// With batched: C and D are strided views (any row and batch strides,
  /// unit column stride), which the kernel takes at launch.
  bool dStrided = false;
  /// Batch-reduced einsum bmk,bnk->mn (BF16, groups = 0): A [batch, M, K],
  /// B [batch, N, K], C and D [M, N]; the batch count is a runtime size and
  /// K is each batch's.
  bool batchReduced = false;
  /// K-grouped (weight gradients, with groups > 0): A [M, sum K] and B
  /// [N, sum K] (or [sum K, M] and [sum K, N] when MN-major), the layout
  /// [groups] holds each group's K, C (required) and D f32 [groups, M, N],
  /// packed UE8M0 scales [rows, align(MN, 4)] (each group's words start a
  /// row); sum K and M are runtime sizes and k is 0.
  bool kGrouped = false;
  /// K-grouped with K-major operands given as 1-D concatenations of each
  /// group's [M, K_g] and [N, K_g] blocks (M * sum K and N * sum K
  /// elements): the kernel points its TMA descriptors at each group's
  /// blocks on the device.
  bool kBlocks = false;
  /// K-grouped: the multiple of K every group's size is promised to be (a
  /// multiple of 64; 0 is 64), which the kernel's block K divides.
  int64_t kAlignment = 0;
};

/// How a problem is compiled: the chip and what the schedule is chosen for.
struct CompileOptions {
  std::string chip = "sm_120f"; // sm_120f, sm_120a, sm_121a or sm_90a
  /// Machine preset of the cost model; empty: the compiler's default.
  std::string machine;
  unsigned sms = 0;         // SM count override, 0: the preset's
  int64_t expectedM = 4096; // rows the schedule is costed for
  std::string schedule;     // explicit "#sm120.schedule<...>", or empty
  /// CUDA toolkit holding the assembler (empty: CUDA_HOME, /usr/local/cuda).
  /// Not part of the key: it says where the assembler is, not what it makes.
  std::string toolkit;
};

/// The canonical text of a problem, its options and kVersion: equal texts
/// compile to the same bundle.
SM120RT_API std::string describe(const GemmProblem &problem,
                                 const CompileOptions &options);

/// The problem and options whose describe() text `key` is (the text a cache
/// miss reports), so that a cache can be filled from a deployment's misses.
/// InvalidArgument names the first field that does not parse; a key of
/// another compiler version is rejected, as its kernel would differ.
SM120RT_API Expected<std::pair<GemmProblem, CompileOptions>>
parseDescription(std::string_view key);

/// What a compiler returns.
struct CompiledKernel {
  std::string manifest; // manifest.json text
  std::string cubin;
  double compileMs = 0;
};

using GemmCompiler = std::function<Expected<CompiledKernel>(
    const GemmProblem &, const CompileOptions &)>;

/// Sets the compiler caches use when their Config names none (nullptr
/// removes it). Thread-safe.
SM120RT_API void registerGemmCompiler(GemmCompiler compiler);

/// Where a KernelCache::gemm result came from.
enum class Source { Memory, Disk, Compiled };

/// Bundles by key. Thread-safe; concurrent first requests for one key
/// compile it once. A directory that cannot be created or written turns the
/// disk level off with one warning; an unusable entry is reported and
/// rebuilt.
class SM120RT_API KernelCache {
public:
  struct Config {
    /// Entry directory; empty: $SM120_CACHE_DIR, else $HOME/.cache/sm120.
    std::string directory;
    bool disk = true;
    /// Empty: the registered compiler (registerGemmCompiler).
    GemmCompiler compiler;
    /// Receives warnings; default: one line on stderr.
    std::function<void(const std::string &)> warn;
  };

  struct Stats {
    uint64_t memoryHits = 0;
    uint64_t diskHits = 0;
    uint64_t compiles = 0;
    uint64_t rebuilt = 0; // unusable entries replaced
  };

  KernelCache();
  explicit KernelCache(Config config);
  ~KernelCache();
  KernelCache(const KernelCache &) = delete;
  KernelCache &operator=(const KernelCache &) = delete;

  /// The bundle of `problem` compiled with `options`. NotSupported when no
  /// level has it and no compiler is registered; otherwise the compiler's
  /// errors (InvalidArgument, CompileError, ...).
  Expected<Bundle> gemm(const GemmProblem &problem,
                        const CompileOptions &options,
                        Source *source = nullptr);

  /// The directory in use; empty when the disk level is off.
  std::string directory() const;
  /// The entry file of a key text: <directory>/<32 hex digits>.sm120.
  std::string entryPath(const std::string &keyText) const;
  Stats stats() const;

  /// The process-wide cache with the default configuration.
  static KernelCache &global();

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace sm120rt

#endif // SM120RT_KERNELCACHE_HPP

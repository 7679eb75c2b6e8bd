// The kernel cache: problem keys, entry files, and the in-process table.

#include "sm120rt/KernelCache.hpp"

#include "Support.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <unistd.h>
#include <unordered_map>

using namespace sm120rt;
using namespace sm120rt::detail;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "sm120-kernel-cache 1\n";

uint64_t fnv1a64(std::string_view data, uint64_t basis) {
  uint64_t h = basis;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}
constexpr uint64_t kBasis = 0xcbf29ce484222325ull;
constexpr uint64_t kBasis2 = 0x84222325cbf29ce4ull; // a second, independent

std::string hex64(uint64_t v) {
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx",
                static_cast<unsigned long long>(v));
  return text;
}

std::string recipeText(const std::optional<ScaleRecipe> &r) {
  if (!r)
    return "none";
  const char *format = r->format == ScaleRecipe::Format::UE8M0   ? "ue8m0"
                       : r->format == ScaleRecipe::Format::UE4M3 ? "ue4m3"
                                                                 : "f32";
  return cat(format, "/mn", r->mn, "/k", r->k, r->packed ? "/packed" : "");
}

struct Entry {
  std::string manifest, cubin;
};

/// The entry in `data` for `keyText`, or why it cannot be used.
std::optional<Entry> parseEntry(std::string_view data,
                                const std::string &keyText, std::string &why) {
  if (data.substr(0, kMagic.size()) != kMagic) {
    why = "not an sm120 cache entry (bad header)";
    return std::nullopt;
  }
  data.remove_prefix(kMagic.size());
  size_t eol = data.find('\n');
  if (eol == std::string_view::npos) {
    why = "truncated header";
    return std::nullopt;
  }
  std::istringstream header{std::string(data.substr(0, eol))};
  data.remove_prefix(eol + 1);
  uint64_t keyLen = 0, manifestLen = 0, cubinLen = 0, sum = 0;
  header >> keyLen >> manifestLen >> cubinLen >> std::hex >> sum;
  if (!header || !(header >> std::ws).eof()) {
    why = "malformed header";
    return std::nullopt;
  }
  uint64_t want = keyLen + manifestLen + cubinLen;
  if (data.size() != want) {
    why = cat("holds ", data.size(), " payload bytes; its header says ", want);
    return std::nullopt;
  }
  if (fnv1a64(data, kBasis) != sum) {
    why = "checksum mismatch";
    return std::nullopt;
  }
  if (data.substr(0, keyLen) != keyText) {
    why = "holds another key (hash collision)";
    return std::nullopt;
  }
  data.remove_prefix(keyLen);
  return Entry{std::string(data.substr(0, manifestLen)),
               std::string(data.substr(manifestLen))};
}

std::string formatEntry(const std::string &keyText, const Entry &e) {
  std::string payload = keyText + e.manifest + e.cubin;
  return cat(kMagic, keyText.size(), ' ', e.manifest.size(), ' ',
             e.cubin.size(), ' ', hex64(fnv1a64(payload, kBasis)), '\n') +
         payload;
}

/// Writes `data` to `path` through a new temporary file beside it and a
/// rename; returns an error message, or "" on success.
std::string writeAtomically(const std::string &path, std::string_view data) {
  static std::atomic<uint64_t> counter{0};
  std::string temp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temp = cat(path, ".tmp-", getpid(), "-", counter++);
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST)
      return std::strerror(errno);
  }
  if (fd < 0)
    return "no free temporary file name";
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(temp.c_str());
      return why;
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0 || std::rename(temp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(temp.c_str());
    return why;
  }
  return "";
}

std::string defaultDirectory() {
  if (const char *dir = std::getenv("SM120_CACHE_DIR"); dir && *dir)
    return dir;
  if (const char *home = std::getenv("HOME"); home && *home)
    return (fs::path(home) / ".cache" / "sm120").string();
  return "";
}

std::mutex compilerMutex;
GemmCompiler &registeredCompiler() {
  static GemmCompiler compiler;
  return compiler;
}

/// One key's bundle; its mutex serializes the first request.
struct Slot {
  std::mutex mutex;
  std::optional<Bundle> bundle;
};

} // namespace

std::string sm120rt::describe(const GemmProblem &p, const CompileOptions &o) {
  return cat("sm120 ", kVersion, " gemm a=", dtypeName(p.a), "/",
             p.aKMajor ? "k" : "mn", " b=", dtypeName(p.b), "/",
             p.bKMajor ? "k" : "mn", " sfa=", recipeText(p.sfa),
             " sfb=", recipeText(p.sfb), " n=", p.n, " k=", p.k,
             " d=", dtypeName(p.d), " c=", p.accumulate ? 1 : 0,
             p.alpha ? " alpha=1" : "", " chip=", o.chip,
             " machine=", o.machine.empty() ? "default" : o.machine,
             " sms=", o.sms, " expected_m=", o.expectedM,
             " schedule=", o.schedule.empty() ? "auto" : o.schedule,
             p.batchReduced ? std::string(" batch_reduced=1") : std::string(),
             p.dStrided ? std::string(" d_strided=1") : std::string(),
             p.kAlignment ? cat(" k_alignment=", p.kAlignment) : std::string(),
             p.groups ? cat(" groups=", p.groups,
                            p.masked         ? "/masked"
                            : p.batchStacked ? "/batched_bmn"
                            : p.batched      ? "/batched"
                            : p.kBlocks      ? "/k_grouped_blocks"
                            : p.kGrouped     ? "/k_grouped"
                            : p.prefixSum    ? "/prefix_sum"
                                             : "/rows")
                      : std::string());
}

void sm120rt::registerGemmCompiler(GemmCompiler compiler) {
  std::lock_guard<std::mutex> lock(compilerMutex);
  registeredCompiler() = std::move(compiler);
}

struct KernelCache::Impl {
  Config config;
  mutable std::mutex mutex; // guards slots, stats and directory
  std::string directory;    // empty: the disk level is off
  std::unordered_map<std::string, std::shared_ptr<Slot>> slots;
  Stats stats;

  void warn(const std::string &message) {
    if (config.warn)
      config.warn(message);
    else
      std::cerr << "sm120: warning: " << message << std::endl;
  }

  /// Turns the disk level off with one warning.
  void diskFailed(const std::string &why) {
    std::string dir;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (directory.empty())
        return;
      dir.swap(directory);
    }
    warn(cat("kernel cache directory '", dir, "' is not usable (", why,
             "); caching compiled kernels in memory only"));
  }

  std::string dir() const {
    std::lock_guard<std::mutex> lock(mutex);
    return directory;
  }

  void count(uint64_t Stats::*field) {
    std::lock_guard<std::mutex> lock(mutex);
    ++(stats.*field);
  }

  GemmCompiler compiler() const {
    if (config.compiler)
      return config.compiler;
    std::lock_guard<std::mutex> lock(compilerMutex);
    return registeredCompiler();
  }
};

KernelCache::KernelCache() : KernelCache(Config()) {}

KernelCache::KernelCache(Config config) : impl(std::make_unique<Impl>()) {
  impl->config = std::move(config);
  if (!impl->config.disk)
    return;
  std::string dir = impl->config.directory.empty() ? defaultDirectory()
                                                   : impl->config.directory;
  if (dir.empty()) {
    impl->warn("no kernel cache directory (set SM120_CACHE_DIR or HOME); "
               "caching compiled kernels in memory only");
    return;
  }
  impl->directory = dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    impl->diskFailed(ec.message());
}

KernelCache::~KernelCache() = default;

std::string KernelCache::directory() const { return impl->dir(); }

std::string KernelCache::entryPath(const std::string &keyText) const {
  std::string name = hex64(fnv1a64(keyText, kBasis)) +
                     hex64(fnv1a64(keyText, kBasis2)) + ".sm120";
  return (fs::path(impl->dir()) / name).string();
}

KernelCache::Stats KernelCache::stats() const {
  std::lock_guard<std::mutex> lock(impl->mutex);
  return impl->stats;
}

KernelCache &KernelCache::global() {
  static KernelCache cache;
  return cache;
}

Expected<Bundle> KernelCache::gemm(const GemmProblem &problem,
                                   const CompileOptions &options,
                                   Source *source) {
  std::string key = describe(problem, options);
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    std::shared_ptr<Slot> &entry = impl->slots[key];
    if (!entry)
      entry = std::make_shared<Slot>();
    slot = entry;
  }
  std::lock_guard<std::mutex> slotLock(slot->mutex);
  if (slot->bundle) {
    impl->count(&Stats::memoryHits);
    if (source)
      *source = Source::Memory;
    return *slot->bundle;
  }

  std::string path = impl->dir().empty() ? "" : entryPath(key);
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::string data((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
      std::string why;
      std::optional<Entry> entry = parseEntry(data, key, why);
      if (entry) {
        Expected<Bundle> bundle =
            Bundle::loadFromMemory(entry->manifest, std::move(entry->cubin));
        if (bundle) {
          slot->bundle = *bundle;
          impl->count(&Stats::diskHits);
          if (source)
            *source = Source::Disk;
          return bundle;
        }
        why = bundle.error().message;
      }
      impl->warn(cat("kernel cache entry '", path, "' is unusable (", why,
                     "); rebuilding it"));
      impl->count(&Stats::rebuilt);
    }
  }

  GemmCompiler compiler = impl->compiler();
  if (!compiler)
    return makeError(
        Code::NotSupported,
        cat("no kernel for '", key, "' in the cache",
            path.empty() ? std::string() : cat(" (", path, ")"),
            " and no compiler is registered: link the JIT library and call "
            "sm120jit::registerCompiler(), or fill the cache ahead of time "
            "with sm120-jit"));
  Expected<CompiledKernel> compiled = compiler(problem, options);
  if (!compiled)
    return compiled.error();
  impl->count(&Stats::compiles);
  Entry entry{compiled->manifest, compiled->cubin};
  Expected<Bundle> bundle =
      Bundle::loadFromMemory(compiled->manifest, std::move(compiled->cubin));
  if (!bundle)
    return makeError(Code::Internal,
                     "the compiler produced a bundle the runtime rejects: " +
                         bundle.error().message);
  if (!path.empty()) {
    std::string why = writeAtomically(path, formatEntry(key, entry));
    if (!why.empty())
      impl->diskFailed(why);
  }
  slot->bundle = *bundle;
  if (source)
    *source = Source::Compiled;
  return bundle;
}

//===- Cache.cpp - in-process and on-disk caches of JIT bundles -*- C++ -*-===//
//
// An entry file holds one bundle:
//
//   sm120-jit-entry 1\n
//   <key bytes> <manifest bytes> <cubin bytes> <xxh3-64 of the rest, hex>\n
//   <key text><manifest text><cubin>
//
// It is written to a unique temporary name in the cache directory and
// renamed over the entry, so readers see a whole old entry or a whole new
// one. The key text guards against hash collisions; the checksum against
// truncation and corruption.
//
//===----------------------------------------------------------------------===//

#include "sm120/JIT/JIT.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <cstdlib>
#include <mutex>
#include <optional>
#include <unordered_map>

using namespace sm120jit;

namespace {

constexpr llvm::StringLiteral kMagic = "sm120-jit-entry 1\n";

std::string hex64(uint64_t v) { return llvm::formatv("{0:x-16}", v).str(); }

/// The payload of an entry file, or why it cannot be used.
struct Entry {
  std::string manifest, cubin;
};

std::optional<Entry> parseEntry(llvm::StringRef data,
                                const std::string &keyText, std::string &why) {
  if (!data.consume_front(kMagic)) {
    why = "not an sm120 cache entry (bad header)";
    return std::nullopt;
  }
  size_t eol = data.find('\n');
  if (eol == llvm::StringRef::npos) {
    why = "truncated header";
    return std::nullopt;
  }
  llvm::SmallVector<llvm::StringRef, 4> fields;
  data.take_front(eol).split(fields, ' ');
  data = data.drop_front(eol + 1);
  uint64_t keyLen, manifestLen, cubinLen, sum;
  if (fields.size() != 4 || fields[0].getAsInteger(10, keyLen) ||
      fields[1].getAsInteger(10, manifestLen) ||
      fields[2].getAsInteger(10, cubinLen) || fields[3].getAsInteger(16, sum)) {
    why = "malformed header";
    return std::nullopt;
  }
  if (data.size() != keyLen + manifestLen + cubinLen) {
    why = llvm::formatv("holds {0} payload bytes; its header says {1}",
                        data.size(), keyLen + manifestLen + cubinLen);
    return std::nullopt;
  }
  if (llvm::xxh3_64bits(data) != sum) {
    why = "checksum mismatch";
    return std::nullopt;
  }
  if (data.take_front(keyLen) != keyText) {
    why = "holds another key (hash collision)";
    return std::nullopt;
  }
  data = data.drop_front(keyLen);
  return Entry{data.take_front(manifestLen).str(),
               data.drop_front(manifestLen).str()};
}

std::string formatEntry(const std::string &keyText, const Entry &e) {
  std::string payload = keyText + e.manifest + e.cubin;
  return llvm::formatv("{0}{1} {2} {3} {4}\n", kMagic, keyText.size(),
                       e.manifest.size(), e.cubin.size(),
                       hex64(llvm::xxh3_64bits(payload)))
             .str() +
         payload;
}

/// Writes `data` to `path` through a unique temporary in the same
/// directory and a rename; returns an error message or "".
std::string writeAtomically(const std::string &path, llvm::StringRef data) {
  llvm::SmallString<256> temp;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%%%", fd, temp))
    return ec.message();
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << data;
    os.close();
    if (os.has_error()) {
      std::string message = os.error().message();
      os.clear_error();
      llvm::sys::fs::remove(temp);
      return message;
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    llvm::sys::fs::remove(temp);
    return ec.message();
  }
  return "";
}

std::string defaultDirectory() {
  if (const char *dir = std::getenv("SM120_CACHE_DIR"); dir && *dir)
    return dir;
  if (const char *home = std::getenv("HOME"); home && *home) {
    llvm::SmallString<256> path(home);
    llvm::sys::path::append(path, ".cache", "sm120");
    return std::string(path);
  }
  return "";
}

/// One key's bundle; its mutex serializes the first compilation.
struct Slot {
  std::mutex mutex;
  std::optional<sm120rt::Bundle> bundle;
};

} // namespace

struct Cache::Impl {
  Config config;
  std::string directory; // empty: disk cache off

  mutable std::mutex mutex; // guards slots, stats and directory
  std::unordered_map<std::string, std::shared_ptr<Slot>> slots;
  Stats stats;

  void warn(const std::string &message) {
    if (config.warn)
      config.warn(message);
    else
      llvm::errs() << "sm120: warning: " << message << "\n";
  }

  /// Turns the disk cache off with one warning.
  void diskFailed(const std::string &why) {
    std::string dir;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (directory.empty())
        return;
      dir = std::move(directory);
      directory.clear();
    }
    warn(llvm::formatv("kernel cache directory '{0}' is not usable ({1}); "
                       "caching compiled kernels in memory only",
                       dir, why));
  }

  std::string dir() const {
    std::lock_guard<std::mutex> lock(mutex);
    return directory;
  }

  void count(uint64_t Stats::*field) {
    std::lock_guard<std::mutex> lock(mutex);
    ++(stats.*field);
  }
};

Cache::Cache() : Cache(Config()) {}

Cache::Cache(Config config) : impl(std::make_unique<Impl>()) {
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
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    impl->diskFailed(ec.message());
}

Cache::~Cache() = default;

std::string Cache::directory() const { return impl->dir(); }

std::string Cache::entryPath(const std::string &keyText) const {
  llvm::SmallString<256> path(impl->dir());
  llvm::XXH128_hash_t h = llvm::xxh3_128bits(llvm::ArrayRef(
      reinterpret_cast<const uint8_t *>(keyText.data()), keyText.size()));
  llvm::sys::path::append(path, hex64(h.high64) + hex64(h.low64) + ".sm120");
  return std::string(path);
}

Cache::Stats Cache::stats() const {
  std::lock_guard<std::mutex> lock(impl->mutex);
  return impl->stats;
}

Cache &Cache::global() {
  static Cache cache;
  return cache;
}

Expected<sm120rt::Bundle> Cache::gemm(const GemmProblem &problem,
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

  // The disk entry, when there is a usable one.
  std::string path = impl->dir().empty() ? "" : entryPath(key);
  if (!path.empty()) {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
        llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
    if (file) {
      std::string why;
      std::optional<Entry> entry = parseEntry((*file)->getBuffer(), key, why);
      if (entry) {
        Expected<sm120rt::Bundle> bundle = sm120rt::Bundle::loadFromMemory(
            entry->manifest, std::move(entry->cubin));
        if (bundle) {
          slot->bundle = *bundle;
          impl->count(&Stats::diskHits);
          if (source)
            *source = Source::Disk;
          return bundle;
        }
        why = bundle.error().message;
      }
      impl->warn(llvm::formatv("kernel cache entry '{0}' is unusable ({1}); "
                               "rebuilding it",
                               path, why));
      impl->count(&Stats::rebuilt);
    }
  }

  Expected<CompiledKernel> compiled = compileGemm(problem, options);
  if (!compiled)
    return compiled.error();
  impl->count(&Stats::compiles);
  Entry entry{compiled->manifest, compiled->cubin};
  Expected<sm120rt::Bundle> bundle = sm120rt::Bundle::loadFromMemory(
      compiled->manifest, std::move(compiled->cubin));
  if (!bundle)
    return sm120rt::Error{sm120rt::Code::Internal,
                          "the JIT produced a bundle the runtime rejects: " +
                              bundle.error().message};
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

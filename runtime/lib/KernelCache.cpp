// The kernel cache: problem keys, entry files, and the in-process table.

#include "sm120rt/KernelCache.hpp"

#include "Support.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <unistd.h>
#include <unordered_map>
#include <vector>

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
  return cat(scaleFormatName(r->format), "/mn", r->mn, "/k", r->k,
             r->packed ? "/packed" : "");
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

namespace {

/// Reads describe()'s text field by field, in its order.
class KeyReader {
public:
  explicit KeyReader(std::string_view key) : rest(key) {}

  /// The value of `name=` when the next field is it, else nullopt. The
  /// value runs to the next space, or for the schedule (whose text may hold
  /// spaces) to the first optional field after it.
  std::optional<std::string_view> take(std::string_view name,
                                       bool toOptionals = false) {
    std::string head = cat(name, "=");
    if (rest.substr(0, head.size()) != head)
      return std::nullopt;
    rest.remove_prefix(head.size());
    size_t end = rest.find(' ');
    if (toOptionals) {
      end = std::string_view::npos;
      for (std::string_view f :
           {" batch_reduced=", " d_strided=", " k_alignment=", " groups="})
        end = std::min(end, rest.find(f));
    }
    std::string_view value = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    return value;
  }

  bool done() const { return rest.empty(); }

private:
  std::string_view rest;
};

std::optional<int64_t> parseInt(std::string_view text) {
  if (text.empty() || text.size() > 18)
    return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

/// "f8e4m3/k" into a dtype and K-majorness.
bool parseOperand(std::string_view text, DType &type, bool &kMajor) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos)
    return false;
  std::optional<DType> t = parseDType(text.substr(0, slash));
  std::string_view major = text.substr(slash + 1);
  if (!t || (major != "k" && major != "mn"))
    return false;
  type = *t;
  kMajor = major == "k";
  return true;
}

/// recipeText's inverse.
bool parseRecipeText(std::string_view text, std::optional<ScaleRecipe> &out) {
  if (text == "none") {
    out.reset();
    return true;
  }
  std::vector<std::string_view> parts;
  for (size_t at = 0;;) {
    size_t slash = text.find('/', at);
    parts.push_back(text.substr(at, slash - at));
    if (slash == std::string_view::npos)
      break;
    at = slash + 1;
  }
  if (parts.size() < 3 || parts.size() > 4 || parts[1].substr(0, 2) != "mn" ||
      parts[2].substr(0, 1) != "k" ||
      (parts.size() == 4 && parts[3] != "packed"))
    return false;
  ScaleRecipe r;
  std::optional<ScaleRecipe::Format> format = parseScaleFormat(parts[0]);
  if (!format)
    return false;
  r.format = *format;
  std::optional<int64_t> mn = parseInt(parts[1].substr(2)),
                         k = parseInt(parts[2].substr(1));
  if (!mn || !k)
    return false;
  r.mn = *mn;
  r.k = *k;
  r.packed = parts.size() == 4;
  out = r;
  return true;
}

} // namespace

Expected<std::pair<GemmProblem, CompileOptions>>
sm120rt::parseDescription(std::string_view key) {
  auto bad = [&](std::string_view what) {
    return makeError(Code::InvalidArgument,
                     cat("kernel cache key '", key, "': ", what));
  };
  std::string head = cat("sm120 ", kVersion, " gemm ");
  if (key.substr(0, head.size()) != head) {
    if (key.substr(0, 6) == "sm120 ")
      return bad(cat("names another compiler version; this one is ", kVersion));
    return bad("does not start with 'sm120 <version> gemm'");
  }
  KeyReader in(key.substr(head.size()));
  GemmProblem p;
  CompileOptions o;
  auto integer = [](int64_t &out) {
    return [&out](std::string_view v) {
      std::optional<int64_t> i = parseInt(v);
      if (i)
        out = *i;
      return i.has_value();
    };
  };
  auto text = [](std::string &out, std::string_view absent) {
    return [&out, absent](std::string_view v) {
      out = v == absent ? std::string() : std::string(v);
      return !v.empty();
    };
  };
  // Fields describe() always prints, in its order, and the flags it prints
  // only when set (as "=1").
  using Parse = std::function<bool(std::string_view)>;
  auto required =
      [&](std::initializer_list<std::pair<const char *, Parse>> fields)
      -> std::optional<std::string> {
    for (const auto &[name, parse] : fields) {
      std::string_view n = name;
      std::optional<std::string_view> v = in.take(n, n == "schedule");
      if (!v || !parse(*v))
        return cat("field '", n, "' is missing or malformed");
    }
    return std::nullopt;
  };
  auto setOnly = [&](const char *name,
                     bool &out) -> std::optional<std::string> {
    if (std::optional<std::string_view> v = in.take(name)) {
      if (*v != "1")
        return cat("field '", name, "' is malformed");
      out = true;
    }
    return std::nullopt;
  };
  int64_t sms = 0;
  std::optional<std::string> why = required(
      {{"a",
        [&](std::string_view v) { return parseOperand(v, p.a, p.aKMajor); }},
       {"b",
        [&](std::string_view v) { return parseOperand(v, p.b, p.bKMajor); }},
       {"sfa", [&](std::string_view v) { return parseRecipeText(v, p.sfa); }},
       {"sfb", [&](std::string_view v) { return parseRecipeText(v, p.sfb); }},
       {"n", integer(p.n)},
       {"k", integer(p.k)},
       {"d",
        [&](std::string_view v) {
          std::optional<DType> t = parseDType(v);
          if (t)
            p.d = *t;
          return t.has_value();
        }},
       {"c", [&](std::string_view v) {
          p.accumulate = v == "1";
          return v == "0" || v == "1";
        }}});
  if (!why)
    why = setOnly("alpha", p.alpha);
  if (!why)
    why = required({{"chip",
                     [&](std::string_view v) {
                       o.chip = std::string(v);
                       return !v.empty();
                     }},
                    {"machine", text(o.machine, "default")},
                    {"sms",
                     [&](std::string_view v) {
                       return integer(sms)(v) && sms <= UINT32_MAX;
                     }},
                    {"expected_m", integer(o.expectedM)},
                    {"schedule", text(o.schedule, "auto")}});
  if (!why)
    why = setOnly("batch_reduced", p.batchReduced);
  if (!why)
    why = setOnly("d_strided", p.dStrided);
  if (why)
    return bad(*why);
  o.sms = static_cast<unsigned>(sms);
  if (std::optional<std::string_view> v = in.take("k_alignment")) {
    std::optional<int64_t> a = parseInt(*v);
    if (!a || *a == 0)
      return bad("field 'k_alignment' is malformed");
    p.kAlignment = *a;
  }
  if (std::optional<std::string_view> v = in.take("groups")) {
    size_t slash = v->find('/');
    std::optional<int64_t> g = parseInt(v->substr(0, slash));
    std::string_view kind = slash == std::string_view::npos
                                ? std::string_view()
                                : v->substr(slash + 1);
    if (!g || *g == 0)
      return bad("field 'groups' is malformed");
    p.groups = *g;
    if (kind == "masked")
      p.masked = true;
    else if (kind == "batched_bmn")
      p.batched = p.batchStacked = true;
    else if (kind == "batched")
      p.batched = true;
    else if (kind == "k_grouped_blocks")
      p.kGrouped = p.kBlocks = true;
    else if (kind == "k_grouped")
      p.kGrouped = true;
    else if (kind == "prefix_sum")
      p.prefixSum = true;
    else if (kind != "rows")
      return bad(cat("unknown group layout '", kind, "'"));
  }
  if (!in.done())
    return bad("unexpected text after the last field");
  // Flags describe() prints only in one form must come back in that form.
  if (describe(p, o) != key)
    return bad("is not in describe()'s canonical form");
  return std::pair{p, o};
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

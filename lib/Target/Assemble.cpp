//===- Assemble.cpp - PTX to cubin with nvJitLink or ptxas ------*- C++ -*-===//

#include "sm120/Target/Target.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdlib>
#include <mutex>

using namespace mlir;
using namespace mlir::sm120;

namespace {

/// Candidate CUDA toolkit roots: the explicit one alone, else CUDA_HOME and
/// the default install location.
SmallVector<std::string> toolkitRoots(StringRef toolkit) {
  if (!toolkit.empty())
    return {toolkit.str()};
  SmallVector<std::string> roots;
  if (const char *home = std::getenv("CUDA_HOME"))
    roots.push_back(home);
  roots.push_back("/usr/local/cuda");
  return roots;
}

std::optional<std::string> findInToolkit(StringRef toolkit, StringRef sub) {
  for (const std::string &root : toolkitRoots(toolkit)) {
    SmallString<256> path(root);
    llvm::sys::path::append(path, sub);
    if (llvm::sys::fs::exists(path))
      return std::string(path.str());
  }
  return std::nullopt;
}

/// The subset of the nvJitLink C API the compiler uses, resolved at run time
/// so that the compiler neither links nor needs the library.
struct NvJitLink {
  using Handle = void *;
  int (*create)(Handle *, uint32_t, const char **) = nullptr;
  int (*destroy)(Handle *) = nullptr;
  int (*addData)(Handle, int, const void *, size_t, const char *) = nullptr;
  int (*complete)(Handle) = nullptr;
  int (*cubinSize)(Handle, size_t *) = nullptr;
  int (*cubin)(Handle, void *) = nullptr;
  int (*errorLogSize)(Handle, size_t *) = nullptr;
  int (*errorLog)(Handle, char *) = nullptr;
  int (*infoLogSize)(Handle, size_t *) = nullptr;
  int (*infoLog)(Handle, char *) = nullptr;
  int (*version)(unsigned *, unsigned *) = nullptr;
  static constexpr int kInputPtx = 2; // NVJITLINK_INPUT_PTX

  static const NvJitLink *load(StringRef toolkit) {
    static std::mutex mutex;
    static llvm::StringMap<std::optional<NvJitLink>> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto [it, inserted] = cache.try_emplace(toolkit);
    if (inserted)
      it->second = open(toolkit);
    return it->second ? &*it->second : nullptr;
  }

private:
  static std::optional<NvJitLink> open(StringRef toolkit) {
    std::optional<std::string> path =
        findInToolkit(toolkit, "lib64/libnvJitLink.so");
    if (!path)
      return std::nullopt;
    std::string error;
    auto lib =
        llvm::sys::DynamicLibrary::getPermanentLibrary(path->c_str(), &error);
    if (!lib.isValid())
      return std::nullopt;
    NvJitLink api;
    bool ok = true;
    auto bind = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(
          lib.getAddressOfSymbol(name));
      ok &= fn != nullptr;
    };
    bind(api.create, "nvJitLinkCreate");
    bind(api.destroy, "nvJitLinkDestroy");
    bind(api.addData, "nvJitLinkAddData");
    bind(api.complete, "nvJitLinkComplete");
    bind(api.cubinSize, "nvJitLinkGetLinkedCubinSize");
    bind(api.cubin, "nvJitLinkGetLinkedCubin");
    bind(api.errorLogSize, "nvJitLinkGetErrorLogSize");
    bind(api.errorLog, "nvJitLinkGetErrorLog");
    bind(api.infoLogSize, "nvJitLinkGetInfoLogSize");
    bind(api.infoLog, "nvJitLinkGetInfoLog");
    bind(api.version, "nvJitLinkVersion");
    return ok ? std::optional<NvJitLink>(api) : std::nullopt;
  }
};

std::string readLog(const NvJitLink &api, NvJitLink::Handle h, bool error) {
  size_t size = 0;
  if ((error ? api.errorLogSize : api.infoLogSize)(h, &size) != 0 || size == 0)
    return {};
  std::string log(size, '\0');
  (error ? api.errorLog : api.infoLog)(h, log.data());
  while (!log.empty() && log.back() == '\0')
    log.pop_back();
  return log;
}

FailureOr<std::vector<char>>
assembleWithNvJitLink(const NvJitLink &api, StringRef ptx, const ChipInfo &chip,
                      Location loc, AssemblerReport &report) {
  unsigned major = 0, minor = 0;
  api.version(&major, &minor);
  report.tool = llvm::formatv("nvJitLink {0}.{1}", major, minor).str();
  std::string arch = ("-arch=" + chip.name).str();
  const char *options[] = {arch.c_str(), "-Xptxas=-v"};
  NvJitLink::Handle h = nullptr;
  if (api.create(&h, 2, options) != 0)
    return emitError(loc) << "nvJitLink: cannot create a link for "
                          << chip.name;
  llvm::scope_exit cleanup([&] { api.destroy(&h); });
  if (api.addData(h, NvJitLink::kInputPtx, ptx.data(), ptx.size(),
                  "kernel.ptx") != 0 ||
      api.complete(h) != 0) {
    std::string log = readLog(api, h, /*error=*/true);
    return emitError(loc) << "nvJitLink failed to assemble the PTX for "
                          << chip.name << ":\n"
                          << log;
  }
  report.log = readLog(api, h, /*error=*/false);
  size_t size = 0;
  api.cubinSize(h, &size);
  std::vector<char> cubin(size);
  if (size == 0 || api.cubin(h, cubin.data()) != 0)
    return emitError(loc) << "nvJitLink produced no cubin for " << chip.name;
  return cubin;
}

FailureOr<std::vector<char>> assembleWithPtxas(StringRef ptxas, StringRef ptx,
                                               const ChipInfo &chip,
                                               Location loc,
                                               AssemblerReport &report) {
  SmallString<128> ptxPath, cubinPath, logPath;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("sm120", "ptx", fd, ptxPath) ||
      llvm::sys::fs::createTemporaryFile("sm120", "cubin", cubinPath) ||
      llvm::sys::fs::createTemporaryFile("sm120", "log", logPath))
    return emitError(loc) << "cannot create temporary files for ptxas";
  llvm::scope_exit cleanup([&] {
    llvm::sys::fs::remove(ptxPath);
    llvm::sys::fs::remove(cubinPath);
    llvm::sys::fs::remove(logPath);
  });
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << ptx;
  }
  std::string version = "ptxas";
  SmallVector<StringRef> args = {ptxas, "-arch",   chip.name, "-v",
                                 "-o",  cubinPath, ptxPath};
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(logPath),
                                          StringRef(logPath)};
  std::string execError;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects, 0, 0,
                                     &execError);
  auto logBuf = llvm::MemoryBuffer::getFile(logPath);
  std::string log = logBuf ? (*logBuf)->getBuffer().str() : std::string();
  if (rc != 0)
    return emitError(loc) << "ptxas failed to assemble the PTX for "
                          << chip.name << (execError.empty() ? "" : ": ")
                          << execError << ":\n"
                          << log;
  report.tool = "ptxas";
  report.log = log;
  auto cubinBuf = llvm::MemoryBuffer::getFile(cubinPath, /*IsText=*/false);
  if (!cubinBuf)
    return emitError(loc) << "ptxas produced no cubin";
  StringRef bytes = (*cubinBuf)->getBuffer();
  return std::vector<char>(bytes.begin(), bytes.end());
}

} // namespace

void mlir::sm120::parseAssemblerLog(StringRef log, StringRef kernel,
                                    AssemblerReport &report) {
  // ptxas -v prints, per entry function:
  //   Compiling entry function 'k' for 'sm_120a'
  //   Function properties for k
  //       0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
  //   Used 40 registers, used 1 barriers, 1024 bytes smem, ...
  bool inKernel = false;
  SmallVector<StringRef> lines;
  log.split(lines, '\n');
  llvm::Regex stack("([0-9]+) bytes stack frame, ([0-9]+) bytes spill stores, "
                    "([0-9]+) bytes spill loads");
  llvm::Regex regs("Used ([0-9]+) registers");
  llvm::Regex smem("([0-9]+) bytes smem");
  for (StringRef line : lines) {
    if (line.contains("Compiling entry function") ||
        line.contains("Function properties for")) {
      inKernel = line.contains(("'" + kernel + "'").str()) ||
                 line.ends_with((" " + kernel).str());
      continue;
    }
    if (!inKernel)
      continue;
    SmallVector<StringRef> m;
    if (stack.match(line, &m)) {
      m[1].getAsInteger(10, report.stackBytes);
      m[2].getAsInteger(10, report.spillStoreBytes);
      m[3].getAsInteger(10, report.spillLoadBytes);
    }
    if (regs.match(line, &m)) {
      m[1].getAsInteger(10, report.registers);
      report.sharedBytes = 0;
      if (smem.match(line, &m))
        m[1].getAsInteger(10, report.sharedBytes);
    }
  }
}

bool mlir::sm120::hasAssembler(StringRef toolkit) {
  return NvJitLink::load(toolkit) || findInToolkit(toolkit, "bin/ptxas");
}

FailureOr<std::vector<char>>
mlir::sm120::assemblePTX(StringRef ptx, const ChipInfo &chip, StringRef kernel,
                         StringRef toolkit, Location loc,
                         AssemblerReport &report, CompileTimes &times) {
  auto start = std::chrono::steady_clock::now();
  FailureOr<std::vector<char>> cubin = failure();
  // libnvJitLink always assembles relocatable code, where ptxas drops
  // setmaxnreg (C7504) and the kernel launches with its own register count:
  // warp-specialized kernels go through whole-program ptxas when it exists.
  bool budgets = ptx.contains("setmaxnreg");
  const NvJitLink *api = NvJitLink::load(toolkit);
  std::optional<std::string> ptxas = findInToolkit(toolkit, "bin/ptxas");
  if (ptxas && (budgets || !api)) {
    cubin = assembleWithPtxas(*ptxas, ptx, chip, loc, report);
  } else if (api) {
    if (budgets)
      emitWarning(loc) << "bin/ptxas not found: libnvJitLink ignores the "
                          "setmaxnreg register budgets of "
                       << kernel;
    cubin = assembleWithNvJitLink(*api, ptx, chip, loc, report);
  } else {
    return emitError(loc)
           << "no CUDA toolkit found (looked in the 'toolkit' option, else "
              "CUDA_HOME and /usr/local/cuda, for lib64/libnvJitLink.so or "
              "bin/ptxas)";
  }
  times.assemble = std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  if (succeeded(cubin))
    parseAssemblerLog(report.log, kernel, report);
  return cubin;
}

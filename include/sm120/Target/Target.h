//===- Target.h - NVVM module to PTX, cubin and bundle ----------*- C++ -*-===//

#ifndef SM120_TARGET_TARGET_H
#define SM120_TARGET_TARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::sm120 {

/// Version of the compiler, written into every manifest and part of every
/// JIT cache key.
llvm::StringRef compilerVersion();

/// A chip the compiler targets, with what the backends need to know of it.
struct ChipInfo {
  llvm::StringRef name;     // "sm_120a"
  llvm::StringRef features; // NVPTX subtarget features, e.g. "+ptx87"
  unsigned ccMajor, ccMinor;
  unsigned maxDynamicSmem; // bytes per block
};

/// Looks up a chip by name; nullopt for unknown chips.
std::optional<ChipInfo> lookupChip(llvm::StringRef name);
/// Names of the supported chips, for diagnostics: "sm_120a, sm_121a, sm_120f,
/// sm_90a".
std::string supportedChips();

/// Wall time of each compile stage, in milliseconds.
struct CompileTimes {
  double translate = 0; // MLIR LLVM+NVVM dialects -> LLVM IR
  double codegen = 0;   // LLVM optimization + NVPTX -> PTX
  double assemble = 0;  // PTX -> cubin
};

/// Translates `module` (LLVM and NVVM dialects only) to LLVM IR in-process,
/// optimizes it at `optLevel` and runs the NVPTX backend for `chip`.
/// Returns the PTX text; emits a diagnostic on `module` on failure.
FailureOr<std::string> translateToPTX(ModuleOp module, const ChipInfo &chip,
                                      unsigned optLevel, CompileTimes &times);

/// What the assembler reported about one kernel (ptxas -v).
struct AssemblerReport {
  std::string tool; // "nvJitLink 13.0" or "ptxas 13.0"
  int registers = -1;
  int spillStoreBytes = -1;
  int spillLoadBytes = -1;
  int stackBytes = -1;
  int sharedBytes = -1;
  std::string log; // the assembler's full info log
};

/// Parses `ptxas -v` style output for `kernel` into `report`.
void parseAssemblerLog(llvm::StringRef log, llvm::StringRef kernel,
                       AssemblerReport &report);

/// Assembles PTX to a cubin for `chip`: in-process with libnvJitLink when it
/// can be loaded, else with the ptxas executable; PTX with setmaxnreg goes to
/// ptxas first (whole-program mode keeps the register budgets that
/// libnvJitLink's relocatable mode drops). The CUDA toolkit is
/// `toolkit` when given, else CUDA_HOME, else /usr/local/cuda. Returns the
/// cubin or emits the assembler's log as an error at `loc`.
FailureOr<std::vector<char>>
assemblePTX(llvm::StringRef ptx, const ChipInfo &chip, llvm::StringRef kernel,
            llvm::StringRef toolkit, Location loc, AssemblerReport &report,
            CompileTimes &times);

/// True when a CUDA toolkit with an assembler (nvJitLink or ptxas) exists.
bool hasAssembler(llvm::StringRef toolkit);

/// A compiled kernel held in memory: what a bundle directory holds.
struct KernelBundle {
  std::string kernel;   // symbol
  std::string baseName; // "<symbol>.<chip>": file names of the PTX and cubin
  std::string ptx;
  std::string cubin;    // empty when not assembled
  std::string manifest; // manifest.json text; empty when not assembled
  AssemblerReport report;
  CompileTimes times;
};

/// The kernel module (LLVM and NVVM dialects, one function carrying
/// `sm120.abi`) to PTX and, when `assemble`, to a cubin and its manifest
/// (docs/bundle-manifest.md). Emits a diagnostic on failure. `translated`,
/// when given, sees the bundle once it holds the PTX, before assembly (so
/// that a caller can keep the PTX of a kernel the assembler rejects).
FailureOr<KernelBundle> buildBundle(
    ModuleOp module, const ChipInfo &chip, unsigned optLevel,
    llvm::StringRef toolkit, bool assemble,
    llvm::function_ref<void(const KernelBundle &)> translated = nullptr);

/// Writes `bundle` into directory `dir` (created when missing), each file
/// through a temporary and a rename, the manifest last.
LogicalResult writeBundle(const KernelBundle &bundle, llvm::StringRef dir,
                          Location loc);

} // namespace mlir::sm120

#endif // SM120_TARGET_TARGET_H

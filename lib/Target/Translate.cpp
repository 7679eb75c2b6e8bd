//===- Translate.cpp - LLVM/NVVM dialects to PTX, in-process ----*- C++ -*-===//

#include "sm120/Target/Target.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Triple.h"

#include <chrono>
#include <mutex>

using namespace mlir;
using namespace mlir::sm120;

// PTX ISA 8.7 is the first with sm_120a and its block-scaled MMA; LLVM 22
// and CUDA 13.0's assembler both accept it. sm_120a and the twin use the
// same version so that their PTX differs only where the chips do; sm_121a
// first exists in PTX 8.8 (the NVPTX backend aborts on less).
static constexpr llvm::StringLiteral kPtxFeatures = "+ptx87";

static const ChipInfo kChips[] = {
    {"sm_120a", kPtxFeatures, 12, 0, 101376},
    {"sm_121a", "+ptx88", 12, 1, 101376},
    // The family target: one cubin for compute capability 12.0 and 12.1
    // (family-specific targets start at PTX 8.8).
    {"sm_120f", "+ptx88", 12, 0, 101376},
    // The verification twin keeps sm_120's shared-memory budget so that
    // schedules match; the hardware allows 232448.
    {"sm_90a", kPtxFeatures, 9, 0, 101376},
};

std::optional<ChipInfo> mlir::sm120::lookupChip(llvm::StringRef name) {
  for (const ChipInfo &c : kChips)
    if (c.name == name)
      return c;
  return std::nullopt;
}

std::string mlir::sm120::supportedChips() {
  std::string s;
  for (const ChipInfo &c : kChips)
    s += (s.empty() ? "" : ", ") + c.name.str();
  return s;
}

namespace {
/// NVVM ops the chip cannot execute are reported here: the NVPTX backend
/// would otherwise abort on them.
LogicalResult checkChipSupport(ModuleOp module, const ChipInfo &chip) {
  // A family target ("f") has its family's accelerated features.
  NVVM::NVVMCheckSMVersion target(chip.name.ends_with("a") ||
                                      chip.name.ends_with("f"),
                                  int(chip.ccMajor * 10 + chip.ccMinor));
  WalkResult result = module.walk([&](Operation *op) {
    bool blockScaled = isa<NVVM::MmaBlockScaleOp, NVVM::MmaSpBlockScaleOp>(op);
    if (blockScaled && chip.ccMajor != 12) {
      op->emitError() << "'" << op->getName()
                      << "' needs sm_120a, sm_121a or sm_120f; "
                      << "the target chip is " << chip.name;
      return WalkResult::interrupt();
    }
    if (auto requires = dyn_cast<NVVM::RequiresSMInterface>(op)) {
      NVVM::NVVMCheckSMVersion need = requires.getRequiredMinSMVersion();
      if (!need.isCompatibleWith(target)) {
        op->emitError() << "'" << op->getName() << "' is not available on "
                        << chip.name;
        return WalkResult::interrupt();
      }
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}
} // namespace

FailureOr<std::string> mlir::sm120::translateToPTX(ModuleOp module,
                                                   const ChipInfo &chip,
                                                   unsigned optLevel,
                                                   CompileTimes &times) {
  static std::once_flag initOnce;
  std::call_once(initOnce, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
    // Lets RunSafely below turn a backend abort into a diagnostic.
    llvm::CrashRecoveryContext::Enable();
  });

  if (failed(checkChipSupport(module, chip)))
    return failure();

  auto start = std::chrono::steady_clock::now();
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  module->getContext()->appendDialectRegistry(registry);

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "sm120");
  if (!llvmModule)
    return module.emitError("failed to translate the kernel module to LLVM "
                            "IR (it must hold only LLVM and NVVM dialect ops)");
  times.translate = msSince(start);

  start = std::chrono::steady_clock::now();
  llvm::Triple triple("nvptx64-nvidia-cuda");
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return module.emitError() << "NVPTX target unavailable: " << error;
  llvm::CodeGenOptLevel cgOpt = optLevel >= 3
                                    ? llvm::CodeGenOptLevel::Aggressive
                                : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                                : llvm::CodeGenOptLevel::None;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, chip.name, chip.features, llvm::TargetOptions(), std::nullopt,
      std::nullopt, cgOpt));
  if (!machine)
    return module.emitError()
           << "cannot create an NVPTX target machine for " << chip.name;
  llvmModule->setTargetTriple(triple);
  llvmModule->setDataLayout(machine->createDataLayout());

  if (llvm::verifyModule(*llvmModule, &llvm::errs()))
    return module.emitError("the translated LLVM IR does not verify");

  // The middle-end pipeline at the requested level (inlining of the
  // always-inline helpers, unrolling, instcombine) before codegen.
  if (optLevel > 0) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(machine.get());
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::OptimizationLevel level = optLevel >= 3 ? llvm::OptimizationLevel::O3
                                    : optLevel == 2
                                        ? llvm::OptimizationLevel::O2
                                        : llvm::OptimizationLevel::O1;
    pb.buildPerModuleDefaultPipeline(level).run(*llvmModule, mam);
  }

  // The NVPTX backend reports what it cannot select with a fatal error; run
  // it under crash recovery so that this becomes a diagnostic, not an exit.
  llvm::SmallString<0> ptx;
  std::string fatal;
  bool emitted = false;
  {
    llvm::raw_svector_ostream os(ptx);
    llvm::legacy::PassManager pm;
    if (machine->addPassesToEmitFile(pm, os, nullptr,
                                     llvm::CodeGenFileType::AssemblyFile))
      return module.emitError("the NVPTX backend cannot emit PTX");
    llvm::ScopedFatalErrorHandler handler(
        [](void *data, const char *reason, bool) {
          *static_cast<std::string *>(data) = reason;
        },
        &fatal);
    llvm::CrashRecoveryContext crc;
    emitted = crc.RunSafely([&] { pm.run(*llvmModule); });
  }
  if (!emitted)
    return module.emitError() << "the NVPTX backend failed for " << chip.name
                              << (fatal.empty() ? "" : ": ") << fatal;
  times.codegen = msSince(start);
  return std::string(ptx.str());
}

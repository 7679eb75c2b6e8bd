//===- Pipelines.h - registered sm120 pass pipelines ------------*- C++ -*-===//

#ifndef SM120_TARGET_PIPELINES_H
#define SM120_TARGET_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::sm120 {

/// Options of sm120-compile: the target, where the bundle goes, and the
/// machine the schedule is chosen for.
struct CompileOptions : public PassPipelineOptions<CompileOptions> {
  Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("sm_120f (the default: one cubin for every sm_12x), "
                     "sm_120a, sm_121a or sm_90a"),
      llvm::cl::init("sm_120f")};
  Option<std::string> output{*this, "output",
                             llvm::cl::desc("Bundle directory to write")};
  Option<std::string> machine{
      *this, "machine",
      llvm::cl::desc("Machine the schedule is chosen for (select-schedule)"),
      llvm::cl::init("rtx-pro-6000")};
  Option<unsigned> sms{*this, "sms",
                       llvm::cl::desc("SM count override (0: the preset's)"),
                       llvm::cl::init(0)};
  Option<int64_t> expectedM{*this, "expected-m",
                            llvm::cl::desc("Rows to cost for a runtime M"),
                            llvm::cl::init(4096)};
  Option<bool> report{*this, "report",
                      llvm::cl::desc("Print each kernel's assembler report"),
                      llvm::cl::init(false)};
};

/// scf/arith/cf/nvvm kernel code to the LLVM and NVVM dialects.
void buildLowerKernelToLLVM(OpPassManager &pm);

/// Kernel spec to the LLVM and NVVM dialects: every stage of sm120-compile
/// but serialization.
void buildCompileToLLVMPipeline(OpPassManager &pm,
                                const CompileOptions &options);

/// Kernel spec to bundle: schedule, tile program, swizzle, pipeline, warp
/// roles, NVVM, LLVM, then serialization.
void buildCompilePipeline(OpPassManager &pm, const CompileOptions &options);

/// Registers sm120-lower-kernel-to-llvm and sm120-compile.
void registerPipelines();

} // namespace mlir::sm120

#endif // SM120_TARGET_PIPELINES_H

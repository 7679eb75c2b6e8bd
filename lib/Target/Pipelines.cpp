//===- Pipelines.cpp - registered sm120 pass pipelines ----------*- C++ -*-===//

#include "sm120/Target/Pipelines.h"
#include "sm120/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::sm120;

void mlir::sm120::buildLowerKernelToLLVM(OpPassManager &pm) {
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::sm120::buildCompileToLLVMPipeline(OpPassManager &pm,
                                             const CompileOptions &options) {
  SelectScheduleOptions schedule;
  schedule.machine = options.machine;
  schedule.sms = options.sms;
  schedule.expectedM = options.expectedM;
  pm.addPass(createSelectSchedule(schedule));
  pm.addPass(createLowerToTiles());
  pm.addPass(createAssignSwizzle());
  pm.addPass(createPipeline());
  pm.addPass(createWarpSpecialize());
  pm.addPass(createLowerToNVVM(LowerToNVVMOptions{options.chip}));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  buildLowerKernelToLLVM(pm);
}

void mlir::sm120::buildCompilePipeline(OpPassManager &pm,
                                       const CompileOptions &options) {
  buildCompileToLLVMPipeline(pm, options);
  SerializeOptions serialize;
  serialize.chip = options.chip;
  serialize.output = options.output;
  serialize.printReport = options.report;
  pm.addPass(createSerialize(serialize));
}

void mlir::sm120::registerPipelines() {
  PassPipelineRegistration<>(
      "sm120-lower-kernel-to-llvm",
      "Lower scf/arith/cf/nvvm kernel code to the LLVM and NVVM dialects",
      buildLowerKernelToLLVM);
  PassPipelineRegistration<CompileOptions>(
      "sm120-compile",
      "Compile kernel specs to a bundle (cubin, PTX, manifest) for a chip",
      buildCompilePipeline);
}

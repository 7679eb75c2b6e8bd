//===- sm120-opt.cpp - the sm120 compiler driver ----------------*- C++ -*-===//
//
// mlir-opt style driver: the sm120 dialect and passes plus the upstream
// dialects and passes the compilation pipeline is built from.
//
//===----------------------------------------------------------------------===//

#include "sm120/Dialect/SM120/IR/SM120.h"
#include "sm120/Target/Pipelines.h"
#include "sm120/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::sm120::SM120Dialect, mlir::arith::ArithDialect,
                  mlir::cf::ControlFlowDialect, mlir::func::FuncDialect,
                  mlir::gpu::GPUDialect, mlir::LLVM::LLVMDialect,
                  mlir::NVVM::NVVMDialect, mlir::memref::MemRefDialect,
                  mlir::nvgpu::NVGPUDialect, mlir::scf::SCFDialect,
                  mlir::vector::VectorDialect>();
  mlir::registerAllToLLVMIRTranslations(registry);

  // Upstream passes the pipeline uses: generic transforms (canonicalize,
  // cse, ...), conversions to LLVM/NVVM, and the GPU passes.
  mlir::registerTransformsPasses();
  mlir::registerConversionPasses();
  mlir::registerGPUPasses();
  mlir::sm120::registerSM120Passes();

  // sm120-compile, and sm120-lower-kernel-to-llvm for kernels written with
  // scf/arith/nvvm (the backend fixture, the bench kernels).
  mlir::sm120::registerPipelines();

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "sm120 compiler driver\n", registry));
}

//===- Summarize.cpp - report every kernel spec of a module -----*- C++ -*-===//

#include "sm120/Dialect/SM120/IR/SM120.h"
#include "sm120/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir::sm120 {
#define GEN_PASS_DEF_SUMMARIZE
#include "sm120/Transforms/Passes.h.inc"
} // namespace mlir::sm120

using namespace mlir;
using namespace mlir::sm120;

namespace {
struct Summarize : sm120::impl::SummarizeBase<Summarize> {
  using SummarizeBase::SummarizeBase;

  void runOnOperation() override {
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> file =
        openOutputFile(outputFile, &error);
    if (!file) {
      getOperation().emitError() << "cannot open report file: " << error;
      return signalPassFailure();
    }
    raw_ostream &os = file->os();
    bool failedAny = false;
    getOperation().walk([&](FunctionOpInterface fn) {
      SmallVector<ProblemOpInterface> problems;
      fn.walk([&](ProblemOpInterface p) { problems.push_back(p); });
      if (problems.empty())
        return;
      if (problems.size() > 1) {
        fn.emitError() << "kernel '" << fn.getName() << "' holds "
                       << problems.size()
                       << " problem ops; a kernel spec holds exactly one";
        failedAny = true;
        return;
      }
      ProblemOpInterface p = problems.front();
      os << "kernel @" << fn.getName() << ": " << p.getFamilyName() << "\n";
      p.printSummary(os);
    });
    if (failedAny)
      return signalPassFailure();
    file->keep();
  }
};
} // namespace

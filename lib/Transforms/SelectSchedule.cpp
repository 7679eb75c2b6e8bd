//===- SelectSchedule.cpp - choose or check GEMM schedules ------*- C++ -*-===//

#include "sm120/Dialect/SM120/IR/SM120.h"
#include "sm120/Schedule/Schedule.h"
#include "sm120/Transforms/Passes.h"

#include "llvm/Support/FormatVariadic.h"

namespace mlir::sm120 {
#define GEN_PASS_DEF_SELECTSCHEDULE
#include "sm120/Transforms/Passes.h.inc"
} // namespace mlir::sm120

using namespace mlir;
using namespace mlir::sm120;

namespace {
struct SelectSchedule : sm120::impl::SelectScheduleBase<SelectSchedule> {
  using SelectScheduleBase::SelectScheduleBase;

  void runOnOperation() override {
    std::optional<MachineModel> model = MachineModel::preset(machine);
    if (!model) {
      getOperation().emitError()
          << "unknown machine '" << machine << "'; expected one of "
          << MachineModel::presetNames();
      return signalPassFailure();
    }
    if (sms)
      model->smCount = sms;
    std::optional<EpilogueKind> only;
    if (epilogue != "any") {
      only = symbolizeEpilogueKind(epilogue);
      if (!only) {
        getOperation().emitError() << "unknown epilogue '" << epilogue
                                   << "'; expected any, direct or tma_store";
        return signalPassFailure();
      }
    }
    if (expectedM < 1) {
      getOperation().emitError() << "expected-m must be positive; got "
                                 << static_cast<int64_t>(expectedM);
      return signalPassFailure();
    }

    WalkResult result = getOperation().walk([&](GemmOp op) {
      GemmProblem problem = GemmProblem::fromOp(op);
      int64_t m = ShapedType::isDynamic(problem.m) ? expectedM : problem.m;
      if (ScheduleAttr given = op.getScheduleAttr()) {
        std::string why = checkSchedule(problem, given, *model);
        if (!why.empty()) {
          op.emitOpError() << "schedule does not fit " << model->name << ": "
                           << why;
          return WalkResult::interrupt();
        }
        report(op, given, estimateCost(problem, given, *model, m), *model, m,
               "kept");
        return WalkResult::advance();
      }
      ScheduleCost cost;
      ScheduleAttr chosen =
          selectSchedule(op.getContext(), problem, *model, m, &cost, only);
      if (!chosen) {
        op.emitOpError() << "no schedule fits " << model->name
                         << " (shared memory " << model->smemPerBlock
                         << " bytes per block)";
        return WalkResult::interrupt();
      }
      op.setScheduleAttr(chosen);
      report(op, chosen, cost, *model, m, "chose");
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  void report(GemmOp op, ScheduleAttr s, const ScheduleCost &cost,
              const MachineModel &model, int64_t m, StringRef verb) {
    if (!print)
      return;
    op.emitRemark() << verb << " " << s << " for M = " << m << " on " << machine
                    << ": " << cost.tiles << " tiles in " << cost.waves
                    << " waves, " << cost.smemBytes
                    << " bytes of shared memory, "
                    << llvm::formatv("{0:f1}", cost.microseconds(model))
                    << " us estimated";
  }
};
} // namespace

//===- SelectSchedule.cpp - choose or check GEMM schedules ------*- C++ -*-===//

#include "sm120/Dialect/SM120/IR/SM120.h"
#include "sm120/Schedule/Schedule.h"
#include "sm120/Transforms/Passes.h"

#include "llvm/Support/FormatVariadic.h"

#include <limits>

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
        getOperation().emitError()
            << "unknown epilogue '" << epilogue
            << "'; expected any, direct, tma_store or ring_store";
        return signalPassFailure();
      }
    }
    if (expectedM < 1 || expectedM > std::numeric_limits<int32_t>::max()) {
      getOperation().emitError() << "expected-m must be 1 to 2^31 - 1; got "
                                 << static_cast<int64_t>(expectedM);
      return signalPassFailure();
    }

    // M-grouped GEMMs write only their groups' rows, one row at a time: the
    // direct epilogue; so do K-grouped ones, into their stack of outputs.
    auto choose = [&](Operation *op, const GemmProblem &problem,
                      ScheduleAttr given, std::optional<EpilogueKind> allowed,
                      int64_t m) -> FailureOr<ScheduleAttr> {
      if (given) {
        std::string why = checkSchedule(problem, given, *model);
        if (why.empty() && allowed && given.getEpilogue() != *allowed)
          why = ("grouped rows and batched outputs are written by the "
                 "direct epilogue; the schedule asks for " +
                 stringifyEpilogueKind(given.getEpilogue()))
                    .str();
        if (!why.empty())
          return op->emitOpError()
                 << "schedule does not fit " << model->name << ": " << why;
        report(op, given, estimateCost(problem, given, *model, m), *model, m,
               "kept");
        return given;
      }
      if (allowed && only && *only != *allowed)
        return op->emitOpError()
               << "grouped rows and batched outputs are written by the "
                  "direct epilogue; the pass was asked for epilogue "
               << epilogue;
      // No block size makes an MN-major FP8 or FP4 operand work: say why.
      for (auto [name, data, kMajor] :
           {std::tuple{"A", problem.a, problem.aKMajor},
            std::tuple{"B", problem.b, problem.bKMajor}})
        if (!kMajor && data != GemmProblem::Data::BF16)
          return op->emitOpError()
                 << "has an MN-major "
                 << (data == GemmProblem::Data::FP8 ? "FP8" : "FP4") << " "
                 << name
                 << "; MN-major operands are lowered for BF16 only "
                    "(ldmatrix.trans reads 16-bit elements): transpose it "
                    "to K-major";
      ScheduleCost cost;
      ScheduleAttr chosen = selectSchedule(op->getContext(), problem, *model, m,
                                           &cost, allowed ? allowed : only);
      if (!chosen)
        return op->emitOpError()
               << "no schedule fits " << model->name << " (shared memory "
               << model->smemPerBlock << " bytes per block)";
      report(op, chosen, cost, *model, m, "chose");
      return chosen;
    };

    WalkResult result = getOperation().walk([&](Operation *op) {
      if (auto gemm = dyn_cast<GemmOp>(op)) {
        GemmProblem problem = GemmProblem::fromOp(gemm);
        int64_t m = ShapedType::isDynamic(problem.m) ? expectedM : problem.m;
        FailureOr<ScheduleAttr> s =
            choose(op, problem, gemm.getScheduleAttr(), std::nullopt, m);
        if (failed(s))
          return WalkResult::interrupt();
        gemm.setScheduleAttr(*s);
      } else if (auto grouped = dyn_cast<GroupedGemmOp>(op)) {
        GemmProblem problem = GemmProblem::fromOp(grouped);
        if (grouped.getKind() == GroupedKind::KGrouped) {
          // Each group's [M, N] is written whole, FP32 into a stack.
          FailureOr<ScheduleAttr> s = choose(
              op, problem, grouped.getScheduleAttr(), EpilogueKind::Direct,
              ShapedType::isDynamic(problem.m) ? expectedM : problem.m);
          if (failed(s))
            return WalkResult::interrupt();
          grouped.setScheduleAttr(*s);
          return WalkResult::advance();
        }
        // Contiguous: the rows of all groups together. Masked: one group's
        // rows (the cost counts every group's tiles). Both from the
        // per-group hint when the op has one.
        bool masked = grouped.getKind() == GroupedKind::Masked;
        int64_t groups = grouped.getB().getType().getDimSize(0);
        int64_t m = ShapedType::isDynamic(problem.m) ? expectedM : problem.m;
        if (IntegerAttr hint = grouped.getExpectedMAttr())
          m = masked                           ? hint.getInt()
              : !ShapedType::isDynamic(groups) ? hint.getInt() * groups
                                               : m;
        FailureOr<ScheduleAttr> s = choose(
            op, problem, grouped.getScheduleAttr(), EpilogueKind::Direct, m);
        if (failed(s))
          return WalkResult::interrupt();
        grouped.setScheduleAttr(*s);
      } else if (auto batched = dyn_cast<BatchedGemmOp>(op)) {
        std::optional<Einsum> e = batched.getEinsum();
        GemmProblem problem = GemmProblem::fromOp(batched);
        int64_t m = ShapedType::isDynamic(problem.m) ? expectedM : problem.m;
        // Each head's rows are strided in D: the direct epilogue. The
        // batch-reduced form writes a plain [m, n].
        std::optional<EpilogueKind> allowed;
        if (e != Einsum::BMK_BNK_MN)
          allowed = EpilogueKind::Direct;
        FailureOr<ScheduleAttr> s =
            choose(op, problem, batched.getScheduleAttr(), allowed, m);
        if (failed(s))
          return WalkResult::interrupt();
        batched.setScheduleAttr(*s);
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  void report(Operation *op, ScheduleAttr s, const ScheduleCost &cost,
              const MachineModel &model, int64_t m, StringRef verb) {
    if (!print)
      return;
    op->emitRemark() << verb << " " << s << " for M = " << m << " on "
                     << machine << ": " << cost.tiles << " tiles in "
                     << cost.waves << " waves, " << cost.smemBytes
                     << " bytes of shared memory, "
                     << llvm::formatv("{0:f1}", cost.microseconds(model))
                     << " us estimated";
  }
};
} // namespace

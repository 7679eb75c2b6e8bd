//===- WarpSpecialize.cpp - producer and math warp roles --------*- C++ -*-===//

#include "sm120/Dialect/SM120/IR/SM120.h"
#include "sm120/Schedule/Schedule.h"
#include "sm120/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::sm120 {
#define GEN_PASS_DEF_WARPSPECIALIZE
#include "sm120/Transforms/Passes.h.inc"
} // namespace mlir::sm120

using namespace mlir;
using namespace mlir::sm120;

namespace {

/// Ops of `block` that `roots` (ops of `block`) need, roots included.
llvm::SmallPtrSet<Operation *, 16> neededOps(Block &block,
                                             ArrayRef<Operation *> roots) {
  llvm::SmallPtrSet<Operation *, 16> needed;
  SmallVector<Operation *> work(roots.begin(), roots.end());
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    if (!needed.insert(op).second)
      continue;
    // Operands of the op and of everything nested in it.
    op->walk([&](Operation *nested) {
      for (Value v : nested->getOperands())
        if (Operation *def = v.getDefiningOp())
          if (Operation *inBlock = block.findAncestorOpInBlock(*def))
            if (!needed.contains(inBlock))
              work.push_back(inBlock);
    });
  }
  return needed;
}

/// Erases the ops of `block` that are not in `keep`, last first, except its
/// terminator.
void eraseAllBut(Block &block, const llvm::SmallPtrSetImpl<Operation *> &keep) {
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
    if (!keep.contains(&op) && !op.hasTrait<OpTrait::IsTerminator>())
      op.erase();
}

/// Reduces the producer's copy of the tile loop to its K loops' produces.
void keepOnlyProduces(TileLoopOp loop) {
  Block &body = loop.getBody().front();
  SmallVector<Operation *> newLoops;
  for (auto kLoop : llvm::make_early_inc_range(body.getOps<scf::ForOp>())) {
    SmallVector<Operation *> produces;
    for (auto p : kLoop.getBody()->getOps<PipelineProduceOp>())
      produces.push_back(p);
    if (produces.empty())
      continue;
    // A K loop without the accumulator: only what the produces need.
    OpBuilder b(kLoop);
    auto bare = scf::ForOp::create(b, kLoop.getLoc(), kLoop.getLowerBound(),
                                   kLoop.getUpperBound(), kLoop.getStep());
    IRMapping map;
    map.map(kLoop.getInductionVar(), bare.getInductionVar());
    b.setInsertionPoint(bare.getBody()->getTerminator());
    auto needed = neededOps(*kLoop.getBody(), produces);
    for (Operation &op : kLoop.getBody()->without_terminator())
      if (needed.contains(&op))
        b.clone(op, map);
    newLoops.push_back(bare);
  }
  eraseAllBut(body, neededOps(body, newLoops));
}

/// Removes the produces (and the arithmetic only they used) from the math
/// copy.
void dropProduces(TileLoopOp loop) {
  SmallVector<PipelineProduceOp> produces;
  loop.walk([&](PipelineProduceOp p) { produces.push_back(p); });
  for (PipelineProduceOp p : produces)
    p.erase();
  IRRewriter rewriter(loop.getContext());
  (void)runRegionDCE(rewriter, loop.getBody());
}

void specialize(TileLoopOp loop) {
  ScheduleAttr s = loop.getSchedule();
  unsigned producerWarps = s.getTmaWarps();
  unsigned mathWarps = s.getNumMathWarps();
  // The setmaxnreg split the schedule was checked against.
  unsigned mathRegisters = mathRegisterBudget(s);

  OpBuilder b(loop);
  auto ws =
      WarpSpecializeOp::create(b, loop.getLoc(), producerWarps,
                               kProducerRegisters, mathWarps, mathRegisters);
  Block *producer = b.createBlock(&ws.getProducer());
  Block *math = b.createBlock(&ws.getMath());
  b.setInsertionPointToEnd(producer);
  auto copy = cast<TileLoopOp>(b.clone(*loop));
  loop->moveBefore(math, math->end());
  keepOnlyProduces(copy);
  dropProduces(loop);
}

struct WarpSpecialize : sm120::impl::WarpSpecializeBase<WarpSpecialize> {
  void runOnOperation() override {
    SmallVector<TileLoopOp> loops;
    getOperation().walk([&](TileLoopOp loop) {
      bool pipelined = false;
      loop.walk([&](PipelineProduceOp) { pipelined = true; });
      if (pipelined && !loop->getParentOfType<WarpSpecializeOp>())
        loops.push_back(loop);
    });
    for (TileLoopOp loop : loops) {
      ScheduleAttr s = loop.getSchedule();
      if (s.getTmaWarps() == 0 || s.getTmaWarps() % 4 != 0 ||
          s.getNumMathWarps() % 4 != 0) {
        loop.emitOpError() << "needs whole warpgroups per role (setmaxnreg); "
                           << "the schedule has " << s.getTmaWarps()
                           << " TMA warps and " << s.getNumMathWarps()
                           << " math warps";
        return signalPassFailure();
      }
      specialize(loop);
    }
  }
};

} // namespace

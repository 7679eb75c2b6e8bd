//===- Pipeline.cpp - K-block loads into an N-stage pipeline ----*- C++ -*-===//

#include "sm120/Dialect/SM120/IR/SM120.h"
#include "sm120/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace mlir::sm120 {
#define GEN_PASS_DEF_PIPELINE
#include "sm120/Transforms/Passes.h.inc"
} // namespace mlir::sm120

using namespace mlir;
using namespace mlir::sm120;

namespace {

/// The K loop of a tile loop: the scf.for of its body that loads tiles.
scf::ForOp findKLoop(TileLoopOp loop) {
  for (Operation &op : loop.getBody().front())
    if (auto kLoop = dyn_cast<scf::ForOp>(op))
      if (!kLoop.getBody()->getOps<TileLoadOp>().empty())
        return kLoop;
  return {};
}

LogicalResult pipelineLoop(TileLoopOp loop) {
  scf::ForOp kLoop = findKLoop(loop);
  if (!kLoop)
    return loop.emitOpError("has no K loop with sm120.tile.load to pipeline");
  SmallVector<TileLoadOp> loads(kLoop.getBody()->getOps<TileLoadOp>());
  SmallVector<Type> tiles;
  for (TileLoadOp load : loads)
    tiles.push_back(load.getType());
  auto pipeType = PipelineType::get(loop.getContext(),
                                    loop.getSchedule().getStages(), tiles);

  OpBuilder b(loop);
  Location loc = loop.getLoc();
  Value pipe = PipelineCreateOp::create(b, loc, pipeType);

  // The stage is filled where the last load was: every load's operands
  // dominate that point.
  b.setInsertionPointAfter(loads.back());
  auto produce = PipelineProduceOp::create(b, loc, pipe);
  Block *body = b.createBlock(&produce.getBody());
  b.setInsertionPointAfter(produce);
  auto consume = PipelineConsumeOp::create(b, loc, TypeRange(tiles), pipe);
  for (auto [load, tile] : llvm::zip(loads, consume.getTiles()))
    load.getResult().replaceAllUsesWith(tile);
  for (TileLoadOp load : loads)
    load->moveBefore(body, body->end());
  b.setInsertionPointToEnd(body);
  SmallVector<Value> yielded;
  for (TileLoadOp load : loads)
    yielded.push_back(load.getResult());
  PipelineYieldOp::create(b, loc, yielded);

  // Release after the last user of the stage's tiles.
  Operation *last = consume;
  for (Value tile : consume.getTiles())
    for (Operation *user : tile.getUsers()) {
      Operation *inBody = kLoop.getBody()->findAncestorOpInBlock(*user);
      if (inBody && last->isBeforeInBlock(inBody))
        last = inBody;
    }
  b.setInsertionPointAfter(last);
  PipelineReleaseOp::create(b, loc, pipe);
  return success();
}

struct Pipeline : sm120::impl::PipelineBase<Pipeline> {
  void runOnOperation() override {
    SmallVector<TileLoopOp> loops;
    getOperation().walk([&](TileLoopOp loop) { loops.push_back(loop); });
    for (TileLoopOp loop : loops) {
      // Already pipelined (the pass is idempotent).
      bool done = false;
      loop.walk([&](PipelineProduceOp) { done = true; });
      if (done || loop->getParentOfType<WarpSpecializeOp>())
        continue;
      if (failed(pipelineLoop(loop)))
        return signalPassFailure();
    }
  }
};

} // namespace

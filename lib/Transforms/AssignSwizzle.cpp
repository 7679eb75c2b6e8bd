//===- AssignSwizzle.cpp - swizzle modes of MMA operand tiles ---*- C++ -*-===//

#include "sm120/Dialect/SM120/IR/SM120.h"
#include "sm120/Schedule/Swizzle.h"
#include "sm120/Transforms/Passes.h"

namespace mlir::sm120 {
#define GEN_PASS_DEF_ASSIGNSWIZZLE
#include "sm120/Transforms/Passes.h.inc"
} // namespace mlir::sm120

using namespace mlir;
using namespace mlir::sm120;

namespace {
struct AssignSwizzle : sm120::impl::AssignSwizzleBase<AssignSwizzle> {
  void runOnOperation() override {
    WalkResult result = getOperation().walk([&](TileMmaOp mma) {
      for (Value operand : {mma.getA(), mma.getB()})
        if (failed(assign(operand)))
          return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  /// Rewrites the type of the tile `operand` to its row size's swizzle.
  LogicalResult assign(Value operand) {
    auto tile = cast<SmemTileType>(operand.getType());
    std::optional<SwizzleMode> mode = swizzleForRowBytes(tile.getRowBytes());
    if (!mode) {
      Operation *def = operand.getDefiningOp();
      InFlightDiagnostic diag =
          def ? def->emitOpError() : emitError(operand.getLoc());
      return diag << "feeds an MMA with " << tile.getRowBytes()
                  << "-byte rows; a swizzled operand tile needs 32, 64 or "
                     "128";
    }
    unsigned swizzle = static_cast<unsigned>(*mode);
    if (tile.getSwizzle() == swizzle)
      return success();
    // A tile that already has a swizzle has the one of its row size (the
    // type requires it), so only unswizzled tiles change, and only where
    // they are loaded: retyping a block argument would break its owner.
    if (!operand.getDefiningOp<TileLoadOp>())
      return emitError(operand.getLoc())
             << "an unswizzled MMA operand tile must come from "
                "sm120.tile.load to be given a swizzle";
    operand.setType(SmemTileType::get(tile.getContext(), tile.getRows(),
                                      tile.getCols(), tile.getElementType(),
                                      swizzle, tile.getUnpacked()));
    return success();
  }
};
} // namespace

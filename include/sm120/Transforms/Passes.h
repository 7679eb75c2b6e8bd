//===- Passes.h - sm120 pass declarations -----------------------*- C++ -*-===//

#ifndef SM120_TRANSFORMS_PASSES_H
#define SM120_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::sm120 {

#define GEN_PASS_DECL
#include "sm120/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "sm120/Transforms/Passes.h.inc"

} // namespace mlir::sm120

#endif // SM120_TRANSFORMS_PASSES_H

//===- SM120.h - sm120 dialect, attributes and problem ops ------*- C++ -*-===//

#ifndef SM120_DIALECT_SM120_IR_SM120_H
#define SM120_DIALECT_SM120_IR_SM120_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "sm120/Dialect/SM120/IR/SM120OpsDialect.h.inc"

#include "sm120/Dialect/SM120/IR/SM120Enums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "sm120/Dialect/SM120/IR/SM120Attrs.h.inc"

#include "sm120/Dialect/SM120/IR/SM120Interfaces.h.inc"

#define GET_TYPEDEF_CLASSES
#include "sm120/Dialect/SM120/IR/SM120OpsTypes.h.inc"

#define GET_OP_CLASSES
#include "sm120/Dialect/SM120/IR/SM120Ops.h.inc"

#endif // SM120_DIALECT_SM120_IR_SM120_H

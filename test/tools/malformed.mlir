// Truncated and mutated copies of every example spec, the tile-program and
// ABI test inputs and the backend fixture go through the compile passes:
// sm120-opt must answer each with a diagnostic or accept it, never crash or
// hang.
// RUN: %python %S/malformed.py sm120-opt %examples %S/../Dialect/SM120/tile-ops.mlir %S/../Dialect/SM120/attrs.mlir %S/../Dialect/SM120/pipeline-ops.mlir %S/../Transforms/lower-to-nvvm.mlir %fixture/kernel.mlir | FileCheck %s
// CHECK: {{[0-9]+}} malformed inputs, 0 crashes

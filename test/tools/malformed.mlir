// Truncated and mutated copies of every example spec: sm120-opt must answer
// each with a diagnostic or accept it, never crash or hang.
// RUN: %python %S/malformed.py sm120-opt %examples | FileCheck %s
// CHECK: {{[0-9]+}} malformed inputs, 0 crashes

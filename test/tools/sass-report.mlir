// The SASS report picks the smallest loop with at least 16 MMAs and counts
// every instruction in it.
// RUN: %python %S/../../scripts/sass-report.py %S/Inputs/loops.sass | FileCheck %s
// CHECK: "function": "k"
// CHECK: "mma_total": 17
// CHECK: "k_loop": {
// CHECK-NEXT: "start": "0x0060",
// CHECK-NEXT: "end": "0x0180",
// CHECK-NEXT: "instructions": 19,
// CHECK-NEXT: "mma": 16,
// CHECK-NEXT: "instructions_per_mma": 1.188,
// CHECK-NEXT: "ldsm": 2,
// CHECK-NEXT: "ldsm_per_mma": 0.125,

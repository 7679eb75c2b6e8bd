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

// Below 16 MMAs per loop (narrow decode tiles), no k-loop; the smallest
// loop holding any MMA is reported as the mma_loop, with the same fields.
// RUN: %python %S/../../scripts/sass-report.py %S/Inputs/narrow.sass | FileCheck %s --check-prefix=NARROW
// NARROW: "function": "narrow"
// NARROW: "k_loop": null,
// NARROW-NEXT: "mma_loop": {
// NARROW-NEXT: "start": "0x0020",
// NARROW-NEXT: "end": "0x0060",
// NARROW-NEXT: "instructions": 5,
// NARROW-NEXT: "mma": 2,
// NARROW-NEXT: "instructions_per_mma": 2.5,
// NARROW-NEXT: "ldsm": 1,
// NARROW-NEXT: "ldsm_per_mma": 0.5,

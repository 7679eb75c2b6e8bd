// REQUIRES: cuda-toolkit
// The fixture assembles for both chips with no spills, and the bundle's
// manifest describes the kernel's parameters and launch.
// RUN: rm -rf %t && mkdir -p %t
// RUN: cat %fixture/kernel.mlir %fixture/mma_sm120a.mlir | sm120-opt %lower-to-llvm --sm120-serialize="chip=sm_120a output=%t/sm_120a report=true" -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: cat %fixture/kernel.mlir %fixture/mma_sm90a.mlir | sm120-opt %lower-to-llvm --sm120-serialize="chip=sm_90a output=%t/sm_90a report=true" -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: FileCheck %s --check-prefixes=CHECK,SM120 < %t/sm_120a/manifest.json
// RUN: FileCheck %s --check-prefixes=CHECK,SM90 < %t/sm_90a/manifest.json
// RUN: test -s %t/sm_120a/fixture_fp8_tile.sm_120a.cubin
// RUN: test -s %t/sm_90a/fixture_fp8_tile.sm_90a.cubin
// RUN: test -s %t/sm_90a/fixture_fp8_tile.sm_90a.ptx

// REPORT: fixture_fp8_tile for sm_{{(120|90)}}a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads, 0 bytes stack

// CHECK-LABEL: "assembler": {
// CHECK-NEXT: "registers": {{[1-9][0-9]*}},
// CHECK-NEXT: "shared_bytes": 0,
// CHECK-NEXT: "spill_load_bytes": 0,
// CHECK-NEXT: "spill_store_bytes": 0,
// CHECK-NEXT: "stack_bytes": 0,
// CHECK-NEXT: "tool": "{{nvJitLink|ptxas}}
// SM120: "chip": "sm_120a",
// SM90: "chip": "sm_90a",
// CHECK: "kernel": {
// SM120-NEXT: "cubin": "fixture_fp8_tile.sm_120a.cubin",
// SM90-NEXT: "cubin": "fixture_fp8_tile.sm_90a.cubin",
// CHECK-NEXT: "symbol": "fixture_fp8_tile"
// CHECK: "dynamic_smem_bytes": 32776,
// CHECK: "kind": "fixed",
// CHECK: "params": [
// CHECK: "dtype": "u8",
// CHECK: "kind": "tma",
// CHECK: "swizzle": 128,
// CHECK-NEXT: "tensor": 0
// CHECK: "kind": "pointer",
// CHECK-NEXT: "tensor": 2
// CHECK: "problem": {
// CHECK: "family": "fixture_fp8_tile",
// CHECK: "schema": "sm120.bundle",
// CHECK-NEXT: "schema_version": 1,
// CHECK: "tensors": [
// CHECK: "contiguous_dim": 1,
// CHECK-NEXT: "dtype": "f8e4m3",
// CHECK-NEXT: "name": "a",
// CHECK-NEXT: "shape": [
// CHECK-NEXT: 128,
// CHECK-NEXT: 128

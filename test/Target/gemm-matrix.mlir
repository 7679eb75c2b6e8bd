// REQUIRES: cuda-toolkit
// Every lowered dense GEMM configuration of the acceptance matrix (FP8 with
// packed UE8M0 scales and BF16, seven (N, K) shapes; FP32 output and
// accumulation into C on one) assembles for sm_120a and for the twin without
// spills; FP4 (UE8M0 per 32) and NVFP4 (UE4M3 per 16) for sm_120a.
// RUN: rm -rf %t
// RUN: env SM120_OPT=%sm120_opt SM120_MATRIX_DIR=%t %scripts/gemm-matrix.sh | FileCheck %s
// CHECK-COUNT-46: for sm_{{(120a|90a)}}: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// CHECK: gemm-matrix: every kernel assembles without spills

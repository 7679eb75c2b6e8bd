// REQUIRES: cuda-toolkit
// Dense BF16 GEMMs with MN-major operands (A and B [K, MN], the direct
// epilogue; B alone with the TMA-store epilogue and a C) assemble for
// sm_120a and the twin without spills, read their tiles with the
// transposing ldmatrix, and load each 128-byte panel with its own TMA copy.
// RUN: rm -rf %t && mkdir -p %t
// RUN: sm120-opt %S/Inputs/mn_major/bf16_tt.mlir --sm120-compile="chip=sm_120a output=%t/tt_120 report=true" -o /dev/null | FileCheck %s --check-prefix=TT
// RUN: sm120-opt %S/Inputs/mn_major/bf16_tt.mlir --sm120-compile="chip=sm_90a output=%t/tt_90 report=true" -o /dev/null | FileCheck %s --check-prefix=TT-90
// RUN: sm120-opt %S/Inputs/mn_major/bf16_nn_tma.mlir --sm120-compile="chip=sm_120a output=%t/nn_120 report=true" -o /dev/null | FileCheck %s --check-prefix=NN
// RUN: sm120-opt %S/Inputs/mn_major/bf16_nn_tma.mlir --sm120-compile="chip=sm_90a output=%t/nn_90 report=true" -o /dev/null | FileCheck %s --check-prefix=NN-90
// RUN: FileCheck %s --check-prefix=NN-PTX < %t/nn_120/mn_bf16_nn_tma.sm_120a.ptx
// RUN: FileCheck %s --check-prefix=NN-MANIFEST < %t/nn_120/manifest.json
// TT: mn_bf16_tt for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// TT-90: mn_bf16_tt for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// NN: mn_bf16_nn_tma for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// NN-90: mn_bf16_nn_tma for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// NN-PTX: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// B's [32, 256] MN-major tile is four 4096-byte panels (after the three
// stages of A's 4096-byte tiles), one copy each at the same K row and
// successive N columns.
// NN-PTX: complete_tx::bytes [%rd[[S:[0-9]+]]+12288], [%rd[[B:[0-9]+]], {%r{{[0-9]+}}, %r[[K:[0-9]+]]}]
// NN-PTX-NEXT: complete_tx::bytes [%rd[[S]]+16384], [%rd[[B]], {%r{{[0-9]+}}, %r[[K]]}]
// NN-PTX-NEXT: complete_tx::bytes [%rd[[S]]+20480], [%rd[[B]], {%r{{[0-9]+}}, %r[[K]]}]
// NN-PTX-NEXT: complete_tx::bytes [%rd[[S]]+24576], [%rd[[B]], {%r{{[0-9]+}}, %r[[K]]}]
// The B box is one panel: 32 rows of K by 64 elements of N.
// NN-MANIFEST: "box": [
// NN-MANIFEST: "box": [
// NN-MANIFEST-NEXT: 32,
// NN-MANIFEST-NEXT: 64
// NN-MANIFEST-NEXT: ],
// NN-MANIFEST: "a_major": "k"
// NN-MANIFEST: "b_major": "mn"

// REQUIRES: cuda-toolkit
// Batched GEMMs (bhr,hdr->bhd: FP8 with per-row scales, BF16 accumulating
// into an FP32 C with a partial N tile, and BF16 and FP8 decode with
// swap_ab; BF16 bhd,hdr->bhr with its MN-major B, plain and swapped; BF16
// bhd,bhr->hdr with both operands MN-major and K the batch rows; BF16
// bmk,bnk->mn over a runtime batch count; and bmk,bnk->bmn, FP8 with a
// runtime K and BF16 decode with swap_ab; BF16 into strided C and D)
// assemble for
// sm_120a and for the twin without spills; the
// manifest bounds the persistent grid by the heads times one head's tiles
// and A's TMA box spans one head.
// RUN: rm -rf %t && mkdir -p %t
// RUN: sm120-opt %S/Inputs/batched/fp8.mlir --sm120-compile="chip=sm_120a output=%t/fp8_120 report=true" -o /dev/null | FileCheck %s --check-prefix=FP8
// RUN: sm120-opt %S/Inputs/batched/fp8.mlir --sm120-compile="chip=sm_90a output=%t/fp8_90 report=true" -o /dev/null | FileCheck %s --check-prefix=FP8-90
// RUN: sm120-opt %S/Inputs/batched/bf16_c.mlir --sm120-compile="chip=sm_120a output=%t/bf16c_120 report=true" -o /dev/null | FileCheck %s --check-prefix=BF16C
// RUN: sm120-opt %S/Inputs/batched/bf16_c.mlir --sm120-compile="chip=sm_90a output=%t/bf16c_90 report=true" -o /dev/null | FileCheck %s --check-prefix=BF16C-90
// RUN: sm120-opt %S/Inputs/batched/bf16_swap.mlir --sm120-compile="chip=sm_120a output=%t/bswap_120 report=true" -o /dev/null | FileCheck %s --check-prefix=BSWAP
// RUN: sm120-opt %S/Inputs/batched/bf16_swap.mlir --sm120-compile="chip=sm_90a output=%t/bswap_90 report=true" -o /dev/null | FileCheck %s --check-prefix=BSWAP-90
// RUN: sm120-opt %S/Inputs/batched/fp8_swap.mlir --sm120-compile="chip=sm_120a output=%t/fswap_120 report=true" -o /dev/null | FileCheck %s --check-prefix=FSWAP
// RUN: sm120-opt %S/Inputs/batched/fp8_swap.mlir --sm120-compile="chip=sm_90a output=%t/fswap_90 report=true" -o /dev/null | FileCheck %s --check-prefix=FSWAP-90
// RUN: sm120-opt %S/Inputs/batched/bmk_bf16.mlir --sm120-compile="chip=sm_120a output=%t/bmk_120 report=true" -o /dev/null | FileCheck %s --check-prefix=BMK
// RUN: sm120-opt %S/Inputs/batched/bmk_bf16.mlir --sm120-compile="chip=sm_90a output=%t/bmk_90 report=true" -o /dev/null | FileCheck %s --check-prefix=BMK-90
// RUN: sm120-opt %S/Inputs/batched/bhd_bf16.mlir --sm120-compile="chip=sm_120a output=%t/bhd_120 report=true" -o /dev/null | FileCheck %s --check-prefix=BHD
// RUN: sm120-opt %S/Inputs/batched/bhd_bf16.mlir --sm120-compile="chip=sm_90a output=%t/bhd_90 report=true" -o /dev/null | FileCheck %s --check-prefix=BHD-90
// RUN: sm120-opt %S/Inputs/batched/bhd_bf16_swap.mlir --sm120-compile="chip=sm_120a output=%t/bhds_120 report=true" -o /dev/null | FileCheck %s --check-prefix=BHDS
// RUN: sm120-opt %S/Inputs/batched/bhd_bf16_swap.mlir --sm120-compile="chip=sm_90a output=%t/bhds_90 report=true" -o /dev/null | FileCheck %s --check-prefix=BHDS-90
// RUN: sm120-opt %S/Inputs/batched/hdr_bf16.mlir --sm120-compile="chip=sm_120a output=%t/hdr_120 report=true" -o /dev/null | FileCheck %s --check-prefix=HDR
// RUN: sm120-opt %S/Inputs/batched/hdr_bf16.mlir --sm120-compile="chip=sm_90a output=%t/hdr_90 report=true" -o /dev/null | FileCheck %s --check-prefix=HDR-90
// RUN: sm120-opt %S/Inputs/batched/bmn_fp8.mlir --sm120-compile="chip=sm_120a output=%t/bmn_120 report=true" -o /dev/null | FileCheck %s --check-prefix=BMN
// RUN: sm120-opt %S/Inputs/batched/bmn_fp8.mlir --sm120-compile="chip=sm_90a output=%t/bmn_90 report=true" -o /dev/null | FileCheck %s --check-prefix=BMN-90
// RUN: sm120-opt %S/Inputs/batched/bmn_bf16_swap.mlir --sm120-compile="chip=sm_120a output=%t/bmns_120 report=true" -o /dev/null | FileCheck %s --check-prefix=BMNS
// RUN: sm120-opt %S/Inputs/batched/bmn_bf16_swap.mlir --sm120-compile="chip=sm_90a output=%t/bmns_90 report=true" -o /dev/null | FileCheck %s --check-prefix=BMNS-90
// RUN: FileCheck %s --check-prefix=BMN-MANIFEST < %t/bmn_120/manifest.json
// RUN: sm120-opt %S/Inputs/batched/bf16_strided.mlir --sm120-compile="chip=sm_120a output=%t/str_120 report=true" -o /dev/null | FileCheck %s --check-prefix=STR
// RUN: sm120-opt %S/Inputs/batched/bf16_strided.mlir --sm120-compile="chip=sm_90a output=%t/str_90 report=true" -o /dev/null | FileCheck %s --check-prefix=STR-90
// RUN: FileCheck %s --check-prefix=STR-MANIFEST < %t/str_120/manifest.json
// RUN: FileCheck %s --check-prefix=BHD-PTX < %t/bhd_120/batched_bhd_bf16.sm_120a.ptx
// RUN: FileCheck %s --check-prefix=BHD-MANIFEST < %t/bhd_120/manifest.json
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/fp8_120/manifest.json
// FP8: batched_fp8 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// FP8-90: batched_fp8 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BF16C: batched_bf16_c for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BF16C-90: batched_bf16_c for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BSWAP: batched_bf16_swap for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BSWAP-90: batched_bf16_swap for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// FSWAP: batched_fp8_swap for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// FSWAP-90: batched_fp8_swap for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BMK: batched_bmk_bf16 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BMK-90: batched_bmk_bf16 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BHD: batched_bhd_bf16 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BHD-90: batched_bhd_bf16 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BHDS: batched_bhd_bf16_swap for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BHDS-90: batched_bhd_bf16_swap for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// HDR: batched_hdr_bf16 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// HDR-90: batched_hdr_bf16 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BMN: batched_bmn_fp8 for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BMN-90: batched_bmn_fp8 for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BMNS: batched_bmn_bf16_swap for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BMNS-90: batched_bmn_bf16_swap for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// BMN-MANIFEST: "equation": "bmk,bnk->bmn"
// STR: batched_bf16_strided for sm_120a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// STR-90: batched_bf16_strided for sm_90a: {{[0-9]+}} registers, 0 bytes spill stores, 0 bytes spill loads
// Two strides (dims 0 and 1) each for c and d.
// STR-MANIFEST-COUNT-4: "kind": "stride",
// STR-MANIFEST-NOT: "kind": "stride",
// BHD-PTX: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// BHD-MANIFEST: "b_major": "mn"
// BHD-MANIFEST: "equation": "bhd,hdr->bhr"
// MANIFEST: "factors": [
// MANIFEST: "tile": 128
// MANIFEST: "tile": 128
// MANIFEST: "dim": 1,
// MANIFEST-NEXT: "tensor": 0,
// MANIFEST-NEXT: "tile": 1
// MANIFEST: "box": [
// MANIFEST-NEXT: 128,
// MANIFEST-NEXT: 1,
// MANIFEST-NEXT: 128
// MANIFEST-NEXT: ],
// MANIFEST: "equation": "bhr,hdr->bhd"
// MANIFEST: "family": "batched_gemm"

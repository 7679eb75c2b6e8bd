// Every example spec is valid, gets a schedule (as in scripts/demo.sh) and
// summarizes to its family.
// RUN: sm120-opt %examples/fp8_gemm.mlir --sm120-select-schedule --sm120-summarize -o /dev/null | FileCheck %s --check-prefix=FP8
// RUN: sm120-opt %examples/nvfp4_gemm.mlir --sm120-select-schedule --sm120-summarize -o /dev/null | FileCheck %s --check-prefix=NVFP4
// RUN: sm120-opt %examples/fp4_gemm.mlir --sm120-select-schedule --sm120-summarize -o /dev/null | FileCheck %s --check-prefix=FP4
// RUN: sm120-opt %examples/fp8_fp4_gemm.mlir --sm120-select-schedule --sm120-summarize -o /dev/null | FileCheck %s --check-prefix=MIXED
// RUN: sm120-opt %examples/moe_grouped_contiguous.mlir --sm120-select-schedule --sm120-summarize -o /dev/null | FileCheck %s --check-prefix=CONTIG
// RUN: sm120-opt %examples/moe_grouped_masked.mlir --sm120-select-schedule --sm120-summarize -o /dev/null | FileCheck %s --check-prefix=MASKED
// RUN: sm120-opt %examples/moe_wgrad_k_grouped.mlir --sm120-select-schedule --sm120-summarize -o /dev/null | FileCheck %s --check-prefix=KGROUP
// RUN: sm120-opt %examples/batched_einsum.mlir --sm120-select-schedule --sm120-summarize -o /dev/null | FileCheck %s --check-prefix=BATCHED
// RUN: sm120-opt %examples/mqa_logits.mlir --sm120-select-schedule --sm120-summarize -o /dev/null | FileCheck %s --check-prefix=MQA
// RUN: sm120-opt %examples/paged_mqa_logits.mlir --sm120-select-schedule --sm120-summarize -o /dev/null | FileCheck %s --check-prefix=PAGED

// FP8: kernel @fp8_gemm_2112x7168: gemm
// FP8-NEXT: sizes: M=? N=2112 K=7168
// NVFP4: kernel @nvfp4_gemm_4096x7168x2048: gemm
// NVFP4: flops: 120259084288
// FP4: kernel @fp4_gemm_2112x7168: gemm
// FP4: sfa: [56, ?] i32 #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>
// MIXED: kernel @fp8_fp4_gemm_2112x7168: gemm
// MIXED: sfb: [56, 2112] i32 #sm120.block_scale<ue8m0, mn = 1, k = 32, packed>
// CONTIG: kernel @moe_up_8x4096x7168: grouped_gemm/contiguous
// CONTIG-NEXT: sizes: G=8 M=? N=4096 K=7168
// MASKED: kernel @moe_masked_32x4096x2048: grouped_gemm/masked
// MASKED: expected_m: 192
// KGROUP: kernel @moe_wgrad_4x4096x7168: grouped_gemm/k_grouped
// KGROUP: flops: 58720256 * sum(K_g)
// BATCHED: kernel @mla_absorb_8x4096x1024: batched_gemm
// BATCHED-NEXT: equation: bhr,hdr->bhd
// MQA: kernel @mqa_logits_h64_d128: mqa_logits
// MQA: output: full, -inf outside ranges
// PAGED: kernel @paged_mqa_logits_h64_d128: paged_mqa_logits
// PAGED: kv: [?, 64, 128] f8E4M3FN strided<[8448, 128, 1]>
// PAGED: kv_scale: [?, 64] f32 strided<[2112, 1], offset: 2048>

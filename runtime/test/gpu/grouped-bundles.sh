#!/usr/bin/env bash
# Runs every M-grouped GEMM bundle (scripts/build-grouped-bundles.sh) on the
# GPU against the CPU reference with sm120-run: random inputs, and for the
# smaller ones small-integer inputs that must match exactly. For kind
# contiguous the harness splits M into groups aligned to the kernel's
# m_alignment; for kind masked it draws each group's valid rows around the
# expected M. One group is empty, and rows of no group must stay untouched.
# Batched bundles run with their batch rows (bhr,hdr->bhd, bhd,hdr->bhr;
# bhd,bhr->hdr, which contracts them)
# or their batch count (bmk,bnk->mn) as the runtime size, bmk,bnk->bmn
# with its runtime K (or none: its decode bundle is static); the dense
# MN-major bundles with their M; the K-grouped ones with their sum K
# (1-D blocks: M and N times it), which the harness splits into groups
# aligned to the kernel's k_alignment (one group empty: its D must equal
# its C).
#   grouped-bundles.sh <sm120-run> <bundle root>
# Exits 77 (skip) without a GPU.
set -uo pipefail
run="$1"
root="$2"
sizes() { # name M -> --sizes for that bundle's dynamic dims
  case "$1" in
  moe_grouped_contiguous) echo "a=0:$2,sfa=1:$2,layout=0:$2,d=0:$2" ;;
  fp8_f32_c) echo "a=0:$2,sfa=1:$(( ($2 + 3) / 4 * 4 )),layout=0:$2,c=0:$2,d=0:$2" ;;
  nvfp4_rows) echo "a=0:$2,sfa=0:$2,layout=0:$2,d=0:$2" ;;
  bf16_prefix) echo "a=0:$2,d=0:$2" ;;
  bf16_nn) echo "a=0:$2,layout=0:$2,d=0:$2" ;;
  masked_fp8 | masked_fp8_fp4 | masked_fp8_swap) echo "a=1:$2,sfa=2:$(( ($2 + 3) / 4 * 4 )),d=1:$2" ;;
  masked_bf16_swap_c) echo "a=1:$2,c=1:$2,d=1:$2" ;;
  masked_nvfp4_c) echo "a=1:$2,sfa=1:$2,c=1:$2,d=1:$2" ;;
  masked_bf16_small) echo "a=1:$2,d=1:$2" ;;
  batched_fp8 | batched_fp8_swap) echo "a=0:$2,sfa=2:$(( ($2 + 3) / 4 * 4 )),d=0:$2" ;;
  batched_bf16_c | batched_bf16_strided) echo "a=0:$2,c=0:$2,d=0:$2" ;;
  batched_bf16_swap | batched_bhd_bf16) echo "a=0:$2,d=0:$2" ;;
  batched_bhd_bf16_swap) echo "a=0:$2,c=0:$2,d=0:$2" ;;
  mn_bf16_tt) echo "a=1:$2,d=0:$2" ;;
  mn_bf16_nn_tma) echo "a=0:$2,c=0:$2,d=0:$2" ;;
  batched_bmk_bf16 | batched_hdr_bf16) echo "a=0:$2,b=0:$2" ;;
  # bmk,bnk->bmn with a runtime K: A and B [b, mn, K], the scales' words.
  batched_bmn_fp8) echo "a=2:$2,b=2:$2,sfa=1:$(( ($2 + 511) / 512 )),sfb=1:$(( ($2 + 511) / 512 ))" ;;
  # Scale rows: every group's words, padded up per group.
  kgrouped_fp8_g128) echo "a=1:$2,b=1:$2,sfa=0:$(( $2 / 512 + 4 )),sfb=0:$(( $2 / 512 + 4 ))" ;;
  kgrouped_fp8_g32) echo "a=1:$2,b=1:$2,sfa=0:$(( $2 / 128 + 5 )),sfb=0:$(( $2 / 128 + 5 ))" ;;
  kgrouped_bf16_mn) echo "a=0:$2,b=0:$2" ;;
  kgrouped_bf16_k) echo "a=1:$2,b=1:$2" ;;
  # 1-D blocks: M * sum K and N * sum K elements.
  kgrouped_fp8_blocks) echo "a=0:$(( 200 * $2 )),b=0:$(( 328 * $2 )),sfa=0:$(( $2 / 512 + 4 )),sfb=0:$(( $2 / 512 + 4 ))" ;;
  kgrouped_bf16_blocks) echo "a=0:$(( 192 * $2 )),b=0:$(( 136 * $2 ))" ;;
  esac
}
failures=0
# The CPU reference dominates the run time (every group's B is dequantized),
# so the large FP8 bundles check random inputs only.
for name in moe_grouped_contiguous fp8_f32_c nvfp4_rows bf16_prefix bf16_nn \
  masked_fp8 masked_nvfp4_c masked_bf16_small masked_fp8_fp4 masked_fp8_swap \
  masked_bf16_swap_c batched_fp8 batched_bf16_c batched_bf16_swap \
  batched_fp8_swap batched_bmk_bf16 batched_bhd_bf16 batched_bhd_bf16_swap \
  batched_hdr_bf16 batched_bmn_fp8 batched_bmn_bf16_swap batched_bf16_strided \
  mn_bf16_tt mn_bf16_nn_tma kgrouped_fp8_g128 kgrouped_fp8_g32 \
  kgrouped_bf16_mn kgrouped_bf16_k kgrouped_fp8_blocks kgrouped_bf16_blocks; do
  modes="random small-int"
  case "$name" in moe_grouped_contiguous | fp8_f32_c | masked_fp8 | batched_fp8) modes=random ;; esac
  # Contiguous: total rows M. Masked: max_m, the rows of each group.
  m=513
  case "$name" in
  masked_bf16_small) m=20 ;;
  masked_fp8_swap | masked_bf16_swap_c) m=37 ;;
  masked_*) m=300 ;;
  batched_fp8) m=129 ;;
  batched_bmk_bf16) m=6 ;;
  batched_bf16_c | batched_bhd_bf16 | batched_bf16_strided) m=131 ;;
  # bhd,bhr->hdr: the batch rows are K.
  batched_hdr_bf16) m=333 ;;
  # bmk,bnk->bmn: K, whose FP8 rows TMA needs 16-byte aligned.
  batched_bmn_fp8) m=336 ;;
  batched_*) m=13 ;;
  # A [K, M]: TMA needs M * 2 bytes to be a multiple of 16.
  mn_bf16_tt) m=520 ;;
  # K-grouped: sum K.
  kgrouped_*) m=2048 ;;
  esac
  for mode in $modes; do
    args=(--iters 1)
    given="$(sizes "$name" $m)"
    [ -n "$given" ] && args+=(--sizes "$given")
    [ "$mode" = small-int ] && args+=(--small-int)
    out="$("$run" "$root/$name/sm_90a" "${args[@]}" 2>&1)"
    status=$?
    if grep -q "NoDevice\|no CUDA device\|cannot load the CUDA driver" <<<"$out"; then
      echo "SKIP: no GPU"
      exit 77
    fi
    echo "$name ($mode): $(grep -E '^(output|result)' <<<"$out" | tr '\n' ' ')"
    [ $status -eq 0 ] || { echo "$out"; failures=$((failures + 1)); }
  done
done
echo "$failures failure(s)"
[ $failures -eq 0 ]

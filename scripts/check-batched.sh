#!/usr/bin/env bash
# Compiles the batched GEMM acceptance checks into build/batched-check/:
# every einsum form with h in {8, 32} heads (or batches) at MLA-like sizes
# (r = 512, d = 128), each for the row buckets the runtime picks for decode
# (16: 1 to 16 rows, 32) and for a prefill-sized 256, through sm120-jit as
# the runtime would ask for them:
#   bhr_fp8, bhr_bf16 (f32 C and D)  bhr,hdr->bhd
#   bhd_bf16                         bhd,hdr->bhr (B read MN-major)
#   bmn_fp8, bmn_bf16                bmk,bnk->bmn
#   hdr_bf16 (f32 C and D)           bhd,bhr->hdr (K = the batch rows)
#   bmk_bf16 (f32 C and D)           bmk,bnk->mn (no heads: the batch count
#                                    is a runtime size)
# Each configuration is also assembled for sm_120a; the ptxas report
# (spills) lands next to the twin's bundle. Run
# scripts/gpu-check-batched.sh on the GPU machine after it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
out="${1:-$build/batched-check}"
rm -rf "$out"
mkdir -p "$out"
fp8=(--sfa ue8m0:1:128:packed --sfb ue8m0:1:128:packed)
bf16=(-a bf16 -b bf16 --sfa none --sfb none)
compile() { # name args...
  local name="$1"
  shift
  for chip in sm_90a sm_120a; do
    local machine=h100
    [ "$chip" = sm_120a ] && machine=rtx-5090
    "$build/bin/sm120-jit" --no-disk --chip "$chip" --machine "$machine" \
      --bundle-out "$out/$name/$chip" "$@" > "$out/$name.$chip.log" 2>&1 ||
      { cat "$out/$name.$chip.log"; exit 1; }
  done
  grep -h "^kernel:" "$out/$name".sm_*.log
}
for h in 8 32; do
  for e in 16 32 256; do
    compile "bhr_fp8_h${h}_e$e" --layout batched --groups $h -n 128 -k 512 \
      --expected-m $e "${fp8[@]}"
    compile "bhr_bf16_h${h}_e$e" --layout batched --groups $h -n 128 -k 512 \
      --expected-m $e "${bf16[@]}" -c --d f32
    compile "bhd_bf16_h${h}_e$e" --layout batched --groups $h -n 512 -k 128 \
      --b-major mn --expected-m $e "${bf16[@]}"
    compile "bmn_fp8_h${h}_e$e" --layout bmn --groups $h -n 128 -k 512 \
      --expected-m $e "${fp8[@]}"
    compile "bmn_bf16_h${h}_e$e" --layout bmn --groups $h -n 128 -k 512 \
      --expected-m $e "${bf16[@]}"
  done
  compile "hdr_bf16_h$h" --layout batched --groups $h -n 136 -k 0 \
    --a-major mn --b-major mn --expected-m 256 "${bf16[@]}" -c --d f32
done
for e in 16 32 256; do
  compile "bmk_bf16_e$e" --layout bmk -n 128 -k 512 --expected-m $e \
    "${bf16[@]}" -c --d f32
done

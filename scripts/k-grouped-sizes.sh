# Sourced by the GPU machine's K-grouped benchmark and check: the sizes of a
# bundle of scripts/bench-k-grouped.sh (named <variant>_<G>x<M>x<N>x<K>).
# k_grouped_sizes NAME sets sumk (1.3 x G x the expected K, a multiple of
# 64) and sizes (sm120-run --sizes: operands of sum K, packed UE8M0 scale
# rows for every group's words, 1-D blocks of M and N times sum K).
k_grouped_sizes() {
  local g m n ek rows
  IFS=x read -r g m n ek <<<"${1#*_}"
  sumk=$(( g * ek * 13 / 10 / 64 * 64 ))
  case "$1" in
  fp8_* | fp8k128_*) rows=$(( sumk / 512 + g ))
    sizes="a=1:$sumk,b=1:$sumk,sfa=0:$rows,sfb=0:$rows" ;;
  fp8g32_* | fp8g32k128_*) rows=$(( sumk / 128 + g ))
    sizes="a=1:$sumk,b=1:$sumk,sfa=0:$rows,sfb=0:$rows" ;;
  fp8blk_*) rows=$(( sumk / 512 + g ))
    sizes="a=0:$(( m * sumk )),b=0:$(( n * sumk )),sfa=0:$rows,sfb=0:$rows" ;;
  *) sizes="a=0:$sumk,b=0:$sumk" ;;
  esac
}

#!/usr/bin/env bash
# Compile-latency benchmark of the JIT on this machine: cold compile of one
# dense FP8 GEMM into an empty cache, disk-cache hit, in-process hit and the
# host side of an entry-point call (build/bin/sm120-jit-bench), beside the
# reference system's first-call compile (NVCC on one DeepGEMM SM120 FP8
# kernel instance) when its sources are given:
#   SM120_DEEPGEMM_INCLUDE  DeepGEMM's deep_gemm/include (branch nv_dev)
#   SM120_CUTLASS_INCLUDE   CUTLASS's include (DeepGEMM's pinned submodule)
# Writes bench/results/jit-<UTC time>.json. Not a test.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SM120_BUILD_DIR:-$root/build}"
runs="${SM120_BENCH_RUNS:-5}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$root/bench/results/jit-$stamp.json"

ours="$("$build/bin/sm120-jit-bench" "$runs")"

reference='{"measured": false, "why": "set SM120_DEEPGEMM_INCLUDE and SM120_CUTLASS_INCLUDE"}'
if [[ -n "${SM120_DEEPGEMM_INCLUDE:-}" && -n "${SM120_CUTLASS_INCLUDE:-}" ]]; then
  cuda="${CUDA_HOME:-/usr/local/cuda}"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  # The instance DeepGEMM's JIT writes for this problem (its generate_impl),
  # compiled with its flags (csrc/jit/compiler.hpp).
  cat > "$tmp/kernel.cu" <<'CU'
#include <deep_gemm/impls/sm120_fp8_fp4_gemm_1d1d.cuh>
using namespace deep_gemm;
static void __instantiate_kernel() {
    auto ptr = reinterpret_cast<void*>(&sm120_fp8_fp4_gemm_1d1d_impl<
        0, 2112, 7168, 128, 128, 1, 128, 128, 128, 128, 128, 0, 4, 128, 256, 188,
        GemmType::Normal, false, cutlass::bfloat16_t,
        epilogue::transform::EpilogueIdentity,
        false, false, false, true, false, 128, 1>);
};
CU
  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$cuda/bin/nvcc" -cubin -o "$tmp/kernel.cubin" "$tmp/kernel.cu" -std=c++20 \
      --diag-suppress=39,161,174,177,186,940 \
      --ptxas-options=--register-usage-level=10 \
      -I "$SM120_DEEPGEMM_INCLUDE" -I "$SM120_CUTLASS_INCLUDE" \
      -gencode=arch=compute_120a,code=sm_120a \
      --compiler-options=-fPIC,-O3,-fconcepts,-Wno-deprecated-declarations,-Wno-abi \
      -O3 --expt-relaxed-constexpr --expt-extended-lambda >"$tmp/log" 2>&1 ||
      { cat "$tmp/log" >&2; exit 1; }
    times+=($(( ($(date +%s%N) - start) / 1000000 )))
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  nvcc_version="$("$cuda/bin/nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/\1/p')"
  reference="{\"measured\": true, \"what\": \"nvcc $nvcc_version, DeepGEMM sm120_fp8_fp4_gemm_1d1d instance, N 2112, K 7168, BM/BN/BK 128, 4 stages, sm_120a\", \"ms\": {\"min\": ${sorted[0]}, \"median\": ${sorted[$(( ${#sorted[@]} / 2 ))]}, \"max\": ${sorted[-1]}}}"
fi

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
commit="$(git -C "$root" rev-parse --short HEAD)"
python3 - "$out" "$ours" "$reference" "$cpu" "$(nproc)" "$commit" "$stamp" <<'PY'
import json, sys
out, ours, ref, cpu, cores, commit, stamp = sys.argv[1:]
ours = json.loads(ours)
record = {
    "benchmark": "jit",
    "date": stamp,
    "commit": commit,
    "machine": {"cpu": cpu, "cores": int(cores)},
    "sm120": ours,
    "reference_first_call_compile": json.loads(ref),
    "targets": {"cold_compile_ms": 500, "disk_hit_ms": 5, "memory_hit_us": 10},
}
c = ours["cold_compile"]["median"]
print(f"cold compile   {ours['cold_compile_first_in_process']['value']:.1f} ms first in process, "
      f"{c:.1f} ms median of fresh caches (target 500 ms)")
print(f"disk hit       {ours['disk_hit']['median']:.3f} ms median (target 5 ms)")
print(f"in-process hit {ours['memory_hit']['median']:.3f} us (target 10 us); "
      f"with the entry point's validation and plan {ours['plan_and_memory_hit']['median']:.3f} us")
r = record["reference_first_call_compile"]
if r["measured"]:
    print(f"reference      {r['ms']['median']} ms median ({r['what']}): "
          f"{r['ms']['median'] / c:.1f}x our cold compile")
else:
    print(f"reference      not measured ({r['why']})")
json.dump(record, open(out, "w"), indent=2)
print(f"wrote {out}")
PY

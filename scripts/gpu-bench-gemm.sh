#!/usr/bin/env bash
# On the GPU machine: the dense GEMM benchmark. Measures the BF16 HMMA
# mma.sync peak (build/bench-bundles, from scripts/bench-mma-peak.sh) and,
# in the same run, twin GEMM bundles at M = 4096 for the benchmark shapes:
# build/gemm-matrix (scripts/gemm-matrix.sh sm_90a: sm_120a's schedules)
# and, where present, build/gemm-bench (SM120_MACHINE=h100
# SM120_MATRIX_DIR=build/gemm-bench scripts/gemm-matrix.sh sm_90a: the
# schedules the twin's own machine model picks). Writes one JSON record
# with TFLOPS, the fraction of the peak and each kernel's schedule to $1
# (default bench/results/). The twin's FP8 emulation bounds (the k-loop's
# arithmetic without memory, bench/mma_peak/mma_peak_twin_fp8_*) run in the
# same run; an FP8 kernel whose warp tile has a bound of the twin's partial
# promotion also gets its fraction of that bound. SM120_COMMIT names the
# commit.
# Usage: scripts/gpu-bench-gemm.sh [out-dir] [M]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/bench/results}"
m="${2:-4096}"
shapes=(7168x16384 4096x7168 24576x1536)
mkdir -p "$out"
source "$root/scripts/gpu-bench-common.sh"

log="$build.bench-gemm.log"
peak="$build.peak.json"
bench_peak "$log" "$peak"
bound="$build.bound.json"
"$build/bin/sm120-mma-peak" "$root"/build/bench-bundles/mma_peak_twin_fp8_* \
  --commit "${SM120_COMMIT:-unknown}" --json "$bound" | tee -a "$log"
for set in gemm-matrix gemm-bench; do
  for dtype in bf16 fp8; do
    for shape in "${shapes[@]}"; do
      dir="$root/build/$set/${dtype}_${shape}_sm_90a"
      [ -d "$dir" ] || continue
      sizes="a=0:$m,d=0:$m"
      [ "$dtype" = fp8 ] && sizes="$sizes,sfa=1:$m"
      echo "case ${dtype} ${shape} M=$m $dir" | tee -a "$log"
      "$build/bin/sm120-run" "$dir" --sizes "$sizes" --no-check --iters 50 \
        | grep -E "^(bundle|device|launch|time)" | tee -a "$log"
    done
  done
done
python3 - "$log" "$peak" "${SM120_COMMIT:-unknown}" "$bound" \
  > "$out/gemm-bench-$(date -u +%Y%m%dT%H%M%SZ).json" <<'PY'
import datetime, json, re, sys
log, peak, commit = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), sys.argv[3]
peak_tflops = max(r["tflops"] for r in peak["results"] if r["mma"] == "bf16")
bounds = {r["mma"]: r["tflops"] for r in json.load(open(sys.argv[4]))["results"]}


def warp_tile(schedule):
    b = re.search(r"block = \[(\d+), (\d+), \d+\]", schedule or "")
    w = re.search(r"warp_layout = \[(\d+), (\d+)\]", schedule or "")
    if not b or not w:
        return None
    return f"{int(b.group(1)) // int(w.group(1))}x{int(b.group(2)) // int(w.group(2))}"
device = re.search(r"device\s+\d+: (.*)", log)
rows = []
for block in re.split(r"^case ", log, flags=re.M)[1:]:
    dtype, n, k, m, bundle = re.match(r"(\S+) (\d+)x(\d+) M=(\d+) (\S+)",
                                      block).groups()
    problem = json.load(open(bundle + "/manifest.json"))["problem"]
    t = re.search(r"median ([0-9.]+) ms.*?([0-9.]+) TFLOPS", block)
    rows.append({"dtype": dtype, "m": int(m), "n": int(n), "k": int(k),
                 "schedule": problem.get("schedule"),
                 "chosen_for": "h100" if "/gemm-bench/" in bundle else "rtx-pro-6000",
                 "median_ms": float(t.group(1)) if t else None,
                 "tflops": float(t.group(2)) if t else None,
                 "fraction_of_peak": float(t.group(2)) / peak_tflops if t else None})
    bound = bounds.get(f"twin_fp8_partial_{warp_tile(problem.get('schedule'))}")
    if dtype == "fp8" and t and bound:
        rows[-1]["fraction_of_bound"] = float(t.group(2)) / bound
print(json.dumps({
    "kind": "gemm-bench", "device": device.group(1).strip() if device else "unknown",
    "commit": commit,
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "peak": {"form": "BF16 m16n8k16 HMMA mma.sync (same run)", "tflops": peak_tflops},
    "fp8_bounds": [{"form": f, "tflops": v, "fraction_of_peak": v / peak_tflops}
                   for f, v in sorted(bounds.items())],
    "target_fraction": 0.75, "results": rows}, indent=2))
PY

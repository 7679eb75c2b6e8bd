#!/usr/bin/env bash
# On the GPU machine: the decode-size GEMM benchmark. Measures the BF16
# HMMA mma.sync peak (build/bench-bundles) and, in the same run, the twin
# bundles of scripts/bench-small-m.sh (build/small-m-bench) with sm120-run
# --no-check for M in {1, 2, 4, 8, 16, 32}: the schedule chosen for the
# call's bucket (16 rows up to M = 16, else 32; swap_ab where the cost model
# picks it) against the plain BM = 64 schedule chosen for 64 rows. Writes
# one JSON record to $1 (default bench/results/), with each case's speedup
# and the rate at which it streams B. SM120_COMMIT names the commit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/bench/results}"
mkdir -p "$out"
source "$root/scripts/gpu-bench-common.sh"

log="$build.bench-small-m.log"
peak="$build.peak.json"
bench_peak "$log" "$peak"
for dir in "$root"/build/small-m-bench/*_m64; do
  base="${dir%_m64}"
  for m in 1 2 4 8 16 32; do
    chosen="${base}_m16"
    [ "$m" -gt 16 ] && chosen="${base}_m32"
    words=$(( (m + 3) / 4 * 4 ))
    sizes="a=0:$m,d=0:$m"
    [[ "$(basename "$base")" == fp8_* ]] && sizes="$sizes,sfa=1:$words"
    for which in plain chosen; do
      bundle="$dir/sm_90a"
      [ "$which" = chosen ] && bundle="$chosen/sm_90a"
      echo "case $(basename "$base") M=$m $which $bundle" | tee -a "$log"
      "$build/bin/sm120-run" "$bundle" --sizes "$sizes" --no-check --iters 50 \
        | grep -E "^time" | tee -a "$log"
    done
  done
done
python3 - "$log" "$peak" "${SM120_COMMIT:-unknown}" \
  > "$out/small-m-bench-$(date -u +%Y%m%dT%H%M%SZ).json" <<'PY'
import datetime, json, re, sys
log, peak, commit = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), sys.argv[3]
peak_tflops = max(r["tflops"] for r in peak["results"] if r["mma"] == "bf16")
device = re.search(r"device\s+\d+: (.*)", log) or re.search(r'"device": "([^"]+)"', json.dumps(peak))
cases = {}
for block in re.split(r"^case ", log, flags=re.M)[1:]:
    name, m, which, bundle = re.match(r"(\S+) M=(\d+) (\w+) (\S+)", block).groups()
    t = re.search(r"median ([0-9.]+) ms.*?([0-9.]+) TFLOPS", block)
    schedule = json.load(open(bundle + "/manifest.json"))["problem"]["schedule"]
    cases.setdefault((name, int(m)), {})[which] = {
        "schedule": schedule,
        "median_ms": float(t.group(1)) if t else None,
        "tflops": float(t.group(2)) if t else None}
rows = []
for (name, m), runs in cases.items():
    dtype, n, k = re.match(r"(\w+?)_(\d+)x(\d+)", name).groups()
    n, k = int(n), int(k)
    chosen, plain = runs.get("chosen", {}), runs.get("plain", {})
    ms = chosen.get("median_ms")
    rows.append({"dtype": dtype, "m": m, "n": n, "k": k, "plain": plain,
                 "chosen": chosen,
                 "swap_ab": "swap_ab = true" in (chosen.get("schedule") or ""),
                 "speedup": plain["median_ms"] / ms
                 if ms and plain.get("median_ms") else None,
                 "fraction_of_peak": chosen["tflops"] / peak_tflops
                 if chosen.get("tflops") else None,
                 "b_tb_per_s": n * k * (1 if dtype == "fp8" else 2) / ms / 1e9
                 if ms else None})
print(json.dumps({
    "kind": "small-m-bench",
    "device": device.group(1).strip() if device else "unknown",
    "commit": commit,
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "peak": {"form": "BF16 m16n8k16 HMMA mma.sync (same run)", "tflops": peak_tflops},
    "results": rows}, indent=2))
PY

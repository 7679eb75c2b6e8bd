#!/usr/bin/env bash
# On the GPU machine: the K-grouped GEMM benchmark. Measures the BF16 HMMA
# mma.sync peak (build/bench-bundles) and, in the same run, the twin
# bundles of scripts/bench-k-grouped.sh (build/k-grouped-bench) with
# sm120-run --no-check. Sum K is 1.3 x G x the expected K per group; the
# harness draws each group's K from 0.7 to 1.3 times sum K / (1.3 G),
# aligned to the kernel's k_alignment, one group empty. TFLOPS count
# 2 M N sum(K_g). Writes one JSON record to $1 (default bench/results/).
# SM120_COMMIT names the commit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/bench/results}"
mkdir -p "$out"
source "$root/scripts/gpu-bench-common.sh"
source "$root/scripts/k-grouped-sizes.sh"

log="$build.bench-k-grouped.log"
peak="$build.peak.json"
bench_peak "$log" "$peak"
for dir in "$root"/build/k-grouped-bench/{fp8,fp8g32,fp8blk,fp8k128,fp8g32k128,bf16mn}_*; do
  name="$(basename "$dir")"
  k_grouped_sizes "$name"
  echo "case $name SUMK=$sumk $dir/sm_90a" | tee -a "$log"
  "$build/bin/sm120-run" "$dir/sm_90a" --sizes "$sizes" --no-check --iters 20 \
    | grep -E "^(bundle|device|launch|time)" | tee -a "$log"
done
python3 - "$log" "$peak" "${SM120_COMMIT:-unknown}" \
  > "$out/k-grouped-bench-$(date -u +%Y%m%dT%H%M%SZ).json" <<'PY'
import datetime, json, re, sys
log, peak, commit = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), sys.argv[3]
peak_tflops = max(r["tflops"] for r in peak["results"] if r["mma"] == "bf16")
device = re.search(r"device\s+\d+: (.*)", log)
rows = []
for block in re.split(r"^case ", log, flags=re.M)[1:]:
    name, sumk, bundle = re.match(r"(\S+) SUMK=(\d+) (\S+)", block).groups()
    kind, shape = name.split("_", 1)
    g, m, n, ek = (int(x) for x in shape.split("x"))
    problem = json.load(open(bundle + "/manifest.json"))["problem"]
    t = re.search(r"median ([0-9.]+) ms.*?([0-9.]+) TFLOPS", block)
    rows.append({"dtype": "bf16" if kind == "bf16mn" else "fp8",
                 "major": "mn" if kind == "bf16mn" else "k",
                 "operands": "1-d blocks" if kind == "fp8blk" else "matrices",
                 "gran_k": 32 if kind.startswith("fp8g32") else 128 if kind.startswith("fp8") else None,
                 "groups": g, "m": m, "n": n, "expected_k": ek, "sum_k": int(sumk),
                 "schedule": problem.get("schedule"),
                 "k_alignment": problem.get("k_alignment"),
                 "median_ms": float(t.group(1)) if t else None,
                 "tflops": float(t.group(2)) if t else None,
                 "fraction_of_peak": float(t.group(2)) / peak_tflops if t else None})
print(json.dumps({
    "kind": "k-grouped-bench", "device": device.group(1).strip() if device else "unknown",
    "commit": commit,
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "peak": {"form": "BF16 m16n8k16 HMMA mma.sync (same run)", "tflops": peak_tflops},
    "results": rows}, indent=2))
PY

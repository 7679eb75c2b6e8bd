#!/usr/bin/env bash
# On the GPU machine: the batched GEMM benchmark (einsum bhr,hdr->bhd, and
# BF16 with B MN-major, whose records also give the ratio to the same
# GEMM with B K-major).
# Measures the BF16 HMMA mma.sync peak (build/bench-bundles) and, in the
# same run, the twin bundles of scripts/bench-batched.sh
# (build/batched-bench) with sm120-run --no-check, each at the batch rows b
# its schedule was chosen for. Writes one JSON record to $1 (default
# bench/results/); SM120_COMMIT names the commit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/bench/results}"
mkdir -p "$out"
source "$root/scripts/gpu-bench-common.sh"

log="$build.bench-batched.log"
peak="$build.peak.json"
bench_peak "$log" "$peak"
for dir in "$root"/build/batched-bench/*_b*; do
  name="$(basename "$dir")"
  b="${name##*_b}"
  sizes="a=0:$b,d=0:$b"
  [[ "$name" == fp8_* ]] && sizes="$sizes,sfa=2:$(( (b + 3) / 4 * 4 ))"
  echo "case $name b=$b $dir/sm_90a" | tee -a "$log"
  "$build/bin/sm120-run" "$dir/sm_90a" --sizes "$sizes" --no-check --iters 50 \
    | grep -E "^(bundle|device|launch|time)" | tee -a "$log"
done
python3 - "$log" "$peak" "${SM120_COMMIT:-unknown}" \
  > "$out/batched-bench-$(date -u +%Y%m%dT%H%M%SZ).json" <<'PY'
import datetime, json, re, sys
log, peak, commit = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), sys.argv[3]
peak_tflops = max(r["tflops"] for r in peak["results"] if r["mma"] == "bf16")
device = re.search(r"device\s+\d+: (.*)", log)
rows = []
for block in re.split(r"^case ", log, flags=re.M)[1:]:
    name, b, bundle = re.match(r"(\S+) b=(\d+) (\S+)", block).groups()
    dtype, h, r, d = re.match(r"(\w+?)_h(\d+)x(\d+)x(\d+)_b", name).groups()
    problem = json.load(open(bundle + "/manifest.json"))["problem"]
    t = re.search(r"median ([0-9.]+) ms.*?([0-9.]+) TFLOPS", block)
    ms = float(t.group(1)) if t else None
    weight_bytes = int(h) * int(d) * int(r) * (1 if dtype == "fp8" else 2)
    rows.append({"equation": problem.get("equation"), "dtype": dtype,
                 "b": int(b),
                 "h": int(h), "r": int(r), "d": int(d),
                 "schedule": problem.get("schedule"),
                 "median_ms": ms,
                 "tflops": float(t.group(2)) if t else None,
                 "fraction_of_peak": float(t.group(2)) / peak_tflops if t else None,
                 # Decode rows are bound by streaming B.
                 "b_tb_per_s": weight_bytes / ms / 1e9 if t else None})
# MN-major B against the same GEMM with B K-major, measured in this run.
k_major = {(r["h"], r["r"], r["d"], r["b"]): r["tflops"]
           for r in rows if r["dtype"] == "bf16"}
for r in rows:
    base = k_major.get((r["h"], r["r"], r["d"], r["b"]))
    if r["dtype"] == "bf16mn" and base and r["tflops"]:
        r["vs_k_major"] = r["tflops"] / base
print(json.dumps({
    "kind": "batched-bench", "device": device.group(1).strip() if device else "unknown",
    "commit": commit,
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "peak": {"form": "BF16 m16n8k16 HMMA mma.sync (same run)", "tflops": peak_tflops},
    "results": rows}, indent=2))
PY

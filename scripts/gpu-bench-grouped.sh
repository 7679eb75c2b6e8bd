#!/usr/bin/env bash
# On the GPU machine: the M-grouped GEMM benchmark. Measures the BF16 HMMA
# mma.sync peak (build/bench-bundles) and, in the same run, the twin
# bundles of scripts/bench-grouped.sh (build/grouped-bench) with sm120-run
# --no-check. Contiguous: M holds G groups of 0.7 to 1.3 times the expected
# rows each (the harness's layout, aligned to the kernel's m_alignment).
# Masked: each group's count is drawn in 0.7 to 1.3 times expected_m, one
# group empty. TFLOPS count the valid rows only. Writes one JSON record to
# $1 (default bench/results/). SM120_COMMIT names the commit;
# SM120_GROUPED_KINDS picks "contiguous", "masked" or both (the default).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/bench/results}"
mkdir -p "$out"
source "$root/scripts/gpu-bench-common.sh"

log="$build.bench-grouped.log"
peak="$build.peak.json"
bench_peak "$log" "$peak"
kinds="${SM120_GROUPED_KINDS:-contiguous masked}"
contiguous=() masked=()
[[ "$kinds" == *contiguous* ]] && contiguous=("$root"/build/grouped-bench/fp8_*)
[[ "$kinds" == *masked* ]] && masked=("$root"/build/grouped-bench/masked_*fp8_*)
for dir in "${contiguous[@]}"; do
  name="$(basename "$dir")"
  g="${name#fp8_g}"; g="${g%%_*}"
  # 1.3 x the expected rows of every group plus one tile of padding each.
  m=$(( (32768 * 13 / 10 + g * 128 + 3) / 4 * 4 ))
  sizes="a=0:$m,sfa=1:$m,d=0:$m"
  [[ "$name" == *_rows ]] && sizes="$sizes,layout=0:$m"
  echo "case $name M=$m $dir/sm_90a" | tee -a "$log"
  "$build/bin/sm120-run" "$dir/sm_90a" --sizes "$sizes" --no-check --iters 20 \
    | grep -E "^(bundle|device|launch|time)" | tee -a "$log"
done
for dir in "${masked[@]}"; do
  echo "case $(basename "$dir") M=4096 $dir/sm_90a" | tee -a "$log"
  "$build/bin/sm120-run" "$dir/sm_90a" --no-check --iters 20 \
    | grep -E "^(bundle|device|launch|time)" | tee -a "$log"
done
python3 - "$log" "$peak" "${SM120_COMMIT:-unknown}" \
  > "$out/grouped-bench-$(date -u +%Y%m%dT%H%M%SZ).json" <<'PY'
import datetime, json, re, sys
log, peak, commit = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), sys.argv[3]
peak_tflops = max(r["tflops"] for r in peak["results"] if r["mma"] == "bf16")
device = re.search(r"device\s+\d+: (.*)", log)
rows = []
for block in re.split(r"^case ", log, flags=re.M)[1:]:
    name, m, bundle = re.match(r"(\S+) M=(\d+) (\S+)", block).groups()
    masked = re.match(r"masked_(swap_)?fp8_g(\d+)_m(\d+)_(\d+)x(\d+)", name)
    if masked:
        swap, g, em, n, k = masked.groups()
        layout = "masked_swap_ab" if swap else "masked"
    else:
        g, n, k, layout = re.match(r"fp8_g(\d+)_(\d+)x(\d+)_(\w+)",
                                   name).groups()
        em = 32768 // int(g)
    problem = json.load(open(bundle + "/manifest.json"))["problem"]
    t = re.search(r"median ([0-9.]+) ms.*?([0-9.]+) TFLOPS", block)
    rows.append({"dtype": "fp8", "groups": int(g), "expected_m": int(em),
                 "m_rows": int(m), "n": int(n), "k": int(k), "layout": layout,
                 "schedule": problem.get("schedule"),
                 "m_alignment": problem.get("m_alignment"),
                 "median_ms": float(t.group(1)) if t else None,
                 "tflops": float(t.group(2)) if t else None,
                 "fraction_of_peak": float(t.group(2)) / peak_tflops if t else None,
                 # Decode-sized groups are bound by streaming the weights.
                 "b_tb_per_s": int(g) * int(n) * int(k) / float(t.group(1)) / 1e9
                 if t else None})
print(json.dumps({
    "kind": "grouped-bench", "device": device.group(1).strip() if device else "unknown",
    "commit": commit,
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "peak": {"form": "BF16 m16n8k16 HMMA mma.sync (same run)", "tflops": peak_tflops},
    "results": rows}, indent=2))
PY

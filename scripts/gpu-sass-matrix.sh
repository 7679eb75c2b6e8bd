#!/usr/bin/env bash
# On the GPU machine (needs nvdisasm): the SASS report of every kernel that
# scripts/gemm-matrix.sh compiled (carried in build/gemm-matrix), one
# record per configuration (hot-loop instructions, MMAs, instructions and
# LDSM per MMA, the instruction mix, registers and spills from the
# manifest), written as one JSON file to $1 (default bench/results/).
# SM120_SASS_DIR picks another tree of bundles (e.g. build/grouped-bench
# with the glob '*/sm_120a') and SM120_SASS_KIND the record's name.
# Usage: scripts/gpu-sass-matrix.sh [out-dir] [bundle-glob]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/bench/results}"
glob="${2:-*}"
dir="${SM120_SASS_DIR:-$root/build/gemm-matrix}"
kind="${SM120_SASS_KIND:-sass-gemm-matrix}"
mkdir -p "$out"
python3 - "$root" "$glob" "${SM120_COMMIT:-unknown}" "$dir" "$kind" \
  > "$out/$kind-$(date -u +%Y%m%dT%H%M%SZ).json" <<'PY'
import datetime, glob, json, os, re, subprocess, sys
root, pattern, commit, tree, kind = sys.argv[1:6]
sys.path.insert(0, os.path.join(root, "scripts"))
report = __import__("sass-report")
kernels = []
for d in sorted(glob.glob(os.path.join(tree, pattern))):
    path = os.path.join(d, "manifest.json")
    if not os.path.exists(path):
        continue
    m = json.load(open(path))
    cubin = os.path.join(d, m["kernel"]["cubin"])
    text = subprocess.run(["nvdisasm", "-c", cubin], capture_output=True,
                          text=True, check=True).stdout
    config = os.path.relpath(d, tree)
    dtype = config.split("_")[0]
    shape = (re.search(r"\d+x\d+(x\d+)?", config) or [None])[0]
    for name, (instrs, labels) in report.parse(text).items():
        r = report.report(name, instrs, labels)
        loop = r.get("k_loop") or r.get("mma_loop") or {}
        kernels.append({
            "config": config, "dtype": dtype, "shape": shape, "chip": m["chip"],
            "function": name, "registers": m["assembler"]["registers"],
            "spill_store_bytes": m["assembler"]["spill_store_bytes"],
            "spill_load_bytes": m["assembler"]["spill_load_bytes"],
            "k_loop_instructions": loop.get("instructions"),
            "mma": loop.get("mma"),
            "instructions_per_mma": loop.get("instructions_per_mma"),
            "ldsm_per_mma": loop.get("ldsm_per_mma"),
            "loop": "k_loop" if r.get("k_loop") else
                    "mma_loop" if loop else None,
            "mix": loop.get("mix")})
        print("%-32s %-8s %-8s %4s instr, %3s MMA, %5s instr/MMA, %5s LDSM/MMA, "
              "%d spill bytes" % (config, m["chip"], kernels[-1]["loop"],
              loop.get("instructions"),
              loop.get("mma"), loop.get("instructions_per_mma"),
              loop.get("ldsm_per_mma"), m["assembler"]["spill_store_bytes"]),
              file=sys.stderr)
device = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                        capture_output=True, text=True).stdout.strip() or "unknown"
print(json.dumps({
    "kind": kind, "device": device, "commit": commit,
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "note": "registers: the launch count (.maxnreg, which setmaxnreg budgets "
            "need); math warps run under setmaxnreg 232. The k-loop is the "
            "smallest loop with at least 16 MMAs (DESIGN.md); where no loop "
            "holds 16, loop = mma_loop: the smallest loop holding any MMA.",
    "kernels": kernels}, indent=2))
PY

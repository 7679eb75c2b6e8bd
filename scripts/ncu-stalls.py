"""Where a kernel's warps stall, from Nsight Compute's source page
(`ncu --import R --page source --print-source sass --csv`): instructions
are grouped by how often they executed (a loop body, once-per-tile code and
the prologue each run a distinct number of times), and each group gets its
share of the warp-state samples and its leading stall reasons, followed by
the instructions that drew the most samples.

usage: ncu-stalls.py <source.csv> [--top N] [--device D] [--commit C]
Prints one JSON object; the regions are ordered by samples. --device and
--commit are recorded as given.
"""

import csv
import json
import sys


def load(path):
    rows = list(csv.reader(open(path, newline="")))
    # The first row names the kernel; the second holds the column names.
    kernel = rows[0][1] if rows and len(rows[0]) > 1 else None
    header, body = rows[1], [r for r in rows[2:] if len(r) == len(rows[1])]
    return kernel, header, body


def number(text):
    try:
        return float(text)
    except ValueError:
        return 0.0


def summarize(path, top=20):
    kernel, header, body = load(path)
    col = {name: i for i, name in enumerate(header)}
    reasons = [h for h in header
               if h.startswith("stall_") and "(Not Issued)" not in h]
    samples_col = col["Warp Stall Sampling (All Samples)"]
    executed_col = col["Instructions Executed"]
    regions = {}
    total = 0.0
    for r in body:
        executed = int(number(r[executed_col]))
        region = regions.setdefault(executed, {
            "executed": executed, "instructions": 0, "samples": 0.0,
            "first": r[col["Address"]], "stalls": {}})
        region["instructions"] += 1
        s = number(r[samples_col])
        region["samples"] += s
        total += s
        for name in reasons:
            v = number(r[col[name]])
            if v:
                key = name[len("stall_"):]
                region["stalls"][key] = region["stalls"].get(key, 0.0) + v
    out_regions = []
    for region in sorted(regions.values(), key=lambda g: -g["samples"]):
        if not region["samples"]:
            continue
        stalls = sorted(region["stalls"].items(), key=lambda kv: -kv[1])
        out_regions.append({
            "executed": region["executed"],
            "instructions": region["instructions"],
            "first_address": region["first"],
            "sample_share": round(region["samples"] / total, 4),
            "stall_share": {k: round(v / region["samples"], 4)
                            for k, v in stalls[:8]}})
    hot = sorted(body, key=lambda r: -number(r[samples_col]))[:top]
    out_hot = []
    for r in hot:
        s = number(r[samples_col])
        if not s:
            break
        stalls = sorted(((number(r[col[n]]), n[len("stall_"):])
                         for n in reasons), reverse=True)
        out_hot.append({
            "address": r[col["Address"]], "sass": r[col["Source"]].strip(),
            "executed": int(number(r[executed_col])),
            "sample_share": round(s / total, 4),
            "stalls": {n: v for v, n in stalls[:2] if v}})
    return {"kernel": kernel, "samples": total, "regions": out_regions,
            "hot_instructions": out_hot}


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    options = {"--top": "20", "--device": None, "--commit": None}
    for flag in options:
        if flag in args:
            i = args.index(flag)
            options[flag] = args[i + 1]
            del args[i:i + 2]
    record = summarize(args[0], int(options["--top"]))
    for flag in ("--device", "--commit"):
        if options[flag] is not None:
            record[flag[2:]] = options[flag]
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()

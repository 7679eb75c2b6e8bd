"""SASS report of a cubin's hot loop, as DESIGN.md's verification section
defines it: the k-loop is the smallest loop (a backward branch and its
target) holding at least 16 MMA instructions (HMMA, QMMA, OMMA, IMMA);
"instructions per MMA" counts every instruction in it. A kernel whose
loops all hold fewer MMAs (narrow decode tiles issue 8 per K block) gets
no k_loop; its "mma_loop" is then the smallest loop holding any MMA,
reported with the same fields so that every kernel has a hot-loop figure.

usage: sass-report.py <file.sass | file.cubin> [--name NAME]
A .cubin is disassembled with nvdisasm (on the GPU machine); a .sass file
is nvdisasm's text. Prints one JSON object per kernel function.
"""

import json
import re
import subprocess
import sys

MMA = re.compile(r"^(HMMA|QMMA|OMMA|IMMA)\b")
INSTR = re.compile(r"/\*([0-9a-f]{4,})\*/\s+(@!?U?P[T0-9]+\s+)?([A-Z][A-Z0-9_.]*)([^;]*);")
LABEL = re.compile(r"^\s*(\.L_[A-Za-z0-9_]+|[A-Za-z_$][\w$.]*):\s*$")
FUNC = re.compile(r"^\s*\.text\.([\w$.]+):\s*$")
TARGET = re.compile(r"`\((\.L_[A-Za-z0-9_]+)\)")


def parse(text):
    """Returns {function: (instructions, labels)} where instructions are
    (address, opcode, operands) in order and labels map to addresses."""
    functions, current = {}, None
    pending = []
    for line in text.splitlines():
        m = FUNC.match(line)
        if m:
            current = m.group(1)
            functions[current] = ([], {})
            pending = []
            continue
        if current is None:
            continue
        instrs, labels = functions[current]
        m = LABEL.match(line)
        if m:
            pending.append(m.group(1))
            continue
        m = INSTR.search(line)
        if m:
            addr = int(m.group(1), 16)
            for label in pending:
                labels[label] = addr
            pending = []
            instrs.append((addr, m.group(3), m.group(4)))
    return functions


def report(name, instrs, labels):
    index = {addr: i for i, (addr, _, _) in enumerate(instrs)}
    loops = []
    for i, (addr, op, operands) in enumerate(instrs):
        if not op.startswith("BRA"):
            continue
        t = TARGET.search(operands)
        if not t or t.group(1) not in labels:
            continue
        target = labels[t.group(1)]
        if target <= addr and target in index:
            loops.append((index[target], i))
    def smallest(least):
        best = None
        for start, end in loops:
            mmas = sum(1 for _, op, _ in instrs[start:end + 1] if MMA.match(op))
            if mmas >= least and (best is None or
                                  end - start < best[1] - best[0]):
                best = (start, end)
        return best

    def describe(span):
        body = instrs[span[0]:span[1] + 1]
        counts = {}
        for _, op, _ in body:
            base = op.split(".")[0]
            counts[base] = counts.get(base, 0) + 1
        mmas = sum(1 for _, op, _ in body if MMA.match(op))
        ldsm = counts.get("LDSM", 0)
        return {
            "start": "0x%04x" % body[0][0], "end": "0x%04x" % body[-1][0],
            "instructions": len(body), "mma": mmas,
            "instructions_per_mma": round(len(body) / mmas, 3),
            "ldsm": ldsm, "ldsm_per_mma": round(ldsm / mmas, 3),
            "mix": dict(sorted(counts.items(), key=lambda kv: -kv[1])),
        }

    out = {"function": name, "instructions": len(instrs),
           "mma_total": sum(1 for _, op, _ in instrs if MMA.match(op))}
    best = smallest(16)
    out["k_loop"] = describe(best) if best else None
    if best is None:
        fallback = smallest(1)
        out["mma_loop"] = describe(fallback) if fallback else None
    return out


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    path = args[0]
    if path.endswith(".cubin"):
        text = subprocess.run(["nvdisasm", "-c", path], capture_output=True,
                              text=True, check=True).stdout
    else:
        text = open(path).read()
    for name, (instrs, labels) in parse(text).items():
        print(json.dumps(report(name, instrs, labels), indent=2))


if __name__ == "__main__":
    main()

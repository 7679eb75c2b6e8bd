"""Feeds sm120-opt truncated and mutated kernel specs; every run must end in
a diagnostic (exit 1) or success (exit 0), never a crash or a hang."""

import pathlib
import random
import subprocess
import sys

opt = sys.argv[1]
# Kernel specs (directories) and single files: the examples, plus inputs
# that exercise the ABI attributes and the tile-program types.
specs = []
for arg in sys.argv[2:]:
    path = pathlib.Path(arg)
    specs += sorted(path.glob("*.mlir")) if path.is_dir() else [path]
rng = random.Random(120)  # fixed seed: the same inputs every run

# Token swaps that keep the text parseable but break types and attributes.
swaps = [
    ("f8E4M3FN", "f16"), ("f4E2M1FN", "i4"), ("bf16", "f8E8M0FNU"),
    ("xi32", "xf32"), ("memref<", "tensor<"), ("memref<?x", "memref<*x"),
    ("packed", "pack"), ("ue8m0", "ue4m3"), ("k = 128", "k = 64"),
    ("mn = 1", "mn = 0"), ("k = 16", "k = 4294967296"), ("masked", "grouped"),
    ("contiguous", "k_grouped"), ("scales(", "scales ("), ("d(", "c("),
    ("x128", "x?"), ("7168", "7169"), ("2048", "-1"), ("strided<[", "strided<[0, "),
    ("sfa_recipe", "sfb_recipe"), ("{clean_logits}", "{clean_logits = 1}"),
    ("<mn>", "<nm>"), (": i64", ": i1"), ("%", "%%"),
    ("x64xf8E4M3FN", "x0xf8E4M3FN"), ("swizzle = 64", "swizzle = 65"),
    ("box = [128, 128]", "box = [128]"), ("block = [128, 1, 1]", "block = [0]"),
    ("tensor = 0", "tensor = 99"), ("!sm120.acc<128x64>", "!sm120.acc<128>"),
]


def inputs():
    for spec in specs:
        text = spec.read_text()
        for cut in range(0, len(text), 37):
            yield f"{spec.name} truncated at {cut}", text[:cut]
        for old, new in swaps:
            if old in text:
                yield f"{spec.name} '{old}'->'{new}'", text.replace(old, new, 1)
        for i in range(40):
            # Delete a random span of up to 12 characters.
            start = rng.randrange(len(text))
            yield f"{spec.name} delete {start}", text[:start] + text[start + rng.randrange(1, 12):]


runs = crashes = 0
for name, text in inputs():
    runs += 1
    try:
        # The compile passes so far run too (they do nothing to non-GEMMs).
        proc = subprocess.run([opt, "-", "--sm120-select-schedule", "--sm120-lower-to-tiles",
                               "--sm120-assign-swizzle", "--sm120-pipeline",
                               "--sm120-warp-specialize", "--sm120-lower-to-nvvm=chip=sm_90a",
                               "--sm120-summarize", "-o", "/dev/null"],
                              input=text, capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        print(f"HANG: {name}")
        crashes += 1
        continue
    if proc.returncode not in (0, 1) or "Stack dump" in proc.stderr:
        crashes += 1
        print(f"CRASH (exit {proc.returncode}): {name}\n{proc.stderr[-2000:]}")
    elif proc.returncode == 1 and "error" not in proc.stderr:
        crashes += 1
        print(f"SILENT FAILURE: {name}")

print(f"{runs} malformed inputs, {crashes} crashes")
sys.exit(1 if crashes else 0)

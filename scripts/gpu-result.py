"""Turns the output of `ctest -L gpu -V` into a JSON result record: device,
commit, date, each test's status and the figures its checks printed."""

import datetime
import json
import re
import sys

log = open(sys.argv[1]).read()
commit = sys.argv[2]

device = re.search(r"device 0: (.*)", log)
tests = {}
for m in re.finditer(r"Test\s+#\d+: (\S+) \.+\**\s*(Passed|Failed|\*\*\*Failed|Not Run|Skipped)", log):
    tests[m.group(1)] = m.group(2).strip("*").lower()
# Every check line the GPU tests print ("[ok] ...", "[FAIL] ...") and every
# line with figures (errors, times).
checks = [l.strip() for l in log.splitlines()
          if re.search(r"\[(ok|FAIL)\]|differ|max |median|TFLOPS|WrongArchitecture", l)]
record = {
    "kind": "gpu-test",
    "test": "runtime fixture (fixture_fp8_tile bundles through libsm120rt)",
    "device": device.group(1).strip() if device else "unknown",
    "commit": commit,
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "tests": tests,
    "passed": bool(tests) and all(v == "passed" for v in tests.values()),
    "figures": checks,
}
print(json.dumps(record, indent=2))

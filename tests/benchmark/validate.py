"""How long `youfu validate` takes on the shipped data (issue 18 asks for under 2 s).

    .venv/bin/python tests/benchmark/validate.py --repeat 7

Runs the command as an editor does (a new process each time, so Python's start-up and
imports are counted) and prints each wall-clock time and the median, plus the time of
`load_catalog` alone in this process (every check validate makes, without start-up).
Machines are noisy (and shared): read the median.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "hooks"))
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "youfu", "validate", "--root", str(ROOT)],
                                capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "hooks")})
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            sys.exit(result.stderr)
    from youfu.catalog import load_catalog

    load_catalog(ROOT)  # warm: imports
    started = time.perf_counter()
    load_catalog(ROOT)
    checks = time.perf_counter() - started
    print("youfu validate (new process):", " ".join(f"{t:.2f}" for t in times), f"s; median {statistics.median(times):.2f} s")
    print(f"load_catalog alone (all checks, imports done): {checks:.2f} s")


if __name__ == "__main__":
    main()

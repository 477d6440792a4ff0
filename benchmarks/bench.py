"""Speed of `grade submit`, printed as medians and ratios measured side by side in one run.

Not a test: these machines are shared and noisy, so figures are read, not asserted.
Usage: python benchmarks/bench.py [--runs N]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    grade = shutil.which("grade") or sys.exit("install first: pip install -e .")
    out = tempfile.mkdtemp(prefix="grade-bench-")
    commands = {
        "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
        "grade submit reference/": [grade, "submit", str(ROOT / "reference"), "--out", out, "--json"],
        "grade submit exercises/": [grade, "submit", str(ROOT / "exercises"), "--out", out, "--json"],
    }
    # Interleave the commands' runs so that load on the machine falls on all of them alike.
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(median_seconds(command, 1))
    baseline = statistics.median(samples["python -c 'import numpy'"])
    print(f"{'command':32} {'median s':>9} {'× import numpy':>15}   ({runs} runs each, interleaved)")
    for name, values in samples.items():
        value = statistics.median(values)
        print(f"{name:32} {value:9.3f} {value / baseline:15.2f}")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()

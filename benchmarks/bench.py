"""Speed and memory of `grade`, printed as medians and ratios measured side by side in one run.

Not a test: these machines are shared and noisy, so figures are read, not asserted.
Usage: python benchmarks/bench.py [--runs N] [--batch N] [--rerun-batch N] [--jobs N] [--isolation auto|bwrap|process]
                                 [--parts single,engine,command,rerun]
"""
from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MISTAKES = sorted((ROOT / "tests" / "fixtures" / "mistakes").glob("*.py"))
HOSTILE = {  # a few submissions that fight back; each costs at most one call's time limit
    "loop": "def relu(x):\n    while True:\n        pass\n",
    "exit": "import os\n\ndef relu(x):\n    os._exit(1)\n",
    "memory": "import numpy as np\n\ndef relu(x):\n    return np.ones(3 * 2**30, dtype=np.uint8)\n",
    "print": "def relu(x):\n    print('x' * 10**7)\n    return x\n",
}


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    run = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if run.returncode:
        sys.exit(f"{' '.join(command)} failed ({run.returncode}):\n{run.stderr.decode(errors='replace')[-2000:]}")
    return time.perf_counter() - started


def single_submission(runs: int, isolation: str) -> None:
    # The script beside this interpreter, as the baseline runs it: a shim on PATH (pyenv's) would add its own time.
    script = Path(sys.executable).with_name("grade")
    grade = str(script) if script.exists() else shutil.which("grade") or sys.exit("install first: pip install -e .")
    out = tempfile.mkdtemp(prefix="grade-bench-")
    commands = {
        "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
        "grade submit reference/": [grade, "submit", str(ROOT / "reference"), "--out", out, "--json",
                                    "--isolation", isolation],
        "grade submit exercises/": [grade, "submit", str(ROOT / "exercises"), "--out", out, "--json",
                                    "--isolation", isolation],
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so that load on the machine falls on every command alike
        for name, command in commands.items():
            samples[name].append(seconds(command))
    baseline = statistics.median(samples["python -c 'import numpy'"])
    print(f"\nOne submission ({runs} interleaved runs each, isolation {isolation})")
    print(f"{'command':32} {'median s':>9} {'× import numpy':>15}")
    for name, values in samples.items():
        print(f"{name:32} {statistics.median(values):9.3f} {statistics.median(values) / baseline:15.2f}")
    shutil.rmtree(out, ignore_errors=True)


def course_kit(runs: int, isolation: str) -> None:
    """Student kits (issue 15): `grade course build` of the built-in course (target < 5 s), and grading with the
    student kit next to grading with the full course (target: no slower), interleaved, in fresh processes."""
    script = Path(sys.executable).with_name("grade")
    grade = str(script) if script.exists() else shutil.which("grade") or sys.exit("install first: pip install -e .")
    from grader.course import builtin_course

    work = Path(tempfile.mkdtemp(prefix="grade-bench-kit-"))
    builds = []
    for run in range(max(3, runs // 3)):
        builds.append(seconds([grade, "course", "build", str(builtin_course().root), "--out", str(work / f"d{run}")]))
    student = work / "d0" / "student"
    prepare = ("from grader.course import load_course; from grader.cases import prepare_exercise; "
               "catalog = load_course().catalog(); [prepare_exercise(catalog, e) for e in catalog.exercises]")
    out = work / "out"
    commands = {
        "prepare every exercise": [sys.executable, "-c", prepare],
        "grade submit reference/": [grade, "submit", str(ROOT / "reference"), "--out", str(out), "--json",
                                    "--isolation", isolation],
        "grade check (stubs)": [grade, "check", "--path", str(ROOT / "exercises"), "--isolation", isolation],
    }
    samples: dict[tuple[str, str], list[float]] = {}
    environments = {"full course": dict(os.environ), "student kit": {**os.environ, "GRADE_COURSE": str(student)}}
    for _ in range(runs):  # interleaved, so that load on the machine falls on both alike
        for name, command in commands.items():
            for course, environment in environments.items():
                started = time.perf_counter()
                subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
                samples.setdefault((name, course), []).append(time.perf_counter() - started)
    print(f"\nStudent kits ({runs} interleaved runs each, isolation {isolation})")
    print(f"  grade course build (built-in course): median {statistics.median(builds):.2f} s of {len(builds)}"
          f" (target < 5 s)")
    print(f"  {'command':28} {'full course s':>14} {'student kit s':>14} {'kit / full':>11}")
    for name in commands:
        full, kit = (statistics.median(samples[(name, course)]) for course in environments)
        print(f"  {name:28} {full:14.3f} {kit:14.3f} {kit / full:11.2f}")
    shutil.rmtree(work, ignore_errors=True)


def make_class(folder: Path, size: int) -> list[Path]:
    """`size` submissions: mostly correct, about a third with one known mistake, a few hostile.

    A mistake or an attack is appended to the stub's own file, so its `def` replaces the correct one.
    """
    from grader.catalog import load_catalog

    module_of = {exercise.id: exercise.module for exercise in load_catalog().exercises}
    rng = random.Random(0)
    reference = [p for p in (ROOT / "reference").glob("*.py") if p.name != "__init__.py"]
    paths = []
    for index in range(size):
        student = folder / f"student{index:04d}"
        student.mkdir()
        for source in reference:
            shutil.copy(source, student / source.name)
        if index % 250 == 7:
            extra, target = HOSTILE[list(HOSTILE)[index // 250 % len(HOSTILE)]], student / "activations.py"
        elif rng.random() < 0.35:
            mistake = rng.choice(MISTAKES)
            exercise = re.search(r"in (\w+)\. Graded", mistake.read_text(encoding="utf-8")).group(1)
            extra, target = mistake.read_text(encoding="utf-8"), student / f"{module_of[exercise]}.py"
        else:
            extra, target = "", None
        if target is not None:
            target.write_text(target.read_text(encoding="utf-8") + "\n\n" + extra, encoding="utf-8")
        paths.append(student)
    return paths


def numpy_imports(size: int, jobs: int) -> float:
    """Seconds for `size` fresh `python -c "import numpy"` processes, `jobs` at a time: the baseline."""
    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(lambda _: seconds([sys.executable, "-c", "import numpy"]), range(size)))
    return time.perf_counter() - started


def engine_batch(paths: list[Path], jobs: int, isolation: str) -> float:
    """The class through the engine's batch API; returns its seconds."""
    from grader.grading import Grader
    from grader.runner import Limits

    # A 1 s call limit: the few hostile submissions would otherwise spend most of the run waiting.
    grader = Grader(isolation=isolation, limits=Limits(call_seconds=1.0))
    sampler = MemorySampler()
    sampler.start()
    started = time.perf_counter()
    graded = sum(item.result is not None for item in grader.grade_batch(paths, jobs=jobs))
    engine = time.perf_counter() - started
    sampler.stop()
    grader_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = len(paths)
    print(f"\nA class of {size} ({graded} graded) through the engine's batch API, {jobs} jobs, isolation {isolation}")
    print(f"  engine:                          {engine:8.2f} s  ({engine / size * 1000:.1f} ms per submission)")
    print(f"  peak memory: grader alone {grader_mb:.0f} MB (max RSS); grader, fork server and workers together"
          f" {sampler.peak_mb:.0f} MB (sum of PSS, sampled every {sampler.interval * 1000:.0f} ms)")
    return engine


def command_batch(folder: Path, size: int, jobs: int, isolation: str, reruns: int = 3) -> float:
    """`grade batch` as an instructor runs it, then again over the unchanged class (median of `reruns`);
    returns the first run's seconds.

    Targets (issues 11 and 14): the first run of 1000 ≤ 0.35 × as many numpy imports at the same
    parallelism, peak memory ≤ 300 MB; an unchanged re-run of 300 students ≤ 2 % of the first.
    """
    out = folder.parent / f"graded-{size}"
    command = [sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), "--jobs", str(jobs),
               "--isolation", isolation, "--call-timeout", "1"]
    sampler = MemorySampler()
    sampler.start()
    first = seconds(command)
    sampler.stop()
    rerun = statistics.median(seconds(command) for _ in range(reruns))
    print(f"\nA class of {size} through `grade batch` (reports, gradebook, grades.csv, index.html), {jobs} jobs")
    print(f"  first run:                       {first:8.2f} s  ({first / size * 1000:.1f} ms per submission)")
    print(f"  unchanged re-run (median of {reruns}):  {rerun:8.2f} s  ({100 * rerun / first:.1f} % of the first)")
    print(f"  peak memory, all processes:      {sampler.peak_mb:8.0f} MB (sum of PSS, target ≤ 300)")
    return first


class MemorySampler(threading.Thread):
    """The peak of the memory the grader and all its descendants use together.

    PSS (proportional set size) counts a page shared by n processes as 1/n in each, so the pages the
    forked workers share with their fork server are counted once, as the machine pays for them.
    """

    interval = 0.05

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.interval):
            self.peak_mb = max(self.peak_mb, sum(_pss_kb(pid) for pid in _tree(os.getpid())) / 1024)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--isolation", default="auto")
    parser.add_argument("--rerun-batch", type=int, default=300,
                        help="class size for the unchanged re-run figure (0: skip)")
    parser.add_argument("--parts", default="single,engine,command,rerun",
                        help="which measurements: single, engine, command, rerun")
    options = parser.parse_args()
    parts = set(options.parts.split(","))
    if "single" in parts:
        single_submission(options.runs, options.isolation)
    if options.batch and parts & {"engine", "command"}:
        # The baseline in two halves, one before the batches and one after (A-B-A): a machine that gets slower
        # or faster during the run (a shared host) moves both sides alike instead of biasing the ratio.
        half = options.batch // 2
        before = numpy_imports(half, options.jobs)
        timed = {}
        with tempfile.TemporaryDirectory(prefix="grade-class-") as tmp:
            folder = Path(tmp) / "class"
            folder.mkdir()
            paths = make_class(folder, options.batch)
            if "engine" in parts:
                timed["the engine's batch API"] = engine_batch(paths, options.jobs, options.isolation)
            if "command" in parts:
                timed["`grade batch`"] = command_batch(folder, options.batch, options.jobs, options.isolation)
        after = numpy_imports(options.batch - half, options.jobs)
        baseline = before + after
        print(f"\n{options.batch} × python -c 'import numpy', {options.jobs} at a time: {baseline:.2f} s"
              f" ({before:.2f} s for {half} before the batches, {after:.2f} s for {options.batch - half} after)")
        for name, elapsed in timed.items():
            print(f"  ratio of {name} to them: {elapsed / baseline:.2f}  (target ≤ 0.35)")
    if "kit" in parts:
        course_kit(options.runs, options.isolation)
    if options.rerun_batch and "rerun" in parts:
        with tempfile.TemporaryDirectory(prefix="grade-class-") as tmp:
            folder = Path(tmp) / "class"
            folder.mkdir()
            make_class(folder, options.rerun_batch)
            command_batch(folder, options.rerun_batch, options.jobs, options.isolation)


if __name__ == "__main__":
    main()

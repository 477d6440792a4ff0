"""Starting a worker: how the child process is created is the only thing isolation modes change."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

WORKER = Path(__file__).with_name("worker.py")

# Nothing of the grader's environment leaks into the child; one BLAS thread keeps a batch's
# parallel workers from oversubscribing the cores and keeps OpenBLAS's memory small.
CHILD_ENV = {
    "PATH": os.defpath,
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


@dataclass
class Worker:
    process: subprocess.Popen
    protocol_fd: int
    """The read end of the pipe the worker reports on."""


class ProcessLauncher:
    """A plain child process in its own session, with a scrubbed environment and closed stdin.

    The worker lowers its own resource limits (address space, CPU, processes, file size) before it
    runs any student code, from the limits written in the plan.
    """

    isolation = "process"

    def start(self, plan: Path, workdir: Path, output: IO[bytes]) -> Worker:
        read_fd, write_fd = os.pipe()
        try:
            env = dict(CHILD_ENV, HOME=str(workdir), TMPDIR=str(workdir))
            process = subprocess.Popen(
                [sys.executable, "-I", "-B", str(WORKER), str(plan), str(write_fd)],
                stdin=subprocess.DEVNULL, stdout=output, stderr=output, cwd=workdir, env=env,
                pass_fds=(write_fd,), start_new_session=True,
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        return Worker(process, read_fd)

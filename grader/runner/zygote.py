"""A fork server: Python and NumPy are loaded once, and each submission runs in a forked child.

Started by the grader as `python -I -S -B zygote.py NUMPY_FOLDER MODE CONTROL_FD`, in a Bubblewrap sandbox
(MODE `namespaces`) or as a plain child process (MODE `process`). It never runs student code and
never reads a student's plan: it only forks. For each request on the control socket (the message
`run`, or `run UID`, with five file descriptors: plan, protocol, output, status, kill, then one
cgroup.procs file per cgroup the submission must join) it forks a *nursery*, which joins those cgroups:

- In `namespaces` mode the nursery enters new user, mount, PID, network, IPC and UTS namespaces,
  nested inside the sandbox's. Its child (the worker) is PID 1 of that PID namespace, mounts its own
  size-capped empty tmpfs at /submission, /work, /tmp and /dev/shm, a /dev of its own holding only
  null, zero, full, random and urandom (read-only, no tty), and a /proc that shows only its own
  processes, writes the student's files from the plan, then drops every capability so none of that
  can be undone. Two submissions served by one fork server never share a file or a process.
- In `process` mode the worker gets its own session, its private run folder and resource limits,
  and with a UID it runs as that uid. The nursery is a child subreaper: whatever the submission
  starts, double-forked and setsid or not, becomes its child when orphaned and is killed at the end.
  Run as root, the worker is also PID 1 of a new PID namespace: it can signal no process outside.

The nursery waits for the worker or for the kill pipe to close (the grader's way of saying stop),
kills the worker and everything it started, and writes the worker's exit code to the status pipe.

Like worker.py, this file needs nothing but the standard library and the files beside it.
"""
import base64
import importlib.util
import json
import os
import select
import signal
import socket
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))

_namespaces = None  # namespaces.py, loaded in main()


def _load(name):
    spec = importlib.util.spec_from_file_location(f"_grade_{name}", os.path.join(_HERE, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_sources(plan):
    root = plan["root"]
    for unit in plan["units"]:
        source = unit.get("source_base64")
        if source is not None:
            path = os.path.join(root, unit["path"])
            os.makedirs(os.path.dirname(path), exist_ok=True)  # a file in a subfolder of the submission
            with open(path, "wb") as handle:
                handle.write(base64.b64decode(source))


def become_worker(mode, worker, plan_fd, protocol_fd, output_fd, uid):
    if mode == "namespaces":
        _namespaces.prctl(_namespaces.PR_SET_PDEATHSIG, signal.SIGKILL)
        _namespaces.make_private_folders()
    os.setsid()
    if uid is not None:  # for good: no way back to the grader's uid
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    with os.fdopen(plan_fd, encoding="utf-8") as handle:
        plan = json.load(handle)
    if mode == "namespaces":
        write_sources(plan)
        _namespaces.drop_capabilities()
    os.environ.update(HOME=plan["workdir"], TMPDIR=plan["tmpdir"])
    os.chdir(plan["workdir"])
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(output_fd)
    worker.serve(plan, protocol_fd)


def nursery(mode, worker, fds, uid):
    """Start one worker, wait for it or for the kill pipe, and report how it ended."""
    (plan_fd, protocol_fd, output_fd, status_fd, kill_fd), groups = fds[:5], fds[5:]
    for fd in groups:  # the submission's cgroups, which the worker and all it starts inherit
        os.write(fd, b"0")
        os.close(fd)
    if mode == "namespaces":
        _namespaces.enter_namespaces()
    else:
        _namespaces.prctl(_namespaces.PR_SET_CHILD_SUBREAPER, 1)
        if os.geteuid() == 0:  # root needs no user namespace for this: no pid outside is reachable from inside
            _namespaces.unshare(_namespaces.CLONE_NEWPID)
    # The worker's end wakes the select below through this pipe (portable, and free of races).
    ended, wakeup = os.pipe()
    os.set_blocking(wakeup, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # the fork server ignores it; this process must wait
    signal.set_wakeup_fd(wakeup)
    pid = os.fork()
    if pid == 0:
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for fd in (status_fd, kill_fd, ended, wakeup):
                os.close(fd)
            become_worker(mode, worker, plan_fd, protocol_fd, output_fd, uid)
        except BaseException as error:  # a setup failure: say so where the grader will read it
            _say(output_fd, f"grade worker setup failed: {error}\n")
        os._exit(70)
    for fd in (plan_fd, protocol_fd, output_fd):
        os.close(fd)
    status = None
    while status is None:
        ready, _, _ = select.select([ended, kill_fd], [], [])
        if kill_fd in ready:
            break
        os.read(ended, 512)
        status = _reap(pid)  # an orphan adopted by this subreaper may have ended, not the worker
    # PID 1 of the namespace takes every process of the namespace with it; a session is killed as a group.
    if mode == "process":
        _kill(os.killpg, pid)
    if status is None:
        _kill(os.kill, pid)
        _, status = os.waitpid(pid, 0)
    if mode == "process":
        _kill_descendants()
    os.write(status_fd, f"{os.waitstatus_to_exitcode(status)}\n".encode())
    os._exit(0)


def _reap(worker):
    """Reap every ended child without blocking; the worker's wait status when it was among them."""
    found = None
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return found
        if pid == 0:
            return found
        if pid == worker:
            found = status


def _kill_descendants():
    """Kill every child this subreaper adopted, until none is left.

    Run as root (the only case with a pool uid), the worker was PID 1 of its own PID namespace,
    and the kernel has already killed every process of the namespace: nothing is left to adopt.
    """
    me = os.getpid()
    while True:
        try:
            with open(f"/proc/{me}/task/{me}/children") as handle:
                children = [int(p) for p in handle.read().split()]
        except OSError:
            children = []
        for child in children:
            _kill(os.kill, child)
        try:
            pid, _ = os.waitpid(-1, 0 if children else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0 and not children:
            return


def _say(fd, text):
    for where in (fd, 2):  # the output file may already be stdout and stderr
        try:
            os.write(where, text.encode()[:2000])
            return
        except OSError:
            pass


def _kill(how, pid):
    try:
        how(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def main():
    numpy_folder, mode, control = sys.argv[1], sys.argv[2], socket.socket(fileno=int(sys.argv[3]))
    sys.path.append(numpy_folder)  # started without `site`, to start sooner
    global _namespaces
    _namespaces = _load("namespaces")
    worker = _load("worker")  # imports NumPy once, for every submission to come
    problem = _namespaces.self_test() if mode == "namespaces" else ""
    if problem:
        control.send(problem.encode()[:64])
        os._exit(1)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # nurseries are reaped by the kernel
    control.send(b"ready")
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 64, 8)
        except OSError:
            break
        words = message.split()
        if not words or words[0] != b"run" or len(words) > 2 or len(fds) < 5:
            for fd in fds:
                os.close(fd)
            if not message:
                break  # the grader closed the socket: time to go
            continue
        pid = os.fork()
        if pid == 0:
            control.close()
            try:
                nursery(mode, worker, fds, int(words[1]) if len(words) == 2 else None)
            except BaseException as error:  # the namespaces could not be made: tell the grader why
                _say(fds[2], f"grade worker setup failed: {error}\n")
            os._exit(71)
        for fd in fds:
            os.close(fd)
    os._exit(0)


if __name__ == "__main__":
    main()

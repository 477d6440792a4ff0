"""A worker's own namespaces and private folders, made by the fork server's nursery (zygote.py).

Loaded by path beside zygote.py, inside the sandbox: it needs nothing but the standard library.
"""
import ctypes
import os

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 0x4000, 0x40000
MS_BIND, MS_REMOUNT = 4096, 32
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER = 1, 38, 36
# Size caps (limits, not allocations; the memory cgroup counts what is written, too). /submission
# holds any submission the intake accepts: 256 files of at most 1 MiB, 50 MiB in all.
PRIVATE_FOLDERS = {"/submission": b"size=320m,nr_inodes=2048,mode=0777",
                   "/work": b"size=64m,nr_inodes=4096,mode=0777",
                   "/tmp": b"size=64m,nr_inodes=4096,mode=0777"}
DEVICES = ("null", "zero", "full", "random", "urandom")
DEV_OPTIONS = b"size=16k,nr_inodes=32,mode=0755"
SHM_OPTIONS = b"size=64m,nr_inodes=1024,mode=1777"

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def prctl(option, value):
    _check(_libc.prctl(option, value, 0, 0, 0), f"prctl {option}")


def unshare(flags):
    _check(_libc.unshare(flags), "unshare")


def _mount(source, target, kind, flags, options=None):
    _check(_libc.mount(source.encode(), target.encode(), kind.encode() if kind else None, flags, options), target)


def enter_namespaces():
    """Nest new namespaces inside the sandbox's; keep the same uid and gid (nobody) inside."""
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS),
           "unshare")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)
    # Mounts made from here on stay in this namespace and never propagate back.
    _mount("none", "/", None, MS_REC | MS_PRIVATE)


def make_private_dev():
    """A /dev of this worker's own: the harmless devices bound from the sandbox's, a private /dev/shm."""
    held = {name: os.open(f"/dev/{name}", os.O_PATH | os.O_CLOEXEC) for name in DEVICES
            if os.path.exists(f"/dev/{name}")}
    _mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, DEV_OPTIONS)
    for name, fd in held.items():
        os.close(os.open(f"/dev/{name}", os.O_CREAT | os.O_WRONLY, 0o666))
        _mount(f"/proc/self/fd/{fd}", f"/dev/{name}", None, MS_BIND)
        os.close(fd)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"/dev/{name}")
    os.mkdir("/dev/shm")
    _mount("none", "/dev", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC)
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, SHM_OPTIONS)


_proc_allowed = True
"""Whether this sandbox lets a worker mount a /proc of its own; self_test() finds out once."""


def make_private_folders(try_proc=None):
    """Mount the worker's private folders; True when it got a /proc of its own."""
    for folder, options in PRIVATE_FOLDERS.items():
        if os.path.isdir(folder):
            _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, options)
    make_private_dev()
    if (_proc_allowed if try_proc is None else try_proc) and _mount_proc():
        return True
    # The kernel refuses a new /proc when the sandbox's own has covered parts (bwrap covers /proc/sys);
    # then the sandbox's, which lists other workers' processes, is hidden instead. A refusal costs a
    # kernel log line ("Mount too revealing"), so after the self-test's the fork server stops asking.
    _mount("tmpfs", "/proc", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, b"size=4k,mode=0555")
    return False


def _mount_proc():
    try:
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        return True
    except OSError:
        return False


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_capabilities():
    """Give up the capabilities the new user namespace granted, so the private mounts cannot be undone."""
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    _check(_libc.capset(ctypes.byref(header), (_CapData * 2)()), "capset")


def self_test():
    """Whether a worker's namespaces can be made here: '' when they can, else the reason.

    Also learns whether a worker may mount a /proc of its own (_proc_allowed), for every worker to come.
    """
    global _proc_allowed
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            enter_namespaces()
            inner = os.fork()
            if inner == 0:
                proc = make_private_folders(try_proc=True)
                drop_capabilities()
                os._exit(0 if proc else 3)
            _, status = os.waitpid(inner, 0)
            if os.waitstatus_to_exitcode(status) not in (0, 3):
                raise OSError(f"private folders could not be mounted (status {status})")
            os.write(write_end, b"+" if os.waitstatus_to_exitcode(status) == 0 else b"-")
        except BaseException as error:
            os.write(write_end, str(error).encode()[:200])
            os._exit(1)
        os._exit(0)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    reason = os.read(read_end, 256).decode(errors="replace")
    os.close(read_end)
    if status == 0:
        _proc_allowed = reason == "+"
        return ""
    return f"nested namespaces are not allowed here: {reason or status}"

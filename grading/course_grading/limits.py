"""A student kernel's share of the machine: memory, bytes written, processes, CPU.

The bytes are bounded by the sandbox (one size-limited tmpfs holds ``/tmp`` and the kernel's working
folder, `sandbox.kernel_script`), by ``RLIMIT_FSIZE`` and by the `Watch` of the socket folder;
memory, processes and the CPU by a cgroup per kernel and per checker (the memory of the kernel and
all its children together, ``pids.max``, a CPU quota) when this machine lets the grader make cgroups
(cgroup v1 or v2, as root or delegated), else memory by ``RLIMIT_AS`` per process, processes by
``RLIMIT_NPROC`` inside the sandbox (which binds no process of root) and the CPU not at all.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

CGROUPS = Path("/sys/fs/cgroup")
CONTROLS = {  # each controller's limit file: v2, v1
    "pids": "pids.max",
    "cpu": ("cpu.max", "cpu.cfs_quota_us"),
    "memory": ("memory.max", "memory.limit_in_bytes"),
}
PERIOD = 100_000  # microseconds of a CPU quota's period
SHM_MIB = 64  # /dev/shm, for POSIX semaphores: its own small tmpfs
PID_FILE = "kernel.pid"  # the kernel script's pid (bwrap's, under the sandbox)
CHECKER_PID_FILE = "checker.pid"  # the pid of the submission's checker
KERNEL, CHECKER = "kernel", "checker"  # whose cgroups: the student's kernel's, the checker's


@dataclass
class Limits:
    """What one kernel may use; ``cgroups`` maps a controller to the folder its cgroups go in."""

    memory_gib: float = 4.0
    disk_mib: int = 512
    processes: int = 512
    cpus: float | None = None  # cores; None: not limited
    cgroups: dict[str, str] = field(default_factory=dict)


def _own_cgroup(controller: str, proc: Path = Path("/proc/self/cgroup")) -> str | None:
    """This process's cgroup path in the hierarchy of ``controller`` ("" for cgroup v2)."""
    for line in proc.read_text().splitlines():
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            return path
    return None


def _parents(base: Path) -> dict[str, Path]:
    """Where a cgroup with each controller could go: v2's own cgroup, else v1's hierarchies."""
    parents = {}
    if (base / "cgroup.controllers").exists():  # cgroup v2 alone
        own = _own_cgroup("") or "/"
        for controller in CONTROLS:
            parents[controller] = base / own.lstrip("/")
        return parents
    for controller in CONTROLS:
        own = _own_cgroup(controller)
        if own is not None and (base / controller).is_dir():
            parents[controller] = base / controller / own.lstrip("/")
    return parents


def _control(folder: Path, controller: str) -> Path | None:
    names = CONTROLS[controller]
    for name in (names,) if isinstance(names, str) else names:
        if (folder / name).exists():
            return folder / name
    return None


def probe_cgroups(base: Path = CGROUPS) -> dict[str, str]:
    """The folders in which this process can make cgroups that limit pids and CPU, by controller.

    Each is tried: a cgroup is made, its control file written, and removed.
    """
    found = {}
    try:
        parents = _parents(base)
    except OSError:
        return found
    for controller, parent in parents.items():
        probe = parent / f"course-grade-probe-{os.getpid()}"
        try:
            probe.mkdir()
        except OSError:
            continue
        try:
            control = _control(probe, controller)
            if control is not None:
                control.write_text(control.read_text())
                found[controller] = str(parent)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                probe.rmdir()
    return found


def cgroup_folders(root: Path, limits: Limits, role: str = KERNEL) -> list[Path]:
    """The cgroups of the kernel (or the checker) of the temporary course ``root``, one per
    distinct parent."""
    name = f"{root.parent.name}.{root.name}.{role}"
    return [Path(parent) / name for parent in dict.fromkeys(limits.cgroups.values())]


def make_cgroups(root: Path, limits: Limits) -> list[Path]:
    """Make the kernel's and the checker's cgroups and set their limits; the kernel script and
    the grader process put them there."""
    folders = cgroup_folders(root, limits) + cgroup_folders(root, limits, CHECKER)
    for folder in folders:
        folder.mkdir()
        if "pids" in limits.cgroups and _control(folder, "pids"):
            (folder / "pids.max").write_text(str(limits.processes))
        if "memory" in limits.cgroups and (control := _control(folder, "memory")):
            control.write_text(str(int(limits.memory_gib * 2**30)))
        control = _control(folder, "cpu") if limits.cpus and "cpu" in limits.cgroups else None
        quota = int(PERIOD * limits.cpus) if limits.cpus else 0
        if control is not None and control.name == "cpu.max":
            control.write_text(f"{quota} {PERIOD}")
        elif control is not None:
            (folder / "cpu.cfs_period_us").write_text(str(PERIOD))
            control.write_text(str(quota))
    return folders


def _pids(folder: Path) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(pid) for pid in (folder / "cgroup.procs").read_text().split()]
    return []


def _events(folder: Path, *names: str) -> dict[str, int]:
    """The counters of a cgroup's event files (``pids.events``, ``memory.events``, ...)."""
    counts = {}
    for name in names:
        with contextlib.suppress(OSError, ValueError):
            counts |= {k: int(v) for k, v in (line.split() for line in (folder / name).open())}
    return counts


def release_cgroups(root: Path, limits: Limits, wait: float = 5.0) -> dict[str, int]:
    """Kill what is left of the kernel and the checker, remove their cgroups; how often a fork
    of the kernel hit ``pids.max`` (``processes``) and the kernel ran out of memory and had a
    process killed (``memory``)."""
    with contextlib.suppress(OSError, ValueError):
        pid = int((root / CHECKER_PID_FILE).read_text())
        if b"course_grading.checker" in Path(f"/proc/{pid}/cmdline").read_bytes():
            os.kill(pid, signal.SIGKILL)
    over = {"processes": 0, "memory": 0}
    kernel = set(cgroup_folders(root, limits))
    for folder in cgroup_folders(root, limits) + cgroup_folders(root, limits, CHECKER):
        if not folder.exists():
            continue
        if folder in kernel:
            events = _events(folder, "pids.events", "memory.events", "memory.oom_control")
            over["processes"] += events.get("max", 0)
            over["memory"] += events.get("oom_kill", 0)
        deadline = time.monotonic() + wait
        while (pids := _pids(folder)) and time.monotonic() < deadline:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)
        with contextlib.suppress(OSError):
            folder.rmdir()
    return over


def _bytes_in(folder: Path) -> int:
    """The bytes the files in ``folder`` and all its subfolders take on disk."""
    total = 0
    for parent, _, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(parent, name)).st_blocks * 512
    return total


def _sandbox_tmp(root: Path) -> Path | None:
    """``/tmp`` as the kernel sees it: through /proc, in the sandbox's mount namespace."""
    try:
        pid = int((root / PID_FILE).read_text())
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, ValueError):
        return None
    return Path(f"/proc/{children[0]}/root/tmp") if children else None


class Watch:
    """Watches a kernel while its grader runs: the bytes in its sandbox and its socket folder.

    The sandbox's tmpfs is its own limit (a write past it fails with ENOSPC); the socket folder
    is on the grader's disk, so a kernel that writes more than ``disk_mib`` there is killed.
    """

    def __init__(self, root: Path, limits: Limits, sockets: Path, sandboxed: bool = True):
        self.root, self.limits, self.sockets = root, limits, sockets
        self.sandboxed = sandboxed  # else the kernel's /tmp is the grader's: not its to fill
        self.full = False  # the sandbox's tmpfs was (nearly) full
        self.killed = False

    def check(self) -> None:
        limit = self.limits.disk_mib * 2**20
        tmp = _sandbox_tmp(self.root) if self.sandboxed else None
        with contextlib.suppress(OSError):
            if tmp is not None:
                stats = os.statvfs(tmp)
                self.full |= stats.f_bavail * stats.f_frsize < min(2**20, limit // 64)
        if _bytes_in(self.sockets) >= limit:
            self.killed = True
            with contextlib.suppress(OSError, ValueError):
                os.kill(int((self.root / PID_FILE).read_text()), signal.SIGKILL)

    def join(self, process, wall: float, every: float = 0.5) -> None:
        """``process.join(wall)``, checking the kernel every ``every`` seconds meanwhile."""
        deadline = time.monotonic() + wall
        while process.is_alive() and (left := deadline - time.monotonic()) > 0:
            process.join(min(every, left))
            self.check()


def reasons_over(limits: Limits, watch: Watch | None, over: dict, cells: dict) -> list[str]:
    """Why a submission went over its limits (empty: it did not), each limit named; ``over``:
    what `release_cgroups` counted."""
    found = []
    if over.get("memory"):
        found.append(f"used more than {limits.memory_gib:g} GiB of memory (memory_gib)")
    if (watch and (watch.full or watch.killed)) or cells.get("disk"):
        found.append(f"wrote more than {limits.disk_mib} MiB (disk_mib)")
    if over.get("processes") or cells.get("processes"):
        found.append(f"started more than {limits.processes} processes (processes)")
    return found


def describe(limits: Limits, sandboxed: bool) -> str:
    """The limits in force, for the report's first line."""
    parts = []
    if "memory" in limits.cgroups:
        parts.append(f"{limits.memory_gib:g} GiB of memory (cgroup: with its children)")
    else:
        parts.append(f"{limits.memory_gib:g} GiB of memory per process (no cgroup: not summed)")
    if sandboxed:
        parts.append(f"{limits.disk_mib} MiB written (/tmp and its folder)")
    else:
        parts.append(f"{limits.disk_mib} MiB per file written (no sandbox: no total)")
    if "pids" in limits.cgroups:
        parts.append(f"{limits.processes} processes (cgroup)")
    elif sandboxed and os.geteuid() != 0:
        parts.append(f"{limits.processes} processes (RLIMIT_NPROC)")
    else:
        parts.append("processes NOT limited (no cgroup to write; RLIMIT_NPROC spares root)")
    if limits.cpus and "cpu" in limits.cgroups:
        parts.append(f"{limits.cpus:g} core{'s' * (limits.cpus != 1)} (cgroup)")
    elif limits.cpus:
        parts.append("CPU NOT limited (no cgroup to write)")
    return "limits per kernel: " + ", ".join(parts)

"""The sandbox of student kernels and checkers: whether bubblewrap runs here, how they start."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from course_grading.checker import READY
from course_grading.course import THREAD_VARIABLES, GradingError
from course_grading.limits import PID_FILE, SHM_MIB, Limits, cgroup_folders
from course_utils.config import QUIET_TENSORFLOW

CHECKER_SOCKET = "checker.socket"

KERNEL_NAME = "course-sandbox"
# Isolation of the kernel: no network, no view of other processes or their IPC, killed with the
# grader, no terminal to inject input into.
ISOLATION = (
    "--unshare-net",
    "--unshare-pid",
    "--unshare-ipc",
    "--die-with-parent",
    "--new-session",
)


def probe_sandbox(bwrap: str = "bwrap") -> tuple[bool, str]:
    """Whether bubblewrap can start a sandbox here, and why not when it cannot.

    When it can, the second item is bwrap's path.
    """
    path = shutil.which(bwrap)
    if path is None:
        return False, f"{bwrap} is not installed (Debian: apt-get install bubblewrap)"
    result = subprocess.run(
        [path, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--", "true"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return False, f"bubblewrap cannot run here (no user namespaces?): {result.stderr.strip()}"
    return True, path


def read_only_binds(extra=()) -> list[str]:
    """bwrap options exposing, read-only, only what the kernel's Python needs, and ``extra``.

    The system folders, the Python installation and environment, and the `course_utils`
    package the chapters import (an editable install lives in the course's clone, whose other
    folders, ``solutions/`` above all, stay out of sight).
    """
    arguments = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc"):
        path = Path(top)
        if path.is_symlink():
            arguments += ["--symlink", os.readlink(path), top]
        elif path.exists():
            arguments += ["--ro-bind", top, top]
    (location,) = importlib.util.find_spec("course_utils").submodule_search_locations
    package = Path(location).resolve()
    places = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), package, *extra}
    places = sorted(str(p) for p in places if not str(p).startswith(("/usr/", "/etc/")))
    for place in places:
        arguments += ["--ro-bind", place, place]
    return arguments


def folders_above(places) -> list[str]:
    """bwrap options that make the folders above ``places``, readable by all: bwrap would give
    them their modes on the host, and `NOBODY` could not reach a Python under ``/root``."""
    above = {str(parent) for place in places for parent in Path(place).parents}
    above -= {"/", "/tmp"}
    inside = [a for a in above if any(a == str(p) or a.startswith(f"{p}/") for p in places)]
    folders = sorted(above - set(inside), key=lambda folder: (folder.count("/"), folder))
    return [option for folder in folders for option in ("--perms", "0755", "--dir", folder)]


# What a sandboxed kernel or checker keeps of the grader's environment; the rest is cleared.
ENVIRONMENT = (
    "PATH",
    "LANG",
    "LC_ALL",
    "TZ",
    "COURSE_PROFILE",
    "NBGRADER_EXECUTION",
    "MPLBACKEND",
    *QUIET_TENSORFLOW,
    *THREAD_VARIABLES,
)
HOME = ("--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib")
NOBODY = 65534  # the user a sandboxed process runs as when the grader is root


def unprivileged() -> list[str]:
    """The command prefix that drops root to `NOBODY` without any capability (none if not root).

    A grader that is not root runs kernels as its own, unprivileged user.
    """
    if os.geteuid() != 0:
        return []
    return [
        shutil.which("setpriv") or "setpriv",  # util-linux
        f"--reuid={NOBODY}",
        f"--regid={NOBODY}",
        "--clear-groups",
        "--no-new-privs",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
    ]


def sandbox_options(sandbox: str, limits: Limits, readable=(), writable=()) -> list[str]:
    """bwrap's options for a kernel or a checker: a read-only system that also shows
    ``readable``, ``writable`` folders bound in, a fresh ``/tmp`` of ``disk_mib`` writable by
    all, no network, no other processes' IPC, a cleared environment."""
    binds = read_only_binds(readable)
    places = [binds[i + 1] for i, option in enumerate(binds) if option == "--ro-bind"]
    writable = [str(place) for place in writable]
    size = str(limits.disk_mib * 2**20)
    # The fresh /tmp comes first: binds made before it would be hidden under it, and the
    # course (and its venv) may itself live below /tmp.
    return [
        sandbox,
        *("--perms", "1777", "--size", size, "--tmpfs", "/tmp"),
        *folders_above([*places, *writable]),
        *binds,
        *(option for place in writable for option in ("--bind", place, place)),
        *("--dev", "/dev", "--remount-ro", "/dev"),
        *("--perms", "1777", "--size", str(min(SHM_MIB, limits.disk_mib) * 2**20)),
        *("--tmpfs", "/dev/shm", "--proc", "/proc", "--clearenv", *HOME),
        *ISOLATION,
        *(("--cap-drop", "ALL") if os.geteuid() != 0 else ()),  # root drops them with setpriv
    ]


def kernel_script(*, sandbox: str | None, sockets: Path, limits: Limits | None = None) -> str:
    """The shell script a kernelspec runs: its limits, then the kernel (under bwrap if any).

    The kernel manager starts it in the notebook's folder with the connection file as its argument.
    Under bwrap the kernel runs without capabilities, as `NOBODY` when the grader is root, with only
    the `ENVIRONMENT` variables, in a read-only root where ``/tmp`` is a tmpfs of ``disk_mib`` that
    also holds its working folder (the files nbgrader put there, but not the notebook, are bound in
    read-only; what it writes there never reaches the course), ``/dev/shm`` a small one; the
    connection file and the socket folder are bound in, and there is no network and no view of other
    processes. The script joins the kernel's cgroups (`limits.make_cgroups`) and writes its pid
    beside the sockets.
    """
    limits = limits or Limits()
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f"]
    lines = ["#!/bin/sh", f"ulimit -v {int(limits.memory_gib * 2**20)} || exit 1"]
    lines += [f"ulimit -f {limits.disk_mib * 2048} || exit 1"]  # 512-byte blocks
    root = sockets.parent
    for folder in cgroup_folders(root, limits):
        lines.append(f"echo $$ > {shlex.quote(str(folder / 'cgroup.procs'))} || exit 1")
    lines.append(f"echo $$ > {shlex.quote(str(root / PID_FILE))}")
    lines += ['connection="$1"; set --', f'chmod 644 "$connection"; chmod 777 {sockets}']
    keep = "--setenv $name " if sandbox else "$name="
    lines.append(
        f"for name in {' '.join(ENVIRONMENT)}; do "
        rf'eval "[ \"\${{$name+set}}\" = set ] && set -- \"\$@\" {keep}\"\$$name\""; done'
    )
    if sandbox is None:
        lines.append(f'exec env -i "$@" HOME="$HOME" {shlex.join(kernel)} "$connection"')
        return "\n".join(lines) + "\n"
    # Inside, RLIMIT_NPROC counts the sandbox's own user namespace (it spares root: cgroups).
    prlimit = shutil.which("prlimit")  # util-linux
    inside = [prlimit, f"--nproc={limits.processes}", "--"] if prlimit and os.geteuid() else []
    size = str(limits.disk_mib * 2**20)
    options = sandbox_options(sandbox, limits, writable=[sockets])
    lines += [
        # The folders above the working folder and the connection file, readable by all.
        'for place in "$PWD" "$connection"; do dir=$(dirname "$place"); above=""; '
        'while [ "$dir" != / ] && [ "$dir" != /tmp ]; do above="$dir $above"; '
        'dir=$(dirname "$dir"); done; '
        'for dir in $above; do set -- "$@" --perms 0755 --dir "$dir"; done; done',
        # Below /tmp, the working folder is in the tmpfs; elsewhere it is a tmpfs of its own.
        'case "$PWD" in /tmp/*) set -- "$@" --perms 1777 --dir "$PWD";; '
        f'*) set -- "$@" --perms 1777 --size {size} --tmpfs "$PWD";; esac',
        'for file in "$PWD"/*; do case "$file" in *.ipynb) continue;; esac; '
        '[ -f "$file" ] && set -- "$@" --ro-bind "$file" "$file"; done',
        f'exec {shlex.join(options)} "$@" --ro-bind "$connection" "$connection" '
        f'--remount-ro / --chdir "$PWD" -- {shlex.join(unprivileged() + inside + kernel)} '
        '"$connection"',
    ]
    return "\n".join(lines) + "\n"


def checker_command(
    sandbox: str | None, limits: Limits, folder: Path, environment: dict
) -> list[str]:
    """The command of the run's checker zygote (`course_grading.checker`), its socket and its
    setup cell in ``folder``: under bwrap as a kernel is, except that it sees the host's
    processes (so that each checker it forks can join its cgroups) and reads the grader's
    package; it runs no student code."""
    checker = [sys.executable, "-m", "course_grading.checker"]
    checker += [str(folder / CHECKER_SOCKET), str(folder / "setup.py")]
    if sandbox is None:
        return checker
    package = Path(__file__).resolve().parent
    options = sandbox_options(sandbox, limits, readable=[package], writable=[folder])
    options = [option for option in options if option != "--unshare-pid"]
    for name in ENVIRONMENT:
        if name in environment:
            options += ["--setenv", name, environment[name]]
    return [*options, "--remount-ro", "/", "--chdir", "/tmp", "--", *unprivileged(), *checker]


def checker_environment(threads: int) -> dict[str, str]:
    """The checker's environment: the `ENVIRONMENT` variables that are set, and what nbgrader's
    autograde gives each student kernel (``NBGRADER_EXECUTION``, so that both run the chapter's
    profile, and the threads per kernel)."""
    environment = {name: os.environ[name] for name in ENVIRONMENT if name in os.environ}
    environment.update(HOME="/tmp", MPLCONFIGDIR="/tmp/matplotlib", NBGRADER_EXECUTION="autograde")
    environment.update(dict.fromkeys(THREAD_VARIABLES, str(threads)))
    return environment


@contextlib.contextmanager
def running_checker(sandbox: str | None, limits: Limits, work: Path, setup: str, threads: int):
    """Run the run's checker zygote in ``work/checker`` while the block lasts; a function that
    waits until it is ready and returns its socket.

    That function raises `GradingError` with the checker's own messages when it did not start.
    """
    folder = work / "checker"
    folder.mkdir()
    folder.chmod(0o777)
    (folder / "setup.py").write_text(setup)
    environment = checker_environment(threads)
    with open(folder / "checker.log", "w") as log:
        process = subprocess.Popen(  # the zygote ends when its standard input does
            checker_command(sandbox, limits, folder, environment),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            env=environment,
            text=True,
        )

        def ready() -> str:
            if process.stdout.readline().strip() != READY:
                detail = (folder / "checker.log").read_text(errors="replace").strip()[-2000:]
                raise GradingError(f"the checker did not start:\n{detail}")
            return str(folder / CHECKER_SOCKET)

        try:
            yield ready
        finally:
            process.stdin.close()
            process.kill()
            process.wait()
            process.stdout.close()


def write_kernelspec(root: Path, *, sandbox: str | None, limits: Limits | None = None) -> Path:
    """Install the sandboxed kernel in ``root/jupyter`` (``JUPYTER_PATH``); its socket folder.

    Under bwrap the kernel talks over IPC sockets in ``root/sockets``, the one folder it shares
    with the grader (it has no network, not even the loopback).
    """
    sockets = root / "sockets"
    sockets.mkdir()
    script = root / "kernel.sh"
    script.write_text(kernel_script(sandbox=sandbox, sockets=sockets, limits=limits))
    script.chmod(0o755)
    spec = root / "jupyter" / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(script), "{connection_file}"],
                "display_name": "Python 3 (course sandbox)",
                "language": "python",
                "interrupt_mode": "message",
            }
        )
    )
    return sockets

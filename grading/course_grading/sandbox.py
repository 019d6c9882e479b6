"""The sandbox of student kernels: whether bubblewrap runs here, and the kernel's start script."""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from course_grading.limits import PID_FILE, SHM_MIB, Limits, cgroup_folders

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

    Introduced in the instructors' guide. When it can, the second item is bwrap's path.
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


def read_only_binds() -> list[str]:
    """bwrap options exposing, read-only, only what the kernel's Python needs.

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
    for extra in {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), package}:
        if not any(str(extra).startswith(top + "/") for top in ("/usr", "/etc")):
            arguments += ["--ro-bind", str(extra), str(extra)]
    return arguments


def kernel_script(
    *, sandbox: str | None, memory_gib: float, sockets: Path, limits: Limits | None = None
) -> str:
    """The shell script a kernelspec runs: its limits, then the kernel (under bwrap if any).

    Introduced in the instructors' guide. The kernel manager starts it in the notebook's folder
    with the connection file as its argument. Under bwrap the kernel runs without capabilities
    (even as root), in a read-only root where ``/tmp`` is a tmpfs of ``disk_mib`` that also holds
    its working folder (the files nbgrader put there are bound in, read-only; what it writes
    there never reaches the course), ``/dev/shm`` a small one; the connection file and the socket
    folder are bound in, and there is no network and no view of other processes. The script
    joins the kernel's cgroups (`limits.make_cgroups`) and writes its pid beside the sockets.
    """
    limits = limits or Limits()
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f"]
    lines = ["#!/bin/sh", f"ulimit -v {int(memory_gib * 1024 * 1024)} || exit 1"]
    lines += [f"ulimit -f {limits.disk_mib * 2048} || exit 1"]  # 512-byte blocks
    root = sockets.parent
    for folder in cgroup_folders(root, limits):
        lines.append(f"echo $$ > {shlex.quote(str(folder / 'cgroup.procs'))} || exit 1")
    lines.append(f"echo $$ > {shlex.quote(str(root / PID_FILE))}")
    if sandbox is None:
        lines.append(f'exec {shlex.join(kernel)} "$1"')
        return "\n".join(lines) + "\n"
    # The fresh /tmp comes first: binds made before it would be hidden under it, and the
    # course (and its venv) may itself live below /tmp.
    size = str(limits.disk_mib * 2**20)
    options = [
        sandbox,
        *("--size", size, "--tmpfs", "/tmp"),
        *read_only_binds(),
        *("--dev", "/dev", "--remount-ro", "/dev"),
        *("--size", str(min(SHM_MIB, limits.disk_mib) * 2**20), "--tmpfs", "/dev/shm"),
        *("--proc", "/proc"),
        *("--bind", str(sockets), str(sockets)),
        *("--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib"),
        *("--unsetenv", "JPY_PARENT_PID"),
        *ISOLATION,
        *("--cap-drop", "ALL"),
    ]
    # Inside, RLIMIT_NPROC counts the sandbox's own user namespace (it spares root: cgroups).
    prlimit = shutil.which("prlimit")  # util-linux
    inside = [prlimit, f"--nproc={limits.processes}", "--"] if prlimit else []
    lines += [
        # Below /tmp, the working folder is in the tmpfs; elsewhere it is a tmpfs of its own.
        f'case "$PWD" in /tmp/*) work="--dir";; *) work="--size {size} --tmpfs";; esac',
        'connection="$1"; set --',
        'for file in "$PWD"/*; do [ -f "$file" ] && set -- "$@" --ro-bind "$file" "$file"; done',
        f'exec {shlex.join(options)} $work "$PWD" "$@" --ro-bind "$connection" "$connection" '
        f'--remount-ro / --chdir "$PWD" -- {shlex.join(inside + kernel)} "$connection"',
    ]
    return "\n".join(lines) + "\n"


def write_kernelspec(
    root: Path, *, sandbox: str | None, memory_gib: float, limits: Limits | None = None
) -> Path:
    """Install the sandboxed kernel in ``root/jupyter`` (``JUPYTER_PATH``); its socket folder.

    Under bwrap the kernel talks over IPC sockets in ``root/sockets``, the one folder it shares
    with the grader (it has no network, not even the loopback).
    """
    sockets = root / "sockets"
    sockets.mkdir()
    script = root / "kernel.sh"
    script.write_text(
        kernel_script(sandbox=sandbox, memory_gib=memory_gib, sockets=sockets, limits=limits)
    )
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

"""`course_grading.sandbox`: the kernel script, the checker's command and what they bind.

`make test-quick` runs these (marker ``unit``).
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import pytest

from course_grading import sandbox
from course_grading.limits import Limits
from course_utils import config
from tests.grading_support import bwrap_options

pytestmark = pytest.mark.unit


def test_without_a_sandbox_the_kernel_script_limits_memory_and_file_size_and_clears_the_env(
    tmp_path,
):
    script = sandbox.kernel_script(sandbox=None, sockets=tmp_path, limits=Limits(memory_gib=1.5))
    lines = script.splitlines()
    assert lines[:2] == ["#!/bin/sh", f"ulimit -v {int(1.5 * 1024 * 1024)} || exit 1"]
    assert lines[2] == "ulimit -f 1048576 || exit 1", "512 MiB in 512-byte blocks"
    assert shlex.split(lines[-1]) == [
        "exec",
        "env",
        "-i",
        "$@",
        "HOME=$HOME",
        sys.executable,
        "-m",
        "ipykernel_launcher",
        "-f",
        "$connection",
    ]


def test_the_sandboxed_kernel_is_isolated_and_sees_only_what_it_needs(tmp_path):
    from course_utils import __file__ as package_init

    sockets = tmp_path / "sockets"
    script = sandbox.kernel_script(sandbox="/usr/bin/bwrap", sockets=sockets, limits=Limits())
    assert script.splitlines()[1] == f"ulimit -v {4 * 1024 * 1024} || exit 1"
    options, command = bwrap_options(script)
    assert command[-5:] == [sys.executable, "-m", "ipykernel_launcher", "-f", "$connection"]
    flags = [option[0] for option in options]
    for flag in sandbox.ISOLATION:  # no network, no other processes, dies with the grader
        assert flags.count(flag) == 1, flag
    assert {"--unshare-net", "--unshare-pid", "--die-with-parent", "--clearenv"} <= set(flags)
    assert options[:3] == [("--perms", "1777"), ("--size", str(512 * 2**20)), ("--tmpfs", "/tmp")]
    writable = [option[1:] for option in options if option[0] == "--bind"]
    assert writable == [(str(sockets), str(sockets))]
    read_only = {option[1] for option in options if option[0] == "--ro-bind"}
    assert all(option[1] == option[2] for option in options if option[0] == "--ro-bind")
    assert "$connection" in read_only, "the connection file"
    assert str(Path(sys.prefix).resolve()) in read_only or sys.prefix.startswith("/usr/")
    assert str(Path(package_init).resolve().parent) in read_only, "course_utils, for the chapters"
    solutions = Path(__file__).resolve().parents[1] / "solutions"
    for source in read_only - {"$connection"}:
        assert not solutions.is_relative_to(source), f"{source} would show solutions/"
    assert "/" not in read_only
    assert ("--dev", "/dev") in options and ("--proc", "/proc") in options
    assert ("--setenv", "HOME", "/tmp") in options
    assert options[-1] == ("--chdir", "$PWD")
    assert "*.ipynb) continue;" in script, "the notebook itself is not bound in"
    assert f"for name in {' '.join(sandbox.ENVIRONMENT)}; do" in script
    if os.geteuid() == 0:  # root becomes nobody, without capabilities
        assert command[: command.index("--") + 1] == sandbox.unprivileged()
        assert f"--reuid={sandbox.NOBODY}" in command and "--bounding-set=-all" in command


def test_the_checker_zygote_runs_sandboxed_with_the_graders_package_read_only(tmp_path):
    import course_grading

    environment = {"PATH": "/usr/bin", "OMP_NUM_THREADS": "1", "SECRET": "s3cr3t"}
    command = sandbox.checker_command("/usr/bin/bwrap", Limits(), tmp_path, environment)
    separator = command.index("--")
    options, run = command[:separator], command[separator + 1 :]
    assert run[-4:] == ["-m", "course_grading.checker", str(tmp_path / sandbox.CHECKER_SOCKET),
                        str(tmp_path / "setup.py")]  # fmt: skip
    package = str(Path(course_grading.__file__).resolve().parent)
    pairs = list(zip(options, options[1:], strict=False))
    assert ("--ro-bind", package) in pairs and ("--bind", str(tmp_path)) in pairs
    assert "--clearenv" in options and "--unshare-net" in options
    assert ("--setenv", "OMP_NUM_THREADS") in pairs and "SECRET" not in options
    assert "--unshare-pid" not in options, "its checkers' pids join the submissions' cgroups"
    if os.geteuid() == 0:
        assert run[: len(sandbox.unprivileged())] == sandbox.unprivileged()
    assert sandbox.checker_command(None, Limits(), tmp_path, environment) == run[-5:]


def test_the_checker_runs_the_chapters_profile_as_the_kernels_do(monkeypatch):
    """nbgrader's autograde sets NBGRADER_EXECUTION for the kernels only; without it the checker
    trained the hidden tests' networks in the full profile when COURSE_PROFILE was not set."""
    for name in ("COURSE_PROFILE", "CI", "NBGRADER_EXECUTION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET", "s3cr3t")
    environment = sandbox.checker_environment(threads=3)
    assert environment["NBGRADER_EXECUTION"] == "autograde"
    assert environment["OMP_NUM_THREADS"] == "3" and "SECRET" not in environment
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert config.profile() == "fast"
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert sandbox.checker_environment(threads=1)["COURSE_PROFILE"] == "full"


def test_the_folders_above_what_is_bound_are_made_readable_by_all():
    def folders(places):
        options = sandbox.folders_above(places)
        assert options[::4] == ["--perms"] * (len(options) // 4) and options[1::4] == ["0755"] * (
            len(options) // 4
        )
        return options[3::4]

    assert folders(["/root/.pyenv/versions/3", "/tmp/run/a/sockets"]) == [
        "/root",
        "/root/.pyenv",
        "/tmp/run",
        "/root/.pyenv/versions",
        "/tmp/run/a",
    ], "from the top down, / and /tmp left alone"
    assert folders(["/work/venv", "/work/venv/lib/package"]) == ["/work"], "none inside a bind"

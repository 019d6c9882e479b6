"""The limits of a student kernel: its script's flags, the settings, cgroups, the reasons."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from types import SimpleNamespace

import pytest
from traitlets.config import Config

from course_grading import limits, sandbox, settings
from course_grading.checks import failing_cells
from course_grading.course import GradingError
from tests.grading_support import bwrap_options, config_of, error, release

pytestmark = pytest.mark.unit

FAKE_CGROUPS = {
    "pids": "/sys/fs/cgroup/pids",
    "cpu": "/sys/fs/cgroup/cpu",
    "memory": "/sys/fs/cgroup/memory/job",
}


def script_of(tmp_path: Path, **given) -> str:
    root = tmp_path / "work" / "course-grade-x"
    given.setdefault("cgroups", FAKE_CGROUPS)
    return sandbox.kernel_script(
        sandbox="/usr/bin/bwrap", sockets=root / "sockets", limits=limits.Limits(**given)
    )


def test_the_sandboxed_kernel_script_sets_every_limit(tmp_path):
    script = script_of(tmp_path, memory_gib=3, disk_mib=100, processes=77, cpus=1.0)
    lines = script.splitlines()
    assert lines[1] == f"ulimit -v {3 * 2**20} || exit 1", "RLIMIT_AS: 3 GiB in KiB"
    assert "ulimit -f 204800 || exit 1" in lines, "RLIMIT_FSIZE: 100 MiB in 512-byte blocks"
    for parent in FAKE_CGROUPS.values():  # joined before bwrap: bwrap and all it starts are in it
        line = f"echo $$ > {parent}/work.course-grade-x.kernel/cgroup.procs || exit 1"
        assert line in lines
    options, command = bwrap_options(script)
    size = str(100 * 2**20)
    assert options[:3] == [("--perms", "1777"), ("--size", size), ("--tmpfs", "/tmp")]
    shm = options.index(("--tmpfs", "/dev/shm"))
    assert options[shm - 1] == ("--size", str(64 * 2**20))
    assert options.index(("--remount-ro", "/dev")) < shm, "/dev read-only, /dev/shm bounded"
    assert options[-2:] == [("--remount-ro", "/"), ("--chdir", "$PWD")], "no unbounded tmpfs"
    assert '*) set -- "$@" --perms 1777 --size 104857600 --tmpfs "$PWD";; esac' in script, (
        "a folder outside /tmp: its own tmpfs"
    )
    assert 'in /tmp/*) set -- "$@" --perms 1777 --dir "$PWD";;' in script, "below /tmp: in it"
    if os.geteuid() == 0:  # setpriv drops root, and with it every capability
        assert Path(command[0]).name == "setpriv" and "--bounding-set=-all" in command
    else:  # root in the sandbox could lift every limit
        assert ("--cap-drop", "ALL") in options
        assert Path(command[0]).name == "prlimit" and command[1:3] == ["--nproc=77", "--"]


def test_without_cgroups_the_script_joins_none_and_the_report_says_so(tmp_path):
    script = script_of(tmp_path, cgroups={}, cpus=1.0)
    assert "cgroup.procs" not in script
    text = limits.describe(limits.Limits(cpus=1.0), sandboxed=True)
    assert "CPU NOT limited" in text
    assert "4 GiB of memory per process (no cgroup: not summed)" in text
    if os.geteuid() == 0:
        assert "processes NOT limited" in text and "RLIMIT_NPROC spares root" in text
    full = limits.describe(limits.Limits(cpus=2, cgroups=FAKE_CGROUPS), sandboxed=True)
    assert full == (
        "limits per kernel: 4 GiB of memory (cgroup: with its children), 512 MiB written (/tmp "
        "and its folder), 512 processes (cgroup), 2 cores (cgroup)"
    )


def test_the_working_folder_files_are_bound_read_only_by_the_script(tmp_path):
    loop = [line for line in script_of(tmp_path).splitlines() if line.startswith("for file")]
    assert loop == [
        'for file in "$PWD"/*; do case "$file" in *.ipynb) continue;; esac; '
        '[ -f "$file" ] && set -- "$@" --ro-bind "$file" "$file"; done'
    ], "not the notebook: nbgrader's copy holds the hidden tests"
    assert shlex.split(script_of(tmp_path).splitlines()[-1])[-1] == "$connection"


def test_limit_settings_are_typed_checked_and_overridden():
    grade = settings.course_grade(config_of(disk_mib=100, processes=64, cpus=1.5), processes=99)
    assert (grade.disk_mib, grade.processes, grade.cpus) == (100, 99, 1.5)
    assert grade.cpus_for(jobs=4) == 1.5
    default = settings.course_grade(Config())
    assert (default.disk_mib, default.processes, default.cpus) == (512, 512, None)
    assert default.cpus_for(jobs=1) == float(os.cpu_count() or 1)
    assert default.cpus_for(jobs=10**6) == 1.0


@pytest.mark.parametrize(
    ("grade", "message"),
    [
        ({"disk_mib": 0}, "disk_mib"),
        ({"disk_mib": "512"}, "disk_mib"),
        ({"processes": 3}, "processes"),
        ({"cpus": 0.0}, "cpus must be more than 0"),
        ({"disk": 512}, "did you mean disk_mib"),
    ],
)
def test_limit_settings_report_wrong_values(grade, message):
    with pytest.raises(GradingError, match=message):
        settings.course_grade(config_of(**grade))


def test_every_limit_is_named_in_the_reason():
    small = limits.Limits(memory_gib=2.5, disk_mib=64, processes=32)
    assert limits.reasons_over(small, None, {}, {}) == []
    watch = SimpleNamespace(full=True, killed=False)
    assert limits.reasons_over(small, watch, {"processes": 3, "memory": 1}, {}) == [
        "used more than 2.5 GiB of memory (memory_gib)",
        "wrote more than 64 MiB (disk_mib)",
        "started more than 32 processes (processes)",
    ]
    cells = {"disk": ["ex01_answer"], "processes": ["ex01_answer"]}
    assert len(limits.reasons_over(small, None, {}, cells)) == 2


def test_failing_cells_knows_the_errors_of_the_limits():
    notebook = release()
    notebook.cells[1].outputs = [error("OSError", "[Errno 28] No space left on device")]
    notebook.cells[2].outputs = [error("BlockingIOError", "[Errno 11] Resource unavailable")]
    found = failing_cells(notebook)
    assert (found["disk"], found["processes"]) == (["setup"], ["ex01_answer"])


def test_cgroups_are_found_made_limited_and_released(tmp_path):
    own = limits._own_cgroup("pids")
    found = limits.probe_cgroups()
    if "pids" not in found:
        pytest.skip(f"no cgroup to write here (pids: {own})")
    root = tmp_path / "course-grade-u"
    small = limits.Limits(memory_gib=1.5, processes=40, cpus=0.5, cgroups=found)
    folders = limits.make_cgroups(root, small)
    try:
        assert len(folders) == 2 * len(set(found.values())), "the kernel's and the checker's"
        pids = [folder for folder in folders if (folder / "pids.max").exists()]
        assert [(folder / "pids.max").read_text().strip() for folder in pids] == ["40", "40"]
        memory = [folder for folder in folders if limits._control(folder, "memory")]
        for folder in memory:
            assert int(limits._control(folder, "memory").read_text()) == int(1.5 * 2**30)
    finally:
        assert limits.release_cgroups(root, small) == {"processes": 0, "memory": 0}
    assert not any(folder.exists() for folder in folders)


def test_the_watch_kills_a_kernel_that_fills_its_socket_folder(tmp_path):
    import subprocess

    sockets = tmp_path / "sockets"
    sockets.mkdir()
    kernel = subprocess.Popen(["sleep", "60"])
    (tmp_path / limits.PID_FILE).write_text(str(kernel.pid))
    watch = limits.Watch(tmp_path, limits.Limits(disk_mib=1), sockets, sandboxed=False)
    watch.check()
    assert kernel.poll() is None and not watch.killed, "an empty socket folder is fine"
    (sockets / "deep" / "er").mkdir(parents=True)
    (sockets / "deep" / "er" / "big.bin").write_bytes(bytes(2**20))
    watch.join(SimpleNamespace(is_alive=lambda: True, join=lambda seconds: None), wall=0.2)
    assert kernel.wait(timeout=5) == -9 and watch.killed and not watch.full, "any subfolder counts"
    assert limits.reasons_over(watch.limits, watch, {}, {}) == ["wrote more than 1 MiB (disk_mib)"]

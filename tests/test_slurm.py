"""`deploy/slurm/grade.sbatch` on a real Slurm cluster: a class of the tiny chapter graded as a job
array of 3 shards and merged gives what one `course grade` on one machine gives.

The module starts a single-node Slurm cluster (Debian's slurm-wlm and munge, which `make slurm`
installs): munged, slurmctld and slurmd in the foreground, children of the test process, with a
generated slurm.conf (one node, no cgroup plugin), their sockets, logs and state in one temporary
folder and their ports free ones on the loopback. Afterwards, whatever happened, its jobs are
cancelled, the daemons stopped and the folder removed. Where Slurm cannot start, the test is
skipped with the reason; in CI (``CI`` set) it fails instead.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from course_grading import processes
from tests.course_support import (
    SECRET,
    course_files,
    gradebook_scores,
    make_course,
    read_grades,
    run_course,
    tree_digest,
)
from tests.notebooks import ROOT, TINY

CHAPTER = TINY
# The tiny chapter's runs make cgroups: they share a worker with test_resources.py, which counts
# them.
SHARES_A_WORKER_WITH = TINY
JOB_FILE = ROOT / "deploy" / "slurm" / "grade.sbatch"
REQUIRE_SLURM = bool(os.environ.get("CI"))
PROGRAMS = ("munged", "slurmctld", "slurmd", "sbatch", "sinfo", "scancel")
START_TIMEOUT = 30  # seconds for the node to come up idle
# `sbatch --wait` polls every 2 s only while that is under half MinJobAge, then every 8 and 32 s:
# keeping the finished jobs' records (0: never purged) keeps it at 2 s.
KEEP_JOBS = "MinJobAge=0"


def unavailable(reason: str) -> None:
    """Skip the test where Slurm cannot start here, or fail it in CI."""
    message = f"no Slurm cluster here: {reason}"
    if REQUIRE_SLURM:
        pytest.fail(f"{message} (CI is set: the Slurm test must run)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def node_hardware() -> tuple[str, str]:
    """This machine's CPUs and RealMemory (MiB), as slurmd itself detects them."""
    found = subprocess.run(["slurmd", "-C"], capture_output=True, text=True).stdout
    cpus, memory = re.search(r"CPUs=(\d+)", found), re.search(r"RealMemory=(\d+)", found)
    if not (cpus and memory):
        unavailable(f"`slurmd -C` does not say the node's CPUs and memory: {found!r}")
    return cpus[1], memory[1]


def slurm_conf(folder: Path, munge_socket: Path) -> str:
    cpus, memory = node_hardware()
    return f"""\
ClusterName=course-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={munge_socket}
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
{KEEP_JOBS}
StateSaveLocation={folder / "state"}
SlurmdSpoolDir={folder / "spool"}
SlurmctldPidFile={folder / "run" / "slurmctld.pid"}
SlurmdPidFile={folder / "run" / "slurmd.pid"}
SlurmctldLogFile={folder / "log" / "slurmctld.log"}
SlurmdLogFile={folder / "log" / "slurmd.log"}
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory} State=UNKNOWN
PartitionName=grading Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""


def logs(folder: Path) -> str:
    """The end of each daemon's log, for a message that says why the cluster did not come up."""
    return "\n".join(
        f"--- {path.name}:\n" + "\n".join(path.read_text(errors="replace").splitlines()[-15:])
        for path in sorted((folder / "log").glob("*"))
    )


def start_cluster(folder: Path, daemons: list[subprocess.Popen]) -> dict[str, str]:
    """Start munged, slurmctld and slurmd on ``folder``; the environment that reaches them."""
    for name in ("munge", "run", "log", "state", "spool"):
        (folder / name).mkdir(mode=0o700 if name == "munge" else 0o755)
    key = folder / "munge" / "munge.key"
    key.write_bytes(os.urandom(1024))
    key.chmod(0o400)
    munge_socket = folder / "run" / "munge.socket"
    munged = ["munged", "--foreground", f"--key-file={key}", f"--socket={munge_socket}"]
    munged += [
        f"--pid-file={folder / 'run' / 'munged.pid'}",
        f"--log-file={folder / 'log' / 'munged.log'}",
    ]
    munged += [f"--seed-file={folder / 'munge' / 'seed'}"]
    (folder / "slurm.conf").write_text(slurm_conf(folder, munge_socket))
    environment = processes.tool_environment(
        **dict([SECRET]), SLURM_CONF=str(folder / "slurm.conf")
    )
    commands = (munged, ["slurmctld", "-D", "-i"], ["slurmd", "-D", "-N", "localhost"])
    for command in commands:
        output = (folder / "log" / f"{command[0]}.out").open("w")
        daemons.append(
            subprocess.Popen(command, env=environment, stdout=output, stderr=subprocess.STDOUT)
        )
        if command is munged:  # Slurm authenticates through it: wait for its socket
            deadline = time.monotonic() + 10
            while not munge_socket.exists() and daemons[0].poll() is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.1)
    deadline = time.monotonic() + START_TIMEOUT
    state = ""
    while time.monotonic() < deadline and all(d.poll() is None for d in daemons):
        sinfo = ["sinfo", "--noheader", "--Node", "--format=%T"]
        state = subprocess.run(sinfo, env=environment, capture_output=True, text=True).stdout
        if state.strip() == "idle":
            return environment
        time.sleep(0.5)
    stopped = [" ".join(d.args[:1]) for d in daemons if d.poll() is not None]
    unavailable(
        f"the node is not idle after {START_TIMEOUT} s (state {state.strip()!r}"
        f"{', stopped: ' + ', '.join(stopped) if stopped else ''}):\n{logs(folder)}"
    )


@pytest.fixture(scope="module")
def slurm():
    """The environment (``SLURM_CONF``) of a single-node Slurm cluster, up for this module."""
    missing = [program for program in PROGRAMS if not shutil.which(program)]
    if missing:
        unavailable(
            f"{', '.join(missing)} not installed (`make slurm` installs Debian's slurm-wlm "
            "and munge)"
        )
    # munged wants every folder above its socket searchable by all: not pytest's tmp_path.
    folder = Path(tempfile.mkdtemp(prefix="course-slurm-"))
    folder.chmod(0o755)
    daemons: list[subprocess.Popen] = []
    environment = None
    try:
        environment = start_cluster(folder, daemons)
        yield environment
    finally:
        if environment:
            subprocess.run(["scancel", "--user", str(os.getuid())], env=environment, timeout=30)
        for daemon in reversed(daemons):
            daemon.terminate()
            try:
                daemon.wait(timeout=15)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_class_graded_as_a_slurm_job_array_merges_to_what_one_run_gives(
    slurm, small_class, tmp_path
):
    inbox, single = small_class["inbox"], small_class["single"]
    print(f"\none run on one machine took {small_class['seconds']:.1f} s")

    course = make_course(tmp_path / "course", tiny=True)
    (course / ".venv").symlink_to(sys.prefix)  # the job file activates the course's .venv
    (tmp_path / "logs").mkdir()
    # This machine's sizes: one core per shard (2 shards at once on 2 cores), the tiny chapter's
    # memory. Options given to sbatch override the job file's #SBATCH lines.
    sizes = ["--cpus-per-task=1", "--mem=1G", f"--output={tmp_path / 'logs'}/%a.out"]
    command = ["sbatch", "--wait", "--array=1-3", *sizes, JOB_FILE, CHAPTER, inbox, 3]
    started = time.perf_counter()
    job = subprocess.run(
        list(map(str, command)), cwd=course, env=slurm, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    tasks = "\n".join(f"--- {p.name}:\n{p.read_text()}" for p in sorted(tmp_path.glob("logs/*")))
    assert job.returncode == 0, f"{job.stdout}{job.stderr}\n{tasks}"
    graded_in = re.findall(r"submissions? in (\d+) s", tasks)
    print(f"\nthe job array of 3 shards took {seconds:.1f} s (sbatch --wait; 2 tasks at a time);")
    print(f"its tasks' `course grade` runs took {', '.join(graded_in)} s")
    folders = sorted(course.glob(f"shards/{CHAPTER}-*"))
    assert [folder.name[-1] for folder in folders] == ["1", "2", "3"]
    assert not (course / "gradebook.db").exists(), "a shard leaves the course alone"

    merged = run_course("merge", *folders, cwd=course)
    assert "merged 4 results of 3 shards" in merged.stdout
    assert read_grades(course / "grades.csv") == read_grades(single / "grades.csv")
    assert gradebook_scores(course, CHAPTER) == gradebook_scores(single, CHAPTER)
    assert course_files(course) == course_files(single)
    assert tree_digest(course / "feedback") == tree_digest(single / "feedback")

    files = tree_digest(course, skip=("gradebook.db", ".venv"))
    run_course("merge", *folders, folders[0], cwd=course)  # a shard merged twice
    assert tree_digest(course, skip=("gradebook.db", ".venv")) == files
    assert gradebook_scores(course, CHAPTER) == gradebook_scores(single, CHAPTER)

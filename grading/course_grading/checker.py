"""The checker: the clean Python in which `course grade` runs a chapter's graded tests.

It never runs a line a student wrote: it runs the release's read-only cells (setup, data, given
helpers) and every graded test cell, visible and hidden, as the course's source has them. A name
that the student's notebook defines (a name an answer cell of the release binds) stands for the
student's object (`student.StudentName`): calling it asks the grader, which asks the student's
kernel, and only data come back (`crossing`). Points come from the outcome of each test cell here,
and from nothing the student's kernel says about itself.

One checker per ``course grade`` run, the zygote, imports the chapter's setup cell once, then
forks a fresh checker for each submission; each talks to its grader process (`CheckerLink`)
over a Unix socket in frames: the grader sends ``start``, then ``run`` for each cell, and
answers each ``call`` the cell makes with the student kernel's ``reply``; the checker answers
each ``run`` with ``done``.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import io
import json
import linecache
import os
import select
import signal
import socket
import struct
import sys
from pathlib import Path
from time import monotonic

from course_grading.crossing import Refused
from course_grading.student import StudentName, answer, request

HEADER = struct.Struct(">QQ")  # a frame: the lengths of its JSON message and of its payload
READY = "checker ready"


class CellTimeoutError(BaseException):
    """The student's kernel did not answer in the cell's time (a `BaseException`: a test's
    ``except Exception`` cannot take it for a wrong answer and go on calling)."""


class KernelDied(BaseException):
    """The student's kernel died while answering."""


def frame(message: dict, payload: str = "") -> bytes:
    """A message and its payload (a request or an answer, passed on as it is) as bytes."""
    body, data = json.dumps(message).encode(), payload.encode()
    return HEADER.pack(len(body), len(data)) + body + data


def read_frame(stream) -> tuple[dict, str] | None:
    """The next message and its payload, or None at the end of the stream."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    sizes = HEADER.unpack(head)
    return json.loads(stream.read(sizes[0])), stream.read(sizes[1]).decode()


def write_frame(stream, message: dict, payload: str = "") -> None:
    stream.write(frame(message, payload))
    stream.flush()


class Student:
    """The student's kernel as the checker reaches it: through the grader, data only."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.suspicious: list[str] = []  # answers the agent in the kernel never sends

    def call(self, target, args, kwargs):
        text, sent = request(target, args, kwargs)
        write_frame(self.writer, {"op": "call"}, text)
        if (received := read_frame(self.reader)) is None:  # the grader is gone: nothing to check
            os._exit(0)
        reply, text = received
        failure = reply.get("failure")
        if failure == "timeout":
            raise CellTimeoutError(f"your code ran over {reply.get('seconds')} s")
        if failure == "died":
            raise KernelDied("your notebook's kernel died while running your code")
        if failure:
            raise RuntimeError(f"your notebook's kernel did not answer ({failure})")
        try:
            return answer(text, sent)
        except Refused as error:
            self.suspicious.append(f"an answer the grader never asks for ({error})")
            raise TypeError(f"your kernel's answer could not be read ({error})") from None


class Namespace(dict):
    """The checker's global names; a missing name that the student defines is theirs."""

    def __init__(self, names, student: Student | None):
        super().__init__(__name__="__main__", __builtins__=builtins)
        self.names, self.student = frozenset(names), student

    def __missing__(self, name: str):
        if name in self.names:
            return StudentName(name, self.student)
        raise KeyError(name)


def python_of(source: str) -> str:
    """A cell's source as Python: IPython's ``%`` and ``!`` lines transformed."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def run_cell(source: str, name: str, namespace: Namespace) -> dict:
    """Run one cell; its outcome: ``ok``, or the exception's name and message."""
    filename = f"<{name}>"
    output = io.StringIO()
    try:
        text = python_of(source)
        linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
        code = compile(text, filename, "exec")
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            exec(code, namespace)
    except BaseException as error:  # a test's failure, whatever it is, is the cell's outcome
        return {"ok": False, "ename": type(error).__name__, "evalue": str(error)[:2000]}
    return {"ok": True}


def install_helpers(student: Student) -> None:
    """`course_utils.testing` as graded tests need it: across to the student's kernel."""
    from course_utils import testing

    def in_your_kernel(function, /, *args, **kwargs):
        return student.call(function, args, kwargs)

    in_your_kernel.__doc__ = testing.in_your_kernel.__doc__
    testing.in_your_kernel = in_your_kernel


def serve_grader(connection: socket.socket) -> None:
    """Be one submission's checker: run what its grader sends, until it hangs up."""
    reader, writer = connection.makefile("rb"), connection.makefile("wb")
    student = Student(reader, writer)
    install_helpers(student)
    write_frame(writer, {"op": "hello", "pid": os.getpid()})
    namespace = Namespace((), student)
    while (received := read_frame(reader)) is not None:
        message = received[0]
        if message["op"] == "start":
            namespace = Namespace(message["names"], student)
        elif message["op"] == "run":
            outcome = run_cell(message["source"], message["name"], namespace)
            outcome["suspicious"], student.suspicious = student.suspicious, []
            write_frame(writer, {"op": "done", **outcome})


def zygote(path: str, warm_up: str) -> None:
    """Listen on the Unix socket ``path``, import what ``warm_up`` (a chapter's setup cell)
    imports, then fork a checker for each connection, until its standard input ends: the run
    closed it, or ended (a checker ends when its grader hangs up).

    It is ready as soon as it listens: the first connections wait while it imports, and the run
    starts the first kernels meanwhile."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(64)
    print(READY, flush=True)
    # A class's hidden tests train the same network from the same seed again and again:
    # course_utils' `training.fit` keeps what it trained in this run's folder, which no kernel sees.
    os.environ["COURSE_FIT_CACHE"] = str(Path(path).parent / "fits")
    outcome = run_cell(warm_up, "setup", Namespace((), None))
    if not outcome["ok"]:
        print(f"the setup cell failed in the checker: {outcome}", file=sys.stderr, flush=True)
    threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1
    if threads > 1:  # forking a process with threads is safe only if they hold no lock
        print(f"the checker forks with {threads} threads", file=sys.stderr, flush=True)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped as they end
    while True:
        ready, _, _ = select.select([server, sys.stdin], [], [])
        if sys.stdin in ready:  # nothing is ever written to it: its end
            os._exit(0)
        connection, _ = server.accept()
        if os.fork() == 0:
            server.close()
            try:
                serve_grader(connection)
            finally:
                os._exit(0)
        connection.close()


class CheckerLink:
    """One submission's checker, as its grader drives it."""

    def __init__(self, reader, writer, pid: int):
        self.reader, self.writer, self.pid = reader, writer, pid

    @classmethod
    async def open(cls, path: str, names: list, cgroups: list, pid_file: str) -> CheckerLink:
        reader, writer = await asyncio.open_unix_connection(path)
        link = cls(reader, writer, 0)
        try:
            hello, _ = await asyncio.wait_for(link.read(), 60)
        except (asyncio.IncompleteReadError, TimeoutError):
            failure = "the checker did not start: its setup failed or took over 60 s"
            raise RuntimeError(failure) from None
        link.pid = int(hello["pid"])
        for folder in cgroups:  # the checker's share of the machine, like the kernel's
            Path(folder, "cgroup.procs").write_text(str(link.pid))
        if pid_file:
            Path(pid_file).write_text(str(link.pid))
        link.send({"op": "start", "names": names})
        return link

    def send(self, message: dict, payload: str = "") -> None:
        self.writer.write(frame(message, payload))

    async def read(self) -> tuple[dict, str]:
        sizes = HEADER.unpack(await self.reader.readexactly(HEADER.size))
        message = json.loads(await self.reader.readexactly(sizes[0]))
        return message, (await self.reader.readexactly(sizes[1])).decode()

    async def run(self, name: str, source: str, timeout: float, relay) -> dict:
        """Run one cell in the checker, relaying its calls; its outcome (``stopped``: the
        checker was stopped, a new one is needed)."""
        deadline = monotonic() + timeout
        self.send({"op": "run", "name": name, "source": source})
        while True:
            try:
                left = max(deadline - monotonic(), 0.01)
                message, text = await asyncio.wait_for(self.read(), left)
            except (TimeoutError, asyncio.TimeoutError):
                return self.stop(CellTimeoutError.__name__, f"{name} ran over {timeout:g} s")
            except (asyncio.IncompleteReadError, ConnectionError, ValueError):
                return self.stop("CheckerDied", f"the checker stopped while running {name}")
            if message.get("op") == "call":
                reply = await relay(text, deadline)
                text = reply.pop("text", "")
                self.send({"op": "reply", **reply}, text)
            elif message.get("op") == "done":
                return message

    def stop(self, ename: str, evalue: str) -> dict:
        self.close()
        return {"ok": False, "ename": ename, "evalue": evalue, "stopped": True}

    def close(self) -> None:
        self.writer.close()
        if self.pid:
            try:
                os.kill(self.pid, 9)
            except ProcessLookupError:
                pass


if __name__ == "__main__":
    with open(sys.argv[2], encoding="utf-8") as file:
        zygote(sys.argv[1], file.read())

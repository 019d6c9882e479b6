"""The graded tests run in the checker; the student's kernel runs only the student's notebook.

`CheckedExecute` takes the place of nbgrader's `Execute` when `course grade` autogrades. First the
student's kernel runs the notebook as the student ran it (`SafeExecute`), except that each graded
test cell runs as the release has it: the visible tests run there, the hidden tests are not there at
all. Then a checker (`course_grading.checker`, forked from the run's zygote) runs the release's
read-only cells and every graded test cell in order, and this preprocessor relays each call a test
makes to the student's kernel, which by then has run every cell it will ever run: nothing the
checker sends can reach an output. A test cell keeps what the student's kernel printed, made inert
(no error, no result nbgrader could score), followed by the checker's verdict: nothing when the test
passed, the exception's name and message when it failed. nbgrader scores the cell from that, so the
points come from the checker alone.
"""

from __future__ import annotations

import copy
import re
from time import monotonic

from nbclient.client import NotebookClient
from nbclient.util import ensure_async, run_sync
from nbformat.notebooknode import NotebookNode
from traitlets import Bool, List, Unicode

from course_grading import agent
from course_grading.checker import CheckerLink
from course_grading.checks import nbgrader_meta
from course_grading.preprocessors.safe_execute import SafeExecute, error_output
from course_grading.status import DIED_ENAME, TIMEOUT_ENAME

HIDDEN = re.compile(r"^[^\n]*BEGIN HIDDEN TESTS.*?END HIDDEN TESTS[^\n]*(\n|$)", re.S | re.M)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
REVIVALS = 2  # how often a kernel that died is started again, its cells run again
_REPORTS: list[dict] = []  # what the checking of each notebook this process ran noticed


def is_test(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_setup(cell) -> bool:
    """A read-only cell that is neither a test nor an answer: setup, data, given helpers."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("locked")) and not meta.get("grade")


def released(source: str) -> str:
    """A test cell as the student notebook has it: without its hidden tests."""
    return HIDDEN.sub("", source)


def has_code(source: str) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in source.splitlines())


def inert(outputs: list) -> list:
    """What the student's kernel showed, as text and pictures that nbgrader cannot score."""
    shown = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "error":
            lines = output.get("traceback") or [f"{output.get('ename')}: {output.get('evalue')}"]
            text = "\n".join(ANSI.sub("", line) for line in lines) + "\n"
            shown.append(NotebookNode(output_type="stream", name="stdout", text=text))
        elif kind == "execute_result":
            data, metadata = output.get("data", {}), output.get("metadata", {})
            shown.append(NotebookNode(output_type="display_data", data=data, metadata=metadata))
        elif kind == "stream":
            shown.append(NotebookNode(output_type="stream", name="stdout", text=output["text"]))
        else:
            shown.append(output)
    return shown


def reports() -> dict:
    """What checking the last notebook run in this process noticed (empty if none ran)."""
    return _REPORTS[-1] if _REPORTS else {"suspicious": [], "problems": []}


class CheckedExecute(SafeExecute):
    """`SafeExecute` in the student's kernel, then the graded tests in the checker."""

    checker_socket = Unicode(help="The Unix socket of the run's checker zygote.").tag(config=True)
    exercise_names = List(
        Unicode(), help="The names the release's answer cells define: the student's in tests."
    ).tag(config=True)
    checker_cgroups = List(Unicode(), help="The cgroups the checker joins.").tag(config=True)
    checker_pid_file = Unicode("", help="Where the checker's pid is written.").tag(config=True)
    raise_on_iopub_timeout = Bool(
        False,
        help="nbgrader fails the whole notebook when a cell's outputs arrive over 4 s after its "
        "reply; here they score nothing (the checker's verdicts do), so the late ones are left "
        "out and the next cell runs.",
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        """nbconvert's `ExecutePreprocessor.preprocess`, with the checker's turn at the end,
        while the student's kernel still runs."""
        self.start_notebook()
        self._shown: dict[int, list] = {}
        self.report = {"suspicious": [], "problems": []}
        self.revivals = 0
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        with self.setup_kernel():
            info = self.wait_for_reply(self.kc.kernel_info())
            self.nb.metadata["language_info"] = info["content"]["language_info"]
            for index, cell in enumerate(self.nb.cells):
                self.preprocess_cell(cell, resources, index)
            run_sync(self.check)()
        _REPORTS.append(self.report)
        self.set_widgets_metadata()
        return self.nb, self.resources

    def preprocess_cell(self, cell, resources, index):
        if not is_test(cell) or self._died_at is not None:
            return super().preprocess_cell(cell, resources, index)
        shown = copy.deepcopy(cell)
        shown.source, shown.outputs = released(cell.source), []
        if has_code(shown.source):
            shown, resources = super().preprocess_cell(shown, resources, index)
        cell.outputs, cell.execution_count = shown.outputs, shown.get("execution_count")
        self._shown[index] = shown.outputs
        return cell, resources

    async def check(self) -> None:
        """Run the read-only and test cells in the checker, each test cell's verdict its output."""
        limit = len(self.nb.cells) if self._died_at is None else self._died_at
        plan = [
            (index, cell)
            for index, cell in enumerate(self.nb.cells[:limit])
            if is_setup(cell) or is_test(cell)
        ]
        if not any(is_test(cell) for _, cell in plan):
            return
        ready = await self.revive(limit) if self._died_at is not None else True
        ready = ready and await self.quiet(agent.agent_source())
        link, setups = None, []
        for index, cell in plan:
            name = nbgrader_meta(cell).get("grade_id") or f"cell {index + 1}"
            if not ready:
                outcome = {"ok": False, "ename": DIED_ENAME, "evalue": "the kernel died"}
            else:
                link = link or await self.new_checker(setups)
                outcome = await link.run(name, cell.source, self.timeout, self.relay)
            self.report["suspicious"] += outcome.get("suspicious", [])
            if outcome.get("stopped"):
                link = None
                if outcome["ename"] != TIMEOUT_ENAME:
                    self.report["problems"].append(outcome["evalue"])
            if is_setup(cell):
                setups.append((name, cell.source))
                if not outcome["ok"]:
                    failure = f"{outcome['ename']}: {outcome['evalue']}"[:200]
                    self.report["problems"].append(f"the checker could not run {name} ({failure})")
            else:
                verdict = (
                    [] if outcome["ok"] else [error_output(outcome["ename"], outcome["evalue"])]
                )
                cell.outputs = inert(self._shown.get(index, [])) + verdict
        if link is not None:
            link.close()

    async def new_checker(self, setups: list) -> CheckerLink:
        link = await CheckerLink.open(
            self.checker_socket, list(self.exercise_names), self.checker_cgroups,
            self.checker_pid_file,
        )  # fmt: skip
        for name, source in setups:  # a new checker after one was stopped: the same start
            await link.run(name, source, self.timeout, self.relay)
        return link

    async def relay(self, text: str, deadline: float) -> dict:
        """Ask the student's kernel to answer one request of the checker, by ``deadline``."""
        if not await ensure_async(self.km.is_alive()):
            alive = await self.revive(len(self.nb.cells))
            if not (alive and await self.quiet(agent.agent_source())):
                return {"failure": "died"}
        answers = []

        def collect(message):
            data = message["content"].get("data", {})
            if message["msg_type"] == "display_data" and agent.MIME in data:
                answers.append(data[agent.MIME])

        if not await self.quiet(agent.CALL_SOURCE, deadline - monotonic(), collect, text):
            if not await ensure_async(self.km.is_alive()):
                return {"failure": "died"}
            await ensure_async(self.km.interrupt_kernel())
            return {"failure": "timeout", "seconds": self.timeout}
        if len(answers) > 1:
            self.report["suspicious"].append("the kernel answered one request more than once")
        return {"text": answers[0]} if answers else {"failure": "no answer"}

    async def quiet(self, code: str, seconds=None, hook=None, stdin: str | None = None) -> bool:
        """Run ``code`` in the student's kernel without a trace in the notebook, its outputs
        to ``hook``, ``stdin`` the answer to its first ``input()``; whether it finished in
        ``seconds`` (default: a cell's time)."""
        replies = [] if stdin is None else [stdin]
        try:
            await self.kc.execute_interactive(
                code, silent=True, store_history=False, allow_stdin=stdin is not None,
                timeout=max(self.timeout if seconds is None else seconds, 0.01),
                output_hook=hook or (lambda _: None),
                stdin_hook=lambda _: self.kc.input(replies.pop() if replies else ""),
            )  # fmt: skip
        except TimeoutError:
            return False
        return True

    async def revive(self, limit: int) -> bool:
        """Start the student's kernel again and run again the cells it ran before ``limit``."""
        if self.revivals >= REVIVALS:
            return False
        self.revivals += 1
        await ensure_async(self.km.restart_kernel(now=True))
        await ensure_async(self.kc.wait_for_ready(timeout=self.startup_timeout))
        for index, source in self._ran:
            if index < limit and not await self.quiet(source):
                return False
        return True

"""The runtime audit: cells the grader adds around the test cells it runs, then takes out again.

Introduced in the instructors' guide. `AuditedExecute` is `SafeExecute` with the audit cells
(`audit_kernel`) added to the notebook it runs: one before every cell (the start snapshot),
one before each test cell and one after the last cell. Each answers with a line tagged with this
run's random nonce and signed with the key the start snapshot made before any student code ran;
an audit cell without such a line did not answer, which is a finding too. The audit cells run
without history (no ``In[]``, no execution count) and are taken out of the notebook before
anything else sees it; their answers (`verdict.Audit`) wait in `taken` for the grader process.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from pathlib import Path

from nbformat import v4

from course_grading.checks import nbgrader_meta
from course_grading.preprocessors.safe_execute import SafeExecute
from course_grading.status import DIED_ENAME, NOT_RUN_ENAME, TIMEOUT_ENAME
from course_grading.verdict import ALLOWED_CALLBACKS, AUDITED, Audit

PREFIX = "COURSE-AUDIT"
KERNEL_SOURCE = (Path(__file__).with_name("audit_kernel.py")).read_text()
_TAKEN: list[list[Audit]] = []  # the answers of each notebook this process ran


def start_source(tag: str) -> str:
    """The first cell: the kernel's start snapshot, which prints the signing key."""
    call = f"_course_audit_install({tag!r}, {list(AUDITED)!r}, {list(ALLOWED_CALLBACKS)!r})"
    return f"{KERNEL_SOURCE}\n{call}\ndel _course_audit_install\n"


def audit_source(tag: str) -> str:
    """An audit cell: check, put back, answer."""
    return f'__import__("sys").modules["_course_audit"].run({tag!r})\n'


def is_test(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def inject(nb, nonce: str) -> list[tuple[object, str, str | None]]:
    """Add the audit cells to ``nb``; (cell, tag, the test cell it precedes) of each, in order.

    The first is the start snapshot (its test cell ``"start"``); the last, ``None``, comes after
    the last cell.
    """
    plan, cells = [], []

    def add(source_of, before):
        tag = f"{nonce}-{len(plan)}"
        cell = v4.new_code_cell(source_of(tag))
        plan.append((cell, tag, before))
        cells.append(cell)

    add(start_source, "start")
    for cell in nb.cells:
        if is_test(cell):
            add(audit_source, nbgrader_meta(cell).get("grade_id"))
        cells.append(cell)
    add(audit_source, None)
    nb.cells = cells
    return plan


def answer_lines(cell, tag: str) -> list[tuple[str, str]]:
    """(signature, JSON text) of each line of ``cell``'s output tagged ``tag``."""
    text = "".join(
        output.get("text", "")
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
    )
    head = f"{PREFIX} {tag} "
    return [
        tuple(line[len(head) :].split(" ", 1))
        for line in text.splitlines()
        if line.startswith(head) and " " in line[len(head) :]
    ]


def read_answer(cell, tag: str, before: str | None, key: bytes | None) -> Audit:
    """What one audit cell said, checked against the key."""
    audit = Audit(before=before)
    errors = {o.get("ename") for o in cell.get("outputs", []) if o.get("output_type") == "error"}
    if errors & {NOT_RUN_ENAME, DIED_ENAME}:
        audit.not_run = True
        return audit
    lines = answer_lines(cell, tag)
    if key is None:
        audit.problem = "the start snapshot did not answer"
        return audit
    for signature, text in lines:
        expected = hmac.new(key, f"{tag} {text}".encode(), hashlib.sha256).hexdigest()
        if hmac.compare_digest(signature, expected):
            body = json.loads(text)
            audit.found, audit.left = list(body["found"]), list(body["left"])
            audit.threads = list(body["threads"])
            return audit
    if lines:
        audit.problem = "the audit's answer was forged (wrong signature)"
    elif TIMEOUT_ENAME in errors:
        audit.problem = "the audit did not answer (timed out)"
    else:
        audit.problem = "the audit did not answer" + (f" ({min(errors)})" if errors else "")
    return audit


def collect(nb, plan) -> list[Audit]:
    """Take the audit cells out of ``nb``; their answers, in order (start snapshot left out)."""
    injected = {id(cell) for cell, _, _ in plan}
    nb.cells = [cell for cell in nb.cells if id(cell) not in injected]
    (start, start_tag, _), *rest = plan
    key = None
    for signature, _ in answer_lines(start, start_tag):
        try:
            key = bytes.fromhex(signature)
        except ValueError:
            continue
    return [read_answer(cell, tag, before, key) for cell, tag, before in rest]


def taken() -> list[Audit]:
    """The answers of the last notebook run in this process (empty if none ran)."""
    return _TAKEN[-1] if _TAKEN else []


class AuditedExecute(SafeExecute):
    """`SafeExecute` with the runtime audit around the test cells (see the module)."""

    _audit_cells: frozenset = frozenset()

    def preprocess(self, nb, resources=None, km=None):
        plan = inject(nb, secrets.token_hex(8))
        self._audit_cells = frozenset(id(cell) for cell, _, _ in plan)
        try:
            return super().preprocess(nb, resources, km)
        finally:
            _TAKEN.append(collect(nb, plan))
            self._audit_cells = frozenset()

    def execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if id(cell) in self._audit_cells:  # no history, no execution count: it leaves no trace
            store_history = False
        return super().execute_cell(cell, cell_index, execution_count, store_history)

"""What the static screen and the runtime audit found, and which test cells it costs. Pure.

Introduced in the instructors' guide. The runtime audit (`preprocessors.audit`) answers before
each test cell the grader runs and after the student's last cell: what differed from the
kernel's start state (``found``, then put back) and what it could not put back (``left``).
`judge` turns the screen's findings and those answers into reasons and the test cells that
count as failed:

- a screen finding of a rule the audit fully covers (``ipython-machinery``, ``tracing-hook``,
  ``module-attribute`` of an audited module) is *neutralised* when every audit before a later
  test cell answered and left nothing changed: it is reported, the submission is flagged, but
  no test cell counts as failed;
- every other screen finding fails the test cells after its cell;
- an audit that did not answer, could not put something back, or found a change that no
  screen finding of its kind before it explains, fails its test cell and every later one.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from course_grading.checks import grade_cells_after
from course_grading.screen import Finding, python_of

# What the kernel snapshots: modules, and ``module:Class`` for a class's namespace.
AUDITED = (
    "numpy",
    "numpy.testing",
    "numpy.testing._private.utils",
    "numpy.linalg",
    "numpy._core.numeric",
    "math",
    "builtins",
    "unittest.case:TestCase",
)
AUDITED_OWNERS = frozenset({t.replace(":", ".") for t in AUDITED} | {"unittest.TestCase"})
ALLOWED_CALLBACKS = ("matplotlib_inline.", "matplotlib.")  # how figures are shown, not judged
COVERED = frozenset({"ipython-machinery", "tracing-hook"})  # and module-attribute, if audited
RULE_OF = {  # the kind of an audit's finding -> the screen rule that explains it
    "ipython": "ipython-machinery",
    "tracing": "tracing-hook",
    "function": "module-attribute",
}
NEUTRALISED = "(neutralised: the tests ran with the kernel's own machinery)"


@dataclass
class Audit:
    """One audit cell's answer, as the grader process's summary holds it."""

    before: str | None  # the test cell it ran before; None: after the student's last cell
    problem: str = ""  # why it did not answer; "" when it answered
    found: list[str] = field(default_factory=list)  # "kind: what", before putting back
    left: list[str] = field(default_factory=list)  # what was still changed after
    threads: list[str] = field(default_factory=list)  # threads started since the start
    not_run: bool = False  # the kernel had died: nothing ran after it (an error already)

    @property
    def clean(self) -> bool:
        return self.not_run or not (self.problem or self.left or self.threads)

    @property
    def label(self) -> str:
        return f"before {self.before}" if self.before else "after the last cell"


@dataclass
class Verdict:
    reasons: list[str]
    failed: list[str]  # test cells counted as failed
    suspicious: bool


def aliases_of(sources) -> dict[str, str]:
    """The module each imported name stands for: ``np`` -> ``numpy``, ``npt`` -> ``numpy.testing``.

    ``from numpy import testing`` gives ``testing`` -> ``numpy.testing`` (a module or not).
    """
    aliases = {"__builtins__": "builtins", "np": "numpy"}
    for source in sources:
        tree = python_of(source)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Import):
                for alias in node.names:
                    aliases[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def covered(finding: Finding, aliases: dict[str, str]) -> bool:
    """Whether the audit sees and puts back what ``finding`` names."""
    if finding.rule in COVERED:
        return True
    target, _, _ = finding.detail.partition(" of module ")
    if finding.rule != "module-attribute" or not _ or not target.replace(".", "_").isidentifier():
        return False  # setattr(...), vars(...)[...], sys.modules[...]: not a plain attribute
    root, *middle, _name = target.split(".")
    return ".".join([aliases.get(root, root), *middle]) in AUDITED_OWNERS


def describe(findings: list[Finding], failed: list[str], neutral=(), limit: int = 5) -> str:
    """The screen's part of the reason: its first findings and what they cost.

    When every finding is neutralised, it says so once at the end; otherwise after each one.
    """
    cutting = [f for f in findings if f not in neutral]
    marked = [f"{f} {NEUTRALISED}" if f in neutral and cutting else str(f) for f in findings]
    shown = "; ".join(marked[:limit])
    more = f"; and {len(findings) - limit} more" if len(findings) > limit else ""
    after = (cutting[0].anchor if cutting else "") or "the start"
    cost = f" (test cells after {after} counted as failed)" if failed and cutting else ""
    return f"screen: {shown}{more}{cost}" + ("" if cutting else f" {NEUTRALISED}")


def judge(findings: list[Finding], audits: list[Audit], release, aliases: dict) -> Verdict:
    """Reasons, failed test cells and whether the submission is suspicious."""
    tests = grade_cells_after(release, "")
    by_cell = {audit.before: audit for audit in audits}

    def later(anchor: str) -> list[str]:
        return grade_cells_after(release, anchor)

    def precedes(finding: Finding, before: str | None) -> bool:
        return before is None or before in later(finding.anchor)

    neutral = [
        f
        for f in findings
        if covered(f, aliases)
        and all(by_cell.get(t) is not None and by_cell[t].clean for t in later(f.anchor))
    ]
    failed = set()
    for finding in findings:
        if finding not in neutral:
            failed.update(later(finding.anchor))
    screen = describe(findings, sorted(failed), neutral) if findings else ""
    issues, first = [], None
    for audit in audits:
        if audit.not_run:
            continue
        explained = {
            kind
            for kind, rule in RULE_OF.items()
            for f in findings
            if f.rule == rule and covered(f, aliases) and precedes(f, audit.before)
        }
        unexplained = [item for item in audit.found if item.split(":")[0] not in explained]
        said = [audit.problem] if audit.problem else []
        said += [f"could not put back {item}" for item in audit.left] + unexplained
        if said:
            issues.append(f"{audit.label}: {'; '.join(said)}"[:300])
            if audit.before in tests:
                first = first or audit.before
                failed.update(tests[tests.index(audit.before) :])
    reasons = [screen] if screen else []
    if issues:
        cost = f" (test cells from {first} on counted as failed)" if first else ""
        more = f"; and {len(issues) - 3} more" if len(issues) > 3 else ""
        reasons.append(f"audit: {'; '.join(issues[:3])}{more}{cost}")
    ordered = [t for t in tests if t in failed]
    return Verdict(reasons=reasons, failed=ordered, suspicious=bool(findings or issues))

"""The comparative claims each chapter's prose makes about its run, checked by `bench.chapters`.

A claim such as "dropout lowers the validation loss" is written once in the prose and once here,
in ``bench/claims/<chapter id>.py`` as ``CLAIMS = [Claim(...)]``. ``holds`` is a Python
expression over the variables the notebook defined; `bench.chapters` appends a cell to the
notebook that evaluates it in the notebook's own kernel after the last cell, in the full profile,
on each data set the claim names in ``on``. A claim that is false, or whose expression raises,
fails the bench. The tolerance belongs in the expression and comes from the noise the chapter
itself measures (``a < b - noise``), so that a claim holds only when the run shows it beyond
that noise.

The stand-in for full MNIST (`bench.chapters.write_standin`) tiles the subset's digits, so its
validation digits are copies of training digits: a claim about generalisation names only
``("subset",)``.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path

DATA_SETS = ("subset", "standin")
MARKER = "BENCH-CLAIMS"


@dataclass(frozen=True)
class Claim:
    """One sentence of a chapter's prose and the expression that checks it.

    text : the claim as the prose makes it.
    holds : Python expression, true when the run supports the claim.
    show : Python expression whose value the bench prints beside the claim (what it rests on).
    on : the data sets on which the claim must hold.
    """

    text: str
    holds: str
    show: str = ""
    on: tuple[str, ...] = DATA_SETS

    def __post_init__(self):
        unknown = set(self.on) - set(DATA_SETS)
        if unknown or not self.on:
            raise ValueError(f"claim {self.text!r}: on={self.on!r}; use some of {DATA_SETS}")
        for expression in filter(None, (self.holds, self.show)):
            compile(expression, f"<claim {self.text!r}>", "eval")


def claims_of(chapter: str, data_set: str | None = None) -> list[Claim]:
    """The claims of ``chapter`` (all of them, or those checked on ``data_set``); none when the
    chapter has no ``bench/claims/<chapter>.py``."""
    if not (Path(__file__).parent / f"{chapter}.py").is_file():
        return []
    claims = importlib.import_module(f"{__name__}.{chapter}").CLAIMS
    return [claim for claim in claims if data_set is None or data_set in claim.on]


def check_cell(claims: list[Claim]) -> str:
    """Source of the code cell that checks ``claims`` in the notebook's kernel and prints one
    line: the marker and, as JSON, ``[text, holds, shown value]`` per claim."""
    checked = [(claim.text, claim.holds, claim.show) for claim in claims]
    return f"""\
import json as _claims_json
_claims_results = []
for _claim_text, _claim_holds, _claim_show in {checked!r}:
    try:
        _claim_result = [bool(eval(_claim_holds)), repr(eval(_claim_show)) if _claim_show else ""]
    except Exception as _claim_error:
        _claim_result = [False, f"{{type(_claim_error).__name__}}: {{_claim_error}}"]
    _claims_results.append([_claim_text, *_claim_result])
print({MARKER!r}, _claims_json.dumps(_claims_results))
"""


def results_of(cell) -> list[tuple[str, bool, str]] | None:
    """What the executed `check_cell` printed, or None when it did not run to the end."""
    for output in cell.get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith(MARKER + " "):
                return [tuple(result) for result in json.loads(line[len(MARKER) + 1 :])]
    return None

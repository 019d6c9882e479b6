"""Seconds a call takes to cross to a student's kernel and back, as the checker makes it.

Run ``python -m bench.crossing``. It starts a plain Python kernel, installs the grader's agent
there, defines a function that returns its argument, and times the round trip of a request the
way `CheckedExecute.relay` sends it (the request on the kernel's standard input) beside the way
it was sent before (inside a cell's source, which ipykernel hashes in pure Python), for arrays
of growing size and for chapter 04's classic CNN (3.3 million weights). Prints one row per
value: the median of ``--repeats`` round trips each way. Nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd
from jupyter_client.manager import start_new_kernel

from course_grading import agent, student
from course_utils import models

ECHO = "def echo(value):\n    return value\n"


def round_trip(client, value, *, on_stdin: bool) -> float:
    """Seconds from the request's encoding to its answer's decoding."""
    start = time.perf_counter()
    text, sent = student.request(student.StudentName("echo", None), (value,), {})
    answers = []

    def collect(message):
        data = message["content"].get("data", {})
        if agent.MIME in data:
            answers.append(data[agent.MIME])

    code = agent.CALL_SOURCE if on_stdin else f"__import__('_course_agent').serve({text!r})\n"
    client.execute_interactive(
        code,
        silent=True,
        store_history=False,
        allow_stdin=on_stdin,
        timeout=120,
        output_hook=collect,
        stdin_hook=lambda _: client.input(text),
    )
    student.answer(answers[0], sent)
    return time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args(argv)
    values = {
        f"array {n}x{n} float64 ({8 * n * n / 1e6:.1f} MB)": np.ones((n, n))
        for n in (10, 100, 500, 1000)
    }
    values["classic CNN (3.3 million weights)"] = models.make_cnn(dense_units=1024)
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        client.execute_interactive(agent.agent_source(), silent=True, timeout=120)
        client.execute_interactive(ECHO + "import keras\n", silent=True, timeout=120)
        rows, repeats = [], arguments.repeats
        for name, value in values.items():
            row = {"value": name}
            for column, on_stdin in (("s, on stdin", True), ("s, in the source", False)):
                times = (round_trip(client, value, on_stdin=on_stdin) for _ in range(repeats))
                row[column] = statistics.median(times)
            rows.append(row)
            print(pd.DataFrame(rows).round(3).to_string(index=False).splitlines()[-1], flush=True)
    finally:
        manager.shutdown_kernel(now=True)
    print()
    print(pd.DataFrame(rows).round(3).to_string(index=False))


if __name__ == "__main__":
    main()

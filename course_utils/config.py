"""Run profile, seeding, quiet logging and the one-line environment report.

Introduced in chapter 01.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import platform
import sys
from typing import TypeVar

PROFILES = ("full", "fast")
T = TypeVar("T")
# Set before TensorFlow is imported, they keep its C++ and oneDNN start-up messages off stderr.
QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def quiet_tensorflow() -> None:
    """Keep TensorFlow's C++ and oneDNN start-up messages off stderr.

    Introduced in chapter 01. The environment variables only take effect if they are set before
    TensorFlow is imported, which is why importing `course_utils` calls this function; values the
    user already set are kept. Python-side TensorFlow and absl loggers are lowered to errors.
    """
    for name, value in QUIET_TENSORFLOW.items():
        os.environ.setdefault(name, value)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)


def profile() -> str:
    """Return the run profile, ``"full"`` or ``"fast"``.

    Introduced in chapter 01. ``COURSE_PROFILE`` decides when it is set. Otherwise the profile is
    ``"fast"`` when ``CI`` or ``NBGRADER_EXECUTION`` is set (continuous integration, nbgrader's
    autograder) and ``"full"`` everywhere else, which is what students run.

    Raises
    ------
    ValueError
        If ``COURSE_PROFILE`` holds anything but ``full`` or ``fast``.
    """
    chosen = os.environ.get("COURSE_PROFILE", "").strip().lower()
    if chosen:
        if chosen not in PROFILES:
            raise ValueError(
                f"COURSE_PROFILE must be 'full' or 'fast'; got {chosen!r}. "
                "Unset it to let the course choose."
            )
        return chosen
    if os.environ.get("CI") or os.environ.get("NBGRADER_EXECUTION"):
        return "fast"
    return "full"


def pick(*, full: T, fast: T) -> T:
    """Return ``full`` or ``fast`` according to the current profile.

    Introduced in chapter 01. Chapters use it for sizes that make a run slow, so that the same
    notebook teaches with real settings and is checked in seconds:
    ``num_epochs = config.pick(full=20, fast=2)``.
    """
    return fast if profile() == "fast" else full


def seed_everything(seed: int = 0) -> None:
    """Seed Python, NumPy and TensorFlow, and make TensorFlow's ops deterministic.

    Introduced in chapter 01. With the same seed on the same machine, training gives the same
    numbers. Call it once near the top of a notebook, and again before each run you want to
    compare.

    Raises
    ------
    TypeError
        If ``seed`` is not a non-negative integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise TypeError(f"seed must be a non-negative int; got {seed!r}")
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def device() -> str:
    """Describe where TensorFlow computes: ``"GPU (name)"`` or ``"CPU (N cores)"``.

    Introduced in chapter 01.
    """
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        return f"GPU ({details.get('device_name', gpus[0].name)})"
    return f"CPU ({os.cpu_count()} cores)"


def configure_device() -> str:
    """Set Keras up for the device TensorFlow found, and return its `device` description.

    Introduced in chapter 01; `report` calls it, so every chapter runs it before building a model.
    TensorFlow places work on a GPU by itself when there is one. On a GPU this function lets
    TensorFlow allocate memory as needed (Colab shares the GPU with other notebooks) and turns on
    mixed precision: layers compute in float16 and keep float32 weights, and the course's models
    keep their softmax in float32. On a CPU it keeps float32 and XLA compilation off, because
    both were slower there for networks of this size. Models built before the call keep the
    precision they were built with.
    """
    import keras
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        for gpu in gpus:
            try:
                tf.config.experimental.set_memory_growth(gpu, True)
            except RuntimeError:
                pass  # the GPU is already initialised; its memory setting can no longer change
        keras.mixed_precision.set_global_policy("mixed_float16")
    else:
        keras.mixed_precision.set_global_policy("float32")
        tf.config.optimizer.set_jit(False)
    return device()


def stale_packages(names: tuple[str, ...] = ("numpy", "tensorflow", "keras")) -> list[str]:
    """List packages whose imported version differs from the installed one.

    Introduced in chapter 01. On Colab, installing a package that upgrades numpy while numpy is
    already imported leaves the old one in memory; the only cure is restarting the session.
    """
    stale = []
    for name in names:
        module = sys.modules.get(name)
        if module is None:
            continue
        distributions = [name, "tensorflow-cpu"] if name == "tensorflow" else [name]
        for distribution in distributions:
            try:
                installed = importlib.metadata.version(distribution)
            except importlib.metadata.PackageNotFoundError:
                continue
            loaded = getattr(module, "__version__", installed)
            if loaded != installed:
                stale.append(f"{name} {loaded} is loaded but {installed} is installed")
            break
    return stale


def report(data: object | None = None) -> str:
    """Set up the device, then print and return one line saying where this notebook runs.

    Introduced in chapter 01. Calls `configure_device`, then prints versions, device, profile
    and, when ``data`` (a `Digits` from `course_utils.data.load_mnist`) is given, the data source,
    so that every screenshot a student shares says where it ran. If a package changed underneath
    the running session, a second line says to restart it.
    """
    import keras
    import tensorflow as tf

    parts = [
        f"Python {platform.python_version()}",
        f"TensorFlow {tf.__version__}",
        f"Keras {keras.__version__}",
        configure_device(),
        f"profile {profile()}",
    ]
    if data is not None:
        parts.append(f"data {getattr(data, 'description', data)}")
    line = " · ".join(parts)
    print(line)
    stale = stale_packages()
    if stale:
        print(
            "Restart the session (Colab: Runtime > Restart session), then run the notebook again: "
            + "; ".join(stale)
        )
    return line

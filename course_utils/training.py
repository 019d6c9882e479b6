"""Training and evaluating Keras models with the course's defaults.

Introduced in chapter 02.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils import config

# The folder where `fit` keeps the networks it trained, when set: `course grade` sets it in the
# checker, where the hidden tests of a class train the same network from the same seed again and
# again (one folder per run, which no student's kernel can see).
FIT_CACHE = "COURSE_FIT_CACHE"


@dataclass
class TrainingRun:
    """What `fit` returns: the trained model, its history and how long training took."""

    model: object
    history: pd.DataFrame
    seconds: float

    @property
    def final(self) -> pd.Series:
        """The last epoch's metrics."""
        return self.history.iloc[-1]

    @property
    def num_epochs(self) -> int:
        """How many epochs training ran."""
        return len(self.history)


def fit(
    model,
    data,
    *,
    num_epochs: int | None = None,
    num_images: int | None = None,
    batch_size: int = 32,
    learning_rate: float = 1e-3,
    optimizer: str = "adam",
    schedule: str = "constant",
    weight_decay: float = 0.0,
    cross_entropy: bool = False,
    verbose: int | None = None,
) -> TrainingRun:
    """Compile ``model`` for ten-class classification and train it on ``data``.

    Introduced in chapter 02. Uses integer labels with sparse categorical cross-entropy, tracks
    accuracy, and validates on ``data.x_val`` after every epoch. Give the training budget either
    as ``num_images``, the number of training images the model sees (so that a run takes about
    as long on the 5,000-digit subset as on full MNIST), or as ``num_epochs``; without either, the
    profile's default of 10 epochs (``full``) or 2 (``fast``) applies. In the ``full`` profile
    Keras prints one line per epoch to stdout, so that a long run shows progress.

    Parameters
    ----------
    model : keras.Model
        A model whose last layer outputs class probabilities (a softmax).
    data : Digits
        What `course_utils.data.load_mnist` returns.
    num_epochs, batch_size, learning_rate : int, int, float
        The usual knobs; ``learning_rate`` goes to the optimizer.
    num_images : int, optional
        Training budget in images seen, rounded to whole epochs (at least one): see
        `epochs_for`. Give this or ``num_epochs``, not both.
    optimizer : {"adam", "sgd"}
        The optimizer's name.
    schedule : {"constant", "cosine"}
        ``"constant"`` keeps ``learning_rate`` throughout; ``"cosine"`` (chapter 03) starts there
        and lowers it along a half cosine to zero at the last step, so that training takes large
        steps first and settles at the end.
    weight_decay : float
        Decoupled weight decay (chapter 05): after every step the optimizer shrinks each weight
        by ``learning_rate * weight_decay`` of itself, apart from the gradient; biases are left
        alone. With ``"adam"`` this is `keras.optimizers.AdamW`. 0, the default, decays nothing.
    cross_entropy : bool
        Also record the cross-entropy alone, without the penalties of the model's regularizers
        that Keras adds to ``loss`` and ``val_loss`` (chapter 05): columns ``cross_entropy``
        and ``val_cross_entropy``.
    verbose : int, optional
        Keras' progress output: 0 is silent, 2 prints one line per epoch. Defaults to 2 in the
        ``full`` profile and 0 in ``fast`` (CI and the autograder stay quiet).

    Returns
    -------
    TrainingRun
        ``history`` has one row per epoch and the columns ``loss``, ``accuracy``, ``val_loss`` and
        ``val_accuracy`` (and ``cross_entropy``, ``val_cross_entropy`` when asked for);
        ``seconds`` is the wall time of training.
    """
    import keras

    optimizers = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}
    decaying = {"adam": keras.optimizers.AdamW, "sgd": keras.optimizers.SGD}
    if not all(hasattr(data, name) for name in ("x_train", "y_train", "x_val", "y_val")):
        raise TypeError(
            f"data must be what course_utils.data.load_mnist returns; got {type(data).__name__}"
        )
    if optimizer not in optimizers:
        raise ValueError(f"optimizer must be one of {sorted(optimizers)}; got {optimizer!r}")
    sizes = {"batch_size": batch_size, "num_epochs": num_epochs, "num_images": num_images}
    for name, value in sizes.items():
        if value is not None and (not isinstance(value, int) or value < 1):
            raise ValueError(f"{name} must be a positive int; got {value!r}")
    if schedule not in ("constant", "cosine"):
        raise ValueError(f"schedule must be 'constant' or 'cosine'; got {schedule!r}")
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be positive; got {learning_rate!r}")
    if (
        isinstance(weight_decay, bool)
        or not isinstance(weight_decay, (int, float))
        or not 0 <= weight_decay < float("inf")
    ):
        raise ValueError(f"weight_decay must be a number >= 0; got {weight_decay!r}")
    if not isinstance(cross_entropy, bool):
        raise TypeError(f"cross_entropy must be True or False; got {cross_entropy!r}")
    if num_epochs is not None and num_images is not None:
        raise ValueError("give num_epochs or num_images, not both")
    if num_images is not None:
        num_epochs = epochs_for(num_images, len(data.x_train))
    if num_epochs is None:
        num_epochs = config.pick(full=10, fast=2)
    if verbose is None:
        verbose = config.pick(full=2, fast=0)

    rate = learning_rate
    if schedule == "cosine":
        total_steps = num_epochs * math.ceil(len(data.x_train) / batch_size)
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=total_steps)
    if weight_decay:
        chosen = decaying[optimizer](learning_rate=rate, weight_decay=weight_decay)
        chosen.exclude_from_weight_decay(var_names=["bias"])
    else:
        chosen = optimizers[optimizer](learning_rate=rate)
    metrics = ["accuracy"]
    if cross_entropy:
        metrics.append(keras.metrics.SparseCategoricalCrossentropy(name="cross_entropy"))
    model.compile(optimizer=chosen, loss="sparse_categorical_crossentropy", metrics=metrics)
    settings = [
        num_epochs,
        batch_size,
        learning_rate,
        optimizer,
        schedule,
        weight_decay,
        cross_entropy,
    ]
    stored = _stored_run(model, data, settings)
    with stored.claimed() if stored is not None else contextlib.nullcontext():
        if stored is not None and stored.path.exists():
            return stored.load(model)
        start = time.perf_counter()
        history = model.fit(
            data.x_train,
            data.y_train,
            validation_data=(data.x_val, data.y_val),
            epochs=num_epochs,
            batch_size=batch_size,
            verbose=verbose,
        )
        seconds = time.perf_counter() - start
        frame = pd.DataFrame(history.history)
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="epoch")
        run = TrainingRun(model=model, history=frame, seconds=seconds)
        if stored is not None:
            stored.save(run)
    return run


@dataclass(frozen=True)
class _StoredRun:
    """Where `fit` keeps one trained network in the `FIT_CACHE` folder."""

    path: Path

    @contextlib.contextmanager
    def claimed(self):
        """While the block runs, another process that would train this network waits for it."""
        import fcntl  # POSIX: the grader's machines; students' own runs never get here

        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def load(self, model) -> TrainingRun:
        with np.load(self.path) as stored:
            model.set_weights([stored[f"weight_{i}"] for i in range(len(model.get_weights()))])
            history = pd.DataFrame(stored["history"], columns=list(stored["columns"]))
            history.index = pd.RangeIndex(1, len(history) + 1, name="epoch")
            return TrainingRun(model=model, history=history, seconds=float(stored["seconds"]))

    def save(self, run: TrainingRun) -> None:
        """Write the run's weights and history, whole or not at all."""
        weights = {f"weight_{i}": weight for i, weight in enumerate(run.model.get_weights())}
        history, columns = run.history.to_numpy(dtype=float), run.history.columns.to_numpy(str)
        partial = self.path.with_suffix(f".{os.getpid()}.npz")
        np.savez(partial, history=history, columns=columns, seconds=run.seconds, **weights)
        os.replace(partial, self.path)


def _stored_run(model, data, settings: list) -> _StoredRun | None:
    """The place of this training run in the `FIT_CACHE` folder (None when it is not set).

    A run is named by everything it depends on: the network (its configuration and its weights
    before training, which the seed drew), the data, the settings, Python's and NumPy's random
    states and the Keras version. A stored run is what this one would compute, trained once.
    """
    folder = os.environ.get(FIT_CACHE)
    if not folder:
        return None
    import keras

    _, numpy_state, position, *_ = np.random.get_state()  # noqa: NPY002 (what seeding sets)
    network = _without_names(model.get_config())
    described = [
        network,
        type(model).__name__,
        settings,
        keras.__version__,
        random.getstate(),
        position,
    ]
    digest = hashlib.sha256(json.dumps(described, default=repr).encode())
    arrays = [*model.get_weights(), numpy_state, data.x_train, data.y_train, data.x_val, data.y_val]
    for array in map(np.ascontiguousarray, arrays):
        digest.update(f"{array.dtype}{array.shape}".encode())
        digest.update(array.tobytes())
    Path(folder).mkdir(parents=True, exist_ok=True)
    return _StoredRun(Path(folder) / f"{digest.hexdigest()}.npz")


def _without_names(value):
    """A Keras configuration without the names of its model and layers, which Keras numbers by
    the order they were made in (``dense_3``) and which compute nothing; a dtype policy's name
    (``float32``) stays."""
    if isinstance(value, dict):
        if "Policy" in str(value.get("class_name", "")):
            return value
        return {key: _without_names(item) for key, item in value.items() if key != "name"}
    if isinstance(value, list | tuple):
        return [_without_names(item) for item in value]
    return value


def epochs_for(num_images: int, num_train: int) -> int:
    """Return how many epochs over ``num_train`` images show the model about ``num_images``.

    Introduced in chapter 02. Budgets in images seen follow the data: on the 5,000-digit subset a
    budget of 110,000 images is about 30 epochs, on full MNIST's 55,000 training digits it is 2,
    and both take about the same time. The result is rounded to whole epochs and at least 1.

    Examples
    --------
    >>> epochs_for(110_000, 55_000), epochs_for(110_000, 3_600), epochs_for(1_000, 55_000)
    (2, 31, 1)
    """
    for name, value in {"num_images": num_images, "num_train": num_train}.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int; got {value!r}")
    return max(1, round(num_images / num_train))


def evaluate(model, x, y) -> dict[str, float]:
    """Return the loss and accuracy of a compiled Keras model on ``x``, ``y``.

    Introduced in chapter 02.
    """
    return model.evaluate(x, y, verbose=0, return_dict=True)


def calibration_bins(labels, probabilities, *, n_bins: int = 10) -> pd.DataFrame:
    """Sort digits into bins of equal width by the confidence of their top class.

    Introduced in chapter 06. A model's *confidence* in a digit is the probability of its top
    class; the digit counts as right when that class is its label. The interval from 0 to 1 is
    cut into ``n_bins`` bins of equal width, and each digit goes to the bin of its confidence, as
    `sklearn.calibration.calibration_curve` with ``strategy="uniform"`` sorts them (a confidence
    on a boundary goes to the lower bin), which computes each bin's mean confidence and accuracy
    here. The table also counts the digits of every bin, which the curve leaves out: confident
    networks put most digits in the last bin and a handful in each of the others. A calibrated
    model's accuracy in each bin equals its mean confidence there.

    Parameters
    ----------
    labels : array of shape (n,)
        True classes, integers from 0 to k - 1.
    probabilities : array of shape (n, k)
        Each row a model's class probabilities (what ``model.predict`` or ``predict_proba``
        returns), not logits and not predicted classes.
    n_bins : int
        How many bins of width ``1 / n_bins``.

    Returns
    -------
    pandas.DataFrame
        One row per bin, all ``n_bins`` of them, with columns ``low`` and ``high`` (the bin's
        bounds), ``digits`` (how many digits it holds), ``confidence`` (their mean confidence)
        and ``accuracy`` (the fraction of them that are right); the last two are NaN in an
        empty bin.

    Raises
    ------
    ValueError
        If the shapes do not match, ``probabilities`` are not probabilities (values outside
        [0, 1], rows that do not add up to 1), there are no digits, a label is outside 0 to k - 1,
        or ``n_bins`` is not a positive int.
    TypeError
        If ``labels`` are not integers.

    Examples
    --------
    >>> table = calibration_bins([0, 1, 1], [[0.95, 0.05], [0.3, 0.7], [0.62, 0.38]], n_bins=5)
    >>> table[table["digits"] > 0].round(3).to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'low': [0.6, 0.8], 'high': [0.8, 1.0], 'digits': [2, 1], 'confidence': [0.66, 0.95],
     'accuracy': [0.5, 1.0]}
    """
    import numpy as np
    from sklearn.calibration import calibration_curve

    labels = np.asarray(labels)
    probabilities = np.asarray(probabilities, dtype=float)
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive int; got {n_bins!r}")
    if probabilities.ndim != 2 or probabilities.shape[1] < 2:
        raise ValueError(
            "probabilities must have shape (n, num_classes), one row of class probabilities per "
            f"digit; got shape {probabilities.shape}. Pass model.predict(x), not the predicted "
            "classes."
        )
    if labels.ndim != 1 or len(labels) != len(probabilities):
        raise ValueError(
            f"labels must have shape ({len(probabilities)},), one per row of probabilities; got "
            f"{labels.shape}"
        )
    if len(labels) == 0:
        raise ValueError("there are no digits to sort into bins")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integer classes; got dtype {labels.dtype}")
    num_classes = probabilities.shape[1]
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"labels must be classes from 0 to {num_classes - 1}")
    if (
        not np.isfinite(probabilities).all()
        or probabilities.min() < -1e-6
        or probabilities.max() > 1 + 1e-6
        or not np.allclose(probabilities.sum(axis=1), 1, atol=1e-3)
    ):
        raise ValueError(
            "probabilities must lie in [0, 1] and each row add up to 1: pass a softmax's "
            "output, not logits"
        )
    confidence = probabilities.max(axis=1).clip(0, 1)
    correct = (probabilities.argmax(axis=1) == labels).astype(int)
    accuracy, mean_confidence = calibration_curve(
        correct, confidence, n_bins=n_bins, strategy="uniform"
    )
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # calibration_curve's own rule for "uniform" bins, to count the digits it averages over.
    digits = np.bincount(np.searchsorted(edges[1:-1], confidence), minlength=n_bins)
    table = pd.DataFrame(
        {
            "low": edges[:-1],
            "high": edges[1:],
            "digits": digits,
            "confidence": np.nan,
            "accuracy": np.nan,
        }
    )
    table.loc[digits > 0, "confidence"] = mean_confidence
    table.loc[digits > 0, "accuracy"] = accuracy
    return table


@dataclass(frozen=True)
class PairedComparison:
    """Two models' predictions for the same digits, compared digit by digit.

    Introduced in chapter 07 (chapter 06, section 8, derives it by hand). ``only_a`` and
    ``only_b`` count the digits that only model A, or only model B, classifies right; the
    difference in accuracy is ``(only_b - only_a) / n`` and its standard error about
    ``sqrt(only_a + only_b) / n``. A difference of less than about two standard errors is within
    the noise of one validation set and one seeded run.
    """

    name_a: str
    name_b: str
    n: int
    accuracy_a: float
    accuracy_b: float
    only_a: int
    only_b: int

    @property
    def difference(self) -> float:
        """Accuracy of B minus accuracy of A (a fraction: 0.01 is one point)."""
        return (self.only_b - self.only_a) / self.n

    @property
    def standard_error(self) -> float:
        """About ``sqrt(only_a + only_b) / n``, at least one digit's worth (``1 / n``)."""
        return max(math.sqrt(self.only_a + self.only_b), 1.0) / self.n

    @property
    def standard_errors(self) -> float:
        """How many standard errors B is ahead of A (negative when A is ahead)."""
        return self.difference / self.standard_error

    def __str__(self) -> str:
        return (
            f"{self.name_b} minus {self.name_a}: {100 * self.difference:+.2f} points "
            f"({self.accuracy_b:.2%} vs {self.accuracy_a:.2%} on {self.n:,} digits); only "
            f"{self.name_a} right on {self.only_a}, only {self.name_b} on {self.only_b}; standard "
            f"error {100 * self.standard_error:.2f} points, so {self.standard_errors:+.1f} "
            "standard errors"
        )


def paired_comparison(
    labels, predicted_a, predicted_b, *, names: tuple[str, str] = ("A", "B")
) -> PairedComparison:
    """Compare two models' predicted classes for the same digits, digit by digit.

    Introduced in chapter 07, which uses it to say whether a difference between two runs is
    larger than the noise of the validation set (chapter 06, section 8, explains the formula).

    Parameters
    ----------
    labels : array-like of int, shape (n,)
        The true classes.
    predicted_a, predicted_b : array-like of int, shape (n,)
        Each model's predicted classes for the same n digits, in the same order (for a Keras
        model, ``model.predict(x, verbose=0).argmax(axis=1)``).
    names : (str, str)
        What to call the two models when the comparison is printed.

    Returns
    -------
    PairedComparison
        Printing it gives one line: the difference, the digit counts, its standard error.

    Raises
    ------
    ValueError
        If the three are not 1-D arrays of whole numbers of one length n > 0 (probabilities of
        shape (n, classes) are refused: take their ``argmax(axis=1)``).
    """
    import numpy as np

    arrays = {}
    for name, values in {
        "labels": labels,
        "predicted_a": predicted_a,
        "predicted_b": predicted_b,
    }.items():
        array = np.asarray(values)
        if array.ndim != 1:
            hint = " (for probabilities, pass .argmax(axis=1))" if array.ndim == 2 else ""
            raise ValueError(
                f"{name} must be 1-D, one class per digit{hint}; got shape {array.shape}"
            )
        if array.dtype.kind not in "iu" and not (
            array.dtype.kind == "f"
            and np.all(np.isfinite(array))
            and np.all(array == np.round(array))
        ):
            raise ValueError(f"{name} must hold whole class numbers; got dtype {array.dtype}")
        arrays[name] = array
    sizes = {name: len(array) for name, array in arrays.items()}
    if len(set(sizes.values())) != 1 or not sizes["labels"]:
        raise ValueError(
            f"labels and both predictions must have one equal length n > 0; got {sizes}"
        )
    if len(names) != 2 or not all(isinstance(name, str) for name in names):
        raise ValueError(f"names must be two strings; got {names!r}")
    right_a = arrays["predicted_a"] == arrays["labels"]
    right_b = arrays["predicted_b"] == arrays["labels"]
    return PairedComparison(
        name_a=names[0],
        name_b=names[1],
        n=int(sizes["labels"]),
        accuracy_a=float(right_a.mean()),
        accuracy_b=float(right_b.mean()),
        only_a=int(np.sum(right_a & ~right_b)),
        only_b=int(np.sum(right_b & ~right_a)),
    )

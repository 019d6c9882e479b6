"""Training and evaluating Keras models with the course's defaults.

Introduced in chapter 02.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import pandas as pd

from course_utils import config


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


def fit(
    model,
    data,
    *,
    num_epochs: int | None = None,
    batch_size: int = 32,
    learning_rate: float = 1e-3,
    optimizer: str = "adam",
    schedule: str = "constant",
    verbose: int = 0,
) -> TrainingRun:
    """Compile ``model`` for ten-class classification and train it on ``data``.

    Introduced in chapter 02. Uses integer labels with sparse categorical cross-entropy, tracks
    accuracy, and validates on ``data.x_val`` after every epoch. The number of epochs defaults to
    the profile's (10 in ``full``, 2 in ``fast``).

    Parameters
    ----------
    model : keras.Model
        A model whose last layer outputs class probabilities (a softmax).
    data : Digits
        What `course_utils.data.load_mnist` returns.
    num_epochs, batch_size, learning_rate : int, int, float
        The usual knobs; ``learning_rate`` goes to the optimizer.
    optimizer : {"adam", "sgd"}
        The optimizer's name.
    schedule : {"constant", "cosine"}
        ``"constant"`` keeps ``learning_rate`` throughout; ``"cosine"`` (chapter 03) starts there
        and lowers it along a half cosine to zero at the last step, so that training takes large
        steps first and settles at the end.
    verbose : int
        Keras' progress output (0 is silent).

    Returns
    -------
    TrainingRun
        ``history`` has one row per epoch and the columns ``loss``, ``accuracy``, ``val_loss`` and
        ``val_accuracy``; ``seconds`` is the wall time of training.
    """
    import keras

    optimizers = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD}
    if not all(hasattr(data, name) for name in ("x_train", "y_train", "x_val", "y_val")):
        raise TypeError(
            f"data must be what course_utils.data.load_mnist returns; got {type(data).__name__}"
        )
    if optimizer not in optimizers:
        raise ValueError(f"optimizer must be one of {sorted(optimizers)}; got {optimizer!r}")
    for name, value in {"batch_size": batch_size, "num_epochs": num_epochs}.items():
        if value is not None and (not isinstance(value, int) or value < 1):
            raise ValueError(f"{name} must be a positive int; got {value!r}")
    if schedule not in ("constant", "cosine"):
        raise ValueError(f"schedule must be 'constant' or 'cosine'; got {schedule!r}")
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be positive; got {learning_rate!r}")
    if num_epochs is None:
        num_epochs = config.pick(full=10, fast=2)

    rate = learning_rate
    if schedule == "cosine":
        total_steps = num_epochs * math.ceil(len(data.x_train) / batch_size)
        rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=total_steps)
    model.compile(
        optimizer=optimizers[optimizer](learning_rate=rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
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
    return TrainingRun(model=model, history=frame, seconds=seconds)


def evaluate(model, x, y) -> dict[str, float]:
    """Return the loss and accuracy of a compiled Keras model on ``x``, ``y``.

    Introduced in chapter 02.
    """
    return model.evaluate(x, y, verbose=0, return_dict=True)

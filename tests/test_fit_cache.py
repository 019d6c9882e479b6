"""`training.fit` with `training.FIT_CACHE` set: a run it trained before is loaded, not trained.

The test that trains six networks is not a unit test: `make test-quick` keeps the other two.
"""

from types import SimpleNamespace

import keras
import numpy as np
import pytest

from course_utils import config, training


def tiny_digits(seed: int = 0) -> SimpleNamespace:
    rng = np.random.default_rng(seed)
    return SimpleNamespace(
        x_train=rng.uniform(size=(24, 28, 28)).astype("float32"),
        y_train=rng.integers(0, 10, size=24),
        x_val=rng.uniform(size=(7, 28, 28)).astype("float32"),
        y_val=rng.integers(0, 10, size=7),
    )


def seeded_network() -> keras.Model:
    config.seed_everything(0)
    return keras.Sequential(
        [keras.Input(shape=(28, 28)), keras.layers.Flatten(), keras.layers.Dense(10, "softmax")]
    )


def refusing_to_train(model: keras.Model) -> keras.Model:
    def fit(*args, **kwargs):
        raise AssertionError("trained again")

    model.fit = fit
    return model


@pytest.mark.unit
def test_the_same_run_again_is_loaded_with_its_weights_and_history(tmp_path, monkeypatch):
    monkeypatch.setenv(training.FIT_CACHE, str(tmp_path))
    first = training.fit(seeded_network(), tiny_digits(), num_epochs=2, batch_size=8)
    again = training.fit(
        refusing_to_train(seeded_network()), tiny_digits(), num_epochs=2, batch_size=8
    )
    for trained, loaded in zip(first.model.get_weights(), again.model.get_weights(), strict=True):
        np.testing.assert_array_equal(trained, loaded)
    assert again.history.equals(first.history) and again.seconds == first.seconds
    assert len(list(tmp_path.glob("*.npz"))) == 1


def test_a_run_that_differs_in_data_settings_or_starting_weights_is_trained(tmp_path, monkeypatch):
    monkeypatch.setenv(training.FIT_CACHE, str(tmp_path))
    settings = {"data": tiny_digits(), "num_epochs": 1, "batch_size": 8}
    training.fit(seeded_network(), **settings)
    changes = [{"data": tiny_digits(1)}, {"num_epochs": 2}, {"learning_rate": 0.01}]
    changes.append({"cross_entropy": True})
    for change in changes:
        training.fit(seeded_network(), **{**settings, **change})
    moved = seeded_network()
    moved.set_weights([weight + 0.01 for weight in moved.get_weights()])
    training.fit(moved, **settings)
    assert len(list(tmp_path.glob("*.npz"))) == 2 + len(changes)


@pytest.mark.unit
def test_without_the_folder_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.delenv(training.FIT_CACHE, raising=False)
    monkeypatch.chdir(tmp_path)
    training.fit(seeded_network(), tiny_digits(), num_epochs=1)
    assert list(tmp_path.iterdir()) == []

"""course_utils.training.fit's options for chapter 05: the cross-entropy without the penalties,
and decoupled weight decay."""

import numpy as np
import pytest

from course_utils import config, models, training
from course_utils.data import Digits

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def digits() -> Digits:
    """Ten 'digits' that differ by the row band they light up, on a noisy background."""
    rng = np.random.default_rng(1)

    def make(count):
        labels = np.arange(count) % 10
        images = rng.uniform(0, 0.3, size=(count, 28, 28)).astype("float32")
        for index, label in enumerate(labels):
            images[index, 2 * label + 4 : 2 * label + 6] += 0.7
        return images, labels.astype("int64")

    (x_train, y_train), (x_val, y_val), (x_test, y_test) = make(200), make(50), make(50)
    return Digits(
        x_train, y_train, x_val, y_val, x_test, y_test, source="synthetic", is_subset=True
    )


def kernel_norm(model) -> float:
    return float(np.linalg.norm(model.get_layer("hidden_1").kernel.numpy()))


def test_cross_entropy_is_the_loss_of_a_model_without_penalties(digits):
    config.seed_everything(0)
    history = training.fit(
        models.make_mlp((16,)), digits, num_epochs=1, cross_entropy=True, verbose=0
    ).history
    assert {"cross_entropy", "val_cross_entropy"} <= set(history.columns)
    np.testing.assert_allclose(history["val_cross_entropy"], history["val_loss"], rtol=1e-5)
    np.testing.assert_allclose(history["cross_entropy"], history["loss"], rtol=1e-4)


def test_cross_entropy_leaves_out_the_l2_penalty_that_the_loss_includes(digits):
    config.seed_everything(0)
    run = training.fit(
        models.make_mlp((16,), l2=0.01), digits, num_epochs=1, cross_entropy=True, verbose=0
    )
    penalty = float(sum(np.asarray(loss) for loss in run.model.losses))
    assert penalty > 0.01
    np.testing.assert_allclose(
        run.final["val_loss"] - run.final["val_cross_entropy"], penalty, rtol=1e-3
    )


def test_fit_records_no_cross_entropy_unless_asked(digits):
    config.seed_everything(0)
    history = training.fit(models.make_mlp((16,)), digits, num_epochs=1, verbose=0).history
    assert "cross_entropy" not in history.columns and "val_cross_entropy" not in history.columns


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_weight_decay_shrinks_the_kernels_and_leaves_the_biases(digits, optimizer):
    def trained(weight_decay):
        config.seed_everything(0)
        return training.fit(
            models.make_mlp((16,)),
            digits,
            num_epochs=1,
            optimizer=optimizer,
            learning_rate=0.01,
            weight_decay=weight_decay,
            verbose=0,
        ).model

    plain, decayed = trained(0.0), trained(5.0)
    assert kernel_norm(decayed) < 0.9 * kernel_norm(plain)
    assert decayed.optimizer.weight_decay == pytest.approx(5.0)
    assert plain.optimizer.weight_decay is None
    assert type(decayed.optimizer).__name__ == {"adam": "AdamW", "sgd": "SGD"}[optimizer]
    for variable in decayed.trainable_variables:
        assert decayed.optimizer._use_weight_decay(variable) == (variable.name != "bias")


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"weight_decay": -0.1}, ValueError, "weight_decay must be a number >= 0"),
        ({"weight_decay": True}, ValueError, "weight_decay must be a number >= 0"),
        ({"weight_decay": "1e-4"}, ValueError, "weight_decay must be a number >= 0"),
        ({"weight_decay": float("inf")}, ValueError, "weight_decay must be a number >= 0"),
        ({"cross_entropy": "yes"}, TypeError, "cross_entropy must be True or False"),
    ],
)
def test_fit_rejects_bad_regularisation_options(digits, options, error, message):
    with pytest.raises(error, match=message):
        training.fit(models.make_mlp((8,)), digits, num_epochs=1, **options)

"""explain.layer_outputs and training.paired_comparison (chapter 07's forward look at a deep
network, and its noise estimate for comparing two runs)."""

import keras
import numpy as np
import pytest
from keras import layers

from course_utils import explain, training

pytestmark = pytest.mark.unit


def small_model():
    keras.utils.set_random_seed(3)
    return keras.Sequential(
        [
            keras.Input((3, 5)),
            layers.Flatten(name="flat"),
            layers.Dense(4, activation="sigmoid", name="hidden"),
            layers.Dropout(0.9, name="drop"),
            layers.Dense(2, activation="softmax", name="out"),
        ]
    )


def test_layer_outputs_are_the_layers_applied_one_after_another():
    model = small_model()
    images = np.random.default_rng(0).normal(size=(7, 3, 5)).astype("float32")
    outputs = explain.layer_outputs(model, images)
    assert list(outputs) == ["flat", "hidden", "drop", "out"]
    kernel, bias = model.get_layer("hidden").get_weights()
    hidden = 1 / (1 + np.exp(-(images.reshape(7, 15) @ kernel + bias)))
    np.testing.assert_allclose(outputs["flat"], images.reshape(7, 15))
    np.testing.assert_allclose(outputs["hidden"], hidden, rtol=1e-5)
    # inference mode: dropout passes its input through unchanged
    np.testing.assert_allclose(outputs["drop"], outputs["hidden"])
    np.testing.assert_allclose(outputs["out"], keras.ops.convert_to_numpy(model(images)), rtol=1e-5)


def test_layer_outputs_keeps_the_order_of_the_names_asked_for():
    model = small_model()
    images = np.zeros((2, 3, 5), "float32")
    outputs = explain.layer_outputs(model, images, ("out", "flat"))
    assert list(outputs) == ["out", "flat"]
    assert outputs["out"].shape == (2, 2) and outputs["flat"].shape == (2, 15)
    assert isinstance(outputs["out"], np.ndarray)


def test_layer_outputs_of_a_functional_model():
    inputs = keras.Input((4,))
    middle = layers.Dense(3, activation="relu", name="middle")(inputs)
    model = keras.Model(inputs, layers.Dense(2, name="scores")(middle))
    x = np.random.default_rng(1).normal(size=(5, 4)).astype("float32")
    outputs = explain.layer_outputs(model, x, ["middle", "scores"])
    assert (outputs["middle"] >= 0).all()
    np.testing.assert_allclose(
        outputs["scores"], keras.ops.convert_to_numpy(model(x)), rtol=1e-5, atol=1e-6
    )


def test_activations_is_one_layer_of_layer_outputs():
    model = small_model()
    images = np.random.default_rng(2).random((3, 3, 5)).astype("float32")
    np.testing.assert_array_equal(
        explain.activations(model, "hidden", images),
        explain.layer_outputs(model, images, ["hidden"])["hidden"],
    )


def test_layer_outputs_rejects_bad_arguments_with_a_message_that_says_what_to_do():
    model = small_model()
    images = np.zeros((2, 3, 5), "float32")
    with pytest.raises(TypeError, match="keras.Model"):
        explain.layer_outputs("model", images)
    with pytest.raises(TypeError, match=r"\['hidden'\]"):
        explain.layer_outputs(model, images, "hidden")
    with pytest.raises(ValueError, match="has no layer 'dense_9'; it has"):
        explain.layer_outputs(model, images, ["hidden", "dense_9"])
    with pytest.raises(ValueError, match="empty"):
        explain.layer_outputs(model, images, [])
    with pytest.raises(ValueError, match=r"shape \(n, 3, 5\).*\(2, 5, 3\)"):
        explain.layer_outputs(model, np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match=r"shape \(n, 3, 5\).*\(3, 5\)"):
        explain.layer_outputs(model, np.zeros((3, 5)))


def test_paired_comparison_counts_the_digits_only_one_model_gets_right():
    labels = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0])
    a = np.array([0, 1, 2, 3, 4, 0, 0, 0, 0, 9, 1])  # right on 0-4 and 9: 6 of 11
    b = np.array([0, 1, 2, 0, 0, 5, 6, 7, 0, 9, 0])  # right on 0-2, 5-7, 9, 10: 8 of 11
    compared = training.paired_comparison(labels, a, b, names=("linear", "MLP"))
    assert (compared.only_a, compared.only_b, compared.n) == (2, 4, 11)
    assert compared.accuracy_a == pytest.approx(6 / 11) and compared.accuracy_b == pytest.approx(
        8 / 11
    )
    assert compared.difference == pytest.approx(compared.accuracy_b - compared.accuracy_a)
    assert compared.standard_error == pytest.approx(np.sqrt(6) / 11)
    assert compared.standard_errors == pytest.approx(2 / np.sqrt(6))
    line = str(compared)
    assert line.startswith("MLP minus linear: +18.18 points")
    assert "only linear right on 2, only MLP on 4" in line and "+0.8 standard errors" in line


def test_paired_comparison_of_identical_predictions_has_an_error_of_one_digit():
    labels = [3, 1, 4, 1, 5]
    compared = training.paired_comparison(labels, labels, np.array(labels, dtype=float))
    assert compared.difference == 0 and compared.standard_error == pytest.approx(1 / 5)
    assert str(compared).startswith("B minus A: +0.00 points")


def test_paired_comparison_rejects_probabilities_and_mismatched_lengths():
    labels = np.array([0, 1, 2])
    with pytest.raises(ValueError, match=r"argmax\(axis=1\)"):
        training.paired_comparison(labels, np.eye(3), labels)
    with pytest.raises(ValueError, match="one equal length"):
        training.paired_comparison(labels, labels[:2], labels)
    with pytest.raises(ValueError, match="one equal length"):
        training.paired_comparison([], [], [])
    with pytest.raises(ValueError, match="whole class numbers"):
        training.paired_comparison(labels, [0.5, 1, 2], labels)
    with pytest.raises(ValueError, match="names must be two strings"):
        training.paired_comparison(labels, labels, labels, names=("a",))

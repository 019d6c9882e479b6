"""explain.logits_model and chapter 07's plots: weight snapshots, filter and saliency grids."""

import inspect

import keras
import numpy as np
import pytest
from keras import layers
from matplotlib.figure import Figure

from course_utils import explain, models, plots, training

pytestmark = pytest.mark.unit


def test_logits_model_gives_the_scores_the_softmax_turns_into_probabilities():
    keras.utils.set_random_seed(0)
    images = np.random.default_rng(1).random((5, 28, 28)).astype("float32")
    for model in (
        models.make_linear_classifier(),
        models.make_mlp((7, 5)),
        models.make_cnn(filters=(3, 4), kernel_size=3, dense_units=0, dropout_rate=0.0),
    ):
        scores = explain.logits_model(model)
        logits = keras.ops.convert_to_numpy(scores(images))
        probabilities = keras.ops.convert_to_numpy(model(images))
        assert logits.shape == (5, 10)
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(keras.ops.softmax(logits)), probabilities, atol=1e-6
        )
        assert not np.allclose(logits.sum(axis=1), 1.0)
        assert scores.layers[-1].name == "logits"
        # every layer but the last is shared with the model
        assert {id(layer) for layer in scores.layers[:-1]} <= {id(layer) for layer in model.layers}


def test_logits_model_of_a_linear_classifier_is_affine_in_the_pixels():
    model = models.make_linear_classifier()
    kernel, bias = model.get_layer("linear").get_weights()
    images = np.random.default_rng(2).random((3, 28, 28)).astype("float32")
    logits = keras.ops.convert_to_numpy(explain.logits_model(model)(images))
    np.testing.assert_allclose(logits, images.reshape(3, 784) @ kernel + bias, rtol=1e-5, atol=1e-5)


def test_logits_model_rejects_models_without_a_final_softmax_and_non_models():
    without = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
    with pytest.raises(ValueError, match="softmax"):
        explain.logits_model(without)
    pooled = keras.Sequential([keras.Input((4, 4, 1)), layers.GlobalAveragePooling2D()])
    with pytest.raises(ValueError, match="got GlobalAveragePooling2D"):
        explain.logits_model(pooled)
    with pytest.raises(TypeError, match="keras.Model"):
        explain.logits_model("model")


def test_course_utils_computes_no_exercise_of_chapter_07():
    """No input gradients, weight-snapshot callback or gradient norms: chapter 07's exercises."""
    for module in (explain, plots, models, training):
        source = inspect.getsource(module)
        assert "tape.gradient" not in source and "tape.watch" not in source
        assert "keras.callbacks.Callback" not in source


def test_weight_snapshots_draws_one_row_per_step_sorted():
    rng = np.random.default_rng(3)
    snapshots = {100: rng.normal(size=(784, 12)), 0: rng.normal(size=(784, 12))}
    snapshots[10] = rng.normal(size=(28, 28, 12))
    fig = plots.weight_snapshots(snapshots, num_units=5)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 15
    assert [fig.axes[row * 5].get_ylabel() for row in range(3)] == ["step 0", "step 10", "step 100"]
    assert fig.axes[0].get_title() == "unit 0"
    default = plots.weight_snapshots({1: rng.normal(size=(784, 3))}, unit_names=["a", "b", "c"])
    assert len(default.axes) == 3 and default.axes[2].get_title() == "c"


def test_weight_snapshots_rejects_bad_input():
    with pytest.raises(ValueError, match="non-empty dict"):
        plots.weight_snapshots({})
    with pytest.raises(ValueError, match=r"\(784, units\)"):
        plots.weight_snapshots({5: np.zeros((10,))})
    with pytest.raises(ValueError, match="one shape"):
        plots.weight_snapshots({1: np.zeros((784, 3)), 2: np.zeros((784, 4))})
    with pytest.raises(ValueError, match="num_units"):
        plots.weight_snapshots({1: np.zeros((784, 3))}, num_units=0)


def test_filter_grid_draws_every_channel():
    maps = np.random.default_rng(4).random((14, 14, 37)).astype("float32")
    fig = plots.filter_grid(maps, ncols=8, title="conv")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 40  # 5 rows of 8
    assert sum(1 for ax in fig.axes if ax.images) == 37
    assert fig.axes[36].get_title() == "36"
    assert len(plots.filter_grid(maps[:, :, :3]).axes) == 8  # default: 8 columns


def test_filter_grid_asks_for_one_image():
    with pytest.raises(ValueError, match=r"maps\[0\]"):
        plots.filter_grid(np.zeros((2, 14, 14, 8)))
    with pytest.raises(ValueError, match="ncols"):
        plots.filter_grid(np.zeros((14, 14, 8)), ncols=0)


def test_saliency_grid_lays_out_digits_by_classes():
    rng = np.random.default_rng(5)
    images = rng.random((3, 28, 28))
    gradients = rng.normal(size=(3, 10, 28, 28))
    fig = plots.saliency_grid(images, gradients, top_gradients=gradients[:, 0], labels=[7, 2, 9])
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3 * 12
    assert [ax.get_title() for ax in fig.axes[:3]] == ["digit 7", "top class", "class 0"]
    # one symmetric colour scale per row
    low, high = fig.axes[12 + 5].images[0].get_clim()
    assert low == -high and high == pytest.approx(np.abs(gradients[1]).max())
    flat = plots.saliency_grid(images.reshape(3, 784), gradients.reshape(3, 10, 784))
    assert len(flat.axes) == 3 * 11


def test_saliency_grid_rejects_mismatched_shapes():
    images = np.zeros((4, 28, 28))
    with pytest.raises(ValueError, match=r"\(n, classes, 28, 28\) with n = 4"):
        plots.saliency_grid(images, np.zeros((3, 10, 28, 28)))
    with pytest.raises(ValueError, match="top_gradients"):
        plots.saliency_grid(images, np.zeros((4, 10, 28, 28)), top_gradients=np.zeros((4, 27, 27)))
    with pytest.raises(ValueError, match="labels has 2 entries"):
        plots.saliency_grid(images, np.zeros((4, 10, 28, 28)), labels=[1, 2])

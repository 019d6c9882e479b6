"""course_utils.models, training and plots on small synthetic digits."""

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from course_utils import config, models, plots, training
from course_utils.data import Digits

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def digits() -> Digits:
    """Ten well-separated 'digits': class k lights up row band k. Enough to learn in one epoch."""
    rng = np.random.default_rng(0)

    def make(count):
        labels = np.arange(count) % 10
        images = rng.uniform(0, 0.2, size=(count, 28, 28)).astype("float32")
        for index, label in enumerate(labels):
            images[index, 2 * label + 4 : 2 * label + 6] = 1.0
        return images, labels.astype("int64")

    (x_train, y_train), (x_val, y_val), (x_test, y_test) = make(300), make(50), make(50)
    return Digits(
        x_train, y_train, x_val, y_val, x_test, y_test, source="synthetic", is_subset=True
    )


def test_logistic_regression_learns_images_or_flat_rows(digits):
    model = models.make_logistic_regression().fit(digits.x_train, digits.y_train)
    assert model.score(digits.x_test, digits.y_test) > 0.95
    assert model.score(digits.x_test.reshape(-1, 784), digits.y_test) > 0.95


def test_logistic_regression_rejects_non_positive_c():
    with pytest.raises(ValueError, match="C must be positive"):
        models.make_logistic_regression(C=0)


def test_linear_classifier_has_one_weight_per_pixel_and_class():
    model = models.make_linear_classifier()
    assert model.get_layer("linear").kernel.shape == (784, 10)
    assert model.count_params() == 784 * 10 + 10


def test_fit_returns_history_per_epoch_and_timing(digits):
    config.seed_everything(0)
    run = training.fit(models.make_linear_classifier(), digits, num_epochs=3, learning_rate=0.01)
    assert list(run.history.index) == [1, 2, 3]
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(run.history.columns)
    assert run.history["loss"].iloc[-1] < run.history["loss"].iloc[0]
    assert run.final["val_accuracy"] > 0.9 and run.seconds > 0
    assert training.evaluate(run.model, digits.x_test, digits.y_test)["accuracy"] > 0.9


def test_fit_is_reproducible_with_the_same_seed(digits):
    def final_loss():
        config.seed_everything(3)
        return training.fit(models.make_linear_classifier(), digits, num_epochs=1).final["loss"]

    assert final_loss() == final_loss()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"optimizer": "adamw"}, "optimizer must be one of"),
        ({"batch_size": 0}, "batch_size must be a positive int"),
        ({"num_epochs": 2.5}, "num_epochs must be a positive int"),
        ({"learning_rate": -1}, "learning_rate must be positive"),
        ({"schedule": "step"}, "schedule must be 'constant' or 'cosine'"),
        ({"num_images": 0}, "num_images must be a positive int"),
        ({"num_images": 900, "num_epochs": 2}, "not both"),
    ],
)
def test_fit_rejects_bad_options(digits, options, message):
    with pytest.raises(ValueError, match=message):
        training.fit(models.make_linear_classifier(), digits, **options)


def test_fit_budget_in_images_follows_the_number_of_training_digits(digits):
    config.seed_everything(0)
    budget = 3 * len(digits.x_train) + 7
    run = training.fit(models.make_linear_classifier(), digits, num_images=budget, verbose=0)
    assert run.num_epochs == len(run.history) == 3


@pytest.mark.parametrize(
    ("num_images", "num_train", "epochs"),
    [(110_000, 55_000, 2), (110_000, 3_601, 31), (1_000, 55_000, 1), (8_999, 2_000, 4)],
)
def test_epochs_for_rounds_images_seen_to_whole_epochs(num_images, num_train, epochs):
    assert training.epochs_for(num_images, num_train) == epochs
    assert type(training.epochs_for(num_images, num_train)) is int


@pytest.mark.parametrize(("num_images", "num_train"), [(0, 10), (10, 0), (2.5, 10), (True, 10)])
def test_epochs_for_rejects_sizes_that_are_not_positive_ints(num_images, num_train):
    with pytest.raises(ValueError, match="must be a positive int"):
        training.epochs_for(num_images, num_train)


@pytest.mark.parametrize(("profile", "lines"), [("full", 2), ("fast", 0)])
def test_fit_prints_one_line_per_epoch_to_stdout_in_the_full_profile_only(
    digits, profile, lines, monkeypatch, capsys
):
    monkeypatch.setenv("COURSE_PROFILE", profile)
    training.fit(models.make_linear_classifier(), digits, num_epochs=2)
    captured = capsys.readouterr()
    assert captured.out.count("val_accuracy") == lines
    assert captured.err == ""


def test_fit_needs_the_loaded_data_not_arrays(digits):
    with pytest.raises(TypeError, match="load_mnist"):
        training.fit(models.make_linear_classifier(), digits.x_train)


def test_digit_grid_draws_one_panel_per_image_and_marks_mistakes(digits):
    predictions = digits.y_test[:12].copy()
    predictions[0] = (predictions[0] + 1) % 10
    fig = plots.digit_grid(digits.x_test[:12], digits.y_test[:12], predictions=predictions, ncols=5)
    assert isinstance(fig, Figure)
    drawn = [ax for ax in fig.axes if ax.images]
    assert len(drawn) == 12
    assert drawn[0].title.get_color() == "crimson" and drawn[1].title.get_color() == "black"


def test_digit_grid_rejects_labels_of_another_length(digits):
    with pytest.raises(ValueError, match="labels has 3 entries but there are 5 images"):
        plots.digit_grid(digits.x_test[:5], digits.y_test[:3])


def test_learning_curves_plots_training_and_validation_per_metric():
    history = pd.DataFrame({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]})
    fig = plots.learning_curves(history)
    assert [len(ax.lines) for ax in fig.axes] == [2, 1]


def test_learning_curves_names_a_missing_metric():
    with pytest.raises(ValueError, match="no column"):
        plots.learning_curves(pd.DataFrame({"loss": [1.0]}), metrics=("accuracy",))


def test_weight_templates_share_one_symmetric_colour_scale():
    weights = np.linspace(-2, 1, 784 * 10).reshape(784, 10)
    fig = plots.weight_templates(weights)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 10
    assert {image.get_clim() for image in images} == {(-2.0, 2.0)}


def test_weight_templates_rejects_a_bias_vector():
    with pytest.raises(ValueError, match="kernel, not its bias"):
        plots.weight_templates(np.zeros(10))


def test_plots_leave_no_figure_open_for_jupyter_to_show_twice(digits):
    import matplotlib.pyplot as plt

    figures = [
        plots.digit_grid(digits.x_test[:3]),
        plots.learning_curves(pd.DataFrame({"loss": [1.0, 0.5]}), metrics=("loss",)),
        plots.weight_templates(np.zeros((784, 10))),
    ]
    assert plt.get_fignums() == []
    for figure in figures:
        figure.savefig(io.BytesIO(), format="png")


def test_mlp_has_the_requested_hidden_layers():
    model = models.make_mlp((32, 16), dropout_rate=0.2)
    assert [model.get_layer(f"hidden_{i}").units for i in (1, 2)] == [32, 16]
    assert model.count_params() == (784 * 32 + 32) + (32 * 16 + 16) + (16 * 10 + 10)
    assert sum(type(layer).__name__ == "Dropout" for layer in model.layers) == 2


def test_mlp_penalises_its_hidden_kernels_with_l2():
    import keras

    plain, penalised = models.make_mlp((8, 4)), models.make_mlp((8, 4), l2=0.5)
    assert plain.losses == []
    hidden = [penalised.get_layer(f"hidden_{i}") for i in (1, 2)]
    assert all(isinstance(layer.kernel_regularizer, keras.regularizers.L2) for layer in hidden)
    assert all(layer.bias_regularizer is None for layer in hidden)
    assert penalised.get_layer("output").kernel_regularizer is None
    squares = sum(float(np.sum(keras.ops.convert_to_numpy(layer.kernel) ** 2)) for layer in hidden)
    penalty = sum(float(keras.ops.convert_to_numpy(loss)) for loss in penalised.losses)
    assert penalty == pytest.approx(0.5 * squares, rel=1e-5)


@pytest.mark.parametrize("l2", [-0.1, float("nan"), float("inf"), "0.01", True])
def test_mlp_rejects_bad_l2(l2):
    with pytest.raises(ValueError, match="l2"):
        models.make_mlp((8,), l2=l2)


@pytest.mark.parametrize("hidden_units", [(), (0,), (16.5,), [True]])
def test_mlp_rejects_bad_hidden_units(hidden_units):
    with pytest.raises(ValueError, match="hidden_units"):
        models.make_mlp(hidden_units)


def test_mlp_learns_the_synthetic_digits(digits):
    config.seed_everything(0)
    run = training.fit(models.make_mlp((32,)), digits, num_epochs=3, learning_rate=0.01)
    assert run.final["val_accuracy"] > 0.9


@pytest.mark.parametrize("downsampling", ["pool", "stride"])
def test_cnn_halves_the_image_in_each_block(downsampling):
    model = models.make_cnn(filters=(8, 16), downsampling=downsampling)
    flat = next(layer for layer in model.layers if type(layer).__name__ == "Flatten")
    assert flat.output.shape[1] == 7 * 7 * 16
    assert model.output_shape == (None, 10)


def test_cnn_with_batch_norm_learns_the_synthetic_digits(digits):
    config.seed_everything(0)
    model = models.make_cnn(filters=(8, 16), dense_units=0, dropout_rate=0.0, batch_norm=True)
    run = training.fit(model, digits, num_epochs=3, learning_rate=0.01)
    assert run.final["val_accuracy"] > 0.9


@pytest.mark.parametrize(
    "build",
    [
        lambda: models.make_cnn(filters=(4,), augment=True),
        lambda: models.make_mlp((8,), augment=True, max_shift=0.05),
    ],
    ids=["cnn", "mlp"],
)
def test_models_shift_images_while_training_only(digits, build):
    import keras

    model = build()
    shift = keras.Model(model.input, model.get_layer("shift").output)
    images = digits.x_test[:8]
    config.seed_everything(0)
    assert np.allclose(shift(images, training=False).numpy()[..., 0], images)
    assert not np.allclose(shift(images, training=True).numpy()[..., 0], images)


def test_shifts_must_be_a_fraction_of_the_image():
    with pytest.raises(ValueError, match="max_shift must be a fraction"):
        models.make_mlp((8,), augment=True, max_shift=3)


@pytest.mark.parametrize(("schedule", "final_rate"), [("constant", 0.01), ("cosine", 0.0)])
def test_schedule_sets_the_learning_rate_after_the_last_step(digits, schedule, final_rate):
    config.seed_everything(0)
    run = training.fit(
        models.make_linear_classifier(),
        digits,
        num_epochs=2,
        batch_size=50,
        learning_rate=0.01,
        schedule=schedule,
    )
    optimizer = run.model.optimizer
    assert int(optimizer.iterations) == 2 * 6
    assert float(optimizer.learning_rate) == pytest.approx(final_rate, abs=1e-7)


def test_cnn_rejects_an_unknown_downsampling():
    with pytest.raises(ValueError, match="downsampling must be"):
        models.make_cnn(downsampling="avg")


def test_activations_of_a_conv_layer_are_feature_maps(digits):
    from course_utils import explain

    model = models.make_cnn(filters=(4,))
    maps = explain.activations(model, "conv_1", digits.x_test[:3])
    assert maps.shape == (3, 28, 28, 4) and (maps >= 0).all()
    fig = plots.feature_maps(digits.x_test[:3], maps, max_channels=2)
    assert sum(1 for ax in fig.axes if ax.images) == 3 * 3


def test_activations_name_the_layers_a_model_has():
    from course_utils import explain

    with pytest.raises(ValueError, match="has no layer 'conv_9'"):
        explain.activations(models.make_cnn(filters=(4,)), "conv_9", np.zeros((1, 28, 28)))

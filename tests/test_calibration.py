"""Calibration for chapter 06: training.calibration_bins and plots.reliability_diagram."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from sklearn.calibration import calibration_curve

from course_utils import plots, training

pytestmark = pytest.mark.unit


def random_model(size: int, classes: int, seed: int, sharpness: float):
    """Labels and softmax probabilities of a model that is right more often when it is sure."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, size)
    logits = rng.normal(size=(size, classes))
    logits[np.arange(size), labels] += rng.uniform(0, 4, size)
    logits *= sharpness
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    return labels, probabilities / probabilities.sum(axis=1, keepdims=True)


# 7 classes, 1,003 digits (an odd number), confidences spread over most bins.
LABELS, PROBABILITIES = random_model(1_003, 7, seed=6, sharpness=1.0)


def test_calibration_bins_agree_with_scikit_learns_uniform_bins():
    table = training.calibration_bins(LABELS, PROBABILITIES, n_bins=7)
    assert isinstance(table, pd.DataFrame) and len(table) == 7
    assert list(table.columns) == ["low", "high", "digits", "confidence", "accuracy"]
    correct = PROBABILITIES.argmax(axis=1) == LABELS
    accuracy, confidence = calibration_curve(
        correct, PROBABILITIES.max(axis=1), n_bins=7, strategy="uniform"
    )
    filled = table[table["digits"] > 0]
    np.testing.assert_allclose(filled["accuracy"], accuracy)
    np.testing.assert_allclose(filled["confidence"], confidence)
    np.testing.assert_allclose(table["low"], np.arange(7) / 7)
    np.testing.assert_allclose(table["high"], np.arange(1, 8) / 7)


def test_calibration_bins_count_every_digit_once_in_the_bin_the_means_come_from():
    table = training.calibration_bins(LABELS, PROBABILITIES, n_bins=7)
    assert table["digits"].sum() == 1_003
    assert pd.api.types.is_integer_dtype(table["digits"])
    filled = table[table["digits"] > 0]
    weights = filled["digits"] / 1_003
    correct = PROBABILITIES.argmax(axis=1) == LABELS
    assert np.isclose((weights * filled["accuracy"]).sum(), correct.mean())
    assert np.isclose((weights * filled["confidence"]).sum(), PROBABILITIES.max(axis=1).mean())


def test_calibration_bins_leave_empty_bins_as_nan_and_put_a_boundary_in_the_lower_bin():
    # Confidences 0.6 (a boundary of 5 bins), 0.9 and 0.95; the first two digits are wrong.
    probabilities = [[0.4, 0.6], [0.9, 0.1], [0.05, 0.95]]
    table = training.calibration_bins([0, 1, 1], probabilities, n_bins=5)
    assert table["digits"].tolist() == [0, 0, 1, 0, 2]
    assert table.loc[[0, 1, 3], ["confidence", "accuracy"]].isna().all().all()
    assert table.loc[2, "accuracy"] == 0.0 and np.isclose(table.loc[2, "confidence"], 0.6)
    assert table.loc[4, "accuracy"] == 0.5 and np.isclose(table.loc[4, "confidence"], 0.925)


def test_calibration_bins_take_a_model_that_is_always_right_and_the_default_of_ten_bins():
    probabilities = np.array([[0.25, 0.75, 0], [1, 0, 0], [0.1, 0.15, 0.75]], dtype="float32")
    table = training.calibration_bins(np.array([1, 0, 2]), probabilities)
    assert len(table) == 10 and table["digits"].tolist() == [0] * 7 + [2, 0, 1]
    assert (table["accuracy"].dropna() == 1.0).all()


def test_calibration_bins_accept_float32_rows_a_rounding_error_above_one():
    probabilities = np.array([[1.0000001, 0.0], [0.3, 0.7]], dtype="float32")
    table = training.calibration_bins([0, 0], probabilities, n_bins=2)
    assert table["digits"].tolist() == [0, 2] and table.loc[1, "accuracy"] == 0.5


@pytest.mark.parametrize(
    ("labels", "probabilities", "options", "error", "message"),
    [
        (LABELS, PROBABILITIES.argmax(axis=1), {}, ValueError, "predicted"),
        (LABELS, np.log(PROBABILITIES), {}, ValueError, "logits"),
        (LABELS, PROBABILITIES * 2, {}, ValueError, "add up to 1"),
        (LABELS[:-1], PROBABILITIES, {}, ValueError, "one per row"),
        (LABELS.astype(float), PROBABILITIES, {}, TypeError, "integer"),
        (LABELS + 1, PROBABILITIES, {}, ValueError, "from 0 to 6"),
        (LABELS[:0], PROBABILITIES[:0], {}, ValueError, "no digits"),
        (LABELS, PROBABILITIES, {"n_bins": 0}, ValueError, "positive int"),
        (LABELS, PROBABILITIES, {"n_bins": 2.5}, ValueError, "positive int"),
        (LABELS, PROBABILITIES, {"n_bins": True}, ValueError, "positive int"),
    ],
)
def test_calibration_bins_reject_what_they_cannot_bin(
    labels, probabilities, options, error, message
):
    with pytest.raises(error, match=message):
        training.calibration_bins(labels, probabilities, **options)


def curves(fig: Figure) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    top = fig.axes[0]
    return {
        line.get_label(): (np.asarray(line.get_xdata()), np.asarray(line.get_ydata()))
        for line in top.get_lines()
    }


def test_reliability_diagram_plots_each_models_bins_and_their_counts():
    _, confident = random_model(1_003, 7, seed=7, sharpness=3.0)
    models = {"hesitant": PROBABILITIES, "sure": confident}
    fig = plots.reliability_diagram(LABELS, models, n_bins=7)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    top, bottom = fig.axes
    drawn = curves(fig)
    assert list(drawn) == ["calibrated", "hesitant", "sure"]
    bars = list(bottom.patches)
    for name, probabilities in models.items():
        filled = training.calibration_bins(LABELS, probabilities, n_bins=7).query("digits > 0")
        np.testing.assert_allclose(drawn[name][0], filled["confidence"])
        np.testing.assert_allclose(drawn[name][1], filled["accuracy"])
        heights = [bar.get_height() for bar in bars[: len(filled)]]
        bars = bars[len(filled) :]
        assert heights == filled["digits"].tolist()
    assert not bars
    assert bottom.get_yscale() == "log"
    assert "1,003 digits in 7 bins" in fig.texts[0].get_text()
    assert [legend.get_text() for legend in top.get_legend().get_texts()] == list(drawn)


def test_reliability_diagram_takes_one_model_as_an_array_and_ten_bins_by_default():
    open_before = plt.get_fignums()
    fig = plots.reliability_diagram(LABELS, PROBABILITIES)
    assert plt.get_fignums() == open_before
    assert list(curves(fig)) == ["calibrated", "model"]
    assert "in 10 bins" in fig.texts[0].get_text()


@pytest.mark.parametrize(
    ("probabilities", "error", "message"),
    [
        ({}, ValueError, "empty"),
        ({3: PROBABILITIES}, TypeError, "strings"),
        ({"CNN": PROBABILITIES, "MLP": np.log(PROBABILITIES)}, ValueError, "MLP: .*logits"),
        (PROBABILITIES.argmax(axis=1), ValueError, "model: .*predicted classes"),
    ],
)
def test_reliability_diagram_says_which_model_it_cannot_draw(probabilities, error, message):
    with pytest.raises(error, match=message):
        plots.reliability_diagram(LABELS, probabilities)

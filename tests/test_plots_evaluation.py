"""course_utils.plots for chapter 06: the confusion-matrix heatmap and the gallery of mistakes."""

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils import plots

pytestmark = pytest.mark.unit

# Rows true, columns predicted; class 2 never occurs (an all-zero row), the rest is asymmetric.
COUNTS = np.array([[5, 1, 0], [3, 4, 2], [0, 0, 0]])


def heatmap_values(fig: Figure) -> np.ndarray:
    mesh = fig.axes[0].collections[0]
    return np.asarray(mesh.get_array()).reshape(COUNTS.shape)


def test_confusion_matrix_normalises_each_row_and_keeps_a_row_without_digits_at_zero():
    fig = plots.confusion_matrix(COUNTS)
    assert isinstance(fig, Figure)
    expected = np.array([[5 / 6, 1 / 6, 0], [3 / 9, 4 / 9, 2 / 9], [0, 0, 0]])
    np.testing.assert_allclose(heatmap_values(fig), expected)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "true label" and ax.get_xlabel() == "predicted label"
    assert [label.get_text() for label in ax.get_xticklabels()] == ["0", "1", "2"]
    assert "normalised" in ax.get_title()


def test_confusion_matrix_shows_counts_and_class_names_when_asked():
    fig = plots.confusion_matrix(COUNTS, normalize=False, class_names=["zero", "one", "two"])
    np.testing.assert_array_equal(heatmap_values(fig), COUNTS)
    ax = fig.axes[0]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["zero", "one", "two"]
    assert [text.get_text() for text in ax.texts][:3] == ["5", "1", "0"]


def test_confusion_matrix_draws_into_a_given_axes():
    fig, ax = plt.subplots()
    plt.close(fig)
    assert plots.confusion_matrix(COUNTS, ax=ax) is fig


@pytest.mark.parametrize(
    ("matrix", "error", "message"),
    [
        (np.zeros((3, 4), dtype=int), ValueError, "square 2-D"),
        (np.arange(5), ValueError, "square 2-D"),
        (COUNTS / COUNTS.sum(axis=1, keepdims=True).clip(1), TypeError, "integer counts"),
        (-COUNTS, ValueError, "negative"),
    ],
)
def test_confusion_matrix_rejects_what_is_not_a_matrix_of_counts(matrix, error, message):
    with pytest.raises(error, match=message):
        plots.confusion_matrix(matrix)


def test_confusion_matrix_rejects_class_names_of_another_length():
    with pytest.raises(ValueError, match="class_names has 2 names"):
        plots.confusion_matrix(COUNTS, class_names=["a", "b"])


def gallery_inputs():
    images = np.random.default_rng(0).random((7, 28, 28))
    labels = np.array([3, 1, 4, 1, 5, 9, 2])
    probabilities = np.full((7, 10), 0.01)
    # Predictions 3 (right), 7 (0.6), 4 (right), 2 (0.9), 6 (0.6), 9 (right), 8 (0.75).
    for row, (guess, confidence) in enumerate(
        [(3, 0.9), (7, 0.6), (4, 0.8), (2, 0.9), (6, 0.6), (9, 0.5), (8, 0.75)]
    ):
        probabilities[row, guess] = confidence
    return images, labels, probabilities


def panel_titles(fig: Figure) -> list[str]:
    return [ax.get_title() for ax in fig.axes if ax.images]


def test_mistakes_gallery_shows_only_mistakes_most_confident_first():
    fig = plots.mistakes_gallery(*gallery_inputs())
    assert isinstance(fig, Figure)
    # Ties (two mistakes at 60%) keep the order of the images.
    assert panel_titles(fig) == ["1→2\n90%", "2→8\n75%", "1→7\n60%", "5→6\n60%"]
    assert "4 mistakes among 7 digits" in fig.get_suptitle()


def test_mistakes_gallery_draws_at_most_max_images():
    fig = plots.mistakes_gallery(*gallery_inputs(), max_images=3, ncols=2)
    assert panel_titles(fig) == ["1→2\n90%", "2→8\n75%", "1→7\n60%"]
    assert "the 3 most confident shown" in fig.get_suptitle()


def test_mistakes_gallery_without_mistakes_says_so():
    images, labels, probabilities = gallery_inputs()
    fig = plots.mistakes_gallery(images, probabilities.argmax(axis=1), probabilities)
    assert panel_titles(fig) == []
    assert "0 mistakes among 7 digits" in fig.get_suptitle()


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda i, y, p: (i, y[:5], p), ValueError, r"labels must have shape \(7,\)"),
        (lambda i, y, p: (i, y.astype(float), p), TypeError, "integer classes"),
        (lambda i, y, p: (i, y, p.argmax(axis=1)), ValueError, "not the predicted classes"),
        (lambda i, y, p: (i, y, p[:6]), ValueError, "one row per image"),
    ],
)
def test_mistakes_gallery_rejects_mismatched_inputs(change, error, message):
    with pytest.raises(error, match=message):
        plots.mistakes_gallery(*change(*gallery_inputs()))


def test_mistakes_gallery_rejects_a_max_images_that_is_not_a_positive_int():
    with pytest.raises(ValueError, match="max_images"):
        plots.mistakes_gallery(*gallery_inputs(), max_images=0)


def test_evaluation_plots_leave_no_figure_open():
    figures = [plots.confusion_matrix(COUNTS), plots.mistakes_gallery(*gallery_inputs())]
    assert plt.get_fignums() == []
    for figure in figures:
        figure.savefig(io.BytesIO(), format="png")


def test_figures_never_tell_things_apart_by_red_against_green_alone():
    """Lines cycle through a colour-blind-safe palette; images use a safe colour map."""
    cycle = plt.rcParams["axes.prop_cycle"]
    assert cycle == plt.style.library["tableau-colorblind10"]["axes.prop_cycle"]
    rng = np.random.default_rng(0)
    images = rng.random((3, 28, 28))
    labels, predicted = np.array([4, 1, 7]), np.array([4, 2, 7])
    probabilities = rng.dirichlet(np.ones(10), size=3)
    figures = [
        plots.digit_grid(images, labels, predictions=predicted),
        plots.weight_templates(rng.normal(size=(784, 10))),
        plots.feature_maps(images, rng.random((3, 14, 14, 4))),
        plots.confusion_matrix(COUNTS),
        plots.mistakes_gallery(images, labels, probabilities),
        plots.weight_snapshots({1: rng.normal(size=(784, 3))}),
        plots.filter_grid(rng.random((14, 14, 5))),
        plots.saliency_grid(images, rng.normal(size=(3, 10, 28, 28))),
        plots.reliability_diagram(labels, probabilities),
    ]
    maps = {
        artist.get_cmap().name
        for figure in figures
        for ax in figure.axes
        for artist in [*ax.images, *ax.collections]
        if hasattr(artist, "get_cmap") and artist.get_array() is not None
    }
    assert maps and maps <= {"gray_r", "viridis", "Blues", "RdBu_r", "seismic"}, maps

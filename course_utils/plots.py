"""Figures the chapters draw. Every function returns a matplotlib `Figure` and shows nothing.

A notebook shows a returned figure once, as the value of its cell (or with ``display(fig)``).

Colours never carry a distinction on red against green alone. Importing this module makes
matplotlib's colour cycle (``"C0"``, ``"C1"``, ...) its colour-blind-safe ``tableau-colorblind10``
style; images use ``gray_r`` for digits, ``viridis`` or ``Blues`` for magnitudes and ``RdBu_r`` or
``seismic`` (blue against red) for signed values.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from course_utils.data import as_images
from course_utils.training import calibration_bins

plt.style.use("tableau-colorblind10")


def _new_figure(width: float, height: float) -> Figure:
    # Made through pyplot, which switches on Jupyter's display of figures, then closed so that
    # Jupyter shows it once, as the cell's value, and not a second time when the cell ends.
    fig = plt.figure(figsize=(width, height), layout="constrained")
    plt.close(fig)
    return fig


def digit_grid(
    images,
    labels=None,
    *,
    predictions=None,
    ncols: int = 10,
    cell_size: float = 1.1,
) -> Figure:
    """Draw digits in a grid, titled with their label (and prediction, red when wrong).

    Introduced in chapter 01.

    Parameters
    ----------
    images : array of shape (n, 28, 28), (n, 28, 28, 1) or (n, 784)
        At most a few hundred images; draw a slice of a larger set.
    labels, predictions : array of shape (n,), optional
        True and predicted classes.
    ncols : int
        Images per row.

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = as_images(images)
    count = len(images)
    for name, values in {"labels": labels, "predictions": predictions}.items():
        if values is not None and len(values) != count:
            raise ValueError(f"{name} has {len(values)} entries but there are {count} images")
    nrows = max(1, math.ceil(count / ncols))
    fig = _new_figure(cell_size * ncols, cell_size * nrows * 1.15)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for index, ax in enumerate(axes):
        ax.set_axis_off()
        if index >= count:
            continue
        ax.imshow(images[index], cmap="gray_r", interpolation="nearest")
        if predictions is not None:
            wrong = labels is not None and predictions[index] != labels[index]
            title = (
                f"{predictions[index]}"
                if labels is None
                else (f"{labels[index]}→{predictions[index]}")
            )
            ax.set_title(title, fontsize=9, color="crimson" if wrong else "black")
        elif labels is not None:
            ax.set_title(str(labels[index]), fontsize=9)
    return fig


def learning_curves(
    history: pd.DataFrame, *, metrics: tuple[str, ...] = ("loss", "accuracy")
) -> Figure:
    """Plot training and validation curves, one panel per metric.

    Introduced in chapter 02. ``history`` is `TrainingRun.history` (one row per epoch, columns
    such as ``loss`` and ``val_loss``), or any DataFrame laid out the same way.
    """
    if not isinstance(history, pd.DataFrame):
        raise TypeError(f"history must be a pandas DataFrame; got {type(history).__name__}")
    missing = [metric for metric in metrics if metric not in history.columns]
    if missing:
        raise ValueError(f"history has no column {missing}; it has {list(history.columns)}")
    fig = _new_figure(4.5 * len(metrics), 3.2)
    axes = np.atleast_1d(fig.subplots(1, len(metrics)))
    for ax, metric in zip(axes, metrics, strict=True):
        ax.plot(history.index, history[metric], marker="o", label="training")
        if f"val_{metric}" in history.columns:
            ax.plot(history.index, history[f"val_{metric}"], marker="o", label="validation")
        ax.set_xlabel(history.index.name or "epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    return fig


def weight_templates(weights, *, class_names=None) -> Figure:
    """Draw a linear classifier's weights as one 28×28 image per class.

    Introduced in chapter 02. Red pixels raise a class's score, blue pixels lower it; all panels
    share one colour scale so that they can be compared.

    Parameters
    ----------
    weights : array of shape (784, k) or (28, 28, k)
        The kernel of the dense layer (for Keras, ``layer.kernel`` or ``layer.get_weights()[0]``).
    class_names : sequence of str, optional
        Panel titles; defaults to ``0 … k-1``.
    """
    weights = np.asarray(weights)
    if weights.ndim == 2 and weights.shape[0] == 784:
        weights = weights.reshape(28, 28, -1)
    if weights.ndim != 3 or weights.shape[:2] != (28, 28):
        raise ValueError(
            f"weights must have shape (784, k) or (28, 28, k); got {weights.shape}. "
            "Pass the dense layer's kernel, not its bias."
        )
    num_classes = weights.shape[2]
    class_names = class_names or [str(index) for index in range(num_classes)]
    limit = float(np.abs(weights).max()) or 1.0
    fig = _new_figure(1.3 * num_classes, 1.7)
    axes = np.atleast_1d(fig.subplots(1, num_classes))
    for index, ax in enumerate(axes):
        image = ax.imshow(weights[:, :, index], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(class_names[index])
        ax.set_axis_off()
    fig.colorbar(image, ax=axes.tolist(), shrink=0.8)
    return fig


def feature_maps(images, maps, *, max_channels: int = 8) -> Figure:
    """Draw each image next to its first feature maps, one row per image.

    Introduced in chapter 04. ``maps`` has shape (n, height, width, channels), as returned by
    `course_utils.explain.activations` for a convolution layer; bright means strongly active.
    """
    images = as_images(images)
    maps = np.asarray(maps)
    if maps.ndim != 4 or len(maps) != len(images):
        raise ValueError(
            f"maps must have shape (n, height, width, channels) with n = {len(images)} images; "
            f"got {maps.shape}"
        )
    channels = min(max_channels, maps.shape[-1])
    fig = _new_figure(1.1 * (channels + 1), 1.15 * len(images))
    axes = fig.subplots(len(images), channels + 1, squeeze=False)
    for row, (image, image_maps) in enumerate(zip(images, maps, strict=True)):
        axes[row, 0].imshow(image, cmap="gray_r")
        for channel in range(channels):
            axes[row, channel + 1].imshow(image_maps[:, :, channel], cmap="viridis")
            if row == 0:
                axes[row, channel + 1].set_title(f"map {channel}", fontsize=8)
    for ax in axes.ravel():
        ax.set_axis_off()
    return fig


# Chapter 06: evaluating a classifier.


def confusion_matrix(
    matrix,
    *,
    normalize: bool = True,
    class_names=None,
    ax=None,
    cmap: str = "Blues",
) -> Figure:
    """Draw a confusion matrix the caller computed as a heatmap: rows true, columns predicted.

    Introduced in chapter 06. ``matrix[i, j]`` counts the digits of true class ``i`` predicted as
    class ``j``, as `sklearn.metrics.confusion_matrix` returns it; this function draws a matrix and
    never computes one from labels. With ``normalize=True`` (the default) each row is divided by its
    total, so a cell shows the fraction of the true class predicted as each class and the diagonal
    is each class's recall; a row whose class never occurs stays zero. With ``normalize=False`` the
    cells show counts.

    Parameters
    ----------
    matrix : array of shape (k, k)
        Non-negative integer counts.
    normalize : bool
        Divide each row by its sum (fractions) or show the counts.
    class_names : sequence of str, optional
        Tick labels; defaults to ``0 … k-1``.
    ax : matplotlib Axes, optional
        Draw into this axes (its figure is returned); by default a new figure.
    cmap : str
        A matplotlib colour map.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``matrix`` is not square and 2-D, holds negative counts, or ``class_names`` has the
        wrong length.
    TypeError
        If ``matrix`` does not hold integer counts (pass counts, not an already normalised matrix).
    """
    import seaborn as sns

    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(
            f"matrix must be a square 2-D array of counts, shape (k, k); got shape {matrix.shape}. "
            "Compute it with sklearn.metrics.confusion_matrix(y_true, y_pred, labels=range(k))."
        )
    if not np.issubdtype(matrix.dtype, np.integer):
        raise TypeError(
            f"matrix must hold integer counts; got dtype {matrix.dtype}. Pass the counts and let "
            "normalize=True divide the rows."
        )
    if (matrix < 0).any():
        raise ValueError("matrix holds negative counts; a confusion matrix counts digits")
    size = matrix.shape[0]
    class_names = [str(index) for index in range(size)] if class_names is None else class_names
    if len(class_names) != size:
        raise ValueError(f"class_names has {len(class_names)} names for a {size}×{size} matrix")
    if normalize:
        totals = matrix.sum(axis=1, keepdims=True)
        values = np.divide(matrix, totals, out=np.zeros(matrix.shape), where=totals > 0)
        annotation, colour_label, limits = ".2f", "fraction of the true class", (0.0, 1.0)
    else:
        values = matrix
        annotation, colour_label, limits = "d", "digits", (0, None)
    if ax is None:
        fig = _new_figure(0.55 * size + 2.2, 0.5 * size + 1.4)
        ax = fig.subplots()
    else:
        fig = ax.figure
    sns.heatmap(
        values,
        ax=ax,
        annot=size <= 12,
        fmt=annotation,
        annot_kws={"fontsize": 7},
        cmap=cmap,
        vmin=limits[0],
        vmax=limits[1],
        square=True,
        linewidths=0.5,
        linecolor="white",
        xticklabels=class_names,
        yticklabels=class_names,
        cbar_kws={"label": colour_label, "shrink": 0.8},
    )
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    ax.tick_params(axis="y", rotation=0)
    title = "confusion matrix, rows normalised" if normalize else "confusion matrix, counts"
    ax.set_title(title)
    return fig


def mistakes_gallery(
    images,
    labels,
    probabilities,
    *,
    max_images: int = 20,
    ncols: int = 10,
    cell_size: float = 1.2,
) -> Figure:
    """Draw misclassified digits, most confident first, with label, prediction and confidence.

    Introduced in chapter 06. A digit is a mistake when the class with the highest probability
    differs from its label. Each panel is titled ``true→predicted`` and the probability the model
    gave its prediction; the most confident mistakes come first (ties in the order of the images),
    and at most ``max_images`` are drawn.

    Parameters
    ----------
    images : array of shape (n, 28, 28), (n, 28, 28, 1) or (n, 784)
    labels : array of shape (n,)
        True classes, integers.
    probabilities : array of shape (n, k)
        Each row the model's class probabilities (what ``model.predict`` returns).
    max_images, ncols : int
        How many mistakes to draw at most, and how many per row.

    Returns
    -------
    matplotlib.figure.Figure
        Its suptitle says how many mistakes there are among how many digits.

    Raises
    ------
    ValueError
        If the shapes do not match or ``max_images`` is not positive.
    TypeError
        If ``labels`` are not integers.
    """
    images = as_images(images)
    labels = np.asarray(labels)
    probabilities = np.asarray(probabilities)
    if labels.ndim != 1 or len(labels) != len(images):
        raise ValueError(
            f"labels must have shape ({len(images)},), one per image; got {labels.shape}"
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integer classes; got dtype {labels.dtype}")
    if probabilities.ndim != 2 or len(probabilities) != len(images):
        raise ValueError(
            f"probabilities must have shape ({len(images)}, num_classes), one row per image; got "
            f"{probabilities.shape}. Pass model.predict(images), not the predicted classes."
        )
    if isinstance(max_images, bool) or not isinstance(max_images, int) or max_images < 1:
        raise ValueError(f"max_images must be a positive int; got {max_images!r}")
    predictions = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    wrong = np.flatnonzero(predictions != labels)
    order = wrong[np.argsort(-confidence[wrong], kind="stable")][:max_images]
    count = len(order)
    ncols = max(1, min(ncols, count))
    nrows = max(1, math.ceil(count / ncols))
    fig = _new_figure(cell_size * ncols, cell_size * nrows * 1.3 + 0.4)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax in axes:
        ax.set_axis_off()
    for ax, index in zip(axes[:count], order, strict=True):
        ax.imshow(images[index], cmap="gray_r", interpolation="nearest")
        ax.set_title(
            f"{labels[index]}→{predictions[index]}\n{confidence[index]:.0%}",
            fontsize=8,
            color="crimson",
        )
    shown = f", the {count} most confident shown" if count < len(wrong) else ""
    fig.suptitle(
        f"{len(wrong)} mistakes among {len(images):,} digits (true→predicted, confidence){shown}",
        fontsize=9,
    )
    return fig


def reliability_diagram(labels, probabilities, *, n_bins: int = 10) -> Figure:
    """Draw a reliability diagram: each bin's accuracy against its mean confidence, and its size.

    Introduced in chapter 06. The digits are sorted into ``n_bins`` bins of equal width by the
    probability of the top class (`course_utils.training.calibration_bins`). The upper panel
    plots, for each bin that holds digits, the fraction right against the mean confidence, with
    the diagonal on which a calibrated model lies (below it: more confident than accurate). The
    lower panel counts the digits of each bin on a logarithmic axis, so that a bin of three
    digits, whose accuracy can only be 0, 1/3, 2/3 or 1, shows beside one of nine hundred: a
    confident network puts most digits in the last bin, where its gap is small on this scale but
    weighs most.

    Parameters
    ----------
    labels : array of shape (n,)
        True classes, integers.
    probabilities : array of shape (n, k), or a mapping of names to such arrays
        Class probabilities of one model, or of several models on the same digits (one curve
        and one set of bars each, named in the legend).
    n_bins : int
        How many bins of width ``1 / n_bins``.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes sharing the confidence axis: accuracy per bin above, digits per bin below.

    Raises
    ------
    ValueError
        If the mapping is empty, or an array is not as `calibration_bins` needs it (the message
        names the model).
    TypeError
        If ``labels`` are not integers or a model's name is not a string.
    """
    if isinstance(probabilities, dict):
        models = probabilities
    elif hasattr(probabilities, "items"):
        models = dict(probabilities.items())
    else:
        models = {"model": probabilities}
    if not models:
        raise ValueError("probabilities is an empty mapping: give at least one model")
    tables = {}
    for name, values in models.items():
        if not isinstance(name, str):
            raise TypeError(f"model names must be strings; got {name!r}")
        try:
            tables[name] = calibration_bins(labels, values, n_bins=n_bins)
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
    fig = _new_figure(5.5, 6.0)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1.4])
    top.plot([0, 1], [0, 1], color="grey", linestyle=":", label="calibrated")
    width = 0.9 / (n_bins * len(tables))
    for index, (name, table) in enumerate(tables.items()):
        filled = table[table["digits"] > 0]
        colour = f"C{index}"
        top.plot(filled["confidence"], filled["accuracy"], marker="o", color=colour, label=name)
        bottom.bar(
            filled["low"] + (0.05 + index + 0.5) * width,
            filled["digits"],
            width=width,
            color=colour,
        )
    top.set_ylabel("accuracy in the bin")
    top.set_ylim(0, 1.02)
    top.grid(alpha=0.3)
    top.legend(loc="upper left")
    bottom.set_yscale("log")
    bottom.set_ylabel("digits in the bin")
    bottom.set_xlabel("confidence: probability of the top class")
    bottom.set_xlim(0, 1)
    bottom.set_xticks(np.linspace(0, 1, n_bins + 1) if n_bins <= 20 else np.linspace(0, 1, 11))
    bottom.grid(alpha=0.3, axis="y")
    count = len(np.asarray(labels))
    fig.suptitle(f"reliability diagram: {count:,} digits in {n_bins} bins of equal width")
    return fig


def weight_snapshots(snapshots, *, num_units: int = 10, unit_names=None) -> Figure:
    """Draw first-layer weights as 28×28 images, one row per training step, one column per unit.

    Introduced in chapter 07. ``snapshots`` maps a step count to the kernel of a dense layer that
    takes the 784 pixels (shape (784, units), as ``layer.get_weights()[0]``). Row ``s`` shows the
    incoming weights of the first ``num_units`` units after ``s`` steps. Red pixels raise a unit's
    output, blue pixels lower it; each row has its own colour scale (weights grow as training
    goes on), symmetric around zero.

    Parameters
    ----------
    snapshots : dict of int to array of shape (784, k) or (28, 28, k)
    num_units : int
        Columns to draw (at most ``k``).
    unit_names : sequence of str, optional
        Column titles; defaults to ``unit 0``, ``unit 1``, … .

    Raises
    ------
    ValueError
        If ``snapshots`` is empty, a kernel has another shape, or the kernels differ in shape.
    """
    if not isinstance(snapshots, dict) or not snapshots:
        raise ValueError("snapshots must be a non-empty dict mapping a step count to a kernel")
    if isinstance(num_units, bool) or not isinstance(num_units, int) or num_units < 1:
        raise ValueError(f"num_units must be a positive int; got {num_units!r}")
    kernels = {}
    for step, kernel in sorted(snapshots.items()):
        kernel = np.asarray(kernel)
        if kernel.ndim == 3 and kernel.shape[:2] == (28, 28):
            kernel = kernel.reshape(784, -1)
        if kernel.ndim != 2 or kernel.shape[0] != 784:
            raise ValueError(
                f"the kernel of step {step} must have shape (784, units) or (28, 28, units); got "
                f"{kernel.shape}. Pass the first dense layer's kernel (get_weights()[0])."
            )
        kernels[step] = kernel
    if len({kernel.shape for kernel in kernels.values()}) > 1:
        raise ValueError(
            f"all kernels must have one shape; got {[k.shape for k in kernels.values()]}"
        )
    columns = min(num_units, next(iter(kernels.values())).shape[1])
    names = list(unit_names) if unit_names is not None else [f"unit {i}" for i in range(columns)]
    fig = _new_figure(1.15 * columns + 0.9, 1.25 * len(kernels))
    axes = fig.subplots(len(kernels), columns, squeeze=False)
    for row, (step, kernel) in enumerate(kernels.items()):
        limit = float(np.abs(kernel[:, :columns]).max()) or 1.0
        for column in range(columns):
            ax = axes[row, column]
            ax.imshow(kernel[:, column].reshape(28, 28), cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(names[column], fontsize=8)
        axes[row, 0].set_ylabel(f"step {step:,}", fontsize=8)
    return fig


def filter_grid(maps, *, ncols: int = 8, title: str | None = None) -> Figure:
    """Draw every channel of one image's feature maps, in a grid with ``ncols`` columns.

    Introduced in chapter 07. ``maps`` has shape (height, width, channels): what one convolution
    layer outputs for one image (take ``explain.activations(model, name, images)[i]``). Unlike
    `feature_maps`, which draws the first few channels of several images, this draws all of
    them: 32 channels with ``ncols=8`` make 4 rows of 8. Bright means strongly active; all panels
    share one colour scale, so a dark panel is a filter this digit barely excites.

    Raises
    ------
    ValueError
        If ``maps`` is not 3-D (a batch of maps needs an index: ``maps[0]``).
    """
    maps = np.asarray(maps)
    if maps.ndim != 3:
        raise ValueError(
            f"maps must have shape (height, width, channels) for one image; got {maps.shape}. "
            "For a batch from explain.activations, pass one image's maps, e.g. maps[0]."
        )
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive int; got {ncols!r}")
    channels = maps.shape[-1]
    nrows = math.ceil(channels / ncols)
    fig = _new_figure(0.85 * ncols, 0.85 * nrows + (0.35 if title else 0.1))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    top = float(maps.max()) or 1.0
    bottom = min(float(maps.min()), 0.0)
    for index, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if index < channels:
            ax.imshow(maps[:, :, index], cmap="viridis", vmin=bottom, vmax=top)
            ax.set_title(str(index), fontsize=7, pad=1)
    if title:
        fig.suptitle(title, fontsize=9)
    return fig


def saliency_grid(images, class_gradients, *, top_gradients=None, labels=None) -> Figure:
    """Draw digits by classes: each digit, then the gradient of each class score over its pixels.

    Introduced in chapter 07. Row ``i`` shows image ``i``, then (if given) the gradient of its
    top class's score, then one panel per class with the gradient of that class's score with
    respect to each pixel. Red pixels raise the score when brightened, blue pixels lower it; each
    row has one colour scale, symmetric around zero, so the classes of a row can be compared.
    The gradients are computed by the caller (for example with `tf.GradientTape`).

    Parameters
    ----------
    images : array of shape (n, 28, 28), (n, 28, 28, 1) or (n, 784)
    class_gradients : array of shape (n, classes, 28, 28) (or (n, classes, 784))
    top_gradients : array of shape (n, 28, 28) (or (n, 784)), optional
    labels : array of shape (n,), optional
        Titles of the digit panels.

    Raises
    ------
    ValueError
        If the shapes do not match the images.
    """
    images = as_images(images)
    count = len(images)
    class_gradients = np.asarray(class_gradients, dtype=float)
    if class_gradients.ndim == 3 and class_gradients.shape[-1] == 784:
        class_gradients = class_gradients.reshape(*class_gradients.shape[:2], 28, 28)
    if class_gradients.ndim != 4 or class_gradients.shape[0] != count:
        raise ValueError(
            f"class_gradients must have shape (n, classes, 28, 28) with n = {count} images; got "
            f"{class_gradients.shape}. Stack one gradient per class along axis 1."
        )
    if top_gradients is not None:
        top_gradients = np.asarray(top_gradients, dtype=float).reshape(count, -1)
        if top_gradients.shape[1] != 784:
            raise ValueError("top_gradients must have shape (n, 28, 28) like the images")
        top_gradients = top_gradients.reshape(count, 28, 28)
    if labels is not None and len(labels) != count:
        raise ValueError(f"labels has {len(labels)} entries but there are {count} images")
    num_classes = class_gradients.shape[1]
    extra = 1 if top_gradients is None else 2
    fig = _new_figure(1.05 * (num_classes + extra), 1.15 * count)
    axes = fig.subplots(count, num_classes + extra, squeeze=False)
    for row in range(count):
        panels = list(class_gradients[row])
        if top_gradients is not None:
            panels = [top_gradients[row], *panels]
        limit = max(float(np.abs(panel).max()) for panel in panels) or 1.0
        axes[row, 0].imshow(images[row], cmap="gray_r")
        if labels is not None:
            axes[row, 0].set_title(f"digit {labels[row]}", fontsize=8)
        for column, panel in enumerate(panels, start=1):
            axes[row, column].imshow(panel, cmap="seismic", vmin=-limit, vmax=limit)
            if row == 0:
                is_top = top_gradients is not None and column == 1
                name = "top class" if is_top else f"class {column - extra}"
                axes[row, column].set_title(name, fontsize=8)
    for ax in axes.ravel():
        ax.set_axis_off()
    return fig

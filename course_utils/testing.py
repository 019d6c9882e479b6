"""Helpers the chapters' tests use, in your notebook and when it is graded.

Introduced in chapter 06. In your notebook they are plain Python: ``in_your_kernel(f, x)`` is
``f(x)``. When a notebook is graded, its tests run in a separate, clean Python, the checker,
while your answers stay in your notebook's kernel: a test that calls one of your functions
sends the arguments there and gets the result back as data (numbers, arrays, tensors, a Keras
model's configuration and weights). There ``in_your_kernel(f, x)`` sends the test's function
``f`` to your kernel, runs it next to your answers and brings back only its result; so
``in_your_kernel(new_model_each_call, make)`` checks, where your models are, that ``make``
builds a new model on every call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def in_your_kernel(function: Callable, /, *args: Any, **kwargs: Any) -> Any:
    """Call ``function(*args, **kwargs)`` where your answers live, and return its result.

    Introduced in chapter 06. Tests use it for what must happen next to your answers, such as
    driving a callback you wrote or reading a file your function wrote.

    Examples
    --------
    >>> in_your_kernel(sum, [1, 2, 3])
    6
    """
    return function(*args, **kwargs)


def new_model_each_call(make: Callable, /, *args: Any) -> bool:
    """Whether two calls ``make(*args)`` return two objects that share no weight.

    Introduced in chapter 03. Tests ask it with ``in_your_kernel(new_model_each_call, make)``:
    where your models are built, so that a function that returns one cached model, or reuses
    its layers, is caught, and only one model has to cross to the tests.

    Examples
    --------
    >>> cached = object()
    >>> new_model_each_call(lambda: cached), new_model_each_call(object)
    (False, True)
    """
    first, second = make(*args), make(*args)
    shared = {id(v) for v in getattr(first, "weights", [])} & {
        id(v) for v in getattr(second, "weights", [])
    }
    return first is not second and not shared


# Elementwise activations that never decrease: they commute with max pooling.
_MONOTONE = {
    "relu",
    "relu6",
    "leaky_relu",
    "sigmoid",
    "hard_sigmoid",
    "tanh",
    "softplus",
    "softsign",
    "elu",
    "selu",
    "exponential",
    "linear",
}
# Elementwise activations with f(0) = 0 and f(c x) = c f(x) for c > 0: they commute with dropout.
_HOMOGENEOUS = {"relu", "leaky_relu", "linear"}
_SHAPE_ONLY = {"Flatten", "Reshape"}  # commute with every elementwise activation


def _activation_name(function: Any) -> str:
    return getattr(function, "__name__", type(function).__name__)


def _activation_only(layer: Any) -> str | None:
    """The activation a layer that only applies one computes, by name; None for other layers."""
    import keras

    if isinstance(layer, keras.layers.Activation):
        return _activation_name(layer.activation)
    if isinstance(layer, keras.layers.ReLU):
        options = {
            "max_value": layer.max_value,
            "negative_slope": layer.negative_slope,
            "threshold": layer.threshold,
        }
        if options == {"max_value": None, "negative_slope": 0, "threshold": 0}:
            return "relu"
        if options == {"max_value": 6, "negative_slope": 0, "threshold": 0}:
            return "relu6"
        return "ReLU(" + ", ".join(f"{key}={value}" for key, value in options.items()) + ")"
    if isinstance(layer, keras.layers.Softmax):
        return "softmax" if layer.axis in (-1, [-1], (-1,)) else f"softmax(axis={layer.axis})"
    if isinstance(layer, keras.layers.LeakyReLU):
        return f"leaky_relu(negative_slope={layer.negative_slope})"
    return None


def _commutes(kind: str, activation: str) -> bool:
    """Whether applying ``activation`` after a layer of ``kind`` equals applying it before."""
    if kind in _SHAPE_ONLY:
        return activation != "softmax" and not activation.startswith("softmax(")
    if kind == "MaxPooling2D":
        return activation in _MONOTONE
    if kind == "Dropout":
        return activation in _HOMOGENEOUS
    return False


def layer_steps(model: Any) -> list[str]:
    """What a Keras model computes, as one step per layer, with equivalent forms written alike.

    Introduced in chapter 03. Each layer is a step named by its class, with its activation in
    brackets when it has one: ``["Flatten", "Dense(relu)", "Dropout", "Dense(softmax)"]``. A
    layer that only applies an activation (``layers.Activation("relu")``, ``layers.ReLU()``,
    ``layers.Softmax()``) is written into the earlier layer it belongs to, so that
    ``Dense(64)`` then ``Activation("relu")`` is the step ``"Dense(relu)"``, as
    ``Dense(64, activation="relu")`` is. It may come after layers that give the same result
    either way: ``Flatten`` and ``Reshape`` (any activation that acts on each number alone),
    ``MaxPooling2D`` (an activation that never decreases: the largest of four ReLUs is the ReLU
    of the largest) and ``Dropout`` (ReLU only, which commutes with scaling by a positive
    number). An activation after one that is not linear stays a step of its own, such as
    ``"Activation(relu)"``, except a second ReLU after a first, and a linear activation: they
    change nothing. A ``Reshape`` to one axis is the step ``"Flatten"``. Input layers are left
    out; a model inside the model contributes its steps.

    Parameters
    ----------
    model : keras.Model
        The network, built (a ``keras.Sequential`` with a ``keras.Input`` is).

    Returns
    -------
    list of str
        The steps, in the order the layers are listed.

    Raises
    ------
    TypeError
        If ``model`` is not a Keras model.

    Examples
    --------
    >>> import keras
    >>> from keras import layers
    >>> layer_steps(keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(8, 3),
    ...                               layers.MaxPooling2D(2), layers.ReLU(), layers.Flatten(),
    ...                               layers.Dense(10), layers.Softmax()]))
    ['Conv2D(relu)', 'MaxPooling2D', 'Flatten', 'Dense(softmax)']
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(
            "layer_steps needs a keras.Model (a keras.Sequential is one); "
            f"got {type(model).__name__}"
        )
    steps: list[list] = []  # [class name, activation or None] per step
    for layer in _flat_layers(model):
        activation = _activation_only(layer)
        if activation == "linear":  # changes nothing
            continue
        if activation is None:
            own = getattr(layer, "activation", None)
            kind = type(layer).__name__
            if kind == "Reshape" and len(layer.target_shape) == 1:
                kind = "Flatten"  # to one axis: what Flatten does
            steps.append([kind, None if own is None else _activation_name(own)])
            continue
        index = len(steps) - 1
        while index >= 0 and steps[index][1] is None and _commutes(steps[index][0], activation):
            index -= 1
        target = steps[index][1] if index >= 0 else None
        if target == "linear":
            steps[index][1] = activation
        elif not target == activation == "relu":
            steps.append(["Activation", activation])
    return [kind if activation is None else f"{kind}({activation})" for kind, activation in steps]


def _flat_layers(model: Any) -> list:
    import keras

    flat = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        flat.extend(_flat_layers(layer) if isinstance(layer, keras.Model) else [layer])
    return flat

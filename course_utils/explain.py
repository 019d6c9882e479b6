"""Looking inside trained networks: activations of named layers, and a model's logits.

Introduced in chapter 04 (activations); chapter 07 adds `layer_outputs`, which follows a batch
through several layers at once, and `logits_model`, whose class scores are what saliency maps
differentiate. The gradients themselves are computed in the chapters.
"""

from __future__ import annotations

import numpy as np


def activations(model, layer_name: str, images) -> np.ndarray:
    """Return what the layer ``layer_name`` of ``model`` outputs for ``images``.

    Introduced in chapter 04. For a convolution the result has shape (n, height, width,
    channels): one feature map per channel and image. `layer_outputs` gives several layers' at
    once.

    Raises
    ------
    ValueError
        If the model has no layer of that name (the message lists the names it has).
    """
    return layer_outputs(model, images, [layer_name])[layer_name]


def layer_outputs(model, images, layer_names=None) -> dict[str, np.ndarray]:
    """Return what each of the named layers of ``model`` outputs for ``images``, from one pass.

    Introduced in chapter 07, which follows the probe digits through every layer of a deep
    network to see how much the layers' outputs still differ from digit to digit. The function
    builds ``keras.Model(model.inputs, [outputs of the named layers])`` and runs it in inference
    mode (dropout off), so each layer sees exactly what it sees when the model predicts.

    Parameters
    ----------
    model : keras.Model
        A built model (Sequential with an ``Input``, or functional).
    images : array-like
        A batch the model takes: shape (n, *the model's input shape*).
    layer_names : sequence of str, optional
        Names of layers of ``model`` (``[layer.name for layer in model.layers]`` lists them);
        by default every layer of ``model.layers``.

    Returns
    -------
    dict
        ``{name: array}`` in the order of ``layer_names``; each array has the batch axis first.

    Raises
    ------
    TypeError
        If ``model`` is not a Keras model, or ``layer_names`` is a single string (give a list).
    ValueError
        If a name is not a layer of the model (the message lists the names it has), no name is
        given, or ``images`` does not have the model's input shape after the batch axis.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model; got {type(model).__name__}")
    names = [layer.name for layer in model.layers]
    if layer_names is None:
        layer_names = names
    elif isinstance(layer_names, str):
        raise TypeError(
            f"layer_names must be a list of names, not the string {layer_names!r}: "
            f"write [{layer_names!r}] (or use activations for one layer)"
        )
    layer_names = list(layer_names)
    if not layer_names:
        raise ValueError("layer_names is empty: name at least one layer")
    for name in layer_names:
        if name not in names:
            raise ValueError(f"model {model.name!r} has no layer {name!r}; it has {names}")
    if len(model.inputs) != 1:
        raise ValueError(f"model {model.name!r} has {len(model.inputs)} inputs; one is supported")
    images = np.asarray(images)
    expected = tuple(model.inputs[0].shape[1:])
    fits = images.ndim == len(expected) + 1 and all(
        want is None or want == got for want, got in zip(expected, images.shape[1:], strict=True)
    )
    if not fits:
        shape = ", ".join("any" if size is None else str(size) for size in expected)
        raise ValueError(
            f"images must have shape (n, {shape}) for model {model.name!r}; got {images.shape}"
        )
    outputs = [model.get_layer(name).output for name in layer_names]
    probe = keras.Model(model.inputs[0], outputs)
    results = probe.predict(images, verbose=0)
    if not isinstance(results, (list, tuple)):
        results = [results]
    return {name: np.asarray(result) for name, result in zip(layer_names, results, strict=True)}


def logits_model(model):
    """Return a model that outputs ``model``'s class scores before its softmax (the logits).

    Introduced in chapter 07. The course's models end in a ``Dense`` layer with a softmax. The
    returned model shares every layer of ``model`` up to that last one, which it replaces by a
    ``Dense`` layer named ``"logits"`` holding a copy of its kernel and bias and no activation, so
    that its outputs are the scores the softmax turns into probabilities. Train ``model`` first:
    the copy is taken when this function is called.

    Parameters
    ----------
    model : keras.Model
        A built model whose last layer is ``Dense(..., activation="softmax")``.

    Returns
    -------
    keras.Model
        Same input as ``model``; output of shape (n, classes): the logits.

    Raises
    ------
    TypeError
        If ``model`` is not a Keras model.
    ValueError
        If its last layer is not a ``Dense`` layer with a softmax.
    """
    import keras
    from keras import layers

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model; got {type(model).__name__}")
    last = model.layers[-1] if model.layers else None
    if not isinstance(last, layers.Dense) or last.activation is not keras.activations.softmax:
        got = type(last).__name__ if last is not None else "no layer"
        if isinstance(last, layers.Dense):
            got += f" with activation {last.activation.__name__}"
        raise ValueError(
            f"the model's last layer must be Dense(..., activation='softmax'); got {got}. "
            "A model without a softmax already outputs logits: use it as it is."
        )
    scores = layers.Dense(last.units, activation=None, dtype="float32", name="logits")
    outputs = scores(last.input)
    scores.set_weights(last.get_weights())
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs  # as the model is called
    return keras.Model(inputs, outputs, name=f"{model.name}_logits")

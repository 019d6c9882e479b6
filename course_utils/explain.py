"""Looking inside trained networks: activations of named layers, and a model's logits.

Introduced in chapter 04 (activations); chapter 07 adds `logits_model`, whose class scores are what
saliency maps differentiate. The gradients themselves are computed in the chapters.
"""

from __future__ import annotations

import numpy as np


def activations(model, layer_name: str, images) -> np.ndarray:
    """Return what the layer ``layer_name`` of ``model`` outputs for ``images``.

    Introduced in chapter 04. For a convolution the result has shape (n, height, width,
    channels): one feature map per channel and image.

    Raises
    ------
    ValueError
        If the model has no layer of that name (the message lists the names it has).
    """
    import keras

    names = [layer.name for layer in model.layers]
    if layer_name not in names:
        raise ValueError(f"model {model.name!r} has no layer {layer_name!r}; it has {names}")
    probe = keras.Model(model.inputs, model.get_layer(layer_name).output)
    return np.asarray(probe.predict(np.asarray(images), verbose=0))


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

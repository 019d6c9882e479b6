"""Looking inside trained networks: activations of named layers.

Introduced in chapter 04.
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

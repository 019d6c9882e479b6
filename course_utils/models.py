"""Builders for every model the chapters train.

Each builder returns a fresh, untrained model: a scikit-learn pipeline or a Keras 3 model.
"""

from __future__ import annotations

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer


def _flatten(images):
    return images.reshape(len(images), -1)


def _with_channel(x, input_shape):
    """Add a trailing channel axis to (28, 28) images, as convolutions and shifts expect."""
    from keras import layers

    return layers.Reshape((*input_shape, 1))(x) if len(input_shape) == 2 else x


def _shift(x, max_shift):
    """Random shifts of up to ``max_shift`` of the image size, in training only."""
    from keras import layers

    if not 0 < max_shift < 0.5:
        raise ValueError(f"max_shift must be a fraction in (0, 0.5); got {max_shift!r}")
    return layers.RandomTranslation(max_shift, max_shift, fill_mode="constant", name="shift")(x)


def make_logistic_regression(*, C: float = 0.1, max_iter: int = 500) -> Pipeline:
    """Build the scikit-learn baseline: flatten each image, then multinomial logistic regression.

    Introduced in chapter 01. The pipeline takes images of shape (n, 28, 28) or (n, 784) with
    pixels scaled to [0, 1]. ``C`` is the inverse regularisation strength: smaller is simpler.

    Parameters
    ----------
    C : float
        Inverse of the L2 penalty, as in `sklearn.linear_model.LogisticRegression`.
    max_iter : int
        Iterations of the L-BFGS solver.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Untrained; call ``.fit(x_train, y_train)`` then ``.score(x_test, y_test)``.
    """
    if C <= 0:
        raise ValueError(f"C must be positive; got {C!r}")
    return make_pipeline(
        FunctionTransformer(_flatten),
        LogisticRegression(C=C, max_iter=max_iter),
    )


def make_linear_classifier(input_shape: tuple[int, ...] = (28, 28), num_classes: int = 10):
    """Build a linear classifier in Keras: flatten, then one dense layer with a softmax.

    Introduced in chapter 02. It has one weight per pixel and class plus one bias per class; the
    dense layer is named ``"linear"`` so that its (784, 10) kernel can be drawn as ten weight
    templates with `course_utils.plots.weight_templates`.

    Returns
    -------
    keras.Model
        Untrained and uncompiled; `course_utils.training.fit` compiles and trains it.
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="image")
    flat = layers.Flatten()(inputs)
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="linear")(flat)
    return keras.Model(inputs, outputs, name="linear_classifier")


def make_mlp(
    hidden_units: tuple[int, ...] = (256,),
    *,
    input_shape: tuple[int, ...] = (28, 28),
    num_classes: int = 10,
    dropout_rate: float = 0.0,
    l2: float = 0.0,
    augment: bool = False,
    max_shift: float = 0.1,
):
    """Build a multilayer perceptron: flatten, ReLU hidden layers, then a softmax layer.

    Introduced in chapter 03. ``hidden_units`` lists the width of each hidden layer, so
    ``(1500,)`` is one hidden layer of 1,500 units and ``(512, 256)`` two layers. With
    ``dropout_rate`` above zero, a dropout layer follows every hidden layer. With ``l2`` above
    zero (chapter 05), each hidden layer's kernel gets a `keras.regularizers.L2` penalty of that
    strength, which Keras adds to the training loss. ``augment`` shifts
    each training image by up to ``max_shift`` of its size (as a fraction; 0.1 is up to 2.8
    pixels), differently every epoch; evaluation sees the images unshifted. The hidden layers
    are named ``hidden_1``, ``hidden_2``, ….

    Returns
    -------
    keras.Model
        Untrained and uncompiled; `course_utils.training.fit` compiles and trains it.
    """
    import keras
    from keras import layers

    if not hidden_units or any(
        not isinstance(units, int) or isinstance(units, bool) or units < 1 for units in hidden_units
    ):
        raise ValueError(
            f"hidden_units must be a non-empty sequence of positive ints; got {hidden_units!r}"
        )
    if not 0 <= dropout_rate < 1:
        raise ValueError(f"dropout_rate must be in [0, 1); got {dropout_rate!r}")
    if isinstance(l2, bool) or not isinstance(l2, (int, float)) or not 0 <= l2 < float("inf"):
        raise ValueError(f"l2 must be a number >= 0; got {l2!r}")
    inputs = keras.Input(shape=input_shape, name="image")
    x = _shift(_with_channel(inputs, input_shape), max_shift) if augment else inputs
    x = layers.Flatten()(x)
    for index, units in enumerate(hidden_units, start=1):
        regularizer = keras.regularizers.L2(l2) if l2 else None
        x = layers.Dense(
            units, activation="relu", kernel_regularizer=regularizer, name=f"hidden_{index}"
        )(x)
        if dropout_rate:
            x = layers.Dropout(dropout_rate)(x)
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="output")(x)
    name = "mlp_" + "_".join(str(units) for units in hidden_units)
    return keras.Model(inputs, outputs, name=name)


def make_cnn(
    input_shape: tuple[int, ...] = (28, 28),
    num_classes: int = 10,
    *,
    filters: tuple[int, ...] = (32, 64),
    kernel_size: int = 5,
    downsampling: str = "pool",
    dense_units: int = 128,
    dropout_rate: float = 0.5,
    batch_norm: bool = False,
    augment: bool = False,
    max_shift: float = 0.1,
):
    """Build a convolutional network: conv blocks, then a dense layer, dropout and a softmax.

    Introduced in chapter 04. Each entry of ``filters`` adds a block ``conv_1``, ``conv_2``, … of
    ReLU convolutions with "same" padding that halves the image, either with 2×2 max pooling
    (``downsampling="pool"``) or with a stride of 2 (``"stride"``). ``batch_norm`` normalises each
    convolution's output (momentum 0.9, which suits short trainings) and ``augment`` shifts
    training images by up to ``max_shift`` of their size (as `make_mlp` does). ``dense_units=0``
    leaves out the dense layer.

    Returns
    -------
    keras.Model
        Untrained and uncompiled; `course_utils.training.fit` compiles and trains it.
    """
    import keras
    from keras import layers

    if downsampling not in ("pool", "stride"):
        raise ValueError(f"downsampling must be 'pool' or 'stride'; got {downsampling!r}")
    if not filters or any(not isinstance(count, int) or count < 1 for count in filters):
        raise ValueError(f"filters must be a non-empty sequence of positive ints; got {filters!r}")
    if not 0 <= dropout_rate < 1:
        raise ValueError(f"dropout_rate must be in [0, 1); got {dropout_rate!r}")
    inputs = keras.Input(shape=input_shape, name="image")
    x = _with_channel(inputs, input_shape)
    if augment:
        x = _shift(x, max_shift)
    for index, count in enumerate(filters, start=1):
        strides = 2 if downsampling == "stride" else 1
        if batch_norm:
            x = layers.Conv2D(count, kernel_size, strides, padding="same", use_bias=False)(x)
            x = layers.BatchNormalization(momentum=0.9)(x)
            x = layers.ReLU(name=f"conv_{index}")(x)
        else:
            x = layers.Conv2D(
                count, kernel_size, strides, padding="same", activation="relu", name=f"conv_{index}"
            )(x)
        if downsampling == "pool":
            x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    if dense_units:
        x = layers.Dense(dense_units, activation="relu", name="dense")(x)
    if dropout_rate:
        x = layers.Dropout(dropout_rate)(x)
    outputs = layers.Dense(num_classes, activation="softmax", dtype="float32", name="output")(x)
    return keras.Model(inputs, outputs, name=f"cnn_{downsampling}_" + "_".join(map(str, filters)))

"""Typical wrong answers to chapter 04's exercises, each as (answer cell, replacement source)."""

MISTAKES = {
    "conv2d_flips_the_kernel": (
        "ex04_conv2d",
        """
def conv2d(image, kernel):
    flipped = kernel[::-1, ::-1]
    kh, kw = kernel.shape
    result = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(result.shape[0]):
        for j in range(result.shape[1]):
            result[i, j] = np.sum(image[i : i + kh, j : j + kw] * flipped)
    return result
""",
    ),
    "conv2d_assumes_a_square_kernel": (
        "ex04_conv2d",
        """
def conv2d(image, kernel):
    k = kernel.shape[0]
    result = np.zeros((image.shape[0] - k + 1, image.shape[1] - k + 1))
    for i in range(result.shape[0]):
        for j in range(result.shape[1]):
            result[i, j] = np.sum(image[i : i + k, j : j + k] * kernel)
    return result
""",
    ),
    "output_size_rounds_same_padding_down": (
        "ex04_conv_output_size",
        """
def conv_output_size(n, kernel, stride=1, padding="valid"):
    if padding == "valid":
        return (n - kernel) // stride + 1
    if padding == "same":
        return n // stride
    raise ValueError("padding must be 'valid' or 'same'")
""",
    ),
    "output_size_ignores_stride": (
        "ex04_conv_output_size",
        """
def conv_output_size(n, kernel, stride=1, padding="valid"):
    if padding == "same":
        return n
    if padding == "valid":
        return n - kernel + 1
    raise ValueError("padding must be 'valid' or 'same'")
""",
    ),
    "output_size_accepts_any_padding": (
        "ex04_conv_output_size",
        """
def conv_output_size(n, kernel, stride=1, padding="valid"):
    if padding == "same":
        return -(-n // stride)
    return (n - kernel) // stride + 1
""",
    ),
    "max_pool_starts_from_zero": (
        "ex04_max_pool2d",
        """
def max_pool2d(feature_map, size=2):
    height, width = feature_map.shape[0] // size, feature_map.shape[1] // size
    result = np.zeros((height, width))
    for i in range(height):
        for j in range(width):
            for value in feature_map[i * size : (i + 1) * size, j * size : (j + 1) * size].ravel():
                result[i, j] = max(result[i, j], value)
    return result
""",
    ),
    "max_pool_needs_even_sizes": (
        "ex04_max_pool2d",
        """
def max_pool2d(feature_map, size=2):
    height, width = feature_map.shape
    return feature_map.reshape(height // size, size, width // size, size).max(axis=(1, 3))
""",
    ),
    "conv2d_returns_a_list": (
        "ex04_conv2d",
        """
def conv2d(image, kernel):
    kh, kw = kernel.shape
    rows = []
    for i in range(image.shape[0] - kh + 1):
        row = []
        for j in range(image.shape[1] - kw + 1):
            row.append(np.sum(image[i : i + kh, j : j + kw] * kernel))
        rows.append(row)
    return rows
""",
    ),
    "conv2d_keeps_the_image_dtype": (
        "ex04_conv2d",
        """
def conv2d(image, kernel):
    kh, kw = kernel.shape
    result = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1), dtype=image.dtype)
    for i in range(result.shape[0]):
        for j in range(result.shape[1]):
            result[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return result
""",
    ),
    "output_size_rounds": (
        "ex04_conv_output_size",
        """
def conv_output_size(n, kernel, stride=1, padding="valid"):
    if padding == "valid":
        return round((n - kernel) / stride) + 1
    if padding == "same":
        return round(n / stride)
    raise ValueError("padding must be 'valid' or 'same'")
""",
    ),
    "output_size_pads_half_the_kernel_for_same": (
        "ex04_conv_output_size",
        """
def conv_output_size(n, kernel, stride=1, padding="valid"):
    if padding == "valid":
        pad = 0
    elif padding == "same":
        pad = kernel // 2
    else:
        raise ValueError("padding must be 'valid' or 'same'")
    return (n + 2 * pad - kernel) // stride + 1
""",
    ),
    "output_size_returns_a_float": (
        "ex04_conv_output_size",
        """
def conv_output_size(n, kernel, stride=1, padding="valid"):
    if padding == "valid":
        return np.floor((n - kernel) / stride) + 1
    if padding == "same":
        return np.ceil(n / stride)
    raise ValueError("padding must be 'valid' or 'same'")
""",
    ),
    "output_size_without_defaults": (
        "ex04_conv_output_size",
        """
def conv_output_size(n, kernel, stride, padding):
    if padding == "valid":
        return (n - kernel) // stride + 1
    if padding == "same":
        return -(-n // stride)
    raise ValueError("padding must be 'valid' or 'same'")
""",
    ),
    "output_size_error_names_no_choice": (
        "ex04_conv_output_size",
        """
def conv_output_size(n, kernel, stride=1, padding="valid"):
    if padding == "valid":
        return (n - kernel) // stride + 1
    if padding == "same":
        return -(-n // stride)
    raise ValueError("unknown padding")
""",
    ),
    "max_pool_returns_a_list": (
        "ex04_max_pool2d",
        """
def max_pool2d(feature_map, size=2):
    height, width = feature_map.shape
    return [
        [feature_map[i : i + size, j : j + size].max() for j in range(0, width - size + 1, size)]
        for i in range(0, height - size + 1, size)
    ]
""",
    ),
    "classic_cnn_valid_padding": (
        "ex04_classic_cnn",
        """
def make_classic_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(32, 5, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 5, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(1024, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )
""",
    ),
    "classic_cnn_dropout_before_the_dense_layer": (
        "ex04_classic_cnn",
        """
def make_classic_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(32, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(1024, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
""",
    ),
    "classic_cnn_dense_layer_without_relu": (
        "ex04_classic_cnn",
        """
def make_classic_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(32, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(1024),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )
""",
    ),
    "classic_cnn_relu_at_the_output": (
        "ex04_classic_cnn",
        """
def make_classic_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(32, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(1024, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(10, activation="relu"),
        ]
    )
""",
    ),
    "classic_cnn_one_model_for_every_call": (
        "ex04_classic_cnn",
        """
classic_model = keras.Sequential(
    [
        keras.Input(shape=(28, 28)),
        layers.Reshape((28, 28, 1)),
        layers.Conv2D(32, 5, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 5, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(1024, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ]
)


def make_classic_cnn():
    return classic_model
""",
    ),
    "classic_cnn_from_course_utils": (
        "ex04_classic_cnn",
        """
def make_classic_cnn():
    return models.make_cnn(filters=(32, 64), kernel_size=5, dense_units=1024, dropout_rate=0.5)
""",
    ),
}

# Issue 21: an activation is checked as that activation, and the whole layer list is checked.
MISTAKES.update(
    {
        "classic_cnn_softplus_convolutions": (
            "ex04_classic_cnn",
            """
def make_classic_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(32, 5, padding="same", activation="softplus"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 5, padding="same", activation="softplus"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(1024, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )
""",
        ),
        "classic_cnn_adds_random_shifts": (
            "ex04_classic_cnn",
            """
def make_classic_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.RandomTranslation(0.05, 0.05, fill_mode="constant"),
            layers.Conv2D(32, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(1024, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )
""",
        ),
    }
)

# Answers that differ from the solution in form, not in what they compute: each gets full marks.
EQUIVALENTS = {
    "classic_cnn_functional_relu_after_the_pooling_and_the_dropout": (
        "ex04_classic_cnn",
        """
def make_classic_cnn():
    images = keras.Input(shape=(28, 28))
    x = layers.Reshape((28, 28, 1))(images)
    x = layers.ReLU()(layers.MaxPooling2D(2)(layers.Conv2D(32, 5, padding="same")(x)))
    x = layers.Conv2D(64, 5, padding="same")(x)
    x = layers.Flatten()(layers.MaxPooling2D(2)(layers.Activation("relu")(x)))
    x = layers.ReLU()(layers.Dropout(0.5)(layers.Dense(1024)(x)))
    return keras.Model(images, layers.Softmax()(layers.Dense(10)(x)))
""",
    ),
}

# Issue 21: every instruction an exercise gives is checked by a case that breaking it changes.
MISTAKES.update(
    {
        "max_pool_always_uses_2x2_blocks": (
            "ex04_max_pool2d",
            """
def max_pool2d(feature_map, size=2):
    height, width = feature_map.shape[0] // 2, feature_map.shape[1] // 2
    blocks = feature_map[: height * 2, : width * 2].reshape(height, 2, width, 2)
    return blocks.max(axis=(1, 3))
""",
        ),
        "classic_cnn_dropout_of_a_quarter": (
            "ex04_classic_cnn",
            """
def make_classic_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(32, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(1024, activation="relu"),
            layers.Dropout(0.25),
            layers.Dense(10, activation="softmax"),
        ]
    )
""",
        ),
    }
)

EQUIVALENTS.update(
    {
        "conv2d_in_float32_from_sliding_windows": (
            "ex04_conv2d",
            """
def conv2d(image, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(np.asarray(image, np.float32), kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, np.asarray(kernel, np.float32))
""",
        ),
        "output_size_with_math_floor_and_ceil": (
            "ex04_conv_output_size",
            """
import math


def conv_output_size(n, kernel, stride=1, padding="valid"):
    if padding not in ("valid", "same"):
        raise ValueError(f"padding is 'valid' or 'same', not {padding!r}")
    if padding == "same":
        return math.ceil(n / stride)
    return math.floor((n - kernel) / stride) + 1
""",
        ),
        "max_pool_in_float32_with_loops": (
            "ex04_max_pool2d",
            """
def max_pool2d(feature_map, size=2):
    height, width = feature_map.shape[0] // size, feature_map.shape[1] // size
    result = np.empty((height, width), dtype=np.float32)
    for i in range(result.shape[0]):
        for j in range(result.shape[1]):
            result[i, j] = feature_map[i * size : (i + 1) * size, j * size : (j + 1) * size].max()
    return result
""",
        ),
        "classic_cnn_reshape_instead_of_flatten": (
            "ex04_classic_cnn",
            """
def make_classic_cnn():
    relu = keras.activations.relu
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(32, (5, 5), padding="same", activation=relu),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (5, 5), padding="same", activation=relu),
            layers.MaxPooling2D(pool_size=2, strides=2),
            layers.Reshape((-1,)),
            layers.Dense(1024, activation=relu),
            layers.Dropout(rate=0.5),
            layers.Dense(10, activation=keras.activations.softmax),
        ]
    )
""",
        ),
    }
)

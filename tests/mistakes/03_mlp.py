"""Typical wrong answers to chapter 03's exercises, each as (answer cell, replacement source)."""

MISTAKES = {
    "forward_forgets_the_relu": (
        "ex03_forward",
        """
def forward(x, params):
    hidden = x @ params["W1"] + params["b1"]
    return hidden @ params["W2"] + params["b2"], hidden
""",
    ),
    "forward_puts_a_relu_on_the_logits": (
        "ex03_forward",
        """
def forward(x, params):
    hidden = np.maximum(x @ params["W1"] + params["b1"], 0)
    return np.maximum(hidden @ params["W2"] + params["b2"], 0), hidden
""",
    ),
    "backward_forgets_the_relu_mask": (
        "ex03_backward",
        """
def backward(x, y, hidden, logits, W2):
    d_logits = softmax_rows(logits)
    d_logits[np.arange(len(x)), y] -= 1
    d_logits /= len(x)
    d_hidden = d_logits @ W2.T
    return {"W1": x.T @ d_hidden, "b1": d_hidden.sum(axis=0),
            "W2": hidden.T @ d_logits, "b2": d_logits.sum(axis=0)}
""",
    ),
    "backward_sums_instead_of_averaging": (
        "ex03_backward",
        """
def backward(x, y, hidden, logits, W2):
    d_logits = softmax_rows(logits)
    d_logits[np.arange(len(x)), y] -= 1
    d_pre_activation = (d_logits @ W2.T) * (hidden > 0)
    return {"W1": x.T @ d_pre_activation, "b1": d_pre_activation.sum(axis=0),
            "W2": hidden.T @ d_logits, "b2": d_logits.sum(axis=0)}
""",
    ),
    "numerical_gradient_uses_a_forward_difference": (
        "ex03_numerical_gradient",
        """
def numerical_gradient(f, w, eps=1e-5):
    gradient = np.zeros_like(w)
    base = f()
    for index in np.ndindex(w.shape):
        original = w[index]
        w[index] = original + eps
        gradient[index] = (f() - base) / eps
        w[index] = original
    return gradient
""",
    ),
    "numerical_gradient_leaves_w_changed": (
        "ex03_numerical_gradient",
        """
def numerical_gradient(f, w, eps=1e-5):
    gradient = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        w[index] += eps
        above = f()
        w[index] -= 2 * eps
        below = f()
        gradient[index] = (above - below) / (2 * eps)
    return gradient
""",
    ),
    "numerical_gradient_handles_only_vectors": (
        "ex03_numerical_gradient",
        """
def numerical_gradient(f, w, eps=1e-5):
    gradient = np.zeros(len(w))
    for i in range(len(w)):
        original = w[i]
        w[i] = original + eps
        above = f()
        w[i] = original - eps
        below = f()
        w[i] = original
        gradient[i] = (above - below) / (2 * eps)
    return gradient
""",
    ),
}

MISTAKES.update(
    {
        "forward_adds_the_bias_after_the_relu": (
            "ex03_forward",
            """
def forward(x, params):
    hidden = np.maximum(x @ params["W1"], 0) + params["b1"]
    return hidden @ params["W2"] + params["b2"], hidden
""",
        ),
        "forward_assumes_784_pixels": (
            "ex03_forward",
            """
def forward(x, params):
    hidden = np.maximum(x.reshape(-1, 784) @ params["W1"] + params["b1"], 0)
    return hidden @ params["W2"] + params["b2"], hidden
""",
        ),
        "forward_returns_tensorflow_tensors": (
            "ex03_forward",
            """
def forward(x, params):
    hidden = tf.nn.relu(x @ params["W1"] + params["b1"])
    return hidden @ params["W2"] + params["b2"], hidden
""",
        ),
        "backward_masks_with_greater_or_equal": (
            "ex03_backward",
            """
def backward(x, y, hidden, logits, W2):
    d_logits = softmax_rows(logits)
    d_logits[np.arange(len(x)), y] -= 1
    d_logits /= len(x)
    d_pre_activation = (d_logits @ W2.T) * (hidden >= 0)
    return {"W1": x.T @ d_pre_activation, "b1": d_pre_activation.sum(axis=0),
            "W2": hidden.T @ d_logits, "b2": d_logits.sum(axis=0)}
""",
        ),
        "backward_averages_the_biases_twice": (
            "ex03_backward",
            """
def backward(x, y, hidden, logits, W2):
    d_logits = softmax_rows(logits)
    d_logits[np.arange(len(x)), y] -= 1
    d_logits /= len(x)
    d_pre_activation = (d_logits @ W2.T) * (hidden > 0)
    return {"W1": x.T @ d_pre_activation, "b1": d_pre_activation.mean(axis=0),
            "W2": hidden.T @ d_logits, "b2": d_logits.mean(axis=0)}
""",
        ),
        "backward_assumes_ten_classes": (
            "ex03_backward",
            """
def backward(x, y, hidden, logits, W2):
    d_logits = (softmax_rows(logits) - np.eye(10)[y]) / len(x)
    d_pre_activation = (d_logits @ W2.T) * (hidden > 0)
    return {"W1": x.T @ d_pre_activation, "b1": d_pre_activation.sum(axis=0),
            "W2": hidden.T @ d_logits, "b2": d_logits.sum(axis=0)}
""",
        ),
        "numerical_gradient_ignores_eps": (
            "ex03_numerical_gradient",
            """
def numerical_gradient(f, w, eps=1e-5):
    gradient = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        original = w[index]
        w[index] = original + 1e-5
        above = f()
        w[index] = original - 1e-5
        below = f()
        w[index] = original
        gradient[index] = (above - below) / 2e-5
    return gradient
""",
        ),
        "numerical_gradient_returns_a_flat_list": (
            "ex03_numerical_gradient",
            """
def numerical_gradient(f, w, eps=1e-5):
    gradient = []
    for index in np.ndindex(w.shape):
        original = w[index]
        w[index] = original + eps
        above = f()
        w[index] = original - eps
        below = f()
        w[index] = original
        gradient.append((above - below) / (2 * eps))
    return gradient
""",
        ),
        "numerical_gradient_restores_w_by_arithmetic": (
            "ex03_numerical_gradient",
            """
def numerical_gradient(f, w, eps=1e-5):
    gradient = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        w[index] += eps
        above = f()
        w[index] -= 2 * eps
        below = f()
        w[index] += eps
        gradient[index] = (above - below) / (2 * eps)
    return gradient
""",
        ),
        "wide_mlp_forgets_the_relu": (
            "ex03_wide_mlp",
            """
def make_wide_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(1500),
        layers.Dense(10, activation="softmax"),
    ])
""",
        ),
        "wide_mlp_returns_one_shared_model": (
            "ex03_wide_mlp",
            """
wide_model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(1500, activation="relu"),
    layers.Dense(10, activation="softmax"),
])


def make_wide_mlp():
    return wide_model
""",
        ),
        "wide_mlp_uses_a_sigmoid": (
            "ex03_wide_mlp",
            """
def make_wide_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(1500, activation="sigmoid"),
        layers.Dense(10, activation="softmax"),
    ])
""",
        ),
        "deep_mlp_forgets_the_relu": (
            "ex03_deep_mlp",
            """
def make_deep_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(512),
        layers.Dense(256),
        layers.Dense(128),
        layers.Dense(10, activation="softmax"),
    ])
""",
        ),
        "deep_mlp_too_narrow_to_clear_the_bar": (
            "ex03_deep_mlp",
            """
def make_deep_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(16, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
""",
        ),
        "deep_mlp_returns_one_shared_model": (
            "ex03_deep_mlp",
            """
deep_model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    layers.Flatten(),
    layers.Dense(512, activation="relu"),
    layers.Dense(256, activation="relu"),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])


def make_deep_mlp():
    return deep_model
""",
        ),
        "deep_mlp_has_two_hidden_layers": (
            "ex03_deep_mlp",
            """
def make_deep_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(512, activation="relu"),
        layers.Dense(256, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
""",
        ),
        "wide_mlp_from_course_utils": (
            "ex03_wide_mlp",
            """
def make_wide_mlp():
    return models.make_mlp((1500,))
""",
        ),
        "deep_mlp_from_course_utils": (
            "ex03_deep_mlp",
            """
def make_deep_mlp():
    return models.make_mlp((512, 256, 128), dropout_rate=0.2)
""",
        ),
    }
)

# Issue 21: an activation is checked as that activation, and the whole layer list is checked.
MISTAKES.update(
    {
        "wide_mlp_uses_relu6": (
            "ex03_wide_mlp",
            """
def make_wide_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(1500, activation="relu6"),
        layers.Dense(10, activation="softmax"),
    ])
""",
        ),
        "wide_mlp_adds_dropout": (
            "ex03_wide_mlp",
            """
def make_wide_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(1500, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])
""",
        ),
        "deep_mlp_relu_on_the_logits_before_a_softmax_layer": (
            "ex03_deep_mlp",
            """
def make_deep_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Reshape((28, 28, 1)),
        layers.RandomTranslation(0.05, 0.05, fill_mode="constant"),
        layers.Flatten(),
        layers.Dense(512, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10, activation="relu"),
        layers.Softmax(),
    ])
""",
        ),
        "deep_mlp_hidden_relu6": (
            "ex03_deep_mlp",
            """
def make_deep_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Reshape((28, 28, 1)),
        layers.RandomTranslation(0.05, 0.05, fill_mode="constant"),
        layers.Flatten(),
        layers.Dense(512, activation="relu6"),
        layers.Dropout(0.2),
        layers.Dense(256, activation="relu6"),
        layers.Dropout(0.2),
        layers.Dense(128, activation="relu6"),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ])
""",
        ),
        "deep_mlp_softmax_twice": (
            "ex03_deep_mlp",
            """
def make_deep_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Reshape((28, 28, 1)),
        layers.RandomTranslation(0.05, 0.05, fill_mode="constant"),
        layers.Flatten(),
        layers.Dense(512, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
        layers.Softmax(),
    ])
""",
        ),
    }
)

# Answers that differ from the solution in form, not in what they compute: each gets full marks.
EQUIVALENTS = {
    "wide_mlp_activation_layers": (
        "ex03_wide_mlp",
        """
def make_wide_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Reshape((784,)),
        layers.Dense(1500),
        layers.ReLU(),
        layers.Dense(10),
        layers.Activation("softmax"),
    ])
""",
    ),
    "deep_mlp_relu_layers_around_dropout": (
        "ex03_deep_mlp",
        """
def make_deep_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Reshape((28, 28, 1)),
        layers.RandomTranslation(0.05, 0.05, fill_mode="constant"),
        layers.Flatten(),
        layers.Dense(512),
        layers.ReLU(),
        layers.Dropout(0.2),
        layers.Dense(256),
        layers.Dropout(0.2),
        layers.ReLU(),
        layers.Dense(128),
        layers.Activation("relu"),
        layers.Dropout(0.2),
        layers.Dense(10),
        layers.Softmax(),
    ])
""",
    ),
}

# Issue 21: every instruction an exercise gives is checked by a case that breaking it changes.
MISTAKES.update(
    {
        "backward_returns_tensorflow_tensors": (
            "ex03_backward",
            """
def backward(x, y, hidden, logits, W2):
    d_logits = (tf.nn.softmax(logits) - tf.one_hot(y, logits.shape[1], dtype=logits.dtype)) / len(x)
    d_pre_activation = (d_logits @ W2.T) * (hidden > 0)
    return {"W1": x.T @ d_pre_activation, "b1": tf.reduce_sum(d_pre_activation, axis=0),
            "W2": hidden.T @ d_logits, "b2": tf.reduce_sum(d_logits, axis=0)}
""",
        ),
        "wide_mlp_takes_flat_rows": (
            "ex03_wide_mlp",
            """
def make_wide_mlp():
    return keras.Sequential([
        keras.Input(shape=(784,)),
        layers.Dense(1500, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
""",
        ),
        "wide_mlp_output_without_softmax": (
            "ex03_wide_mlp",
            """
def make_wide_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(1500, activation="relu"),
        layers.Dense(10),
    ])
""",
        ),
        "deep_mlp_adds_batch_normalization": (
            "ex03_deep_mlp",
            """
def make_deep_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(512, activation="relu"),
        layers.BatchNormalization(momentum=0.9),
        layers.Dense(256, activation="relu"),
        layers.Dense(128, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
""",
        ),
    }
)

EQUIVALENTS.update(
    {
        "forward_with_where_and_dot": (
            "ex03_forward",
            """
def forward(x, params):
    pre_activation = np.dot(x, params["W1"]) + params["b1"]
    hidden = np.where(pre_activation > 0, pre_activation, 0.0)
    return np.dot(hidden, params["W2"]) + params["b2"], hidden
""",
        ),
        "backward_with_one_hot_rows": (
            "ex03_backward",
            """
def backward(x, y, hidden, logits, W2):
    n = x.shape[0]
    d_logits = (softmax_rows(logits) - np.eye(logits.shape[1])[y]) / n
    d_hidden = d_logits @ W2.T
    d_hidden[hidden <= 0] = 0
    return {"W1": x.T @ d_hidden, "b1": d_hidden.sum(axis=0), "W2": hidden.T @ d_logits,
            "b2": d_logits.sum(axis=0)}
""",
        ),
        "numerical_gradient_over_flat_positions": (
            "ex03_numerical_gradient",
            """
def numerical_gradient(f, w, eps=1e-5):
    gradient = np.zeros(w.shape)
    for position in range(w.size):
        index = np.unravel_index(position, w.shape)
        saved = w[index].copy()
        w[index] = saved + eps
        above = f()
        w[index] = saved - eps
        below = f()
        w[index] = saved
        gradient[index] = (above - below) / (2 * eps)
    return gradient
""",
        ),
        "deep_mlp_functional_with_a_reshape_to_784": (
            "ex03_deep_mlp",
            """
def make_deep_mlp():
    images = keras.Input(shape=(28, 28))
    x = layers.Reshape((784,))(images)
    for units in (512, 256, 128):
        x = layers.Dropout(0.1)(layers.Dense(units, activation="relu")(x))
    return keras.Model(images, layers.Dense(10, activation="softmax")(x))
""",
        ),
    }
)

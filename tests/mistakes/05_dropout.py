"""Typical wrong answers to chapter 05's exercises, each as (answer cell, replacement source)."""

MISTAKES = {
    "dropout_without_rescaling": (
        "ex05_dropout",
        """
def dropout(activations, rate, rng, training=True):
    if not 0 <= rate < 1:
        raise ValueError(f"the rate must be in [0, 1); got {rate!r}")
    activations = np.asarray(activations, dtype=float)
    if not training:
        return activations.copy()
    return np.where(rng.random(activations.shape) >= rate, activations, 0.0)
""",
    ),
    "dropout_active_at_inference": (
        "ex05_dropout",
        """
def dropout(activations, rate, rng, training=True):
    if not 0 <= rate < 1:
        raise ValueError(f"the rate must be in [0, 1); got {rate!r}")
    activations = np.asarray(activations, dtype=float)
    keep = rng.random(activations.shape) >= rate
    return np.where(keep, activations / (1 - rate), 0.0)
""",
    ),
    "dropout_keeps_with_probability_rate": (
        "ex05_dropout",
        """
def dropout(activations, rate, rng, training=True):
    if not 0 <= rate < 1:
        raise ValueError(f"the rate must be in [0, 1); got {rate!r}")
    activations = np.asarray(activations, dtype=float)
    if not training:
        return activations.copy()
    keep = rng.random(activations.shape) < rate
    return np.where(keep, activations / (1 - rate), 0.0)
""",
    ),
    "l2_without_keras_factor": (
        "ex05_l2",
        """
def l2_penalty(weights, strength=0.01):
    return float(strength * sum(np.sum(w ** 2) for w in weights) / 2)


def l2_gradient(weights, strength=0.01):
    return [strength * np.asarray(w, dtype=float) for w in weights]
""",
    ),
    "l2_gradient_forgets_the_2": (
        "ex05_l2",
        """
def l2_penalty(weights, strength=0.01):
    return float(strength * sum(np.sum(w ** 2) for w in weights))


def l2_gradient(weights, strength=0.01):
    return [strength * np.asarray(w, dtype=float) for w in weights]
""",
    ),
    "l2_mean_instead_of_sum": (
        "ex05_l2",
        """
def l2_penalty(weights, strength=0.01):
    return float(strength * sum(np.mean(w ** 2) for w in weights))


def l2_gradient(weights, strength=0.01):
    return [2 * strength * w / w.size for w in weights]
""",
    ),
    "early_stopping_one_epoch_late": (
        "ex05_early_stopping",
        """
def early_stopping(val_losses, patience, min_delta=0.0):
    best_loss, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss + min_delta < best_loss:
            best_loss, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited > patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch
""",
    ),
    "early_stopping_counts_ties_as_improvements": (
        "ex05_early_stopping",
        """
def early_stopping(val_losses, patience, min_delta=0.0):
    best_loss, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss + min_delta <= best_loss:
            best_loss, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch
""",
    ),
    "early_stopping_keeps_the_global_minimum": (
        "ex05_early_stopping",
        """
def early_stopping(val_losses, patience, min_delta=0.0):
    best_loss, waited = float("inf"), 0
    stop = len(val_losses)
    for epoch, loss in enumerate(val_losses, start=1):
        if loss + min_delta < best_loss:
            best_loss, waited = loss, 0
        else:
            waited += 1
            if waited >= patience:
                stop = epoch
                break
    return stop, int(np.argmin(val_losses)) + 1
""",
    ),
    "regularised_mlp_passes_keep_probabilities": (
        "ex05_regularised_mlp",
        """
def make_regularised_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dropout(0.8),
        layers.Dense(800, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-4)),
        layers.Dropout(0.5), layers.Dense(10, activation="softmax"),
    ])
""",
    ),
    "regularised_mlp_forgets_the_input_dropout": (
        "ex05_regularised_mlp",
        """
def make_regularised_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)), layers.Flatten(),
        layers.Dense(800, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-4)),
        layers.Dropout(0.5), layers.Dense(10, activation="softmax"),
    ])
""",
    ),
    "regularised_mlp_l2_as_a_string": (
        "ex05_regularised_mlp",
        """
def make_regularised_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dropout(0.2),
        layers.Dense(800, activation="relu", kernel_regularizer="l2"),
        layers.Dropout(0.5), layers.Dense(10, activation="softmax"),
    ])
""",
    ),
}

# Issue 21: an activation is checked as that activation, and the whole layer list is checked.
MISTAKES.update(
    {
        "regularised_mlp_relu_on_the_logits_before_a_softmax_layer": (
            "ex05_regularised_mlp",
            """
def make_regularised_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dropout(0.2),
        layers.Dense(800, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-4)),
        layers.Dropout(0.5), layers.Dense(10, activation="relu"), layers.Softmax(),
    ])
""",
        ),
        "regularised_mlp_adds_batch_normalization": (
            "ex05_regularised_mlp",
            """
def make_regularised_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dropout(0.2),
        layers.Dense(800, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-4)),
        layers.BatchNormalization(), layers.Dropout(0.5), layers.Dense(10, activation="softmax"),
    ])
""",
        ),
    }
)

# Issue 21 item 5: "independently for every example and every step" is tested.
MISTAKES.update(
    {
        "dropout_one_mask_for_the_batch": (
            "ex05_dropout",
            """
def dropout(activations, rate, rng, training=True):
    if not 0 <= rate < 1:
        raise ValueError(f"the rate must be in [0, 1); got {rate!r}")
    activations = np.asarray(activations, dtype=float)
    if not training:
        return activations.copy()
    keep = rng.random(activations.shape[-1:]) >= rate
    return np.where(keep, activations / (1 - rate), 0.0)
""",
        ),
        "dropout_drops_an_exact_count": (
            "ex05_dropout",
            """
def dropout(activations, rate, rng, training=True):
    if not 0 <= rate < 1:
        raise ValueError(f"the rate must be in [0, 1); got {rate!r}")
    activations = np.asarray(activations, dtype=float)
    if not training:
        return activations.copy()
    dropped = rng.choice(activations.size, size=int(rate * activations.size), replace=False)
    keep = np.ones(activations.size, dtype=bool)
    keep[dropped] = False
    return np.where(keep.reshape(activations.shape), activations / (1 - rate), 0.0)
""",
        ),
    }
)

# Answers that differ from the solution in form, not in what they compute: each gets full marks.
EQUIVALENTS = {
    "regularised_mlp_l1l2_and_relu_layer": (
        "ex05_regularised_mlp",
        """
def make_regularised_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dropout(0.2),
        layers.Dense(800, kernel_regularizer=keras.regularizers.L1L2(l2=1e-4)),
        layers.Dropout(0.5), layers.ReLU(), layers.Dense(10), layers.Softmax(),
    ])
""",
    ),
    "regularised_mlp_reshape_instead_of_flatten": (
        "ex05_regularised_mlp",
        """
def make_regularised_mlp():
    return keras.Sequential([
        keras.Input(shape=(28, 28)), layers.Reshape((784,)), layers.Dropout(0.2),
        layers.Dense(800, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-4)),
        layers.Dropout(0.5), layers.Dense(10, activation="softmax"),
    ])
""",
    ),
}

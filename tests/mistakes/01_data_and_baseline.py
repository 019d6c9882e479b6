"""Typical wrong answers to chapter 01's exercises, each as (answer cell, replacement source)."""

MISTAKES = {
    "forgets_to_scale": (
        "ex01_scale_and_flatten",
        """
def scale_and_flatten(images):
    return images.reshape(len(images), 784).astype(np.float32)
""",
    ),
    "divides_by_the_batch_maximum": (
        "ex01_scale_and_flatten",
        """
def scale_and_flatten(images):
    rows = images.reshape(len(images), 784).astype(np.float32)
    return rows / rows.max()
""",
    ),
    "returns_float64": (
        "ex01_scale_and_flatten",
        """
def scale_and_flatten(images):
    return images.reshape(len(images), 784) / 255
""",
    ),
    "columns_from_the_largest_label": (
        "ex01_one_hot",
        """
def one_hot(labels, num_classes=10):
    encoded = np.zeros((len(labels), labels.max() + 1), dtype=np.float32)
    encoded[np.arange(len(labels)), labels] = 1
    return encoded
""",
    ),
    "ignores_num_classes": (
        "ex01_one_hot",
        """
def one_hot(labels, num_classes=10):
    return np.eye(10, dtype=np.float32)[labels]
""",
    ),
    "drops_the_last_partial_batch": (
        "ex01_minibatches",
        """
def minibatches(x, y, batch_size, rng):
    order = rng.permutation(len(x))
    for start in range(0, len(x) - batch_size + 1, batch_size):
        chosen = order[start : start + batch_size]
        yield x[chosen], y[chosen]
""",
    ),
    "does_not_shuffle": (
        "ex01_minibatches",
        """
def minibatches(x, y, batch_size, rng):
    for start in range(0, len(x), batch_size):
        yield x[start : start + batch_size], y[start : start + batch_size]
""",
    ),
    "uses_numpy_global_random_state": (
        "ex01_minibatches",
        """
def minibatches(x, y, batch_size, rng):
    order = np.random.permutation(len(x))
    for start in range(0, len(x), batch_size):
        chosen = order[start : start + batch_size]
        yield x[chosen], y[chosen]
""",
    ),
    "shuffles_images_and_labels_separately": (
        "ex01_minibatches",
        """
def minibatches(x, y, batch_size, rng):
    x, y = x[rng.permutation(len(x))], y[rng.permutation(len(y))]
    for start in range(0, len(x), batch_size):
        yield x[start : start + batch_size], y[start : start + batch_size]
""",
    ),
    "flattens_each_image_transposed": (
        "ex01_scale_and_flatten",
        """
def scale_and_flatten(images):
    return images.transpose(0, 2, 1).reshape(len(images), 784).astype(np.float32) / 255
""",
    ),
    "flattens_in_fortran_order": (
        "ex01_scale_and_flatten",
        """
def scale_and_flatten(images):
    return images.reshape(len(images), 784, order="F").astype(np.float32) / 255
""",
    ),
    "one_hot_float64": (
        "ex01_one_hot",
        """
def one_hot(labels, num_classes=10):
    return np.eye(num_classes)[labels]
""",
    ),
    "one_hot_returns_a_tensor": (
        "ex01_one_hot",
        """
import tensorflow as tf
def one_hot(labels, num_classes=10):
    return tf.one_hot(labels, num_classes)
""",
    ),
    "one_hot_at_most_ten_columns": (
        "ex01_one_hot",
        """
def one_hot(labels, num_classes=10):
    return np.eye(10, dtype=np.float32)[labels][:, :num_classes]
""",
    ),
    "shuffles_within_fixed_batches": (
        "ex01_minibatches",
        """
def minibatches(x, y, batch_size, rng):
    for start in range(0, len(x), batch_size):
        chosen = start + rng.permutation(min(batch_size, len(x) - start))
        yield x[chosen], y[chosen]
""",
    ),
    "shuffles_the_order_of_fixed_batches": (
        "ex01_minibatches",
        """
def minibatches(x, y, batch_size, rng):
    for start in rng.permutation(np.arange(0, len(x), batch_size)):
        yield x[start : start + batch_size], y[start : start + batch_size]
""",
    ),
    "loop_stops_one_short": (
        "ex01_minibatches",
        """
def minibatches(x, y, batch_size, rng):
    order = rng.permutation(len(x))
    for start in range(0, len(x) - 1, batch_size):
        chosen = order[start : start + batch_size]
        yield x[chosen], y[chosen]
""",
    ),
    "one_batch_too_many": (
        "ex01_minibatches",
        """
def minibatches(x, y, batch_size, rng):
    order = rng.permutation(len(x))
    for number in range(len(x) // batch_size + 1):
        chosen = order[number * batch_size : (number + 1) * batch_size]
        yield x[chosen], y[chosen]
""",
    ),
    "returns_a_list_of_batches": (
        "ex01_minibatches",
        """
def minibatches(x, y, batch_size, rng):
    order = rng.permutation(len(x))
    starts = range(0, len(x), batch_size)
    return [(x[order[s : s + batch_size]], y[order[s : s + batch_size]]) for s in starts]
""",
    ),
}

# Issue 21: every instruction an exercise gives is checked by a case that breaking it changes.
MISTAKES.update(
    {
        "reshapes_the_images_in_place": (
            "ex01_scale_and_flatten",
            """
def scale_and_flatten(images):
    images.shape = (len(images), 784)
    return images.astype(np.float32) / 255
""",
        ),
        "minibatches_shuffles_x_and_y_in_place": (
            "ex01_minibatches",
            """
def minibatches(x, y, batch_size, rng):
    order = rng.permutation(len(x))
    x[:], y[:] = x[order], y[order]
    for start in range(0, len(x), batch_size):
        yield x[start : start + batch_size], y[start : start + batch_size]
""",
        ),
        "minibatches_draws_from_a_copy_of_rng": (
            "ex01_minibatches",
            """
import copy


def minibatches(x, y, batch_size, rng):
    order = copy.deepcopy(rng).permutation(len(x))
    for start in range(0, len(x), batch_size):
        chosen = order[start : start + batch_size]
        yield x[chosen], y[chosen]
""",
        ),
    }
)

# Answers that differ from the solution in form, not in what they compute: each gets full marks.
EQUIVALENTS = {
    "scale_and_flatten_divides_in_float64_then_casts": (
        "ex01_scale_and_flatten",
        """
def scale_and_flatten(images):
    return (np.asarray(images) / 255.0).reshape(len(images), -1).astype("float32")
""",
    ),
    "one_hot_rows_of_the_identity": (
        "ex01_one_hot",
        """
def one_hot(labels, num_classes=10):
    return np.eye(num_classes, dtype=np.float32)[np.asarray(labels)]
""",
    ),
    "minibatches_from_a_choice_without_replacement": (
        "ex01_minibatches",
        """
def minibatches(x, y, batch_size, rng):
    order = rng.choice(len(x), size=len(x), replace=False)
    while len(order):
        chosen, order = order[:batch_size], order[batch_size:]
        yield x[chosen], y[chosen]
""",
    ),
}

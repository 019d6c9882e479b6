"""Typical wrong answers to chapter 02's exercises, each as (answer cell, replacement source)."""

MISTAKES = {
    "softmax_without_subtracting_the_maximum": (
        "ex02_softmax",
        """
def softmax(logits):
    exponentials = tf.exp(logits)
    return exponentials / tf.reduce_sum(exponentials, axis=-1, keepdims=True)
""",
    ),
    "softmax_subtracts_the_batch_maximum": (
        "ex02_softmax",
        """
def softmax(logits):
    exponentials = tf.exp(logits - tf.reduce_max(logits))
    return exponentials / tf.reduce_sum(exponentials, axis=-1, keepdims=True)
""",
    ),
    "softmax_normalises_columns": (
        "ex02_softmax",
        """
def softmax(logits):
    exponentials = tf.exp(logits - tf.reduce_max(logits, axis=0, keepdims=True))
    return exponentials / tf.reduce_sum(exponentials, axis=0, keepdims=True)
""",
    ),
    "cross_entropy_takes_the_log_of_a_softmax": (
        "ex02_cross_entropy",
        """
def cross_entropy(logits, labels):
    probabilities = tf.nn.softmax(logits, axis=-1)
    picked = tf.gather(probabilities, labels, axis=1, batch_dims=1)
    return -tf.reduce_mean(tf.math.log(picked))
""",
    ),
    "cross_entropy_sums_instead_of_averaging": (
        "ex02_cross_entropy",
        """
def cross_entropy(logits, labels):
    log_probabilities = logits - tf.reduce_logsumexp(logits, axis=-1, keepdims=True)
    return -tf.reduce_sum(tf.gather(log_probabilities, labels, axis=1, batch_dims=1))
""",
    ),
    "train_step_forgets_the_bias": (
        "ex02_train_step",
        """
def train_step(weights, bias, x, y, learning_rate, loss_fn):
    with tf.GradientTape() as tape:
        loss = loss_fn(tf.matmul(x, weights) + bias, y)
    weights.assign_sub(learning_rate * tape.gradient(loss, weights))
    return float(loss)
""",
    ),
    "train_step_climbs_the_gradient": (
        "ex02_train_step",
        """
def train_step(weights, bias, x, y, learning_rate, loss_fn):
    with tf.GradientTape() as tape:
        loss = loss_fn(tf.matmul(x, weights) + bias, y)
    weight_gradient, bias_gradient = tape.gradient(loss, [weights, bias])
    weights.assign_add(learning_rate * weight_gradient)
    bias.assign_add(learning_rate * bias_gradient)
    return float(loss)
""",
    ),
    "train_step_ignores_loss_fn": (
        "ex02_train_step",
        """
def train_step(weights, bias, x, y, learning_rate, loss_fn):
    with tf.GradientTape() as tape:
        logits = tf.matmul(x, weights) + bias
        loss = tf.reduce_mean(
            keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)
        )
    weight_gradient, bias_gradient = tape.gradient(loss, [weights, bias])
    weights.assign_sub(learning_rate * weight_gradient)
    bias.assign_sub(learning_rate * bias_gradient)
    return float(loss)
""",
    ),
    "softmax_without_keepdims": (
        "ex02_softmax",
        """
def softmax(logits):
    exponentials = tf.exp(logits - tf.reduce_max(logits, axis=-1))
    return exponentials / tf.reduce_sum(exponentials, axis=-1)
""",
    ),
    "softmax_in_float64": (
        "ex02_softmax",
        """
def softmax(logits):
    logits = tf.cast(logits, tf.float64)
    exponentials = tf.exp(logits - tf.reduce_max(logits, axis=-1, keepdims=True))
    return exponentials / tf.reduce_sum(exponentials, axis=-1, keepdims=True)
""",
    ),
    "cross_entropy_clips_the_softmax": (
        "ex02_cross_entropy",
        """
def cross_entropy(logits, labels):
    probabilities = tf.clip_by_value(tf.nn.softmax(logits, axis=-1), 1e-7, 1.0)
    picked = tf.gather(probabilities, labels, axis=1, batch_dims=1)
    return -tf.reduce_mean(tf.math.log(picked))
""",
    ),
    "cross_entropy_averages_over_classes_too": (
        "ex02_cross_entropy",
        """
def cross_entropy(logits, labels):
    log_probabilities = logits - tf.reduce_logsumexp(logits, axis=-1, keepdims=True)
    return -tf.reduce_mean(tf.one_hot(labels, logits.shape[-1]) * log_probabilities)
""",
    ),
    "cross_entropy_returns_a_float": (
        "ex02_cross_entropy",
        """
def cross_entropy(logits, labels):
    log_probabilities = logits - tf.reduce_logsumexp(logits, axis=-1, keepdims=True)
    return float(-tf.reduce_mean(tf.gather(log_probabilities, labels, axis=1, batch_dims=1)))
""",
    ),
    "train_step_returns_a_tensor": (
        "ex02_train_step",
        """
def train_step(weights, bias, x, y, learning_rate, loss_fn):
    with tf.GradientTape() as tape:
        loss = loss_fn(tf.matmul(x, weights) + bias, y)
    weight_gradient, bias_gradient = tape.gradient(loss, [weights, bias])
    weights.assign_sub(learning_rate * weight_gradient)
    bias.assign_sub(learning_rate * bias_gradient)
    return loss
""",
    ),
    "train_step_rebinds_instead_of_assigning": (
        "ex02_train_step",
        """
def train_step(weights, bias, x, y, learning_rate, loss_fn):
    with tf.GradientTape() as tape:
        loss = loss_fn(tf.matmul(x, weights) + bias, y)
    weight_gradient, bias_gradient = tape.gradient(loss, [weights, bias])
    weights = weights - learning_rate * weight_gradient
    bias = bias - learning_rate * bias_gradient
    return float(loss)
""",
    ),
    "train_step_returns_the_loss_after_the_step": (
        "ex02_train_step",
        """
def train_step(weights, bias, x, y, learning_rate, loss_fn):
    with tf.GradientTape() as tape:
        loss = loss_fn(tf.matmul(x, weights) + bias, y)
    weight_gradient, bias_gradient = tape.gradient(loss, [weights, bias])
    weights.assign_sub(learning_rate * weight_gradient)
    bias.assign_sub(learning_rate * bias_gradient)
    return float(loss_fn(tf.matmul(x, weights) + bias, y))
""",
    ),
}

# Issue 21: every instruction an exercise gives is checked by a case that breaking it changes.
MISTAKES.update(
    {
        "softmax_computed_in_numpy": (
            "ex02_softmax",
            """
def softmax(logits):
    values = np.asarray(logits, dtype=np.float32)
    exponentials = np.exp(values - values.max(axis=-1, keepdims=True))
    return tf.constant(exponentials / exponentials.sum(axis=-1, keepdims=True))
""",
        ),
        "cross_entropy_computed_in_numpy": (
            "ex02_cross_entropy",
            """
def cross_entropy(logits, labels):
    values = np.asarray(logits, dtype=np.float64)
    shifted = values - values.max(axis=-1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = log_probabilities[np.arange(len(values)), np.asarray(labels)]
    return tf.constant(-picked.mean(), dtype=tf.float32)
""",
        ),
    }
)

# Answers that differ from the solution in form, not in what they compute: each gets full marks.
EQUIVALENTS = {
    "softmax_through_logsumexp": (
        "ex02_softmax",
        """
def softmax(logits):
    logits = tf.cast(logits, tf.float32)
    return tf.exp(logits - tf.reduce_logsumexp(logits, axis=1, keepdims=True))
""",
    ),
    "cross_entropy_from_log_softmax_and_one_hot": (
        "ex02_cross_entropy",
        """
def cross_entropy(logits, labels):
    log_probabilities = tf.nn.log_softmax(tf.cast(logits, tf.float32), axis=-1)
    chosen = tf.one_hot(labels, depth=tf.shape(log_probabilities)[-1])
    return -tf.reduce_mean(tf.reduce_sum(chosen * log_probabilities, axis=-1))
""",
    ),
    "train_step_with_a_keras_sgd_optimizer": (
        "ex02_train_step",
        """
def train_step(weights, bias, x, y, learning_rate, loss_fn):
    with tf.GradientTape() as tape:
        loss = loss_fn(x @ weights + bias, y)
    gradients = tape.gradient(loss, [weights, bias])
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    optimizer.apply_gradients(zip(gradients, [weights, bias]))
    return loss.numpy().item()
""",
    ),
}

"""Typical wrong answers to chapter 07's exercises, each as (answer cell, replacement source)."""

MISTAKES = {
    "snapshots_every_epoch": (
        "ex07_snapshots",
        """
class WeightSnapshots(keras.callbacks.Callback):
    def __init__(self, layer_name, steps=(10, 100, 1000)):
        super().__init__()
        self.layer_name = layer_name
        self.steps = steps
        self.snapshots = {}

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 in self.steps:
            self.snapshots[epoch + 1] = self.model.get_layer(self.layer_name).get_weights()[0]
""",
    ),
    "snapshots_use_the_batch_index": (
        "ex07_snapshots",
        """
class WeightSnapshots(keras.callbacks.Callback):
    def __init__(self, layer_name, steps=(10, 100, 1000)):
        super().__init__()
        self.layer_name = layer_name
        self.steps = steps
        self.snapshots = {}

    def on_train_batch_end(self, batch, logs=None):
        if batch + 1 in self.steps:
            self.snapshots[batch + 1] = self.model.get_layer(self.layer_name).get_weights()[0]
""",
    ),
    "snapshots_one_step_late": (
        "ex07_snapshots",
        """
class WeightSnapshots(keras.callbacks.Callback):
    def __init__(self, layer_name, steps=(10, 100, 1000)):
        super().__init__()
        self.layer_name = layer_name
        self.steps = steps
        self.snapshots = {}
        self.count = 0

    def on_train_batch_end(self, batch, logs=None):
        if self.count in self.steps:
            self.snapshots[self.count] = self.model.get_layer(self.layer_name).get_weights()[0]
        self.count += 1
""",
    ),
    "snapshots_keep_the_live_variable": (
        "ex07_snapshots",
        """
class WeightSnapshots(keras.callbacks.Callback):
    def __init__(self, layer_name, steps=(10, 100, 1000)):
        super().__init__()
        self.layer_name = layer_name
        self.steps = steps
        self.snapshots = {}
        self.count = 0

    def on_train_batch_end(self, batch, logs=None):
        self.count += 1
        if self.count in self.steps:
            self.snapshots[self.count] = self.model.get_layer(self.layer_name).kernel
""",
    ),
    "input_gradients_of_the_softmax": (
        "ex07_input_gradients",
        """
def input_gradients(model, images, class_index=None):
    x = tf.convert_to_tensor(np.asarray(images, dtype="float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        probabilities = tf.nn.softmax(model(x, training=False))
        if class_index is None:
            class_index = tf.argmax(probabilities, axis=1)
        chosen = np.broadcast_to(np.asarray(class_index), (len(images),))
        total = tf.reduce_sum(tf.gather(probabilities, chosen, axis=1, batch_dims=1))
    return tape.gradient(total, x).numpy()
""",
    ),
    "input_gradients_of_all_classes": (
        "ex07_input_gradients",
        """
def input_gradients(model, images, class_index=None):
    x = tf.convert_to_tensor(np.asarray(images, dtype="float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(model(x, training=False))
    return tape.gradient(total, x).numpy()
""",
    ),
    "input_gradients_columns_for_every_image": (
        "ex07_input_gradients",
        """
def input_gradients(model, images, class_index=None):
    x = tf.convert_to_tensor(np.asarray(images, dtype="float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = model(x, training=False)
        if class_index is None:
            class_index = tf.argmax(scores, axis=1)
        total = tf.reduce_sum(tf.gather(scores, class_index, axis=1))
    return tape.gradient(total, x).numpy()
""",
    ),
    "input_gradients_in_training_mode": (
        "ex07_input_gradients",
        """
def input_gradients(model, images, class_index=None):
    x = tf.convert_to_tensor(np.asarray(images, dtype="float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = model(x, training=True)
        if class_index is None:
            class_index = tf.argmax(scores, axis=1)
        chosen = np.broadcast_to(np.asarray(class_index), (len(images),))
        total = tf.reduce_sum(tf.gather(scores, chosen, axis=1, batch_dims=1))
    return tape.gradient(total, x).numpy()
""",
    ),
    "input_gradients_return_a_tensor": (
        "ex07_input_gradients",
        """
def input_gradients(model, images, class_index=None):
    x = tf.convert_to_tensor(np.asarray(images, dtype="float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = model(x, training=False)
        if class_index is None:
            class_index = tf.argmax(scores, axis=1)
        chosen = np.broadcast_to(np.asarray(class_index), (len(images),))
        total = tf.reduce_sum(tf.gather(scores, chosen, axis=1, batch_dims=1))
    return tape.gradient(total, x)
""",
    ),
    "gradient_norms_in_reverse_order": (
        "ex07_gradient_norms",
        """
def gradient_norms(model, images, labels):
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(labels, model(images, training=True))
    gradients = tape.gradient(loss, model.trainable_weights)
    return [float(tf.norm(gradient)) for gradient in reversed(gradients)]
""",
    ),
    "gradient_norms_squared": (
        "ex07_gradient_norms",
        """
def gradient_norms(model, images, labels):
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(labels, model(images, training=True))
    gradients = tape.gradient(loss, model.trainable_weights)
    return [float(tf.reduce_sum(gradient ** 2)) for gradient in gradients]
""",
    ),
    "gradient_norms_of_the_summed_loss": (
        "ex07_gradient_norms",
        """
def gradient_norms(model, images, labels):
    with tf.GradientTape() as tape:
        summed = keras.losses.SparseCategoricalCrossentropy(reduction="sum")
        loss = summed(labels, model(images, training=True))
    gradients = tape.gradient(loss, model.trainable_weights)
    return [float(tf.norm(gradient)) for gradient in gradients]
""",
    ),
    "gradient_norms_of_kernels_only": (
        "ex07_gradient_norms",
        """
def gradient_norms(model, images, labels):
    kernels = [layer.kernel for layer in model.layers if hasattr(layer, "kernel")]
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(labels, model(images, training=True))
    return [float(tf.norm(gradient)) for gradient in tape.gradient(loss, kernels)]
""",
    ),
    "deep_mlp_ignores_the_activation": (
        "ex07_deep_mlp",
        """
def make_deep_mlp(activation="relu"):
    return keras.Sequential(
        [keras.Input(shape=(28, 28)), layers.Flatten()]
        + [layers.Dense(64, activation="relu") for _ in range(6)]
        + [layers.Dense(10, activation="softmax")]
    )
""",
    ),
    "deep_mlp_without_hidden_activations": (
        "ex07_deep_mlp",
        """
def make_deep_mlp(activation="relu"):
    return keras.Sequential(
        [keras.Input(shape=(28, 28)), layers.Flatten()]
        + [layers.Dense(64) for _ in range(6)]
        + [layers.Dense(10, activation="softmax")]
    )
""",
    ),
    "deep_mlp_five_hidden_layers": (
        "ex07_deep_mlp",
        """
def make_deep_mlp(activation="relu"):
    return keras.Sequential(
        [keras.Input(shape=(28, 28)), layers.Flatten()]
        + [layers.Dense(64, activation=activation) for _ in range(5)]
        + [layers.Dense(10, activation="softmax")]
    )
""",
    ),
    "deep_mlp_shares_one_model": (
        "ex07_deep_mlp",
        """
_built = {}


def make_deep_mlp(activation="relu"):
    if activation not in _built:
        _built[activation] = keras.Sequential(
            [keras.Input(shape=(28, 28)), layers.Flatten()]
            + [layers.Dense(64, activation=activation) for _ in range(6)]
            + [layers.Dense(10, activation="softmax")]
        )
    return _built[activation]
""",
    ),
}

# Issue 21: an activation is checked as that activation, and the whole layer list is checked.
MISTAKES.update(
    {
        "deep_mlp_adds_a_relu_after_each_activation": (
            "ex07_deep_mlp",
            """
def make_deep_mlp(activation="relu"):
    stack = [keras.Input(shape=(28, 28)), layers.Flatten()]
    for _ in range(6):
        stack += [layers.Dense(64, activation=activation), layers.Activation("relu")]
    return keras.Sequential(stack + [layers.Dense(10, activation="softmax")])
""",
        ),
        "deep_mlp_adds_batch_normalization": (
            "ex07_deep_mlp",
            """
def make_deep_mlp(activation="relu"):
    stack = [keras.Input(shape=(28, 28)), layers.Flatten()]
    for _ in range(6):
        stack += [layers.Dense(64, activation=activation), layers.BatchNormalization()]
    return keras.Sequential(stack + [layers.Dense(10, activation="softmax")])
""",
        ),
    }
)

# Issue 21 item 5: every instruction an exercise gives is tested by a case where breaking it changes
# the result.
MISTAKES.update(
    {
        "snapshots_without_super_init": (
            "ex07_snapshots",
            """
class WeightSnapshots(keras.callbacks.Callback):
    def __init__(self, layer_name, steps=(10, 100, 1000)):
        self.layer_name = layer_name
        self.steps = steps
        self.snapshots = {}
        self.count = 0

    def on_train_batch_end(self, batch, logs=None):
        self.count += 1
        if self.count in self.steps:
            self.snapshots[self.count] = self.model.get_layer(self.layer_name).get_weights()[0]
""",
        ),
        "input_gradients_without_float_conversion": (
            "ex07_input_gradients",
            """
def input_gradients(model, images, class_index=None):
    x = tf.convert_to_tensor(images)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = model(x, training=False)
        if class_index is None:
            class_index = tf.argmax(scores, axis=1)
        chosen = np.broadcast_to(np.asarray(class_index), (len(images),))
        total = tf.reduce_sum(tf.gather(scores, chosen, axis=1, batch_dims=1))
    return tape.gradient(total, x).numpy()
""",
        ),
        "gradient_norms_in_inference_mode": (
            "ex07_gradient_norms",
            """
def gradient_norms(model, images, labels):
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(labels, model(images, training=False))
    gradients = tape.gradient(loss, model.trainable_weights)
    return [float(tf.norm(gradient)) for gradient in gradients]
""",
        ),
        "deep_mlp_trained_inside": (
            "ex07_deep_mlp",
            """
def make_deep_mlp(activation="relu"):
    model = keras.Sequential(
        [keras.Input(shape=(28, 28)), layers.Flatten()]
        + [layers.Dense(64, activation=activation) for _ in range(6)]
        + [layers.Dense(10, activation="softmax")]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(digits.x_train[:256], digits.y_train[:256], epochs=1, verbose=0)
    return model
""",
        ),
    }
)

# Answers that differ from the solution in form, not in what they compute: each gets full marks.
EQUIVALENTS = {
    "snapshots_counted_from_train_begin": (
        "ex07_snapshots",
        """
class WeightSnapshots(keras.callbacks.Callback):
    def __init__(self, layer_name, steps=(10, 100, 1000)):
        super().__init__()
        self.layer_name = layer_name
        self.steps = set(steps)
        self.snapshots = {}

    def on_train_begin(self, logs=None):
        self.done = 0

    def on_train_batch_end(self, batch, logs=None):
        self.done += 1
        if self.done in self.steps:
            kernel = self.model.get_layer(self.layer_name).kernel
            self.snapshots[self.done] = np.array(kernel)
""",
    ),
    "input_gradients_one_hot_mask": (
        "ex07_input_gradients",
        """
def input_gradients(model, images, class_index=None):
    x = tf.constant(images, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = model(x)
        if class_index is None:
            class_index = keras.ops.argmax(scores, axis=-1)
        chosen = np.zeros(len(images), "int64") + class_index
        mask = tf.one_hot(chosen, scores.shape[-1], dtype=scores.dtype)
        total = keras.ops.sum(scores * mask)
    return np.asarray(tape.gradient(total, x))
""",
    ),
    "gradient_norms_mean_of_the_losses": (
        "ex07_gradient_norms",
        """
def gradient_norms(model, images, labels):
    with tf.GradientTape() as tape:
        probabilities = model(images, training=True)
        losses = keras.losses.sparse_categorical_crossentropy(labels, probabilities)
        loss = tf.reduce_mean(losses)
    gradients = tape.gradient(loss, model.trainable_variables)
    return [float(np.sqrt(np.sum(np.square(g)))) for g in gradients]
""",
    ),
    "deep_mlp_activation_layers": (
        "ex07_deep_mlp",
        """
def make_deep_mlp(activation="relu"):
    stack = [keras.Input(shape=(28, 28)), layers.Flatten()]
    for _ in range(6):
        stack += [layers.Dense(64), layers.Activation(activation)]
    return keras.Sequential(stack + [layers.Dense(10), layers.Softmax()])
""",
    ),
    "deep_mlp_functional_with_reshape": (
        "ex07_deep_mlp",
        """
def make_deep_mlp(activation="relu"):
    images = keras.Input(shape=(28, 28))
    x = layers.Reshape((784,))(images)
    for _ in range(6):
        x = layers.Dense(64, activation=activation)(x)
    return keras.Model(images, layers.Dense(10, activation="softmax")(x))
""",
    ),
}

"""Typical wrong answers to chapter 06's exercises, each as (answer cell, replacement source)."""

MISTAKES = {
    "small_cnn_without_relu": (
        "ex06_small_cnn",
        """
def make_small_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(16, 3, padding="same"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, padding="same"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )
""",
    ),
    "small_cnn_valid_padding": (
        "ex06_small_cnn",
        """
def make_small_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )
""",
    ),
    "small_cnn_without_softmax": (
        "ex06_small_cnn",
        """
def make_small_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10),
        ]
    )
""",
    ),
    "small_cnn_built_once": (
        "ex06_small_cnn",
        """
_built = keras.Sequential(
    [
        keras.Input(shape=(28, 28)),
        layers.Reshape((28, 28, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ]
)


def make_small_cnn():
    return _built
""",
    ),
    "confusion_matrix_transposed": (
        "ex06_confusion_matrix",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y_pred), np.asarray(y_true)), 1)
    return matrix
""",
    ),
    "confusion_matrix_sized_by_the_labels_seen": (
        "ex06_confusion_matrix",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    size = int(max(y_true.max(), y_pred.max())) + 1
    matrix = np.zeros((size, size), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix
""",
    ),
    "confusion_matrix_of_floats": (
        "ex06_confusion_matrix",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    matrix = np.zeros((num_classes, num_classes))
    for true, predicted in zip(y_true, y_pred):
        matrix[true, predicted] += 1
    return matrix
""",
    ),
    "confusion_matrix_fancy_index_counts_repeats_once": (
        "ex06_confusion_matrix",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    matrix[np.asarray(y_true), np.asarray(y_pred)] += 1
    return matrix
""",
    ),
    "precision_recall_swapped_rows_and_columns": (
        "ex06_precision_recall",
        """
def precision_recall(matrix):
    matrix = np.asarray(matrix, dtype=float)
    correct = np.diag(matrix)
    rows, columns = matrix.sum(axis=1), matrix.sum(axis=0)
    precision = np.divide(correct, rows, out=np.zeros_like(correct), where=rows > 0)
    recall = np.divide(correct, columns, out=np.zeros_like(correct), where=columns > 0)
    return precision, recall
""",
    ),
    "precision_recall_nan_when_undefined": (
        "ex06_precision_recall",
        """
def precision_recall(matrix):
    matrix = np.asarray(matrix, dtype=float)
    correct = np.diag(matrix)
    return correct / matrix.sum(axis=0), correct / matrix.sum(axis=1)
""",
    ),
    "precision_recall_floor_division": (
        "ex06_precision_recall",
        """
def precision_recall(matrix):
    matrix = np.asarray(matrix)
    correct = np.diag(matrix)
    predicted, actual = matrix.sum(axis=0), matrix.sum(axis=1)
    precision = np.where(predicted > 0, correct // np.maximum(predicted, 1), 0)
    recall = np.where(actual > 0, correct // np.maximum(actual, 1), 0)
    return precision, recall
""",
    ),
    "precision_recall_as_lists": (
        "ex06_precision_recall",
        """
def precision_recall(matrix):
    matrix = np.asarray(matrix, dtype=float)
    precision, recall = [], []
    for k in range(len(matrix)):
        column, row = matrix[:, k].sum(), matrix[k].sum()
        precision.append(matrix[k, k] / column if column else 0.0)
        recall.append(matrix[k, k] / row if row else 0.0)
    return precision, recall
""",
    ),
    "most_confused_counts_the_diagonal": (
        "ex06_most_confused",
        """
def most_confused(matrix, k=5):
    matrix = np.asarray(matrix)
    pairs = [
        (int(true), int(predicted), int(matrix[true, predicted]))
        for true in range(matrix.shape[0])
        for predicted in range(matrix.shape[1])
        if matrix[true, predicted] > 0
    ]
    pairs.sort(key=lambda pair: (-pair[2], pair[0], pair[1]))
    return pairs[:k]
""",
    ),
    "most_confused_ties_reversed": (
        "ex06_most_confused",
        """
def most_confused(matrix, k=5):
    matrix = np.asarray(matrix)
    pairs = [
        (int(true), int(predicted), int(matrix[true, predicted]))
        for true in range(matrix.shape[0])
        for predicted in range(matrix.shape[1])
        if true != predicted and matrix[true, predicted] > 0
    ]
    pairs.sort(key=lambda pair: (pair[2], pair[0], pair[1]), reverse=True)
    return pairs[:k]
""",
    ),
    "most_confused_returns_numpy_ints": (
        "ex06_most_confused",
        """
def most_confused(matrix, k=5):
    matrix = np.array(matrix)
    np.fill_diagonal(matrix, 0)
    order = np.argsort(-matrix, axis=None, kind="stable")[:k]
    pairs = [(*np.unravel_index(index, matrix.shape), matrix.flat[index]) for index in order]
    return [pair for pair in pairs if pair[2] > 0]
""",
    ),
    "most_confused_keeps_zero_cells": (
        "ex06_most_confused",
        """
def most_confused(matrix, k=5):
    matrix = np.asarray(matrix)
    pairs = [
        (int(true), int(predicted), int(matrix[true, predicted]))
        for true in range(matrix.shape[0])
        for predicted in range(matrix.shape[1])
        if true != predicted
    ]
    pairs.sort(key=lambda pair: (-pair[2], pair[0], pair[1]))
    return pairs[:k]
""",
    ),
    "submission_image_ids_from_zero": (
        "ex06_write_submission",
        """
def write_submission(labels, path):
    labels = np.asarray(labels).astype(int)
    pd.DataFrame({"ImageId": np.arange(len(labels)), "Label": labels}).to_csv(path, index=False)
""",
    ),
    "submission_float_labels": (
        "ex06_write_submission",
        """
def write_submission(labels, path):
    labels = np.asarray(labels)
    frame = pd.DataFrame({"ImageId": np.arange(1, len(labels) + 1), "Label": labels})
    frame.to_csv(path, index=False)
""",
    ),
    "submission_with_the_index_column": (
        "ex06_write_submission",
        """
def write_submission(labels, path):
    labels = np.asarray(labels).astype(int)
    pd.DataFrame({"ImageId": np.arange(1, len(labels) + 1), "Label": labels}).to_csv(path)
""",
    ),
    "submission_savetxt_header_as_comment": (
        "ex06_write_submission",
        """
def write_submission(labels, path):
    ids = np.arange(1, len(labels) + 1)
    np.savetxt(path, np.c_[ids, labels], delimiter=",", header="ImageId,Label", fmt="%d")
""",
    ),
}

# Issue 21: an activation is checked as that activation, and the whole layer list is checked.
MISTAKES.update(
    {
        "small_cnn_sigmoid_convolutions": (
            "ex06_small_cnn",
            """
def make_small_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(16, 3, padding="same", activation="sigmoid"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, padding="same", activation="sigmoid"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )
""",
        ),
        "small_cnn_dropout_before_the_output": (
            "ex06_small_cnn",
            """
def make_small_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dropout(0.3),
            layers.Dense(10, activation="softmax"),
        ]
    )
""",
        ),
    }
)

# Answers that differ from the solution in form, not in what they compute: each gets full marks.
# Right answers in another form than the solution's: each must get full marks (issue 21).
EQUIVALENTS = {
    "small_cnn_relu_layers_before_and_after_the_pooling": (
        "ex06_small_cnn",
        """
def make_small_cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(16, 3, padding="same"),
            layers.Activation("relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, padding="same"),
            layers.MaxPooling2D(2),
            layers.ReLU(),
            layers.Flatten(),
            layers.Dense(10),
            layers.Activation("softmax"),
        ]
    )
""",
    ),
    "small_cnn_functional_with_a_reshape_instead_of_flatten": (
        "ex06_small_cnn",
        """
def make_small_cnn():
    images = keras.Input(shape=(28, 28))
    x = layers.Reshape((28, 28, 1))(images)
    x = layers.MaxPooling2D(2)(layers.Conv2D(16, 3, padding="same", activation="relu")(x))
    x = layers.MaxPooling2D(2)(layers.Conv2D(32, 3, padding="same", activation="relu")(x))
    x = layers.Reshape((7 * 7 * 32,))(x)
    return keras.Model(images, layers.Dense(10, activation="softmax")(x))
""",
    ),
    "confusion_matrix_by_bincount": (
        "ex06_confusion_matrix",
        """
def confusion_matrix(y_true, y_pred, num_classes=10):
    cells = np.asarray(y_true) * num_classes + np.asarray(y_pred)
    return np.bincount(cells, minlength=num_classes**2).reshape(num_classes, num_classes)
""",
    ),
    "precision_recall_with_errstate_and_nan_to_num": (
        "ex06_precision_recall",
        """
def precision_recall(matrix):
    matrix = np.array(matrix, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.diag(matrix) / matrix.sum(axis=0)
        recall = np.diag(matrix) / matrix.sum(axis=1)
    return np.nan_to_num(precision), np.nan_to_num(recall)
""",
    ),
    "most_confused_by_a_stable_argsort": (
        "ex06_most_confused",
        """
def most_confused(matrix, k=5):
    counts = np.array(matrix)
    np.fill_diagonal(counts, 0)
    order = np.argsort(-counts, axis=None, kind="stable")
    rows, columns = np.unravel_index(order, counts.shape)
    pairs = [(int(r), int(c), int(counts[r, c])) for r, c in zip(rows, columns) if counts[r, c] > 0]
    return pairs[:k]
""",
    ),
    "submission_written_line_by_line": (
        "ex06_write_submission",
        """
def write_submission(labels, path):
    with open(path, "w") as file:
        file.write("ImageId,Label\\n")
        for image_id, label in enumerate(labels, start=1):
            file.write(f"{image_id},{int(label)}\\n")
""",
    ),
}

"""course_utils.testing.layer_steps: what a model computes, with equivalent forms written alike."""

import keras
import pytest
from keras import layers

from course_utils.testing import layer_steps

pytestmark = pytest.mark.unit


def sequential(*stack, shape=(28, 28)):
    return keras.Sequential([keras.Input(shape=shape), *stack])


def as_the_checker_sees_it(model):
    """The model rebuilt from its configuration, as it crosses to the tests when graded."""
    return keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(model))


CLASSIC = [
    "Reshape",
    "Conv2D(relu)",
    "MaxPooling2D",
    "Conv2D(relu)",
    "MaxPooling2D",
    "Flatten",
    "Dense(relu)",
    "Dropout",
    "Dense(softmax)",
]


def classic(conv_1, conv_2, dense):
    return sequential(
        layers.Reshape((28, 28, 1)),
        *conv_1,
        *conv_2,
        layers.Flatten(),
        *dense,
        layers.Dense(10, activation="softmax"),
    )


def test_layer_steps_name_each_layer_and_its_activation():
    model = classic(
        [layers.Conv2D(4, 5, padding="same", activation="relu"), layers.MaxPooling2D(2)],
        [layers.Conv2D(4, 5, padding="same", activation="relu"), layers.MaxPooling2D(2)],
        [layers.Dense(8, activation="relu"), layers.Dropout(0.5)],
    )
    assert layer_steps(model) == CLASSIC


@pytest.mark.parametrize(
    "relu",
    [
        lambda: layers.ReLU(),
        lambda: layers.Activation("relu"),
        lambda: layers.Activation(keras.activations.relu),
    ],
    ids=["ReLU", "Activation-string", "Activation-function"],
)
def test_layer_steps_fold_a_separate_relu_into_its_layer(relu):
    model = classic(
        [layers.Conv2D(4, 5, padding="same"), relu(), layers.MaxPooling2D(2)],
        [layers.Conv2D(4, 5, padding="same"), layers.MaxPooling2D(2), relu()],
        [layers.Dense(8), layers.Dropout(0.5), relu()],
    )
    assert layer_steps(model) == CLASSIC


def test_layer_steps_fold_a_relu_through_pooling_and_flatten():
    model = classic(
        [layers.Conv2D(4, 5, padding="same", activation="relu"), layers.MaxPooling2D(2)],
        [layers.Conv2D(4, 5, padding="same"), layers.MaxPooling2D(2)],
        [layers.ReLU(), layers.Dense(8, activation="relu"), layers.Dropout(0.5)],
    )
    assert layer_steps(model) == CLASSIC


def test_layer_steps_fold_a_softmax_layer_only_right_after_its_layer():
    assert layer_steps(sequential(layers.Flatten(), layers.Dense(10), layers.Softmax())) == [
        "Flatten",
        "Dense(softmax)",
    ]
    assert layer_steps(
        sequential(layers.Flatten(), layers.Dense(10), layers.Dropout(0.5), layers.Softmax())
    ) == ["Flatten", "Dense(linear)", "Dropout", "Activation(softmax)"]


def test_layer_steps_keep_an_activation_that_does_not_commute_with_the_layers_before_it():
    assert layer_steps(
        sequential(
            layers.Flatten(), layers.Dense(8), layers.Dropout(0.5), layers.Activation("sigmoid")
        )
    ) == ["Flatten", "Dense(linear)", "Dropout", "Activation(sigmoid)"]
    pooled = sequential(
        layers.Conv2D(4, 3), layers.MaxPooling2D(2), layers.Activation("softmax"), shape=(8, 8, 1)
    )
    assert layer_steps(pooled) == ["Conv2D(linear)", "MaxPooling2D", "Activation(softmax)"]
    averaged = sequential(
        layers.Conv2D(4, 3), layers.AveragePooling2D(2), layers.ReLU(), shape=(8, 8, 1)
    )
    assert layer_steps(averaged) == ["Conv2D(linear)", "AveragePooling2D", "Activation(relu)"]


def test_layer_steps_keep_an_activation_after_another_one():
    assert layer_steps(
        sequential(layers.Flatten(), layers.Dense(8, activation="sigmoid"), layers.ReLU())
    ) == ["Flatten", "Dense(sigmoid)", "Activation(relu)"]
    assert layer_steps(
        sequential(layers.Flatten(), layers.Dense(10, activation="softmax"), layers.Softmax())
    ) == ["Flatten", "Dense(softmax)", "Activation(softmax)"]


def test_layer_steps_drop_what_changes_nothing():
    assert layer_steps(
        sequential(
            layers.Flatten(),
            layers.Dense(8, activation="relu"),
            layers.ReLU(),
            layers.Activation("linear"),
        )
    ) == ["Flatten", "Dense(relu)"]


def test_layer_steps_tell_relu_variants_apart():
    steps = layer_steps(
        sequential(
            layers.Flatten(),
            layers.Dense(8, activation="relu6"),
            layers.Dense(8),
            layers.ReLU(max_value=6),
            layers.Dense(8),
            layers.LeakyReLU(0.1),
            layers.Dense(8),
            layers.ReLU(threshold=0.5),
        )
    )
    assert steps == [
        "Flatten",
        "Dense(relu6)",
        "Dense(relu6)",
        "Dense(leaky_relu(negative_slope=0.1))",
        "Dense(ReLU(max_value=None, negative_slope=0.0, threshold=0.5))",
    ]


def test_layer_steps_list_every_layer():
    steps = layer_steps(
        sequential(
            layers.Rescaling(1 / 255),
            layers.Flatten(),
            layers.Dense(8, activation="relu"),
            layers.BatchNormalization(),
            layers.Dense(10, activation="softmax"),
        )
    )
    assert steps == ["Rescaling", "Flatten", "Dense(relu)", "BatchNormalization", "Dense(softmax)"]


def test_layer_steps_read_functional_and_nested_models():
    inputs = keras.Input(shape=(28, 28))
    hidden = layers.Dense(8)(layers.Flatten()(inputs))
    functional = keras.Model(inputs, layers.Dense(10, activation="softmax")(layers.ReLU()(hidden)))
    assert layer_steps(functional) == ["Flatten", "Dense(relu)", "Dense(softmax)"]
    nested = sequential(
        keras.Sequential([layers.Flatten(), layers.Dense(8)]),
        layers.ReLU(),
        layers.Dense(10, activation="softmax"),
    )
    assert layer_steps(nested) == ["Flatten", "Dense(relu)", "Dense(softmax)"]


def test_layer_steps_are_the_same_for_the_model_the_tests_get():
    model = classic(
        [layers.Conv2D(4, 5, padding="same"), layers.MaxPooling2D(2), layers.ReLU()],
        [layers.Conv2D(4, 5, padding="same"), layers.Activation("relu"), layers.MaxPooling2D(2)],
        [layers.Dense(8), layers.Dropout(0.5), layers.Activation("relu")],
    )
    assert layer_steps(as_the_checker_sees_it(model)) == layer_steps(model) == CLASSIC


def test_layer_steps_docstring_example():
    model = sequential(
        layers.Conv2D(8, 3),
        layers.MaxPooling2D(2),
        layers.ReLU(),
        layers.Flatten(),
        layers.Dense(10),
        layers.Softmax(),
        shape=(28, 28, 1),
    )
    assert layer_steps(model) == ["Conv2D(relu)", "MaxPooling2D", "Flatten", "Dense(softmax)"]


def test_layer_steps_refuse_what_is_not_a_model():
    with pytest.raises(TypeError, match="needs a keras.Model"):
        layer_steps([layers.Dense(10)])


def test_layer_steps_call_a_reshape_to_one_axis_flatten():
    flat = sequential(layers.Reshape((784,)), layers.Dense(10, activation="softmax"))
    assert layer_steps(flat) == ["Flatten", "Dense(softmax)"]
    assert layer_steps(sequential(layers.Reshape((28, 28, 1)))) == ["Reshape"]

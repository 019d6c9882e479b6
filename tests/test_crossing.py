"""What crosses between a student's kernel and the checker (`crossing`, `agent`, `student`).

The student's kernel is played here by `agent.respond` in this process, over a namespace of its
own; the checker's side by `checker.Namespace` and `checker.run_cell`, as in grading.
"""

from __future__ import annotations

import json
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_grading import agent, checker, crossing, student
from course_utils import testing

pytestmark = pytest.mark.unit

STUDENT: dict = {}  # the student's notebook's names


class LocalStudent:
    """The student's kernel, in this process: each request answered by `agent.respond`."""

    def __init__(self):
        self.texts: list[str] = []

    def call(self, target, args, kwargs):
        text, sent = student.request(target, args, kwargs)
        self.texts.append(text)
        return student.answer(agent.respond(text, STUDENT), sent)


@pytest.fixture
def kernel():
    STUDENT.clear()
    STUDENT.update(np=np, tf=tf, keras=keras)
    return LocalStudent()


def define(source: str) -> None:
    """Run ``source`` as a cell of the student's notebook."""
    exec(source, STUDENT)


def check(kernel, source: str, *names: str) -> dict:
    """Run ``source`` as a test cell in a checker whose student's names are ``names``."""
    namespace = checker.Namespace(names, kernel)
    namespace.update(np=np, tf=tf, keras=keras, testing=testing)
    return checker.run_cell(source, "test", namespace)


def across(value):
    """``value`` as it arrives in the checker from the student's kernel."""
    wire = crossing.Encoder()(value)
    return crossing.Decoder()(json.loads(json.dumps(wire)))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        -7,
        2**100,
        1.5,
        math.inf,
        "text",
        (1, "two", [3.0]),
        {3: "three", "k": (1, 2)},
        np.int64(3),
        np.float32(0.25),
        np.bool_(True),
        np.str_("digit"),
    ],
    ids=repr,
)
def test_data_crosses_with_its_exact_type_and_value(value):
    back = across(value)
    assert type(back) is type(value) and back == value


@pytest.mark.parametrize(
    "array",
    [
        np.arange(12, dtype=np.float32).reshape(3, 4),
        np.array([[True, False]]),
        np.zeros((0, 5), dtype=np.uint8),
        np.array(3.5),
        np.array(["ab", "c"]),
        np.arange(6, dtype=">i4")[::2],
    ],
    ids=lambda a: f"{a.dtype}{a.shape}",
)
def test_arrays_keep_their_dtype_shape_and_values(array):
    back = across(array)
    assert type(back) is np.ndarray and back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_tensors_and_variables_keep_their_kind_and_dtype():
    tensor, variable = tf.constant([[1, 2]], dtype=tf.int64), tf.Variable(2.5, trainable=False)
    back_tensor, back_variable = across(tensor), across(variable)
    assert isinstance(back_tensor, tf.Tensor) and back_tensor.dtype == tf.int64
    assert isinstance(back_variable, tf.Variable) and back_variable.dtype == tf.float32
    assert back_variable.trainable is False and float(back_variable) == 2.5


class Anything:
    def __eq__(self, other):
        return True


class Integer(int):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize(
    "value",
    [Anything(), Integer(3), np.arange(3).view(np.ma.MaskedArray), [Anything()], lambda x: x, {1}],
    ids=["lying-eq", "int-subclass", "ndarray-subclass", "inside-a-list", "lambda", "set"],
)
def test_what_is_not_data_cannot_cross_and_says_what_to_return(value):
    with pytest.raises(TypeError, match="cannot be checked: return data"):
        crossing.Encoder()(value)


def test_an_object_array_cannot_cross():
    with pytest.raises(TypeError, match="of object cannot be checked"):
        crossing.Encoder()(np.array([Anything()], dtype=object))


def array_wire(**changes) -> dict:
    wire = {"t": "array", "dtype": "<f4", "shape": [2], "v": "AAAAAAAAgD8=", "n": 0}
    return {**wire, **changes}


@pytest.mark.parametrize(
    "wire",
    [
        {"t": "pickle", "v": ""},
        {"t": "function", "code": "", "globals": {}, "closure": []},
        {"t": "module", "v": "os"},
        {"t": "named", "module": "os", "v": "system"},
        {"t": "student", "v": "softmax"},
        {"t": "int", "v": "1" * 5001},
        {"t": "int", "v": "12 "},
        {"t": "float", "v": "0x1p99999"},
        {"t": "float", "v": "one"},
        {"t": "bool", "v": 1},
        {"t": "dict", "n": 0, "v": [[{"t": "list", "n": 1, "v": []}, {"t": "none"}]]},
        {"t": "ref", "n": 5},
        {"t": "arg", "n": 0},
        array_wire(dtype="|O"),
        array_wire(dtype="[('a', '<i4')]"),
        array_wire(dtype="(2,)<i4"),
        array_wire(shape=[3]),
        array_wire(shape=[-2]),
        array_wire(v="not base64!"),
        {"t": "generator", "n": 0, "v": {"t": "dict", "n": 1, "v": []}},
        {"t": "model", "n": 0, "config": "{}", "weights": []},
        {"t": "iterator", "v": {"t": "none"}},
        [],
    ],
    ids=lambda wire: json.dumps(wire)[:40],
)
def test_the_checker_refuses_what_the_format_does_not_allow(wire):
    with pytest.raises(crossing.Refused):
        crossing.Decoder()(wire)


def test_the_checker_refuses_values_nested_too_deeply():
    wire = {"t": "none"}
    for _ in range(crossing.MAX_DEPTH + 5):
        wire = {"t": "tuple", "v": [wire]}
    with pytest.raises(crossing.Refused, match="deep"):
        crossing.Decoder()(wire)


def small_model(name="small"):
    return keras.Sequential(
        [keras.Input((4, 3)), keras.layers.Flatten(), keras.layers.Dense(2, activation="relu")],
        name=name,
    )


def test_a_model_crosses_as_its_configuration_and_weights():
    model = small_model()
    back = across(model)
    assert isinstance(back, keras.Model) and back.name == "small" and back is not model
    assert [type(layer) for layer in back.layers] == [type(layer) for layer in model.layers]
    for got, want in zip(back.weights, model.weights, strict=True):
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def functional_model():
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(2, name="out")(inputs), name="functional")


class Twice(keras.layers.Layer):
    def call(self, x):
        return 2 * x


def halve(x):
    return x / 2


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: keras.Sequential([keras.Input((3,)), Twice()]), "Twice"),
        (lambda: keras.Sequential([keras.Input((3,)), keras.layers.Lambda(halve)]), "Lambda"),
        (lambda: keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, halve)]), "function"),
    ],
    ids=["custom-layer", "lambda-layer", "custom-activation"],
)
def test_a_model_of_anything_but_built_in_layers_cannot_cross(build, message):
    with pytest.raises(TypeError, match=f"{message}.*not a built-in Keras class"):
        crossing.Encoder()(build())


def test_a_functional_model_crosses_too():
    back = across(functional_model())
    assert back.name == "functional" and back.get_layer("out").units == 2


def test_calls_cross_and_update_the_checkers_arguments(kernel):
    define(
        "def scale(images, variable, history, table):\n"
        "    images *= 2\n"
        "    variable.assign_add([1.0, 1.0])\n"
        "    history.append('called')\n"
        "    table['seen'] = True\n"
        "    return images.sum()\n"
    )
    outcome = check(
        kernel,
        "images = np.ones((2, 3))\n"
        "variable, history, table = tf.Variable([0.0, 1.0]), [], {}\n"
        "total = scale(images, variable, history, table)\n"
        "assert type(total) is np.float64 and total == 12\n"
        "assert (images == 2).all(), images\n"
        "assert variable.numpy().tolist() == [1.0, 2.0]\n"
        "assert history == ['called'] and table == {'seen': True}\n",
        "scale",
    )
    assert outcome == {"ok": True}


def test_a_returned_argument_is_the_checkers_own_object(kernel):
    define("def same(values):\n    return values\n")
    outcome = check(kernel, "values = np.arange(3)\nassert same(values) is values\n", "same")
    assert outcome == {"ok": True}


def test_a_checker_function_crosses_with_its_data_and_shares_the_arguments(kernel):
    define(
        "def numerical_gradient(f, w, eps=1e-5):\n"
        "    gradient = np.zeros_like(w)\n"
        "    for index in np.ndindex(w.shape):\n"
        "        original = w[index]\n"
        "        w[index] = original + eps\n"
        "        above = f()\n"
        "        w[index] = original - eps\n"
        "        below = f()\n"
        "        w[index] = original\n"
        "        gradient[index] = (above - below) / (2 * eps)\n"
        "    return gradient\n"
    )
    outcome = check(
        kernel,
        "w = np.array([1.0, 2.0, 3.0])\n"
        "estimate = numerical_gradient(lambda: float(np.sum(w ** 2)), w)\n"
        "np.testing.assert_allclose(estimate, [2.0, 4.0, 6.0], rtol=1e-7)\n"
        "assert w.tolist() == [1.0, 2.0, 3.0]\n",
        "numerical_gradient",
    )
    assert outcome == {"ok": True}


def test_an_iterator_is_drained_where_it_was_made_and_its_random_state_comes_back(kernel):
    define(
        "def batches(x, size, rng):\n"
        "    order = rng.permutation(len(x))\n"
        "    for start in range(0, len(x), size):\n"
        "        yield x[order[start:start + size]]\n"
    )
    outcome = check(
        kernel,
        "rng = np.random.default_rng(4)\n"
        "first = batches(np.arange(7), 3, rng)\n"
        "assert iter(first) is first\n"
        "assert [len(b) for b in first] == [3, 3, 1]\n"
        "second = np.concatenate(list(batches(np.arange(7), 3, rng)))\n"
        "expected = np.random.default_rng(4)\n"
        "expected.permutation(7)\n"
        "assert second.tolist() == expected.permutation(7).tolist()\n",
        "batches",
    )
    assert outcome == {"ok": True}


@pytest.mark.parametrize(
    ("body", "ename", "evalue"),
    [
        ("raise ValueError(\"padding must be 'valid' or 'same'\")", "ValueError", "'valid'"),
        ("class Mine(ValueError): pass\n    raise Mine('no')", "ValueError", "Mine: no"),
        ("raise SystemExit(3)", "RuntimeError", "SystemExit: 3"),
        ("return {}['missing']", "KeyError", "missing"),
        ("raise NotImplementedError()", "NotImplementedError", ""),
    ],
    ids=["builtin", "subclass", "system-exit", "key-error", "blank-answer"],
)
def test_an_exception_comes_back_as_its_builtin_type_and_message(kernel, body, ename, evalue):
    define(f"def answer():\n    {body}\n")
    outcome = check(kernel, "answer()", "answer")
    assert (outcome["ok"], outcome["ename"]) == (False, ename) and evalue in outcome["evalue"]


def test_warnings_of_a_call_are_raised_again_in_the_checker(kernel):
    define("def divide(a, b):\n    return a / b\n")
    source = (
        "import warnings\n"
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('error')\n"
        "    divide(np.ones(2), np.zeros(2))\n"
    )
    outcome = check(kernel, source, "divide")
    assert (outcome["ename"], outcome["evalue"]) == (
        "RuntimeWarning",
        "divide by zero encountered in divide",
    )


def test_only_the_exercise_names_are_the_students(kernel):
    define("def answer():\n    return 1\nsecret = 2\n")
    assert check(kernel, "assert answer() == 1", "answer") == {"ok": True}
    assert check(kernel, "secret", "answer")["ename"] == "NameError"
    assert check(kernel, "missing()", "answer", "missing") == {
        "ok": False,
        "ename": "NameError",
        "evalue": "your notebook does not define missing: run its cell",
    }


def test_in_your_kernel_runs_the_tests_function_next_to_the_answers(kernel, monkeypatch):
    define(
        "class Counter:\n"
        "    def __init__(self):\n"
        "        self.count = 0\n"
        "    def add(self):\n"
        "        self.count += 1\n"
    )
    source = (
        "def drive(counter_class, times):\n"
        "    counter = counter_class()\n"
        "    for _ in range(times):\n"
        "        counter.add()\n"
        "    return counter.count\n"
        "assert testing.in_your_kernel(drive, Counter, 3) == 3\n"
        "testing.in_your_kernel(Counter)\n"
    )
    monkeypatch.setattr(testing, "in_your_kernel", testing.in_your_kernel)
    checker.install_helpers(kernel)
    outcome = check(kernel, source, "Counter")
    assert outcome["ename"] == "TypeError"
    assert "Counter object cannot be checked" in outcome["evalue"]


def test_the_helpers_are_plain_python_in_a_notebook():
    assert testing.in_your_kernel(sorted, [3, 1, 2]) == [1, 2, 3]
    assert testing.in_your_kernel(testing.new_model_each_call, small_model)
    cached = small_model()
    assert not testing.new_model_each_call(lambda: cached)
    dense = keras.layers.Dense(2)

    def shares_a_layer():
        return keras.Sequential([keras.Input((3,)), dense])

    assert not testing.new_model_each_call(shares_a_layer)


def test_a_cell_with_ipython_syntax_runs_and_reports_its_failure():
    source = "x = 1\nif x == 2:\n    %pip install nothing\nassert x == 2, f'x is {x}'"
    outcome = checker.run_cell(source, "cell", checker.Namespace((), None))
    assert outcome == {"ok": False, "ename": "AssertionError", "evalue": "x is 1"}

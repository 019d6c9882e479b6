"""What crosses between a student's kernel and the checker: data, and nothing that can act.

The checker (`course_grading.checker`) runs a chapter's graded tests in a clean interpreter; when a
test calls a function of the student's notebook, the request goes to the student's kernel, where the
agent (`course_grading.agent`) makes the call and answers. Both use this module's JSON format, in
which every value is an object with a type tag ``"t"``; an object that appears twice in a message
arrives as one object.

Data are: None, booleans, numbers, strings; lists, tuples and dicts of data; iterators of data
(drained where they were made, they arrive as an iterator over their items); NumPy arrays and
scalars of numeric, boolean or text dtype and random generators; TensorFlow tensors and
variables; Keras models made of built-in layers (configuration and weights). The `Encoder`
refuses anything else with a `TypeError` that says what to return instead; the `Decoder` refuses
(`Refused`) whatever the format does not allow, however it was made. The checker's requests
also carry its own functions (`student.RequestEncoder`).
"""

from __future__ import annotations

import base64
import importlib
import itertools
import json
import re
import sys

DTYPE_KINDS = "biufU"  # booleans, integers, floats, text
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
# The Keras modules whose classes a model from the student's kernel may be built of.
MODEL_MODULES = {"keras", "keras.layers", "keras.initializers", "keras.regularizers"}
MODEL_MODULES |= {"keras.constraints", "keras.src.models.functional", "keras.src.models.sequential"}
STRUCTURE = ("__keras_tensor__", "__tuple__")  # how a functional model's config links layers
MAX_DEPTH = 64
MAX_ITEMS = 100_000  # items of an iterator that crosses (drained where it was made)
INTEGER = re.compile(r"-?[0-9]{1,5000}")
DATA = (
    "return data (numbers, strings, lists, tuples, dicts, NumPy arrays, tensors) "
    "or a Keras model made of built-in layers"
)


class Refused(ValueError):
    """What came from the student's kernel is not in this format: the agent never sends it."""


def refuse(condition, why: str) -> None:
    if condition:
        raise Refused(why)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text) -> bytes:
    refuse(type(text) is not str, "bytes must be base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as error:
        raise Refused(f"bad base64: {error}") from None


def check_model_config(config, path: str = "model") -> None:
    """Raise `TypeError` unless a serialised Keras model uses only built-in Keras classes."""
    if isinstance(config, dict):
        module, name = config.get("module"), config.get("class_name", STRUCTURE[0])
        if name not in STRUCTURE and (module not in MODEL_MODULES or name == "Lambda"):
            raise TypeError(
                f"{path} uses {module}.{name}, which is not a built-in Keras class: build the "
                "model from keras.layers only, with activations named by string (activation='relu')"
            )
        for key, value in config.items():
            check_model_config(value, f"{path}.{key}")
    elif isinstance(config, list):
        for item in config:
            check_model_config(item, path)


class Encoder:
    """Values to the wire format.

    ``sent``: id -> number of the objects of the request being answered (sent as references).
    """

    def __init__(self, *, sent: dict | None = None):
        self.sent = sent or {}
        self.numbers: dict[int, int] = {}
        self.objects: list = []  # numbered objects, kept alive while numbered

    def numbered(self, value, wire: dict) -> dict:
        wire["n"] = self.numbers[id(value)] = len(self.objects)
        self.objects.append(value)
        return wire

    def __call__(self, value, depth: int = 0, *, whole: bool = False) -> dict:
        if depth > MAX_DEPTH:
            raise TypeError(f"the value is nested more than {MAX_DEPTH} levels deep")
        kind, inner = type(value), depth + 1
        if value is None:
            return {"t": "none"}
        if kind in (bool, str, int, float):
            text = {int: str, float: float.hex}.get(kind, lambda v: v)(value)
            return {"t": kind.__name__, "v": text}
        if id(value) in self.sent and not whole:
            return {"t": "arg", "n": self.sent[id(value)]}
        if id(value) in self.numbers:
            return {"t": "ref", "n": self.numbers[id(value)]}
        if kind is tuple:
            return {"t": "tuple", "v": [self(item, inner) for item in value]}
        if kind is list:
            wire = self.numbered(value, {"t": "list"})
            wire["v"] = [self(item, inner) for item in value]
            return wire
        if kind is dict:
            wire = self.numbered(value, {"t": "dict"})
            wire["v"] = [[self(key, inner), self(item, inner)] for key, item in value.items()]
            return wire
        wire = self.library(value, inner)
        if wire is None and hasattr(kind, "__next__") and hasattr(kind, "__iter__"):
            items = [self(item, inner) for item in itertools.islice(value, MAX_ITEMS + 1)]
            if len(items) > MAX_ITEMS:
                raise TypeError(f"an iterator of more than {MAX_ITEMS:,} items cannot be checked")
            wire = {"t": "iterator", "v": items}
        return self.other(value, inner) if wire is None else wire

    def other(self, value, depth: int) -> dict:
        """What a subclass sends besides data; here nothing."""
        raise TypeError(f"a {type(value).__qualname__} object cannot be checked: {DATA}")

    def library(self, value, depth: int) -> dict | None:
        """NumPy, TensorFlow and Keras values (None: ``value`` is none of them)."""
        np, tf, keras = (sys.modules.get(name) for name in ("numpy", "tensorflow", "keras"))
        kind = type(value)
        if np is not None and kind is np.ndarray:
            return self.numbered(value, self.array(value))
        if np is not None and isinstance(value, np.generic) and kind.__module__ == "numpy":
            return {**self.array(np.asarray(value)), "t": "scalar"}
        if np is not None and kind is np.random.Generator:
            wire = self.numbered(value, {"t": "generator"})
            return {**wire, "v": self(value.bit_generator.state, depth)}
        if tf is not None and isinstance(value, tf.Variable):
            wire = self.numbered(value, {"t": "variable", "trainable": bool(value.trainable)})
            return {**wire, "v": self.array(np.asarray(value.numpy()))}
        if tf is not None and isinstance(value, tf.Tensor) and hasattr(value, "numpy"):
            return {"t": "tensor", "v": self.array(np.asarray(value.numpy()))}
        if keras is not None and isinstance(value, keras.Model):
            wire = self.numbered(value, {"t": "model"})
            text = json.dumps(keras.saving.serialize_keras_object(value))
            check_model_config(json.loads(text))
            weights = self(list(map(np.asarray, value.weights)), depth)
            return wire | {"config": text, "weights": weights}
        return None

    @staticmethod
    def array(value) -> dict:
        np, dtype = sys.modules["numpy"], value.dtype
        if type(value) is not np.ndarray or dtype.kind not in DTYPE_KINDS or dtype.fields:
            raise TypeError(f"a {type(value).__name__} of {dtype} cannot be checked: {DATA}")
        raw = np.ascontiguousarray(value).tobytes()
        return {"t": "array", "dtype": dtype.str, "shape": list(value.shape), "v": b64(raw)}


class Decoder:
    """The wire format to values; refuses (`Refused`) anything it does not allow.

    ``sent``: the objects the request numbered, which an answer refers to (``arg``).
    """

    def __init__(self, *, sent=()):
        self.sent = list(sent)
        self.objects: dict[int, object] = {}
        self.tags = {"tuple": self.tuple, "list": self.list, "dict": self.dict}
        self.tags["iterator"] = lambda wire, value, depth: iter(self.items(value, depth))
        self.tags |= {"array": self.array, "scalar": self.array, "generator": self.generator}
        self.tags |= {"tensor": self.tensor, "variable": self.variable, "model": self.model}

    def numbered(self, wire: dict, value):
        number = wire.get("n")
        refuse(type(number) is not int or number in self.objects, "bad object number")
        self.objects[number] = value
        return value

    def __call__(self, wire, depth: int = 0):
        refuse(type(wire) is not dict or type(wire.get("t")) is not str, "a value without a tag")
        refuse(depth > MAX_DEPTH + 2, "nested too deeply")
        tag, value = wire["t"], wire.get("v")
        if tag in ("none", "bool", "str"):
            refuse(type(value) is not {"none": type(None), "bool": bool, "str": str}[tag], tag)
            return value
        if tag == "int":
            refuse(type(value) is not str or not INTEGER.fullmatch(value), "bad int")
            return int(value)
        if tag == "float":
            try:
                return float.fromhex(value)
            except (TypeError, ValueError, OverflowError):
                raise Refused("bad float") from None
        if tag in ("arg", "ref"):
            pool = dict(enumerate(self.sent)) if tag == "arg" else self.objects
            number = wire.get("n")
            refuse(type(number) is not int or number not in pool, f"bad {tag}")
            return pool[number]
        refuse(tag not in self.tags, f"unknown type tag {tag!r}")
        return self.tags[tag](wire, value, depth + 1)

    def items(self, value, depth: int) -> list:
        refuse(type(value) is not list, "bad items")
        return [self(item, depth) for item in value]

    def tuple(self, wire, value, depth):
        return tuple(self.items(value, depth))

    def list(self, wire, value, depth):
        result = self.numbered(wire, [])
        result.extend(self.items(value, depth))
        return result

    def dict(self, wire, value, depth):
        result = self.numbered(wire, {})
        pairs = type(value) is list and all(type(p) is list and len(p) == 2 for p in value)
        refuse(not pairs, "bad dict")
        pairs = [(self(key, depth), self(item, depth)) for key, item in value]
        try:
            result.update(pairs)
        except TypeError as error:  # an unhashable key
            raise Refused(f"bad dict: {error}") from None
        return result

    def array(self, wire, value=None, depth=0):
        np = importlib.import_module("numpy")
        refuse(type(wire) is not dict or wire.get("t") not in ("array", "scalar"), "bad array")
        text, shape = wire.get("dtype"), wire.get("shape")
        refuse(type(text) is not str or len(text) > 12, "bad dtype")
        try:
            dtype = np.dtype(text)
        except TypeError:
            raise Refused(f"bad dtype {text!r}") from None
        refuse(dtype.kind not in DTYPE_KINDS or dtype.fields or dtype.subdtype, "dtype not data")
        refuse(type(shape) is not list or any(type(n) is not int or n < 0 for n in shape), "shape")
        raw = unb64(wire.get("v"))
        size = dtype.itemsize * int(np.prod(shape, dtype=object))
        refuse(len(raw) != size, "the array's bytes do not match its shape")
        array = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        if wire["t"] == "scalar":
            refuse(shape != [], "bad scalar")
            return array[()]
        return self.numbered(wire, array) if "n" in wire else array

    def generator(self, wire, value, depth):
        np = importlib.import_module("numpy")
        state = self(value, depth)
        name = state.get("bit_generator") if type(state) is dict else None
        refuse(name not in BIT_GENERATORS, "bad generator")
        try:
            bits = getattr(np.random, name)()
            bits.state = state
        except (TypeError, ValueError, KeyError) as error:
            raise Refused(f"bad generator state: {error}") from None
        return self.numbered(wire, np.random.Generator(bits))

    def tensor(self, wire, value, depth):
        return importlib.import_module("tensorflow").constant(self.array(value))

    def variable(self, wire, value, depth):
        refuse(type(wire.get("trainable")) is not bool, "bad variable")
        tf = importlib.import_module("tensorflow")
        return self.numbered(wire, tf.Variable(self.array(value), trainable=wire["trainable"]))

    def model(self, wire, value, depth):
        keras = importlib.import_module("keras")
        try:
            config = json.loads(wire.get("config"))
            check_model_config(config)
        except (TypeError, ValueError) as error:
            raise Refused(f"bad model configuration: {error}") from None
        refuse(type(config) is not dict or "class_name" not in config, "bad model configuration")
        arrays = self(wire.get("weights"), depth)
        try:
            model = keras.saving.deserialize_keras_object(config, safe_mode=True)
            model.set_weights(arrays)
        except Exception as error:  # a configuration Keras cannot build: not the student's fault
            raise TypeError(f"the model could not be rebuilt: {error}") from None
        refuse(not isinstance(model, keras.Model), "not a model")
        return self.numbered(wire, model)

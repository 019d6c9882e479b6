"""What crosses between a student's kernel and the checker: data, and nothing that can act.

Introduced in the instructors' guide. The checker (`course_grading.checker`) runs a chapter's
graded tests in a clean interpreter. When a test calls a function that the student's notebook
defines, the call becomes a request that the grader relays to the student's kernel, where
`serve` (this module, sent there as text) makes the call and answers. Both directions use this
module's JSON format, in which every value is an object with a type tag ``"t"``.

From the student's kernel only data come back: None, booleans, numbers, strings and bytes;
lists, tuples, dicts and sets of data; NumPy arrays and scalars of numeric, boolean or text
dtype (dtype and shape kept) and random generators (their state); TensorFlow tensors and
variables (dtype kept); Keras models made of built-in layers (configuration and weights,
rebuilt in the checker, each object keeping the identity it had in the student's kernel:
`identity`); and handles to iterators and functions that stay in the student's kernel. Anything
else cannot cross: the student's kernel answers with a `TypeError` that says what to return
instead, and the checker's `Decoder` refuses (`Refused`) whatever the format does not allow,
however it was made.

The checker's requests may also carry the checker's own functions (their compiled code, with the
data and modules they use), the student's names, and modules. An object that appears twice in a
request arrives as one object. After each call the checker's mutable arguments are updated from
the student's copies, so a test sees what the call did to its inputs; warnings the call raised
are raised again in the checker, and an exception comes back as its built-in type and message.
"""

from __future__ import annotations

import base64
import builtins
import dis
import importlib
import json
import marshal
import os
import re
import sys
import types
import warnings

MIME = "text/x-course-crossing"  # the display data that carries an answer out of the kernel
DTYPE_KINDS = "biufcU"  # booleans, integers, floats, complex numbers, text
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
# The Keras modules whose classes a model from the student's kernel may be built of.
MODEL_MODULES = frozenset(
    {
        "keras",
        "keras.layers",
        "keras.initializers",
        "keras.regularizers",
        "keras.constraints",
        "keras.src.models.functional",
        "keras.src.models.sequential",
    }
)
MAX_DEPTH = 64
INTEGER = re.compile(r"-?[0-9]{1,5000}")
DATA = (
    "return data (numbers, strings, lists, tuples, dicts, NumPy arrays, tensors) "
    "or a Keras model made of built-in layers"
)


class Refused(ValueError):
    """What came from the student's kernel is not in this format: the agent never sends it."""


class CellTimeoutError(BaseException):
    """The student's kernel did not answer within the cell's time (not caught by ``except
    Exception``: a test cannot mistake it for its own failure)."""


class KernelDied(BaseException):
    """The student's kernel died while answering."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text) -> bytes:
    if type(text) is not str:
        raise Refused("bytes must be base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as error:
        raise Refused(f"bad base64: {error}") from None


def global_names(code) -> set[str]:
    """The global names a code object and the code nested in it read or write."""
    names = set()
    for instruction in dis.get_instructions(code):
        if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME", "STORE_GLOBAL", "DELETE_GLOBAL"):
            names.add(instruction.argval)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= global_names(constant)
    return names


def check_model_config(config, path: str = "model") -> None:
    """Raise `TypeError` unless a serialised Keras model uses only built-in Keras classes."""
    if isinstance(config, dict):
        if "class_name" in config and config["class_name"] not in ("__keras_tensor__", "__tuple__"):
            module, name = config.get("module"), config.get("class_name")
            if module not in MODEL_MODULES or name in ("Lambda", "TorchModuleWrapper"):
                raise TypeError(
                    f"{path} uses {module}.{name}, which is not a built-in Keras class: "
                    "build the model from keras.layers only, with activations named by string "
                    "(activation='relu')"
                )
        for key, value in config.items():
            check_model_config(value, f"{path}.{key}")
    elif isinstance(config, list):
        for item in config:
            check_model_config(item, path)


def qualified_name(value) -> tuple[str, str] | None:
    """(module, qualified name) by which an imported module reaches ``value``, if it does."""
    module, name = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    if not (isinstance(module, str) and isinstance(name, str) and module in sys.modules):
        return None
    found = sys.modules[module]
    for part in name.split("."):
        found = getattr(found, part, None)
    return (module, name) if found is value else None


class Encoder:
    """Values to the wire format.

    ``code``: the checker's functions, modules and the student's names may go too (requests
    only). ``sent``: id -> number of the objects of the request being answered (sent back as
    references). ``handles``: where the agent keeps what stays in its kernel (answers only).
    """

    def __init__(self, *, code: bool = False, sent: dict | None = None, handles=None):
        self.code, self.sent, self.handles = code, sent or {}, handles
        self.numbers: dict[int, int] = {}
        self.objects: list = []  # numbered objects, kept alive while numbered

    def numbered(self, value, wire: dict) -> dict:
        wire["n"] = len(self.objects)
        self.numbers[id(value)] = wire["n"]
        self.objects.append(value)
        return wire

    def __call__(self, value, depth: int = 0, *, whole: bool = False) -> dict:
        if depth > MAX_DEPTH:
            raise TypeError(f"the value is nested more than {MAX_DEPTH} levels deep")
        kind = type(value)
        if value is None:
            return {"t": "none"}
        if kind in (bool, str):
            return {"t": kind.__name__, "v": value}
        if kind is int:
            return {"t": "int", "v": str(value)}
        if kind is float:
            return {"t": "float", "v": value.hex()}
        if kind is complex:
            return {"t": "complex", "v": [value.real.hex(), value.imag.hex()]}
        if kind is bytes:
            return {"t": "bytes", "v": b64(value)}
        if id(value) in self.sent and not whole:
            return {"t": "arg", "n": self.sent[id(value)]}
        if id(value) in self.numbers:
            return {"t": "ref", "n": self.numbers[id(value)]}
        inner = depth + 1
        if kind is tuple:
            return {"t": "tuple", "v": [self(item, inner) for item in value]}
        if kind in (list, set, frozenset):
            wire = self.numbered(value, {"t": kind.__name__})
            wire["v"] = [self(item, inner) for item in value]
            return wire
        if kind is dict:
            wire = self.numbered(value, {"t": "dict"})
            wire["v"] = [[self(key, inner), self(item, inner)] for key, item in value.items()]
            return wire
        wire = self.library(value, inner)
        if wire is not None:
            return wire
        if self.code:
            return self.code_value(value, inner)
        if self.handles is not None and (hasattr(kind, "__next__") or callable(value)):
            token = f"{os.getpid()}-{id(value)}"
            self.handles[token] = value
            kind_name = "iterator" if hasattr(kind, "__next__") else "callable"
            return {"t": "handle", "kind": kind_name, "token": token}
        raise TypeError(f"a {kind.__qualname__} object cannot be checked: {DATA}")

    def library(self, value, depth: int) -> dict | None:
        """NumPy, TensorFlow and Keras values (None: ``value`` is none of them)."""
        np, tf, keras = (sys.modules.get(name) for name in ("numpy", "tensorflow", "keras"))
        kind = type(value)
        if np is not None:
            if kind is np.ndarray:
                return self.numbered(value, self.array(value))
            if isinstance(value, np.generic) and kind.__module__ == "numpy":
                self.check_dtype(value.dtype)
                return {"t": "scalar", "dtype": value.dtype.str, "v": b64(value.tobytes())}
            if isinstance(value, np.dtype):
                self.check_dtype(value)
                return {"t": "dtype", "v": value.str}
            if kind is np.random.Generator:
                wire = self.numbered(value, {"t": "generator"})
                wire["v"] = self(value.bit_generator.state, depth)
                if self.code:  # the checker's: the student's kernel keeps one mirror of it
                    wire["mirror"] = f"{os.getpid()}-{id(value)}"
                    MIRRORED[wire["mirror"]] = value
                return wire
        if tf is not None and isinstance(value, tf.Variable):
            wire = self.numbered(value, {"t": "variable", "trainable": bool(value.trainable)})
            wire["v"] = self.array(np.asarray(value.numpy()))
            return wire
        if tf is not None and isinstance(value, tf.Tensor) and hasattr(value, "numpy"):
            return {"t": "tensor", "v": self.array(np.asarray(value.numpy()))}
        if keras is not None and isinstance(value, keras.Model):
            return self.model(value, keras)
        return None

    @staticmethod
    def check_dtype(dtype) -> None:
        if dtype.kind not in DTYPE_KINDS or dtype.fields or dtype.subdtype:
            raise TypeError(
                f"a NumPy value of dtype {dtype} cannot be checked: use numbers, booleans or text"
            )

    def array(self, value) -> dict:
        np = sys.modules["numpy"]
        if type(value) is not np.ndarray:
            raise TypeError(f"a {type(value).__qualname__} cannot be checked: {DATA}")
        self.check_dtype(value.dtype)
        raw = np.ascontiguousarray(value).tobytes()
        return {"t": "array", "dtype": value.dtype.str, "shape": list(value.shape), "v": b64(raw)}

    def model(self, value, keras) -> dict:
        wire = self.numbered(value, {"t": "model"})
        config = keras.saving.serialize_keras_object(value)
        try:
            text = json.dumps(config)
        except TypeError as error:
            raise TypeError(f"the model's configuration cannot be checked ({error})") from None
        check_model_config(json.loads(text))
        wire["config"] = text
        wire["weights"] = [self.array(keras.ops.convert_to_numpy(w)) for w in value.weights]
        if self.handles is not None:
            wire["ids"] = {
                "model": self.token(value),
                "layers": [self.token(layer) for layer in value.layers],
                "weights": [self.token(weight) for weight in value.weights],
            }
        return wire

    def token(self, value) -> str:
        """A token for ``value``'s identity, which stays unique while the agent keeps it."""
        token = f"{os.getpid()}-{id(value)}"
        self.handles[token] = value
        return token

    def code_value(self, value, depth: int) -> dict:
        """What only the checker sends: its functions, modules, the student's names."""
        if isinstance(value, StudentName):
            return {"t": "student", "v": value.name}
        if isinstance(value, Handle):
            return {"t": "handle", "token": value.token}
        if isinstance(value, types.ModuleType):
            return {"t": "module", "v": value.__name__}
        if isinstance(value, types.FunctionType) and qualified_name(value) is None:
            return self.function(value, depth)
        named = qualified_name(value)
        if named is not None:
            return {"t": "named", "module": named[0], "v": named[1]}
        raise TypeError(f"the test passes a {type(value).__qualname__}, which cannot cross")

    def function(self, function, depth: int) -> dict:
        """A checker function: compiled code, and the globals and closure it reads."""
        wire = self.numbered(function, {"t": "function", "name": function.__name__})
        wire["code"] = b64(marshal.dumps(function.__code__))
        used = {}
        for name in sorted(global_names(function.__code__)):
            try:
                used[name] = self(function.__globals__[name], depth)
            except KeyError:  # a builtin
                continue
        wire["globals"] = used
        cells = function.__closure__ or ()
        wire["closure"] = [self(cell.cell_contents, depth) for cell in cells]
        wire["defaults"] = self(function.__defaults__, depth)
        wire["kwdefaults"] = self(function.__kwdefaults__, depth)
        return wire


class Decoder:
    """The wire format to values; refuses (`Refused`) anything it does not allow.

    ``code``: accept the checker's functions, modules and names (the agent decoding a request).
    ``sent``: the objects the request numbered (an answer's ``arg`` refers to them).
    ``handles``: where the agent keeps what stays in its kernel; ``student``: the checker's
    way to the student's kernel, for handles (answers only).
    """

    def __init__(self, *, code=False, sent=(), handles=None, student=None, namespace=None):
        self.code, self.sent, self.handles = code, list(sent), handles
        self.student, self.namespace = student, namespace
        self.objects: dict[int, object] = {}

    def numbered(self, wire: dict, value):
        number = wire.get("n")
        if type(number) is not int or number in self.objects:
            raise Refused("bad object number")
        self.objects[number] = value
        return value

    def __call__(self, wire, depth: int = 0):
        if type(wire) is not dict or type(wire.get("t")) is not str:
            raise Refused("every value is an object with a type tag")
        if depth > MAX_DEPTH + 2:
            raise Refused("nested too deeply")
        tag, value, inner = wire["t"], wire.get("v"), depth + 1
        if tag == "none":
            return None
        if tag in ("bool", "str"):
            if type(value) is not getattr(builtins, tag):
                raise Refused(f"bad {tag}")
            return value
        if tag == "int":
            if type(value) is not str or not INTEGER.fullmatch(value):
                raise Refused("bad int")
            return int(value)
        if tag == "float":
            return self.float(value)
        if tag == "complex":
            if type(value) is not list or len(value) != 2:
                raise Refused("bad complex")
            return complex(self.float(value[0]), self.float(value[1]))
        if tag == "bytes":
            return unb64(value)
        if tag in ("arg", "ref"):
            number = wire.get("n")
            pool = dict(enumerate(self.sent)) if tag == "arg" else self.objects
            if type(number) is not int or number not in pool:
                raise Refused(f"bad {tag}")
            return pool[number]
        if tag in ("tuple", "list", "set", "frozenset", "dict"):
            return self.container(wire, tag, value, inner)
        if tag in ("array", "scalar", "dtype", "generator", "tensor", "variable", "model"):
            return self.library(wire, tag, value, inner)
        if tag == "handle":
            return self.handle(wire)
        if self.code and tag in ("student", "module", "named", "function", "empty"):
            return self.code_value(wire, tag, value, inner)
        raise Refused(f"unknown type tag {tag!r}")

    @staticmethod
    def float(text) -> float:
        try:
            return float.fromhex(text)
        except (TypeError, ValueError, OverflowError):
            raise Refused("bad float") from None

    def items(self, value, inner: int) -> list:
        if type(value) is not list:
            raise Refused("bad items")
        return [self(item, inner) for item in value]

    def container(self, wire, tag, value, inner):
        if tag == "tuple":
            return tuple(self.items(value, inner))
        if tag == "list":
            result = self.numbered(wire, [])
            result.extend(self.items(value, inner))
            return result
        try:
            if tag == "dict":
                result = self.numbered(wire, {})
                if type(value) is not list or any(
                    type(p) is not list or len(p) != 2 for p in value
                ):
                    raise Refused("bad dict")
                result.update((self(key, inner), self(item, inner)) for key, item in value)
                return result
            result = self.numbered(wire, set())
            result.update(self.items(value, inner))
            return result if tag == "set" else frozenset(result)
        except TypeError as error:  # an unhashable key or member
            raise Refused(f"bad {tag}: {error}") from None

    def array(self, wire):
        np = importlib.import_module("numpy")
        if type(wire) is not dict or wire.get("t") != "array":
            raise Refused("bad array")
        dtype, shape = self.dtype(wire.get("dtype")), wire.get("shape")
        if type(shape) is not list or any(type(n) is not int or n < 0 for n in shape):
            raise Refused("bad array shape")
        raw = unb64(wire.get("v"))
        if len(raw) != dtype.itemsize * int(np.prod(shape, dtype=object)):
            raise Refused("the array's bytes do not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()

    @staticmethod
    def dtype(text):
        np = importlib.import_module("numpy")
        if type(text) is not str or len(text) > 12:
            raise Refused("bad dtype")
        try:
            dtype = np.dtype(text)
        except TypeError:
            raise Refused(f"bad dtype {text!r}") from None
        if dtype.kind not in DTYPE_KINDS or dtype.fields or dtype.subdtype:
            raise Refused(f"dtype {text!r} is not data")
        return dtype

    def library(self, wire, tag, value, inner):
        np = importlib.import_module("numpy")
        if tag == "array":
            return self.numbered(wire, self.array(wire))
        if tag == "scalar":
            dtype = self.dtype(wire.get("dtype"))
            raw = unb64(value)
            if len(raw) != dtype.itemsize:
                raise Refused("bad scalar")
            return np.frombuffer(raw, dtype=dtype)[0]
        if tag == "dtype":
            return self.dtype(value)
        if tag == "generator":
            generator = self.generator(self(value, inner), wire.get("mirror"))
            return self.numbered(wire, generator)
        tf = importlib.import_module("tensorflow")
        if tag == "tensor":
            return tf.constant(self.array(value))
        if tag == "variable":
            trainable = wire.get("trainable")
            if type(trainable) is not bool:
                raise Refused("bad variable")
            return self.numbered(wire, tf.Variable(self.array(value), trainable=trainable))
        return self.model(wire)

    def generator(self, state, mirror=None):
        """A NumPy generator in ``state``; the agent's one mirror of the checker's ``mirror``."""
        np = importlib.import_module("numpy")
        name = state.get("bit_generator") if type(state) is dict else None
        if name not in BIT_GENERATORS:
            raise Refused("bad generator")
        try:
            bits = getattr(np.random, name)()
            bits.state = state
        except (TypeError, ValueError, KeyError) as error:
            raise Refused(f"bad generator state: {error}") from None
        if self.code and type(mirror) is str:
            if mirror in MIRRORS and type(MIRRORS[mirror].bit_generator) is type(bits):
                MIRRORS[mirror].bit_generator.state = bits.state
            else:
                MIRRORS[mirror] = np.random.Generator(bits)
            return MIRRORS[mirror]
        return np.random.Generator(bits)

    def model(self, wire):
        keras = importlib.import_module("keras")
        text, weights = wire.get("config"), wire.get("weights")
        if type(text) is not str or type(weights) is not list:
            raise Refused("bad model")
        try:
            config = json.loads(text)
        except ValueError:
            raise Refused("bad model configuration") from None
        if type(config) is not dict or "class_name" not in config:
            raise Refused("bad model configuration")
        try:
            check_model_config(config)
        except TypeError as error:
            raise Refused(str(error)) from None
        arrays = [self.array(item) for item in weights]
        try:
            model = keras.saving.deserialize_keras_object(config, safe_mode=True)
            if not isinstance(model, keras.Model):
                raise TypeError(f"a {type(model).__name__} is not a model")
            model.set_weights(arrays)
        except Exception as error:  # a configuration Keras cannot build: not the student's fault
            raise TypeError(f"the model could not be rebuilt: {error}") from None
        self.numbered(wire, model)
        ids = wire.get("ids")
        if type(ids) is dict:
            tokens = [ids.get("model")], ids.get("layers"), ids.get("weights")
            owners = [model], model.layers, model.weights
            for names, objects in zip(tokens, owners, strict=True):
                if type(names) is not list or len(names) != len(objects):
                    raise Refused("bad model ids")
                for token, owner in zip(names, objects, strict=True):
                    remember(owner, token)
        return model

    def handle(self, wire):
        token = wire.get("token")
        if type(token) is not str:
            raise Refused("bad handle")
        if self.handles is not None:  # the agent: the object it keeps
            if token not in self.handles:
                raise Refused("unknown handle")
            return self.handles[token]
        if wire.get("kind") not in ("iterator", "callable"):
            raise Refused("bad handle")
        handle = Handle(token, self.student, iterator=wire["kind"] == "iterator")
        remember(handle, token)
        return handle

    def code_value(self, wire, tag, value, inner):
        if tag == "empty":
            return types.CellType()
        if tag == "module":
            return importlib.import_module(value)
        if tag == "named":
            found = importlib.import_module(wire["module"])
            for part in value.split("."):
                found = getattr(found, part)
            return found
        if tag == "student":
            if value not in self.namespace:
                raise NameError(f"your notebook does not define {value}: run its cell")
            return self.namespace[value]
        code = marshal.loads(unb64(wire["code"]))
        cells = tuple(types.CellType() for _ in wire["closure"])
        scope = {"__builtins__": builtins, "__name__": "course_check"}
        function = types.FunctionType(code, scope, wire["name"], None, cells or None)
        self.numbered(wire, function)
        scope.update({name: self(item, inner) for name, item in wire["globals"].items()})
        for cell, item in zip(cells, wire["closure"], strict=True):
            if item.get("t") != "empty":
                cell.cell_contents = self(item, inner)
        function.__defaults__ = self(wire["defaults"], inner)
        function.__kwdefaults__ = self(wire["kwdefaults"], inner)
        return function


# The checker's side: the student's names and handles, and the identities of what came back.
_IDENTITIES: dict[int, tuple[object, str]] = {}
# The checker's random generators that a request sent, by key: each answer brings back the state
# of the student kernel's mirror of every one of them (a generator function of the student may
# draw from it later, while the checker asks for its next item).
MIRRORED: dict = {}


def remember(value, token: str) -> None:
    """Record that ``value`` (in the checker) is the student's object ``token``."""
    _IDENTITIES[id(value)] = (value, token)


def identity(value) -> str:
    """The identity ``value`` has where it was made: in the student's kernel for what came
    from there, in this interpreter otherwise. Two calls that return the same object of the
    student's kernel give values of one identity."""
    known = _IDENTITIES.get(id(value))
    return known[1] if known and known[0] is value else f"checker-{id(value)}"


class StudentName:
    """A name the student's notebook defines, as the checker sees it: calling it calls the
    student's function, in the student's kernel."""

    def __init__(self, name: str, student):
        self.name, self.student = name, student

    def __call__(self, *args, **kwargs):
        return self.student.call(self, args, kwargs)

    def __repr__(self) -> str:
        return f"<{self.name} of the student's notebook>"


class Handle:
    """An iterator or a function that stays in the student's kernel."""

    def __init__(self, token: str, student, *, iterator: bool):
        self.token, self.student, self.iterator = token, student, iterator

    def __iter__(self):
        if not self.iterator:
            raise TypeError("a function of the student's kernel is not iterable")
        return self

    def __next__(self):
        if not self.iterator:
            raise TypeError("a function of the student's kernel is not an iterator")
        return self.student.call(self, (), {}, op="next")

    def __call__(self, *args, **kwargs):
        return self.student.call(self, args, kwargs)

    def __repr__(self) -> str:
        return f"<{'iterator' if self.iterator else 'function'} in the student's kernel>"


def request(op: str, target, args, kwargs) -> tuple[str, list]:
    """The text of a request to call ``target`` (or take ``next`` of it), and what it sent."""
    encoder = Encoder(code=True)
    wire = {
        "op": op,
        "target": encoder(target),
        "args": [encoder(arg) for arg in args],
        "kwargs": {name: encoder(value) for name, value in kwargs.items()},
    }
    return json.dumps(wire), encoder.objects


def update(original, new) -> None:
    """Make the checker's ``original`` what the call made of the student's copy, ``new``."""
    np, tf = sys.modules.get("numpy"), sys.modules.get("tensorflow")
    kind = type(original)
    if np is not None and kind is np.ndarray and type(new) is np.ndarray:
        if original.shape != new.shape and original.size == new.size:
            original.shape = new.shape
        if original.shape == new.shape:
            np.copyto(original, new, casting="unsafe")
    elif kind in (list, dict, set) and type(new) is kind:
        original.clear()
        (original.extend if kind is list else original.update)(new)
    elif np is not None and kind is np.random.Generator and type(new) is kind:
        original.bit_generator.state = new.bit_generator.state
    elif tf is not None and isinstance(original, tf.Variable) and isinstance(new, tf.Variable):
        if original.shape == new.shape:
            original.assign(new)
    elif type(new) is list and hasattr(original, "set_weights"):  # a model: its weights
        original.set_weights(new)


def rebuilt_exception(error) -> BaseException:
    """The exception the student's call raised, as a built-in exception of the checker."""
    if type(error) is not dict:
        raise Refused("bad error")
    name, builtin, message = error.get("type"), error.get("builtin"), error.get("message")
    if not all(type(text) is str for text in (name, builtin, message)):
        raise Refused("bad error")
    kind = getattr(builtins, builtin, None)
    if not (isinstance(kind, type) and issubclass(kind, Exception)):
        kind = RuntimeError
        message = f"{name}: {message}"
    elif name != builtin:
        message = f"{name}: {message}"
    return kind(message)


def answer(text, sent: list, student):
    """The value an answer carries: the checker's arguments updated, warnings raised again,
    the student's exception raised; `Refused` if the answer is not in this format."""
    try:
        reply = json.loads(text)
    except (TypeError, ValueError):
        raise Refused("the answer is not JSON") from None
    if type(reply) is not dict or type(reply.get("after", [])) is not list:
        raise Refused("bad answer")
    decoder = Decoder(sent=sent, student=student)
    for pair in reply.get("after", []):
        if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not int:
            raise Refused("bad update")
        if not 0 <= pair[0] < len(sent):
            raise Refused("an update of an object the request did not send")
        new = decoder(pair[1])
        update(sent[pair[0]], new)
    mirrors = reply.get("mirrors", [])
    if type(mirrors) is not list:
        raise Refused("bad mirrors")
    for pair in mirrors:
        if type(pair) is not list or len(pair) != 2 or pair[0] not in MIRRORED:
            raise Refused("a generator the checker did not send")
        state = decoder(pair[1])
        MIRRORED[pair[0]].bit_generator.state = decoder.generator(state).bit_generator.state
    for item in reply.get("warnings", []):
        if type(item) is not list or len(item) != 2 or not all(type(x) is str for x in item):
            raise Refused("bad warning")
        category = getattr(builtins, item[0], None)
        if not (isinstance(category, type) and issubclass(category, Warning)):
            category = UserWarning
        warnings.warn(item[1], category, stacklevel=3)
    if "error" in reply:
        raise rebuilt_exception(reply["error"])
    if "value" not in reply:
        raise Refused("an answer without a value or an error")
    return decoder(reply["value"])


# The agent's side: what runs in the student's kernel.
HANDLES: dict = {}  # token -> object: what stays here, alive while grading lasts
MIRRORS: dict = {}  # the checker's key -> this kernel's copy of one of its random generators


def builtin_ancestor(kind: type) -> str:
    for base in kind.__mro__:
        if getattr(builtins, base.__name__, None) is base:
            return base.__name__
    return "Exception"


def after_call(decoder: Decoder, encoder: Encoder) -> list:
    """The request's mutable objects as the call left them: [number, value] pairs."""
    np, tf = sys.modules.get("numpy"), sys.modules.get("tensorflow")
    keras = sys.modules.get("keras")
    pairs = []
    for number, value in decoder.objects.items():
        kind = type(value)
        if keras is not None and isinstance(value, keras.Model):
            wire = encoder([keras.ops.convert_to_numpy(w) for w in value.weights])
        elif kind in (list, dict, set) or (
            (np is not None and kind is np.ndarray)
            or (tf is not None and isinstance(value, tf.Variable))
        ):
            wire = encoder(value, whole=True)
        else:
            continue
        pairs.append([number, wire])
    return pairs


def respond(text: str, namespace: dict) -> str:
    """Answer one request of the checker: the call made in ``namespace``, as the format says."""
    request_ = json.loads(text)
    decoder = Decoder(code=True, handles=HANDLES, namespace=namespace)
    reply: dict = {}
    caught: list = []
    encoder = Encoder(handles=HANDLES)
    try:
        target = decoder(request_["target"])
        args = [decoder(arg) for arg in request_["args"]]
        kwargs = {name: decoder(value) for name, value in request_["kwargs"].items()}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = next(target) if request_["op"] == "next" else target(*args, **kwargs)
        encoder.sent = {id(obj): number for number, obj in decoder.objects.items()}
        reply["value"] = encoder(value)
    except KeyboardInterrupt:  # the grader stopped a call that ran over its time
        raise
    except BaseException as error:
        kind = type(error)
        message = str(error) if kind is not KeyError else (error.args[0:1] or [""])[0]
        reply = {
            "error": {
                "type": kind.__name__,
                "builtin": builtin_ancestor(kind),
                "message": str(message)[:2000],
            }
        }
    encoder.sent = {id(obj): number for number, obj in decoder.objects.items()}
    try:
        reply["after"] = after_call(decoder, encoder)
    except TypeError as error:  # the call put something into an argument that cannot cross
        reply = {"error": {"type": "TypeError", "builtin": "TypeError", "message": str(error)}}
    reply["mirrors"] = [[key, encoder(g.bit_generator.state)] for key, g in MIRRORS.items()]
    reply["warnings"] = [[builtin_ancestor(w.category), str(w.message)[:500]] for w in caught]
    return json.dumps(reply)


def serve(text: str) -> None:
    """Answer one request in the student's kernel: the answer goes out as display data."""
    from IPython import get_ipython
    from IPython.display import publish_display_data

    shell = get_ipython()
    namespace = shell.user_ns if shell is not None else sys.modules["__main__"].__dict__
    publish_display_data({MIME: respond(text, namespace)})


def agent_source() -> str:
    """The code that installs this module in the student's kernel as ``_course_crossing``."""
    with open(__file__, encoding="utf-8") as file:
        source = file.read()
    return (
        "import sys as _sys, types as _types\n"
        "_module = _types.ModuleType('_course_crossing')\n"
        "_sys.modules['_course_crossing'] = _module\n"
        f"exec(compile({source!r}, '<course crossing>', 'exec'), _module.__dict__)\n"
        "del _sys, _types, _module\n"
    )


def call_source(text: str) -> str:
    """The code that answers one request in the student's kernel."""
    return f"__import__('_course_crossing').serve({text!r})\n"

"""The student's kernel as the checker sees it: names that stand for the student's functions,
requests that carry the checker's own functions, answers that carry data only.

A test cell in the checker that names a function of the student's notebook gets a `StudentName`;
calling it sends a `request` (the arguments, and the checker's functions among them with the data
and modules they use) and reads the `answer`: the value, the updated arguments (so a test sees what
the call did to its inputs, random generators included), warnings raised again, the student's
exception raised again as its built-in type.
"""

from __future__ import annotations

import builtins
import dis
import json
import marshal
import sys
import types
import warnings

from course_grading.crossing import Decoder, Encoder, Refused, b64, refuse


class StudentName:
    """A name of the student's notebook: calling it calls the student's function there."""

    def __init__(self, name: str, student):
        self.name, self.student = name, student

    def __call__(self, *args, **kwargs):
        return self.student.call(self, args, kwargs)

    def __repr__(self) -> str:
        return f"<{self.name} in the student's kernel>"


def global_names(code) -> set[str]:
    """The global names a code object and the code nested in it read or write."""
    names = {
        instruction.argval
        for instruction in dis.get_instructions(code)
        if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME", "STORE_GLOBAL", "DELETE_GLOBAL")
    }
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= global_names(constant)
    return names


def qualified_name(value) -> tuple[str, str] | None:
    """(module, qualified name) by which an imported module reaches ``value``, if it does."""
    module, name = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    if not (isinstance(module, str) and isinstance(name, str) and module in sys.modules):
        return None
    found = sys.modules[module]
    for part in name.split("."):
        found = getattr(found, part, None)
    return (module, name) if found is value else None


class RequestEncoder(Encoder):
    """Data, the student's names, and the checker's modules and functions."""

    def other(self, value, depth):
        if isinstance(value, StudentName):
            return {"t": "student", "v": value.name}
        if isinstance(value, types.ModuleType):
            return {"t": "module", "v": value.__name__}
        named = qualified_name(value)
        if named is not None:
            return {"t": "named", "module": named[0], "v": named[1]}
        if not isinstance(value, types.FunctionType):
            raise TypeError(f"the test sends a {type(value).__qualname__}, which cannot cross")
        wire = self.numbered(value, {"t": "function", "name": value.__name__})
        wire["code"] = b64(marshal.dumps(value.__code__))
        used = {}
        for name in sorted(global_names(value.__code__)):
            try:
                used[name] = self(value.__globals__[name], depth)
            except KeyError:  # a builtin
                continue
        closure = [cell.cell_contents for cell in value.__closure__ or ()]
        defaults = self((value.__defaults__, value.__kwdefaults__), depth)
        return wire | {"globals": used, "closure": self(closure, depth), "defaults": defaults}


def request(target, args, kwargs) -> tuple[str, list]:
    """The text of a request to call ``target``, and the objects it sent."""
    encoder = RequestEncoder()
    wire = {"target": encoder(target), "args": encoder(tuple(args))}
    wire["kwargs"] = encoder(dict(kwargs))
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
    elif kind in (list, dict) and type(new) is kind:
        original.clear()
        (original.extend if kind is list else original.update)(new)
    elif np is not None and kind is np.random.Generator and type(new) is kind:
        original.bit_generator.state = new.bit_generator.state
    elif tf is not None and isinstance(original, tf.Variable) and isinstance(new, tf.Variable):
        if original.shape == new.shape:
            original.assign(new)


def rebuilt_exception(error) -> BaseException:
    """The exception the student's call raised, as a built-in exception of the checker."""
    refuse(type(error) is not dict, "bad error")
    name, builtin, message = (error.get(key) for key in ("type", "builtin", "message"))
    refuse(not all(type(text) is str for text in (name, builtin, message)), "bad error")
    kind = getattr(builtins, builtin, None)
    if not (isinstance(kind, type) and issubclass(kind, Exception)):
        kind = RuntimeError
    return kind(message if name == builtin and kind is not RuntimeError else f"{name}: {message}")


def answer(text, sent: list):
    """The value an answer carries: the checker's arguments updated, warnings raised again,
    the student's exception raised; `Refused` if it is not in the format."""
    try:
        reply = json.loads(text)
    except (TypeError, ValueError):
        raise Refused("the answer is not JSON") from None
    refuse(type(reply) is not dict, "bad answer")
    decoder = Decoder(sent=sent)
    for pair in reply.get("after", []):
        refuse(type(pair) is not list or len(pair) != 2, "bad update")
        refuse(type(pair[0]) is not int or not 0 <= pair[0] < len(sent), "an update of nothing")
        update(sent[pair[0]], decoder(pair[1]))
    for pair in reply.get("warnings", []):
        refuse(type(pair) is not list or not all(type(x) is str for x in pair), "bad warning")
        category = getattr(builtins, pair[0], None)
        if not (isinstance(category, type) and issubclass(category, Warning)):
            category = UserWarning
        warnings.warn(pair[1], category, stacklevel=3)
    if "error" in reply:
        raise rebuilt_exception(reply["error"])
    refuse("value" not in reply, "an answer without a value or an error")
    return decoder(reply["value"])

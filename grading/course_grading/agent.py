"""The agent: what answers the checker's requests inside a student's kernel.

The grader sends `crossing` and this module into the student's kernel as text (`agent_source`),
after the student's notebook has run there, then one call per request (`CALL_SOURCE`, the request on
its standard input): `serve` makes the call the checker asks for, among the names of the student's
notebook, and answers as display data (`MIME`), which the grader relays and never shows. The answer
holds the value (`crossing`'s data), the request's mutable objects as the call left them, the
warnings the call raised, or the exception, by its built-in type and message.

Nothing here protects a grade: the student's kernel can change all of it, and then answers for
its own answers only. What the checker accepts is decided there (`crossing.Decoder`).
"""

from __future__ import annotations

import builtins
import importlib
import json
import marshal
import sys
import types
import warnings

from course_grading.crossing import Decoder, Encoder, unb64

MIME = "text/x-course-crossing"  # the display data that carries an answer out of the kernel


class RequestDecoder(Decoder):
    """A request of the checker: data, its functions, modules, and the notebook's names."""

    def __init__(self, namespace: dict):
        super().__init__()
        self.namespace = namespace
        self.tags |= {"student": self.name, "module": self.module, "function": self.function}
        self.tags["named"] = self.named

    def name(self, wire, value, depth):
        if value not in self.namespace:
            raise NameError(f"your notebook does not define {value}: run its cell")
        return self.namespace[value]

    def module(self, wire, value, depth):
        return importlib.import_module(value)

    def named(self, wire, value, depth):
        found = importlib.import_module(wire["module"])
        for part in value.split("."):
            found = getattr(found, part)
        return found

    def function(self, wire, value, depth):
        code = marshal.loads(unb64(wire["code"]))
        cells = tuple(types.CellType() for _ in wire["closure"]["v"])
        scope = {"__builtins__": builtins, "__name__": "course_check"}
        function = self.numbered(wire, types.FunctionType(code, scope, wire["name"], None, cells))
        scope.update({name: self(item, depth) for name, item in wire["globals"].items()})
        for cell, content in zip(cells, self(wire["closure"], depth), strict=True):
            cell.cell_contents = content
        function.__defaults__, function.__kwdefaults__ = self(wire["defaults"], depth)
        return function


def builtin_ancestor(kind: type) -> str:
    """The name of the first built-in class among ``kind``'s bases."""
    bases = (base.__name__ for base in kind.__mro__ if getattr(builtins, base.__name__, 0) is base)
    return next(bases, "Exception")


def after(value, encoder: Encoder) -> dict | None:
    """A mutable object of a request as the call left it (None: a function or a model)."""
    np, tf = sys.modules.get("numpy"), sys.modules.get("tensorflow")
    mutable = type(value) in (list, dict)
    mutable |= np is not None and type(value) in (np.ndarray, np.random.Generator)
    mutable |= tf is not None and isinstance(value, tf.Variable)
    return encoder(value, whole=True) if mutable else None


def respond(text: str, namespace: dict) -> str:
    """Answer one request of the checker: the call made among ``namespace``'s names."""
    request = json.loads(text)
    decoder, encoder = RequestDecoder(namespace), Encoder()
    reply, caught = {}, []
    try:
        target = decoder(request["target"])
        args, kwargs = decoder(request["args"]), decoder(request["kwargs"])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = target(*args, **kwargs)
        encoder.sent = {id(obj): number for number, obj in decoder.objects.items()}
        reply["value"] = encoder(value)
    except KeyboardInterrupt:  # the grader stopped a call that ran over its time
        raise
    except BaseException as error:
        message = error.args[0] if type(error) is KeyError and error.args else error
        name, builtin = type(error).__name__, builtin_ancestor(type(error))
        reply = {"error": {"type": name, "builtin": builtin, "message": str(message)[:2000]}}
    encoder.sent = {id(obj): number for number, obj in decoder.objects.items()}
    try:
        pairs = [[number, after(obj, encoder)] for number, obj in decoder.objects.items()]
        reply["after"] = [pair for pair in pairs if pair[1] is not None]
    except TypeError as error:  # the call put into an argument what cannot cross
        reply = {"error": {"type": "TypeError", "builtin": "TypeError", "message": str(error)}}
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
    """The code that installs `crossing` and this module in a kernel as ``_course_agent``."""
    sources = [importlib.import_module(name).__file__ for name in ("course_grading.crossing",)]
    texts = [open(path, encoding="utf-8").read() for path in (*sources, __file__)]
    skip = ("from __future__", "from course_grading")
    own = "\n".join(line for line in texts[1].splitlines() if not line.startswith(skip))
    return (
        "import sys as _sys, types as _types\n"
        "_module = _types.ModuleType('_course_agent')\n"
        "_sys.modules['_course_agent'] = _module\n"
        f"exec(compile({texts[0] + own!r}, '<course agent>', 'exec'), _module.__dict__)\n"
        "del _sys, _types, _module\n"
    )


# The code that answers one request in the student's kernel: the request comes on its standard
# input (as a Jupyter input reply, which, unlike a cell's source, ipykernel does not hash).
CALL_SOURCE = "__import__('_course_agent').serve(input())\n"

"""The static screen: answer cells that reach for the machinery that runs or judges the tests.

Introduced in the instructors' guide. Pure: it reads the cells a student wrote (`answer_cells`)
with Python's `ast`, after IPython's own transformation of ``%`` and ``!`` lines, and runs
nothing. Each `Finding` names the cell, the line and the rule:

    ipython-machinery   get_ipython(), IPython's internals, the execution hooks, magics not allowed
    tracing-hook        sys.settrace, sys.setprofile, threading.settrace, sys.monitoring
    module-attribute    setting an attribute of an imported module or builtins (np.x = ..., setattr)
    dynamic-code        exec, eval, compile, __import__, importlib.import_module of computed text
    dunder-comparison   a class that defines how its objects compare (__eq__, __bool__, ...)

Constant code given to exec, eval, compile and to the allowed magics is screened as well. An
answer cell that does not parse is not a finding: running it fails, and the notebook says so.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from course_grading.checks import nbgrader_meta

RULES = (
    "ipython-machinery",
    "tracing-hook",
    "module-attribute",
    "dynamic-code",
    "dunder-comparison",
)
# Attributes that only the execution machinery has (IPython's shell, its events, its hooks).
MACHINERY = frozenset(
    "input_transformers_post input_transformers_cleanup input_transformer_manager "
    "ast_transformers set_custom_exc custom_exceptions showtraceback _showtraceback "
    "showsyntaxerror run_cell run_cell_async run_ast_nodes register_magic_function "
    "set_hook displayhook excepthook".split()
)
HOOK_EVENTS = frozenset({"register", "unregister", "trigger", "callbacks"})
TRACING = frozenset({"settrace", "setprofile", "settrace_all_threads", "setprofile_all_threads"})
SYS_TRACING = frozenset({"monitoring", "_getframe", "call_tracing"})  # only as sys.<name>
DYNAMIC = frozenset({"exec", "eval", "compile", "__import__", "import_module"})
DYNAMIC_OWNERS = frozenset({"builtins", "__builtins__", "importlib"})
DUNDERS = frozenset(
    "__eq__ __ne__ __lt__ __le__ __gt__ __ge__ __bool__ __array_ufunc__ "
    "__array_function__ __instancecheck__ __subclasscheck__".split()
)
# Magics that cannot change how later cells run; the code they run is screened too.
ALLOWED_MAGICS = frozenset({"matplotlib", "time", "timeit", "capture", "pip", "who", "whos"})
CODE_MAGICS = frozenset({"time", "timeit", "capture"})
SHELL = frozenset({"system", "getoutput"})  # ``!command``: a shell, outside the kernel
INTERNALS = ("IPython.core", "IPython.terminal")  # the shell itself, not IPython.display
ALWAYS_MODULES = frozenset({"builtins", "__builtins__", "sys", "np", "tf", "keras", "math"})


@dataclass(frozen=True)
class Finding:
    cell: str
    line: int
    rule: str
    detail: str
    anchor: str = ""  # the last grade id at or before the cell: test cells after it fail

    def __str__(self) -> str:
        return f"{self.cell} line {self.line}: {self.rule} ({self.detail})"


def answer_cells(notebook, release=None) -> list[tuple[str, str, str]]:
    """(name, anchor, source) of each code cell a student wrote, in notebook order.

    The answer cells; with the ``release``, also every other code cell whose source is not one
    of the release's (a cell the student added, or an answer cell stripped of its metadata),
    but not the release's locked and test cells, which nbgrader restores before grading.
    """
    ids = {nbgrader_meta(cell).get("grade_id"): cell for cell in getattr(release, "cells", [])}
    sources = {cell.source for cell in getattr(release, "cells", []) if cell.cell_type == "code"}
    cells, anchor = [], ""
    for index, cell in enumerate(notebook.cells):
        meta = nbgrader_meta(cell)
        name = meta.get("grade_id") or f"cell {index + 1}"
        anchor = name if name in ids else anchor
        kept = nbgrader_meta(ids[name]) if name in ids else {}
        restored = (kept.get("locked") or kept.get("grade")) and not kept.get("solution")
        written = release is not None and not restored and cell.source not in sources
        if cell.cell_type == "code" and (meta.get("solution") or written):
            cells.append((name, anchor, cell.source))
    return cells


def python_of(source: str) -> ast.Module | None:
    """A cell's syntax tree after IPython's transformation of magics; None if it does not parse."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        source = TransformerManager().transform_cell(source)
    except Exception:  # IPython's transformer failed: the plain source is what Python sees
        pass
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def imported_names(sources) -> set[str]:
    """The names bound by imports in the given cells' sources, and the modules always watched."""
    names = set(ALWAYS_MODULES)
    for source in sources:
        tree = python_of(source)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Import | ast.ImportFrom):
                names |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
    return names


def root_name(node: ast.AST) -> str | None:
    """``np`` of ``np.testing.assert_allclose``, ``vars(np)[...]`` or ``np.__dict__[...]``."""
    while True:
        if isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call) and called_name(node) == "vars" and node.args:
            node = node.args[0]
        else:
            return node.id if isinstance(node, ast.Name) else None


def called_name(call: ast.Call) -> str | None:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None)


def constant_text(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
        return node.value.decode(errors="replace") if isinstance(node.value, bytes) else node.value
    return None


def magic_code(name: str, line: str, body: str | None) -> str:
    """The Python a ``%time``/``%timeit``/``%%capture`` magic runs (its options left out)."""
    if body is not None:
        return body if name == "capture" else f"{line}\n{body}"
    words = line.split(" ")
    while words and words[0].startswith("-"):
        words = words[2:] if words[0] in ("-n", "-r", "-p") else words[1:]
    return " ".join(words)


class Screen(ast.NodeVisitor):
    """Walks one cell's tree and collects its findings."""

    def __init__(self, cell: str, modules: set[str]):
        self.cell, self.modules = cell, modules
        self.findings: list[Finding] = []
        self.allowed: set[int] = set()  # ids of get_ipython() calls of allowed magics

    def add(self, node: ast.AST, rule: str, detail: str) -> None:
        self.findings.append(Finding(self.cell, getattr(node, "lineno", 1), rule, detail))

    def nested(self, node: ast.AST, code: str) -> None:
        """Screen ``code`` (constant text run as code), reporting on ``node``'s line."""
        tree = python_of(code)
        if tree is not None:
            inner = Screen(self.cell, self.modules)
            inner.visit(tree)
            self.findings += [
                Finding(f.cell, node.lineno, f.rule, f.detail) for f in inner.findings
            ]

    def visit_Call(self, node: ast.Call) -> None:
        name = called_name(node)
        func = node.func
        shell = getattr(func, "value", None)
        if isinstance(shell, ast.Call) and called_name(shell) == "get_ipython":
            magic = constant_text(node.args[0]) if node.args else None
            if name in SHELL or (
                name in ("run_line_magic", "run_cell_magic") and magic in ALLOWED_MAGICS
            ):
                self.allowed.add(id(shell))
                if name != "system" and magic in CODE_MAGICS and len(node.args) > 1:
                    line = constant_text(node.args[1]) or ""
                    body = constant_text(node.args[2]) if len(node.args) > 2 else None
                    self.nested(node, magic_code(magic, line, body))
            elif name in ("run_line_magic", "run_cell_magic"):
                self.add(node, "ipython-machinery", f"magic %{magic}")
                self.allowed.add(id(shell))
        if name == "get_ipython":
            if id(node) not in self.allowed:
                self.add(node, "ipython-machinery", "get_ipython()")
            return
        if name in DYNAMIC and (
            isinstance(func, ast.Name) or getattr(func.value, "id", None) in DYNAMIC_OWNERS
        ):
            code = node.args[0] if node.args else None
            text = constant_text(code)
            if text is None:
                self.add(node, "dynamic-code", f"{name} of computed text")
            elif name in ("exec", "eval", "compile"):
                self.nested(node, text)
        if name in ("setattr", "delattr") and node.args:
            root = root_name(node.args[0])
            if root in self.modules:
                self.add(node, "module-attribute", f"{name} on {root}")
            attribute = constant_text(node.args[1]) if len(node.args) > 1 else None
            if attribute in DUNDERS:
                self.add(node, "dunder-comparison", f"{name} of {attribute}")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in MACHINERY:
            self.add(node, "ipython-machinery", f".{node.attr}")
        elif node.attr in HOOK_EVENTS and getattr(node.value, "attr", None) == "events":
            self.add(node, "ipython-machinery", f"events.{node.attr}")
        elif node.attr in TRACING or (
            node.attr in SYS_TRACING and getattr(node.value, "id", None) == "sys"
        ):
            self.add(node, "tracing-hook", f".{node.attr}")
        elif node.attr == "get_ipython":
            self.add(node, "ipython-machinery", f".{node.attr}")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in TRACING and isinstance(node.ctx, ast.Load):
            self.add(node, "tracing-hook", node.id)
        elif node.id == "get_ipython":
            self.add(node, "ipython-machinery", "get_ipython")

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        module = getattr(node, "module", None) or ""
        for alias in node.names:
            full = f"{module}.{alias.name}".strip(".")
            if alias.name in TRACING | SYS_TRACING:
                self.add(node, "tracing-hook", f"import {full}")
            elif alias.name in MACHINERY | {"get_ipython"} or full.startswith(INTERNALS):
                self.add(node, "ipython-machinery", f"import {full}")

    visit_ImportFrom = visit_Import

    def targets(self, node: ast.AST, targets) -> None:
        for target in targets:
            if isinstance(target, ast.Tuple | ast.List):
                self.targets(node, target.elts)
            elif isinstance(target, ast.Starred):
                self.targets(node, [target.value])
            elif isinstance(target, ast.Attribute | ast.Subscript):
                root = root_name(target)
                is_module = root in self.modules
                if isinstance(target, ast.Subscript):  # vars(np)[...], np.__dict__[...]
                    inner = target.value
                    is_module &= (
                        (isinstance(inner, ast.Attribute) and inner.attr == "__dict__")
                        or (isinstance(inner, ast.Call) and called_name(inner) == "vars")
                        or getattr(inner, "attr", None) == "modules"
                        or root == "__builtins__"
                    )
                if is_module:
                    self.add(node, "module-attribute", f"{ast.unparse(target)} of module {root}")

    def visit_Assign(self, node: ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete) -> None:
        self.targets(node, node.targets if hasattr(node, "targets") else [node.target])
        self.generic_visit(node)

    visit_AugAssign = visit_AnnAssign = visit_Delete = visit_Assign

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.name in DUNDERS:
            self.add(node, "dunder-comparison", f"def {node.name}")
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for statement in node.body:
            names = [t.id for t in getattr(statement, "targets", []) if isinstance(t, ast.Name)]
            for name in names:
                if name in DUNDERS:
                    self.add(statement, "dunder-comparison", f"{name} = ...")
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:  # type("X", (), {"__eq__": ...})
        for key in node.keys:
            if constant_text(key) in DUNDERS:
                self.add(key, "dunder-comparison", f"{constant_text(key)!r} key")
        self.generic_visit(node)


def screen_cell(grade_id: str, source: str, modules: set[str]) -> list[Finding]:
    """The findings of one answer cell (none if it does not parse)."""
    tree = python_of(source)
    if tree is None:
        return []
    screen = Screen(grade_id, modules)
    screen.visit(tree)
    return sorted(set(screen.findings), key=lambda f: (f.line, f.rule, f.detail))


def screen_notebook(notebook, release=None) -> list[Finding]:
    """The findings of every cell `answer_cells` gives, in notebook order."""
    modules = imported_names(cell.source for cell in notebook.cells if cell.cell_type == "code")
    return [
        Finding(finding.cell, finding.line, finding.rule, finding.detail, anchor)
        for name, anchor, source in answer_cells(notebook, release)
        for finding in screen_cell(name, source, modules)
    ]

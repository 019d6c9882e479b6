"""The book's two editions, chosen at build time with ``BOOK_EDITION``.

- ``student`` (the default, safe to publish): executed pages, but every answer cell shows the stub
  of the student notebook in ``chapters/`` instead of the solution, with no output; written
  questions show the student's empty answer; hidden tests are left out (they carry the
  ``remove-cell`` tag); the site has no copy of ``solutions/`` (``html_copy_source`` is off), and
  the page's download button gives the student notebook.
- ``instructor`` (self-study): the book as ``solutions/`` holds it, solutions collapsed by their
  ``hide-input`` tag and model answers shown, under a banner that says not to publish it.

Both editions execute ``solutions/`` through one Jupyter cache per profile
(``_build/.jupyter_cache-<profile>``), so building the second edition re-executes nothing. The
replacement of code happens on the doctree, after execution, because the cache is keyed by the
code the notebook runs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError, ExtensionError

EDITIONS = ("student", "instructor")
INSTRUCTOR_BANNER = (
    "Instructor edition: it shows solutions and model answers. "
    "Publish the student edition (<code>make book</code>) for a graded course."
)
SECRET_MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")


def book_edition() -> str:
    """Return the edition named by ``BOOK_EDITION`` (``student`` when unset)."""
    edition = os.environ.get("BOOK_EDITION", "").strip().lower() or "student"
    if edition not in EDITIONS:
        raise ConfigError(
            f"BOOK_EDITION must be 'student' or 'instructor'; got {edition!r}. "
            "Unset it for the student edition."
        )
    return edition


def student_notebook_path(app: Sphinx, docname: str) -> Path | None:
    """The released student notebook of a chapter page ``solutions/<id>/<id>``, else None."""
    parts = docname.split("/")
    if len(parts) != 3 or parts[0] != "solutions" or parts[1] != parts[2]:
        return None
    path = Path(app.srcdir) / "chapters" / parts[1] / f"{parts[1]}.ipynb"
    if not path.exists():
        raise ExtensionError(
            f"{docname} has no student notebook {path}: run `make release` to generate it"
        )
    return path


def answer_stubs(path: Path) -> dict[str, str]:
    """The student notebook's answer cells, by nbgrader grade id."""
    notebook = nbformat.read(path, as_version=4)
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }


def is_answer(metadata: dict) -> bool:
    return bool(metadata.get("nbgrader", {}).get("solution"))


def stub_for(stubs: dict[str, str], metadata: dict, docname: str) -> str:
    grade_id = metadata["nbgrader"]["grade_id"]
    if grade_id not in stubs:
        raise ExtensionError(
            f"{docname}: answer cell {grade_id!r} is not in the student notebook, which is stale: "
            "run `make release` and commit chapters/"
        )
    return stubs[grade_id]


def configure(app: Sphinx, config) -> None:
    """Set the Sphinx options of the edition and the shared execution cache."""
    from course_utils.config import profile

    config.book_edition = book_edition()
    config.nb_execution_cache_path = str(
        Path(app.srcdir) / "_build" / f".jupyter_cache-{profile()}"
    )
    if config.book_edition == "instructor" and "instructor" not in Path(app.outdir).parts:
        raise ConfigError(
            f"the instructor edition must not be built into {app.outdir}, where the student "
            "edition goes: run `make book-instructor` (or pass --path-output _build/instructor)"
        )
    if config.book_edition == "student":
        config.html_copy_source = False
        config.html_show_sourcelink = False
    else:
        config.html_theme_options = {
            **config.html_theme_options,
            "announcement": INSTRUCTOR_BANNER,
        }


def replace_written_answers(app: Sphinx, docname: str, source: list[str]) -> None:
    """Student edition: a written question's answer cell becomes the student's empty one.

    Markdown cells reach the doctree without their metadata, so this happens on the notebook's
    text, before it is parsed; markdown does not count towards the execution cache's key.
    """
    if (
        app.config.book_edition != "student"
        or (path := student_notebook_path(app, docname)) is None
    ):
        return
    app.env.note_dependency(str(path))  # a new release of the chapter rebuilds its page
    stubs = answer_stubs(path)
    notebook = nbformat.reads(source[0], as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and is_answer(cell.metadata):
            cell.source = stub_for(stubs, cell.metadata, docname)
    source[0] = nbformat.writes(notebook)


def replace_code_answers(app: Sphinx, doctree: nodes.document) -> None:
    """Student edition: each answer code cell shows the student stub, uncollapsed, no output."""
    if app.config.book_edition != "student":
        return
    path = student_notebook_path(app, app.env.docname)
    if path is None:
        return
    stubs = answer_stubs(path)
    for cell in list(doctree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code":
            continue
        metadata = cell.get("cell_metadata", {})
        if is_answer(metadata):
            stub = stub_for(stubs, metadata, app.env.docname)
            cell.children = [child for child in cell.children if _is_source(child)]
            for block in cell.findall(nodes.literal_block):
                block.children = [nodes.Text(stub)]
                block.rawsource = stub
            cell.attributes.pop("hide_mode", None)
            cell["classes"] = [name for name in cell["classes"] if name != "tag_hide-input"]
        text = cell.astext()
        if any(marker in text for marker in SECRET_MARKERS):
            raise ExtensionError(
                f"{app.env.docname}: a cell with solution or hidden-test markers would reach the "
                "student edition; tag hidden tests `remove-cell` and answers with nbgrader metadata"
            )


def _is_source(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and node.get("nb_element") == "cell_code_source"


def link_sources(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Student edition: the download button gives the student notebook, or the page's source.

    With ``html_copy_source`` off Sphinx copies no source and the theme's download link points at
    nothing. This writes the safe file (the student notebook from ``chapters/``, or the page's own
    Markdown) and points the theme's button at it; ``sourcename`` stays empty, because Sphinx
    copies the real source (the solution notebook) wherever ``sourcename`` says.
    """
    if app.config.book_edition != "student" or doctree is None:
        return
    source = Path(app.env.doc2path(pagename))
    student = student_notebook_path(app, pagename)
    if student is not None:
        source = student
    download = source.relative_to(app.srcdir).as_posix()
    target = Path(app.outdir) / "_sources" / download
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("label") == "download-source-button":
                button["url"] = f"{context['pathto']('_sources', 1)}/{download}"


def setup(app: Sphinx) -> dict:
    # "env": pages read for one edition are read again for the other.
    app.add_config_value("book_edition", "student", "env")
    app.connect("config-inited", configure)
    app.connect("source-read", replace_written_answers)
    app.connect("doctree-read", replace_code_answers)
    # After sphinx-book-theme (priority 501) has made its buttons.
    app.connect("html-page-context", link_sources, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

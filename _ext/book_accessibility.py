"""What the book needs to meet WCAG 2.1 AA beyond what the theme and myst-nb give it.

- Every figure a notebook draws is described: a cell sets its description as
  ``metadata.mystnb.image.alt``; an image without one (myst-nb then writes the file's path as its
  ``alt``) is a warning, so the ``-W`` build fails and names the cell's chapter.
- Two theme components (``templates``) and myst-nb's "Show code cell source" toggle are
  named by the text they show (WCAG 2.5.3, label in name).
- ``static/accessibility.css`` keeps Rich's coloured model summaries and the instructor banner's
  code at the page's text colour (WCAG 1.4.3, contrast).

``tests/test_accessibility.py`` audits both editions with axe-core in Chromium.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
from sphinx.application import Sphinx
from sphinx.util import logging

HERE = Path(__file__).parent
LOG = logging.getLogger(__name__)


def add_templates_and_styles(app: Sphinx, config) -> None:
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]


def warn_on_undescribed_figures(app: Sphinx, doctree: nodes.document) -> None:
    """Warn about each notebook image whose cell sets no description."""
    if not app.env.doc2path(app.env.docname).endswith(".ipynb"):
        return
    for image in doctree.findall(nodes.image):
        if not image.get("alt", "").strip():
            LOG.warning(
                "a figure has no description: set metadata.mystnb.image.alt on the cell that "
                "draws it (what is plotted against what, and the point it makes)",
                location=(app.env.docname, image.line),
            )


def visit_toggle_named_by_its_text(self, node: HideCodeCellNode) -> None:
    """myst-nb's toggle without its aria-label, which did not contain the text it shows."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", add_templates_and_styles)
    app.connect("doctree-read", warn_on_undescribed_figures)
    app.add_node(
        HideCodeCellNode,
        override=True,
        html=(visit_toggle_named_by_its_text, depart_HideCellInput),
    )
    app.add_css_file("accessibility.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""nbgrader's feedback pages made inert: whatever a student's notebook holds runs nothing.

nbconvert's ``sanitize_html`` (on in ``nbgrader_config.py``) removes scripts,
event handlers, ``javascript:`` links and iframes from outputs, but nbgrader's
feedback and formgrader templates render markdown without it:
:class:`SanitizeStudentHTML` cleans the notebook itself, at the end of
autograde (so formgrader's view is clean) and first in generate_feedback.
:class:`InertHTMLExporter` adds, as deepgrade's own pages have, a
Content-Security-Policy as the first thing in the page's head: no script runs
and no request leaves the page, whatever sanitising missed (the template's own
MathJax from a CDN included: formulas show as their TeX source).

Bleach only sees HTML: a markdown link or picture (``[click](javascript:...)``,
a reference definition, an entity or a backslash in the scheme) is written by
the markdown renderer into ``href`` or ``src`` as it stands, and formgrader's
view has no Content-Security-Policy. A markdown or raw cell whose text, decoded
as the renderer and the browser would, names a script URL is shown as an
indented code block instead: the student's text, verbatim, with no link.
"""

from __future__ import annotations

import html
import re
from typing import Any

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors.sanitize import SanitizeHTML
from traitlets import Bool

from ..report.html import CONTENT_SECURITY_POLICY

_HEAD = re.compile(r"<head[^>]*>", re.I)
#: Where a markdown renderer reads a URL (a link's or a picture's destination, a reference definition,
#: an autolink), then a scheme that runs script or opens a page of the student's making (data:
#: pictures are kept). Prose such as "as in JavaScript: none" is no destination.
_SCRIPT_URL = re.compile(r"(?:\(|\]:|<)\s*<?\s*"
                         r"(?:(?:java|vb)script:|data:(?!image/(?:png|jpe?g|gif|webp)[;,])[a-z-]+/)", re.I)
#: What a browser drops from a URL (tabs, newlines, controls) and markdown's backslash escapes.
_DROPPED = re.compile(r"[\x00-\x1f\\]")


def names_script_url(text: str) -> bool:
    """Whether a markdown renderer and a browser could read a script URL out of ``text``
    (entities decoded, as markdown decodes them in a link's destination)."""
    decoded = html.unescape(text)
    return bool(_SCRIPT_URL.search(_DROPPED.sub("", decoded)))


def as_code_block(text: str) -> str:
    """``text`` shown verbatim: an indented code block (no line of it can end the block)."""
    note = "*deepgrade: this cell holds a link that would run script; it is shown as text.*\n\n"
    return note + "\n".join("    " + line for line in text.split("\n"))


def inert_page(html: str) -> str:
    """``html`` with the Content-Security-Policy as the first element of its head (before any script)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
    match = _HEAD.search(html)
    if match is None:
        return f"<!DOCTYPE html><html><head>{meta}</head><body>{html}</body></html>"
    return html[:match.end()] + meta + html[match.end():]


class InertHTMLExporter(HTMLExporter):
    """nbconvert's HTML exporter, sanitising, with the Content-Security-Policy in every page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sanitize_html = True

    def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> tuple[Any, Any]:
        output, resources = super().from_notebook_node(nb, resources, **kw)
        return inert_page(output), resources


class SanitizeStudentHTML(SanitizeHTML):
    """nbconvert's SanitizeHTML (bleach) on markdown, raw cells and HTML outputs, always on."""

    enabled = Bool(True, help="Sanitise every notebook this step sees").tag(config=True)

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        cell, resources = super().preprocess_cell(cell, resources, index)
        if cell.cell_type in ("markdown", "raw") and names_script_url(cell.source):
            cell.source = as_code_block(cell.source)
        return cell, resources

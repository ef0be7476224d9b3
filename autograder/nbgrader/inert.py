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
"""

from __future__ import annotations

import re
from typing import Any

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors.sanitize import SanitizeHTML
from traitlets import Bool

from ..report.html import CONTENT_SECURITY_POLICY

_HEAD = re.compile(r"<head[^>]*>", re.I)


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

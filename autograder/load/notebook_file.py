"""The one reader of a handed-in notebook file, for every path (check, grade, nbgrader).

A notebook is the student's file and may be anything: a link to someone else's,
nbformat 3, invalid UTF-8, a 100 MB output, cell ids nbformat rejects, metadata
of the wrong types. This module turns it into a clean nbformat-4 JSON object
(``dict``) with its outputs stripped, or refuses it with a
:class:`~.program.SubmissionError` that says why. Nothing here raises anything
else on a student's file, so one notebook never stops the class.

Decisions, each with a note the student reads:

* a symbolic link, or a file with more than one hard link, is refused: its
  content may be another student's or the course's;
* invalid UTF-8 is decoded with replacement characters (code is rarely where
  the stray byte is);
* cell ids that are missing, malformed or repeated are replaced;
* metadata of the wrong type is dropped, attachments past their limit too;
* past :data:`MAX_NOTEBOOK_BYTES` or :data:`MAX_SOURCE_BYTES` the notebook is
  refused with the limit stated.
"""

from __future__ import annotations

import json
import os
import re
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cells import SubmissionError

#: The whole file: past this it is not read at all (outputs count: clear them before handing in).
MAX_NOTEBOOK_BYTES = 128 << 20
#: All cells' sources together (the code and text the student wrote).
MAX_SOURCE_BYTES = 8 << 20
#: All attachments (pictures pasted into markdown) together; past it they are dropped.
MAX_ATTACHMENT_BYTES = 16 << 20

_CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_CELL_TYPES = {"code", "markdown", "raw"}
#: Cell metadata keys nbformat gives a type to, and a test of that type.
_TYPED_METADATA: dict[str, Any] = {
    "tags": lambda v: isinstance(v, list) and all(isinstance(t, str) for t in v) and len(set(v)) == len(v),
    "collapsed": lambda v: isinstance(v, bool),
    "scrolled": lambda v: isinstance(v, bool) or v == "auto",
    "deletable": lambda v: isinstance(v, bool),
    "editable": lambda v: isinstance(v, bool),
    "name": lambda v: isinstance(v, str),
    "format": lambda v: isinstance(v, str),
    "jupyter": lambda v: isinstance(v, dict),
    "execution": lambda v: isinstance(v, dict),
    "nbgrader": lambda v: isinstance(v, dict),
    "deepgrade": lambda v: isinstance(v, dict),
}


@dataclass(frozen=True)
class NotebookFile:
    """A notebook as grading sees it: nbformat-4 JSON without outputs, and what was changed to get it."""

    notebook: dict[str, Any]
    notes: tuple[str, ...] = ()

    def text(self) -> str:
        return json.dumps(self.notebook, indent=1, ensure_ascii=False) + "\n"


def folder_reason(name: str) -> str:
    """Why a folder named like a notebook (``ex01_sigmoid.ipynb/``) is no submission: a folder is never
    a notebook, whatever it holds. One wording for every path (``deepgrade grade``, ``check``, nbgrader)."""
    return f"{name} is a folder, not a notebook: hand in the notebook file itself"


def link_reason(path: Path, root: Path | None = None) -> str:
    """Why ``path`` is not a file of the student's own ('' when it is one): a symbolic link (of the file,
    or of a folder between ``root`` and it), a hard link shared with another file, no regular file."""
    if root is not None:
        for folder in Path(path).parents:
            if folder == root or root not in folder.parents:
                break
            if folder.is_symlink():
                return f"{path.name} lies in {folder.name}/, a link to another folder: hand in the files themselves"
    try:
        info = os.lstat(path)
    except OSError as exc:
        return f"cannot read {path.name}: {exc.strerror}"
    if stat.S_ISLNK(info.st_mode):
        return f"{path.name} is a link to another file, not a file of your own: hand in the file itself"
    if stat.S_ISDIR(info.st_mode):
        return folder_reason(path.name)
    if not stat.S_ISREG(info.st_mode):
        return f"{path.name} is not a regular file"
    if info.st_nlink > 1:
        return f"{path.name} is a hard link shared with another file: hand in a copy of your own"
    return ""


def refuse_link(path: Path) -> None:
    """Raise :class:`SubmissionError` unless ``path`` is the student's own regular file (:func:`link_reason`)."""
    reason = link_reason(path)
    if reason:
        raise SubmissionError(reason)


def read_notebook_file(path: str | Path) -> NotebookFile:
    """Read the notebook at ``path`` (links refused, size limited) into a :class:`NotebookFile`."""
    path = Path(path)
    refuse_link(path)
    size = os.lstat(path).st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise SubmissionError(f"{path.name} is {size >> 20} MB, more than the {MAX_NOTEBOOK_BYTES >> 20} MB a "
                              "notebook may have: clear its outputs (Edit > Clear Outputs of All Cells) and save")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as exc:
        raise SubmissionError(f"cannot read {path.name}: {exc.strerror}") from None
    return parse_notebook(data, path.name)


def parse_notebook(data: bytes, name: str) -> NotebookFile:
    """A notebook's bytes as a :class:`NotebookFile` (``name`` is said in messages)."""
    notes: list[str] = []
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise SubmissionError(f"{name} is more than the {MAX_NOTEBOOK_BYTES >> 20} MB a notebook may have: "
                              "clear its outputs (Edit > Clear Outputs of All Cells) and save")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        notes.append(f"{name} is not valid UTF-8 (first bad byte at offset {exc.start}): the bad bytes were "
                     "read as \ufffd; save the notebook again from Jupyter")
    text = text.removeprefix("\ufeff")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SubmissionError(f"{name} is not valid notebook JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise SubmissionError(f"{name} is not a notebook: its JSON is nested too deep") from None
    if not isinstance(raw, dict):
        raise SubmissionError(f"{name} is not a notebook: the JSON is not an object")
    cells = _raw_cells(raw, name)
    clean, fixed_ids = [], 0
    seen: set[str] = set()
    attachments = sources = 0
    dropped_attachments = False
    for cell in cells:
        out, id_fixed, size = _clean_cell(cell, seen)
        fixed_ids += id_fixed
        sources += len(out["source"].encode("utf-8", errors="replace"))
        if "attachments" in out:
            attachments += size
            if attachments > MAX_ATTACHMENT_BYTES:
                del out["attachments"]
                dropped_attachments = True
        clean.append(out)
    if sources > MAX_SOURCE_BYTES:
        raise SubmissionError(f"{name}: its cells hold {sources >> 20} MB of code and text, more than the "
                              f"{MAX_SOURCE_BYTES >> 20} MB a notebook may have")
    if fixed_ids:
        notes.append(f"{name}: {fixed_ids} cell id(s) were missing, malformed or repeated and were replaced")
    if dropped_attachments:
        notes.append(f"{name}: its attachments are more than {MAX_ATTACHMENT_BYTES >> 20} MB in all; "
                     "the ones past that were left out")
    metadata: dict[str, Any] = raw["metadata"] if isinstance(raw.get("metadata"), dict) else {}
    notebook = {"cells": clean, "metadata": _notebook_metadata(metadata), "nbformat": 4, "nbformat_minor": 5}
    return NotebookFile(notebook, tuple(notes))


def _raw_cells(raw: dict[str, Any], name: str) -> list[dict[str, Any]]:
    if isinstance(raw.get("cells"), list):  # nbformat 4
        return [c for c in raw["cells"] if isinstance(c, dict)]
    worksheets = raw.get("worksheets")  # nbformat 3: cells in worksheets, code in "input"
    if isinstance(worksheets, list):
        cells: list[dict[str, Any]] = []
        for sheet in worksheets:
            found = sheet.get("cells") if isinstance(sheet, dict) else None
            cells += [_v3_cell(c) for c in found if isinstance(c, dict)] if isinstance(found, list) else []
        return cells
    raise SubmissionError(f"{name} is not a notebook: no cells found")


def _v3_cell(cell: dict[str, Any]) -> dict[str, Any]:
    kind = cell.get("cell_type")
    if kind == "code":
        return {**cell, "source": cell.get("input", "")}
    if kind == "heading":
        level: int = cell["level"] if isinstance(cell.get("level"), int) else 1
        heading = "#" * max(1, min(level, 6)) + " " + _text(cell.get("source"))
        return {**cell, "cell_type": "markdown", "source": heading}
    return cell


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(s) for s in value)
    return value if isinstance(value, str) else ""


def _clean_cell(cell: dict[str, Any], seen: set[str]) -> tuple[dict[str, Any], int, int]:
    """The cell in nbformat 4.5 form (outputs stripped), whether its id was replaced, its attachments' size."""
    given = cell.get("cell_type")  # any JSON value: a list or an object is not even hashable
    kind = given if isinstance(given, str) and given in _CELL_TYPES else "raw"
    cell_id = cell.get("id")
    fixed = 0
    if not isinstance(cell_id, str) or not _CELL_ID.match(cell_id) or cell_id in seen:
        fixed = int(cell_id is not None)
        cell_id = uuid.uuid4().hex[:8]
        while cell_id in seen:
            cell_id = uuid.uuid4().hex[:8]
    seen.add(cell_id)
    meta: dict[str, Any] = cell["metadata"] if isinstance(cell.get("metadata"), dict) else {}
    meta = {k: v for k, v in meta.items() if isinstance(k, str) and (k not in _TYPED_METADATA or _TYPED_METADATA[k](v))}
    out: dict[str, Any] = {"cell_type": kind, "id": cell_id, "metadata": meta, "source": _text(cell.get("source"))}
    size = 0
    if kind == "code":
        out["execution_count"] = None
        out["outputs"] = []
    elif isinstance(cell.get("attachments"), dict):
        attachments = {k: v for k, v in cell["attachments"].items() if isinstance(k, str) and isinstance(v, dict)
                       and all(isinstance(m, str) and isinstance(d, (str, list)) for m, d in v.items())}
        if attachments:
            out["attachments"] = attachments
            size = len(json.dumps(attachments))
    return out, fixed, size


def _notebook_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """The notebook's metadata less what nbformat would reject (a malformed kernelspec or language_info)."""
    kept = {k: v for k, v in meta.items() if isinstance(k, str) and k not in ("kernelspec", "language_info")}
    spec = meta.get("kernelspec")
    if isinstance(spec, dict) and isinstance(spec.get("name"), str) and isinstance(spec.get("display_name"), str):
        kept["kernelspec"] = spec
    info = meta.get("language_info")
    if isinstance(info, dict) and isinstance(info.get("name"), str):
        kept["language_info"] = info
    return kept

"""Gradescope's "Export Submissions" zip of a programming assignment.

Layout (Gradescope, Assignment > Review Grades > Export Submissions): a folder
``submission_<id>/`` per submission holding the student's files, and ``submission_metadata.yml``
mapping ``submission_<id>`` to ``:submitters:`` (each ``:name:``, ``:sid:``, ``:email:``) and
``:created_at:`` (the whole may sit in a folder ``assignment_<id>_export/``). The student's id is
the SID where the course set one, else the email, else the submission id; a group submission
is each member's (every member gets the group's points).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from .base import Claim, Listing, Source, register
from .model import Submitter

METADATA = "submission_metadata.yml"
_FOLDER = re.compile(r"^submission_(?P<id>\d+)$")


def _metadata(listing: Listing, folder: PurePosixPath) -> tuple[dict[str, Any], str]:
    """The metadata, and why it could not be read ('' when it was, or is absent)."""
    path = listing.path(folder / METADATA)
    if not path.is_file():
        return {}, ""
    try:
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception as exc:  # an unreadable metadata file: the folders alone are read, and it is said
        return {}, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return (data, "") if isinstance(data, dict) else ({}, "not a mapping of submissions")


def _get(entry: Any, key: str) -> Any:
    """Gradescope writes Ruby symbols (``:name:``): read ``name`` either way."""
    if not isinstance(entry, dict):
        return None
    return entry.get(f":{key}", entry.get(key))


def _time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(re.sub(r"(\.\d{6})\d*", r"\1", value.strip()))
        except ValueError:
            return None
    return None


@register
class GradescopeExport(Source):
    name = "gradescope"
    label = "Gradescope (Export Submissions)"
    specificity = 80
    lms = True

    def read(self, listing: Listing) -> dict[PurePosixPath, Claim]:
        metas: dict[PurePosixPath, dict[str, Any]] = {}
        unread: dict[PurePosixPath, str] = {}
        claims = {}
        for rel in listing.files:
            # the export may sit in a folder of its own (assignment_<id>_export/)
            at = next((i for i, part in enumerate(rel.parts[:-1]) if _FOLDER.match(part)), None)
            if at is None:
                continue
            match = _FOLDER.match(rel.parts[at])
            assert match is not None
            base = PurePosixPath(*rel.parts[:at])
            if base not in metas:
                metas[base], unread[base] = _metadata(listing, base)
            entry = metas[base].get(rel.parts[at]) or {}
            people = [p for p in (_get(entry, "submitters") or []) if isinstance(p, dict)] or [{}]
            group = [Submitter(lms_id=str(_get(p, "sid") or _get(p, "email") or match["id"]),
                               name=str(_get(p, "name") or ""), source=self.name) for p in people]
            claims[rel] = Claim(submitter=group[0], name=rel.name, submitted_at=_time(_get(entry, "created_at")),
                                order=(int(match["id"]),), members=tuple(group[1:]))
        for base in metas:
            if listing.path(base / METADATA).is_file():
                why = (f"{METADATA} could not be read ({unread[base]}): each student of it is named by their "
                       "submission id, not their SID or email") if unread[base] else ""
                claims[base / METADATA] = Claim(submitter=Submitter(lms_id="", name="", source=self.name),
                                                name=METADATA, receipt=True, unread=why)
        return claims

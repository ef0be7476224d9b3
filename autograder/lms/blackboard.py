"""Blackboard Learn's "Assignment File Download".

Naming (Blackboard Learn, Grade Center > Assignment File Download): each attempt's file is
``<assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<original file name>`` and each attempt
has a receipt ``<assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>.txt`` whose first line is
``Name: <First Last> (<username>)`` and which lists ``Original filename:`` / ``Filename:`` for
every file. The username is Blackboard's id (the Grade Center's ``Username`` column); the
receipt settles it where the assignment's name or the username holds ``_``.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePosixPath

from .base import Claim, Listing, Source, register
from .model import Submitter

_WHEN = r"(?P<when>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})"
_FILE = re.compile(rf"^(?P<head>.+)_attempt_{_WHEN}(?:_(?P<file>.+)|(?P<receipt>\.txt))$")
_NAME = re.compile(r"^Name:\s*(?P<name>.*?)\s*\((?P<user>[^()]+)\)\s*$", re.MULTILINE)


def _when(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d-%H-%M-%S")
    except ValueError:
        return None


@register
class Blackboard(Source):
    name = "blackboard"
    label = "Blackboard (Assignment File Download)"
    specificity = 70
    lms = True

    def read(self, listing: Listing) -> dict[PurePosixPath, Claim]:
        receipts: dict[str, tuple[str, str]] = {}  # "<head>_attempt_<when>" -> (name, username)
        matches = {}
        for rel in listing.files:
            match = _FILE.match(rel.name) if len(rel.parts) == 1 else None
            if match is None:
                continue
            matches[rel] = match
            if match["receipt"]:
                try:
                    text = listing.path(rel).read_text(encoding="utf-8", errors="replace")[:20000]
                except OSError:
                    continue
                found = _NAME.search(text)
                if found:
                    receipts[f"{match['head']}_attempt_{match['when']}"] = (found["name"], found["user"].strip())
        claims = {}
        for rel, match in matches.items():
            name, user = receipts.get(f"{match['head']}_attempt_{match['when']}", ("", ""))
            head = match["head"]
            if not user or not head.endswith("_" + user):
                user = head.rsplit("_", 1)[-1]  # no receipt: usernames rarely hold "_"
            if not user:
                continue
            who = Submitter(lms_id=user, name=name, source=self.name)
            claims[rel] = Claim(submitter=who, name=match["file"] or rel.name, submitted_at=_when(match["when"]),
                                receipt=bool(match["receipt"]))
        return claims

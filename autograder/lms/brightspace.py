"""Brightspace (D2L)'s assignment "Download" of submissions.

Naming (Brightspace Assignments > Submissions > Download): each submitted file is
``<n>-<n> - <First Last> - <Mon D, YYYY HMM AM|PM> - <file>``, or, in newer versions, a folder
``<n>-<n> - <First Last> - <date>/`` holding the files; ``index.html`` lists them. The download
carries the display name and the time, but no user id: a roster (``--roster``, Brightspace's grades
export with ``OrgDefinedId``/``Username``) gives each name its id.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePosixPath

from .base import Claim, Listing, Source, register
from .model import Submitter

_HEAD = (r"^(?P<ids>\d+-\d+) - (?P<name>.+?) - (?P<month>[A-Z][a-z]{2}) (?P<day>\d{1,2}), (?P<year>\d{4}) "
         r"(?P<hm>\d{3,4}) (?P<ampm>[AP]M)")
_FLAT = re.compile(_HEAD + r" - (?P<file>.+)$")
_FOLDER = re.compile(_HEAD + r"$")


def _when(match: re.Match[str]) -> datetime | None:
    hm = match["hm"]
    try:
        return datetime.strptime(f"{match['month']} {match['day']} {match['year']} {hm[:-2]}:{hm[-2:]} "
                                 f"{match['ampm']}", "%b %d %Y %I:%M %p")
    except ValueError:
        return None


@register
class Brightspace(Source):
    name = "brightspace"
    label = "Brightspace (Download submissions)"
    specificity = 65
    lms = True
    has_ids = False

    def read(self, listing: Listing) -> dict[PurePosixPath, Claim]:
        claims = {}
        for rel in listing.files:
            if len(rel.parts) == 1:
                match = _FLAT.match(rel.name)
                file = match["file"] if match else ""
            else:
                match = _FOLDER.match(rel.parts[0])
                file = rel.name
            if match is None:
                continue
            who = Submitter(lms_id=match["name"], name=match["name"], source=self.name, id_known=False)
            order = (int(match["ids"].split("-")[1]),)
            claims[rel] = Claim(submitter=who, name=file, submitted_at=_when(match), order=order)
        if claims:  # Brightspace's own index of the download
            for rel in listing.files:
                if rel.name == "index.html" and len(rel.parts) == 1:
                    claims[rel] = Claim(submitter=Submitter(lms_id="", name="", source=self.name), name=rel.name,
                                        receipt=True)
        return claims

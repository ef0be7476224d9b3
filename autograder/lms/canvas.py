"""Canvas's "Download Submissions" zip.

Naming, from canvas-lms ``lib/content_zipper.rb`` (``get_filename``, ``add_upload_submission``):
``<sortable name>[_LATE]_<user id>_<attachment id>_<display name>``, where the sortable name is
``sanitize_user_name`` (lower case, ``_<digits>_`` runs joined) and the whole prefix goes through
``sanitize_file_name`` (every non-word character removed; Ruby's ``[[:word:]]`` keeps accented
letters). With anonymous grading the name is left out and the id is ``anon_<anonymous id>``.
Text entries and URLs become ``<prefix>_text.html`` / ``<prefix>_link.html``.
Canvas states lateness (``_LATE``) but no time: the file's own time orders attempts, then the
attachment id (a later upload has a larger one).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from .base import Claim, Listing, Source, register
from .model import Submitter

_FILE = re.compile(r"^(?:(?P<name>[^\W]*?)_)?(?:(?P<late>LATE)_)?(?P<id>anon_[A-Za-z0-9]+|\d+)_"
                   r"(?P<attachment>\d+)_(?P<file>.+)$")
_ONLINE = re.compile(r"^(?:(?P<name>[^\W]*?)_)?(?:(?P<late>LATE)_)?(?P<id>anon_[A-Za-z0-9]+|\d+)_"
                     r"(?P<file>text\.html|link\.html)$")


@register
class Canvas(Source):
    name = "canvas"
    label = "Canvas (Download Submissions)"
    specificity = 50
    lms = True

    def claim(self, rel: PurePosixPath, listing: Listing) -> Claim | None:
        if len(rel.parts) != 1:
            return None
        match = _FILE.match(rel.name) or _ONLINE.match(rel.name)
        if not match:
            return None
        lms_id = match["id"]
        anonymous = lms_id.startswith("anon_")
        who = Submitter(lms_id=lms_id, name="" if anonymous else (match["name"] or ""), source=self.name,
                        anonymous=anonymous)
        order = (int(match["attachment"]),) if "attachment" in match.groupdict() else ()
        return Claim(submitter=who, name=match["file"], lms_late=bool(match["late"]), order=order)

"""Moodle's assignment "Download all submissions" zip.

Naming, from Moodle ``mod/assign/locallib.php`` (``download_submissions``): the prefix is
``clean_filename(str_replace('_', ' ', fullname($student)) . '_' . get_uniqueid_for_user($userid))``;
with blind marking the name is ``get_string('participant', 'assign')`` ("Participant"). Each
plugin's files go into a folder ``<prefix>_<subtype>_<type>_/`` (``assignsubmission_file_``,
the default since Moodle 3.1, "download as folders") or, without folders, are named
``<prefix>_<subtype>_<type>_<file>``. The unique id is the participant id the offline grading
worksheet writes as ``Participant <id>``. Moodle gives no time in the name: the zip's own file
times order attempts, then the browser's ``(1)`` counter.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from .base import Claim, Listing, Source, register
from .model import Submitter

_PREFIX = r"(?P<name>.+?)_(?P<id>\d+)_(?P<plugin>assignsubmission_[a-z]+)_"
_FOLDER = re.compile(rf"^{_PREFIX}?$")  # some unzip tools drop the folder's trailing "_"
_FLAT = re.compile(rf"^{_PREFIX}(?P<file>.+)$")
BLIND_NAME = "Participant"


@register
class Moodle(Source):
    name = "moodle"
    label = "Moodle (Download all submissions)"
    specificity = 60
    lms = True

    def claim(self, rel: PurePosixPath, listing: Listing) -> Claim | None:
        if len(rel.parts) >= 2:
            match = _FOLDER.match(rel.parts[0])
            file = "/".join(rel.parts[1:])
        else:
            match = _FLAT.match(rel.name)
            file = match["file"] if match else ""
        if not match:
            return None
        anonymous = match["name"] == BLIND_NAME
        who = Submitter(lms_id=match["id"], name="" if anonymous else match["name"], source=self.name,
                        anonymous=anonymous)
        return Claim(submitter=who, name=PurePosixPath(file).name)

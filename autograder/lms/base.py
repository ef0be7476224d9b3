"""A source of submissions (an LMS download, nbgrader's folders) is one declaration: a :class:`Source`
that claims the files whose names follow its rules, registered once.

Detection is by score: each file goes to the most specific source that claims it, and the
download is said to come from the source that claimed the most files. ``--from NAME`` lets one
source alone read the download.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from .model import Submitter


@dataclass(frozen=True)
class Claim:
    """What a source reads from one file's name (and its own receipts): who, when, which file."""

    submitter: Submitter
    #: The student's own file name, the LMS's prefix removed (``ex01_sigmoid (1).ipynb``).
    name: str
    submitted_at: datetime | None = None
    lms_late: bool | None = None
    #: Order among files of the same time (an attachment id, an attempt number).
    order: tuple[int, ...] = ()
    #: Not a submission: read for who and when (Blackboard's receipt, Gradescope's metadata).
    receipt: bool = False
    #: Why a receipt could not be read ('' when it was): the students it names are named otherwise.
    unread: str = ""
    #: The exercise the folder names (nbgrader's ``<student>/<exercise>/``), when the file doesn't.
    exercise_hint: str | None = None
    #: The folder that holds this submission only (nbgrader's exercise folder), relative.
    own_folder: str | None = None
    #: The other members of a group that handed this in together (Gradescope's group submissions).
    members: tuple[Submitter, ...] = ()


@dataclass
class Listing:
    """The files of a download: ``root`` and each file's path relative to it (POSIX form)."""

    root: Path
    files: list[PurePosixPath]
    exercises: list[str] = field(default_factory=list)

    def path(self, rel: PurePosixPath) -> Path:
        return self.root / Path(*rel.parts)


class Source:
    """One system's naming. Subclasses set ``name``, ``label``, ``specificity`` (higher wins a
    file two sources claim) and implement :meth:`claim` (one file) or :meth:`read` (all at once,
    where one file explains another: Blackboard's receipts, Gradescope's metadata)."""

    name: str = ""
    label: str = ""
    specificity: int = 0
    #: The system keeps an id of its own for each student (Brightspace's download: no).
    has_ids: bool = True
    #: Names students as an LMS's download does (a name no student gives their own files), so that
    #: files named so for several students are a download, even inside one student's zip.
    lms: bool = False

    def claim(self, rel: PurePosixPath, listing: Listing) -> Claim | None:
        raise NotImplementedError

    def read(self, listing: Listing) -> dict[PurePosixPath, Claim]:
        """Every file this source claims."""
        claims = {}
        for rel in listing.files:
            claim = self.claim(rel, listing)
            if claim is not None:
                claims[rel] = claim
        return claims


_SOURCES: dict[str, Source] = {}


def register(source: type[Source]) -> type[Source]:
    """Class decorator: the source is known to discovery and to ``--from``."""
    instance = source()
    if not instance.name or instance.name in _SOURCES:
        raise ValueError(f"a source needs a new name: {instance.name!r}")
    _SOURCES[instance.name] = instance
    return source


def sources() -> dict[str, Source]:
    """Every registered source, most specific first (the package registers each system's on import)."""
    return dict(sorted(_SOURCES.items(), key=lambda kv: -kv[1].specificity))


def source(name: str) -> Source:
    known = sources()
    if name not in known:
        raise KeyError(f"unknown source {name!r}: one of {', '.join(known)}")
    return known[name]


def _nfc(who: Submitter) -> Submitter:
    """One spelling of a name: a zip packed on macOS writes ``Zoë`` decomposed (NFD)."""
    return replace(who, lms_id=unicodedata.normalize("NFC", who.lms_id), name=unicodedata.normalize("NFC", who.name))


def claim_all(listing: Listing, only: Iterable[Source]) -> tuple[dict[PurePosixPath, tuple[Source, Claim]], str]:
    """Each file's claim by the most specific source that makes one; and the source of the
    download (the one that claimed the most files; '' when none did)."""
    claims: dict[PurePosixPath, tuple[Source, Claim]] = {}
    counts: dict[str, int] = {}
    for src in sorted(only, key=lambda s: -s.specificity):
        for rel, claim in src.read(listing).items():
            if rel not in claims:
                claims[rel] = (src, replace(claim, submitter=_nfc(claim.submitter),
                                            members=tuple(_nfc(m) for m in claim.members)))
                counts[src.name] = counts.get(src.name, 0) + 1
    detected = max(counts, key=lambda n: counts[n]) if counts else ""
    return claims, detected

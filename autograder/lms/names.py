"""Exercise names in file names, and the counters browsers and LMSs add to a file named twice."""

from __future__ import annotations

import re
import unicodedata

SUFFIXES = (".ipynb", ".py")
#: A browser's ``name (1).ipynb``, Canvas's ``name-1.ipynb`` for a file uploaded again.
_COUNTER = re.compile(r"(?: \((\d+)\)|-(\d+))$")


def exercise_in(name: str, exercises: list[str]) -> str | None:
    """The exercise a file or folder name mentions (the longest match wins; ``ex01`` alone
    when only one exercise starts so)."""
    lowered = name.lower()
    hits = [e for e in exercises if e.lower() in lowered]
    if not hits:
        short = {e: e.split("_")[0] for e in exercises}
        hits = [e for e, s in short.items() if re.search(rf"(^|[^a-z0-9]){re.escape(s)}([^0-9]|$)", lowered)]
        if len(hits) != 1:
            return None
    return max(hits, key=len)


def counter(stem: str) -> int:
    """The copy number a browser or LMS added to a name given twice (0 for the original)."""
    match = _COUNTER.search(stem)
    if not match:
        return 0
    return int(match.group(1) or match.group(2))


def without_counter(stem: str) -> str:
    return _COUNTER.sub("", stem)


def fold(name: str) -> str:
    """A display name compared loosely: case, accents and spacing ignored (``Zoë`` ~ ``zoe``)."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace(",", " ").split())

"""Downloads built as each LMS names them (the source of every rule is cited by the adapter that
reads it: autograder/lms/<source>.py). Files hold ex01 notebooks so that grading them is fast."""

from __future__ import annotations

import os
import time
import zipfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RIGHT = (ROOT / "solutions" / "ex01_sigmoid" / "ex01_sigmoid.ipynb").read_text()
STUB = (ROOT / "exercises" / "ex01_sigmoid" / "ex01_sigmoid.ipynb").read_text()


def put(path: Path, text: str = RIGHT, when: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if when is not None:
        os.utime(path, (when, when))
    return path


def zipped(path: Path, members: dict[str, str], when: tuple[int, ...] = (2026, 3, 1, 12, 0, 0)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in members.items():
            zf.writestr(zipfile.ZipInfo(name, when), text)
    return path


T0 = time.mktime(datetime(2026, 3, 1, 12, 0).timetuple())


def canvas(folder: Path) -> Path:
    """content_zipper.rb: <sortable name>[_LATE]_<user id>_<attachment id>_<file>; anon_<id> when anonymous."""
    put(folder / "lovelaceada_1001_5001_ex01_sigmoid.ipynb", RIGHT, T0)
    put(folder / "babbagecharles_LATE_1002_5002_ex01_sigmoid.ipynb", STUB, T0)
    put(folder / "müllerlüdenscheidtzoë_LATE_1003_5003_ex01_sigmoid.ipynb", RIGHT, T0)
    put(folder / "obrienseán_1004_5004_ex01_sigmoid.ipynb", STUB, T0)  # O'Brien, Seán
    put(folder / "obrienseán_1004_5010_ex01_sigmoid-1.ipynb", RIGHT, T0 + 60)  # uploaded again: Canvas's -1
    put(folder / "smithjohn_1005_5005_ex01_sigmoid.ipynb", RIGHT, T0)
    put(folder / "smithjohn_1006_5006_ex01_sigmoid.ipynb", STUB, T0)  # another John Smith
    put(folder / "anon_Xy7Qz_5007_ex01_sigmoid.ipynb", RIGHT, T0)
    zipped(folder / "hoppergrace_1008_5008_homework.zip", {"hw/ex01_sigmoid.ipynb": RIGHT, "hw/notes.pdf": "%PDF"})
    put(folder / "turingalan_1009_text.html", "<p>see attached</p>", T0)
    put(folder / "readme.txt", "stray", T0)
    return folder

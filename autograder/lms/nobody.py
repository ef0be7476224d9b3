"""What a class folder may hold that is no student's, found before it is read as theirs.

An instructor leaves things beside the students' files: the download's own zip beside its unpacked
files, or the nbgrader course folder given for its ``submitted/``. Read as a folder or a zip per
student, each would be one student of everyone's files. (An earlier run's OUT is the third:
:func:`autograder.results.is_results_folder`, checked while the folder is walked.)
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from .base import Listing, claim_all, source, sources
from .names import exercise_in

#: Files at the top of an nbgrader course folder; with them, only its ``submitted/`` holds students' work.
NBGRADER_COURSE = ("nbgrader_config.py", "gradebook.db")


def course_folders(root: Path) -> list[Path]:
    """The entries of an nbgrader course folder other than ``submitted/`` (``source/``, ``release/``,
    ``autograded/``, ``feedback/``, the course's ``solutions/``), when ``root`` is one: given the
    course instead of its ``submitted/``, each of them would be a student of everyone's notebooks
    (the solutions graded as a student's)."""
    if not (root / "submitted").is_dir() or not any((root / name).is_file() for name in NBGRADER_COURSE):
        return []
    return sorted(p for p in root.iterdir() if p.name != "submitted")


def a_download(root: Path, files: list[PurePosixPath], exercises: list[str]) -> tuple[str, int]:
    """Files unpacked from one student's zip that an LMS's naming gives to two students or more are
    a download of their own (the download's zip left beside its unpacked files, a class's zip in a
    folder): (the LMS's label, how many students), or ('', 0). Read as one student's, the whole
    class would be that student's attempts."""
    claims, detected = claim_all(Listing(root, files, list(exercises)), [s for s in sources().values() if s.lms])
    ids = {c.submitter.lms_id for _, c in claims.values() if c.submitter.lms_id and not c.receipt
           and (exercise_in(Path(c.name).stem, exercises) or c.exercise_hint)}  # submissions, not a look-alike name
    return (source(detected).label, len(ids)) if len(ids) > 1 else ("", 0)

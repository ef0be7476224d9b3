"""Finding who handed in what: nbgrader's layout, folders per student, LMS downloads, zips.

Layouts understood (``ROOT`` is what the instructor passes):

* ``ROOT/submitted/<student>/<exercise>/<file>`` or ``ROOT/<student>/<exercise>/<file>``
  (nbgrader's submitted layout);
* ``ROOT/<student>/<file>``, the exercise named in the file name
  (``ex01_sigmoid.ipynb``, ``ex01_sigmoid_final.py``);
* ``ROOT/<file>`` named ``<student>_<...>_<exercise>...`` (an LMS download unpacked:
  ``ada_ex01_sigmoid.ipynb``, ``ada_1234_5678_ex01_sigmoid.ipynb``);
* zip files of any of these, per student (``ada.zip``) or per submission
  (``ada_ex01_sigmoid.zip``); they are unpacked safely into a folder of the output.

A submission is a notebook or a ``.py`` module. In an exercise's folder, the
file named after the exercise (``ex01_sigmoid.ipynb``) is the submission and
the files beside it (helper modules, packages, data) are its own: they go into
the sandbox with it (:func:`autograder.batch.isolated.submission_files`). Every (student, exercise) pair
gets a :class:`Found`: a file to grade, or the reason there is none; notes say
what was guessed (another file name, several candidates).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..load.notebook_file import link_reason

SUFFIXES = (".ipynb", ".py")
IGNORED = re.compile(r"(^\.|^__|\.ipynb_checkpoints|__pycache__|~$)")
#: Refuse zips that unpack to more than this, or to more files than this.
ZIP_MAX_BYTES = 200 << 20
ZIP_MAX_FILES = 2000


@dataclass
class Found:
    student: str
    exercise: str
    path: Path | None = None
    problem: str = ""  # why there is nothing to grade
    #: Nothing was handed in for this exercise (not attempted), as opposed to a file that
    #: could not be used (an unsafe zip: an error).
    missing: bool = False
    notes: list[str] = field(default_factory=list)
    own_folder: bool = False  # the file's folder holds this submission only (copy it whole)


def _visible(path: Path | str) -> bool:
    return not IGNORED.search(path if isinstance(path, str) else path.name)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in SUFFIXES
                  and all(_visible(part) for part in p.relative_to(folder).parts))


def _exercise_in(name: str, exercises: list[str]) -> str | None:
    """The exercise a file or folder name mentions (the longest match wins)."""
    lowered = name.lower()
    hits = [e for e in exercises if e.lower() in lowered]
    if not hits:
        short = {e: e.split("_")[0] for e in exercises}  # "ex01" alone
        hits = [e for e, s in short.items() if re.search(rf"(^|[^a-z0-9]){re.escape(s)}([^0-9]|$)", lowered)]
        if len(hits) != 1:
            return None
    return max(hits, key=len)


def _rank(path: Path, exercise: str) -> tuple:
    """Which of several candidates to grade: the exact name, then notebooks, then the newest."""
    return (path.stem != exercise, path.suffix != ".ipynb", -path.stat().st_mtime, str(path))


def safe_unzip(archive: Path, dest: Path) -> str:
    """Unpack ``archive`` into ``dest``; '' when done, else why it was refused."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > ZIP_MAX_FILES or sum(m.file_size for m in members) > ZIP_MAX_BYTES:
                return f"{archive.name} is too large to unpack"
            dest.mkdir(parents=True, exist_ok=True)
            for m in members:
                target = (dest / m.filename).resolve()
                link = (m.external_attr >> 16) & 0o170000 == 0o120000
                if m.is_dir() or not target.is_relative_to(dest.resolve()) or link:
                    continue  # folders are made as needed; no path escapes, no symlinks
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(m) as src, open(target, "wb") as out:
                    out.write(src.read(ZIP_MAX_BYTES))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return f"{archive.name} is not a readable zip file ({exc})"
    return ""


def _student_name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._@-]+", "_", text).strip("._-")
    return name or "unknown"


def discover(root: Path, exercises: list[str], unpack_dir: Path,
             only: list[str] | None = None, exclude: tuple[Path, ...] = ()) -> list[Found]:
    """Every (student, exercise) to grade under ``root``, in a stable order. Folders in
    ``exclude`` (the output folder, when it lies inside ``root``) are skipped."""
    root = root.resolve()
    skip = {p.resolve() for p in exclude}
    if (root / "submitted").is_dir():
        root = root / "submitted"
    candidates: dict[tuple[str, str], list[tuple[Path, bool, list[str]]]] = {}
    problems: dict[tuple[str, str], str] = {}
    students: set[str] = set()
    strays: dict[str, list[str]] = {}

    def add(student: str, exercise: str, path: Path, own: bool, notes: list[str] | None = None) -> None:
        candidates.setdefault((student, exercise), []).append((path, own, notes or []))

    def scan_student(student: str, folder: Path) -> None:
        students.add(student)
        for sub in sorted(p for p in folder.iterdir() if _visible(p)):
            if sub.is_dir():
                exercise = _exercise_in(sub.name, exercises)
                files = _files(sub)
                if exercise is None:  # an unknown folder: look at the file names inside
                    for f in files:
                        ex = _exercise_in(f.name, exercises)
                        if ex:
                            add(student, ex, f, False)
                        else:
                            strays.setdefault(student, []).append(str(f.relative_to(folder)))
                    continue
                if not files:
                    problems[(student, exercise)] = f"the folder {sub.name}/ holds no notebook or .py file"
                named = [f for f in files if f.stem == exercise and f.parent == sub]
                if named:  # <exercise>.ipynb is the submission; other files beside it are its helpers
                    files = named
                for f in files:
                    notes = []
                    if f.stem != exercise:
                        notes.append(f"expected {exercise}.ipynb; graded {f.relative_to(sub)} instead")
                    add(student, exercise, f, f.parent == sub, notes)
            elif sub.suffix in SUFFIXES:
                ex = _exercise_in(sub.name, exercises)
                if ex:
                    add(student, ex, sub, False)
                else:
                    strays.setdefault(student, []).append(sub.name)
            elif sub.suffix == ".zip":
                dest = unpack_dir / student / sub.stem
                why = safe_unzip(sub, dest)
                if why:
                    ex = _exercise_in(sub.name, exercises)
                    for e in ([ex] if ex else exercises):
                        problems.setdefault((student, e), why)
                else:
                    scan_student(student, dest)

    for entry in sorted(p for p in root.iterdir() if _visible(p) and p.resolve() not in skip):
        if entry.is_dir():
            scan_student(entry.name, entry)
        elif entry.suffix in SUFFIXES or entry.suffix == ".zip":
            exercise = _exercise_in(entry.name, exercises)
            stem = entry.stem
            if exercise:
                at = stem.lower().find(exercise.lower())
                if at < 0:
                    short = re.search(re.escape(exercise.split("_")[0]), stem.lower())
                    at = short.start() if short else 0
                prefix = stem[:at]
            else:
                prefix = stem
            # Canvas: name_12345_67890_file; Moodle-like: name_file. Keep the name part.
            student = _student_name(re.split(r"_\d+(_|$)", prefix.rstrip("_- "), maxsplit=1)[0])
            students.add(student)
            if entry.suffix == ".zip":
                dest = unpack_dir / student / stem
                why = safe_unzip(entry, dest)
                if why:
                    for e in ([exercise] if exercise else exercises):
                        problems.setdefault((student, e), why)
                    continue
                for f in _files(dest):
                    ex = _exercise_in(f.name, exercises) or exercise
                    if ex:
                        add(student, ex, f, False)
                    else:
                        strays.setdefault(student, []).append(f.name)
            elif exercise:
                add(student, exercise, entry, False)
            else:
                strays.setdefault(student, []).append(entry.name)

    scope = list(only) if only else sorted({e for (_, e) in candidates} | {e for (_, e) in problems}) or exercises
    found: list[Found] = []
    for student in sorted(students):
        for exercise in scope:
            options = candidates.get((student, exercise), [])
            if not options:
                missing = (student, exercise) not in problems
                problem = problems.get((student, exercise)) or f"no submission for {exercise}"
                if strays.get(student):
                    problem += f" (found {', '.join(strays[student][:5])}, which name no exercise)"
                found.append(Found(student, exercise, problem=problem, missing=missing))
                continue
            options.sort(key=lambda o: _rank(o[0], exercise))
            path, own, notes = options[0]
            refused = link_reason(path, root)
            if refused:  # a link's content may be another student's or the course's
                found.append(Found(student, exercise, problem=refused))
                continue
            notes = list(notes)
            if len(options) > 1:
                others = ", ".join(o[0].name for o in options[1:4])
                notes.append(f"{len(options)} files for {exercise}: graded {path.name}, not {others}")
                own = False
            found.append(Found(student, exercise, path, notes=notes, own_folder=own))
    return found

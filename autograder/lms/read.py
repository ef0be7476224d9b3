"""The pipeline from a download to what to grade: list the files, let the sources claim them,
unpack per-student zips, name each file's exercise, match the roster, choose the attempt.

Every file ends with a :class:`~autograder.lms.model.HandedFile` (its fate and why); every
student is a :class:`~autograder.lms.model.Submitter` keyed by the LMS's own id: two ids are
never merged and one id is never split, whatever the names say.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

from ..load.notebook_file import folder_reason, link_reason
from ..results import RESULTS_FILE, Inventory, is_results_folder
from .base import Claim, Listing, Source, claim_all, source, sources
from .model import Attempt, DownloadError, Fate, HandedFile, Submitter
from .names import SUFFIXES, counter, exercise_in, without_counter
from .nobody import a_download, course_folders
from .roster import Roster
from .zips import DOWNLOAD_MAX_BYTES, DOWNLOAD_MAX_FILES, safe_unzip

#: Editors' and systems' own files: listed as refused, never read.
SYSTEM = re.compile(r"(^\.|^__MACOSX$|^__pycache__$|\.ipynb_checkpoints|~$|^Thumbs\.db$)")
ATTEMPT_POLICIES = ("latest", "best")


@dataclass
class Download:
    """A download read: who handed in what, and what became of every file."""

    source: str  # the source that read it (detected or named)
    submitters: dict[str, Submitter]  # by lms_id
    #: Per (lms_id, exercise): its attempts, the one to grade first (the latest).
    attempts: dict[tuple[str, str], list[Attempt]]
    files: list[HandedFile]
    #: Roster students with no submission at all (their id, as the roster gives it).
    absent: list[Submitter] = field(default_factory=list)
    #: Problems that are no single file's: submissions no roster entry matches, ambiguous names.
    notes: list[str] = field(default_factory=list)
    #: (lms_id, exercise) whose only file could not be used (an unsafe zip, a link): why.
    problems: dict[tuple[str, str], str] = field(default_factory=dict)
    #: lms_id -> why, for a file that could have been a submission (a notebook, a module, a zip)
    #: but could not be used and names no exercise: said for each exercise the student has nothing else for.
    unplaced: dict[str, str] = field(default_factory=dict)

    def inventory(self) -> Inventory:
        """What results.json keeps of the download: every file's fate, and the notes."""
        return Inventory(self.source, list(self.files), list(self.notes))

    def to_json(self) -> dict[str, Any]:
        return self.inventory().to_json()


def _walk(root: Path, loops: list[Path], outputs: list[Path]) -> list[Path]:
    """Every file under ``root``, through linked folders too (once each), so that a linked
    folder's files are listed, claimed and refused with the reason, not lost. An earlier run's
    OUT (:func:`~autograder.results.is_results_folder`) is not walked into: it holds copies of the
    students' files, and read as a folder per student it would be one student of them all."""
    out: list[Path] = []
    for folder, dirs, names in os.walk(root, followlinks=True):
        here = Path(folder)
        real = os.path.realpath(here)
        above = [p for p in here.parents if p == root or root in p.parents]
        if len(here.relative_to(root).parts) > 30 or any(os.path.realpath(p) == real for p in above):
            dirs[:] = []  # a link back up: a loop
            loops.append(here)
            continue
        if here != root and RESULTS_FILE in names and is_results_folder(here):
            dirs[:] = []
            outputs.append(here)
            continue
        dirs.sort()
        out += [Path(folder) / n for n in names]
    return sorted(out)


def _list(root: Path, skip: set[Path]) -> tuple[list[PurePosixPath], list[HandedFile]]:
    files: list[PurePosixPath] = []
    system: list[HandedFile] = []
    loops: list[Path] = []
    outputs: list[Path] = []
    for path in _walk(root, loops, outputs):
        if any(p.resolve() == s for s in skip for p in [path, *path.parents] if p.is_relative_to(root)):
            continue
        rel = PurePosixPath(path.relative_to(root).as_posix())
        if any(SYSTEM.search(part) for part in rel.parts):
            system.append(HandedFile(str(rel), Fate.REFUSED, "an editor's or system's own file"))
        else:
            files.append(rel)
    system += [HandedFile(f"{loop.relative_to(root).as_posix()}/", Fate.REFUSED,
                          "a link to a folder above it (a loop): not read") for loop in loops]
    system += [HandedFile(f"{o.relative_to(root).as_posix()}/", Fate.REFUSED, "the output of an earlier "
                          "deepgrade grade (it holds its results.json): no student's, not read") for o in outputs
               if o.resolve() not in skip]  # this run's own OUT is left out without a word
    return files, system


def _time(path: Path, claim: Claim) -> datetime:
    if claim.submitted_at is not None:
        return claim.submitted_at if claim.submitted_at.tzinfo else claim.submitted_at.astimezone()
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "student"


def _inside(member: str) -> PurePosixPath | None:
    """Where a zip member that was not unpacked would lie, to name the student it belongs to: its
    path without the parts that lead out (``..``, a leading ``/``). None when nothing is left."""
    parts = [p for p in member.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return PurePosixPath(*parts) if parts else None


def _submission_like(name: str) -> bool:
    """A file that could have been a submission: a notebook, a module, or a zip of them."""
    return Path(name).suffix.lower() in (*SUFFIXES, ".zip")


def read_download(root: Path, exercises: list[str], unpack_dir: Path, *, source_name: str | None = None,
                  roster: Roster | None = None, exclude: tuple[Path, ...] = (),
                  attempts_policy: str = "latest") -> Download:
    """Read ``root`` (a folder, or a download's zip) into attempts per student and exercise.
    Raises :class:`DownloadError` when nothing in it can be graded."""
    root = Path(root)
    if root.is_file():
        if root.suffix.lower() != ".zip":
            raise DownloadError(f"{root} is a file, not a folder or a .zip download")
        target = unpack_dir / "download"
        unzipped = safe_unzip(root, target, DOWNLOAD_MAX_BYTES, DOWNLOAD_MAX_FILES)
        if unzipped.refused:
            raise DownloadError(unzipped.refused)
        root = target
    else:
        unzipped = None
    root = root.resolve()
    chosen: list[Source] = [source(source_name)] if source_name else list(sources().values())
    course = course_folders(root)
    names, files = _list(root, {p.resolve() for p in (*exclude, *course)})
    files += [HandedFile(f"{p.name}/" if p.is_dir() else p.name, Fate.REFUSED, "the nbgrader course's own: "
                         "only its submitted/ holds what students handed in") for p in course
              if not any(p.resolve() == e.resolve() for e in exclude)]
    # a member of the download that was not unpacked (a link, a path out, a name too long) is claimed
    # by its name like the others: it is one student's file, and that student gets a row saying why
    not_unpacked: dict[PurePosixPath, tuple[str, str]] = {}
    on_disk = set(names)
    for entry, why in unzipped.skipped if unzipped else []:
        rel = _inside(entry)
        if rel is None or rel in on_disk or rel in not_unpacked or any(SYSTEM.search(part) for part in rel.parts):
            files.append(HandedFile(entry, Fate.REFUSED, why))
        else:
            not_unpacked[rel] = (entry, why)
    names = sorted({*names, *not_unpacked})
    if not names:
        raise DownloadError(f"{root} holds no files" + (f" (only {len(files)} system file(s))" if files else ""))
    listing = Listing(root, names, list(exercises))
    claims, detected = claim_all(listing, chosen)
    label = source_name or detected

    attempts: list[Attempt] = []
    problems: dict[tuple[str, str], str] = {}
    unplaced: dict[str, str] = {}
    people: dict[str, Submitter] = {}
    nested: list[str] = []  # zips that are downloads of their own

    def meet(who: Submitter) -> None:
        """One student per id; the first name given for it (a receipt's, a metadata's) kept."""
        if who.lms_id not in people or (not people[who.lms_id].name and who.name):
            people[who.lms_id] = who

    def refuse(handed: str, claim: Claim, why: str, exercise: str | None, name: str) -> None:
        """A file of the student's that cannot be used: said, and where the student has nothing
        else for its exercise, their row gives this reason (never a student dropped in silence)."""
        files.append(HandedFile(handed, Fate.REFUSED, why, student=claim.submitter.key, exercise=exercise or ""))
        for who in (claim.submitter, *claim.members):  # a group's file is each member's
            meet(who)
            if exercise:
                problems.setdefault((who.lms_id, exercise), why)
            elif _submission_like(name):
                unplaced.setdefault(who.lms_id, why)

    def gradable(path: Path, handed: str, claim: Claim, name: str, hint: str | None, own: bool,
                 folders: tuple[str, ...]) -> None:
        who = claim.submitter
        meet(who)
        notebook_folder = next((f for f in folders if f.lower().endswith(".ipynb")), None)
        if notebook_folder is not None:  # what lies in it is not read as the submission: in no path
            refuse(handed, claim, folder_reason(notebook_folder),
                   exercise_in(Path(notebook_folder).stem, exercises) or exercise_in(Path(name).stem, exercises)
                   or hint, notebook_folder)
            return
        exercise = exercise_in(Path(name).stem, exercises) or hint
        if exercise is None:
            files.append(HandedFile(handed, Fate.REFUSED, f"names no exercise ({', '.join(exercises[:3])}, ...)",
                                    student=who.key))
            return
        if Path(name).suffix not in SUFFIXES:
            files.append(HandedFile(handed, Fate.REFUSED, "not a notebook (.ipynb) or Python module (.py)",
                                    student=who.key, exercise=exercise))
            return
        for member in (who, *claim.members):  # a group's submission is each member's
            meet(member)
            attempts.append(Attempt(submitter=member, exercise=exercise, path=path, name=name, handed=handed,
                                    submitted_at=_time(path, claim), lms_late=claim.lms_late,
                                    order=(*claim.order, counter(Path(name).stem)), own_folder=own))

    for rel in names:
        if rel not in claims and rel in not_unpacked:  # whose it is, no naming says: refused all the same
            files.append(HandedFile(not_unpacked[rel][0], Fate.REFUSED, not_unpacked[rel][1]))
            continue
        if rel not in claims:
            why = (f"no naming of {chosen[0].label} fits it" if source_name
                   else "no LMS's naming fits it (nor a folder per student, nor <student>_<exercise>)")
            files.append(HandedFile(str(rel), Fate.NOT_RECOGNISED, why))
            continue
        src, claim = claims[rel]
        path = listing.path(rel)
        exercise = exercise_in(Path(claim.name).stem, exercises) or claim.exercise_hint
        if rel in not_unpacked:
            refuse(not_unpacked[rel][0], claim, not_unpacked[rel][1], exercise, claim.name)
            continue
        refused = link_reason(path, root)  # a link's content may be another student's or the course's
        if refused:
            refuse(str(rel), claim, refused, exercise, claim.name)
            continue
        if claim.receipt:
            if claim.submitter.lms_id:  # a receipt alone (a text-only attempt) still names a student
                meet(claim.submitter)
            who = claim.submitter.key if claim.submitter.lms_id else ""
            if claim.unread:  # its students are named otherwise: said
                files.append(HandedFile(str(rel), Fate.REFUSED, claim.unread, student=who))
            else:
                files.append(HandedFile(str(rel), Fate.RECEIPT, f"{src.label}: read for who and when", student=who))
            continue
        if rel.suffix.lower() == ".zip":
            hint = exercise  # the zip's own name may name the exercise of all it holds
            dest = unpack_dir / _safe(claim.submitter.lms_id) / _safe(str(rel))
            inside = safe_unzip(path, dest)
            if inside.refused:
                refuse(str(rel), claim, inside.refused, hint, rel.name)
                continue
            inner, system = _list(dest, set())
            naming, count = a_download(dest, inner, exercises)
            if count:
                why = (f"{rel.name} holds the files of {count} students, named as {naming} names them: a download "
                       f"of its own, not one student's; grade it by itself (deepgrade grade {rel.name})")
                nested.append(str(rel))
                if src.lms or len(rel.parts) > 1:  # an LMS or a student's folder named its owner: their row says why
                    refuse(str(rel), claim, why, hint, rel.name)
                else:  # a zip at the top: the "student" is only the zip's name, no row of its own
                    files.append(HandedFile(str(rel), Fate.REFUSED, why))
                continue
            meet(claim.submitter)  # a zip of their own, even one that holds nothing to grade
            for name, reason in inside.skipped:
                refuse(f"{rel}/{name}", claim, reason, exercise_in(Path(name).stem, exercises) or hint, name)
            files.extend(replace(f, handed=f"{rel}/{f.handed}", student=claim.submitter.key) for f in system)
            for member in inner:
                gradable(dest / Path(*member.parts), f"{rel}/{member}", claim, member.name, hint, False,
                         member.parent.parts)
            continue
        gradable(path, str(rel), claim, claim.name, claim.exercise_hint, claim.own_folder is not None
                 and rel.parent.is_relative_to(claim.own_folder), rel.parent.parts)

    if not attempts and not problems and not unplaced:
        if nested:
            raise DownloadError(f"{', '.join(nested)} in {root} is a download of its own, not a student's zip: "
                                f"grade it by itself (deepgrade grade {root / nested[0]})")
        found = ", ".join(str(n) for n in names[:5]) + (", ..." if len(names) > 5 else "")
        raise DownloadError(f"nothing in {root} is a submission this grader recognises: {len(names)} file(s) "
                            f"({found}); exercises: {', '.join(exercises)}")

    download = Download(source=label, submitters={}, attempts={}, files=files)
    matched = _match_roster(people, roster, download)  # the download's id -> the student, as the roster knows them
    # two spellings the roster takes for one student are one student; a problem follows its student
    download.submitters = {who.lms_id: who for who in matched.values()}
    download.problems = {(matched[i].lms_id, e): why for (i, e), why in problems.items()}
    download.unplaced = {matched[i].lms_id: why for i, why in unplaced.items()}
    renamed = {people[i].key: who.key for i, who in matched.items()}  # a refused file names its student as rows do
    download.files = [replace(f, student=renamed.get(f.student, f.student)) for f in download.files]
    for a in attempts:
        a.submitter = matched[a.submitter.lms_id]
    _choose(attempts, download, attempts_policy == "best")
    for key, why in download.problems.items():  # another file for this exercise was refused: said with the grade
        for graded in download.attempts.get(key, [])[:1]:
            graded.notes.append(f"not graded: {why}")
    return download


def _match_roster(people: dict[str, Submitter], roster: Roster | None, download: Download) -> dict[str, Submitter]:
    """Names and ids from the roster: by id where the LMS gave one, by name where it gave none
    (Brightspace). A submission no roster entry matches is kept and reported."""
    if roster is None:
        return people
    if any(not who.id_known for who in people.values()) and not any(e.name for e in roster.entries):
        # every student would be matched to none and listed again as absent: each one twice
        raise DownloadError(f"the roster ({roster.kind}) gives no names, and this download names its students by "
                            "name only: give a roster with names (Brightspace's grades export with Last Name and "
                            "First Name, or a CSV with id and name)")
    out: dict[str, Submitter] = {}
    for lms_id, who in people.items():
        entry = roster.by_id(lms_id) if who.id_known else roster.by_name(who.name)
        if entry is None:
            ambiguous = not who.id_known and roster.ambiguous(who.name)
            download.notes.append(f"{who.key}: " + ("two students on the roster have this name; "
                                                    "kept apart, matched to neither" if ambiguous
                                                    else "no student on the roster has this id" if who.id_known
                                                    else "no student on the roster has this name"))
            out[lms_id] = who
            continue
        out[lms_id] = replace(who, lms_id=entry.lms_id, name=entry.name or who.name, id_known=True)
    if people and roster.entries and all(out[i] is who for i, who in people.items()):
        # no one matched: every student would be graded under the download's id and again at 0 as
        # absent, and the import file would set every mark to 0
        raise DownloadError(f"no student of the download is on the roster: its ids ({_some(sorted(people))}) are "
                            f"none of the roster's ({_some([e.lms_id for e in roster.entries])}). An anonymous "
                            "download (Canvas's anon_ ids, before anonymity is lifted), another course's or "
                            "section's roster, or a roster of other ids (emails, SIS ids)? Give this class's "
                            "roster, or grade without one")
    seen = {who.lms_id for who in out.values()}
    for e in roster.entries:  # one id is one student, however often the roster lists it
        if e.lms_id not in seen:
            seen.add(e.lms_id)
            download.absent.append(Submitter(lms_id=e.lms_id, name=e.name, source="roster"))
    return out


def _some(ids: list[str]) -> str:
    return ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")


def _choose(attempts: list[Attempt], download: Download, best: bool) -> None:
    """Group by (student id, exercise); the latest attempt (the LMS's time, then its order)
    goes first; the others are superseded (or, with ``--attempts best``, graded too)."""
    groups: dict[tuple[str, str], list[Attempt]] = {}
    for a in attempts:
        groups.setdefault((a.submitter.lms_id, a.exercise), []).append(a)
    for key, group in groups.items():
        named = [a for a in group if exercise_in(Path(a.name).stem, [a.exercise])]
        helpers = [a for a in group if a not in named and a.own_folder] if named else []
        candidates = [a for a in group if a not in helpers]
        candidates.sort(key=lambda a: (a.submitted_at or datetime.min.replace(tzinfo=timezone.utc), a.order,
                                       a.path.suffix == ".ipynb", a.handed), reverse=True)
        first = candidates[0]
        if without_counter(Path(first.name).stem) != first.exercise:
            first.notes.append(f"expected {first.exercise}.ipynb; graded {first.name} instead")
        if len(candidates) > 1:
            first.notes.append(f"{len(candidates)} files for {first.exercise}: graded {first.name} "
                               f"(the latest), not {', '.join(a.name for a in candidates[1:4])}")
        download.attempts[key] = candidates
        for a in candidates:
            if best:
                fate = Fate.GRADED
                why = f"one of {len(candidates)} attempts; the best counts" if len(candidates) > 1 else ""
            else:
                fate, why = ((Fate.GRADED, "") if a is first else
                             (Fate.SUPERSEDED, f"a later attempt was graded: {first.handed}"))
            download.files.append(HandedFile(a.handed, fate, why, student=a.submitter.key, exercise=a.exercise))
        for h in helpers:
            download.files.append(HandedFile(h.handed, Fate.GRADED, f"copied beside {first.name}",
                                             student=h.submitter.key, exercise=h.exercise))
        if len(candidates) > 1:
            first.own_folder = False  # its folder holds other attempts: copy the file alone

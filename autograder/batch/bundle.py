"""The course as one archive named by its content: how it reaches a cluster's workers.

A worker may share no file system with the grader that drives it, so the
course travels as bytes: a gzipped tar of ``solutions/``, ``exercises/`` and
``deepgrade.toml`` (:func:`make_bundle`), unpacked once per host into a folder
named by the archive's SHA-256 (:func:`unpack_bundle`). Invariants:

* The archive is deterministic: the same course gives the same bytes and the
  same digest (sorted names, fixed times and owners, no compression time
  stamp), so an unchanged course is never unpacked twice on a host.
* A folder ``deepgrade-course-<digest>`` holds exactly that archive's files or
  does not exist: it is unpacked beside, under a temporary name, then renamed
  into place (two workers racing leave one whole copy). Its content is checked
  against the digest before anything is written, and no member may leave the
  folder (only plain files and folders, relative names, no ``..``).
* The folder is readable by the worker's user only (mode 0700): a sandbox
  without a private file system (``rlimits``) running as another user cannot
  read the hidden checks.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..course import SETTINGS_FILE, Course

#: Fixed modification time of every member (2020-01-01): the digest depends on content only.
_MTIME = 1577836800
_SKIPPED = {"__pycache__", ".ipynb_checkpoints", ".git"}
#: The folder of unpacked courses, in a host's scratch parent (isolated.scratch_parent).
COURSES_FOLDER = "deepgrade-courses"


class BundleError(RuntimeError):
    """An archive that does not match its digest or holds something other than a course."""


@dataclass(frozen=True)
class CourseBundle:
    """A course's archive and its SHA-256 (hex)."""

    digest: str
    data: bytes

    @property
    def folder_name(self) -> str:
        return f"deepgrade-course-{self.digest[:32]}"


def course_files(course: Course) -> list[Path]:
    """What a worker needs of the course, sorted: solutions/, exercises/ (hidden files and
    caches left out) and the course settings."""
    files: list[Path] = []
    for top in (course.solutions_dir, course.exercises_dir):
        if not top.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED and not d.startswith("."))
            files += [Path(dirpath) / n for n in sorted(filenames)
                      if not n.startswith(".") and (Path(dirpath) / n).is_file()
                      and not (Path(dirpath) / n).is_symlink()]
    settings = course.root / SETTINGS_FILE
    if settings.is_file():
        files.append(settings)
    return sorted(files, key=lambda p: p.relative_to(course.root).as_posix())


def make_bundle(course: Course) -> CourseBundle:
    """The course's deterministic archive."""
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in course_files(course):
            data = path.read_bytes()
            info = tarfile.TarInfo(path.relative_to(course.root).as_posix())
            info.size, info.mtime, info.mode = len(data), _MTIME, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    data = raw.getvalue()
    return CourseBundle(hashlib.sha256(data).hexdigest(), data)


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = tar.getmembers()
    for member in members:
        name = PurePosixPath(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BundleError(f"the course archive holds {member.name!r}, which is not a plain file in it")
    return members


def unpack_bundle(bundle: CourseBundle, parent: Path) -> Path:
    """The folder (under ``parent``) holding the bundle's course, unpacked now if needed."""
    if hashlib.sha256(bundle.data).hexdigest() != bundle.digest:
        raise BundleError("the course archive does not match its digest (damaged in transit)")
    parent.mkdir(parents=True, exist_ok=True)
    target = parent / bundle.folder_name
    if target.is_dir():
        return target
    tmp = Path(tempfile.mkdtemp(prefix=f".{bundle.folder_name}-", dir=parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(bundle.data), mode="r:gz") as tar:
            members = _safe_members(tar)
            for member in members:
                dest = tmp / member.name
                if member.isdir():
                    dest.mkdir(parents=True, exist_ok=True)
                    continue
                dest.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None  # a regular file
                with source, open(dest, "wb") as out:
                    shutil.copyfileobj(source, out)
        os.chmod(tmp, 0o700)
        try:
            os.rename(tmp, target)
        except OSError:
            if not target.is_dir():  # not a lost race: a real failure
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target

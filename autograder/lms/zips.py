"""Opening a download's zip safely: no path leaves the target folder, no links, capped size and count.

Each member keeps its time from the zip (the LMS's time of the upload, where the LMS packs it so),
because the latest attempt is chosen by it when the name carries no date.

A member this machine cannot write (a name past the file system's 255 bytes, which an LMS makes
of a long upload name behind its own prefix; a file where another member needs a folder) is one
student's file: it is skipped and said, never the reason the whole download goes unread. So is a
member that is a link or whose path leads out of the folder: never unpacked, always said, so that
the reader can name the student it belongs to.
"""

from __future__ import annotations

import os
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

#: Refuse a student's zip that unpacks to more than this, or to more files than this.
ZIP_MAX_BYTES = 200 << 20
ZIP_MAX_FILES = 2000
#: The same for the download's own zip, the whole class's files: a course of 300 students handing in
#: ten files each, notebooks with their outputs, is past a student's limits and no zip bomb.
DOWNLOAD_MAX_BYTES = 20 << 30
DOWNLOAD_MAX_FILES = 200_000
#: How much of a member is read at once while unpacking.
CHUNK = 1 << 20


def _name(member: zipfile.ZipInfo) -> str:
    """The member's name as its packer meant it: zips without the UTF-8 flag are read as CP437 by
    the standard, but many packers wrote UTF-8 there anyway (accented names would come out garbled)."""
    if member.flag_bits & 0x800 or member.filename.isascii():
        return member.filename
    try:
        return member.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return member.filename


@dataclass
class Unzipped:
    """What unpacking a zip came to: why it was refused ('' when it was not), and the members
    skipped because they could not be written here (name, why)."""

    refused: str = ""
    skipped: list[tuple[str, str]] = field(default_factory=list)


def safe_unzip(archive: Path, dest: Path, max_bytes: int = ZIP_MAX_BYTES, max_files: int = ZIP_MAX_FILES) -> Unzipped:
    """Unpack ``archive`` into ``dest`` (nothing is raised: a bad zip is a student's problem, reported)."""
    done = Unzipped()
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > max_files or sum(m.file_size for m in members) > max_bytes:
                return Unzipped(f"{archive.name} is too large to unpack")
            dest.mkdir(parents=True, exist_ok=True)
            top = dest.resolve()
            written = 0
            for m in members:
                if m.is_dir():
                    continue  # folders are made as needed
                name = _name(m)
                base = name.rsplit("/", 1)[-1] or name  # named in the reason: the student reads it
                try:
                    target = (dest / name).resolve()
                    if (m.external_attr >> 16) & 0o170000 == 0o120000:
                        done.skipped.append((name, f"{base} is a link in the zip, not a file: not unpacked; "
                                                   "hand in the file itself"))
                        continue
                    if not target.is_relative_to(top) or target == top:
                        done.skipped.append((name, f"{base}: its path leads out of the zip's folder: not unpacked"))
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(m) as src, open(target, "wb") as out:
                        # in pieces, counted as they come: a lying header is caught here, and a
                        # download's member never sits whole in memory
                        while data := src.read(min(CHUNK, max_bytes - written + 1)):
                            written += len(data)
                            if written > max_bytes:
                                return Unzipped(f"{archive.name} is too large to unpack")
                            out.write(data)
                except (OSError, ValueError) as exc:  # this member only: the rest of the zip is read
                    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                    done.skipped.append((name, f"{base} could not be unpacked here ({reason})"))
                    continue
                try:
                    stamp = time.mktime((*m.date_time, 0, 0, -1))
                    os.utime(target, (stamp, stamp))
                except (OverflowError, ValueError, OSError):
                    pass
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        return Unzipped(f"{archive.name} is not a readable zip file ({exc})")
    return done

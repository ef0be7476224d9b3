"""A graded class as ``deepgrade grade`` leaves it in ``OUT/results.json``, typed.

Every command that reads a graded OUT (``report``, ``integrity``, ``export``, ``grade -v``)
reads it with :meth:`ClassResults.read`; ``deepgrade grade`` writes it with
:meth:`ClassResults.to_json`. The file's members only ever gain keys, never change meaning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .handed import HandedFile
from .record import Record

RESULTS_FILE = "results.json"


def is_results_folder(folder: Path) -> bool:
    """``folder`` is an OUT that ``deepgrade grade`` wrote (its results.json has this module's members).
    Inside a class's folder it is the output of an earlier run: its copies of the students' files
    (``unpacked/``) and its reports are nobody's submission."""
    path = folder / RESULTS_FILE
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > (256 << 20):
            return False
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and isinstance(data.get("submissions"), list) and "sandbox" in data


class ResultsError(FileNotFoundError):
    """OUT holds no results.json deepgrade can read: says which file and why (a usage error)."""


@dataclass
class Inventory:
    """What the download held and what became of every file."""

    source: str
    files: list[HandedFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "files": [f.to_json() for f in self.files], "notes": list(self.notes)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Inventory:
        return cls(source=str(data.get("source", "")), files=[HandedFile.from_json(f) for f in data.get("files", [])],
                   notes=[str(n) for n in data.get("notes", [])])


@dataclass
class ClassResults:
    """A class's records, in the class's order, and the facts of the run that graded them."""

    records: list[Record]
    #: The sandbox the run graded in, described.
    sandbox: str = ""
    #: None when the class was not read from a download.
    inventory: Inventory | None = None

    @property
    def students(self) -> list[str]:
        return sorted({r.student for r in self.records})

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"sandbox": self.sandbox, "submissions": [r.to_json(public=True) for r in self.records]}
        if self.inventory is not None:
            data["inventory"] = self.inventory.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClassResults:
        inventory = data.get("inventory")
        return cls(records=[Record.from_json(r) for r in data["submissions"]], sandbox=str(data.get("sandbox", "")),
                   inventory=Inventory.from_json(inventory) if isinstance(inventory, dict) else None)

    @classmethod
    def read(cls, out: Path) -> ClassResults:
        """``OUT/results.json``; :class:`ResultsError` (saying what to do) when it is absent or unreadable."""
        path = out / RESULTS_FILE
        if not path.is_file():
            raise ResultsError(f"no {RESULTS_FILE} in {out}: grade the class first (deepgrade grade ... --out {out})")
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ResultsError(f"{path} is not deepgrade's results ({type(exc).__name__}: {exc})") from exc

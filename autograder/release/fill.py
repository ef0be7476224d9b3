"""Filling a student notebook's answer cells, as a student would.

Used to build the example class and in tests: "the release with the solution
cells filled in" must score full marks every way it is graded.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_SOLUTION_REGION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n|^[ \t]*### END SOLUTION[ \t]*\n?", re.M)


def solution_code(source: str) -> str:
    """A solution cell's source without the nbgrader solution markers."""
    return _SOLUTION_REGION.sub("", source)


def _src(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def fill_notebook(release: Path, solution: Path | None = None, answers: dict[str, str] | None = None) -> dict:
    """The release notebook with answer cells (by nbgrader ``grade_id``) replaced.

    ``answers`` maps a grade_id to the code a student wrote; other answer cells
    get the solution's code when ``solution`` is given and stay stubs otherwise.
    """
    nb = json.loads(Path(release).read_text())
    reference = {}
    if solution is not None:
        for cell in json.loads(Path(solution).read_text())["cells"]:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid and cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                reference[gid] = solution_code(_src(cell))
    answers = answers or {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if not meta.get("solution"):
            continue
        if gid in answers:
            cell["source"] = answers[gid]
        elif gid in reference:
            cell["source"] = reference[gid]
    return nb


def write_notebook(nb: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")

"""The code a student wrote for one exercise, reduced to fingerprints, and pairs compared.

A submission's code is its notebook's cells as grading reads them (the
project's own loader: IPython syntax transformed, test and check cells left
out), normalised (:mod:`.tokens`), with every statement the release already
contains removed and every fingerprint the release contains dropped (MOSS's
base file). Fingerprints that many submissions share (the usual right answer
of a short exercise) are dropped per class too, as MOSS's ``-m`` does; what a
pair still shares is judged against the exercise's measured baseline
(:mod:`.baseline`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..load import CodeCell, SubmissionError, load_program
from ..load.notebook import read_notebook_cells
from ..load.notebook_file import read_notebook_file
from .fingerprints import Fingerprints, K, kgram_hashes, winnow
from .tokens import Unit, Where, canonical_order, cell_units, defined_names

#: A fingerprint in more than this share of a class's submissions (and more than MIN_COMMON of
#: them) is the common answer, not evidence.
COMMON_SHARE = 0.02
MIN_COMMON = 4


@dataclass(frozen=True)
class Release:
    """What the course handed out for an exercise: names that keep their spelling, the
    statements and the fingerprints that are nobody's own work."""

    kept: frozenset[str]
    units: frozenset[tuple[str, ...]]
    hashes: frozenset[int]

    @classmethod
    def from_cells(cls, cells: Iterable[CodeCell]) -> Release:
        cells = list(cells)
        kept = frozenset(defined_names(c.source for c in cells))
        units = [u for c in cells for u in cell_units(c, kept)]
        tokens = [t for u in canonical_order(units) for t in u.tokens]
        every = {int(h) for u in units for h in kgram_hashes(u.tokens)} | {int(h) for h in kgram_hashes(tokens)}
        return cls(kept, frozenset(u.tokens for u in units), frozenset(every))

    @classmethod
    def from_notebook(cls, path: Path) -> Release:
        return cls.from_cells(load_program(path).cells)

    @classmethod
    def empty(cls) -> Release:
        return cls(frozenset(), frozenset(), frozenset())


@dataclass(frozen=True)
class StudentCode:
    """One submission's own code: tokens (with their origins), fingerprints, and its cells' lines."""

    tokens: tuple[str, ...]
    origins: tuple[Where, ...]
    fingerprints: Fingerprints
    lines: dict[str, list[str]] = field(default_factory=dict)

    def span(self, start: int, stop: int) -> list[Where]:
        return list(self.origins[start:stop])


def student_code(cells: Iterable[CodeCell], release: Release) -> StudentCode:
    """Normalise, take out the release, fingerprint."""
    cells = list(cells)
    kept = release.kept | defined_names((c.source for c in cells if "import" in c.source), imports_only=True)
    units: list[Unit] = []
    for cell in cells:
        units += [u for u in cell_units(cell, frozenset(kept)) if u.tokens not in release.units]
    ordered = canonical_order(units)
    tokens = tuple(t for u in ordered for t in u.tokens)
    origins = tuple(o for u in ordered for o in u.origins)
    prints = winnow(kgram_hashes(tokens))
    if release.hashes and len(prints):
        own = np.array([int(h) not in release.hashes for h in prints.hashes], dtype=bool)
        prints = Fingerprints(prints.hashes[own], prints.positions[own])
    return StudentCode(tokens, origins, prints, {c.label: c.source.splitlines() for c in cells})


def read_student_code(path: Path, release: Release) -> StudentCode:
    """A notebook or module as the grader read it; an unreadable file has no code."""
    try:
        if path.suffix == ".ipynb":  # the cells as grading reads them (links refused, sizes limited)
            return student_code(read_notebook_cells(read_notebook_file(path).notebook, path.name), release)
        return student_code(load_program(path).cells, release)
    except (SubmissionError, OSError, UnicodeDecodeError):
        return student_code([], release)


@dataclass(frozen=True)
class CodeMatch:
    """Two submissions' shared fingerprints, after the release and the class's common ones."""

    a: str
    b: str
    shared: int
    own_a: int  # fingerprints of a's own (not the release's, not the class's common ones)
    own_b: int
    #: (position in a, position in b) of each shared fingerprint: the k-gram's first token.
    matches: tuple[tuple[int, int], ...] = ()

    @property
    def share(self) -> float:
        """Shared fingerprints over the smaller side's own: 1.0 when one contains the other."""
        smaller = min(self.own_a, self.own_b)
        return self.shared / smaller if smaller else 0.0

    @property
    def evidence(self) -> float:
        """Shared fingerprints weighted by their share: a copy shares much, and nearly all of the
        smaller side; independent answers share a little, or a little of much."""
        return self.shared * self.share


def common_limit(submissions: int) -> int:
    return max(MIN_COMMON, math.ceil(COMMON_SHARE * submissions))


def compare_code(codes: dict[str, StudentCode]) -> list[CodeMatch]:
    """Every pair that shares at least one uncommon fingerprint (others share nothing)."""
    where: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for key, code in codes.items():
        seen: set[int] = set()
        for h, pos in zip(code.fingerprints.hashes.tolist(), code.fingerprints.positions.tolist(), strict=True):
            if h not in seen:
                seen.add(h)
                where[h].append((key, pos))
    limit = common_limit(len(codes))
    own: dict[str, int] = defaultdict(int)
    pairs: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for holders in where.values():
        if len(holders) > limit:
            continue
        for key, _ in holders:
            own[key] += 1
        for i, (ka, pa) in enumerate(holders):
            for kb, pb in holders[i + 1:]:
                a, b, pos = (ka, kb, (pa, pb)) if ka < kb else (kb, ka, (pb, pa))
                pairs[(a, b)].append(pos)
    return [CodeMatch(a, b, len(m), own[a], own[b], tuple(sorted(m))) for (a, b), m in pairs.items()]


def _cell_order(label: str) -> tuple[int, str]:
    number = label.rsplit(" ", 1)[-1].strip("[]")
    return (int(number), label) if number.isdigit() else (1 << 30, label)


def aligned_blocks(match: CodeMatch, a: StudentCode, b: StudentCode,
                   limit: int = 12) -> list[tuple[list[Where], list[Where]]]:
    """The shared code side by side, a block per cell of ``a`` in notebook order: the lines of
    that cell that shared k-grams cover, beside the lines of ``b`` that the same tokens come
    from (a k-gram is the same tokens in both, so token ``i`` of one is token ``i`` of the other)."""
    blocks: dict[str, tuple[set[Where], set[Where]]] = {}
    for pa, pb in match.matches:
        for mine, theirs in zip(a.span(pa, pa + K), b.span(pb, pb + K), strict=False):
            block = blocks.setdefault(mine.cell, (set(), set()))
            block[0].add(mine)
            block[1].add(theirs)
    place = lambda w: (_cell_order(w.cell), w.line)  # noqa: E731
    return [(sorted(blocks[c][0], key=place), sorted(blocks[c][1], key=place))
            for c in sorted(blocks, key=_cell_order)[:limit]]

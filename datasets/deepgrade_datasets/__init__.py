"""Offline, deterministic data sets for the deepgrade deep-learning exercises.

>>> from deepgrade_datasets import load_banknotes, load_mnist, load_movie_reviews
>>> x, y = load_banknotes()                      # (1372, 2) float64, (1372,) int64
>>> (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = load_mnist()
>>> reviews = load_movie_reviews(); x_tr, y_tr = reviews.train

Where data comes from is controlled by ``DEEPGRADE_DATA``, ``DEEPGRADE_CACHE``
and ``DEEPGRADE_OFFLINE`` (see :mod:`deepgrade_datasets.paths`).
"""

from .banknotes import load_banknotes
from .errors import DataIntegrityError, DataUnavailable
from .mnist import load_mnist
from .movie_reviews import TextSplits, load_movie_reviews
from .paths import cache_dir, data_dir, offline
from .splits import Split, Splits

__all__ = [
    "DataIntegrityError",
    "DataUnavailable",
    "Split",
    "Splits",
    "TextSplits",
    "cache_dir",
    "data_dir",
    "load_banknotes",
    "load_mnist",
    "load_movie_reviews",
    "offline",
]

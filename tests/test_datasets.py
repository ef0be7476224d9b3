"""Tests of the deepgrade_datasets loaders.

Data comes from ``DEEPGRADE_DATA`` (default: ``../shared/data`` beside the
repository); downloads are always forbidden or faked here, and parsed caches
go to a per-session temporary directory so runs are fast and leave ``~`` alone.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
from pathlib import Path

import numpy as np
import pytest

import deepgrade_datasets as dd
from deepgrade_datasets import banknotes, download, mnist, movie_reviews
from deepgrade_datasets.errors import DataIntegrityError, DataUnavailable

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("DEEPGRADE_DATA") or REPO_ROOT / ".." / "shared" / "data").resolve()
BANKNOTE_FILE = "data_banknote_authentication.txt"
BANKNOTE_URL = "https://archive.ics.uci.edu/ml/machine-learning-databases/00267/data_banknote_authentication.txt"


def fingerprint(*arrays: np.ndarray) -> str:
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(np.ascontiguousarray(array, dtype="<i8").tobytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("deepgrade-cache")


@pytest.fixture(autouse=True)
def data_env(monkeypatch: pytest.MonkeyPatch, session_cache: Path) -> None:
    """Real data dir, shared session cache, downloads forbidden and the network cut."""
    monkeypatch.setenv("DEEPGRADE_DATA", str(SHARED_DATA))
    monkeypatch.setenv("DEEPGRADE_CACHE", str(session_cache))
    monkeypatch.setenv("DEEPGRADE_OFFLINE", "1")

    def no_network(url: str) -> bytes:
        raise AssertionError(f"test tried to download {url}")

    monkeypatch.setattr(download, "fetch_bytes", no_network)


@pytest.fixture
def empty_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Path, Path]:
    """Empty data dir and empty cache dir: the banknote file is nowhere."""
    data, cache = tmp_path / "data", tmp_path / "cache"
    data.mkdir()
    monkeypatch.setenv("DEEPGRADE_DATA", str(data))
    monkeypatch.setenv("DEEPGRADE_CACHE", str(cache))
    return data, cache


def banknote_bytes() -> bytes:
    return (SHARED_DATA / BANKNOTE_FILE).read_bytes()


# ------------------------------------------------------------------ paths


def test_env_vars_choose_directories(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DEEPGRADE_CACHE", str(tmp_path / "c"))
    monkeypatch.setenv("DEEPGRADE_DATA", str(tmp_path / "d"))
    assert dd.cache_dir() == tmp_path / "c"
    assert dd.data_dir() == tmp_path / "d"
    monkeypatch.delenv("DEEPGRADE_DATA")
    assert dd.data_dir() == dd.cache_dir()
    monkeypatch.delenv("DEEPGRADE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert dd.cache_dir() == tmp_path / "xdg" / "deepgrade"
    for value, expected in [("1", True), ("true", True), ("0", False), ("", False)]:
        monkeypatch.setenv("DEEPGRADE_OFFLINE", value)
        assert dd.offline() is expected


def test_relative_data_dir_is_resolved_against_cwd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)
    monkeypatch.setenv("DEEPGRADE_DATA", "../shared/data")
    assert dd.data_dir() == (REPO_ROOT / ".." / "shared" / "data").resolve()


# -------------------------------------------------------------- banknotes


def test_banknotes_course_columns() -> None:
    x, y = dd.load_banknotes()
    assert x.shape == (1372, 2) and x.dtype == np.float64
    assert y.shape == (1372,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [762, 610]
    # First file line: 3.6216,8.6661,-2.8073,-0.44699,0 -> skewness, entropy.
    assert x[0].tolist() == [8.6661, -0.44699] and y[0] == 0
    assert y[-1] == 1


def test_banknotes_all_features_match_course_columns() -> None:
    x4, y4 = dd.load_banknotes(all_features=True)
    x2, y2 = dd.load_banknotes()
    assert x4.shape == (1372, 4)
    assert x4[0].tolist() == [3.6216, 8.6661, -2.8073, -0.44699]
    np.testing.assert_array_equal(x4[:, [1, 3]], x2)
    np.testing.assert_array_equal(y4, y2)


def test_missing_banknotes_offline_gives_clear_error(empty_dirs: tuple[Path, Path]) -> None:
    data, _ = empty_dirs
    with pytest.raises(DataUnavailable) as info:
        dd.load_banknotes()
    assert isinstance(info.value, FileNotFoundError)
    message = str(info.value)
    for needed in (BANKNOTE_FILE, "DEEPGRADE_DATA", "DEEPGRADE_OFFLINE", BANKNOTE_URL, str(data)):
        assert needed in message


def test_missing_data_dir_is_named_in_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DEEPGRADE_DATA", str(tmp_path / "typo"))
    monkeypatch.setenv("DEEPGRADE_CACHE", str(tmp_path / "cache"))
    with pytest.raises(DataUnavailable, match="does not exist"):
        dd.load_banknotes()


def test_offline_mode_never_calls_network(monkeypatch: pytest.MonkeyPatch, empty_dirs: tuple[Path, Path]) -> None:
    calls: list[str] = []
    monkeypatch.setattr(download, "fetch_bytes", lambda url: calls.append(url) or banknote_bytes())
    with pytest.raises(DataUnavailable, match="downloads are disabled"):
        dd.load_banknotes()
    assert calls == []


def test_download_accepts_other_formatting_and_caches(
    monkeypatch: pytest.MonkeyPatch, empty_dirs: tuple[Path, Path]
) -> None:
    """A copy with LF line ends and a header row parses to the same array, so it is accepted."""
    data, cache = empty_dirs
    monkeypatch.delenv("DEEPGRADE_OFFLINE")
    other_copy = b"variance,skewness,curtosis,entropy,class\n" + banknote_bytes().replace(b"\r\n", b"\n")
    calls: list[str] = []
    monkeypatch.setattr(download, "fetch_bytes", lambda url: calls.append(url) or other_copy)

    x, y = dd.load_banknotes()
    assert calls == [BANKNOTE_URL]
    assert x.shape == (1372, 2) and np.bincount(y).tolist() == [762, 610]
    assert (cache / "downloads" / BANKNOTE_FILE).read_bytes() == other_copy
    assert list(data.iterdir()) == []  # the data dir is never written

    monkeypatch.setattr(download, "fetch_bytes", lambda url: pytest.fail("downloaded twice"))
    x_again, _ = dd.load_banknotes()
    np.testing.assert_array_equal(x_again, x)


def test_download_with_wrong_values_is_rejected_and_not_cached(
    monkeypatch: pytest.MonkeyPatch, empty_dirs: tuple[Path, Path]
) -> None:
    _, cache = empty_dirs
    monkeypatch.delenv("DEEPGRADE_OFFLINE")
    tampered = banknote_bytes().replace(b"3.6216,8.6661", b"3.6216,8.6662", 1)
    monkeypatch.setattr(download, "fetch_bytes", lambda url: tampered)
    with pytest.raises(DataIntegrityError, match="fingerprint"):
        dd.load_banknotes()
    assert not (cache / "downloads" / BANKNOTE_FILE).exists()


def test_network_failure_is_data_unavailable(monkeypatch: pytest.MonkeyPatch, empty_dirs: tuple[Path, Path]) -> None:
    monkeypatch.delenv("DEEPGRADE_OFFLINE")

    def unreachable(url: str) -> bytes:
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(download, "fetch_bytes", unreachable)
    with pytest.raises(DataUnavailable, match="Could not download .*no route to host"):
        dd.load_banknotes()


@pytest.mark.parametrize(
    "content, complaint",
    [
        (b"", "shape"),
        (b"3.6,8.6,-2.8,-0.4,0\r\n1,2,3\r\n", "expected 5"),
        (b"3.6,8.6,-2.8,-0.4,0\r\n1,2,x,4,0\r\n", "not numeric"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
    ],
)
def test_broken_local_file_gives_integrity_error(
    content: bytes, complaint: str, empty_dirs: tuple[Path, Path]
) -> None:
    data, _ = empty_dirs
    (data / BANKNOTE_FILE).write_bytes(content)
    with pytest.raises(DataIntegrityError, match=complaint) as info:
        dd.load_banknotes()
    assert BANKNOTE_FILE in str(info.value)


def test_class_counts_are_checked(empty_dirs: tuple[Path, Path]) -> None:
    data, _ = empty_dirs
    lines = banknote_bytes().split(b"\r\n")
    lines[0] = lines[0][:-1] + b"1"  # relabel the first genuine note as forged
    (data / BANKNOTE_FILE).write_bytes(b"\r\n".join(lines))
    with pytest.raises(DataIntegrityError, match="class counts"):
        dd.load_banknotes()


# ------------------------------------------------------------------ mnist


def test_mnist_shapes_ranges_and_balance() -> None:
    data = dd.load_mnist()
    expected = {"train": 3500, "validation": 500, "test": 1000}
    for name, split in zip(("train", "validation", "test"), data):
        assert split.x.shape == (expected[name], 28, 28)
        assert split.x.dtype == np.float32 and split.y.dtype == np.int64
        assert split.x.min() == 0.0 and split.x.max() == 1.0
        assert np.bincount(split.y, minlength=10).tolist() == [expected[name] // 10] * 10
        assert len(split) == expected[name]


def test_mnist_unpacks_like_keras() -> None:
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = dd.load_mnist()
    assert x_train.shape[0] == y_train.shape[0] == 3500
    assert x_val.shape[0] == 500 and x_test.shape[0] == 1000


def test_mnist_is_shuffled_and_splits_disjoint() -> None:
    data = dd.load_mnist()
    assert np.any(np.diff(data.train.y) < 0)  # source file is sorted by label
    assert len(set(data.train.y[:30].tolist())) >= 8
    indices = np.concatenate([s.index for s in data])
    assert len(np.unique(indices)) == 5000 and indices.min() == 0 and indices.max() == 4999
    # Labels match the source rows the index claims (source is sorted: row // 500 = digit).
    for split in data:
        np.testing.assert_array_equal(split.y, split.index // 500)


def test_mnist_deterministic_across_cache_and_rebuild(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cached = dd.load_mnist()
    monkeypatch.setenv("DEEPGRADE_CACHE", str(tmp_path / "fresh"))
    rebuilt = dd.load_mnist()
    for a, b in zip(cached, rebuilt):
        np.testing.assert_array_equal(a.x, b.x)
        np.testing.assert_array_equal(a.y, b.y)
        np.testing.assert_array_equal(a.index, b.index)
    # Same rows on every machine and NumPy version (legacy RandomState stream).
    assert fingerprint(*(s.index for s in rebuilt)) == "717abf5b710d3e92"


def test_mnist_second_load_uses_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    dd.load_mnist()
    monkeypatch.setattr(mnist, "_build", lambda path: pytest.fail("parsed again instead of using the cache"))
    assert len(dd.load_mnist().train) == 3500


def test_changed_split_sizes_do_not_reuse_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(dd.load_mnist().train) == 3500  # cached now
    original = mnist.entry

    def smaller_train(name: str) -> dict:
        spec = original(name)
        spec["split_sizes"]["train"] = 3000
        return spec

    monkeypatch.setattr(mnist, "entry", smaller_train)
    data = dd.load_mnist()
    assert len(data.train) == 3000 and len(data.test) == 1000


def test_unwritable_cache_still_loads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("DEEPGRADE_CACHE", str(blocker / "cache"))
    assert len(dd.load_mnist().test) == 1000


def test_mnist_rejects_unknown_source() -> None:
    with pytest.raises(ValueError, match="source"):
        dd.load_mnist(source="kaggle")  # type: ignore[arg-type]


def test_full_mnist_respects_offline_switch() -> None:
    with pytest.raises(DataUnavailable, match="DEEPGRADE_OFFLINE"):
        dd.load_mnist(source="full")


# ---------------------------------------------------------- movie reviews


def test_movie_reviews_shapes_and_vocabulary() -> None:
    data = dd.load_movie_reviews()
    assert data.vocab_size == 5000 and data.maxlen == 150
    assert data.vocabulary[:4] == ("<pad>", "<oov>", "the", "and")
    assert len(set(data.vocabulary)) == data.vocab_size
    for split, n in zip(data, (6000, 1000, 2000)):
        assert split.x.shape == (n, 150) and split.x.dtype == np.int32
        assert split.x.min() >= 0 and split.x.max() < data.vocab_size
        assert np.bincount(split.y).tolist() == [n // 2, n // 2]
        assert np.all(split.x[:, -1] > 0)  # padding is at the front, text at the end
    assert data.train.x.max() == data.vocab_size - 1


def test_movie_reviews_parameters() -> None:
    data = dd.load_movie_reviews(num_words=100, maxlen=20)
    assert data.train.x.shape == (6000, 20) and data.train.x.max() == 99
    assert data.vocab_size == 100
    np.testing.assert_array_equal(data.test.index, dd.load_movie_reviews().test.index)


def test_movie_reviews_splits_disjoint() -> None:
    data = dd.load_movie_reviews()
    sets = [set(s.index.tolist()) for s in data]
    assert sum(map(len, sets)) == len(set.union(*sets)) == 9000
    train_rows = {row.tobytes() for row in data.train.x}
    assert not any(row.tobytes() in train_rows for row in data.test.x)


def test_movie_reviews_deterministic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cached = dd.load_movie_reviews()
    monkeypatch.setenv("DEEPGRADE_CACHE", str(tmp_path / "fresh"))
    rebuilt = dd.load_movie_reviews()
    assert cached.vocabulary == rebuilt.vocabulary
    for a, b in zip(cached, rebuilt):
        np.testing.assert_array_equal(a.x, b.x)
        np.testing.assert_array_equal(a.y, b.y)
    assert fingerprint(*(s.index for s in rebuilt)) == "082228c022856097"
    assert fingerprint(rebuilt.train.x, rebuilt.test.x) == "552e989b674229db"


def test_movie_reviews_encode_decode() -> None:
    data = dd.load_movie_reviews()
    encoded = data.encode(["This movie was GREAT!<br />Zyxwvut."])
    assert encoded.shape == (1, 150) and encoded[0, -1] == 1  # unknown word -> OOV
    assert data.decode(encoded[0]) == "this movie was great <oov>"
    assert data.decode(data.train.x[0]).split()[-1] in data.vocabulary

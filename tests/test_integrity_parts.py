"""The integrity report's parts: normalisation, the release taken out, fingerprints, model statistics,
the page, and the command on a graded folder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from autograder.cli import main
from autograder.integrity.code import (
    Release,
    aligned_blocks,
    common_limit,
    compare_code,
    read_student_code,
    student_code,
)
from autograder.integrity.fingerprints import K, W, kgram_hashes, token_hash, winnow
from autograder.integrity.models import both_wrong, pack_labels, shared_errors, unpack_labels
from autograder.integrity.page import integrity_json, integrity_page
from autograder.integrity.report import ModelEvidence, Submission, exercise_release, report_exercise
from autograder.integrity.tokens import canonical_order, cell_units
from autograder.load import program_from_sources
from autograder.release.fill import fill_notebook, write_notebook
from autograder.score import CheckResult, ModelTrace, Status

KEPT = frozenset({"np", "sigmoid"})

ORIGINAL = ["def sigmoid(z):\n    # the logistic function\n    s = 1 / (1 + np.exp(-z))\n    return s\n",
            "def helper(values, k):\n    total = 0\n    for v in values:\n        total += v * k\n    return total\n",
            "xs = np.linspace(-3, 3, 11)\nprint(sigmoid(xs).round(2))\n"]
DISGUISED = ["xs_other = np.linspace(-3, 3, 11)\nprint(sigmoid(xs_other).round(2))\n",  # cells moved
             "def my_sum(arr, factor):   # renamed, other comments\n    acc = 0\n    for item in arr:\n"
             "        acc += item * factor\n\n    return acc\n",
             'def sigmoid(t):\n    """docstring added"""\n    out = 1 / (1 + np.exp(-t))\n    return out\n']


def tokens_of(sources: list[str], kept: frozenset[str] = KEPT) -> tuple[str, ...]:
    units = [u for c in program_from_sources(sources).cells for u in cell_units(c, kept)]
    return tuple(t for u in canonical_order(units) for t in u.tokens)


def test_names_comments_whitespace_and_order_do_not_change_the_tokens():
    assert tokens_of(ORIGINAL) == tokens_of(DISGUISED)


def test_what_a_program_does_changes_the_tokens():
    changed = [ORIGINAL[0].replace("1 + np.exp", "2 + np.exp"), *ORIGINAL[1:]]
    assert tokens_of(changed) != tokens_of(ORIGINAL)
    swapped = [ORIGINAL[0].replace("np.exp", "np.tanh"), *ORIGINAL[1:]]
    assert tokens_of(swapped) != tokens_of(ORIGINAL)


def test_names_the_release_defines_keep_their_spelling():
    tokens = tokens_of(["y = sigmoid(np.zeros(3))\nz = mystery(np.zeros(3))\n"])
    assert "sigmoid" in tokens and ".zeros" in tokens and "np" in tokens
    assert "mystery" not in tokens and "v0" in tokens


def test_ipython_syntax_is_read_as_jupyter_runs_it():
    assert tokens_of(["%matplotlib inline\nxs = np.arange(4)\n"]) == tokens_of(["xs = np.arange(4)\n"])[:0] + \
        tokens_of(["get_ipython().run_line_magic('matplotlib', 'inline')\nxs = np.arange(4)\n"])


def test_code_the_release_contains_is_nobodys(course, tmp_path):
    exercise = course.exercise("ex01_sigmoid")
    release = exercise_release(exercise)
    assert len(read_student_code(exercise.student_notebook, release).fingerprints) == 0
    solved = tmp_path / "solved.ipynb"
    write_notebook(fill_notebook(exercise.student_notebook, exercise.solution_notebook), solved)
    own = read_student_code(solved, release)
    assert len(own.fingerprints) > 0
    assert "sigmoid" in own.tokens  # the name the exercise asks for, kept
    assert "grade" not in own.tokens  # test and check cells are left out, as grading does


def test_fingerprints_are_stable_and_a_long_shared_run_always_shares_one():
    assert token_hash("np") == token_hash("np") != token_hash("nq")
    rng = np.random.default_rng(0)
    vocabulary = [f"t{i}" for i in range(50)]
    run = [str(rng.choice(vocabulary)) for _ in range(K + W - 1)]
    for _ in range(20):
        a = [str(rng.choice(vocabulary)) for _ in range(int(rng.integers(0, 40)))] + run
        b = run + [str(rng.choice(vocabulary)) for _ in range(int(rng.integers(0, 40)))]
        fa, fb = winnow(kgram_hashes(a)), winnow(kgram_hashes(b))
        assert set(fa.hashes.tolist()) & set(fb.hashes.tolist())
    assert len(kgram_hashes(run[: K - 1])) == 0


def test_winnowing_keeps_about_two_in_w_plus_one():
    hashes = kgram_hashes([f"t{i}" for i in range(2000)])
    kept = len(winnow(hashes))
    assert 0.25 * len(hashes) < kept < 0.55 * len(hashes)  # 2 / (W + 1) = 0.4 expected


def test_a_disguised_copy_shares_everything_and_a_different_answer_little():
    release = Release(KEPT, frozenset(), frozenset())
    other = ["def sigmoid(z):\n    return np.exp(z) / (np.exp(z) + 1)\n",
             "for k in range(4):\n    print(k, k ** 3, 'cubes')\n"]
    codes = {name: student_code(program_from_sources(src).cells, release)
             for name, src in (("a", ORIGINAL), ("b", DISGUISED), ("c", other))}
    matches = {(m.a, m.b): m for m in compare_code(codes)}
    assert matches[("a", "b")].share == 1.0 and matches[("a", "b")].shared == len(codes["a"].fingerprints)
    assert ("a", "c") not in matches and ("b", "c") not in matches
    # side by side: each of a's cells beside the lines of b that the same tokens come from
    shown = {blk[0][0].cell: ({(w.cell, w.line) for w in blk[0]}, {(w.cell, w.line) for w in blk[1]})
             for blk in aligned_blocks(matches[("a", "b")], codes["a"], codes["b"])}
    assert shown["In [1]"][1] >= {("In [3]", 3), ("In [3]", 4)}  # s = 1 / ... and return s, renamed
    assert ("In [3]", 3) in shown["In [1]"][1] and ("In [1]", 3) in shown["In [1]"][0]
    assert shown["In [3]"][1] == {("In [1]", 1), ("In [1]", 2)}  # the cell b moved to the front


def test_fingerprints_most_of_a_class_shares_are_the_common_answer():
    release = Release(KEPT, frozenset(), frozenset())
    common = ORIGINAL[:2]
    codes = {f"s{i}": student_code(program_from_sources(common + [f"print({i} * {i + 7} - {i % 3})\n"]).cells,
                                   release) for i in range(12)}
    assert common_limit(12) < 12
    assert compare_code(codes) == []  # what all twelve share is dropped; what remains is their own


def test_shared_errors_count_the_same_wrong_answers():
    labels = np.array([0, 1, 2, 3, 4, 5, 6, 7])
    a = np.array([0, 1, 9, 9, 4, 5, 6, 0])  # wrong at 2, 3, 7
    b = np.array([0, 1, 9, 8, 4, 0, 6, 7])  # wrong at 2, 3, 5
    s = shared_errors(a, b, labels)
    assert (s.same, s.union, s.errors_a, s.errors_b) == (1, 4, 3, 3)
    assert s.share == 0.25
    assert both_wrong(a, b, labels).tolist() == [2]
    assert shared_errors(a, a, labels).share == 1.0
    assert shared_errors(labels, labels, labels).share == 0.0  # no mistakes: no evidence
    with pytest.raises(ValueError):
        shared_errors(a, b[:3], labels)


def test_predictions_pack_into_a_short_string_and_back():
    labels = np.random.default_rng(1).integers(0, 10, 1000)
    packed = pack_labels(labels)
    assert len(packed) <= 1336 and np.array_equal(unpack_labels(packed), labels)
    with pytest.raises(ValueError):
        pack_labels(np.array([300]))


def test_identical_weights_are_flagged_whatever_the_predictions(course):
    labels = np.arange(100) % 10
    rng = np.random.default_rng(3)
    noisy = [np.where(rng.random(100) < 0.2, (labels + 1) % 10, labels) for _ in range(3)]
    subs = [Submission("a", "ex05_mlp", model=ModelEvidence(noisy[0], "w1", "h1")),
            Submission("b", "ex05_mlp", model=ModelEvidence(noisy[1], "w1", "h2")),
            Submission("c", "ex05_mlp", model=ModelEvidence(noisy[2], "w3", "h3"))]
    report = report_exercise("ex05_mlp", subs, Release.empty(), labels)
    assert [(p.a, p.b) for p in report.pairs] == [("a", "b")]
    assert report.pairs[0].model is not None and report.pairs[0].model.same_weights
    assert not report.pairs[0].errors_flagged


def test_the_page_is_inert_and_escapes_what_students_wrote(tmp_path):
    hostile = '<script>alert(1)</script>'
    nbs = []
    for name in (hostile, "bob"):
        path = tmp_path / f"{len(nbs)}.py"
        path.write_text("".join(ORIGINAL) + f"print({hostile!r})\n")
        nbs.append(Submission(name, "ex01_sigmoid", path=path))
    report = report_exercise("ex01_sigmoid", nbs, Release(KEPT, frozenset(), frozenset()))
    assert len(report.pairs) == 1
    page = integrity_page([report])
    assert "<script" not in page.lower() and "default-src 'none'" in page
    assert "&lt;script&gt;" in page
    twin = integrity_json([report])
    assert twin["exercises"][0]["pairs"][0]["flags"]["code"] is True


def test_the_command_reads_a_graded_folder_and_writes_both_files(tmp_path, course, capsys):
    exercise = course.exercise("ex01_sigmoid")
    entries = []
    cal = {"sigmoid": "def sigmoid(z):\n    e = np.exp(z)\n    return e / (e + 1.0)\n",
           "predict-no-hidden": "def predict_no_hidden(X, W, b):\n    return sigmoid(np.dot(X, W) + b)\n",
           "p-fake": "p_fake = float(sigmoid(np.array([0.7 * 0.4 - 1.0]))[0])\n"}
    for student in ("ann", "bea", "cal"):
        nb = fill_notebook(exercise.student_notebook, exercise.solution_notebook, cal if student == "cal" else None)
        own = ("values = np.linspace(-7, 7, 29)\nfor v in values[::4]:\n    print(v, sigmoid(v) * 100, 'percent')\n"
               "extra = [sigmoid(k / 3) for k in range(17)]\nprint(sum(extra) / 17, max(extra) - min(extra))\n")
        if student == "cal":
            own = "print(sigmoid(np.array([0.5, -2.0])))\n"
        nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                            "source": own})
        path = tmp_path / "class" / student / "ex01_sigmoid.ipynb"
        write_notebook(nb, path)
        entries.append({"student": student, "exercise": "ex01_sigmoid", "score": 1, "max_score": 1,
                        "checks": [], "notes": [], "submission": str(path)})
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text(json.dumps({"sandbox": "", "submissions": entries}))
    assert main(["report", str(out)]) == 0  # the class report, before the integrity report
    assert "Shared work" not in (out / "class.html").read_text()
    capsys.readouterr()
    assert main(["integrity", str(out), "--course", str(course.root)]) == 0
    said = capsys.readouterr().out
    shared = (out / "class.html").read_text().split("<h2>Shared work</h2>", 1)[1]
    assert '<a href="integrity.html">' in shared and "<td>ex01_sigmoid</td><td>1</td>" in shared
    assert "ex01_sigmoid: 1 pair(s) of 3 submissions: ann & bea" in said
    twin = json.loads((out / "integrity.json").read_text())
    [pair] = twin["exercises"][0]["pairs"]
    assert (pair["a"], pair["b"]) == ("ann", "bea") and pair["code"]["share"] == 1.0
    page = (out / "integrity.html").read_text()
    assert "print(v, sigmoid(v) * 100, &#x27;percent&#x27;)" in page  # the shared code, shown


def test_the_command_without_a_graded_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["integrity", str(tmp_path)]) == 2
    assert "grade the class first" in capsys.readouterr().err


def test_an_nbgrader_course_is_read_from_autograded(tmp_path):
    from autograder.integrity.collect import from_nbgrader

    folder = tmp_path / "autograded" / "ann" / "ex05_mlp"
    folder.mkdir(parents=True)
    (folder / "ex05_mlp.ipynb").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4,
                                                       "nbformat_minor": 5}))
    check = CheckResult(name="test_accuracy", target="train_mlp", max_points=4, status=Status.PASSED,
                        trace=ModelTrace.of(np.array([1, 2, 3]), "abc", "def"))
    (folder / "ex05_mlp.deepgrade.json").write_text(json.dumps(
        {"exercise": "ex05_mlp", "checks": [check.to_json()]}))
    [found] = from_nbgrader(tmp_path)
    assert found.student == "ann" and found.exercise == "ex05_mlp"
    assert found.model is not None and found.model.predicted.tolist() == [1, 2, 3]
    assert found.model.weights_digest == "abc"


def test_a_graded_file_gone_since_grading_is_said_not_compared(tmp_path):
    subs = [Submission("a", "ex01_sigmoid", path=Path(tmp_path / "gone.ipynb")),
            Submission("b", "ex01_sigmoid", path=Path(tmp_path / "gone2.ipynb")),
            Submission("c", "ex01_sigmoid")]  # nothing handed in: nothing to say
    report = report_exercise("ex01_sigmoid", subs, Release.empty())
    assert report.pairs == [] and report.unreadable == ["a", "b"]
    assert "Not compared: the graded file of a, b" in integrity_page([report])
    assert integrity_json([report])["exercises"][0]["not_compared"] == ["a", "b"]


def test_a_change_to_the_integrity_report_grades_nothing_again(tmp_path, monkeypatch):
    from autograder.batch import cache

    for rel in ("kinds/trained.py", "integrity/code.py", "report/html.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x = 1\n")
    monkeypatch.setattr(cache, "PACKAGE_DIR", tmp_path)
    before = cache.grader_fingerprint()
    (tmp_path / "integrity" / "code.py").write_text("x = 2\n")
    assert cache.grader_fingerprint() == before
    (tmp_path / "kinds" / "trained.py").write_text("x = 2\n")
    assert cache.grader_fingerprint() != before

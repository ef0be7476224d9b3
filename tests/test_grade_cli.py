"""`deepgrade grade` exit codes: 0 when the batch completed whatever the scores, 2 for usage errors."""

from __future__ import annotations

from pathlib import Path

from autograder.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    assert "no submissions folder" in capsys.readouterr().err
    (tmp_path / "ada").mkdir()
    (tmp_path / "ada" / "ex01_sigmoid.py").write_text("x = 1\n")
    code = main(["grade", str(tmp_path), "--out", str(tmp_path / "o"), "--exercise", "ex99_nope",
                 "--course", str(ROOT)])
    assert code == 2 and "unknown exercise" in capsys.readouterr().err


def test_a_failing_class_still_exits_0(tmp_path, capsys):
    (tmp_path / "ada").mkdir()
    (tmp_path / "ada" / "ex01_sigmoid.py").write_text("x = 1\n")
    code = main(["grade", str(tmp_path), "--out", str(tmp_path / "o"), "--course", str(ROOT), "--public-only"])
    out = capsys.readouterr().out
    assert code == 0 and "0/6" in out and (tmp_path / "o" / "grades.csv").is_file()

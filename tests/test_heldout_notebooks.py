"""Held-out notebook attacks on the reader: every field of a handed-in notebook given a JSON value
of another type. The notebook is read (the course's cells restored, the student's code kept) or
refused with a :class:`SubmissionError` that says why; nothing else is ever raised, so no
student's file can make the grader fail (a grader failure stops the class run's exit 0)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from autograder.load import SubmissionError, load_program
from autograder.release.fill import fill_notebook

ROOT = Path(__file__).resolve().parents[1]
EX = "ex01_sigmoid"
RELEASE = ROOT / "exercises" / EX / f"{EX}.ipynb"
SOLUTION = ROOT / "solutions" / EX / f"{EX}.ipynb"
#: JSON values of every type, the unhashable ones included (a list or an object where a string is due).
ODD = [["code"], {"a": 1}, 3, None, 1.5, True, [1, [2]], {"x": [1]}, "\x00"]


@pytest.fixture(scope="module")
def right() -> dict:
    return fill_notebook(RELEASE, SOLUTION)


def _load(nb: dict, tmp_path: Path):
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    try:
        return load_program(path, reference=RELEASE, submitted=True)
    except SubmissionError as exc:
        return exc


@pytest.mark.parametrize("field", ["cell_type", "source", "id", "metadata", "attachments", "outputs",
                                   "execution_count"])
def test_a_cell_field_of_any_type_is_read_or_refused_never_raised(right, tmp_path, field):
    for index in (0, 1, 3):  # markdown, the imports, a solution cell
        for value in ODD:
            nb = copy.deepcopy(right)
            nb["cells"][index][field] = value
            _load(nb, tmp_path)  # anything but SubmissionError fails the test


def test_a_cell_type_that_is_no_string_leaves_the_other_cells_graded(right, tmp_path):
    nb = copy.deepcopy(right)
    nb["cells"][0]["cell_type"] = ["code"]  # the introduction: markdown, now an unhashable list
    program = _load(nb, tmp_path)
    assert not isinstance(program, SubmissionError), program
    clean = _load(right, tmp_path)
    assert [c.source for c in program.cells] == [c.source for c in clean.cells]


@pytest.mark.parametrize("field", ["metadata", "nbformat", "nbformat_minor", "cells", "worksheets"])
def test_a_notebook_field_of_any_type_is_read_or_refused_never_raised(right, tmp_path, field):
    for value in ODD:
        nb = copy.deepcopy(right)
        nb[field] = value
        _load(nb, tmp_path)


@pytest.mark.parametrize("field", ["grade", "solution", "locked", "points", "grade_id", "schema_version", "task",
                                   "checksum"])
def test_nbgrader_cell_metadata_of_any_type_is_restored_never_raised(right, tmp_path, field):
    clean = [c.source for c in _load(right, tmp_path).cells]
    for index in (1, 3, 4):
        for value in ODD:
            nb = copy.deepcopy(right)
            nb["cells"][index]["metadata"].setdefault("nbgrader", {})[field] = value
            program = _load(nb, tmp_path)
            assert not isinstance(program, SubmissionError), (index, field, value, program)
            assert [c.source for c in program.cells] == clean, (index, field, value)


# --- markdown links in the pages an instructor opens ----------------------------------------------

#: Markdown (not HTML) that makes a link or a picture run script: the sanitiser escapes HTML tags,
#: but the markdown renderer of formgrader's view (nbconvert, no Content-Security-Policy) writes
#: these destinations into ``href`` and ``src`` as they are.
SCRIPT_LINKS = [
    "[click](javascript:alert('md'))",
    "[click](JaVaScRiPt:alert('case'))",
    "[click](java&#115;cript:alert('entity'))",
    "[click](javascript&colon;alert('named entity'))",
    "[click](javascript\\:alert('escaped'))",
    "[click](<javascript:alert('angle')>)",
    "<javascript:alert('autolink')>",
    "[click][ref]\n\n[ref]: javascript:alert('reference')",
    "[click](vbscript:msgbox('vb'))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![picture](javascript:alert('image'))",
]


def _formgrader_view(source: str, cell_type: str = "markdown") -> str:
    """The HTML formgrader's view renders of a notebook holding ``source``, after autograde's sanitising."""
    import nbformat
    from nbconvert.exporters import HTMLExporter

    from autograder.nbgrader.inert import SanitizeStudentHTML

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(source) if cell_type == "markdown" else
                nbformat.v4.new_raw_cell(source, metadata={"format": "text/html"})]
    nb, _ = SanitizeStudentHTML().preprocess(nb, {})
    html, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    return html[html.index("</header>") if "</header>" in html else 0:]


@pytest.mark.parametrize("source", SCRIPT_LINKS)
def test_no_markdown_link_or_picture_in_a_students_cell_runs_script(source):
    import re

    html = _formgrader_view(source)
    for attribute in re.findall(r"""(?:href|src)\s*=\s*["']([^"']*)["']""", html):
        url = re.sub(r"[\x00-\x20]", "", attribute).lower()
        assert not url.startswith(("javascript:", "vbscript:", "data:text")), (source, attribute)


def test_ordinary_markdown_links_and_pictures_are_kept():
    html = _formgrader_view("See [the docs](https://keras.io/api/) and ![a plot](plot.png); "
                            "the training data: 3,500 digits, as in JavaScript: none.")
    assert 'href="https://keras.io/api/"' in html and 'src="plot.png"' in html
    assert "the training data: 3,500 digits, as in JavaScript: none." in html


# --- folders beside the notebook ------------------------------------------------------------------

@pytest.fixture
def deep_folder(tmp_path):
    """A folder holding a right module and a file 1,100 folders down (deeper than Python's recursion
    limit), made and removed level by level (pathlib and shutil recurse once per level too)."""
    root = tmp_path / "ada" / EX
    root.mkdir(parents=True)
    main = root / f"{EX}.py"
    main.write_text((ROOT / "tests" / "hostile" / "_good.py").read_text())
    levels = [root]
    for _ in range(1100):
        levels.append(levels[-1] / "a")
        levels[-1].mkdir()
    (levels[-1] / "deep.txt").write_text("x")
    yield main
    (levels[-1] / "deep.txt").unlink()
    for level in reversed(levels[1:]):
        level.rmdir()


def test_a_folder_nested_past_pythons_recursion_is_left_out_not_a_crash(deep_folder):
    """os.walk recursed once per level (Python 3.11): a student's folder 1,200 deep stopped the
    whole class run with 'maximum recursion depth exceeded' (exit 3)."""
    from autograder.isolate.submission import submission_files

    files = submission_files(deep_folder, True)
    assert files.files[0] == deep_folder.resolve() and len(files.files) == 1
    assert any("deeper than" in note for note in files.notes()), files.notes()


def test_nbgrader_staging_leaves_out_a_folder_nested_past_the_limit(deep_folder, tmp_path):
    from autograder.nbgrader.submitted import stage_folder

    (tmp_path / "staged").mkdir()
    refused = stage_folder(deep_folder.parent, tmp_path / "staged")
    assert (tmp_path / "staged" / f"{EX}.py").is_file()
    assert any("deeper than" in why for why in refused), refused


# --- the integrity report on what a student wrote ---------------------------------------------------

@pytest.mark.parametrize("source", ["y = 1" + " + 1" * 100_000, "y = 1" + " + 1" * 1_500, "x = 1\x00\n"])
def test_code_too_deep_for_pythons_parser_is_no_crash_of_the_integrity_report(source):
    """A cell of 100,000 additions made ast.parse raise RecursionError (1,500: the tokens' walk), and
    `deepgrade integrity` stopped for the whole class. Such a statement has nothing to compare; the
    other cells are read as usual."""
    from autograder.integrity.tokens import cell_units, defined_names
    from autograder.load.cells import CodeCell

    assert cell_units(CodeCell(source, "cell 2"), frozenset()) == []
    assert "z" in defined_names([source, "z = 2"])  # the other sources are read

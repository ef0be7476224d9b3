"""One ``nbgrader autograde`` run of a class with notebook-level saboteurs, through the real nbgrader CLI.

Ordinary students come before and after students who damaged their notebook's
nbgrader metadata (every kind nbgrader's own steps raise on), cell ids, its
encoding or a cell's type (a list), who link to the course's files or to another student's notebook,
hand in a dangling link, a FIFO or a file hard-linked with another student's,
carry a 100 MB output or scripts in markdown. The run exits 0; every score
equals ``deepgrade check --hidden`` on the same notebook (a notebook that is a
link, or cannot be read at all: 0 bytes, JSON nested 100,000 deep, is refused by both, with the
reason in the feedback); nothing outside a student's folder changed; no hidden
check reaches any output; the feedback HTML is inert in a real browser.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest

from autograder import cli
from autograder.nbgrader import roundtrip as rt
from autograder.release.fill import fill_notebook

ROOT = Path(__file__).resolve().parents[1]
EX = "ex01_sigmoid"
WRONG = "import numpy as np\n\ndef sigmoid(z):\n    return np.tanh(z)\n"
SECRET = "_hidden_cases"  # a name in solutions/ex01_sigmoid/checks.py that no release shows
#: Refused by nbgrader autograde and by check --hidden alike: 0, with the reason in the feedback.
REFUSED = ("m-notebook-link", "m-notebook-folder", "m-unreadable-zero", "m-unreadable-deep")
#: A folder named like the notebook is no notebook, in any path.
FOLDER_SAID = "ex01_sigmoid.ipynb is a folder, not a notebook: hand in the notebook file itself"


def as_module(nb: dict) -> str:
    """The answer cells of a notebook as one module: what a student who hands in a .py writes."""
    return "\n\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "code"
                        and c["metadata"].get("nbgrader", {}).get("solution"))


def as_script(nb: dict) -> str:
    """A notebook saved as a script (File > Save and Export as Executable Script): every code cell
    but the tests, its check cells (``check("ex01_sigmoid", ...)``) included."""
    return "\n\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "code"
                        and not c["metadata"].get("nbgrader", {}).get("grade"))


def _source(cell: dict) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def scripts(port: int) -> str:
    """Markdown that runs script every way it can, and asks the loopback ``port`` for a picture and a fetch."""
    return (f"<script>window.pwned = 1; alert('script'); fetch('http://127.0.0.1:{port}/fetch')</script>\n\n"
            "<img src=x onerror=\"window.pwned = 2; alert('onerror')\">\n\n"
            "<a id=js href=\"javascript:alert('link')\">click</a>\n\n"
            "<iframe srcdoc=\"<script>parent.alert('iframe')</script>\"></iframe>\n\n"
            "<svg><script>alert('svg')</script></svg>\n\n"
            f"<img src=\"http://127.0.0.1:{port}/leak.png\">\n")


class PageRequests:
    """A loopback HTTP port that records the paths a page asks it for (a stray connection that asks
    for nothing, as a port scan elsewhere on the machine makes, is not a request of the page's)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port, self.paths, self._stop = self.sock.getsockname()[1], [], False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn, contextlib.suppress(OSError):
                conn.settimeout(1.0)
                line = conn.recv(1024).split(b"\r\n", 1)[0].decode(errors="replace").split()
                if len(line) >= 2 and line[1].startswith(("/leak", "/fetch")):
                    self.paths.append(line[1])

    def stop(self) -> None:
        self._stop = True
        self.thread.join()
        self.sock.close()


def _cell(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def _test_id(nb: dict) -> str:
    return next(c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade") and not c["metadata"]["nbgrader"].get("solution"))


def saboteurs(right: dict, port: int) -> dict[str, dict]:
    """student -> notebook, each damaged in one way (right code unless the name says wrong)."""
    test = _test_id(right)
    made: dict[str, dict] = {}

    def edit(name: str, change, base: dict = right) -> None:
        nb = copy.deepcopy(base)
        change(nb)
        made[name] = nb

    wrong = copy.deepcopy(right)
    _cell(wrong, "sigmoid")["source"] = WRONG
    edit("m-schema99", lambda nb: _cell(nb, test)["metadata"]["nbgrader"].update(schema_version=99))
    edit("m-schema1", lambda nb: _cell(nb, "sigmoid")["metadata"]["nbgrader"].update(schema_version=1))
    edit("m-grade-false", lambda nb: _cell(nb, test)["metadata"]["nbgrader"].update(grade=False))
    edit("m-solution-true", lambda nb: _cell(nb, test)["metadata"]["nbgrader"].update(solution=True))
    edit("m-renamed-id", lambda nb: _cell(nb, test)["metadata"]["nbgrader"].update(grade_id="mine"))
    edit("m-fake50-wrong", lambda nb: nb["cells"].insert(1, {
        "cell_type": "code", "id": "bonus", "outputs": [], "execution_count": None, "source": "x = 1",
        "metadata": {"nbgrader": {"grade": True, "grade_id": "bonus", "points": 50, "solution": False,
                                  "locked": False, "schema_version": 3, "task": False}}}), wrong)
    edit("m-duplicated", lambda nb: nb["cells"].insert(nb["cells"].index(_cell(nb, test)),
                                                       {**copy.deepcopy(_cell(nb, test)), "id": "copy"}))
    edit("m-empty-nbgrader", lambda nb: _cell(nb, test)["metadata"].update(nbgrader={}))
    edit("m-task-true", lambda nb: _cell(nb, test)["metadata"]["nbgrader"].update(task=True))
    edit("m-extra-key", lambda nb: _cell(nb, test)["metadata"]["nbgrader"].update(bonus_points=10))
    edit("m-invalid-id", lambda nb: _cell(nb, "sigmoid").update(id="not a valid id!"))
    edit("m-scripts", lambda nb: nb["cells"].insert(0, {"cell_type": "markdown", "id": "evil", "metadata": {},
                                                        "source": scripts(port)}))
    edit("m-companion-link", lambda nb: None)
    edit("m-dangling-fifo", lambda nb: None)
    edit("m-hard-a", lambda nb: None)
    edit("m-hard-b", lambda nb: None, wrong)
    edit("m-celltype-list", lambda nb: nb["cells"][0].update(cell_type=["markdown"]))  # unhashable
    edit("m-unreadable-zero", lambda nb: None)  # written as 0 bytes below
    edit("m-unreadable-deep", lambda nb: None)  # written as JSON nested 100,000 deep below
    return made


def _digest(paths: list[Path]) -> dict[str, str]:
    found = {}
    for root in paths:
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _check_hidden(notebook: Path, course: Path) -> dict | None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            cli.main(["check", str(notebook), "-e", EX, "--hidden", "--format", "json", "--course", str(course)])
        except SystemExit:
            return None
    return json.loads(out.getvalue()) if out.getvalue().strip() else None  # nothing: refused


@pytest.fixture(scope="module")
def autograded(tmp_path_factory):
    course = rt.copy_course(ROOT, tmp_path_factory.mktemp("nbnotebooks") / "course")
    rt.nbgrader(course, "generate_assignment", EX, "--force")
    release, solution = course / "exercises" / EX / f"{EX}.ipynb", course / "solutions" / EX / f"{EX}.ipynb"
    right = fill_notebook(release, solution)
    wrong = copy.deepcopy(right)
    _cell(wrong, "sigmoid")["source"] = WRONG
    listener = PageRequests()  # where the scripts' pictures and fetches would go
    students = {"a-right": right, "a-wrong": wrong, **saboteurs(right, listener.port),
                "z-right": right, "z-wrong": wrong}
    paths = {student: rt.submit(course, student, EX, nb) for student, nb in students.items()}
    folder = {s: p.parent for s, p in paths.items()}
    # invalid UTF-8 in a markdown cell; a 100 MB output; links and odd files beside the notebook
    bad = copy.deepcopy(right)
    bad["cells"].insert(0, {"cell_type": "markdown", "id": "bad", "metadata": {}, "source": "BAD-BYTE"})
    paths["m-invalid-utf8"] = rt.submit(course, "m-invalid-utf8", EX, right)
    paths["m-invalid-utf8"].write_bytes(json.dumps(bad).encode().replace(b"BAD-BYTE", b"caf\xe9 \xff"))
    big = copy.deepcopy(right)
    next(c for c in big["cells"] if c["cell_type"] == "code")["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": "x" * (100 << 20)}]
    paths["m-big-output"] = rt.submit(course, "m-big-output", EX, big)
    paths["m-unreadable-zero"].write_bytes(b"")
    paths["m-unreadable-deep"].write_bytes(b'{"cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    (folder["m-companion-link"] / "notes.txt").symlink_to(course / "solutions" / EX / "checks.py")
    (folder["m-dangling-fifo"] / "gone.txt").symlink_to(course / "no-such-file")
    os.mkfifo(folder["m-dangling-fifo"] / "pipe.txt")
    (folder["m-hard-a"] / "data.txt").write_text("shared\n")
    os.link(folder["m-hard-a"] / "data.txt", folder["m-hard-b"] / "data.txt")
    link = course / "submitted" / "m-notebook-link" / EX / f"{EX}.ipynb"
    link.parent.mkdir(parents=True)
    link.symlink_to(paths["a-right"])
    students.update({"m-invalid-utf8": bad, "m-big-output": big, "m-notebook-link": right})
    paths["m-notebook-link"] = link
    # a folder named like the notebook, holding the right answers as a module
    paths["m-notebook-folder"] = course / "submitted" / "m-notebook-folder" / EX / f"{EX}.ipynb"
    paths["m-notebook-folder"].mkdir(parents=True)
    (paths["m-notebook-folder"] / f"{EX}.py").write_text("import numpy as np\n\n" + as_module(right))
    students["m-notebook-folder"] = right
    # no notebook, the notebook saved as a script: graded in the notebook's place, as deepgrade grade grades it
    paths["m-module-only"] = course / "submitted" / "m-module-only" / EX / f"{EX}.py"
    paths["m-module-only"].parent.mkdir(parents=True)
    paths["m-module-only"].write_text(as_script(right))
    students["m-module-only"] = right
    guarded = [course / "solutions", course / "exercises", course / "nbgrader_config.py", course / "submitted"]
    before = _digest(guarded)
    proc = rt.nbgrader(course, "autograde", EX, "--force", timeout=1500)  # raises unless exit 0
    rows = rt.scores(rt.export_grades(course))
    rt.nbgrader(course, "generate_feedback", EX, "--force")
    yield {"course": course, "students": students, "paths": paths, "rows": rows, "proc": proc,
           "before": before, "after": _digest(guarded), "listener": listener}
    listener.stop()


def test_autograde_exits_0_and_grades_every_student(autograded):
    assert autograded["proc"].returncode == 0
    assert {s for s, _ in autograded["rows"]} == set(autograded["students"])


def test_every_score_equals_deepgrade_check_hidden(autograded):
    course, rows = autograded["course"], autograded["rows"]
    for student, path in autograded["paths"].items():
        report = _check_hidden(path, course)
        if student in REFUSED:  # both refuse it
            assert report is None and rows[(student, EX)] == (0.0, 12.0), student
            continue
        assert report is not None, student
        assert rows[(student, EX)] == (report["score"], report["max_score"]), student


def test_metadata_never_raises_nor_lowers_points(autograded):
    rows = autograded["rows"]
    for student in autograded["students"]:
        want = 0.0 if student in REFUSED else 12.0
        if "wrong" in student or student == "m-hard-b":
            assert rows[(student, EX)][0] < 12, student
        else:
            assert rows[(student, EX)] == (want, 12.0), student


def _feedback(course: Path, student: str) -> str:
    return (course / "feedback" / student / EX / f"{EX}.html").read_text()


def test_repairs_and_refusals_are_said_in_the_feedback(autograded):
    course = autograded["course"]
    assert "was restored" in _feedback(course, "m-grade-false")
    assert "not valid UTF-8" in _feedback(course, "m-invalid-utf8")
    assert "a link to another file" in _feedback(course, "m-notebook-link")
    assert "not valid notebook JSON" in _feedback(course, "m-unreadable-zero")
    assert "nested too deep" in _feedback(course, "m-unreadable-deep")
    assert FOLDER_SAID in _feedback(course, "m-notebook-folder")
    module = _feedback(course, "m-module-only")
    assert "no ex01_sigmoid.ipynb in your folder: ex01_sigmoid.py was graded in its place" in module
    assert "was restored" not in module  # the release's cells, rebuilt here: no repair of the student's
    assert "notes.txt" in _feedback(course, "m-companion-link")
    assert "pipe.txt" in _feedback(course, "m-dangling-fifo") and "gone.txt" in _feedback(course, "m-dangling-fifo")
    assert "data.txt" in _feedback(course, "m-hard-a") and "data.txt" in _feedback(course, "m-hard-b")


def test_a_folder_named_like_the_notebook_is_refused_alike_by_every_path(autograded, tmp_path, capsys):
    """nbgrader autograde, check --hidden and deepgrade grade: 0 and the same reason, where
    deepgrade grade once graded the module inside the folder 12/12 and nbgrader gave 0."""
    course, folder = autograded["course"], autograded["paths"]["m-notebook-folder"]
    assert autograded["rows"][("m-notebook-folder", EX)] == (0.0, 12.0)
    assert cli.main(["check", str(folder), "-e", EX, "--hidden", "--course", str(course)]) == 2
    assert FOLDER_SAID in capsys.readouterr().err
    for student in ("a-right", "m-notebook-folder", "m-module-only"):
        shutil.copytree(course / "submitted" / student, tmp_path / "submitted" / student, symlinks=True)
    assert cli.main(["grade", str(tmp_path / "submitted"), "--out", str(tmp_path / "out"), "--course", str(ROOT),
                     "--workers", "1"]) == 0
    capsys.readouterr()
    records = {r["student"]: r for r in json.loads((tmp_path / "out" / "results.json").read_text())["submissions"]}
    assert records["a-right"]["score"] == 12 and records["m-notebook-folder"]["score"] == 0
    assert records["m-module-only"]["score"] == 12 == autograded["rows"][("m-module-only", EX)][0]
    assert FOLDER_SAID in json.dumps(records["m-notebook-folder"])


def test_no_link_is_followed_and_nothing_outside_a_folder_changed(autograded):
    course = autograded["course"]
    assert autograded["before"] == autograded["after"]
    for where in ("autograded", "feedback"):
        for path in (course / where / "m-companion-link").rglob("*"):
            assert not path.is_symlink()
            if path.is_file():
                assert SECRET not in path.read_text(errors="replace"), path
    assert not (course / "autograded" / "m-companion-link" / EX / "notes.txt").exists()


def _open(page_file: Path) -> tuple[list[str], list[str], object]:
    """Open a page in Debian's chromium: the dialogs it opened, the requests it made, ``window.pwned``."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip(f"no browser: {chromium} is missing (make install installs Debian's chromium)")
    dialogs: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("response", lambda r: requests.append(r.url))  # a request blocked by the page's CSP has none
            page.goto(page_file.as_uri())
            page.wait_for_timeout(1500)
            for link in page.get_by_text("click", exact=True).all():  # the student's javascript: link
                with contextlib.suppress(Exception):
                    link.click(timeout=500, no_wait_after=True)
            page.wait_for_timeout(500)
            pwned = page.evaluate("window.pwned")
        finally:
            browser.close()
    return dialogs, [u for u in requests if not u.startswith(("file:", "data:", "about:"))], pwned


def test_feedback_is_inert_in_a_real_browser(autograded):
    page = autograded["course"] / "feedback" / "m-scripts" / EX / f"{EX}.html"
    assert "pwned" in page.read_text()  # the student's text is shown, not run
    dialogs, requests, pwned = _open(page)
    assert dialogs == [] and pwned is None
    assert requests == []  # not the picture's, not the fetch's, not the template's MathJax
    assert autograded["listener"].paths == []


def test_the_autograded_notebook_formgrader_shows_is_inert(autograded, tmp_path):
    """formgrader renders autograded/ with nbgrader's own template (no sanitising of markdown):
    what it renders holds no script, so even nbconvert's plain HTML of it runs nothing."""
    import nbformat
    from nbconvert.exporters import HTMLExporter

    nb = nbformat.read(autograded["course"] / "autograded" / "m-scripts" / EX / f"{EX}.ipynb", as_version=4)
    html, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    (tmp_path / "view.html").write_text(html)
    dialogs, _, pwned = _open(tmp_path / "view.html")
    assert dialogs == [] and pwned is None
    assert autograded["listener"].paths == []
    text = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for tag in ("<script", "<img", "<iframe", "<svg", "javascript:"):  # escaped as text, or removed
        assert tag not in text, tag

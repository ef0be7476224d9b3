"""The autograded notebook as an instructor sees it: nbgrader's formgrader, served for real, in chromium.

formgrader renders ``autograded/`` with nbgrader's own template and no
sanitising of its own, in the Jupyter origin where the instructor's session
lives. One student hands in a right notebook with script in every form a
student controls: markdown (``<script>``, ``onerror``, ``javascript:``,
``<iframe srcdoc>``, SVG, a picture from elsewhere) and outputs of their own
code (``display(HTML(...))``, ``display(Javascript(...))``). After a real
``nbgrader autograde``, a real Jupyter server with the formgrader extension
serves the submission's page: formgrader's own scripts run (they fill the
score boxes), the student's do not, no request leaves for the student's
address, and the student's text is still shown.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from served_jupyter import free_port, serving

from autograder.nbgrader import roundtrip as rt
from autograder.release.fill import fill_notebook

ROOT = Path(__file__).resolve().parents[1]
EX = "ex01_sigmoid"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no browser: {CHROMIUM} is missing (make install installs Debian's chromium)",
                allow_module_level=True)



LEAK = free_port()  # where the student's pictures and fetches would go (nothing listens: the attempt is what counts)

MARKDOWN = (f"Pwned-text: <script>window.pwned = 1; alert('script'); fetch('http://127.0.0.1:{LEAK}/fetch')</script>\n\n"
            "<img src=x onerror=\"window.pwned = 2; alert('onerror')\">\n\n"
            "<a id=js href=\"javascript:alert('link')\">click</a>\n\n"
            "<iframe srcdoc=\"<script>parent.alert('iframe')</script>\"></iframe>\n\n"
            "<svg><script>alert('svg')</script></svg>\n\n"
            f"<img src=\"http://127.0.0.1:{LEAK}/leak.png\">\n")

#: Markdown links, not HTML ones: the sanitiser escapes tags, and the markdown renderer writes a link's
#: destination into href as it stands (entities decoded, backslash escapes undone).
MARKDOWN_LINKS = "\n\n".join([
    "Md-text: links in markdown",
    "[click](javascript:window.pwned=5;alert('markdown'))",
    "[click](java&#115;cript:window.pwned=6;alert('entity'))",
    "[click](javascript\\:window.pwned=7;alert('escaped'))",
    "[click][ref]",
    "[ref]: javascript:window.pwned=8;alert('reference')",
])

OUTPUTS = ("from IPython.display import HTML, Javascript, display\n"
           "display(HTML(\"<b>out-text</b><img src=x onerror=\\\"window.pwned = 3; alert('html output')\\\">\"))\n"
           "display(Javascript(\"window.pwned = 4; alert('js output')\"))\n")


@pytest.fixture(scope="module")
def formgrader(tmp_path_factory):
    """A course with one autograded hostile notebook and formgrader serving it on loopback."""
    course = rt.copy_course(ROOT, tmp_path_factory.mktemp("formgrader") / "course")
    rt.nbgrader(course, "generate_assignment", EX, "--force")
    release, solution = course / "exercises" / EX / f"{EX}.ipynb", course / "solutions" / EX / f"{EX}.ipynb"
    right = fill_notebook(release, solution)
    hostile = copy.deepcopy(right)
    hostile["cells"].insert(0, {"cell_type": "markdown", "id": "evil", "metadata": {}, "source": MARKDOWN})
    hostile["cells"].insert(1, {"cell_type": "markdown", "id": "evil-md", "metadata": {}, "source": MARKDOWN_LINKS})
    hostile["cells"].append({"cell_type": "code", "id": "shows", "metadata": {}, "outputs": [],
                             "execution_count": None, "source": OUTPUTS})
    rt.submit(course, "mallory", EX, hostile)
    rt.nbgrader(course, "autograde", EX, "--force", timeout=600)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(EX, EX, "mallory")
        submission_id, score = submission.id, submission.score

    home = tmp_path_factory.mktemp("instructor-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEEPGRADE_COURSE", "JUPYTER"))}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"), JUPYTER_RUNTIME_DIR=str(home / ".runtime"),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]))
    with serving(["jupyter", "server"], course, env, course / "server.log",
                 "--ServerApp.jpserver_extensions={'nbgrader.server_extensions.formgrader': True}") as server:
        yield {"url": f"{server.url}/formgrader/submissions/{submission_id}/", "token": server.token,
               "score": score, "course": course}


def _visit(url: str, token: str) -> dict:
    """Open formgrader's page of the submission: what the page did and what it shows."""
    dialogs: list[str] = []
    requests: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            # the instructor's session: every request of the page (formgrader's API calls too) carries it
            page = browser.new_page(extra_http_headers={"Authorization": f"token {token}"})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: requests.append(r.url))  # every attempt, answered or not
            response = page.goto(url)
            # formgrader's own script asks its API for the grades and writes each test cell's
            # automatic score into its box's placeholder
            page.wait_for_function("() => [...document.querySelectorAll('input.score')]"
                                   ".some(box => box.placeholder !== '')", timeout=60_000)
            for link in page.get_by_text("click", exact=True).all():  # the student's javascript: links
                try:
                    link.click(timeout=500, no_wait_after=True)
                except Exception:  # a link that is gone or inert is what we want
                    pass
            page.wait_for_timeout(1000)
            seen = {"status": response.status if response else None, "dialogs": dialogs,
                    "requests": requests, "pwned": page.evaluate("window.pwned"),
                    "text": page.inner_text("body"),
                    "scores": page.eval_on_selector_all("input.score", "boxes => boxes.map(b => b.placeholder)")}
        finally:
            browser.close()
    return seen


@pytest.fixture(scope="module")
def seen(formgrader):
    return _visit(formgrader["url"], formgrader["token"])


def test_formgrader_runs_its_own_script_and_none_of_the_students(formgrader, seen):
    assert seen["status"] == 200
    # formgrader's script ran: the test cells' automatic points, as the gradebook has them
    assert formgrader["score"] > 0
    assert sum(float(v) for v in seen["scores"] if v) == pytest.approx(formgrader["score"])
    assert seen["dialogs"] == [] and seen["pwned"] is None
    assert [u for u in seen["requests"] if f":{LEAK}/" in u] == []


def test_the_students_text_is_still_shown(seen):
    text = seen["text"]
    assert "Pwned-text: <script>window.pwned = 1;" in text  # the markdown, shown as text
    assert "[click](javascript:window.pwned=5;alert('markdown'))" in text  # markdown links, as text
    assert "<IPython.core.display.HTML object>" in text  # the displays, as the grading kernel printed them


def test_what_formgrader_serves_holds_no_student_script(formgrader):
    """The notebook file formgrader renders: the student's markdown holds no tag that runs or loads
    anything, and their code's outputs no rich part (the grading kernel prints displays as text)."""
    notebook = json.loads((formgrader["course"] / "autograded" / "mallory" / EX / f"{EX}.ipynb").read_text())
    cells = {cell.get("id"): cell for cell in notebook["cells"]}
    markdown = "".join(cells["evil"]["source"])
    assert "Pwned-text" in markdown
    for tag in ("<script", "<img", "<iframe", "<svg", "javascript:"):  # escaped as text, or removed
        assert tag not in markdown, tag
    kinds = {key for cell in notebook["cells"] for output in cell.get("outputs", [])
             for key in output.get("data", {})}
    assert not kinds & {"text/html", "application/javascript", "image/svg+xml", "text/markdown"}

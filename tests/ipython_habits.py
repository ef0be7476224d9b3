"""ex01 notebooks as students write them: each with one everyday IPython habit, right and wrong.

Shared by the tests of the cell reader in every path (check, grade, nbgrader).
Each habit is a function of the notebook and the ``sigmoid`` cell's source; the
right notebooks are ada's (the example class), the wrong ones return tanh(z).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "examples" / "class" / "ada" / "ex01_sigmoid" / "ex01_sigmoid.ipynb"
RIGHT = "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
WRONG = "def sigmoid(z):\n    return np.tanh(z)\n"
TANH_HINT = "That is tanh"


def _cell(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def _insert_after(nb: dict, grade_id: str, source: str) -> None:
    index = nb["cells"].index(_cell(nb, grade_id))
    nb["cells"].insert(index + 1, {"cell_type": "code", "metadata": {}, "source": source,
                                   "outputs": [], "execution_count": None})


def _imports(prefix: str = "", suffix: str = "") -> Callable[[dict, str], None]:
    """Lines above the answer, in the answer's cell (the release locks the imports cell)."""
    def apply(nb: dict, sigmoid: str) -> None:
        _cell(nb, "sigmoid")["source"] = f"{prefix}import numpy as np\n{suffix}\n{sigmoid}"
    return apply


def _sigmoid_cell(make: Callable[[str], str]) -> Callable[[dict, str], None]:
    def apply(nb: dict, sigmoid: str) -> None:
        _cell(nb, "sigmoid")["source"] = make(sigmoid)
    return apply


def _writefile(nb: dict, sigmoid: str) -> None:
    _cell(nb, "sigmoid")["source"] = "%%writefile mysigmoid.py\nimport numpy as np\n\n" + sigmoid
    _insert_after(nb, "sigmoid", "from mysigmoid import sigmoid")


def _bash(nb: dict, sigmoid: str) -> None:
    _cell(nb, "sigmoid")["source"] = sigmoid
    _insert_after(nb, "imports", "%%bash\necho installing && pip install numpy\n")


#: habit -> (how the notebook is changed, the lines the report must say were not run)
HABITS: dict[str, tuple[Callable[[dict, str], None], tuple[str, ...]]] = {
    "plain": (_imports(), ()),
    "matplotlib": (_imports("%matplotlib inline\n"), ()),
    "pip_escape": (_imports("!pip install -q numpy\n"), ("`!pip install -q numpy` was not run",)),
    "shell_output": (_imports(suffix="files = !ls\n"), ("`!ls` was not run",)),
    "extensions": (_imports("%load_ext autoreload\n%autoreload 2\n%env HABIT_FLAG=1\n"), ()),
    "cell_time": (_sigmoid_cell(lambda s: "%%time\n" + s), ()),
    "help_timeit": (_sigmoid_cell(lambda s: s + "\nnp.exp?\n%timeit sigmoid(0.5)\n"), ()),
    "time_in_if": (_sigmoid_cell(lambda s: s + "\nif True:\n    %time _ = sigmoid(0.0)\n"), ()),
    "capture": (_sigmoid_cell(lambda s: "%%capture out\n" + s + "print('defined')\n"), ()),
    "writefile": (_writefile, ()),
    "pip_magic": (_imports("%pip install numpy\n"), ("`%pip install numpy` was not run",)),
    "bash_cell": (_bash, ("the `%%bash` cell was not run",)),
    "unknown_magic": (_imports("%frobnicate --all\n"), ("`%frobnicate --all` was not run",)),
}


def habit_notebook(habit: str, right: bool) -> dict:
    nb = copy.deepcopy(json.loads(BASE.read_text()))
    HABITS[habit][0](nb, RIGHT if right else WRONG)
    return nb


def write_class(folder: Path, habits: list[str] | None = None) -> dict[str, tuple[str, bool]]:
    """<folder>/<habit>-<right|wrong>/ex01_sigmoid/ex01_sigmoid.ipynb; returns student -> (habit, right)."""
    students = {}
    for habit in habits or list(HABITS):
        for right in (True, False):
            student = f"{habit}-{'right' if right else 'wrong'}"
            path = folder / student / "ex01_sigmoid" / "ex01_sigmoid.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(habit_notebook(habit, right), indent=1))
            students[student] = (habit, right)
    return students

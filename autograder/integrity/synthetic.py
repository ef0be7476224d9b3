"""A generated class, for measuring the integrity report: independent answers and planted copies.

Every student starts from the release and writes each answer cell as a
variation of the reference solution (other local names, an intermediate
variable, ``np.dot`` for ``@``, operands swapped, ``1.0`` for ``1``, a debug
print, an assertion, other epochs or units), some with a mistake, and adds a
few cells of their own (trying a function out, plotting, printing), as
students do. A planted copy takes another student's whole notebook and
disguises it one way (:data:`DISGUISES`). ``benchmarks/integrity_code.py``
measures the baseline on such classes and ``tests/test_integrity_class.py``
checks that every planted pair is found and no independent pair is flagged.

Model exercises get synthetic held-out predictions drawn from the measured
trainings (:mod:`.trainings`): each held-out input is wrong with the rate
it was wrong over the reference's trainings, independently per student.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..release.fill import solution_code
from .trainings import TrainingBaseline

#: How a planted copy is disguised.
DISGUISES = ("renamed", "reordered", "comments", "all")

_NAMES = ["tmp", "out", "res", "value", "val", "arr", "data", "mat", "vec", "acc", "score", "prob", "a", "b",
          "c", "q", "r", "total", "net", "mdl", "zz", "inp", "xs", "ys", "ws", "h", "hid", "logits", "act", "layer"]


def _cells(nb: dict[str, Any]) -> list[dict[str, Any]]:
    return list(nb["cells"])


def _src(cell: dict[str, Any]) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else str(cell["source"])


def _code_cell(source: str) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}


#: Other right choices a student makes where the reference made one.
_SYNONYMS = {"adam": ["adam", "rmsprop", "nadam"], "relu": ["relu", "elu", "gelu"]}


class _Vary(ast.NodeTransformer):
    """Meaning-preserving rewrites, each taken with some chance; an optional mistake."""

    def __init__(self, rng: random.Random, mistake: bool):
        self.rng, self.mistake = rng, mistake

    def chance(self, p: float = 0.5) -> bool:
        return self.rng.random() < p

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.MatMult) and self.chance():
            return ast.Call(func=ast.Attribute(value=ast.Name("np", ast.Load()), attr="dot", ctx=ast.Load()),
                            args=[node.left, node.right], keywords=[])
        if isinstance(node.op, (ast.Add, ast.Mult)) and self.chance(0.3):
            node.left, node.right = node.right, node.left
        if self.mistake and isinstance(node.op, ast.Add) and self.chance(0.4):
            node.op, self.mistake = ast.Sub(), False
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if type(value) is int and value == 1 and self.chance(0.3):
            return ast.Constant(1.0)
        if type(value) is int and value >= 8 and self.chance(0.6):  # units, epochs, batch sizes
            return ast.Constant(max(1, int(value * self.rng.choice([0.5, 0.75, 1.25, 1.5, 2]))))
        if type(value) is float and 0 < value < 1 and self.chance(0.5):  # dropout rates, learning rates
            return ast.Constant(round(value * self.rng.choice([0.5, 0.6, 0.8, 1.2, 1.5]), 4))
        if isinstance(value, str) and value in _SYNONYMS and self.chance(0.3):
            return ast.Constant(self.rng.choice(_SYNONYMS[value]))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        self.generic_visit(node)
        body = node.body
        if body and isinstance(body[-1], ast.Return) and body[-1].value is not None and \
                not isinstance(body[-1].value, ast.Name) and self.chance():
            name = self.rng.choice(["result", "out", "answer", "ret", "y_hat", "output"])
            value = body[-1].value
            body[-1:] = [ast.Assign(targets=[ast.Name(name, ast.Store())], value=value, lineno=0),
                         ast.Return(ast.Name(name, ast.Load()))]
        params = [a.arg for a in node.args.args]
        if params and self.chance(0.3):
            shown = self.rng.choice(params)
            call = ast.parse(f"print({self.rng.choice(['', 'dbg ', 'shape: '])!r}, "
                             f"np.shape({shown}))").body[0]
            body.insert(1 if ast.get_docstring(node) else 0, call)
        if len(params) >= 2 and self.chance(0.2):
            check = ast.parse(f"assert {params[0]} is not None and {params[1]} is not None").body[0]
            body.insert(1 if ast.get_docstring(node) else 0, check)
        return node


def _renamed(source: str, rng: random.Random, keep: set[str]) -> str:
    """Every local name and parameter renamed (what a copier does first)."""
    tree = ast.parse(source)
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
    mapping = {n: f"{rng.choice(_NAMES)}_{i}" for i, n in enumerate(sorted(bound - keep))}
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.arg in mapping:
            node.arg = mapping[node.arg]
        elif isinstance(node, ast.Name) and node.id in mapping:
            node.id = mapping[node.id]
    return ast.unparse(tree) + "\n"


def _commented(source: str, rng: random.Random) -> str:
    """Comments dropped, others added, blank lines moved: nothing the program sees."""
    out = []
    for line in source.splitlines():
        code = line.split("#", 1)[0].rstrip() if "#" in line and "'" not in line and '"' not in line else line
        if not code.strip():
            continue
        if rng.random() < 0.3:
            indent = code[: len(code) - len(code.lstrip())]
            out.append(f"{indent}# {rng.choice(['step', 'here we go', 'compute it', 'TODO check', 'ok'])}")
        out.append(code + ("   " if rng.random() < 0.2 else ""))
        if rng.random() < 0.2:
            out.append("")
    return "\n".join(out) + "\n"


def _num(r: random.Random) -> str:
    return str(r.choice([r.randint(0, 500), round(r.uniform(-10, 10), r.randint(1, 3))]))


#: Lines of a student's own cell: trying things out. Each has a few free numbers and names, so two
#: students' cells differ as real ones do (a cell is four to seven of them).
_OWN_LINES: list[Callable[[random.Random, str, list[str]], str]] = [
    lambda r, v, t: f"{v} = np.linspace({_num(r)}, {_num(r)}, {r.randint(3, 500)})",
    lambda r, v, t: f"{v} = np.random.default_rng({r.randint(0, 99999)}).normal(size=({r.randint(2, 90)}, "
                    f"{r.randint(1, 12)}))",
    lambda r, v, t: f"print({r.choice(['', 'check', 'shape', 'ok?', 'debug'])!r}, np.round({v}, {r.randint(0, 4)}))",
    lambda r, v, t: f"{v} = [{', '.join(_num(r) for _ in range(r.randint(2, 6)))}]",
    lambda r, v, t: f"{v} = np.array({v}) * {_num(r)} + {_num(r)}",
    lambda r, v, t: f"print(np.mean({v}) * {_num(r)}, np.std({v}) / {r.randint(1, 99)})",
    lambda r, v, t: f"for i in range({r.randint(2, 40)}):\n    {v} = {v} + i ** {r.randint(2, 5)} - {_num(r)}",
    lambda r, v, t: f"plt.plot(np.arange({r.randint(3, 90)}), np.arange({r.randint(3, 90)}) * {_num(r)})",
    lambda r, v, t: f"if np.max({v}) > {_num(r)}:\n    print({r.choice(['big', 'large', 'hmm', 'too high'])!r})",
    lambda r, v, t: f"{v} = np.clip({v}, {_num(r)}, {_num(r)})",
    lambda r, v, t: f"print({r.choice(t)}) if {r.randint(0, 1)} else None" if t else f"print({v})",
]


def _own_cell(rng: random.Random, targets: list[str]) -> str:
    var = f"{rng.choice(_NAMES)}{rng.choice(['', '2', '_t', 's'])}"
    first = f"{var} = np.arange({rng.randint(2, 60)}) / {rng.randint(1, 99)}"
    if rng.random() < 0.3:
        first = "import matplotlib.pyplot as plt\n" + first
    lines = [first] + [rng.choice(_OWN_LINES)(rng, var, targets) for _ in range(rng.randint(3, 6))]
    if any(line.startswith("plt.") for line in lines) and "import matplotlib" not in lines[0]:
        lines.insert(0, "import matplotlib.pyplot as plt")
    return "\n".join(lines) + "\n"


@dataclass
class Student:
    """One generated submission: the notebook, and how it came about."""

    name: str
    notebook: dict[str, Any]
    copied_from: str = ""
    disguise: str = ""
    mistakes: bool = False
    #: Model exercises: held-out predicted labels, the weights and history digests.
    predicted: np.ndarray | None = None
    weights_digest: str = ""
    history_digest: str = ""
    own_cells: int = 0
    #: How a copy's model came about: "same training", "weights" or "retrained" (model exercises).
    copied_model: str = ""


@dataclass
class GeneratedClass:
    exercise: str
    students: list[Student] = field(default_factory=list)

    @property
    def planted(self) -> set[tuple[str, str]]:
        """Every pair of one source's notebook: the source and each copy, and two copies of it."""
        groups: dict[str, list[str]] = {}
        for s in self.students:
            if s.copied_from:
                groups.setdefault(s.copied_from, [s.copied_from]).append(s.name)
        return {(a, b) for names in groups.values() for a in names for b in names if a < b}

    def write(self, folder: Path) -> None:
        """nbgrader's submitted layout: folder/<student>/<exercise>/<exercise>.ipynb."""
        for s in self.students:
            path = folder / s.name / self.exercise / f"{self.exercise}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(s.notebook, indent=1))


def _answers(solution: Path) -> dict[str, str]:
    out = {}
    for cell in json.loads(solution.read_text())["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id"):
            out[meta["grade_id"]] = solution_code(_src(cell))
    return out


def _vary(code: str, rng: random.Random, mistake: bool) -> str:
    try:
        tree = _Vary(rng, mistake).visit(ast.parse(code))
    except SyntaxError:
        return code
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def _independent(name: str, release: dict[str, Any], answers: dict[str, str], rng: random.Random,
                 mistakes: bool, own_cells: int) -> Student:
    nb = copy.deepcopy(release)
    targets = [t for code in answers.values() for t in _defs(code)]
    cells = []
    for cell in _cells(nb):
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution") and gid in answers:
            cell = {**cell, "source": _vary(answers[gid], rng, mistakes and rng.random() < 0.5)}
        cells.append(cell)
    for _ in range(own_cells):
        cells.insert(rng.randint(1, len(cells)), _code_cell(_own_cell(rng, targets)))
    nb["cells"] = cells
    return Student(name, nb, mistakes=mistakes, own_cells=own_cells)


def _defs(code: str) -> list[str]:
    try:
        return [n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)]
    except SyntaxError:
        return []


def disguised(source: Student, name: str, how: str, rng: random.Random, keep: set[str]) -> Student:
    """A copy of ``source``'s notebook, disguised ``how``."""
    nb = copy.deepcopy(source.notebook)
    cells = _cells(nb)
    own = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and
           (not c.get("metadata", {}).get("nbgrader") or c["metadata"]["nbgrader"].get("solution"))]
    for i in own:
        text = _src(cells[i])
        if how in ("renamed", "all"):
            try:
                text = _renamed(text, rng, keep)
            except SyntaxError:
                pass
        if how in ("comments", "all"):
            text = _commented(text, rng)
        cells[i] = {**cells[i], "source": text}
    if how in ("reordered", "all"):
        movable = [i for i in own if not cells[i].get("metadata", {}).get("nbgrader")]
        moved = [cells[i] for i in movable]
        rest = [c for i, c in enumerate(cells) if i not in movable]
        for cell in moved:
            rest.insert(rng.randint(1, len(rest)), cell)
        cells = rest
        answer_cells = [i for i, c in enumerate(cells) if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
        if len(answer_cells) >= 2:  # two answer cells swapped: their definitions do not depend on order
            i, j = rng.sample(answer_cells, 2)
            cells[i], cells[j] = cells[j], cells[i]
    nb["cells"] = cells
    return Student(name, nb, copied_from=source.name, disguise=how, own_cells=source.own_cells)


def generate_class(release: Path, solution: Path, *, students: int = 40, copies: int = 8, seed: int = 0,
                   wrong_share: float = 0.25, keep: set[str] | None = None,
                   trainings: TrainingBaseline | None = None) -> GeneratedClass:
    """``students`` independent submissions (a share of them with mistakes, some with no cell of
    their own), then ``copies`` planted copies of students with a cell of their own, cycling
    through the disguises. With ``trainings``, every submission gets held-out predictions."""
    rng = random.Random(seed)
    nb = json.loads(Path(release).read_text())
    answers = _answers(Path(solution))
    exercise = Path(release).stem
    made = GeneratedClass(exercise)
    for i in range(students):
        own = rng.choice([0, 1, 1, 2, 2, 3, 4])
        made.students.append(_independent(f"s{i:03d}", nb, answers, rng, rng.random() < wrong_share, own))
    names = keep or set()
    sources = [s for s in made.students if s.own_cells]
    for j in range(copies):
        source = rng.choice(sources)
        made.students.append(disguised(source, f"c{j:03d}", DISGUISES[j % len(DISGUISES)], rng, names))
    if trainings is not None:
        add_predictions(made, trainings, np.random.default_rng(seed))
    return made


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def synthetic_predictions(baseline: TrainingBaseline, labels: np.ndarray, rng: np.random.Generator,
                          weaker: float = 1.0) -> np.ndarray:
    """One independent training's held-out labels: each input wrong with its measured rate
    (smoothed; ``weaker`` > 1 for a weaker model), mostly with the usual wrong answer."""
    rate = np.clip((baseline.error_counts + 0.25) / (baseline.trainings + 0.5) * weaker, 0, 1)
    wrong = rng.random(len(labels)) < rate
    out = np.asarray(labels).copy()
    other = (labels + rng.integers(1, baseline.classes, len(labels))) % baseline.classes
    usual = np.where(baseline.common_wrong_answer != labels, baseline.common_wrong_answer, other)
    out[wrong] = np.where(rng.random(len(labels)) < 0.7, usual, other)[wrong]
    return out


def add_predictions(made: GeneratedClass, baseline: TrainingBaseline, rng: np.random.Generator,
                    labels: np.ndarray | None = None) -> None:
    """Independent students train independently. A copy is graded as its source (the same
    code under the grader's seed: the same weights), or brings the source's weights (the same
    predictions, a few flipped by other float rounding, another digest), or was retrained with
    a seed of its own (predictions as independent as anyone's: only its code shows it)."""
    labels = np.asarray(labels if labels is not None else np.zeros(baseline.inputs, dtype=np.int64))
    by_name = {s.name: s for s in made.students}
    for k, s in enumerate(made.students):
        if not s.copied_from:
            s.predicted = synthetic_predictions(baseline, labels, rng, weaker=3.0 if s.mistakes else 1.0)
            s.weights_digest = s.history_digest = _digest(made.exercise, s.name)
            continue
        source = by_name[s.copied_from]
        assert source.predicted is not None
        s.copied_model = ("same training", "weights", "retrained")[k % 3]
        if s.copied_model == "retrained":
            s.predicted = synthetic_predictions(baseline, labels, rng)
            s.weights_digest = s.history_digest = _digest(made.exercise, s.name)
        elif s.copied_model == "same training":  # the notebook itself: the grader's seed gives the same training
            s.predicted, s.weights_digest, s.history_digest = (source.predicted.copy(), source.weights_digest,
                                                               source.history_digest)
        else:  # the weights, pasted in: same predictions but for rounding
            s.predicted = source.predicted.copy()
            flips = rng.choice(len(labels), size=max(1, len(labels) // 500), replace=False)
            s.predicted[flips] = labels[flips]
            s.weights_digest = s.history_digest = _digest(made.exercise, s.name)

"""Student code as a stream of normalised tokens, each tied to the line it came from.

What a copier changes without changing the program leaves no trace here:

* comments and whitespace (the code is read as its syntax tree);
* docstrings, bare strings, ``pass``, imports, the release's
  ``raise NotImplementedError()``; the text of string literals (one token ``STR``);
* the names of local variables, parameters and the student's own helpers:
  each top-level statement numbers them afresh in order of first use, so a
  renamed copy reads the same, and a moved cell reads the same wherever it is;
* the order of cells, independent definitions and statements: functions and
  classes come first, then the other statements, each sorted by their
  normalised text (the names the exercise asks for keep theirs).

Names that carry meaning are kept: builtins, imported modules (``np``), the
names the release defines (``sigmoid``, ``x_train``), attributes (``.exp``) and
keyword arguments. The tokens are the syntax tree's nodes in pre-order, as
JPlag's are, so ``1 / (1 + np.exp(-z))`` is the same stream however it is spaced.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..load.program import CodeCell

_KEPT_BUILTINS = frozenset(dir(builtins))
#: Statement types that say nothing about who wrote the code.
_IGNORED = (ast.Import, ast.ImportFrom, ast.Pass)


@dataclass(frozen=True)
class Where:
    """A token's origin: the cell's label (``cell 4``) and the line in it (1-based)."""

    cell: str
    line: int


@dataclass(frozen=True)
class Unit:
    """One top-level statement, normalised: its tokens and where each came from."""

    tokens: tuple[str, ...]
    origins: tuple[Where, ...]
    definition: bool  # a def or class: sorted among the others


def _is_noise(stmt: ast.stmt) -> bool:
    if isinstance(stmt, _IGNORED):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return True  # docstrings, bare strings, a lone Ellipsis
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    return False


def _clean(body: list[ast.stmt]) -> list[ast.stmt]:
    return [s for s in body if not _is_noise(s)]


def defined_names(sources: Iterable[str], *, imports_only: bool = False) -> set[str]:
    """Names imported anywhere in these sources and (unless ``imports_only``) bound at their top
    level: the release's names keep their spelling in the tokens, and so do modules."""
    names: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):  # 100,000 additions in a row
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
        for stmt in [] if imports_only else tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(stmt.name)
                continue
            names.update(node.id for node in ast.walk(stmt)
                         if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store))
    return names


class _Emitter:
    """Pre-order tokens of one top-level statement, with local names numbered."""

    def __init__(self, kept: frozenset[str], cell: str, first_line: int):
        self.kept, self.cell, self.offset = kept, cell, first_line - 1
        self.names: dict[str, str] = {}
        self.tokens: list[str] = []
        self.origins: list[Where] = []

    def name(self, identifier: str) -> str:
        if identifier in self.kept or identifier in _KEPT_BUILTINS:
            return identifier
        return self.names.setdefault(identifier, f"v{len(self.names)}")

    def emit(self, token: str, line: int) -> None:
        self.tokens.append(token)
        self.origins.append(Where(self.cell, line + self.offset))

    def walk(self, node: ast.AST, line: int) -> None:
        line = getattr(node, "lineno", line)
        if isinstance(node, ast.expr_context):
            return
        if isinstance(node, ast.Name):
            self.emit(self.name(node.id), line)
            return
        if isinstance(node, ast.arg):
            self.emit("arg " + self.name(node.arg), line)
            return
        if isinstance(node, ast.Constant):
            value = node.value
            self.emit("STR" if isinstance(value, (str, bytes)) else repr(value), line)
            return
        if isinstance(node, ast.Attribute):
            self.emit("." + node.attr, line)
        elif isinstance(node, ast.keyword):
            self.emit(f"{node.arg}=", line)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.emit(f"{type(node).__name__} {self.name(node.name)}", line)
            for field in ("args", "bases", "keywords", "decorator_list", "returns"):
                for child in _children(getattr(node, field, None)):
                    self.walk(child, line)
            for stmt in _clean(node.body):
                self.walk(stmt, line)
            return
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            self.emit(type(node).__name__, line)
            return
        elif isinstance(node, ast.alias):
            return
        else:
            self.emit(type(node).__name__, line)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt) and _is_noise(child):
                continue
            self.walk(child, line)


def _children(value: object) -> Iterator[ast.AST]:
    if isinstance(value, ast.AST):
        yield value
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, ast.AST))


def cell_units(cell: CodeCell, kept: frozenset[str]) -> list[Unit]:
    """The normalised statements of one cell (none when it does not parse, or is nested deeper than
    Python's recursion: parsing and the walk recurse once per level, and one student's cell of
    1,500 additions in a row must not stop the class's report)."""
    try:
        tree = ast.parse(cell.source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    units = []
    for stmt in _clean(tree.body):
        emitter = _Emitter(kept, cell.label, 1)
        try:
            emitter.walk(stmt, stmt.lineno)
        except RecursionError:
            continue  # this statement has nothing to compare; the cell's others do
        if emitter.tokens:
            units.append(Unit(tuple(emitter.tokens), tuple(emitter.origins),
                              isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))))
    return units


def canonical_order(units: list[Unit]) -> list[Unit]:
    """Definitions first, then the other statements, each sorted by their tokens: cells and
    statements moved about read the same (names are numbered per statement, so no order is lost
    that the tokens kept)."""
    return sorted(units, key=lambda u: (not u.definition, u.tokens))

"""The kinds of check, by name: the one registry every stage asks.

A new kind is a :class:`~autograder.kinds.base.CheckKind` subclass with a
``name``, a declaration class whose ``kind`` field says that name, and a plan
class; :func:`register` it and planning, grading, the release, the pytest
plugin and nbgrader pick it up.
"""

from __future__ import annotations

from typing import Any

from .base import CheckKind, Plan, Planning, ReferenceSolutionError
from .built import BuildKind, PlannedBuildCheck
from .calls import HIDDEN_INPUT, CallKind, PlannedCase, PlannedCheck, ValueKind, shown_call
from .trained import LearningKind, ModelKind, PlannedModelCheck

KINDS: dict[str, CheckKind] = {}


def register(kind: type[CheckKind]) -> type[CheckKind]:
    """Add a kind to the registry (usable as a class decorator)."""
    if kind.name in KINDS and type(KINDS[kind.name]) is not kind:
        raise ValueError(f"check kind {kind.name!r} is already registered by {type(KINDS[kind.name]).__name__}")
    KINDS[kind.name] = kind()
    return kind


for _kind in (CallKind, ValueKind, BuildKind, ModelKind, LearningKind):
    register(_kind)


def kind_of(check_or_plan: Any) -> CheckKind:
    """The kind of a declaration or a plan (its ``kind`` field), or of a kind's name."""
    name = check_or_plan if isinstance(check_or_plan, str) else getattr(check_or_plan, "kind", None)
    if name not in KINDS:
        raise ValueError(f"{getattr(check_or_plan, 'name', check_or_plan)!r}: unknown check kind {name!r} "
                         f"(known: {', '.join(KINDS)}); register it with autograder.kinds.register")
    return KINDS[name]


def plan_from_json(d: dict[str, Any]) -> Plan:
    """A plan read back from the release (``public_checks.json``)."""
    return kind_of(str(d.get("kind"))).from_json(d)


__all__ = ["HIDDEN_INPUT", "KINDS", "CheckKind", "Plan", "PlannedBuildCheck", "PlannedCase", "PlannedCheck",
           "PlannedModelCheck", "Planning", "ReferenceSolutionError", "kind_of", "plan_from_json", "register",
           "shown_call"]

"""The course's late policy (``[late]`` in ``deepgrade.toml``) and what it makes of one attempt.

::

    [late]
    timezone = "Europe/Berlin"   # of due dates written without one
    per = "day"                  # or "hour": each started day (hour) after the grace period costs
    penalty = 10                 # ... this percent of the points
    cap = 50                     # at most this percent in all
    grace_minutes = 15

    [late.due]
    ex01_sigmoid = "2026-03-01 23:59"

    [late.extensions]            # per LMS id: a new due date, for every exercise or for some
    "1004" = "2026-03-03 23:59"
    "1005" = { ex01_sigmoid = "2026-03-04 12:00" }

The late flag and the penalty are separate fields: a submission can be late within a cap of 0,
and the LMS's own flag (Canvas's ``_LATE``) is kept beside ours. A submission the LMS calls late is
late; the penalty is charged by the time the download gives (the LMS's, else the file's), and
where no due date is declared for an exercise nothing is deducted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..results.handed import Lateness

__all__ = ["LatePolicy", "LatePolicyError", "Lateness", "load_policy"]


class LatePolicyError(Exception):
    """``[late]`` in deepgrade.toml cannot be read: says which entry and why."""


@dataclass
class LatePolicy:
    tz: ZoneInfo | timezone = timezone.utc
    per: str = "day"
    penalty: float = 0.0
    cap: float = 100.0
    grace: timedelta = timedelta()
    due: dict[str, datetime] = field(default_factory=dict)
    #: lms_id -> {exercise or "*": due}
    extensions: dict[str, dict[str, datetime]] = field(default_factory=dict)

    def due_for(self, lms_id: str, exercise: str) -> datetime | None:
        own = self.extensions.get(lms_id, {})
        return own.get(exercise) or own.get("*") or self.due.get(exercise)

    def judge(self, lms_id: str, exercise: str, submitted: datetime | None, lms_late: bool | None) -> Lateness:
        due = self.due_for(lms_id, exercise)
        if due is None or submitted is None:
            return Lateness(late=bool(lms_late), lms_late=lms_late, due=due)
        when = submitted if submitted.tzinfo else submitted.replace(tzinfo=self.tz)
        over = (when - due).total_seconds()
        if over <= 0:  # on time by the time we have; the LMS's own flag still stands (its clock is the truth)
            return Lateness(late=bool(lms_late), due=due, lms_late=lms_late)
        charged = over - self.grace.total_seconds()
        unit = 86400 if self.per == "day" else 3600
        percent = min(self.cap, math.ceil(charged / unit) * self.penalty) if charged > 0 else 0.0
        return Lateness(late=True, penalty_percent=float(percent), seconds_late=over, due=due, lms_late=lms_late)


def _when(text: Any, tz: ZoneInfo | timezone, where: str) -> datetime:
    if isinstance(text, datetime):
        value = text
    else:
        try:
            value = datetime.fromisoformat(str(text).strip())
        except ValueError as exc:
            raise LatePolicyError(f"{where}: {text!r} is not a date (write 2026-03-01 23:59)") from exc
    return value if value.tzinfo else value.replace(tzinfo=tz)


def load_policy(settings: dict[str, Any]) -> LatePolicy | None:
    """The ``[late]`` table of a course's settings; None when the course has none."""
    late = settings.get("late")
    if not late:
        return None
    try:
        tz: ZoneInfo | timezone = ZoneInfo(late["timezone"]) if late.get("timezone") else timezone.utc
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise LatePolicyError(f"[late] timezone: unknown time zone {late.get('timezone')!r}") from exc
    per = late.get("per", "day")
    if per not in ("day", "hour"):
        raise LatePolicyError(f"[late] per: {per!r}; write \"day\" or \"hour\"")
    policy = LatePolicy(tz=tz, per=per, penalty=float(late.get("penalty", 0)), cap=float(late.get("cap", 100)),
                        grace=timedelta(minutes=float(late.get("grace_minutes", 0))))
    policy.due = {e: _when(v, tz, f"[late.due] {e}") for e, v in (late.get("due") or {}).items()}
    for lms_id, value in (late.get("extensions") or {}).items():
        if isinstance(value, dict):
            policy.extensions[str(lms_id)] = {e: _when(v, tz, f"[late.extensions] {lms_id}.{e}")
                                              for e, v in value.items()}
        else:
            policy.extensions[str(lms_id)] = {"*": _when(value, tz, f"[late.extensions] {lms_id}")}
    return policy

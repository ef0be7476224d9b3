"""The assign stage: generate the student release (``exercises/``) from ``solutions/``."""

from .pipeline import ReleaseReport, release_course, release_exercise

__all__ = ["ReleaseReport", "release_course", "release_exercise"]

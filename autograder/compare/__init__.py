"""Stage 3 of grading: compare plain-data answers with expectations, and explain."""

from .values import Verdict, compare_values, matches, show_value

__all__ = ["Verdict", "compare_values", "matches", "show_value"]

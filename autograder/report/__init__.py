"""Stage 5 of grading: results in words, for a terminal, a notebook or a file."""

from .text import format_result, format_summary_table

__all__ = ["format_result", "format_summary_table"]

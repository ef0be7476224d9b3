"""Stage 1 of grading: read a submission into a :class:`Program`."""

from .cells import CodeCell, SubmissionError
from .program import Program, load_program, program_from_sources

__all__ = ["CodeCell", "Program", "SubmissionError", "load_program", "program_from_sources"]

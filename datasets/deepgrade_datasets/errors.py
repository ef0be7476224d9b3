"""Exceptions raised by the loaders.

Loaders turn every "file missing / network down / wrong file" situation into
one of these, with a message that says how to fix it, so students and graders
never see a traceback from deep inside numpy or urllib.
"""

from __future__ import annotations


class DataUnavailable(FileNotFoundError):
    """The data set is not on disk and may not (or could not) be downloaded."""


class DataIntegrityError(ValueError):
    """A data file was found but its parsed content is not the expected data set."""

"""The one part of nbgrader's private API deepgrade uses, in one place.

nbgrader's ``ClearHiddenTests`` removes the hidden-tests region of every cell it
sees and refuses one outside a grade cell; the feedback needs it on test cells
only and never refused. Its region-removing step is private
(``_remove_hidden_test_region``), so it is called here alone, and
tests/test_nbgrader_private.py pins what it does: an nbgrader upgrade that changes
it fails that test, not a feedback page.
"""

from __future__ import annotations

from typing import Any

from nbgrader.preprocessors import ClearHiddenTests


def remove_hidden_tests(clearer: ClearHiddenTests, cell: Any) -> bool:
    """Remove the region between ``clearer``'s hidden-tests delimiters from ``cell.source``, in
    place; True when there was one. Raises RuntimeError for a nested or unterminated region."""
    return bool(clearer._remove_hidden_test_region(cell))

"""A class's results, typed from the grader to every report: who handed what in
(:mod:`.handed`), each submission's record (:mod:`.record`), the class as results.json
keeps it (:mod:`.classes`). JSON only at the edges: each type's ``to_json``/``from_json``."""

from .classes import RESULTS_FILE, ClassResults, Inventory, ResultsError, is_results_folder
from .handed import Fate, Handed, HandedFile, Lateness, Submitter
from .record import GraderFailed, Record, Stage

__all__ = ["RESULTS_FILE", "ClassResults", "Fate", "GraderFailed", "Handed", "HandedFile", "Inventory", "Lateness",
           "Record", "ResultsError", "Stage", "Submitter", "is_results_folder"]

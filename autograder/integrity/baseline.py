"""How much independent right answers share, per exercise (``code_baseline.json``).

Short exercises have one usual right answer (``1 / (1 + np.exp(-z))``): two
students who never met write it alike. The share of fingerprints that
independent submissions have in common is measured per exercise on generated
classes (``benchmarks/integrity_code.py``, :mod:`.synthetic`) and a pair is
flagged only above what independent work reached there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CODE_BASELINE_FILE = "autograder/integrity/code_baseline.json"
_PATH = Path(__file__).with_name("code_baseline.json")

#: Used for an exercise the baseline does not know (another course's): the evidence (shared
#: uncommon fingerprints, about 15 tokens each, times their share of the smaller side's own) to flag.
DEFAULT_MIN_EVIDENCE = 12.0


@dataclass(frozen=True)
class CodeBaseline:
    """An exercise's flag (:attr:`autograder.integrity.code.CodeMatch.evidence` from
    ``min_evidence``) and what independent answers reached there."""

    exercise: str
    min_evidence: float = DEFAULT_MIN_EVIDENCE
    independent_pairs: int = 0
    independent_max_evidence: float = 0.0
    planted_min_evidence: float = 0.0
    measured: bool = False

    def flags(self, evidence: float) -> bool:
        return evidence >= self.min_evidence

    def describe(self) -> str:
        if not self.measured:
            return (f"no baseline measured for {self.exercise}: flagged from evidence {self.min_evidence:g} "
                    "(shared fingerprints times their share of the smaller submission's own code)")
        return (f"{self.independent_pairs:,} pairs of independent answers (generated) reached evidence "
                f"{self.independent_max_evidence:.1f} at most, planted copies {self.planted_min_evidence:.1f} at "
                f"least; flagged from {self.min_evidence:g}")


@lru_cache(maxsize=4)
def code_baselines(path: Path = _PATH) -> dict[str, CodeBaseline]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text())
    return {name: CodeBaseline(exercise=name, min_evidence=float(m["min_evidence"]),
                               independent_pairs=int(m["independent"]["pairs"]),
                               independent_max_evidence=float(m["independent"]["max_evidence"]),
                               planted_min_evidence=float(m["planted"]["min_evidence"]), measured=True)
            for name, m in data.get("exercises", {}).items()}


def code_baseline(exercise: str) -> CodeBaseline:
    return code_baselines().get(exercise) or CodeBaseline(exercise=exercise)

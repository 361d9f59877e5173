"""Which of several values of one metric is used, and which values disagree.

When sources disagree, every value is kept; one is preferred: an explicit `preferred: true`, else the value from
the most trustworthy kind of source (the order of SOURCE_KINDS), and among equals the most recently published,
and among those the first written. A status entry (unknown, not-supported…) without a source ranks last.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from gpudb.validation.records import SpecRecord
from gpudb.validation.schema import SOURCE_KINDS, SourceEntry

KIND_RANK = {kind: rank for rank, kind in enumerate(SOURCE_KINDS)}
CONFLICT_THRESHOLD = 0.02  # values further apart than 2% of the smaller one are listed as a disagreement


def _rank(spec: SpecRecord, sources: dict[str, SourceEntry]) -> tuple:
    """Sort key: smaller is better."""
    source = sources.get(spec.entry.source or "")
    kind_rank = KIND_RANK[source.kind] if source else len(KIND_RANK)
    newest_first = -(source.published or date.min).toordinal() if source else 0
    return (not spec.entry.preferred, spec.status == "unknown", kind_rank, newest_first, spec.position or 0)


def choose_preferred(specs: Iterable[SpecRecord], sources: dict[str, SourceEntry]) -> set[tuple]:
    """SpecRecord.key of the entry used for every (accelerator, metric)."""
    groups: dict[tuple[str, str], list[SpecRecord]] = defaultdict(list)
    for spec in specs:
        groups[spec.accelerator_id, spec.metric.key].append(spec)
    return {
        (group[0] if len(group) == 1 else min(group, key=lambda spec: _rank(spec, sources))).key
        for group in groups.values()
    }


def disagreement(numbers: list[float]) -> float:
    """How far apart values are: largest ÷ smallest − 1 (0.05 = 5%); infinite when one is 0 and another is not."""
    low, high = min(numbers), max(numbers)
    if low <= 0:
        return 0.0 if high == low else float("inf")
    return high / low - 1

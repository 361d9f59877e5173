"""Which of several values of one metric is used, and which values disagree.

When sources disagree, every value is kept; one is preferred: an explicit `preferred: true`, else the value from the
most trustworthy tier of source (gpudb.tiers: 1 vendor … 6 estimate; a lower tier never outranks a higher one),
within the vendor tier the kind order (datasheet, product page, announcement, documentation), then how the source
was read (original, copy, quotation), then the most recently published, and among those the first written. A status
entry (unknown, not-supported…) without a source ranks last. `preferred: true` on a lower tier needs a note saying
why (the preferred-lower-tier check).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from gpudb.tiers import KIND_TIER, READING_RANK, TIER_KINDS

if TYPE_CHECKING:  # annotations only: `gpudb conflicts` needs the threshold, not pydantic's models
    from gpudb.validation.records import SpecRecord
    from gpudb.validation.schema import SourceEntry

VENDOR_KIND_RANK = {kind: rank for rank, kind in enumerate(TIER_KINDS[1])}
NO_TIER = max(TIER_KINDS) + 1
CONFLICT_THRESHOLD = 0.02  # values further apart than 2% of the smaller one are listed as a disagreement


SourceRank = tuple[int, int, int, int]  # tier, vendor kind rank, reading rank, −published (smaller is better)


def source_ranks(sources: dict[str, SourceEntry]) -> dict[str, SourceRank]:
    """Each source's part of the sort key, by source id: small tuples that cross to the batched read's processes."""
    return {
        source_id: (
            KIND_TIER[source.kind],
            VENDOR_KIND_RANK.get(source.kind, 0),
            READING_RANK[source.read],
            -(source.published or date.min).toordinal(),
        )
        for source_id, source in sources.items()
    }


def _rank(spec: SpecRecord, ranks: dict[str, SourceRank]) -> tuple:
    """Sort key: smaller is better."""
    source = ranks.get(spec.entry.source or "", (NO_TIER, 0, 0, 0))
    return (not spec.entry.preferred, spec.status == "unknown", *source, spec.position or 0)


def choose_preferred(specs: Iterable[SpecRecord], sources: dict[str, SourceEntry]) -> set[tuple]:
    """SpecRecord.key of the entry used for every (accelerator, metric)."""
    return choose_by_rank(specs, source_ranks(sources))


def choose_by_rank(specs: Iterable[SpecRecord], ranks: dict[str, SourceRank]) -> set[tuple]:
    """choose_preferred with the sources' ranks already made (source_ranks)."""
    groups: dict[tuple[str, str], list[SpecRecord]] = defaultdict(list)
    for spec in specs:
        groups[spec.accelerator_id, spec.metric.key].append(spec)
    return {
        (group[0] if len(group) == 1 else min(group, key=lambda spec: _rank(spec, ranks))).key
        for group in groups.values()
    }


def disagreement(numbers: list[float]) -> float:
    """How far apart values are: largest ÷ smallest − 1 (0.05 = 5%); infinite when one is 0 and another is not."""
    low, high = min(numbers), max(numbers)
    if low <= 0:
        return 0.0 if high == low else float("inf")
    return high / low - 1

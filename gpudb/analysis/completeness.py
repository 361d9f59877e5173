"""What the data holds and where its sources disagree: coverage per accelerator and metric, and conflicts.

Each reads the stored entries (all sources, statuses included) in one query through gpudb.storage.query; no pandas.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, compress, groupby, repeat
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Engine

from gpudb.errors import InvalidArgumentError
from gpudb.metrics.catalogue import METRICS
from gpudb.storage import query, query_narrow
from gpudb.tiers import TIER_NAMES, VENDOR_KINDS
from gpudb.validation.preference import CONFLICT_THRESHOLD, disagreement

# What every accelerator must have (or carry a status saying why not): compute (dense BF16 or, for chips quoted
# in FP16 only, dense FP16), memory capacity, memory bandwidth and power.
# Compute is covered by any tensor precision the vendor publishes: announced parts (Ascend 950DT, Maia 200) give
# only FP8/FP4 figures, and an MFU or TPP reading needs one figure, not a particular one.
CORE_METRICS: tuple[tuple[str, ...], ...] = (
    ("bf16_dense_tflops", "fp16_dense_tflops", "fp8_dense_tflops", "fp4_dense_tflops", "int8_dense_tops"),
    ("memory_capacity_gb",),
    ("memory_bandwidth_tbs",),
    ("tdp_w",),
)
__all__ = [
    "CORE_METRICS",
    "GRADES",
    "cell_rows",
    "VENDOR_KINDS",
    "Cell",
    "Conflict",
    "ConflictBatch",
    "Summary",
    "conflicting",
    "conflicts",
    "coverage",
    "missing_core",
    "summary",
    "tally",
]


@dataclass(frozen=True)
class Cell:
    """One accelerator and metric: 'value' with the kind of its preferred source, a status, or 'unknown'."""

    accelerator_id: str
    metric: str
    status: str  # value, not-supported, not-applicable, unknown (a status entry, or nothing stored: entries 0)
    source_kind: str | None
    entries: int  # how many sources give it
    source_tier: int | None = None  # 1 vendor … 6 estimate (gpudb.tiers)
    source_read: str | None = None  # original, copy, quotation

    @property
    def vendor_sourced(self) -> bool:
        """A value from a vendor source read in the original (copies and quotations are counted apart)."""
        return self.status == "value" and self.source_kind in VENDOR_KINDS and self.source_read == "original"

    @property
    def grade(self) -> str:
        """'vendor', 'vendor via copy' (a vendor value read only through a copy or quotation), the tier name, or the
        status (not-supported, not-applicable, unknown: stored as unknown or nothing stored at all)."""
        return self.status if self.status != "value" else _value_grade(self.source_tier, self.source_read)


def _value_grade(tier: int | None, read: str | None) -> str:
    """The grade of a value from a source of this tier, read so (Cell.grade)."""
    if tier == 1 and read != "original":
        return "vendor via copy"
    return TIER_NAMES.get(tier or 0, "unsourced")


# The value grades in the order `tally` counts them, most trustworthy first.
GRADES = ("vendor", "vendor via copy", *(TIER_NAMES[tier] for tier in sorted(TIER_NAMES) if tier > 1))


def tally(cells: list[Cell]) -> dict[str, int]:
    """How many of the cells hold a value of each grade, and how many carry each status instead."""
    counts = dict.fromkeys(GRADES, 0) | {"not supported": 0, "n/a": 0, "unknown": 0}
    words = {"not-supported": "not supported", "not-applicable": "n/a"}
    for grade, found in Counter(cell.grade for cell in cells).items():  # in the order the grades first appear
        counts[words.get(grade, grade)] = counts.get(words.get(grade, grade), 0) + found
    return counts


def coverage(url: str | Engine | None = None) -> list[Cell]:
    """One cell per accelerator and catalogue metric, in accelerator and catalogue order."""
    engine = query.engine_for(url)
    preferred = {  # counted and grouped by the database: one row per chip and metric, not per entry
        (chip, key): (status, kind, count, tier, read)
        for chip, key, count, status, kind, tier, read in query_narrow.cells(engine)
        if status is not None
    }
    keys = [metric.key for metric in METRICS]
    cells = []
    for chip in query_narrow.ids_in_order(engine):
        for key in keys:
            found = preferred.get((chip, key))
            if found is None:
                cells.append(Cell(chip, key, "unknown", None, 0))  # nothing stored (or nothing preferred): unknown
            else:
                cells.append(Cell(chip, key, *found))
    return cells


def cell_rows(url: str | Engine | None = None) -> Iterator[tuple[Any, ...]]:
    """coverage(url) streamed as rows, without a Cell each: (accelerator id, metric, status, source kind, source
    tier, source read, grade, entries), in the same order and with the same values."""
    engine = query.engine_for(url)
    sources = {  # the preferred entry's source gives a cell's kind, tier, reading and (for a value) its grade
        source: (kind, tier, read, _value_grade(tier, read))
        for source, (kind, tier, read) in query_narrow.source_tiers(engine).items()
    }
    no_source = (None, None, None, _value_grade(None, None))
    counts = query_narrow.entry_counts(engine)
    keys = [metric.key for metric in METRICS]
    stream = groupby(query_narrow.preferred_entries(engine), key=itemgetter(0))
    pending = next(stream, None)
    for chip in query_narrow.ids_in_order(engine):
        found: dict[str, tuple] = {}
        if pending is not None and pending[0] == chip:
            found = {key: (status, source) for _, key, status, source in pending[1]}
            pending = next(stream, None)
        for key in keys:
            entry = found.get(key)
            if entry is None:
                yield chip, key, "unknown", None, None, None, "unknown", 0  # nothing stored (or nothing preferred)
                continue
            status, source = entry
            kind, tier, read, grade = sources.get(source, no_source)
            yield (
                chip,
                key,
                status,
                kind,
                tier,
                read,
                grade if status == "value" else status,
                counts.get((chip, key), 1),
            )


def missing_core(cells: list[Cell]) -> dict[str, list[str]]:
    """Accelerator id → the core metrics it has nothing stored for: no value and no status (a stored 'unknown'
    carries its note on why), e.g. 'tdp_w'."""
    by_chip: dict[str, dict[str, Cell]] = defaultdict(dict)
    for cell in cells:
        by_chip[cell.accelerator_id][cell.metric] = cell
    gaps: dict[str, list[str]] = {}
    for accelerator_id, chip in by_chip.items():
        lacking = [" or ".join(group) for group in CORE_METRICS if all(chip[key].entries == 0 for key in group)]
        if lacking:
            gaps[accelerator_id] = lacking
    return gaps


@dataclass(frozen=True)
class Summary:
    """coverage's table without its cells: tally() of each chip's cells (in the order of coverage) and each metric's
    (in catalogue order), the core metrics each chip lacks (missing_core) and the chips with a value at all."""

    by_chip: dict[str, dict[str, int]]
    by_metric: dict[str, dict[str, int]]
    gaps: dict[str, list[str]]
    valued: set[str]


def summary(url: str | Engine | None = None) -> Summary:
    """The tallies of `coverage`, counted by the database (a row per chip and grade, not a cell per chip and
    metric): the same figures as tally() and missing_core() of coverage(url)."""
    engine = query.engine_for(url)
    keys = [metric.key for metric in METRICS]
    chip_counts, metric_counts = query_narrow.grade_counts(keys, engine)
    chips = query_narrow.ids_in_order(engine)
    by_chip = _tallies(chips, chip_counts, len(keys))
    by_metric = _tallies(keys, metric_counts, len(chips)) if chips else {}  # no chips, no cells to tally
    present = query_narrow.chips_with(CORE_METRICS, engine)
    nothing = [False] * len(CORE_METRICS)
    gaps = {}
    for chip in chips:
        lacking = [
            " or ".join(group)
            for group, found in zip(CORE_METRICS, present.get(chip, nothing), strict=True)
            if not found
        ]
        if lacking:
            gaps[chip] = lacking
    valued = {chip for chip, status, _, _, _ in chip_counts if status == "value"}
    return Summary(by_chip, by_metric, gaps, valued)


def _tallies(names: list[str], counted: list[tuple], cells_each: int) -> dict[str, dict[str, int]]:
    """tally() of each name's cells from the database's counts (name, status, tier, read in the original, count);
    the cells counted nowhere are 'unknown' (nothing stored)."""
    words = {"not-supported": "not supported", "not-applicable": "n/a"}
    tallies = {name: dict.fromkeys(GRADES, 0) | {"not supported": 0, "n/a": 0, "unknown": 0} for name in names}
    stored = dict.fromkeys(names, 0)
    for name, status, tier, original, count in counted:
        if name not in tallies:
            continue
        if status != "value":
            grade = words.get(status, status)
        elif tier == 1 and not original:
            grade = "vendor via copy"
        else:
            grade = TIER_NAMES.get(tier or 0, "unsourced")
        tallies[name][grade] = tallies[name].get(grade, 0) + count
        stored[name] += count
    for name, counts in tallies.items():
        counts["unknown"] += cells_each - stored[name]
    return tallies


@dataclass(frozen=True)
class Conflict:
    """A metric of one accelerator whose sources disagree, with every entry (the preferred one first)."""

    accelerator_id: str
    metric: str
    spread: float | None  # largest ÷ smallest − 1 of the numbers; None when a status or text disagrees
    entries: list[dict[str, Any]]


def conflicts(threshold: float = CONFLICT_THRESHOLD, url: str | Engine | None = None) -> list[Conflict]:
    """Every metric with several entries that differ: numbers more than `threshold` apart (0.02 = 2%), different
    texts, or a value beside a status (one source gives FP8, another says it is not supported)."""
    _check_threshold(threshold)
    found = []
    shared = _entries_by_chip_and_metric(query_narrow.disputed_entries(query.engine_for(url), threshold))
    for (accelerator_id, metric), entries in sorted(shared.items()):
        if len(entries) < 2:
            continue
        entries = sorted(entries, key=lambda entry: not entry["preferred"])
        disagree, spread = _disagree(
            [entry["status"] for entry in entries],
            [entry["value_number"] for entry in entries],
            [entry["value_text"] for entry in entries],
            threshold,
        )
        if disagree:
            found.append(Conflict(accelerator_id, metric, spread, entries))
    return found


class ConflictBatch(NamedTuple):
    """Conflicts of `conflicting`, column by column: each conflict's size (how many entries) and spread, then each
    entry's fields, a list apiece, the entries of one conflict after another (the preferred entry first)."""

    sizes: list[int]
    spreads: list[float | None]  # largest ÷ smallest − 1 of a conflict's numbers; None when a status or text differs
    accelerator_id: list[str]
    metric: list[str]
    preferred: list[bool]
    status: list[str]
    value_number: list[float | None]
    value_text: list[str | None]
    unit: list[str | None]
    source_id: list[str | None]


def conflicting(threshold: float = CONFLICT_THRESHOLD, url: str | Engine | None = None) -> Iterator[ConflictBatch]:
    """The conflicts of `conflicts`, in its order, streamed a batch at a time and column by column (no object per
    entry); no conflict is split between batches. Only the entries of metrics given more than once are read; for
    commands that print every conflict."""
    _check_threshold(threshold)
    return _conflicting(query_narrow.shared_entries(query.engine_for(url)), threshold)


def _conflicting(batches: Iterator[list[tuple[Any, ...]]], threshold: float) -> Iterator[ConflictBatch]:
    for rows in _whole_groups(batches):
        columns = [list(map(itemgetter(field), rows)) for field in range(len(rows[0]))]
        del rows
        statuses, numbers, texts = columns[3:6]
        sizes, disagreeing, spreads = [], [], []
        start = 0
        for _, group in groupby(zip(columns[0], columns[1], strict=True)):  # one chip's entries of one metric
            end = start + len(list(group))
            disagree, spread = _disagree(statuses[start:end], numbers[start:end], texts[start:end], threshold)
            sizes.append(end - start)
            disagreeing.append(disagree)
            if disagree:
                spreads.append(spread)
            start = end
        if not spreads:
            continue
        if len(spreads) < len(sizes):  # keep the entries of the conflicts alone
            kept = list(chain.from_iterable(map(repeat, disagreeing, sizes)))
            columns = [list(compress(column, kept)) for column in columns]
            sizes = list(compress(sizes, disagreeing))
        columns[2] = list(map(bool, columns[2]))  # SQLite gives the flag as 0 or 1
        yield ConflictBatch(sizes, spreads, *columns)


def _whole_groups(batches: Iterator[list[tuple[Any, ...]]]) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of `batches` (ordered by chip and metric) cut again so that no chip's entries of one metric are
    split between two batches: a batch's last chip and metric waits for the next."""
    held: list[tuple[Any, ...]] = []
    for batch in batches:
        rows = held + batch if held else batch
        last = rows[-1][:2]
        cut = len(rows) - 1
        while cut and rows[cut - 1][:2] == last:
            cut -= 1
        held = rows[cut:]
        if cut:
            yield rows[:cut]
    if held:
        yield held


def _disagree(
    statuses: Sequence[str], numbers: Sequence[float | None], texts: Sequence[str | None], threshold: float
) -> tuple[bool, float | None]:
    """Whether the entries of one metric (their statuses, numbers and texts) disagree: different statuses or
    texts, or numbers on all of them more than `threshold` apart; and that spread (None unless all have numbers)."""
    spread = None if None in numbers else disagreement([number for number in numbers if number is not None])
    if len(set(statuses)) > 1 or len(set(texts) - {None}) > 1:
        return True, spread
    return spread is not None and spread > threshold, spread


def _check_threshold(threshold: float) -> None:
    if not math.isfinite(threshold) or threshold < 0:
        raise InvalidArgumentError(f"threshold {threshold * 100:g}% must be a finite number of 0% or more")


def _entries_by_chip_and_metric(entries: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        grouped[entry["accelerator_id"], entry["metric"]].append(entry)
    return grouped

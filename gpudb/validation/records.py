"""What validation produces: entries with their place in the file, spec values in canonical units, the dataset."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from pydantic import BaseModel

from gpudb.metrics.catalogue import METRICS_BY_KEY, Metric
from gpudb.problems import Problem
from gpudb.validation.loader import line_of, reread_tree
from gpudb.validation.schema import (
    AcceleratorFile,
    ClaimEntry,
    DenylistedHost,
    DeviceNameEntry,
    PolicyEvent,
    ReputablePublisher,
    RuleFile,
    SourceEntry,
    SpecEntry,
    SystemFile,
)
from gpudb.validation.schema_prices_peers import PriceEntry
from gpudb.validation.yaml_lines import LineDict

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Located(Generic[M]):
    """A validated entry and where it is written."""

    entry: M
    file: str
    line: int | None
    content: Any = field(default=None, compare=False, repr=False)  # the item as read, for its fields' lines

    def field_line(self, *location: Any) -> int | None:
        """The line of a field of the entry (the entry's own line when the field is not written)."""
        return line_of(self.content, location) if self.content is not None else self.line


SourceRecord = Located[SourceEntry]


class ValueEntry(NamedTuple):
    """A spec entry once validated (a SpecEntry's fields, same names): a tuple of 136 bytes where the frozen
    pydantic model, with its field dict and its set of fields given, was 640 (280,000 of them at 10,000 chips)."""

    value: Any
    status: str | None
    unit: str | None
    source: str | None
    sparsity: str | None
    board_gpus: int | None
    preferred: bool | None
    dense_ratio_note: str | None
    inference: str | None
    note: str | None

    @classmethod
    def of(cls, spec: SpecEntry) -> ValueEntry:
        value, status, unit, source, *rest = _ENTRY_FIELDS(spec)
        # a source id is cited by thousands of values: one string each was about 160 MB of a 100,000-chip build
        return tuple.__new__(cls, (value, status, unit, None if source is None else sys.intern(source), *rest))


_ENTRY_FIELDS = attrgetter(*ValueEntry._fields)


class SpecRecord(NamedTuple):
    """A validated spec value in its canonical unit (or a status instead of one), with how it was derived.

    A named tuple: a 10,000-chip catalogue makes 280,000 of them in the reading processes and again in the
    validating one, and one is made in 0.3 µs where a frozen slotted dataclass took 1.2 (120 bytes against 112)."""

    accelerator_id: str
    metric: Metric
    entry: ValueEntry
    value_number: float | None  # canonical unit; None for text and date metrics and for statuses
    value_text: str | None  # text metrics, and dates as YYYY-MM-DD
    as_published: str  # the figure exactly as the data file gives it ('' for a status)
    file: str
    line: int | None
    source_line: int | None
    position: int | None = None  # index in the metric's list of values; None when the metric has one entry

    @property
    def sparse_in_source(self) -> bool:
        return self.entry.sparsity == "sparse"

    @property
    def convention_unstated(self) -> bool:
        """The source does not say whether this tensor figure is dense or with sparsity."""
        return self.entry.sparsity == "unstated"

    @property
    def status(self) -> str:
        """'value', or the status the entry gives instead: not-supported, not-applicable, unknown."""
        return self.entry.status or "value"

    @property
    def key(self) -> tuple[str, str, int | None]:
        """(accelerator, metric, position): unique over the dataset."""
        return self.accelerator_id, self.metric.key, self.position

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled alone (a batch sends its values as columns: spec_columns), a catalogue metric goes by its key
        return _spec_record, (self.accelerator_id, _metric_ref(self.metric), tuple(self.entry), *self[3:])


def _spec_record(accelerator_id: str, metric: Metric | str, entry: tuple[Any, ...], *fields: Any) -> SpecRecord:
    return SpecRecord(accelerator_id, _metric_of(metric), tuple.__new__(ValueEntry, entry), *fields)


def _metric_ref(metric: Metric) -> Metric | str:
    """How a value's metric crosses processes: a catalogue metric by its key (the other side has the same
    catalogue object), any other (a system's total) whole."""
    return metric.key if METRICS_BY_KEY.get(metric.key) is metric else metric


def _metric_of(ref: Metric | str) -> Metric:
    """The metric _metric_ref sent."""
    return METRICS_BY_KEY[ref] if isinstance(ref, str) else ref


def spec_columns(specs: list[SpecRecord]) -> tuple[list[Any], ...]:
    """The fields of `specs` as a list a field (a catalogue metric by its key, an entry as a plain tuple): how a
    batch of them crosses to another process. Pickled, they take 2.6× less time to dump than a __reduce__ a record
    and 1.4× less to load (7,000 values: 5 ms against 13, and 14 against 19)."""
    return (
        list(map(attrgetter("accelerator_id"), specs)),
        list(map(_metric_ref, map(attrgetter("metric"), specs))),
        list(map(tuple, map(attrgetter("entry"), specs))),
        *(list(map(attrgetter(name), specs)) for name in SpecRecord._fields[3:]),
    )


def specs_of_columns(columns: tuple[list[Any], ...]) -> list[SpecRecord]:
    """The records spec_columns gave the columns of, equal field for field."""
    accelerator_ids, metrics, entries, *fields = columns
    entries_back = map(tuple.__new__, repeat(ValueEntry), entries)
    records = zip(accelerator_ids, map(_metric_of, metrics), entries_back, *fields, strict=True)
    return list(map(tuple.__new__, repeat(SpecRecord), records))


@dataclass(frozen=True)
class AcceleratorRecord:
    """A validated accelerator file and where it is. Once its values are read (gpudb.validation.accelerator_files)
    it keeps neither its line-numbered tree nor its raw specs: a check that reports a problem reads the file's
    lines again (190 MB of trees at 10,000 chips, for the few files that have a problem)."""

    entry: AcceleratorFile
    file: str
    path: Path
    content: LineDict | None

    def line(self, *location: Any) -> int | None:
        if self.content is None:
            object.__setattr__(self, "content", reread_tree(self.path))  # frozen: this only caches what it holds
        return line_of(self.content, location)

    def without_tree(self) -> AcceleratorRecord:
        """This record with its values read: no tree, and no raw specs (the SpecRecords hold them)."""
        return AcceleratorRecord(self.entry.model_copy(update={"specs": {}}), self.file, self.path, None)


@dataclass(frozen=True)
class SystemRecord:
    """A validated system file and where it is (its totals are SpecRecords keyed by the system id)."""

    entry: SystemFile
    file: str
    path: Path
    content: LineDict

    def line(self, *location: Any) -> int | None:
        return line_of(self.content, location)


@dataclass
class Dataset:
    """Everything read from data/, and every problem found on the way."""

    sources: list[SourceRecord] = field(default_factory=list)
    accelerators: list[AcceleratorRecord] = field(default_factory=list)
    specs: list[SpecRecord] = field(default_factory=list)
    rules: list[Located[RuleFile]] = field(default_factory=list)
    claims: list[Located[ClaimEntry]] = field(default_factory=list)
    policy_events: list[Located[PolicyEvent]] = field(default_factory=list)
    device_names: list[Located[DeviceNameEntry]] = field(default_factory=list)
    prices: list[Located[PriceEntry]] = field(default_factory=list)
    systems: list[SystemRecord] = field(default_factory=list)
    system_specs: list[SpecRecord] = field(default_factory=list)  # accelerator_id holds the system id
    system_preferred: set[tuple[str, str, int | None]] = field(default_factory=set)
    reputable_publishers: list[Located[ReputablePublisher]] = field(default_factory=list)
    denylisted_hosts: list[Located[DenylistedHost]] = field(default_factory=list)
    measurements: list[Any] = field(default_factory=list)  # gpudb.validation.checks.measurements.MeasurementRecord
    published_measurements: list[Any] = field(default_factory=list)  # …checks.measurements.PublishedRecord
    peers: list[Any] = field(default_factory=list)  # gpudb.validation.checks.peers.PeerRecord
    # SpecRecord.key of the entry used for each (accelerator, metric); see gpudb.validation.preference
    preferred: set[tuple[str, str, int | None]] = field(default_factory=set)
    # ids named by accelerator file names, read or not: a broken chip file must not make every claim on it fail too
    accelerator_file_ids: set[str] = field(default_factory=set)
    # ids of list entries (sources, claims…) written but refused for their shape: their problems are reported
    # once, where they are written, and the entries citing them are not blamed again (no unknown-source echoes)
    invalid_ids: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    files_read: int = 0
    # sha256 of each chip file's bytes as read, by path: the build digests the data without reading 10,000 files again
    file_digests: dict[str, bytes] = field(default_factory=dict)

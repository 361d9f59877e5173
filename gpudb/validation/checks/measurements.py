"""Measurements (data/measurements/*.yaml by `gpudb bench`, data/measurements/published/*.yaml by others).

A measurement is what one run on one device delivered, kept apart from the published specs: it never becomes
a spec value, it is set beside one. A bench file must say where it was taken (its environment); a published
one who measured, when, how, and the source it was read in. Both name a catalogue metric of a known chip.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from gpudb.metrics.catalogue import METRICS_BY_KEY, Metric, closest_metric
from gpudb.problems import Problem
from gpudb.validation.checks import check
from gpudb.validation.loader import Document, line_of, load_folder
from gpudb.validation.measurement_schema import MeasurementFile, PublishedMeasurement
from gpudb.validation.records import Dataset, SpecRecord
from gpudb.validation.shape import _field_problems
from gpudb.validation.yaml_lines import LineList

# A measured rate can beat the published peak only by clock noise (boost above the quoted clock); past this
# factor the pairing is wrong (a sparse peak, another SKU) or the timing is.
PEAK_TOLERANCE = 1.10


@dataclass(frozen=True)
class MeasurementRecord:
    """A validated measurement file and where it is."""

    entry: MeasurementFile
    file: str
    path: Path
    content: dict

    def line(self, *location: object) -> int | None:
        return line_of(self.content, location)

    def problem(self, code: str, message: str, *location: object, field: str, value: object) -> Problem:
        """A problem in this file, at the line of `location`, about the run (shown as its id)."""
        return Problem(code, message, self.file, self.line(*location), self.entry.id, field, value)


@dataclass(frozen=True)
class PublishedRecord:
    """A validated published measurement (one entry of a list file) and where it is."""

    entry: PublishedMeasurement
    file: str
    content: LineList
    index: int

    def line(self, *location: object) -> int | None:
        return line_of(self.content, (self.index, *location))

    def problem(self, code: str, message: str, *location: object, field: str, value: object) -> Problem:
        """A problem in this entry, at the line of `location`, about the measurement (shown as its id)."""
        return Problem(code, message, self.file, self.line(*location), self.entry.id, field, value)


def read_measurements(folder: Path, published: Path, data_dir: Path, dataset: Dataset) -> None:
    """Read `folder` (runs of `gpudb bench`, a mapping per file) and, below it, `published` (lists of
    measurements others published) into the dataset."""
    documents, problems = load_folder(folder, data_dir)
    dataset.problems.extend(problems)
    for document in documents:
        if document.path.is_relative_to(published):
            _read_published(document, dataset)
            continue
        content = document.content
        if not isinstance(content, dict):
            line = getattr(content, "line", 1)
            message = "a measurement file must be a YAML mapping"
            dataset.problems.append(Problem("bad-shape", message, document.shown_path, line))
            continue
        try:
            entry = MeasurementFile.model_validate(content)
        except ValidationError as error:
            subject = document.path.stem
            dataset.problems.extend(_field_problems(error, document.shown_path, content, (), subject, MeasurementFile))
            continue
        dataset.measurements.append(MeasurementRecord(entry, document.shown_path, document.path, content))


def _read_published(document: Document, dataset: Dataset) -> None:
    """Entries of one data/measurements/published/<topic>.yaml (a list of PublishedMeasurement)."""
    content = document.content
    if not isinstance(content, LineList):
        line = getattr(content, "line", 1)
        message = "a published measurements file must be a YAML list"
        dataset.problems.append(Problem("bad-shape", message, document.shown_path, line))
        return
    for index, item in enumerate(content):
        try:
            entry = PublishedMeasurement.model_validate(item)
        except ValidationError as error:
            subject = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else None
            problems = _field_problems(error, document.shown_path, content, (index,), subject, PublishedMeasurement)
            dataset.problems.extend(problems)
            continue
        dataset.published_measurements.append(PublishedRecord(entry, document.shown_path, content, index))


def _preferred_values(dataset: Dataset) -> dict[tuple[str, str], SpecRecord]:
    """The value each (accelerator, metric) is compared by; checks run before the build stores that choice."""
    from gpudb.validation.preference import choose_preferred

    chosen = dataset.preferred or choose_preferred(
        dataset.specs, {source.entry.id: source.entry for source in dataset.sources}
    )
    return {(s.accelerator_id, s.metric.key): s for s in dataset.specs if s.key in chosen}


@check
def measurements_are_consistent(dataset: Dataset) -> Iterator[Problem]:
    """Each file names a known chip and catalogue metrics in their units, and agrees with the chip's data."""
    if not dataset.measurements:
        return
    preferred = _preferred_values(dataset)
    first_use: dict[str, str] = {}
    for record in dataset.measurements:
        run = record.entry
        if run.id in first_use:
            message = f"measurement id {run.id!r} is already used at {first_use[run.id]}"
            yield record.problem("duplicate-id", message, "id", field="id", value=run.id)
        first_use.setdefault(run.id, f"{record.file}:{record.line('id')}")
        yield from _run_problems(record, preferred, dataset.accelerator_file_ids)


def _run_problems(
    record: MeasurementRecord, preferred: dict[tuple[str, str], SpecRecord], known_ids: set[str]
) -> Iterator[Problem]:
    run = record.entry
    if run.id != record.path.stem:
        message = f"id {run.id!r} differs from the file name {record.path.name!r}"
        yield record.problem("id-mismatch", message, "id", field="id", value=run.id)
    if run.accelerator not in known_ids:
        message = f"accelerator {run.accelerator!r} is not an accelerator id in data/accelerators/"
        yield record.problem("unknown-accelerator", message, "accelerator", field="accelerator", value=run.accelerator)
        return
    sm_count = preferred.get((run.accelerator, "compute_units"))
    reported = run.environment.sm_count
    if run.environment.backend != "cpu" and sm_count and sm_count.value_number not in (None, reported):
        message = (
            f"the device reported {reported} SMs but {run.accelerator} has {sm_count.value_number:g}; "
            "it is another SKU (or a partitioned GPU), not this accelerator"
        )
        where: tuple[str | int, ...] = ("environment", "sm_count")
        yield record.problem("inconsistent-measurement", message, *where, field="environment.sm_count", value=reported)
    names: set[str] = set()
    for index, result in enumerate(run.results):
        where = ("results", index)
        field = f"results[{index}]"
        yield from _repeated_name(record, result.name, names, index, "run")
        metric = METRICS_BY_KEY.get(result.metric)
        if metric is None:
            close = closest_metric(result.metric)
            hint = f"; did you mean {close!r}?" if close else ""
            message = f"{result.metric!r} is not a metric in the catalogue{hint}"
            yield record.problem(
                "unknown-metric", message, *where, "metric", field=f"{field}.metric", value=result.metric
            )
            continue
        if result.unit != metric.unit_label:
            message = f"{result.metric} is in {metric.unit_label}, not {result.unit}"
            yield record.problem(
                "inconsistent-measurement", message, *where, "unit", field=f"{field}.unit", value=result.unit
            )
            continue
        if result.best < result.median:
            message = f"best {result.best:g} is below the median {result.median:g}; best is the fastest repetition"
            yield record.problem(
                "inconsistent-measurement", message, *where, "best", field=f"{field}.best", value=result.best
            )
        published = preferred.get((run.accelerator, result.metric))
        yield from _past_peak(record, index, "best", result.best, result.unit, published, run.accelerator)


@check
def published_measurements_are_consistent(dataset: Dataset) -> Iterator[Problem]:
    """Each published measurement names a known chip, source and catalogue metrics, with finite positive values
    in the metric's unit, no more than 10% past the chip's published peak; ids are unique among all measurements."""
    if not dataset.published_measurements:
        return
    preferred = _preferred_values(dataset)
    sources = {source.entry.id for source in dataset.sources} | dataset.invalid_ids
    first_use = {record.entry.id: f"{record.file}:{record.line('id')}" for record in dataset.measurements}
    for record in dataset.published_measurements:
        entry = record.entry
        if entry.id in first_use:
            message = f"measurement id {entry.id!r} is already used at {first_use[entry.id]}"
            yield record.problem("duplicate-id", message, "id", field="id", value=entry.id)
        first_use.setdefault(entry.id, f"{record.file}:{record.line('id')}")
        if entry.source not in sources:
            message = f"source {entry.source!r} is not defined; define it in data/sources/"
            yield record.problem("unknown-source", message, "source", field="source", value=entry.source)
        if entry.accelerator not in dataset.accelerator_file_ids:
            message = f"accelerator {entry.accelerator!r} is not an accelerator id in data/accelerators/"
            where = ("accelerator",)
            yield record.problem("unknown-accelerator", message, *where, field="accelerator", value=entry.accelerator)
            continue
        yield from _published_result_problems(record, preferred)


def _published_result_problems(
    record: PublishedRecord, preferred: dict[tuple[str, str], SpecRecord]
) -> Iterator[Problem]:
    entry = record.entry
    names: set[str] = set()
    for index, result in enumerate(entry.results):
        where, field = ("results", index), f"results[{index}]"
        yield from _repeated_name(record, result.name, names, index, "measurement")
        metric: Metric | None = METRICS_BY_KEY.get(result.metric)
        if metric is None or metric.unit_label not in ("TFLOPS", "TOPS", "TB/s"):
            close = closest_metric(result.metric)
            hint = f"; did you mean {close!r}?" if close and close != result.metric else ""
            what = "is not a metric in the catalogue" if metric is None else "is not a rate a measurement can reach"
            message = f"{result.metric!r} {what}{hint}"
            yield record.problem(
                "unknown-metric", message, *where, "metric", field=f"{field}.metric", value=result.metric
            )
            continue
        if result.unit != metric.unit_label:
            message = f"{result.metric} is in {metric.unit_label}, not {result.unit}"
            yield record.problem(
                "wrong-measured-unit", message, *where, "unit", field=f"{field}.unit", value=result.unit
            )
            continue
        if not math.isfinite(result.value) or result.value <= 0:
            message = f"measured value {result.value:g} is not a finite number above zero"
            where_value = (*where, "value")
            yield record.problem(
                "bad-measured-value", message, *where_value, field=f"{field}.value", value=result.value
            )
            continue
        published = preferred.get((entry.accelerator, result.metric))
        yield from _past_peak(record, index, "value", result.value, result.unit, published, entry.accelerator)


def _repeated_name(
    record: MeasurementRecord | PublishedRecord, name: str, names: set[str], index: int, what: str
) -> Iterator[Problem]:
    """A result name already used in this run (or published measurement); `names` collects them."""
    if name in names:
        message = f"result {name!r} appears twice in this {what}"
        yield record.problem(
            "duplicate-id", message, "results", index, "name", field=f"results[{index}].name", value=name
        )
    names.add(name)


def _past_peak(
    record: MeasurementRecord | PublishedRecord,
    index: int,
    key: str,
    measured: float,
    unit: str,
    published: SpecRecord | None,
    chip: str,
) -> Iterator[Problem]:
    """A measured rate more than 10% past the chip's published peak: a sparse peak, or another chip."""
    if published and published.value_number and measured > PEAK_TOLERANCE * published.value_number:
        message = (
            f"{measured:g} {unit} is {measured / published.value_number:.2f}× the published "
            f"{published.value_number:g} {unit} of {chip}; a measurement cannot beat the peak by more than 10% "
            "(a sparse peak, or another chip?)"
        )
        field = f"results[{index}].{key}"
        yield record.problem("inconsistent-measurement", message, "results", index, key, field=field, value=measured)

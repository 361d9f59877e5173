"""Measurement files (data/measurements/*.yaml, written by `gpudb bench`): reading and checking them.

A measurement is what one run on one device delivered, kept apart from the published specs: it never becomes
a spec value, it is set beside one. Each file must say where it was taken (its environment) and what it is set
against (a catalogue metric of the accelerator it names).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from gpudb.metrics.catalogue import METRICS_BY_KEY, closest_metric
from gpudb.problems import Problem
from gpudb.validation.checks import check
from gpudb.validation.loader import line_of, load_folder
from gpudb.validation.records import Dataset, SpecRecord
from gpudb.validation.schema import MeasurementFile
from gpudb.validation.shape import _field_problems

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


def read_measurements(data_dir: Path, dataset: Dataset) -> None:
    """Read data/measurements/*.yaml (one run per file, a mapping) into the dataset."""
    documents, problems = load_folder(data_dir / "measurements", data_dir)
    dataset.problems.extend(problems)
    for document in documents:
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
        if result.name in names:
            message = f"result {result.name!r} appears twice in this run"
            yield record.problem("duplicate-id", message, *where, "name", field=f"{field}.name", value=result.name)
        names.add(result.name)
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
        if published and published.value_number and result.best > PEAK_TOLERANCE * published.value_number:
            message = (
                f"{result.best:g} {result.unit} is {result.best / published.value_number:.2f}× the published "
                f"{published.value_number:g} {result.unit} of {run.accelerator}; a measurement cannot beat the "
                "peak by more than 10% (a sparse peak, or another chip?)"
            )
            yield record.problem(
                "inconsistent-measurement", message, *where, "best", field=f"{field}.best", value=result.best
            )

"""Values: each spec entry read into its canonical unit (sparse halved, board figures divided), or a located problem."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError

from gpudb.metrics.catalogue import METRICS_BY_KEY, Metric, closest_metric
from gpudb.problems import Problem
from gpudb.units import UnitProblem, finite_number, to_canonical
from gpudb.validation.loader import lines_of, walk
from gpudb.validation.records import AcceleratorRecord, Dataset, SpecRecord, SystemRecord, ValueEntry
from gpudb.validation.schema import SpecEntry
from gpudb.validation.shape import _field_problems
from gpudb.validation.yaml_lines import LineDict, LineList, quoted


def _as_published(spec: SpecEntry) -> str:
    if spec.status is not None:
        return ""
    if isinstance(spec.value, date):
        return spec.value.isoformat()
    return f"{spec.value} {spec.unit}" if spec.unit else str(spec.value)


# What each status needs besides itself, and why.
STATUS_NEEDS = {
    "not-supported": ("source", "a 'source' that lists the precisions the chip does support"),
    "not-applicable": ("note", "a 'note' saying why the metric does not apply"),
    "unknown": ("note", "a 'note' saying what was searched"),
    "not-disclosed": ("note", "a 'note' saying where the vendor was looked for and found silent"),
}
VALUE_ONLY_FIELDS = ("unit", "sparsity", "board_gpus", "inference", "dense_ratio_note")


def _status_problem(metric: Metric, spec: SpecEntry, status: str) -> tuple[str, str, str] | None:
    """(code, message, field) when an entry with `status` (its spec.status) is misused, else None."""
    if spec.value is not None:
        return "bad-status", f"give either a 'value' or 'status: {status}', not both", "status"
    extra = [name for name in VALUE_ONLY_FIELDS if getattr(spec, name) is not None]
    if extra:
        return "bad-status", f"{extra[0]!r} describes a value; remove it from a 'status: {status}' entry", extra[0]
    if status == "not-supported" and metric.precision is None:
        return (
            "bad-status",
            f"'not-supported' is for a precision the chip lacks; {metric.label} is not one "
            "(use 'not-applicable' or 'unknown')",
            "status",
        )
    needed, what = STATUS_NEEDS[status]
    if getattr(spec, needed) is None:
        return "incomplete-status", f"'status: {status}' needs {what}", "status"
    return None


def read_spec(
    record: AcceleratorRecord | SystemRecord,
    key: str,
    spec: SpecEntry,
    position: int | None = None,
    metrics: Mapping[str, Metric] = METRICS_BY_KEY,
    lines: tuple[int | None, int | None] | None = None,
) -> SpecRecord | Problem:
    """One spec value in its canonical unit (halved when sparse, divided when a board figure), or a problem.

    `position` is the entry's index when the metric has a list of values from several sources; `metrics` the
    catalogue the key must be in (a system's totals have their own); `lines` the entry's line and its source's,
    when the caller has them (entry_lines).
    """
    accelerator, file = record.entry.id, record.file
    where = ("specs", key) if position is None else ("specs", key, position)
    line, source_line = lines_of(record.content, where, "source") if lines is None else lines
    metric = metrics.get(key)

    def problem(code: str, message: str, at: str = "value") -> Problem:
        return Problem(code, message, file, record.line(*where, at) or line, accelerator, key, spec.value)

    if metric is None:
        guess = closest_metric(key, metrics)
        hint = f"did you mean {guess!r}? " if guess else ""
        return Problem(
            "unknown-metric", f"{key!r} is not a metric; {hint}see 'gpudb metrics'", file, line, accelerator, key
        )
    if spec.status is not None:
        if found := _status_problem(metric, spec, spec.status):
            return problem(*found)
        return SpecRecord(accelerator, metric, ValueEntry.of(spec), None, None, "", file, line, source_line, position)
    if spec.value is None:
        return problem(
            "missing-field",
            "required field 'value' is missing (or give 'status: not-supported | not-applicable | unknown')",
        )
    if spec.source is None:
        return problem("missing-source", "value has no source; add 'source: <id from data/sources/>'", "source")
    if spec.sparsity is not None and not metric.sparsity_applies:
        return problem(
            "sparsity-not-applicable",
            f"{metric.label} is never quoted with sparsity; remove 'sparsity'",
            "sparsity",
        )
    if metric.sparsity_applies and spec.sparsity is None:
        return problem(
            "missing-sparsity",
            f"{(metric.precision or metric.label).upper()} tensor figures are quoted dense or with 2:4 sparsity; add "
            "'sparsity: dense' or 'sparsity: sparse' as the source prints it",
        )
    if spec.board_gpus is not None and isinstance(record, SystemRecord):
        return problem(
            "bad-type", "'board_gpus' does not apply to a system's total; give the figure as published", "board_gpus"
        )
    if spec.board_gpus is not None and (metric.kind != "number" or metric.category in {"physical", "market"}):
        return problem("bad-type", f"'board_gpus' does not apply to {metric.label}", "board_gpus")

    value_number: float | None = None
    value_text: str | None = None
    if metric.kind == "text":
        if not isinstance(spec.value, str) or not spec.value.strip():
            return problem("bad-type", f"{quoted(spec.value)}: {metric.label} must be text")
        value_text = spec.value.strip()
    elif metric.kind == "date":
        value_text = _read_date(spec.value)
        if value_text is None:
            return problem("bad-type", f"{quoted(spec.value)}: {metric.label} must be a date written YYYY-MM-DD")
    elif metric.unit is None:
        if isinstance(spec.value, bool) or not isinstance(spec.value, int | float) or spec.unit:
            return problem("not-a-number", f"{quoted(spec.value)}: {metric.label} must be a plain number with no unit")
        try:
            value_number = finite_number(spec.value)
        except UnitProblem as error:
            return problem(error.code, str(error))
        if metric.integer and not value_number.is_integer():
            return problem("not-a-number", f"{quoted(spec.value)}: {metric.label} must be a whole number")
    else:
        try:
            value_number = _canonical(spec, metric.unit)
        except UnitProblem as error:
            return problem(error.code, str(error).replace(metric.unit, metric.unit_label))
    return SpecRecord(
        accelerator,
        metric,
        ValueEntry.of(spec),
        value_number,
        value_text,
        _as_published(spec),
        file,
        line,
        source_line,
        position,
    )


# The stored number of an entry by what it writes: the same texts recur ('80 GB', '989.5 TFLOPS', '700 W'), and
# reading one (split, convert, halve, divide, round) cost about 4 µs of a 10,000-chip catalogue's 280,000 values.
_CANONICAL: dict[tuple[Any, ...], float] = {}


def _canonical(spec: SpecEntry, canonical_unit: str) -> float:
    """spec.value in `canonical_unit`, halved when sparse, divided when a board figure; raises UnitProblem."""
    value = spec.value
    cacheable = value.__class__ in (str, int, float)  # hashable, and 1, 1.0 and True kept apart by their class
    if cacheable:
        key = (value.__class__, value, spec.unit, canonical_unit, spec.sparsity == "sparse", spec.board_gpus)
        known = _CANONICAL.get(key)
        if known is not None:
            return known
    number = to_canonical(value, spec.unit, canonical_unit)
    if spec.sparsity == "sparse":
        number /= 2  # 2:4 structured sparsity doubles the quoted rate; the dense rate is half
    if spec.board_gpus:
        number /= spec.board_gpus
    number = float(f"{number:.12g}")
    if cacheable:
        if len(_CANONICAL) > 100_000:
            _CANONICAL.clear()
        _CANONICAL[key] = number
    return number


def _read_date(value: Any) -> str | None:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def read_specs(dataset: Dataset) -> None:
    """Every spec entry of every accelerator: a metric holds one entry, or a list of entries from several sources."""
    for record in dataset.accelerators:
        _read_record_specs(record, dataset, dataset.specs, METRICS_BY_KEY)


def read_system_specs(dataset: Dataset) -> None:
    """Every total of every system, read as chip values are, against the system metrics."""
    from gpudb.metrics.systems import SYSTEM_METRICS_BY_KEY

    for record in dataset.systems:
        _read_record_specs(record, dataset, dataset.system_specs, SYSTEM_METRICS_BY_KEY)


def _read_record_specs(
    record: AcceleratorRecord | SystemRecord,
    dataset: Dataset,
    into: list[SpecRecord],
    metrics: Mapping[str, Metric],
) -> None:
    specs = specs_lines(record.content)
    valid = _valid_entries(record.entry.specs)
    for key, raw in record.entry.specs.items():
        if isinstance(raw, list):
            dataset.problems.extend(_list_problems(record, key, raw))
            entries: list[tuple[int | None, Any]] = list(enumerate(raw))
        else:
            entries = [(None, raw)]
        for position, item in entries:
            prefix = ("specs", key) if position is None else ("specs", key, position)
            if valid is not None:
                spec = next(valid)
            else:
                try:
                    spec = SpecEntry.model_validate(item)
                except ValidationError as error:
                    problems = _field_problems(error, record.file, record.content, prefix, record.entry.id, SpecEntry)
                    dataset.problems.extend(problems)
                    continue
            if position is None and spec.preferred is not None:
                message = "'preferred' chooses among several values; this metric has one"
                line = record.line(*prefix, "preferred")
                dataset.problems.append(Problem("bad-list", message, record.file, line, record.entry.id, key))
                continue
            result = read_spec(record, key, spec, position, metrics, entry_lines(*specs, key, position))
            if isinstance(result, Problem):
                dataset.problems.append(result)
            else:
                into.append(result)


def specs_lines(content: Any) -> tuple[Any, int | None]:
    """The node of a file's 'specs' and the line entry_lines starts from (that of the key 'specs')."""
    line, node, complete = walk(content, ("specs",))
    return (node if complete else None), line


def entry_lines(specs: Any, line: int | None, key: str, position: int | None) -> tuple[int | None, int | None]:
    """lines_of(content, ('specs', key[, position]), 'source') from specs_lines(content): the line of an entry and
    of its source, without walking from the top of the file again for each of its values."""
    if not (isinstance(specs, LineDict) and key in specs):
        return line, line
    line, node = specs.key_lines[key], specs[key]
    if position is not None:
        if not (isinstance(node, LineList) and 0 <= position < len(node)):
            return line, line
        line, node = node.item_lines[position], node[position]
    if isinstance(node, LineDict) and "source" in node:
        return line, node.key_lines["source"]
    return line, line


_ENTRIES = TypeAdapter(list[SpecEntry])


def _valid_entries(specs: Mapping[str, Any]) -> Iterator[SpecEntry] | None:
    """Every entry of `specs` as a SpecEntry in the order written, validated in one call (a third of the time of
    one call each), or None when any is invalid: the caller then validates each alone for its own problems."""
    items = [item for raw in specs.values() for item in (raw if isinstance(raw, list) else (raw,))]
    try:
        return iter(_ENTRIES.validate_python(items))
    except ValidationError:
        return None


def _list_problems(record: AcceleratorRecord | SystemRecord, key: str, entries: list[Any]) -> Iterator[Problem]:
    """A list of values must have two or more entries, each source once, and at most one 'preferred: true'."""
    accelerator, file = record.entry.id, record.file
    if len(entries) < 2:
        message = "a list of values needs two or more entries (write a single value without the list)"
        yield Problem("bad-list", message, file, record.line("specs", key), accelerator, key)
        return
    first_position: dict[str, int] = {}
    preferred = 0
    for position, item in enumerate(entries):
        if not isinstance(item, dict):
            continue  # the entry's own validation reports it
        source = item.get("source")
        if isinstance(source, str) and source in first_position:
            yield Problem(
                "bad-list",
                f"source {source!r} already gives a value for this metric at line "
                f"{record.line('specs', key, first_position[source])}; one entry per source",
                file,
                record.line("specs", key, position),
                accelerator,
                key,
                source,
            )
        elif isinstance(source, str):
            first_position[source] = position
        if item.get("preferred") is True:
            preferred += 1
            if preferred == 2:
                yield Problem(
                    "bad-list",
                    "more than one entry says 'preferred: true'; keep it on the one to use",
                    file,
                    record.line("specs", key, position, "preferred"),
                    accelerator,
                    key,
                )

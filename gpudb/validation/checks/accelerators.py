"""Checks of accelerator and source files: their shape, every value in its canonical unit, and the registered checks.

Every problem is collected (none stops the others); gpudb.validation.run runs it all.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from gpudb.metrics.catalogue import METRICS_BY_KEY, Metric, closest_metric
from gpudb.names import name_key
from gpudb.problems import Problem
from gpudb.units import UnitProblem, to_canonical
from gpudb.validation.loader import Document, LineDict, LineList, line_of, lines_of
from gpudb.validation.schema import AcceleratorFile, ClaimEntry, DeviceNameEntry, RuleFile, SourceEntry, SpecEntry

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Located(Generic[M]):
    """A validated entry and where it is written."""

    entry: M
    file: str
    line: int | None


SourceRecord = Located[SourceEntry]


@dataclass(frozen=True)
class SpecRecord:
    """A validated spec value in its canonical unit (or a status instead of one), with how it was derived."""

    accelerator_id: str
    metric: Metric
    entry: SpecEntry
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
    def status(self) -> str:
        """'value', or the status the entry gives instead: not-supported, not-applicable, unknown."""
        return self.entry.status or "value"

    @property
    def key(self) -> tuple[str, str, int | None]:
        """(accelerator, metric, position): unique over the dataset."""
        return self.accelerator_id, self.metric.key, self.position


@dataclass(frozen=True)
class AcceleratorRecord:
    """A validated accelerator file and where it is."""

    entry: AcceleratorFile
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
    device_names: list[Located[DeviceNameEntry]] = field(default_factory=list)
    measurements: list[Any] = field(default_factory=list)  # gpudb.validation.checks.measurements.MeasurementRecord
    # SpecRecord.key of the entry used for each (accelerator, metric); see gpudb.validation.preference
    preferred: set[tuple[str, str, int | None]] = field(default_factory=set)
    # ids named by accelerator file names, read or not: a broken chip file must not make every claim on it fail too
    accelerator_file_ids: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    files_read: int = 0


# ---------------------------------------------------------------------------------------------- shape


def _field_problems(
    error: ValidationError,
    shown_path: str,
    content: Any,
    prefix: tuple[Any, ...],
    accelerator: str | None,
    model: type,
) -> Iterator[Problem]:
    """pydantic's errors as problems with a file, line, field and stable code."""
    for detail in error.errors():
        location = prefix + tuple(detail["loc"])
        line = line_of(content, location)
        names = [str(step) for step in location if not isinstance(step, int)]
        if accelerator is not None and names[:1] == ["specs"]:
            names = names[1:]  # h20.tdp_w.source reads better than h20.specs.tdp_w.source
        field_name = ".".join(names) or None
        value = detail.get("input")
        if detail["type"] == "extra_forbidden":
            allowed = _allowed_fields(model, detail["loc"])
            guess = difflib.get_close_matches(str(detail["loc"][-1]), allowed, n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            yield Problem(
                "unknown-field",
                f"unknown field {detail['loc'][-1]!r}; {hint}allowed: " + ", ".join(allowed),
                shown_path,
                line,
                accelerator,
                field_name,
            )
        elif detail["type"] == "missing":
            missing = str(detail["loc"][-1])
            if missing == "source" and names[:-1]:
                yield Problem(
                    "missing-source",
                    "value has no source; add 'source: <id from data/sources/>'",
                    shown_path,
                    line,
                    accelerator,
                    ".".join(names[:-1]),
                )
            else:
                yield Problem(
                    "missing-field",
                    f"required field {missing!r} is missing",
                    shown_path,
                    line,
                    accelerator,
                    field_name,
                )
        else:
            yield Problem(
                "bad-type",
                f"{value!r}: {detail['msg'][0].lower()}{detail['msg'][1:]}",
                shown_path,
                line,
                accelerator,
                field_name,
                value,
            )


def _allowed_fields(model: type, location: tuple[Any, ...]) -> list[str]:
    """The field names allowed where an unknown one was found: walk the models along the location."""
    for step in location[:-1]:
        if isinstance(step, str) and step in getattr(model, "model_fields", {}):
            model = _nested_model(model.model_fields[step].annotation) or model
    return list(model.model_fields)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as list[X], dict[str, X] or X | None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        if found := _nested_model(argument):
            return found
    return None


def read_list(documents: list[Document], model: type[M], what: str, dataset: Dataset) -> list[Located[M]]:
    """Entries of YAML files that each hold a list of `model`; problems go to the dataset."""
    records = []
    for document in documents:
        content = document.content
        if not isinstance(content, LineList):
            line = getattr(content, "line", 1)
            dataset.problems.append(
                Problem("bad-shape", f"a {what} file must be a YAML list", document.shown_path, line)
            )
            continue
        for index, item in enumerate(content):
            try:
                entry = model.model_validate(item)
            except ValidationError as error:
                dataset.problems.extend(_field_problems(error, document.shown_path, content, (index,), None, model))
                continue
            records.append(Located(entry, document.shown_path, content.item_lines[index]))
    return records


def read_accelerators(documents: list[Document], dataset: Dataset) -> None:
    for document in documents:
        content = document.content
        if not isinstance(content, LineDict):
            line = getattr(content, "line", 1)
            message = "an accelerator file must be a YAML mapping"
            dataset.problems.append(Problem("bad-shape", message, document.shown_path, line))
            continue
        name = content.get("id") if isinstance(content.get("id"), str) else document.path.stem
        try:
            entry = AcceleratorFile.model_validate(content)
        except ValidationError as error:
            dataset.problems.extend(_field_problems(error, document.shown_path, content, (), name, AcceleratorFile))
            continue
        dataset.accelerators.append(AcceleratorRecord(entry, document.shown_path, document.path, content))


# ---------------------------------------------------------------------------------------------- values


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
VALUE_ONLY_FIELDS = ("unit", "sparsity", "board_gpus", "inference")


def _status_problem(metric: Metric, spec: SpecEntry) -> tuple[str, str, str] | None:
    """(code, message, field) when a status entry is misused, else None."""
    status = spec.status
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
    record: AcceleratorRecord, key: str, spec: SpecEntry, position: int | None = None
) -> SpecRecord | Problem:
    """One spec value in its canonical unit (halved when sparse, divided when a board figure), or a problem.

    `position` is the entry's index when the metric has a list of values from several sources.
    """
    accelerator, file = record.entry.id, record.file
    where = ("specs", key) if position is None else ("specs", key, position)
    line, source_line = lines_of(record.content, where, "source")
    metric = METRICS_BY_KEY.get(key)

    def problem(code: str, message: str, at: str = "value") -> Problem:
        return Problem(code, message, file, record.line(*where, at) or line, accelerator, key, spec.value)

    if metric is None:
        guess = closest_metric(key)
        hint = f"did you mean {guess!r}? " if guess else ""
        return Problem(
            "unknown-metric", f"{key!r} is not a metric; {hint}see 'gpudb metrics'", file, line, accelerator, key
        )
    if spec.status is not None:
        if found := _status_problem(metric, spec):
            return problem(*found)
        return SpecRecord(accelerator, metric, spec, None, None, "", file, line, source_line, position)
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
    if spec.board_gpus is not None and (metric.kind != "number" or metric.category in {"physical", "market"}):
        return problem("bad-type", f"'board_gpus' does not apply to {metric.label}", "board_gpus")

    value_number: float | None = None
    value_text: str | None = None
    if metric.kind == "text":
        if not isinstance(spec.value, str) or not spec.value.strip():
            return problem("bad-type", f"{spec.value!r}: {metric.label} must be text")
        value_text = spec.value.strip()
    elif metric.kind == "date":
        value_text = _read_date(spec.value)
        if value_text is None:
            return problem("bad-type", f"{spec.value!r}: {metric.label} must be a date written YYYY-MM-DD")
    elif metric.unit is None:
        if isinstance(spec.value, bool) or not isinstance(spec.value, int | float) or spec.unit:
            return problem("not-a-number", f"{spec.value!r}: {metric.label} must be a plain number with no unit")
        if metric.integer and spec.value != int(spec.value):
            return problem("not-a-number", f"{spec.value!r}: {metric.label} must be a whole number")
        value_number = float(spec.value)
    else:
        try:
            value_number = to_canonical(spec.value, spec.unit, metric.unit)
        except UnitProblem as error:
            return problem(error.code, str(error).replace(metric.unit, metric.unit_label))
        if spec.sparsity == "sparse":
            value_number /= 2  # 2:4 structured sparsity doubles the quoted rate; the dense rate is half
        if spec.board_gpus:
            value_number /= spec.board_gpus
        value_number = float(f"{value_number:.12g}")
    return SpecRecord(
        accelerator,
        metric,
        spec,
        value_number,
        value_text,
        _as_published(spec),
        file,
        line,
        source_line,
        position,
    )


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
        for key, raw in record.entry.specs.items():
            if isinstance(raw, list):
                dataset.problems.extend(_list_problems(record, key, raw))
                entries: list[tuple[int | None, Any]] = list(enumerate(raw))
            else:
                entries = [(None, raw)]
            for position, item in entries:
                prefix = ("specs", key) if position is None else ("specs", key, position)
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
                result = read_spec(record, key, spec, position)
                if isinstance(result, Problem):
                    dataset.problems.append(result)
                else:
                    dataset.specs.append(result)


def _list_problems(record: AcceleratorRecord, key: str, entries: list[Any]) -> Iterator[Problem]:
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


Check = Callable[[Dataset], Iterator[Problem]]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    """Register a check: a function of the dataset that yields problems."""
    CHECKS.append(function)
    return function


@check
def id_matches_file_name(dataset: Dataset) -> Iterator[Problem]:
    for record in dataset.accelerators:
        if record.entry.id != record.path.stem:
            yield Problem(
                "id-mismatch",
                f"id {record.entry.id!r} differs from the file name {record.path.name!r}; rename one",
                record.file,
                record.line("id"),
                record.entry.id,
                "id",
                record.entry.id,
            )


def repeated_ids(records: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
    """(record, the first record with its id) for every record whose id was seen before."""
    first: dict[str, Any] = {}
    for record in records:
        earlier = first.setdefault(record.entry.id, record)
        if earlier is not record:
            yield record, earlier


def duplicate_id_problem(kind: str, record: Any, earlier: Any, line: int | None, earlier_line: int | None) -> Problem:
    """The duplicate-id problem of `record`, pointing at where its id was first used."""
    message = f"{kind} id {record.entry.id!r} is already used at {earlier.file}:{earlier_line}"
    accelerator = record.entry.id if kind == "accelerator" else None
    return Problem("duplicate-id", message, record.file, line, accelerator, "id", record.entry.id)


@check
def ids_are_unique(dataset: Dataset) -> Iterator[Problem]:
    for record, earlier in repeated_ids(dataset.accelerators):
        yield duplicate_id_problem("accelerator", record, earlier, record.line("id"), earlier.line("id"))
    for source, earlier_source in repeated_ids(dataset.sources):
        yield duplicate_id_problem("source", source, earlier_source, source.line, earlier_source.line)


@check
def aliases_are_unique(dataset: Dataset) -> Iterator[Problem]:
    owner: dict[str, str] = {}  # name key → accelerator id, for ids and names first
    for record in dataset.accelerators:
        for own_name in {record.entry.id, record.entry.name}:
            owner.setdefault(name_key(own_name), record.entry.id)
    for record in dataset.accelerators:
        for index, alias in enumerate(record.entry.aliases):
            other = owner.setdefault(name_key(alias), record.entry.id)
            if other != record.entry.id:
                yield Problem(
                    "duplicate-alias",
                    f"alias {alias!r} already names accelerator {other!r}",
                    record.file,
                    record.line("aliases", index),
                    record.entry.id,
                    "aliases",
                    alias,
                )


@check
def sources_exist(dataset: Dataset) -> Iterator[Problem]:
    known = {source.entry.id for source in dataset.sources}
    for record in dataset.accelerators:
        for index, source_id in enumerate(record.entry.sources):
            if source_id not in known:
                line = record.line("sources", index)
                yield _unknown_source(source_id, known, record.file, line, record.entry.id, "sources")
    for spec in dataset.specs:
        if spec.entry.source is not None and spec.entry.source not in known:
            yield _unknown_source(
                spec.entry.source, known, spec.file, spec.source_line, spec.accelerator_id, spec.metric.key
            )


def _unknown_source(
    source_id: str, known: set[str], file: str, line: int | None, accelerator: str, field_name: str
) -> Problem:
    """An unknown-source problem, suggesting the closest defined id."""
    guess = difflib.get_close_matches(source_id, sorted(known), n=1)
    hint = f"; did you mean {guess[0]!r}?" if guess else "; define it in data/sources/"
    message = f"source {source_id!r} is not defined{hint}"
    return Problem("unknown-source", message, file, line, accelerator, field_name, source_id)


@check
def values_are_plausible(dataset: Dataset) -> Iterator[Problem]:
    for spec in dataset.specs:
        value, metric = spec.value_number, spec.metric
        if value is None:
            continue
        unit = f" {metric.unit_label}" if metric.unit_label else ""
        if value < 0:
            yield Problem(
                "negative-value",
                f"{spec.as_published} is negative",
                spec.file,
                spec.line,
                spec.accelerator_id,
                metric.key,
                spec.entry.value,
            )
        elif (metric.min_value is not None and value < metric.min_value) or (
            metric.max_value is not None and value > metric.max_value
        ):
            yield Problem(
                "implausible-value",
                f"{spec.as_published}{_in_canonical(spec)} is outside the plausible range"
                f" {metric.min_value:g} to {metric.max_value:g}{unit} for {metric.label}",
                spec.file,
                spec.line,
                spec.accelerator_id,
                metric.key,
                spec.entry.value,
            )


def _in_canonical(spec: SpecRecord) -> str:
    """' (= 4.8 TB/s)' when the stored value reads differently from the published figure, else ''."""
    unit = f" {spec.metric.unit_label}" if spec.metric.unit_label else ""
    canonical = f"{spec.value_number:g}{unit}"
    return "" if canonical == spec.as_published else f" (= {canonical})"


# Dense rates of one chip follow its formats: FP8 is at most 2× BF16, INT8 at most FP8, and so on. A lower
# precision at twice its usual multiple of a higher one is the classic sparse figure typed in as dense.
# (high-precision metric, low-precision metric, the largest ratio low/high that a real dense pair shows)
DENSE_RATIO_LIMITS = (
    ("tf32_dense_tflops", "bf16_dense_tflops", 2.0),
    ("bf16_dense_tflops", "fp16_dense_tflops", 1.0),
    ("fp16_dense_tflops", "bf16_dense_tflops", 1.0),
    ("bf16_dense_tflops", "fp8_dense_tflops", 2.0),
    ("fp8_dense_tflops", "int8_dense_tops", 1.0),
    ("fp8_dense_tflops", "fp4_dense_tflops", 3.0),  # Blackwell Ultra's FP4 is 3× its FP8
)
SPARSE_SUSPICION = 1.8  # a ratio this far past the limit is flagged (exactly 2× is the sparse signature)


@check
def dense_figures_are_dense(dataset: Dataset) -> Iterator[Problem]:
    by_chip: dict[str, dict[str, list[SpecRecord]]] = defaultdict(lambda: defaultdict(list))
    for spec in dataset.specs:
        if spec.value_number is not None:
            by_chip[spec.accelerator_id][spec.metric.key].append(spec)
    for specs in by_chip.values():
        for high_key, low_key, limit in DENSE_RATIO_LIMITS:
            # A low-precision figure is judged against the chip's highest figure of the higher precision, so
            # that a second, lower source for that precision never makes a dense figure look sparse.
            high = max(specs.get(high_key, []), key=lambda spec: spec.value_number, default=None)
            low = next((spec for spec in specs.get(low_key, []) if spec.entry.sparsity == "dense"), None)
            if not high or not low or not high.value_number:
                continue
            ratio = low.value_number / high.value_number
            if ratio >= limit * SPARSE_SUSPICION:
                yield Problem(
                    "sparse-as-dense",
                    f"{low.as_published} looks like a sparse figure ({ratio:.3g}× the {high.metric.label} value "
                    f"{high.value_number:g}, where dense figures are at most {limit:g}×); mark it "
                    "'sparsity: sparse' or halve it",
                    low.file,
                    low.line,
                    low.accelerator_id,
                    low.metric.key,
                    low.entry.value,
                )

"""Registered checks of accelerator and source files: ids and file names, aliases, sources, bounds, dense figures."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from operator import attrgetter
from typing import Any

from gpudb.names import name_key
from gpudb.problems import Problem
from gpudb.validation.checks import check
from gpudb.validation.records import AcceleratorRecord, Dataset, SpecRecord, SystemRecord


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


def repeated_aliases(records: Sequence[AcceleratorRecord | SystemRecord], kind: str) -> Iterator[Problem]:
    """An alias that is already the id, name or alias of another record of the same kind (chip or system)."""
    owner: dict[str, str] = {}  # name key → id, for ids and names first
    for record in records:
        for own_name in {record.entry.id, record.entry.name}:
            owner.setdefault(name_key(own_name), record.entry.id)
    for record in records:
        for index, alias in enumerate(record.entry.aliases):
            other = owner.setdefault(name_key(alias), record.entry.id)
            if other != record.entry.id:
                yield Problem(
                    "duplicate-alias",
                    f"alias {alias!r} already names {kind} {other!r}",
                    record.file,
                    record.line("aliases", index),
                    record.entry.id,
                    "aliases",
                    alias,
                )


@check
def aliases_are_unique(dataset: Dataset) -> Iterator[Problem]:
    yield from repeated_aliases(dataset.accelerators, "accelerator")


def cited_sources_exist(
    dataset: Dataset, records: Sequence[AcceleratorRecord | SystemRecord], specs: Sequence[SpecRecord]
) -> Iterator[Problem]:
    """Every source a file lists and every source a value cites is defined (chips' and systems' alike)."""
    defined = {source.entry.id for source in dataset.sources}
    known = defined | dataset.invalid_ids  # a source refused for its shape was reported where it is written
    for record in records:
        for index, source_id in enumerate(record.entry.sources):
            if source_id not in known:
                line = record.line("sources", index)
                yield _unknown_source(source_id, defined, record.file, line, record.entry.id, "sources")
    cited = set(map(attrgetter("source"), map(attrgetter("entry"), specs)))  # in C: 2.8 million values at 100,000 chips
    if cited <= known | {None}:
        return
    for spec in specs:
        if spec.entry.source is not None and spec.entry.source not in known:
            yield _unknown_source(
                spec.entry.source, defined, spec.file, spec.source_line, spec.accelerator_id, spec.metric.key
            )


@check
def sources_exist(dataset: Dataset) -> Iterator[Problem]:
    yield from cited_sources_exist(dataset, dataset.accelerators, dataset.specs)


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
            unit = f" {metric.unit_label}" if metric.unit_label else ""
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
_RATIO_METRICS = frozenset(key for high, low, _ in DENSE_RATIO_LIMITS for key in (high, low))  # the rest: unread
SPARSE_SUSPICION = 1.8  # a ratio this far past the limit is flagged (exactly 2× is the sparse signature)


@check
def dense_figures_are_dense(dataset: Dataset) -> Iterator[Problem]:
    # Each chip's highest figure of each ratio metric (the first of equals) and its first dense figure without a
    # note, found in one pass: a low-precision figure is judged against the chip's highest figure of the higher
    # precision, so that a second, lower source for that precision never makes a dense figure look sparse.
    highest: dict[tuple[str, str], SpecRecord] = {}
    first_dense: dict[tuple[str, str], SpecRecord] = {}
    for spec in dataset.specs:
        if spec.metric.key not in _RATIO_METRICS or spec.value_number is None:
            continue
        at = (spec.accelerator_id, spec.metric.key)
        best = highest.get(at)
        if best is None or spec.value_number > (best.value_number or 0.0):
            highest[at] = spec
        if at not in first_dense and spec.entry.sparsity == "dense" and spec.entry.dense_ratio_note is None:
            first_dense[at] = spec
    for chip in dict.fromkeys(chip for chip, _ in highest):  # in the order of their first ratio figure
        for high_key, low_key, limit in DENSE_RATIO_LIMITS:
            high, low = highest.get((chip, high_key)), first_dense.get((chip, low_key))
            if not high or not low or not high.value_number or low.value_number is None:
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

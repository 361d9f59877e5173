"""Registered checks of system files: ids, names, the chips they hold and their counts, sources, values."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from gpudb.problems import Problem
from gpudb.validation.checks import check
from gpudb.validation.checks.accelerators import (
    cited_sources_exist,
    duplicate_id_problem,
    repeated_aliases,
    repeated_ids,
)
from gpudb.validation.records import Dataset


@check
def system_ids_match_file_names(dataset: Dataset) -> Iterator[Problem]:
    for record in dataset.systems:
        if record.entry.id != record.path.stem:
            message = f"id {record.entry.id!r} differs from the file name {record.path.name!r}; rename one"
            yield Problem(
                "id-mismatch", message, record.file, record.line("id"), record.entry.id, "id", record.entry.id
            )


@check
def system_ids_and_names_are_unique(dataset: Dataset) -> Iterator[Problem]:
    """Systems among themselves; a name shared with a chip is allowed and answered as ambiguous on lookup."""
    for record, earlier in repeated_ids(dataset.systems):
        yield duplicate_id_problem("system", record, earlier, record.line("id"), earlier.line("id"))
    yield from repeated_aliases(dataset.systems, "system")


@check
def system_chips_are_known_and_counted(dataset: Dataset) -> Iterator[Problem]:
    chips = {record.entry.id for record in dataset.accelerators} | dataset.accelerator_file_ids
    for record in dataset.systems:
        for index, part in enumerate(record.entry.chips):
            if part.accelerator not in chips:
                guess = difflib.get_close_matches(part.accelerator, sorted(chips), n=1)
                hint = f"; did you mean {guess[0]!r}?" if guess else ""
                yield Problem(
                    "unknown-system-chip",
                    f"chip {part.accelerator!r} is not an accelerator id in data/accelerators/{hint}",
                    record.file,
                    record.line("chips", index, "accelerator"),
                    record.entry.id,
                    "chips",
                    part.accelerator,
                )
            if part.count < 1:
                yield Problem(
                    "bad-chip-count",
                    f"{part.accelerator} count {part.count} is below 1; a system holds at least one of each chip",
                    record.file,
                    record.line("chips", index, "count"),
                    record.entry.id,
                    "chips",
                    part.count,
                )


@check
def system_sources_exist(dataset: Dataset) -> Iterator[Problem]:
    yield from cited_sources_exist(dataset, dataset.systems, dataset.system_specs)


# A system holds at most this many chips (the largest pods hold about 10,000): a chip metric's total is bounded by
# its per-chip maximum times this, so that 1e300 W is refused while any real pod's total passes.
MAX_CHIPS_PER_SYSTEM = 1_000_000


@check
def system_values_are_plausible(dataset: Dataset) -> Iterator[Problem]:
    """Not above zero, or outside the bounds a system's total can take: the system metric's own, or for a chip
    metric (a total of chips) above zero and at most its per-chip maximum × MAX_CHIPS_PER_SYSTEM."""
    from gpudb.metrics.systems import SYSTEM_ONLY_METRICS

    bounded = {metric.key for metric in SYSTEM_ONLY_METRICS}
    for spec in dataset.system_specs:
        value, metric = spec.value_number, spec.metric
        if value is None:
            continue
        if metric.key in bounded:  # its own bounds, which may allow zero (a board is in no rack: rack_count 0)
            low, high, zero_allowed = metric.min_value or 0, metric.max_value or value, True
        else:  # a total of chips
            low, high, zero_allowed = 0, (metric.max_value or value) * MAX_CHIPS_PER_SYSTEM, False
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
        elif not low <= value <= high or (value == 0 and not zero_allowed):
            yield Problem(
                "implausible-value",
                f"{spec.as_published} is outside the plausible range of a system's {metric.label}"
                f" ({'from' if zero_allowed else 'above'} {low:g}, at most {high:g})",
                spec.file,
                spec.line,
                spec.accelerator_id,
                metric.key,
                spec.entry.value,
            )

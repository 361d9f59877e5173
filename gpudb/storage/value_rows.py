"""One stored value as its database row: a chip's spec (spec_value) or a system's total (system_value)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gpudb.validation.records import SpecRecord

# the columns of a value row, in the order value_tuple gives them; a chip's value has two more
VALUE_COLUMNS = (
    "id",
    "owner",  # accelerator_id or system_id
    "metric_key",
    "value_number",
    "value_text",
    "status",
    "preferred",
    "unit",
    "as_published",
    "sparse_in_source",
    "unstated_number",
    "source_id",
    "note",
    "file",
    "line",
)
CHIP_COLUMNS = ("board_gpus", "inference")


@dataclass(frozen=True)
class ChipValueRows:
    """The spec_value rows of every chip value, each made as it is written, as tuples in the order of `columns`:
    280,000 dicts held at once were 145 MB of a 10,000-chip build's peak, and making a dict per row and reading it
    back into a tuple was 1.1 s of its time. `specs` in the order of their ids (from `first_id`)."""

    specs: list[SpecRecord]
    preferred: set[tuple[str, str, int | None]]
    first_id: int = 1
    columns: tuple[str, ...] = ("id", "accelerator_id", *VALUE_COLUMNS[2:], *CHIP_COLUMNS)

    def __len__(self) -> int:
        return len(self.specs)

    def tuples(self) -> Iterator[tuple[Any, ...]]:
        """Each row as a tuple in the order of `columns`: value_tuple's and a chip's two columns more."""
        preferred = self.preferred
        for number, spec in enumerate(self.specs, start=self.first_id):
            entry = spec.entry
            row = value_tuple(number, spec, (spec.accelerator_id, spec.metric.key, spec.position) in preferred)
            yield (*row, entry.board_gpus, entry.inference)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self.tuples():
            yield dict(zip(self.columns, row, strict=True))


def value_tuple(number: int, spec: SpecRecord, preferred: bool) -> tuple[Any, ...]:
    """The row of `spec` under id `number`, in the order of VALUE_COLUMNS. The entry's fields are read directly,
    not through SpecRecord's properties: this runs for each of 280,000 values at 10,000 chips."""
    entry, metric = spec.entry, spec.metric
    sparsity = entry.sparsity
    unstated = sparsity == "unstated"  # kept apart: nothing dense-only reads unstated_number
    return (
        number,
        spec.accelerator_id,
        metric.key,
        None if unstated else spec.value_number,
        spec.value_text,
        "convention-unstated" if unstated else (entry.status or "value"),
        preferred,
        metric.unit_label,
        spec.as_published,
        sparsity == "sparse",
        spec.value_number if unstated else None,
        entry.source,
        entry.note,
        spec.file,
        spec.line,
    )


def value_row(number: int, spec: SpecRecord, preferred: bool, owner: str) -> dict[str, Any]:
    """The row of `spec` under id `number` as a dict, its owner in column `owner` (a system's total: system_id)."""
    columns = ("id", owner, *VALUE_COLUMNS[2:])
    return dict(zip(columns, value_tuple(number, spec, preferred), strict=True))

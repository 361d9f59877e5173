"""One stored value as its database row: a chip's spec (spec_value) or a system's total (system_value)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gpudb.validation.records import SpecRecord


@dataclass(frozen=True)
class ChipValueRows:
    """The spec_value rows of every chip value, each made as it is written: 280,000 dicts held at once were
    145 MB of a 10,000-chip build's peak. `specs` in the order of their ids (from 1)."""

    specs: list[SpecRecord]
    preferred: set[tuple[str, str, int | None]]

    def __len__(self) -> int:
        return len(self.specs)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for number, spec in enumerate(self.specs, start=1):
            yield value_row(number, spec, spec.key in self.preferred, "accelerator_id", of_chip=True)


def value_row(number: int, spec: SpecRecord, preferred: bool, owner: str, of_chip: bool) -> dict[str, Any]:
    """The row of `spec` under id `number`, its owner in column `owner` (accelerator_id or system_id)."""
    unstated = spec.convention_unstated  # kept apart: nothing dense-only reads unstated_number
    row: dict[str, Any] = {
        "id": number,
        owner: spec.accelerator_id,
        "metric_key": spec.metric.key,
        "value_number": None if unstated else spec.value_number,
        "value_text": spec.value_text,
        "status": "convention-unstated" if unstated else spec.status,
        "preferred": preferred,
        "unit": spec.metric.unit_label,
        "as_published": spec.as_published,
        "sparse_in_source": spec.sparse_in_source,
        "unstated_number": spec.value_number if unstated else None,
        "source_id": spec.entry.source,
        "note": spec.entry.note,
        "file": spec.file,
        "line": spec.line,
    }
    if of_chip:
        row["board_gpus"] = spec.entry.board_gpus
        row["inference"] = spec.entry.inference
    return row

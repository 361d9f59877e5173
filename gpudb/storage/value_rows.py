"""One stored value as its database row: a chip's spec (spec_value) or a system's total (system_value)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gpudb.validation.records import SpecRecord


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

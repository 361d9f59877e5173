"""The build's rows for systems: their identity, names, chips (with counts) and published totals."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gpudb.validation.records import Dataset


def system_rows(dataset: Dataset) -> dict[str, list[dict]]:
    """Systems, their names, their chips and their totals, in a stable order."""
    from gpudb.names import name_key

    systems = sorted(dataset.systems, key=lambda record: record.entry.id)
    names: dict[tuple[str, str], dict] = {}
    for record in systems:
        entry = record.entry
        for name, kind in [(entry.id, "id"), (entry.name, "name")] + [(alias, "alias") for alias in entry.aliases]:
            names.setdefault(
                (entry.id, name), {"system_id": entry.id, "name": name, "name_key": name_key(name), "kind": kind}
            )
    specs = sorted(dataset.system_specs, key=lambda s: (s.accelerator_id, s.metric.key, s.position or 0))
    return {
        "system": [
            {**record.entry.model_dump(exclude={"aliases", "specs", "chips"}), "file": record.file}
            for record in systems
        ],
        "system_name": [names[key] for key in sorted(names)],
        "system_part": [
            {"system_id": record.entry.id, "accelerator_id": part.accelerator, "count": part.count, "note": part.note}
            for record in systems
            for part in record.entry.chips
        ],
        "system_value": [
            {
                "id": number,
                "system_id": s.accelerator_id,
                "metric_key": s.metric.key,
                "value_number": None if s.convention_unstated else s.value_number,
                "value_text": s.value_text,
                "status": "convention-unstated" if s.convention_unstated else s.status,
                "preferred": s.key in dataset.system_preferred,
                "unit": s.metric.unit_label,
                "as_published": s.as_published,
                "sparse_in_source": s.sparse_in_source,
                "unstated_number": s.value_number if s.convention_unstated else None,
                "source_id": s.entry.source,
                "note": s.entry.note,
                "file": s.file,
                "line": s.line,
            }
            for number, s in enumerate(specs, start=1)
        ],
    }

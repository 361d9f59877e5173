"""The build's rows for systems: their identity, names, chips (with counts) and published totals."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gpudb.validation.records import Dataset


def system_rows(dataset: Dataset) -> dict[str, list[dict]]:
    """Systems, their names, their chips and their totals, in a stable order."""
    from gpudb.names import name_key
    from gpudb.storage.value_rows import value_row

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
            value_row(number, s, s.key in dataset.system_preferred, "system_id")
            for number, s in enumerate(specs, start=1)
        ],
    }

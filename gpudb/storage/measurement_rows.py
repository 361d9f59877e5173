"""The build's rows for the measurement tables: runs of `gpudb bench` and measurements others published, kept
apart from the spec values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import SQLModel

from gpudb.storage.tables import BENCH_KIND, PUBLISHED_KIND

if TYPE_CHECKING:
    from gpudb.validation.records import Dataset


def measurement_rows(dataset: Dataset) -> dict[str, list[dict]]:
    """Runs of `gpudb bench` and measurements others published, with their figures: tables of their own, never
    spec values."""
    measurement: list[dict] = []
    measured_value: list[dict] = []
    for record in sorted(dataset.measurements, key=lambda record: record.entry.id):
        run, environment = record.entry, record.entry.environment
        measurement.append(
            {
                "id": run.id,
                "accelerator_id": run.accelerator,
                "kind": BENCH_KIND,
                "measured_by": BENCH_KIND,
                "measured": run.measured,
                "tool": run.tool,
                "mode": run.mode,
                "device_name": environment.device_name,
                "memory_gb": environment.memory_gb,
                "sm_count": environment.sm_count,
                "backend": environment.backend,
                "driver_version": environment.driver_version,
                "cuda_version": environment.cuda_version,
                "torch_version": environment.torch_version,
                "power_limit_w": environment.power_limit_w,
                "sm_clock_max_mhz": environment.sm_clock_max_mhz,
                "host": environment.host,
                "environment": environment.model_dump(mode="json"),
                "skipped": [skipped.model_dump(mode="json") for skipped in run.skipped],
                "note": run.note,
                "file": record.file,
            }
        )
        for position, result in enumerate(run.results):
            figure = result.model_dump(exclude={"metric", "shapes_tried"})
            measured_value.append(
                {**figure, "id": len(measured_value) + 1, "measurement_id": run.id, "metric_key": result.metric,
                 "value": result.median, "position": position}
            )  # fmt: skip
    for published in sorted(dataset.published_measurements, key=lambda record: record.entry.id):
        entry = published.entry
        measurement.append(
            {
                "id": entry.id,
                "accelerator_id": entry.accelerator,
                "kind": PUBLISHED_KIND,
                "measured_by": entry.measured_by,
                "measured": entry.measured or entry.published,
                "published": entry.published,
                "source_id": entry.source,
                "tool": entry.software,
                "environment": {},
                "skipped": [],
                "note": entry.note,
                "file": published.file,
            }
        )
        for position, result in enumerate(entry.results):
            figure = result.model_dump(exclude={"metric"})
            measured_value.append(
                {**figure, "id": len(measured_value) + 1, "measurement_id": entry.id, "metric_key": result.metric,
                 "method": entry.method, "position": position}
            )  # fmt: skip
    return {
        name: _every_column(name, rows)
        for name, rows in (("measurement", measurement), ("measured_value", measured_value))
    }


def _every_column(table_name: str, rows: list[dict]) -> list[dict]:
    """Rows with one key per column (None where a kind of measurement has no such field), as inserts need."""
    columns = [column.name for column in SQLModel.metadata.tables[table_name].columns]
    return [{column: row.get(column) for column in columns} for row in rows]

"""Rows of the build's side tables: the measurements (gpudb bench runs and published ones) and the dated prices."""

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


def price_rows(dataset: Dataset) -> list[dict]:
    """Dated prices, per chip or per GPU-hour: an instance-hour rate divided by its GPUs, as published beside it."""
    rows: list[dict] = []
    ordered = sorted(dataset.prices, key=lambda r: (r.entry.accelerator, r.entry.date or r.entry.period_from, r.file))
    for record in ordered:
        price = record.entry
        divisor = price.gpus_per_instance or 1
        published = f"{price.amount:,.8g}" + (f"–{price.amount_high:,.8g}" if price.amount_high else "")
        published += f" {price.currency}" + (f" per {price.unit}" if price.unit else "")
        if price.gpus_per_instance:
            published += f" ({price.gpus_per_instance} GPU{'s' if price.gpus_per_instance > 1 else ''})"
        rows.append(
            {
                "id": len(rows) + 1,
                "accelerator_id": price.accelerator,
                "kind": price.kind,
                "amount": price.amount / divisor,
                "amount_high": price.amount_high / divisor if price.amount_high else None,
                "currency": price.currency,
                "as_published": published,
                "date": price.date or price.period_from,
                "date_to": price.period_to,
                "period": price.date is None,
                "unit": "gpu-hour" if price.unit else "chip",
                "gpus_per_instance": price.gpus_per_instance,
                "market": price.market,
                "provider": price.provider,
                "instance": price.instance,
                "region": price.region,
                "term": price.term,
                "source_id": price.source,
                "note": price.note,
                "file": record.file,
                "line": record.line,
            }
        )
    return rows

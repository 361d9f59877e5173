"""Rows of the build's side tables: the measurements (gpudb bench runs and published ones) and the dated prices."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gpudb.validation.records import Dataset


def measurement_rows(dataset: Dataset) -> dict[str, list[dict]]:
    """Runs of `gpudb bench` and their figures: a table of their own, never spec values."""
    runs = sorted(dataset.measurements, key=lambda record: record.entry.id)
    measurement: list[dict] = []
    measured_value: list[dict] = []
    for record in runs:
        run, environment = record.entry, record.entry.environment
        measurement.append(
            {
                "id": run.id,
                "accelerator_id": run.accelerator,
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
            measured_value.append(
                {
                    "id": len(measured_value) + 1,
                    "measurement_id": run.id,
                    "name": result.name,
                    "metric_key": result.metric,
                    "precision": result.precision,
                    "method": result.method,
                    "unit": result.unit,
                    "median": result.median,
                    "best": result.best,
                    "spread_pct": result.spread_pct,
                    "repetitions": result.repetitions,
                    "shape": result.shape,
                    "size_bytes": result.size_bytes,
                    "limitation": result.limitation,
                    "position": position,
                }
            )
    return {"measurement": measurement, "measured_value": measured_value}


def price_rows(dataset: Dataset) -> list[dict]:
    """Dated prices, per chip or per GPU-hour: an instance-hour rate divided by its GPUs, as published beside it."""
    rows: list[dict] = []
    ordered = sorted(dataset.prices, key=lambda r: (r.entry.accelerator, r.entry.date or r.entry.period_from, r.file))
    for record in ordered:
        price = record.entry
        divisor = price.gpus_per_instance or 1
        published = f"{price.amount:,g}" + (f"–{price.amount_high:,g}" if price.amount_high else "")
        published += f" {price.currency}" + (f" per {price.unit}" if price.unit else "")
        if price.gpus_per_instance:
            published += f" ({price.gpus_per_instance} GPUs)"
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

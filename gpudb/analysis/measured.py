"""Measured figures beside the published peaks, and the efficiency between them: runs of `gpudb bench` (kind
'gpudb bench') and measurements others made and published (kind 'published', with who measured and a source).

Efficiency is the measured value (a run's median, or the figure as published) ÷ the published dense peak of
the same metric (the preferred value), so 0.75 means 75% of the datasheet figure. A measured figure never
replaces a published one, and several measurements of one chip are kept side by side, never averaged.

    >>> import gpudb
    >>> gpudb.measurements("H100")      # one row per measured figure, with its published peak and efficiency
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine, and_, select

from gpudb.storage import query, tables

# the columns of each table, named as the model classes they stand for (reading needs no ORM and no models)
MeasuredValue, Measurement, Metric = tables.measured_value.c, tables.measurement.c, tables.metric.c

if TYPE_CHECKING:
    import pandas as pd

RUN_COLUMNS = [
    "measurement_id",
    "accelerator_id",
    "kind",
    "measured_by",
    "measured",
    "published_on",
    "measurement_source_id",
    "tool",
    "mode",
    "device_name",
    "backend",
    "driver_version",
    "cuda_version",
    "torch_version",
    "power_limit_w",
    "sm_clock_max_mhz",
    "host",
    "measurement_source",
    "measurement_url",
]

FIGURE_COLUMNS = ["name", "metric", "label", "precision", "unit", "value", "median", "best", "spread_pct"]
FIGURE_COLUMNS += [
    "repetitions",
    "shape",
    "size_bytes",
    "method",
    "limitation",
    "note",
    "published",
    "published_status",
]
FIGURE_COLUMNS += ["published_source", "published_url", "efficiency", "best_efficiency"]
COLUMNS = RUN_COLUMNS + FIGURE_COLUMNS


def efficiency(measured: float | None, published: float | None) -> float | None:
    """measured ÷ published, or None when the published peak is missing or zero."""
    if measured is None or not published:
        return None
    return measured / published


def measurement_rows(name: str | None = None, url: str | Engine | None = None) -> list[dict]:
    """Every measured figure (of one chip when `name` is given), newest run first, with its published peak.

    Keys: the measurement's (see RUN_COLUMNS: kind 'gpudb bench' or 'published', measured_by, measured,
    published_on and measurement_source_id for a published one), then name, metric, label, precision, unit,
    value (a run's median or the published figure), median, best, spread_pct, repetitions (runs only), shape,
    size_bytes, method, limitation, note, published (the preferred published peak, same unit), published_status,
    published_source, published_url, efficiency (value ÷ published) and best_efficiency (runs only).
    """
    engine = query.engine_for(url)
    accelerator_id = query.resolve(name, engine) if name else None
    cited = tables.source.alias("cited")  # where a published measurement was published
    # the preferred published peak of the same chip and metric, joined row by row (through the index on the chip)
    # rather than as a subquery of every preferred value, which SQLite materialised whole for each call
    peak, peak_source = tables.spec_value.alias("peak"), tables.source.alias("peak_source")
    statement = (
        select(
            Measurement.id.label("measurement_id"),
            Measurement.accelerator_id,
            Measurement.kind,
            Measurement.measured_by,
            Measurement.measured,
            Measurement.published.label("published_on"),
            Measurement.source_id.label("measurement_source_id"),
            *(getattr(Measurement, column) for column in RUN_COLUMNS[7:-2]),
            cited.c.title.label("measurement_source"),
            cited.c.url.label("measurement_url"),
            MeasuredValue.name,
            MeasuredValue.metric_key.label("metric"),
            Metric.label,
            MeasuredValue.precision,
            MeasuredValue.unit,
            MeasuredValue.value,
            MeasuredValue.median,
            MeasuredValue.best,
            MeasuredValue.spread_pct,
            MeasuredValue.repetitions,
            MeasuredValue.shape,
            MeasuredValue.size_bytes,
            MeasuredValue.method,
            MeasuredValue.limitation,
            MeasuredValue.note,
            peak.c.value_number.label("published"),
            peak.c.status.label("published_status"),
            peak_source.c.title.label("published_source"),
            peak_source.c.url.label("published_url"),
        )
        .join(tables.measured_value, MeasuredValue.measurement_id == Measurement.id)
        .outerjoin(cited, cited.c.id == Measurement.source_id)
        .join(tables.metric, Metric.key == MeasuredValue.metric_key)
        .outerjoin(
            peak,
            and_(
                peak.c.accelerator_id == Measurement.accelerator_id,
                peak.c.metric_key == MeasuredValue.metric_key,
                peak.c.preferred.is_(True),
            ),
        )
        .outerjoin(peak_source, peak_source.c.id == peak.c.source_id)
        .order_by(
            Measurement.accelerator_id, Measurement.measured.desc(), Measurement.id.desc(), MeasuredValue.position
        )
    )
    if accelerator_id:
        statement = statement.where(Measurement.accelerator_id == accelerator_id)
    with engine.connect() as connection:
        rows = [dict(row) for row in connection.execute(statement).mappings()]
    for row in rows:
        row["published_status"] = row["published_status"] or "unknown"
        row["efficiency"] = efficiency(row["value"], row["published"])
        row["best_efficiency"] = efficiency(row["best"], row["published"])
    return rows


def runs(name: str | None = None, url: str | Engine | None = None) -> list[dict]:
    """The runs (of one chip when `name` is given), newest first, with their full environment and skips."""
    engine = query.engine_for(url)
    statement = select(tables.measurement).order_by(
        Measurement.accelerator_id, Measurement.measured.desc(), Measurement.id.desc()
    )
    if name:
        statement = statement.where(Measurement.accelerator_id == query.resolve(name, engine))
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(statement)]


def latest_by_metric(accelerator_ids: list[str], url: str | Engine | None = None) -> dict[str, dict[str, dict]]:
    """For each chip, its newest `gpudb bench` run's figure per metric: id → {metric → row of measurement_rows}.

    Where a run measured one metric twice (memory bandwidth by copy and by read), the higher median stands:
    each is a lower bound on what the memory can do.
    """
    engine = query.engine_for(url)
    found: dict[str, dict[str, dict]] = {accelerator_id: {} for accelerator_id in accelerator_ids}
    for accelerator_id in accelerator_ids:
        rows = [row for row in measurement_rows(accelerator_id, engine) if row["kind"] == tables.BENCH_KIND]
        if not rows:
            continue
        newest = rows[0]["measurement_id"]
        for row in rows:
            if row["measurement_id"] != newest:
                continue
            kept = found[accelerator_id].get(row["metric"])
            if kept is None or row["median"] > kept["median"]:
                found[accelerator_id][row["metric"]] = row
    return found


def published_by_metric(accelerator_ids: list[str], url: str | Engine | None = None) -> dict[str, dict[str, list]]:
    """For each chip, every figure others published, per metric, newest first: id → {metric → [rows]}."""
    engine = query.engine_for(url)
    found: dict[str, dict[str, list]] = {accelerator_id: {} for accelerator_id in accelerator_ids}
    for accelerator_id in accelerator_ids:
        for row in measurement_rows(accelerator_id, engine):
            if row["kind"] == tables.PUBLISHED_KIND:
                found[accelerator_id].setdefault(row["metric"], []).append(row)
    return found


def others_text(rows: list[dict]) -> str:
    """Published figures side by side, never averaged: '794.5 (80.3%, Stas Bekman, 2025-08-10); …' ('' if none)."""
    from gpudb.formatting import format_number

    shown = []
    for row in rows:
        share = "" if row["efficiency"] is None else f"{row['efficiency'] * 100:.1f}%, "
        value = format_number(float(f"{row['value']:.4g}"))
        shown.append(f"{value} ({share}{row['measured_by']}, {row['measured']})")
    return "; ".join(shown)


def measurements(name: str | None = None, url: str | Engine | None = None) -> pd.DataFrame:
    """measurement_rows as a pandas DataFrame (one row per measured figure; no rows when nothing is measured)."""
    import pandas as pd

    return pd.DataFrame(measurement_rows(name, url), columns=COLUMNS)

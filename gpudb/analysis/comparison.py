"""Comparisons: every metric of several chips, stored and derived, with the ratio to a baseline chip."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from gpudb.analysis.measured import latest_by_metric, others_text, published_by_metric
from gpudb.analysis.wide import chip_values  # the chips' numbers, stored and derived (one owner)
from gpudb.errors import InvalidArgumentError
from gpudb.metrics.catalogue import closest_metric
from gpudb.metrics.derived import comparable_metrics
from gpudb.storage import query

if TYPE_CHECKING:
    import pandas as pd


def check_metric_keys(keys: list[str]) -> None:
    """Raise InvalidArgumentError naming the valid keys when one is unknown."""
    valid = [key for key, *_ in comparable_metrics()]
    for key in keys:
        if key not in valid:
            guess = closest_metric(key, valid)
            hint = f"did you mean {guess!r}? " if guess else ""
            raise InvalidArgumentError(f"unknown metric {key!r}; {hint}valid metrics: {', '.join(valid)}")


def ratio(value: float | None, base: float | None) -> float | None:
    """value ÷ base, or None when either is missing or the base is zero."""
    if value is None or base is None or base == 0 or math.isnan(value) or math.isnan(base):
        return None
    return value / base


@dataclass(frozen=True)
class Comparison:
    """A comparison as plain rows (no pandas): the chips, the baseline, and one dict per metric.

    Each row also has "status": {chip: value | not-supported | not-applicable | unknown}, so that a missing
    value says why it is missing and a ratio against a chip that lacks a precision can say so.
    """

    chips: list[str]
    baseline: str
    rows: list[dict[str, Any]]
    with_measured: bool = False

    @property
    def ratio_columns(self) -> list[str]:
        return [f"{chip}/{self.baseline}" for chip in self.chips if chip != self.baseline]

    @property
    def columns(self) -> list[str]:
        measured = [f"{chip} {what}" for chip in self.chips for what in ("measured", "efficiency", OTHERS)]
        return [
            *["metric", "label", "unit", "category", "higher_is_better", *self.chips, *self.ratio_columns],
            *(measured if self.with_measured else []),
        ]


OTHERS = "measured by others"  # the column of what others published, per chip
OTHER_KEYS: tuple[str, ...] = ("measurement_id", "measured_by", "measured", "name", "value", "efficiency", "method")
OTHER_KEYS += ("shape", "tool", "measurement_source_id", "measurement_source", "measurement_url")


def compare_rows(
    names: list[str],
    baseline: str | None = None,
    metrics: list[str] | None = None,
    url: str | Engine | None = None,
    measured: bool = False,
    include_unstated: bool = False,
) -> Comparison:
    """The comparison behind `compare`, as rows; the CLI uses it so that a table needs no pandas.

    With measured=True each row also has, per chip, "<chip> measured" (the newest `gpudb bench` run's median,
    same unit), "<chip> efficiency" (measured ÷ published), "measured": {chip: details or None}, and what others
    published, side by side and never averaged: "<chip> measured by others" (text: each figure, its efficiency,
    who and when) and "published_measurements": {chip: [details, newest first]}.
    Figures whose source does not say dense or sparse are left out (status convention-unstated) unless
    include_unstated=True; then they are used as published and their status still says so.
    """
    if not names:
        raise InvalidArgumentError("name at least one accelerator to compare")
    engine = query.engine_for(url)
    ids = list(dict.fromkeys(query.resolve(name, engine) for name in names))
    base_id = query.resolve(baseline, engine) if baseline else ids[-1]
    if base_id not in ids:
        raise InvalidArgumentError(
            f"baseline {baseline!r} ({base_id}) is not among the chips compared: {', '.join(ids)}"
        )
    if metrics:
        check_metric_keys(metrics)
    values, marked = read_values(ids, engine, include_unstated)
    runs = latest_by_metric(ids, engine) if measured else {}
    others = published_by_metric(ids, engine) if measured else {}
    rows = comparison_rows(ids, base_id, metrics, values, marked)
    if measured:
        for row in rows:
            _add_measured(row, ids, runs, others)
    return Comparison(ids, base_id, rows, measured)


def read_values(
    ids: list[str],
    engine: Engine,
    include_unstated: bool = False,
    stored: Mapping[str, Mapping[str, float]] | None = None,
    statuses: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[dict[str, dict[str, float | None]], dict[str, dict[str, str]]]:
    """What comparison_rows reads of the chips (resolved ids): their stored and derived values (chip_values) and the
    statuses of those stored as one (query.statuses). `stored` and `statuses`: every chip's, when the caller holds
    them (the web's snapshot): then nothing is read."""
    values = chip_values(ids, engine, include_unstated, stored)
    if statuses is None:
        return values, query.statuses(ids, engine)
    return values, {chip: dict(statuses.get(chip, {})) for chip in ids}


def comparison_rows(
    ids: list[str],
    base_id: str,
    metrics: list[str] | None,
    values: dict[str, dict[str, float | None]],
    marked: dict[str, dict[str, str]],
) -> list[dict[str, Any]]:
    """compare_rows's rows (without the measured figures) from values already read: each chip's stored and
    derived values (chip_values) and the statuses of those stored as one (query.statuses)."""
    rows = []
    for key, label, unit, category, higher_is_better in comparable_metrics():
        if metrics and key not in metrics:
            continue
        if not metrics and all(values[chip].get(key) is None and key not in marked[chip] for chip in ids):
            continue  # a metric nobody has is noise in the default view
        row: dict[str, Any] = {
            "metric": key,
            "label": label,
            "unit": unit,
            "category": category,
            "higher_is_better": higher_is_better,
        }
        for chip in ids:
            row[chip] = values[chip].get(key)
        for chip in ids:
            if chip != base_id:
                row[f"{chip}/{base_id}"] = ratio(values[chip].get(key), values[base_id].get(key))
        row["status"] = {chip: _status(values[chip].get(key), marked[chip].get(key)) for chip in ids}
        rows.append(row)
    if metrics:
        rows.sort(key=lambda row: metrics.index(row["metric"]))
    return rows


def _status(value: float | None, marked: str | None) -> str:
    """value, or why there is none; a figure of unstated convention used on request keeps saying so."""
    if marked == "convention-unstated":
        return marked
    return "value" if value is not None else marked or "unknown"


def _add_measured(
    row: dict[str, Any], ids: list[str], runs: dict[str, dict[str, dict]], others: dict[str, dict[str, list]]
) -> None:
    """The newest `gpudb bench` median of each chip beside its published value, and their ratio (efficiency);
    then every figure others published, each with its own efficiency and who measured it."""
    row["measured"], row["published_measurements"] = {}, {}
    for chip in ids:
        figure = runs[chip].get(row["metric"])
        row[f"{chip} measured"] = figure["median"] if figure else None
        row[f"{chip} efficiency"] = figure["efficiency"] if figure else None
        row["measured"][chip] = (
            {key: figure[key] for key in ("measurement_id", "measured", "name", "best", "method", "limitation")}
            if figure
            else None
        )
        published = others[chip].get(row["metric"], [])
        row[f"{chip} {OTHERS}"] = others_text(published)
        row["published_measurements"][chip] = [{key: figure[key] for key in OTHER_KEYS} for figure in published]


def compare(
    names: list[str],
    baseline: str | None = None,
    metrics: list[str] | None = None,
    url: str | Engine | None = None,
    measured: bool = False,
    include_unstated: bool = False,
) -> pd.DataFrame:
    """One row per metric; for each chip its value, and for each other chip its ratio to the baseline.

    Names are resolved like `gpudb.get`; the baseline defaults to the last chip named (so compare(["H200",
    "H20"]) reads "H200 is N× H20"). Columns: metric, label, unit, category, one column per chip id with the
    value, one `<id>/<baseline id>` column per other chip with the ratio. Missing values are NaN, never 0;
    `frame.attrs["status"]` says why: {chip: {metric: value | not-supported | not-applicable | unknown |
    not-disclosed | convention-unstated}}. include_unstated=True uses figures whose source does not say dense or
    sparse, as published (their status still says convention-unstated).
    measured=True adds "<id> measured" (newest `gpudb bench` median, same unit), "<id> efficiency" and
    "<id> measured by others" (text: each published measurement with its efficiency, who measured and when).
    """
    import pandas as pd

    comparison = compare_rows(names, baseline, metrics, url, measured, include_unstated)
    frame = pd.DataFrame(comparison.rows, columns=comparison.columns)
    status = {chip: {row["metric"]: row["status"][chip] for row in comparison.rows} for chip in comparison.chips}
    frame.attrs.update(chips=comparison.chips, baseline=comparison.baseline, status=status)
    numeric = [
        *comparison.chips,
        *(column for column in comparison.columns if column.endswith(("measured", "efficiency"))),
    ]
    return frame.astype({column: "float64" for column in numeric})

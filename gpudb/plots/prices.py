"""Price figures: a chip's dated prices (one line per kind) and TFLOPS per 1,000 of price by date. Frames in,
plotly figures out; nothing here reads the database."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from gpudb.plots.style import OKABE_ITO, finish

KIND_COLOURS = dict(
    zip(
        ("launch-list", "reported-purchase", "reported-street", "cloud-on-demand", "cloud-reserved"),
        OKABE_ITO,
        strict=False,
    )
)


def _hover(row: pd.Series, value_text: str) -> str:
    where = ", ".join(str(part) for part in (row.get("market"), row.get("provider"), row.get("instance")) if part)
    lines = [value_text, f"{row['kind']} · {row['date']}", where, f"as published: {row['as_published']}"]
    lines.append(f"source: {row['source_title']} ({row['source_publisher']})")
    return "<br>".join(html.escape(line) for line in lines if line)


def price_history(prices: pd.DataFrame, chip_name: str) -> go.Figure:
    """A chip's prices by date: purchase prices (per chip) on the left axis, cloud rates (per GPU-hour) on the
    right, one series per kind and currency; hover shows the figure as published and its source."""
    figure = go.Figure()
    for (kind, currency), group in prices.sort_values("date").groupby(["kind", "currency"], sort=False):
        hourly = group["unit"].iloc[0] == "gpu-hour"
        unit = f"{currency}/GPU-hour" if hourly else f"{currency} per chip"
        figure.add_trace(
            go.Scatter(
                x=_dates(group),
                y=group["amount"].tolist(),
                mode="lines+markers",
                name=f"{kind} ({unit})",
                yaxis="y2" if hourly else "y",
                marker={"color": KIND_COLOURS.get(kind), "size": 9},
                line={"dash": "dot" if hourly else "solid"},
                text=[_hover(row, f"{row['amount']:,.2f} {unit}") for _, row in group.iterrows()],
                hoverinfo="text",
            )
        )
    finish(figure, f"Prices of {chip_name} by date", "date", "price per chip")
    figure.update_layout(yaxis2={"title": "cloud rate per GPU-hour", "overlaying": "y", "side": "right"})
    return figure


def price_performance(rows: pd.DataFrame, precision: str = "bf16") -> go.Figure:
    """Dense TFLOPS per 1,000 of purchase price (value) by the price's date, one series per chip and currency."""
    figure = go.Figure()
    for (chip, currency), group in rows.sort_values("date").groupby(["accelerator_id", "currency"], sort=True):
        figure.add_trace(
            go.Scatter(
                x=_dates(group),
                y=group["value"].tolist(),
                mode="lines+markers",
                name=f"{chip} ({currency})",
                marker={"symbol": [("circle" if kind == "launch-list" else "diamond") for kind in group["kind"]]},
                text=[_hover(row, f"{row['value']:,.2f} TFLOPS per 1,000 {currency}") for _, row in group.iterrows()],
                hoverinfo="text",
            )
        )
    title = f"{precision.upper()} dense TFLOPS per 1,000 of purchase price, by the price's date (circles: list)"
    return finish(figure, title, "price date", f"{precision.upper()} dense TFLOPS per 1,000 (currency of the price)")


def _dates(group: pd.DataFrame) -> list:
    """The price dates as datetime.date objects: plain values in the figure, as every other trace holds, not arrays."""
    return [stamp.date() for stamp in pd.to_datetime(group["date"])]

"""Systems as a figure: their frame (from gpudb.analysis.systems, no SQL here) and compute against power, bubble area
memory, colour vendor."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from gpudb.plots.style import vendor_colours

POINT_COLUMNS = ["id", "name", "vendor", "kind", "chips", "power_kw", "compute_pflops", "memory_tb", "bases"]


def system_points(url: Any = None, metric: str = "bf16_dense_tflops") -> pd.DataFrame:
    """One row per system: power (kW), the metric's total (PFLOPS), memory (TB) and the basis of each figure."""
    from gpudb.analysis.systems import system_view
    from gpudb.storage import query_systems
    from gpudb.storage.query import engine_for

    engine = engine_for(url)
    rows = []
    for system in query_systems.systems(engine):
        view = system_view(system["id"], engine)

        power, power_basis = _total(view, "tdp_w", 1000)
        compute, compute_basis = _total(view, metric, 1000)
        memory, memory_basis = _total(view, "memory_capacity_gb", 1000)
        rows.append(
            {
                "id": system["id"],
                "name": system["name"],
                "vendor": system["vendor"],
                "kind": system["kind"],
                "chips": view.chip_count,
                "power_kw": power,
                "compute_pflops": compute,
                "memory_tb": memory,
                "bases": f"power {power_basis}, compute {compute_basis}, memory {memory_basis}",
            }
        )
    return pd.DataFrame(rows, columns=POINT_COLUMNS)


def _total(view: Any, key: str, scale: float) -> tuple[float | None, str]:
    """A total divided by `scale` (W → kW, TFLOPS → PFLOPS, GB → TB) and its basis."""
    found = view.totals.get(key)
    if found is None or found.value is None:
        return None, "missing"
    return found.value / scale, found.basis or "missing"


def systems_bubble(points: pd.DataFrame, metric_label: str = "BF16 dense") -> go.Figure:
    """Compute (PFLOPS) against power (kW), bubble area = memory (TB); systems lacking a figure are named below."""
    complete = points.dropna(subset=["power_kw", "compute_pflops", "memory_tb"])
    left_out = sorted(set(points["name"]) - set(complete["name"]))
    figure = go.Figure()
    largest = complete["memory_tb"].max() if len(complete) else 1.0
    colours = vendor_colours(points["vendor"])
    for vendor, group in complete.groupby("vendor", sort=True):
        figure.add_trace(
            go.Scatter(
                x=group["power_kw"],
                y=group["compute_pflops"],
                mode="markers+text",
                name=vendor,
                text=group["name"],
                textposition="top center",
                marker={
                    "size": group["memory_tb"],
                    "sizemode": "area",
                    "sizeref": 2.0 * largest / 60**2,
                    "sizemin": 6,
                    "color": colours[vendor],
                },
                customdata=group[["memory_tb", "chips", "bases"]].to_numpy(),
                hovertemplate="<b>%{text}</b><br>%{x:,.1f} kW · %{y:,.1f} PFLOPS<br>memory %{customdata[0]:,.1f} TB"
                " · %{customdata[1]} chips<br>%{customdata[2]}<extra></extra>",
            )
        )
    if left_out:
        figure.add_annotation(
            text="Not shown (no published or derivable power, compute or memory): " + ", ".join(left_out),
            xref="paper",
            yref="paper",
            x=0,
            y=-0.18,
            showarrow=False,
            align="left",
        )
    figure.update_layout(
        title=f"Systems: {metric_label} compute against power (bubble area: memory in TB)",
        xaxis={"title": "Power (kW)", "type": "log"},
        yaxis={"title": f"{metric_label} (PFLOPS)", "type": "log"},
        legend_title_text="Vendor",
        margin={"b": 110},
    )
    return figure

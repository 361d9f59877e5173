"""The pieces of gpudb.plots.style that the comparison figures use, as plotly's JSON written from plain dicts (the
figures gpudb.plots.profile_json and gpudb.plots.ratio_json write): plotly's object model validates each property
as it is set, most of a small figure's cost (issue 23). Each helper gives the keys plotly's to_json gives, in its
order; tests/test_site_bulk.py and tests/test_compare_json.py compare the text with plotly's, so a change to
style.py's helpers must be made here too.

A point is a plain dict: {"name", "vendor", "availability", "sources": {metric: source text}}; a comparison row is
one of gpudb.analysis.comparison.compare_rows's rows (None where a value is missing)."""

from __future__ import annotations

import html
import json
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from gpudb.plots.style import PATTERNS, log_ticks, number

Point = Mapping[str, Any]
Layout = dict[str, Any]


def absent(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def chip_name(points: Mapping[str, Point], chip: str) -> str:
    """style.chip_name on plain points."""
    point = points.get(chip)
    name = str(point["name"]) if point is not None else chip
    if point is not None and point.get("availability") == "announced":
        name += " (announced)"
    return html.escape(name, quote=False)


def source_line(points: Mapping[str, Point], chip: str, key: str) -> str:
    """style.source_line on plain points."""
    point = points.get(chip)
    text = point["sources"].get(key) if point is not None else None
    if not isinstance(text, str):
        return ""
    lines = textwrap.wrap(html.escape(text, quote=False), 100, break_on_hyphens=False)
    return "".join(f"<br>  <i>{line}</i>" for line in lines)


def ratio_bar(
    rows: Sequence[Mapping[str, Any]],
    chip: str,
    baseline: str,
    points: Mapping[str, Point],
    style: tuple[str, int],
    after_ratio: str,
) -> dict[str, Any]:
    """The keys a bar trace of ratios (profile and ratio figures) starts with, in plotly's order: `rows` those with
    a ratio of `chip` to `baseline`, `style` the chip's (colour, pattern index) from chip_styles, `after_ratio`
    what the hover text's first line says after 'N×'."""
    column = f"{chip}/{baseline}"
    chip_label, base_label = chip_name(points, chip), chip_name(points, baseline)
    colour, nth = style
    return {
        "base": 1,
        "customdata": [[row["metric"], row[column]] for row in rows],
        "hoverinfo": "text",
        "hovertext": [
            f"<b>{row['label']}</b>: {row[column]:.3g}×{after_ratio}<br>{chip_label}: {number(row[chip])} "
            f"{row['unit']}".rstrip()
            + source_line(points, chip, row["metric"])
            + f"<br>{base_label}: {number(row[baseline])} {row['unit']}".rstrip()
            + source_line(points, baseline, row["metric"])
            for row in rows
        ],
        "marker": {"color": colour, "pattern": {"shape": PATTERNS[nth % len(PATTERNS)]}},
    }


@cache
def _template_text() -> str:
    """plotly's "plotly_white" template as figures.finish gives it (style.white_template), as JSON text."""
    import plotly.graph_objects as go

    from gpudb.plots.style import white_template

    figure = go.Figure()
    white_template(figure)
    return json.dumps(json.loads(figure.to_json())["layout"]["template"])


def chip_styles(chips: Sequence[str], points: Mapping[str, Point], colours: Mapping[str, str]) -> dict[str, Any]:
    """style.chip_styles: chip → (its vendor's colour, how many chips of that vendor came before it); `colours`
    every stored vendor's (style.vendor_colours)."""
    seen: dict[str, int] = {}
    styles: dict[str, tuple[str, int]] = {}
    for chip in chips:
        vendor = str(points[chip]["vendor"]) if chip in points else chip
        styles[chip] = (colours[vendor], seen.get(vendor, 0))
        seen[vendor] = seen.get(vendor, 0) + 1
    return styles


def template() -> dict[str, Any]:
    """A fresh copy of the template's JSON (a page's figure is its own)."""
    return json.loads(_template_text())


def comparison_notes(rows: Sequence[Mapping[str, Any]], chips: Sequence[str], points: Mapping[str, Point]) -> list[str]:
    """style.comparison_notes on plain rows (each row's "status" says why a value is missing)."""
    lacking: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        for chip in chips:
            if absent(row[chip]):
                reason = row["status"].get(chip, "unknown").replace("-", " ")
                lacking.setdefault((chip, reason), []).append(row["label"])
    return [
        f"Left out, {chip_name(points, chip)} has no {', '.join(labels)} ({reason})"
        for (chip, reason), labels in lacking.items()
    ]


def one_line(baseline_name: str, vertical: bool) -> dict[str, Any]:
    """style.one_line's shape: the 1× line, labelled."""
    label: dict[str, Any] = {"font": {"size": 11}, "text": f"1× = {baseline_name}"}
    line = {"color": "#333", "dash": "dash", "width": 1}
    if vertical:
        label["textposition"] = "end"
        spans: dict[str, Any] = {"x0": 1, "x1": 1, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain"}
    else:
        label |= {"textposition": "start", "yanchor": "top"}
        spans = {"x0": 0, "x1": 1, "xref": "x domain", "y0": 1, "y1": 1, "yref": "y"}
    return {"label": label, "line": line, "name": "1×", "type": "line", **spans}


def add_notes(layout: Layout, lines: Sequence[str]) -> None:
    """style.add_notes: the notes under the plot and the bottom margin that holds them."""
    if not lines:
        return
    wrapped = [part for line in lines for part in textwrap.wrap(line, 160, subsequent_indent="    ")]
    layout["annotations"] = [
        {
            "align": "left",
            "font": {"color": "#555", "size": 11},
            "name": "notes",
            "showarrow": False,
            "text": "<br>".join(html.escape(line, quote=False) for line in wrapped),
            "x": 0,
            "xanchor": "left",
            "xref": "paper",
            "y": -0.14,
            "yanchor": "top",
            "yref": "paper",
        }
    ]
    layout["margin"] = {"b": 90 + 16 * len(wrapped)}


def ratio_scale(layout: Layout, axis: str, ratios: Iterable[Any]) -> None:
    """style.ratio_scale with log=True: the axis set to log with room for the bars, and the log / linear buttons."""
    shown = [value for value in ratios if not absent(value) and value > 0] or [1.0]
    low, high = min([*shown, 1.0]) / 1.3, max([*shown, 1.0]) * 1.4
    ticks = log_ticks(low, high)
    span = [math.log10(low), math.log10(high)]
    text = [f"{tick:g}×" for tick in ticks]
    log = {f"{axis}.type": "log", f"{axis}.range": span, f"{axis}.tickvals": ticks, f"{axis}.ticktext": text}
    linear = {f"{axis}.type": "linear", f"{axis}.range": [0, high], f"{axis}.tickvals": None}
    layout.setdefault(axis, {}).update({"type": "log", "range": span, "tickvals": ticks, "ticktext": text})
    layout["updatemenus"] = [
        {
            "active": 0,
            "buttons": [
                {"args": [log], "label": "log", "method": "relayout"},
                {"args": [linear], "label": "linear", "method": "relayout"},
            ],
            "direction": "left",
            "showactive": True,
            "type": "buttons",
            "x": 1,
            "xanchor": "right",
            "y": 1.08,
            "yanchor": "bottom",
        }
    ]


def finish(layout: Layout, title: str, x_title: str, y_title: str) -> None:
    """style.finish: the titles, legend, hover labels and margins (the template is given first, by the caller)."""
    layout.setdefault("xaxis", {})["title"] = {"text": x_title}
    layout.setdefault("yaxis", {})["title"] = {"text": y_title}
    layout["legend"] = {"title": {"text": ""}}
    layout["hoverlabel"] = {"align": "left"}
    layout["title"] = {"text": title}
    layout["showlegend"] = True
    noted = "b" in layout.get("margin", {})
    layout["margin"] = {**layout.get("margin", {}), "t": 70, "r": 30, **({} if noted else {"b": 60}), "l": 70}

"""How gpudb's figures look and what they say on hover: the vendor colours (Okabe–Ito), labels and units, number
formats, hover text with sources, the notes naming chips left out, and the shared scatter and 1×-line helpers.
gpudb.plots.figures draws the figures with these; nothing here reads the database or writes files."""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from gpudb.metrics.catalogue import METRICS_BY_KEY
from gpudb.metrics.derived import DERIVED_BY_KEY

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision deficiencies.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
VENDOR_COLOURS = {
    "NVIDIA": "#009E73",  # bluish green
    "AMD": "#D55E00",  # vermillion
    "Intel": "#0072B2",  # blue
    "Google": "#E69F00",  # orange
    "Huawei": "#CC79A7",  # reddish purple
}
# Vendors not named above take these in turn (sorted by name), then the whole palette again.
NEXT_COLOURS = ("#56B4E9", "#000000", "#F0E442", *VENDOR_COLOURS.values())
PATTERNS = ("", "/", "x", ".", "\\", "+", "-", "|")  # bars: the nth chip of a vendor
DASHES = ("solid", "dash", "longdash", "dashdot", "longdashdot")  # lines: the nth chip; China-specific: dot
REGION_FILL, REGION_LINE = "rgba(213, 94, 0, 0.10)", "#D55E00"  # a controlled region (vermillion, light)
OVERLAY_FILL, OVERLAY_LINE = "rgba(0, 114, 178, 0.12)", "#0072B2"  # the case-by-case box (blue, light)


def vendor_colours(vendors: Iterable[str]) -> dict[str, str]:
    """vendor → colour: VENDOR_COLOURS for the vendors it names (any letter case), NEXT_COLOURS in turn for the
    others, sorted by name, so that the same set of vendors always gets the same colours."""
    known = {vendor.casefold(): colour for vendor, colour in VENDOR_COLOURS.items()}
    wanted = sorted(set(vendors), key=lambda vendor: (vendor.casefold(), vendor))
    others = [vendor for vendor in wanted if vendor.casefold() not in known]
    spare = {vendor: NEXT_COLOURS[index % len(NEXT_COLOURS)] for index, vendor in enumerate(others)}
    return {vendor: known.get(vendor.casefold()) or spare[vendor] for vendor in wanted}


def label_and_unit(key: str) -> tuple[str, str]:
    """A metric's label and unit as shown: ("BF16 dense", "TFLOPS"), ("TPP", "")."""
    if key == "memory_bandwidth_gbs":
        return "Memory bandwidth", "GB/s"
    if key in DERIVED_BY_KEY:
        return DERIVED_BY_KEY[key].label, DERIVED_BY_KEY[key].unit
    metric = METRICS_BY_KEY[key]
    return metric.label, metric.unit_label


def axis_title(key: str, extra: str = "") -> str:
    """'BF16 dense (TFLOPS)', 'BF16 dense (TFLOPS, log)': the unit always in the title."""
    label, unit = label_and_unit(key)
    inside = ", ".join(part for part in (unit, extra) if part)
    return f"{label} ({inside})" if inside else label


def number(value: float) -> str:
    """2,368 / 989.5 / 2.909: thousands separators, four significant digits below 1,000."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def absent(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def source_line(points: pd.DataFrame | None, chip: str, key: str) -> str:
    """The chip's source for a metric, escaped, in italics on lines of at most 100 characters; '' when none."""
    if points is None or f"{key}__source" not in points or chip not in points.index:
        return ""
    return _source_lines(points.at[chip, f"{key}__source"])


def _source_lines(text: Any) -> str:
    if not isinstance(text, str):
        return ""
    lines = textwrap.wrap(html.escape(text, quote=False), 100, break_on_hyphens=False)
    return "".join(f"<br>  <i>{line}</i>" for line in lines)


def chip_name(points: pd.DataFrame | None, chip: str) -> str:
    """The chip's product name (its id when the frame lacks it), escaped: plotly reads text as HTML; an announced,
    not yet shipping part says so, so that announced figures never read as shipped ones."""
    name = str(points.at[chip, "name"]) if points is not None and chip in points.index else chip
    if is_announced(points, chip):
        name += " (announced)"
    return html.escape(name, quote=False)


def is_announced(points: pd.DataFrame | None, chip: str) -> bool:
    """Whether the chip is announced and not yet shipping (False when the frame does not say)."""
    if points is None or chip not in points.index or "availability" not in points.columns:
        return False
    return points.at[chip, "availability"] == "announced"


def marker_symbol(points: pd.DataFrame, chip: str) -> str:
    """Diamonds for China-specific parts, circles for the rest; hollow when announced and not yet shipping."""
    symbol = "diamond" if bool(points.at[chip, "china_specific"]) else "circle"
    return f"{symbol}-open" if is_announced(points, chip) else symbol


def complete(points: pd.DataFrame, keys: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """The chips that have every metric in `keys`, and a note per metric naming the chips left out for lacking it
    (each chip named once, under the first metric it lacks)."""
    notes, named = [], set()
    for key in keys:  # a column as a list: a lookup per chip cost seconds at 10,000 chips
        values = zip(points.index, points[key].tolist(), strict=True)
        lacking = [chip for chip, value in values if absent(value) and chip not in named]
        named.update(lacking)
        if lacking:
            notes.append(f"Left out, no {label_and_unit(key)[0]}: {', '.join(chip_name(points, c) for c in lacking)}")
    return points.loc[[chip for chip in points.index if chip not in named]], notes


def add_notes(figure: go.Figure, lines: Sequence[str]) -> None:
    """Notes under the plot (chips left out and why, footnotes); the bottom margin grows to hold them."""
    if not lines:
        return
    wrapped = [part for line in lines for part in textwrap.wrap(line, 160, subsequent_indent="    ")]
    figure.add_annotation(
        text="<br>".join(html.escape(line, quote=False) for line in wrapped),
        xref="paper",
        yref="paper",
        x=0,
        y=-0.14,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 11, "color": "#555"},
        name="notes",
    )
    figure.update_layout(margin={"b": 90 + 16 * len(wrapped)})


def white_template(figure: go.Figure) -> None:
    """Give the figure plotly's own "plotly_white" template without validating it again: plotly validates a
    template on every assignment (about 8 ms, most of the cost of a small figure) and skips that, the same way, for
    the default template it gives every new figure; a registered template is valid already."""
    import plotly.io as pio

    layout = figure.layout
    validate = layout._validate
    layout._validate = False
    try:
        layout.template = pio.templates["plotly_white"]
    finally:
        layout._validate = validate


def finish(figure: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    white_template(figure)
    figure.update_layout(
        title=title,
        xaxis_title=x_title,
        yaxis_title=y_title,
        legend_title_text="",
        showlegend=True,
        hoverlabel={"align": "left"},
    )
    if figure.layout.margin.b is None:
        figure.update_layout(margin={"t": 70, "r": 30, "b": 60, "l": 70})
    else:
        figure.update_layout(margin={"t": 70, "r": 30, "l": 70})
    return figure


def chip_styles(chips: Sequence[str], points: pd.DataFrame | None, colours: Mapping[str, str] | None) -> dict[str, Any]:
    """chip → (colour, n): the vendor's colour, and n = how many chips of that vendor came before it."""
    vendors = {
        chip: str(points.at[chip, "vendor"]) if points is not None and chip in points.index else chip for chip in chips
    }
    palette = {**vendor_colours(vendors.values()), **(colours or {})}
    seen: dict[str, int] = {}
    styles = {}
    for chip in chips:
        styles[chip] = (palette[vendors[chip]], seen.get(vendors[chip], 0))
        seen[vendors[chip]] = seen.get(vendors[chip], 0) + 1
    return styles


def hover_texts(points: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    """Hover text per chip: name and id, then each metric's value, unit and source."""
    texts = []
    # read a column at a time, as lists (pandas' iterrows and a lookup per cell were most of the /plots page's
    # hover texts at 10,000 chips); a metric the frame has no source column for gives no source line
    labels = [label_and_unit(key) for key in keys]
    values = [points[key].tolist() for key in keys]
    sources = [points[f"{key}__source"].tolist() if f"{key}__source" in points else None for key in keys]
    for index, (chip, name) in enumerate(zip(points.index, points["name"].tolist(), strict=True)):
        lines = [f"<b>{html.escape(str(name))}</b> ({chip})"]
        for (label, unit), column, cited_column in zip(labels, values, sources, strict=True):
            value = column[index]
            shown = value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else number(value)
            cited = _source_lines(cited_column[index]) if cited_column is not None else ""
            lines.append(f"{label}: {shown} {unit}".rstrip() + cited)
        texts.append("<br>".join(lines))
    return texts


def point_labels(points: pd.DataFrame, x: str, y: str) -> dict[str, str]:
    """chip → its label; chips at the same spot share one label ('A100 SXM4 80GB / A800 SXM4 80GB')."""
    spots: dict[tuple[Any, Any], list[str]] = {}
    for chip, x_value, y_value in zip(points.index, points[x].tolist(), points[y].tolist(), strict=True):
        spots.setdefault((x_value, y_value), []).append(str(chip))
    labels = {}
    for chips in spots.values():
        for index, chip in enumerate(chips):
            labels[chip] = " / ".join(chip_name(points, c) for c in chips) if index == 0 else ""
    return labels


def scatter_by_vendor(
    figure: go.Figure,
    points: pd.DataFrame,
    x: str,
    y: str,
    hover_keys: Sequence[str],
    colours: Mapping[str, str] | None,
    size: str | None = None,
    labels: bool = True,
) -> None:
    """One trace per vendor (the legend names vendors), China-specific parts as diamonds, each point labelled
    (unless `labels` is False: the caller places the labels, as gpudb.plots.labels does on the export map)."""
    palette = {**vendor_colours(points["vendor"].astype(str)), **(colours or {})}
    biggest = points[size].max() if size else 1.0
    texts = point_labels(points, x, y) if labels else {}
    for vendor, group in points.groupby("vendor", sort=True):
        marker: dict[str, Any] = {
            "color": palette[str(vendor)],
            "symbol": [marker_symbol(points, str(chip)) for chip in group.index],
            "line": {"width": 1, "color": "#333"},
            "size": 12,
        }
        if size:  # marker area proportional to the value; the largest 45 px across
            marker |= {"size": list(group[size]), "sizemode": "area", "sizeref": biggest / 45**2, "sizemin": 4}
        figure.add_trace(
            go.Scatter(
                x=list(group[x]),
                y=list(group[y]),
                mode="markers+text" if labels else "markers",
                name=str(vendor),
                text=[texts[chip] for chip in group.index] if labels else None,
                textposition="top center",
                textfont={"size": 10},
                cliponaxis=False,
                marker=marker,
                hovertext=hover_texts(group, [*hover_keys]),
                hoverinfo="text",
                customdata=list(group.index),
            )
        )


def comparison_notes(comparison: pd.DataFrame, chips: Sequence[str], points: pd.DataFrame | None) -> list[str]:
    """A note per chip and reason naming the metrics it has no value for: 'Left out, H20 has no FP4 dense (not
    supported)'. A metric the baseline lacks has no ratio for any chip."""
    status = comparison.attrs.get("status", {})
    lacking: dict[tuple[str, str], list[str]] = {}
    for _, row in comparison.iterrows():
        for chip in chips:
            if absent(row[chip]):
                reason = status.get(chip, {}).get(row["metric"], "unknown").replace("-", " ")
                lacking.setdefault((chip, reason), []).append(row["label"])
    return [
        f"Left out, {chip_name(points, chip)} has no {', '.join(labels)} ({reason})"
        for (chip, reason), labels in lacking.items()
    ]


def one_line(figure: go.Figure, baseline_name: str, vertical: bool) -> None:
    """The 1× line (the baseline), labelled; a shape, so it stays put when the axis turns log or linear."""
    label = {"text": f"1× = {baseline_name}", "font": {"size": 11}}
    line = {"dash": "dash", "color": "#333", "width": 1}
    # the shape add_vline / add_hline make on a figure of one plot, given directly: they look for subplots first,
    # most of the cost of a small figure's line
    if vertical:
        spans = {"x0": 1, "x1": 1, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain"}
        figure.add_shape(type="line", line=line, label=label | {"textposition": "end"}, name="1×", **spans)
    else:
        spans = {"x0": 0, "x1": 1, "xref": "x domain", "y0": 1, "y1": 1, "yref": "y"}
        label |= {"textposition": "start", "yanchor": "top"}
        figure.add_shape(type="line", line=line, label=label, name="1×", **spans)


def log_ticks(low: float, high: float) -> list[float]:
    """Ticks 1, 2, 5, 10, 20, 50 … (and 0.5, 0.2, 0.1 below 1) between low and high: a log axis whose labels say
    what they mean, never bare minor digits ('2 3 4' after 10 reads as 2–4)."""
    ticks = []
    for exponent in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1):
        for mantissa in (1, 2, 5):
            tick = mantissa * 10.0**exponent
            if low <= tick <= high:
                ticks.append(float(f"{tick:.6g}"))
    return ticks


def ratio_scale(figure: go.Figure, axis: str, ratios: Iterable[float], log: bool) -> None:
    """Set a ratio axis ('xaxis' or 'yaxis') to log or linear with room for the bars and their labels, and add
    buttons that switch between the two in the HTML figure (a log axis's range is given in log10)."""
    shown = [value for value in ratios if not absent(value) and value > 0] or [1.0]
    low, high = min([*shown, 1.0]) / 1.3, max([*shown, 1.0]) * 1.4
    ticks = log_ticks(low, high)
    scales = {
        "log": {
            f"{axis}.type": "log",
            f"{axis}.range": [math.log10(low), math.log10(high)],
            f"{axis}.tickvals": ticks,
            f"{axis}.ticktext": [f"{tick:g}×" for tick in ticks],
        },
        "linear": {f"{axis}.type": "linear", f"{axis}.range": [0, high], f"{axis}.tickvals": None},
    }
    figure.update_layout(scales["log" if log else "linear"])
    buttons = [{"label": name, "method": "relayout", "args": [settings]} for name, settings in scales.items()]
    menu = {"type": "buttons", "direction": "left", "buttons": buttons, "active": 0 if log else 1, "showactive": True}
    figure.update_layout(updatemenus=[menu | {"x": 1, "y": 1.08, "xanchor": "right", "yanchor": "bottom"}])

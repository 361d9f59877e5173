"""Systems compared: totals as published or derived (count × chip, with the working), and normalised views."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gpudb.errors import InvalidArgumentError
from gpudb.formatting import format_number
from gpudb.metrics.systems import DERIVABLE, SYSTEM_METRICS, SYSTEM_METRICS_BY_KEY

# how a figure is shown: the system's total, or the total divided by its chips, its power (kW) or its racks
VIEWS = ("total", "per-chip", "per-kw", "per-rack")
VIEW_LABELS = {"total": "total", "per-chip": "per chip", "per-kw": "per kW", "per-rack": "per rack"}
# what the comparison shows when no metrics are named
DEFAULT_METRICS = (
    "bf16_dense_tflops",
    "fp8_dense_tflops",
    "fp4_dense_tflops",
    "memory_capacity_gb",
    "memory_bandwidth_tbs",
    "scale_up_bandwidth_tbs",
    "tdp_w",
)


@dataclass(frozen=True)
class Total:
    """One metric of one system: the published total (with its source), the derived one, or both."""

    metric: str
    label: str
    unit: str
    published: float | None = None
    as_published: str | None = None
    source: dict[str, Any] | None = None  # id, title, publisher, url, kind
    note: str | None = None
    derived: float | None = None
    working: str | None = None  # "72 × 2,500 TFLOPS = 180,000 TFLOPS"

    @property
    def value(self) -> float | None:
        """The published total where there is one, else the derived one."""
        return self.published if self.published is not None else self.derived

    @property
    def basis(self) -> str | None:
        """'published', 'derived' or None."""
        if self.published is not None:
            return "published"
        return "derived" if self.derived is not None else None

    @property
    def difference(self) -> float | None:
        """published ÷ derived − 1, when both exist and differ (0.05 = the vendor's total is 5% above)."""
        if self.published is None or not self.derived:
            return None
        change = self.published / self.derived - 1
        return None if abs(change) < 0.005 else change

    def shown(self) -> str:
        """The figure for people: '180,000 TFLOPS (derived: 72 × 2,500 TFLOPS = 180,000 TFLOPS)'."""
        if self.value is None:
            return "—"
        text = f"{format_number(self.value)} {self.unit}".rstrip()
        if self.basis == "derived":
            return f"{text} (derived: {self.working})"
        if self.difference is not None:
            return f"{text} (published; count × chip gives {self.working}, {self.difference * 100:+.0f}%)"
        return text


@dataclass(frozen=True)
class SystemView:
    """A system with its chips and a Total per metric."""

    system: dict[str, Any]
    chips: list[dict[str, Any]]
    totals: dict[str, Total] = field(default_factory=dict)

    @property
    def chip_count(self) -> int:
        return sum(chip["count"] for chip in self.chips)

    def figure(self, metric: str, view: str = "total") -> float | None:
        """The metric's total, or it divided by the chips, the system power in kW or the racks."""
        value = self.totals[metric].value if metric in self.totals else None
        if value is None or view == "total":
            return value
        if view == "per-chip":
            return value / self.chip_count
        if view == "per-kw":
            power = self.totals.get("tdp_w")
            return value / (power.value / 1000) if power and power.value else None
        racks = self.totals.get("rack_count")
        return value / racks.value if racks and racks.value else None


def derive(chips: list[dict[str, Any]], figures: dict[str, dict[str, dict]], metric: str) -> tuple[float, str] | None:
    """count × the chip's figure, summed over the chips, with the working; None when a chip lacks the figure."""
    chip_metric, factor = DERIVABLE.get(metric, (None, 1.0))
    if chip_metric is None:
        return None
    terms, total = [], 0.0
    for chip in chips:
        found = figures.get(chip["accelerator"], {}).get(chip_metric)
        if found is None:
            return None
        total += chip["count"] * found["value"] * factor
        terms.append(f"{chip['count']} × {format_number(found['value'])} {found['unit']}".rstrip())
    unit = SYSTEM_METRICS_BY_KEY[metric].unit_label
    alone = " (the chips alone)" if metric == "tdp_w" else ""  # CPUs, switches and cooling are not in it
    return total, f"{' + '.join(terms)} = {format_number(total)} {unit}".rstrip() + alone


def system_view(name: str, url: Any = None) -> SystemView:
    """Everything about one system: identity, chips, and every metric's published and derived total."""
    from gpudb.storage import query_systems
    from gpudb.storage.query import engine_for

    engine = engine_for(url)
    system_id = query_systems.resolve_system(name, engine)
    system = next(row for row in query_systems.systems(engine) if row["id"] == system_id)
    figures = query_systems.chip_figures([chip["accelerator"] for chip in system["chips"]], engine)
    published = {
        row["metric_key"]: row
        for row in query_systems.system_values([system_id], engine)
        if row["preferred"] and row["value_number"] is not None
    }
    totals = {}
    for metric in SYSTEM_METRICS:
        row = published.get(metric.key)
        derived = derive(system["chips"], figures, metric.key)
        if row is None and derived is None:
            continue
        source = None
        if row is not None and row["source_id"]:
            source = {
                "id": row["source_id"],
                "title": row["source_title"],
                "publisher": row["source_publisher"],
                "url": row["source_url"],
                "kind": row["source_kind"],
            }
        totals[metric.key] = Total(
            metric.key,
            metric.label,
            metric.unit_label,
            row["value_number"] if row else None,
            row["as_published"] if row else None,
            source,
            row["note"] if row else None,
            derived[0] if derived else None,
            derived[1] if derived else None,
        )
    return SystemView(system, system["chips"], totals)


@dataclass(frozen=True)
class Row:
    """One metric across the systems compared, in one view, with each system's ratio to the baseline."""

    metric: str
    label: str  # 'Memory (total)', 'BF16 dense (per kW)': the metric and the view, named
    unit: str
    view: str
    figures: dict[str, float | None]
    bases: dict[str, str | None]
    ratios: dict[str, float | None]  # system ÷ baseline of this metric in this view


def compare_systems(
    names: list[str],
    view: str = "total",
    metrics: list[str] | None = None,
    baseline: str | None = None,
    url: Any = None,
) -> tuple[list[SystemView], list[Row]]:
    """Systems side by side: each metric in the view asked for, and ratios to the baseline (default: the last)."""
    if view not in VIEWS:
        raise InvalidArgumentError(f"unknown view {view!r}; valid: {', '.join(VIEWS)}")
    if len(names) < 2:
        raise InvalidArgumentError("compare needs two or more systems")
    unknown = [key for key in metrics or () if key not in SYSTEM_METRICS_BY_KEY]
    if unknown:
        raise InvalidArgumentError(
            f"unknown system metric {unknown[0]!r}; valid: {', '.join(m.key for m in SYSTEM_METRICS)}"
        )
    views = [system_view(name, url) for name in names]
    base_view = views[-1]
    if baseline is not None:
        from gpudb.storage.query_systems import resolve_system

        wanted = resolve_system(baseline, url)
        chosen = next((v for v in views if v.system["id"] == wanted), None)
        if chosen is None:
            raise InvalidArgumentError(f"baseline {baseline!r} is not among the systems compared")
        base_view = chosen
    rows = []
    for key in metrics or DEFAULT_METRICS:
        metric = SYSTEM_METRICS_BY_KEY[key]
        figures = {v.system["id"]: v.figure(key, view) for v in views}
        if all(figure is None for figure in figures.values()):
            continue
        base = figures[base_view.system["id"]]
        unit = metric.unit_label if view == "total" else f"{metric.unit_label} {VIEW_LABELS[view]}".strip()
        rows.append(
            Row(
                key,
                f"{metric.label} ({VIEW_LABELS[view]})",
                unit,
                view,
                figures,
                {v.system["id"]: v.totals[key].basis if key in v.totals else None for v in views},
                {sid: (f / base if f is not None and base else None) for sid, f in figures.items()},
            )
        )
    return views, rows


def chip_beside_system(chip: str, system: str, metrics: list[str] | None = None, url: Any = None) -> list[Row]:
    """A chip next to a system, only per chip: the system's totals divided by its chip count."""
    from gpudb.storage import query_systems
    from gpudb.storage.query import engine_for, resolve

    engine = engine_for(url)
    chip_id = resolve(chip, engine)
    view = system_view(system, engine)
    figures = query_systems.chip_figures([chip_id], engine)[chip_id]
    rows = []
    for key in metrics or DEFAULT_METRICS:
        chip_metric, factor = DERIVABLE.get(key, (key, 1.0))
        mine = figures.get(chip_metric)
        chip_figure = mine["value"] * factor if mine else None
        per_chip = view.figure(key, "per-chip")
        if chip_figure is None and per_chip is None:
            continue
        metric = SYSTEM_METRICS_BY_KEY[key]
        sid = view.system["id"]
        rows.append(
            Row(
                key,
                f"{metric.label} (per chip)",
                metric.unit_label,
                "per-chip",
                {chip_id: chip_figure, sid: per_chip},
                {chip_id: "chip", sid: view.totals[key].basis if key in view.totals else None},
                {
                    chip_id: 1.0 if chip_figure else None,
                    sid: per_chip / chip_figure if per_chip and chip_figure else None,
                },
            )
        )
    return rows


def chip_classifications(view: SystemView, url: Any = None) -> dict[str, list[Any]]:
    """Export-control rules classify chips, not systems: each chip's classification under the rules in force."""
    from gpudb.analysis.export_controls import export_status
    from gpudb.storage import query

    engine = query.engine_for(url)
    in_force = {rule["id"] for rule in query.rules(engine) if rule["status"] == "in-force"}
    return {
        chip["accelerator"]: [c for c in export_status(chip["accelerator"], url=engine) if c.rule_id in in_force]
        for chip in view.chips
    }


def view_dict(view: SystemView) -> dict[str, Any]:
    """A system as JSON-ready fields: identity, chips, and each total with its basis, working and source."""
    return {
        **{key: value for key, value in view.system.items() if key != "chips"},
        "announced": view.system["announced"].isoformat() if view.system.get("announced") else None,
        "chips": view.chips,
        "chip_count": view.chip_count,
        "totals": [
            {
                "metric": total.metric,
                "label": total.label,
                "unit": total.unit,
                "value": total.value,
                "basis": total.basis,
                "published": total.published,
                "as_published": total.as_published,
                "derived": total.derived,
                "working": total.working,
                "difference": total.difference,
                "source": total.source,
                "note": total.note,
            }
            for total in view.totals.values()
        ],
    }


def system_figures(ids: list[str], url: Any = None) -> dict[str, dict[str, float | None]]:
    """Each system among `ids` (others are ignored) as metric → total (published, else derived), for claims."""
    from gpudb.storage import query_systems
    from gpudb.storage.query import engine_for

    engine = engine_for(url)
    known = {row["id"] for row in query_systems.systems(engine)}
    found = {}
    for system_id in ids:
        if system_id in known:
            view = system_view(system_id, engine)
            found[system_id] = {key: total.value for key, total in view.totals.items()}
    return found

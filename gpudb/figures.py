"""The seam between the database and the figures: builds the frames gpudb.plots draws, checks plot arguments.

make_figure("export-map")                               # every chip on the Oct 2023 rule's TPP–PD plane
make_figure("ratio", ["H200", "H20"])                   # H200 ÷ H20 on every metric
make_figure("roofline", ["h20", "h200-sxm"], metric="fp8_dense_tflops")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from gpudb import plots, query
from gpudb.catalogue import METRICS, METRICS_BY_KEY
from gpudb.comparison import compare
from gpudb.errors import GpudbError, InvalidArgumentError
from gpudb.metrics import H100_EQUIVALENT_BASE, derive

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

MISSION_CHIPS = ("h20", "h100-sxm", "h200-sxm", "b200")
THRESHOLD_RULE = "us-2023-10-advanced-computing"
CASE_BY_CASE_RULE = "us-2026-01-case-by-case"
COMPUTE_METRICS = tuple(m.key for m in METRICS if m.category == "compute" and m.precision)
PROFILE_METRICS = (
    "bf16_dense_tflops",
    "fp8_dense_tflops",
    "memory_capacity_gb",
    "memory_bandwidth_tbs",
    "interconnect_bandwidth_gbs",
    "tdp_w",
    "tpp",
)
DERIVED_SHOWN = ("tpp", "performance_density", "ridge_point_bf16")


def points(url: str | Engine | None = None, ids: list[str] | None = None) -> pd.DataFrame:
    """One row per chip: identity, preferred values in canonical units, derived TPP / PD / ridge point, memory
    bandwidth in GB/s, and `<metric>__source` (source title and publisher, or a derived value's working)."""
    engine = query.engine_for(url)
    wide = query.specs(url=engine)
    if ids is not None:
        wide = wide.loc[ids]
    long = query.specs(long=True, url=engine)
    used = long[long["preferred"].astype(bool) & (long["status"] == "value")]
    for _, row in used.iterrows():
        if row["accelerator_id"] in wide.index:
            wide.loc[row["accelerator_id"], f"{row['metric']}__source"] = (
                f"{row['source_title']} ({row['source_publisher']})"
            )
    stored = query.numeric_values([*wide.index, H100_EQUIVALENT_BASE], engine)
    base = stored.get(H100_EQUIVALENT_BASE) or None
    for chip in wide.index:
        for key, derivation in derive(stored[chip], base).items():
            if key in DERIVED_SHOWN:
                wide.loc[chip, key] = derivation.value
                wide.loc[chip, f"{key}__source"] = derivation.working
    wide["memory_bandwidth_gbs"] = wide["memory_bandwidth_tbs"] * 1000
    if "memory_bandwidth_tbs__source" in wide:
        wide["memory_bandwidth_gbs__source"] = wide["memory_bandwidth_tbs__source"]
    return wide


def _sources(frame: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(chip, metric) → the `<metric>__source` text of a points frame."""
    found = {}
    for column in frame.columns:
        if column.endswith("__source"):
            for chip, text in frame[column].items():
                if isinstance(text, str):
                    found[chip, column.removesuffix("__source")] = text
    return found


def _rule(engine: Engine, wanted: str, kind: str) -> dict[str, Any]:
    """The named rule version, else the newest of its kind; InvalidArgumentError when the data has none."""
    rules = query.rules(engine)
    found = next((rule for rule in rules if rule["id"] == wanted), None)
    found = found or next((rule for rule in reversed(rules) if rule["kind"] == kind), None)
    if found is None:
        raise InvalidArgumentError(f"no {kind} rule in the data to draw")
    return found


def _compute_metric(metric: str | None) -> tuple[str, str]:
    key = metric or "bf16_dense_tflops"
    if key not in COMPUTE_METRICS:
        raise InvalidArgumentError(f"unknown compute metric {key!r}; valid metrics: {', '.join(COMPUTE_METRICS)}")
    return key, METRICS_BY_KEY[key].label


def _resolve(ids: list[str] | None, engine: Engine, default: tuple[str, ...] | None) -> list[str] | None:
    if ids:
        return list(dict.fromkeys(query.resolve(name, engine) for name in ids))
    if default is None:
        return None
    known = {row["id"] for row in query.accelerators(engine)}
    chosen = [chip for chip in default if chip in known]
    return chosen or sorted(known)[:4]


def make_figure(
    kind: str,
    ids: list[str] | None = None,
    baseline: str | None = None,
    metric: str | None = None,
    url: str | Engine | None = None,
) -> go.Figure:
    """The figure of one kind (see gpudb.plots.KINDS) for the chips named (ids, names or aliases; default: a
    sensible set). `metric`: the compute metric of roofline / compute-bandwidth / timeline, or comma-separated
    metric keys for ratio / profile."""
    if kind not in plots.KINDS:
        raise InvalidArgumentError(f"unknown plot kind {kind!r}; valid kinds: {', '.join(plots.KINDS)}")
    engine = query.engine_for(url)
    keys = [key.strip() for key in metric.split(",") if key.strip()] if metric else None
    if kind in ("ratio", "profile"):
        chips = _resolve(ids, engine, ("h200-sxm", "h20") if kind == "ratio" else MISSION_CHIPS)
        if kind == "profile" and not baseline and "h20" in chips:
            baseline = "h20"
        if len(chips) < 2:
            raise InvalidArgumentError(f"a {kind} plot needs two or more chips; name them")
        sources = _sources(points(engine, chips))
        if kind == "ratio":
            return plots.ratio_bars(compare(chips, baseline, keys, engine), sources=sources)
        return plots.profile(compare(chips, baseline, keys or list(PROFILE_METRICS), engine), sources=sources)
    if baseline:
        raise InvalidArgumentError(f"--baseline applies to the ratio and profile plots, not to {kind!r}")
    chips = _resolve(ids, engine, MISSION_CHIPS if kind == "roofline" else None)
    frame = points(engine, chips)
    if kind == "export-map":
        if metric:
            raise InvalidArgumentError("the export map draws TPP against performance density; it takes no --metric")
        return plots.export_map(frame, _rule(engine, THRESHOLD_RULE, "thresholds"))
    if kind == "case-by-case":
        if metric:
            raise InvalidArgumentError("the case-by-case map draws TPP against memory bandwidth; it takes no --metric")
        return plots.export_map(frame, _rule(engine, CASE_BY_CASE_RULE, "case-by-case"), y="memory_bandwidth_gbs")
    key, label = _compute_metric(metric)
    draw = {"roofline": plots.roofline, "compute-bandwidth": plots.compute_bandwidth, "timeline": plots.timeline}
    return draw[kind](frame, key, label)


def standard_set(url: str | Engine | None = None) -> list[tuple[str, str, go.Figure]]:
    """The standard figures: (slug, title, figure) for `gpudb plot --all` and the web's /plots page."""
    engine = query.engine_for(url)
    wanted = [
        ("ratio-h200-h20", "H200 vs H20 on every metric", "ratio"),
        ("export-map", "Export-control map (October 2023 rule)", "export-map"),
        ("case-by-case", "January 2026 case-by-case zone", "case-by-case"),
        ("roofline", "Roofline of the mission chips (BF16)", "roofline"),
        ("compute-bandwidth", "Compute against memory bandwidth", "compute-bandwidth"),
        ("timeline", "Compute by launch date", "timeline"),
        ("profile", "Spec profile against the H20", "profile"),
    ]
    drawn = []
    for slug, title, kind in wanted:
        try:
            drawn.append((slug, title, make_figure(kind, url=engine)))
        except GpudbError:
            continue  # data without, say, a case-by-case rule or the mission chips: that figure is not drawn
    return drawn

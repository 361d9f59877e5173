"""The seam between the database and the figures: builds the frames gpudb.plots.figures draws and checks plot arguments.

make_figure("export-map")                                   # every chip on the Oct 2023 rule's TPP–PD plane
make_figure("export-map", metric="memory_bandwidth_gbs")    # TPP–bandwidth, with the Jan 2026 case-by-case box
make_figure("ratio", ["H200", "H20"])                       # H200 ÷ H20 on the headline metrics
make_figure("roofline", ["h20", "h200-sxm"], metric="fp8_dense_tflops")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from gpudb.analysis import point_rows
from gpudb.analysis.comparison import compare
from gpudb.analysis.point_rows import Known
from gpudb.analysis.wide import points  # the points frame has one owner; gpudb.plots.frames.points is it
from gpudb.errors import DatabaseError, GpudbError, InvalidArgumentError
from gpudb.metrics.catalogue import METRICS
from gpudb.metrics.derived import H100_EQUIVALENT_BASE
from gpudb.plots import figures as plots
from gpudb.storage import query, query_narrow, query_prices

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

MISSION_CHIPS = ("h20", "h100-sxm", "h200-sxm", "b200")  # roofline and profile by default
RATIO_CHIPS = ("h200-sxm", "h20")
BASELINE, BASELINE_FOR_BASELINE = "h20", "h100-sxm"  # a lone chip is compared with these
THRESHOLD_RULE = "us-2023-10-advanced-computing"  # the 3A090 regions; else the newest `thresholds` rule
CASE_BY_CASE_RULE = "us-2026-01-case-by-case"  # the box on the bandwidth view; else the newest `case-by-case`
EXPORT_MAP_AXES = ("performance_density", "memory_bandwidth_gbs")
COMPUTE_METRICS = tuple(m.key for m in METRICS if m.category == "compute" and m.precision)
# The headline metrics lead (the ones news ratios rest on); FP64 and FP32, often a single third-party figure and
# the extreme of the comparison, come last so that they never lead the picture.
RATIO_METRICS = (
    "tpp",
    "bf16_dense_tflops",
    "fp8_dense_tflops",
    "int8_dense_tops",
    "fp4_dense_tflops",
    "memory_capacity_gb",
    "memory_bandwidth_tbs",
    "interconnect_bandwidth_gbs",
    "tdp_w",
    "bf16_gflops_per_w",
    "ridge_point_bf16",
    "fp32_tflops",
    "fp64_tflops",
)
PROFILE_METRICS = (
    "bf16_dense_tflops",
    "fp8_dense_tflops",
    "tpp",
    "memory_capacity_gb",
    "memory_bandwidth_tbs",
    "interconnect_bandwidth_gbs",
    "tdp_w",
)


def _rule(engine: Engine, wanted: str, kind: str) -> dict[str, Any] | None:
    """The named rule version, else the newest of its kind, else None."""
    rules = query.rules(engine)
    found = next((rule for rule in rules if rule["id"] == wanted), None)
    return found or next((rule for rule in reversed(rules) if rule["kind"] == kind), None)


def _compute_metric(metric: str | None) -> str:
    key = metric or "bf16_dense_tflops"
    if key not in COMPUTE_METRICS:
        raise InvalidArgumentError(f"unknown compute metric {key!r}; valid metrics: {', '.join(COMPUTE_METRICS)}")
    return key


class Catalogue:
    """The chips a figure may draw: the points frame of those it draws, read on demand (a figure of two chips
    reads two chips) unless every chip's frame is already loaded (`every`). Given `known` (known_points(), kept by
    a caller that draws many figures of one build: the web), the frame is made from plain rows
    (gpudb.analysis.point_rows) and what the figures share (the vendors, the catalogue, the baselines' rows) is
    read once."""

    def __init__(self, engine: Engine, every: pd.DataFrame | None = None, known: Known | None = None) -> None:
        self.engine, self.every, self.known = engine, every, known
        if every is not None:
            self.vendors = sorted(set(every["vendor"].astype(str)))
        elif known is None:
            self.vendors = query_narrow.vendors(engine)
        else:
            if known.vendors is None:
                known.vendors = query_narrow.vendors(engine)
            self.vendors = known.vendors

    def present(self, chips: list[str]) -> list[str]:
        if self.every is not None:
            return [chip for chip in chips if chip in self.every.index]
        return query_narrow.present(chips, self.engine)

    def first(self, count: int) -> list[str]:
        if self.every is None:
            return query_narrow.first_ids(count, self.engine)
        return sorted(self.every.index)[:count]

    def frame(self, chips: list[str] | None = None) -> pd.DataFrame:
        """The points frame of `chips` in their order (None: every chip)."""
        if self.every is not None:
            return self.every if chips is None else self.every.loc[chips]
        if chips is None or self.known is None:
            return points(self.engine, ids=chips)
        return point_rows.frame(self.engine, chips, self.known)


def known_points() -> Known:
    """An empty store of what one build's figures share, keeping the rows of the chips drawn beside others."""
    return Known(keep=frozenset({BASELINE, BASELINE_FOR_BASELINE, H100_EQUIVALENT_BASE}))


def _chips(
    ids: list[str] | None, engine: Engine, every: Catalogue, default: tuple[str, ...] | None
) -> list[str] | None:
    """The chips named (resolved like gpudb.get), or the default set (those of it in the data), or None: every chip."""
    if ids:
        return list(dict.fromkeys(query.resolve(name, engine) for name in ids))
    if default is None:
        return None
    return every.present(list(default)) or every.first(len(default))


def drawn_chips(
    kind: str, chips: list[str], base: str | None, present: Callable[[list[str]], list[str]]
) -> tuple[list[str], str | None]:
    """The chips and baseline a ratio or profile plot draws, from resolved ids: a named baseline joins the chips; a
    lone chip is drawn against the H20 (the H20 against the H100 SXM) when `present` (the chips of a list that are
    stored) has it. InvalidArgumentError when fewer than two remain."""
    chips = list(chips)
    if base and base not in chips:
        chips.append(base)
    if len(chips) == 1:
        partner = BASELINE if chips[0] != BASELINE else BASELINE_FOR_BASELINE
        if present([partner]):
            chips.append(partner)
            base = base or partner
    if len(chips) < 2:
        raise InvalidArgumentError(f"a {kind} plot needs two or more chips; name them")
    if base is None and kind == "profile" and BASELINE in chips:
        base = BASELINE
    return chips, base


def ratio_json(
    chips: list[str],
    base: str,
    values: dict[str, dict[str, float | None]],
    marked: dict[str, dict[str, str]],
    engine: Engine,
    known: Known,
) -> dict[str, Any]:
    """make_figure("ratio", chips, base)'s JSON (json.loads of its to_json), written without plotly's objects
    (gpudb.plots.ratio_json) from what the compare page read: `values` and `marked` (wide.chip_values and
    query.statuses) of the chips, resolved ids; a chip the figure adds (a lone chip's partner) is read here."""
    from gpudb.analysis.comparison import comparison_rows
    from gpudb.analysis.wide import chip_values
    from gpudb.plots import ratio_json as writer
    from gpudb.plots.figure_json import absent

    drawn, baseline = drawn_chips("ratio", chips, base, lambda wanted: query_narrow.present(wanted, engine))
    baseline = baseline or drawn[-1]
    missing = [chip for chip in drawn if chip not in values]
    if missing:
        values = {**values, **chip_values(missing, engine)}
        marked = {**marked, **query.statuses(missing, engine)}
    rows = comparison_rows(drawn, baseline, list(RATIO_METRICS), values, marked)
    kept = [row for row in rows if any(not absent(row[chip]) for chip in drawn)]
    if known.vendors is None:
        known.vendors = query_narrow.vendors(engine)
    points = {
        chip: {
            "name": row["name"],
            "vendor": row["vendor"],
            "availability": row["availability"],
            "sources": {key.removesuffix("__source"): text for key, text in row.items() if key.endswith("__source")},
        }
        for chip, row in zip(drawn, point_rows.chosen_rows(engine, drawn, known), strict=True)
    }
    return writer.ratio_bars(kept, drawn, baseline, points, plots.vendor_colours(known.vendors))


def _comparison(
    kind: str, ids: list[str] | None, baseline: str | None, keys: list[str] | None, engine: Engine, every: Catalogue
) -> pd.DataFrame:
    """The compare() frame of a ratio or profile plot: a named baseline joins the chips; a lone chip is compared
    with the H20 (the H20 with the H100 SXM); default metrics that no chip has are dropped."""
    chips = _chips(ids, engine, every, RATIO_CHIPS if kind == "ratio" else MISSION_CHIPS) or []
    chips, base = drawn_chips(kind, chips, query.resolve(baseline, engine) if baseline else None, every.present)
    frame = compare(chips, base, keys or list(RATIO_METRICS if kind == "ratio" else PROFILE_METRICS), engine)
    if keys:
        return frame
    kept = frame[frame[frame.attrs["chips"]].notna().any(axis=1)].reset_index(drop=True)
    kept.attrs = frame.attrs
    return kept


def _draw(
    kind: str, ids: list[str] | None, baseline: str | None, metric: str | None, engine: Engine, every: Catalogue
) -> go.Figure:
    """make_figure on a Catalogue (the points frame of every chip, or of the chips drawn, read on demand)."""
    if kind not in plots.KINDS:
        raise InvalidArgumentError(f"unknown plot kind {kind!r}; valid kinds: {', '.join(plots.KINDS)}")
    colours = plots.vendor_colours(every.vendors)
    if kind in ("ratio", "profile"):
        keys = [key.strip() for key in metric.split(",") if key.strip()] if metric else None
        frame = _comparison(kind, ids, baseline, keys, engine, every)
        chosen = every.frame(frame.attrs["chips"])
        draw = plots.ratio_bars if kind == "ratio" else plots.profile
        return draw(frame, chosen, colours)
    if baseline:
        raise InvalidArgumentError(f"--baseline applies to the ratio and profile plots, not to {kind!r}")
    if kind == "measured":
        measured = _measured(ids, engine)
        return plots.measured_vs_published(
            measured, every.frame(list(dict.fromkeys(measured["accelerator_id"]))), colours
        )
    if kind == "price-performance":
        return _price_performance(ids, metric, engine)
    chosen = every.frame(_chips(ids, engine, every, MISSION_CHIPS if kind == "roofline" else None))
    if kind == "export-map":
        axis = metric or "performance_density"
        if axis not in EXPORT_MAP_AXES:
            raise InvalidArgumentError(
                f"unknown export-map metric {axis!r}; valid metrics: {', '.join(EXPORT_MAP_AXES)}"
            )
        rule = _rule(engine, THRESHOLD_RULE, "thresholds")
        if rule is None:
            raise InvalidArgumentError("no thresholds rule in the data to draw (data/rules/)")
        overlay = _rule(engine, CASE_BY_CASE_RULE, "case-by-case") if axis == "memory_bandwidth_gbs" else None
        return plots.export_map(chosen, rule, axis, overlay, colours)
    chart = {"roofline": plots.roofline, "compute-bandwidth": plots.compute_bandwidth, "timeline": plots.timeline}
    return chart[kind](chosen, _compute_metric(metric), colours)


def _measured(ids: list[str] | None, engine: Engine) -> pd.DataFrame:
    """Each chip's newest `gpudb bench` run and every measurement others published, side by side, as a frame
    (default: every chip that has one)."""
    import pandas as pd

    from gpudb.analysis.measured import COLUMNS, measurement_rows
    from gpudb.storage.tables import BENCH_KIND

    rows = measurement_rows(url=engine)
    wanted = (
        [query.resolve(name, engine) for name in ids] if ids else list(dict.fromkeys(r["accelerator_id"] for r in rows))
    )
    newest_run: dict[str, str] = {}  # chip → its newest gpudb bench run's id
    for row in rows:  # newest first within each chip
        if row["kind"] == BENCH_KIND:
            newest_run.setdefault(row["accelerator_id"], row["measurement_id"])
    kept = [
        row
        for row in rows
        if row["accelerator_id"] in wanted
        and (row["kind"] != BENCH_KIND or newest_run[row["accelerator_id"]] == row["measurement_id"])
    ]
    measured = {row["accelerator_id"] for row in kept}
    missing = [chip for chip in wanted if chip not in measured]
    if missing or not kept:
        raise InvalidArgumentError(
            f"no measurements of {', '.join(missing) or 'any chip'} in the database; run gpudb bench on one, "
            "or add one others published (data/measurements/published/), then gpudb build"
        )
    return pd.DataFrame(kept, columns=COLUMNS)


def _price_performance(ids: list[str] | None, precision: str | None, engine: Engine) -> go.Figure:
    """TFLOPS per 1,000 of each purchase price by its date (gpudb.analysis.costs), of the chips named or all."""
    import pandas as pd

    from gpudb.analysis.costs import price_performance_rows
    from gpudb.plots.prices import price_performance

    rows = price_performance_rows(precision or "bf16", engine)
    if ids:
        wanted = {query.resolve(name, engine) for name in ids}
        rows = [row for row in rows if row["accelerator_id"] in wanted]
    if not rows:
        raise InvalidArgumentError("no purchase prices of these chips in the database (data/prices/)")
    return price_performance(pd.DataFrame(rows), precision or "bf16")


def price_history(accelerator_id: str, engine: Engine) -> go.Figure:
    """One chip's dated prices as a figure (gpudb.plots.prices.price_history); an error when it has none."""
    import pandas as pd

    from gpudb.plots.prices import price_history as draw

    prices = query_prices.prices([accelerator_id], engine)
    if not prices:
        raise InvalidArgumentError(f"no prices of {accelerator_id} in the database (data/prices/)")
    return draw(pd.DataFrame(prices), query.accelerator_row(accelerator_id, engine)["name"])


def claim_figure(claim_id: str | None, url: str | Engine | None = None) -> go.Figure:
    """The claim view of one stored claim (gpudb.plots.claims.claim_view); InvalidArgumentError naming the claims
    when `claim_id` is missing or unknown."""
    from gpudb.analysis.claims import run_checks
    from gpudb.plots.claims import claim_view

    engine = query.engine_for(url)
    if not claim_id:
        known = sorted(claim["id"] for claim in query.claims(engine))
        raise InvalidArgumentError(f"a claim plot needs --id CLAIM_ID; valid claims: {', '.join(known)}")
    (check,) = run_checks([claim_id], engine)
    return claim_view(check)


def make_figure(
    kind: str,
    ids: list[str] | None = None,
    baseline: str | None = None,
    metric: str | None = None,
    url: str | Engine | None = None,
    claim: str | None = None,
    known: Known | None = None,
) -> go.Figure:
    """The figure of one kind (gpudb.plots.figures.KINDS) for the chips named (ids, names or aliases; default:
    every chip
    for export-map / compute-bandwidth / timeline, H200 SXM and H20 for ratio, H20 / H100 / H200 / B200 for
    roofline and profile). `metric`: the compute metric of roofline / compute-bandwidth / timeline (default
    bf16_dense_tflops), comma-separated metric keys for ratio / profile, or the export map's y axis
    (performance_density, or memory_bandwidth_gbs with the case-by-case box). `baseline`: ratio and profile only.
    `claim`: the claim id of the `claim` kind (a stored claim's stated figure beside each metric's ratio).
    `known` (known_points()): what figures of one build share, kept by a caller that draws many (the web).

    Raises InvalidArgumentError (naming the valid values) for a bad kind, metric or baseline use, and what
    gpudb.storage.query.resolve raises for an unknown chip.
    """
    if kind not in plots.KINDS:
        raise InvalidArgumentError(f"unknown plot kind {kind!r}; valid kinds: {', '.join(plots.KINDS)}")
    if kind == "claim":
        if ids or baseline or metric:
            raise InvalidArgumentError("a claim plot takes --id CLAIM_ID alone: the claim names its chips")
        return claim_figure(claim, url)
    if claim:
        raise InvalidArgumentError(f"--id names a claim, for the claim plot, not for {kind!r}")
    engine = query.engine_for(url)
    every = Catalogue(engine, known=known)
    if not every.vendors:
        raise DatabaseError("the database has no accelerators to plot; add files under data/ and run gpudb build")
    return _draw(kind, ids, baseline, metric, engine, every)


STANDARD = (
    ("ratio-h200-h20", "H200 vs H20 on the headline metrics", "ratio", None),
    ("export-map", "Export-control map: TPP and performance density (October 2023 rule)", "export-map", None),
    (
        "export-map-bandwidth",
        "TPP and memory bandwidth, the January 2026 case-by-case box",
        "export-map",
        "memory_bandwidth_gbs",
    ),
    ("roofline", "Roofline (BF16 dense): ridge points", "roofline", None),
    ("compute-bandwidth", "BF16 compute against memory bandwidth and capacity", "compute-bandwidth", None),
    ("timeline", "BF16 compute by launch date", "timeline", None),
    ("profile", "Spec profile against the H20", "profile", None),
    ("measured", "Measured (by gpudb bench and by others) against the published peaks", "measured", None),
    ("price-performance", "BF16 TFLOPS per 1,000 of purchase price, by date", "price-performance", None),
)


def standard_set(url: str | Engine | None = None) -> list[tuple[str, str, go.Figure]]:
    """The standard figures as (slug, title, figure), for `gpudb plot --all` and the web's /plots page. A figure
    the data cannot draw (no rule file, none of the default chips) is left out of the set."""
    engine = query.engine_for(url)
    if not query_narrow.vendors(engine):
        return []
    every = Catalogue(engine, points(engine))
    drawn = []
    for slug, title, kind, metric in STANDARD:
        try:
            drawn.append((slug, title, _draw(kind, None, None, metric, engine, every)))
        except GpudbError:
            continue
    return drawn


def credit_line(url: str | Engine | None = None) -> str:
    """The source line under a static graphic: the data release, that tensor figures are dense peaks, and where
    each figure comes from (every value names its source in gpudb)."""
    from gpudb.validation.release import read_release

    try:
        found = read_release()
        release = f"gpudb data {found.version} ({found.released}, {found.license})"
    except GpudbError:
        release = "gpudb data (unversioned)"
    return (
        f"Source: {release}; vendors' datasheets and the reports cited for each value. "
        "Tensor throughput is the dense peak (2:4-sparsity figures halved)."
    )

"""What detail pages read, loaded in bulk: every value with its provenance, identity, names, measurements and prices
of the chips asked for, by a handful of queries whatever their number. The served detail page loads one chip this
way; `gpudb site` loads every chip once and writes each page from memory (issue 23: a page read ~42 small queries,
12 minutes at 10,000 chips). Both go through page_data's one detail-page function, so the two cannot disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select, true

from gpudb.analysis import measured
from gpudb.analysis.wide import baseline_values, cited, derived_row
from gpudb.storage import query, query_prices, tables
from gpudb.storage.value_reads import value_public, values_query
from gpudb.web.snapshot import snapshot

Accelerator, Alias, SpecValue = tables.accelerator.c, tables.alias.c, tables.spec_value.c

if TYPE_CHECKING:
    from gpudb.analysis.export_controls import Classification
    from gpudb.storage.public import AcceleratorPublic


@dataclass
class Chip:
    """One chip's share of a Loaded: what query.get, numeric_values, statuses, inferences, names, measured.runs,
    measured.measurement_rows and query_prices.prices give for it."""

    row: dict[str, Any]  # the accelerator table's row (query.accelerator_row)
    aliases: list[str]  # kind 'alias', by name (query.get)
    value_rows: list[dict[str, Any]] = field(default_factory=list)  # value_reads.values_query's rows, in its order
    numbers: dict[str, float] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    inferences: dict[str, str] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # every name: id, product name, aliases
    runs: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    prices: list[dict[str, Any]] = field(default_factory=list)

    def public(self) -> AcceleratorPublic:
        """The chip as query.get returns it."""
        from gpudb.storage.public import AcceleratorPublic

        fields = {c: self.row[c] for c in AcceleratorPublic.model_fields if c not in {"aliases", "values"}}
        values = [value_public(row) for row in self.value_rows]
        return AcceleratorPublic(**fields, aliases=list(self.aliases), values=values)

    def export_status(self, rules: list[dict[str, Any]]) -> list[Classification]:
        """The chip under each rule, from what was loaded (as export_controls.export_status reads it)."""
        from gpudb.analysis.export_controls import classify_all

        return classify_all(rules, self.row, dict(self.numbers), self.names, self.statuses, self.inferences)


@dataclass
class Loaded:
    """The chips loaded, the export rules and the H100-equivalent base (None when that chip is not stored)."""

    chips: dict[str, Chip]
    rules: list[dict[str, Any]]
    base: dict[str, float] | None


def load(engine: Engine, ids: list[str] | None = None) -> Loaded:
    """The chips `ids` (None: every chip), each a Chip; ids are database ids, already resolved."""

    def where(column: Any) -> Any:
        return column.in_(ids) if ids is not None else true()

    with engine.connect() as connection:
        rows = connection.execute(select(tables.accelerator).where(where(Accelerator.id))).all()
        chips = {row.id: Chip(dict(row._mapping), []) for row in rows}
        aliases = connection.execute(
            select(Alias.accelerator_id, Alias.name, Alias.kind)
            .where(where(Alias.accelerator_id))
            .order_by(Alias.accelerator_id, Alias.name)
        ).all()
        result = connection.execute(values_query().where(where(SpecValue.accelerator_id)))
        keys = list(result.keys())
        values = [dict(zip(keys, row, strict=True)) for row in result.all()]
    for chip_id, name, kind in aliases:
        if chip_id in chips:
            chips[chip_id].names.append(name)
            if kind == "alias":
                chips[chip_id].aliases.append(name)
    for value in values:
        chip = chips[value["accelerator_id"]]
        chip.value_rows.append(value)
        if value["preferred"]:
            metric = value["metric"]
            if value["value_number"] is not None:
                chip.numbers[metric] = value["value_number"]
            if value["status"] != "value":
                chip.statuses[metric] = value["status"]
            if value["inference"] is not None:
                chip.inferences[metric] = value["inference"]
    one = ids[0] if ids is not None and len(ids) == 1 else None  # the served page: read that chip's rows only
    for run in measured.runs(one, engine):
        if run["accelerator_id"] in chips:
            chips[run["accelerator_id"]].runs.append(run)
    for figure in measured.measurement_rows(one, engine):
        if figure["accelerator_id"] in chips:
            chips[figure["accelerator_id"]].figures.append(figure)
    for price in query_prices.prices(ids, engine):
        chips[price["accelerator_id"]].prices.append(price)
    base = baseline_values(stored=snapshot(engine).stored)  # the build's numbers, read once per build
    return Loaded(chips, query.rules(engine), base)


def baselines(engine: Engine) -> tuple[dict[str, Chip], dict[str, str]]:
    """The two chips every profile is drawn against (either may be absent: then no profile), and every vendor's
    colour: read once per build, for the served pages and `gpudb site` alike."""
    from gpudb.plots.frames import BASELINE, BASELINE_FOR_BASELINE
    from gpudb.plots.style import vendor_colours
    from gpudb.storage import query_narrow

    extra = snapshot(engine).extra
    if "detail_partners" not in extra:
        partners = load(engine, [BASELINE, BASELINE_FOR_BASELINE]).chips
        extra["detail_partners"] = (partners, vendor_colours(query_narrow.vendors(engine)))
    return extra["detail_partners"]


def with_baselines(engine: Engine, ids: list[str]) -> Loaded:
    """The chips `ids` loaded, the two baselines beside them."""
    partners, _ = baselines(engine)
    chips = load(engine, ids)
    return Loaded({**partners, **chips.chips}, chips.rules, chips.base)


def served(engine: Engine, chip_id: str) -> tuple[Loaded, Callable[[str], dict[str, Any]]]:
    """One chip loaded for its served page, with the baselines, and the drawer of its profile: the page `gpudb
    site` writes, without plotly's objects (a third of a served page's time at 10,000 chips)."""
    loaded = with_baselines(engine, [chip_id])
    return loaded, profile_drawer(engine, loaded, baselines(engine)[1])


def profile_drawer(
    engine: Engine, loaded: Loaded, colours: dict[str, str] | None = None
) -> Callable[[str], dict[str, Any]]:
    """chip id → its detail page's profile plot item ({slug, title, figure}, or figure None with the reason), drawn
    from `loaded` by gpudb.plots.profile_json: the figure figures_bridge draws through make_figure("profile",
    ids=[chip]) (the chip against the H20, the H20 against the H100 SXM), without a query or plotly's objects.
    `loaded.chips` is read at each call, so a caller loading chips in batches may replace it (keeping the two
    baselines in it); only the baselines' values and points are kept between calls. `colours`: the vendors' colours,
    when the caller has them."""
    from gpudb.analysis.comparison import comparison_rows
    from gpudb.errors import InvalidArgumentError
    from gpudb.metrics.derived import derive
    from gpudb.plots import frames, profile_json
    from gpudb.plots.style import vendor_colours
    from gpudb.storage import query_narrow

    colours = colours if colours is not None else vendor_colours(query_narrow.vendors(engine))
    found: dict[str, tuple[dict[str, float | None], dict[str, Any]]] = {}

    def of(chip: str) -> tuple[dict[str, float | None], dict[str, Any]]:
        """The chip's values (comparison.chip_values) and its point (frames.points: name, vendor, sources)."""
        if chip in found:
            return found[chip]
        data = loaded.chips[chip]
        sources = {
            row["metric"]: cited(row["source_title"], row["source_publisher"])
            for row in data.value_rows
            if row["preferred"] and row["status"] == "value"
        }
        values: dict[str, float | None] = dict(data.numbers)
        for key, derived in derived_row(derive(data.numbers, loaded.base), sources).items():
            if key.endswith("__source"):
                sources[key.removesuffix("__source")] = derived  # a derived value's working and its inputs' sources
            else:
                values[key] = derived
        row = data.row
        point = {"name": row["name"], "vendor": row["vendor"], "availability": row["availability"]}
        drawn = values, {**point, "sources": sources}
        if chip in (frames.BASELINE, frames.BASELINE_FOR_BASELINE):
            found[chip] = drawn
        return drawn

    def draw(chip: str) -> dict[str, Any]:
        item: dict[str, Any] = {"slug": "profile", "title": "Profile"}
        partner = frames.BASELINE if chip != frames.BASELINE else frames.BASELINE_FOR_BASELINE
        if partner not in loaded.chips:
            error = InvalidArgumentError("a profile plot needs two or more chips; name them")
            return {**item, "figure": None, "reason": str(error)}
        chips = [chip, partner]
        values = {c: of(c)[0] for c in chips}
        marked = {c: loaded.chips[c].statuses for c in chips}
        rows = comparison_rows(chips, partner, list(frames.PROFILE_METRICS), values, marked)
        kept = [row for row in rows if any(row[c] is not None for c in chips)]
        points = {c: of(c)[1] for c in chips}
        return {**item, "figure": profile_json.profile(kept, chips, partner, points, colours)}

    return draw

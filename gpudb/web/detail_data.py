"""What detail pages read, loaded in bulk: every value with its provenance, identity, names, measurements and prices
of the chips asked for, by a handful of queries whatever their number. The served detail page loads one chip this
way; `gpudb site` loads every chip once and writes each page from memory (issue 23: a page read ~42 small queries,
12 minutes at 10,000 chips). Both go through page_data's one detail-page function, so the two cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select, true

from gpudb.analysis import measured
from gpudb.metrics.derived import H100_EQUIVALENT_BASE
from gpudb.storage import query, query_prices, tables

Accelerator, Alias, SpecValue = tables.accelerator.c, tables.alias.c, tables.spec_value.c

if TYPE_CHECKING:
    from gpudb.storage.public import AcceleratorPublic


@dataclass
class Chip:
    """One chip's share of a Loaded: what query.get, numeric_values, statuses, inferences, names, measured.runs,
    measured.measurement_rows and query_prices.prices give for it."""

    row: dict[str, Any]  # the accelerator table's row (query.accelerator_row)
    aliases: list[str]  # kind 'alias', by name (query.get)
    value_rows: list[dict[str, Any]] = field(default_factory=list)  # query._values_query's rows, in its order
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
        values = [query._value_public(row) for row in self.value_rows]
        return AcceleratorPublic(**fields, aliases=list(self.aliases), values=values)


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
        result = connection.execute(query._values_query().where(where(SpecValue.accelerator_id)))
        keys = list(result.keys())
        values = [dict(zip(keys, row, strict=True)) for row in result.all()]
        base_numbers = connection.execute(
            select(SpecValue.metric_key, SpecValue.value_number).where(
                SpecValue.accelerator_id == H100_EQUIVALENT_BASE,
                SpecValue.preferred.is_(True),
                SpecValue.value_number.is_not(None),
            )
        ).all()
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
    base = dict(base_numbers) or None
    return Loaded(chips, query.rules(engine), base)

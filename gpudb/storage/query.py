"""The one seam where SQL becomes Python objects and pandas frames. Read-only, on SQLAlchemy Core alone."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select

from gpudb.errors import AmbiguousNameError, UnknownAcceleratorError
from gpudb.names import name_key
from gpudb.storage import engines, tables
from gpudb.storage.value_reads import value_public, values_query

# the columns of each table, named as the model classes they stand for: the Core clauses of gpudb.storage.tables
# (reading needs no ORM and no models)
Accelerator = tables.accelerator.c
Alias = tables.alias.c
Metric = tables.metric.c
Source = tables.source.c
SpecValue = tables.spec_value.c
IDENTITY_COLUMNS = ["id", "vendor", "name", "architecture", "form_factor", "data_center", "china_specific"]
IDENTITY_COLUMNS += ["aliases", "availability", "announced"]  # the wide frame's first columns, as accelerators() has

if TYPE_CHECKING:
    import pandas as pd

    from gpudb.storage.public import AcceleratorPublic


def engine_for(url: str | Engine | None) -> Engine:
    """An engine for a URL (or the default database); an engine passed in is used as it is."""
    return url if isinstance(url, Engine) else engines.open_for_reading(url)


def resolve(name: str, url: str | Engine | None = None) -> str:
    """The accelerator id that `name` means: an id, product name or alias, case and spacing ignored."""
    engine = engine_for(url)
    wanted = name_key(name)
    with engine.connect() as connection:
        # the indexed lookup answers every good name; only a miss reads all names (prefixes, suggestions)
        chip_named = select(Alias.accelerator_id).where(Alias.name_key == wanted).limit(1).scalar_subquery()
        exact, system = connection.execute(select(chip_named, _system_named(wanted))).one()  # one round trip
        if exact is not None and system is not None:
            raise AmbiguousNameError.chip_or_system(name, exact, system)
        if exact is not None:
            return exact
        names = connection.execute(select(Alias.name_key, Alias.name, Alias.accelerator_id)).all()
    starting = sorted({accelerator_id for key, _, accelerator_id in names if wanted and key.startswith(wanted)})
    if len(starting) > 1:
        raise AmbiguousNameError(name, starting)
    by_key = {key: accelerator_id for key, _, accelerator_id in names}
    close = difflib.get_close_matches(wanted, list(by_key), n=6, cutoff=0.6)
    suggestions = list(dict.fromkeys(starting + [by_key[key] for key in close]))[:3]
    raise UnknownAcceleratorError(name, suggestions)


def unique_name_keys(url: str | Engine | None = None) -> dict[str, str]:
    """name key → chip id, for the keys that name exactly one chip and no system: what resolve answers for those
    names, for a caller that keeps it per build and resolves many (any other name goes to resolve, which says why
    it fails or is ambiguous)."""
    with engine_for(url).connect() as connection:
        chips = connection.execute(select(Alias.name_key, Alias.accelerator_id)).all()
        systems = set(connection.execute(select(tables.system_name.c.name_key)).scalars())
    named: dict[str, set[str]] = {}
    for key, chip in chips:
        named.setdefault(key, set()).add(chip)
    return {key: next(iter(ids)) for key, ids in named.items() if len(ids) == 1 and key not in systems}


def _system_named(wanted: str):
    """The system whose id, name or alias folds to `wanted` (a scalar subquery: None when there is none)."""
    column = tables.system_name.c
    return select(column.system_id).where(column.name_key == wanted).limit(1).scalar_subquery()


def resolve_kind(name: str, url: str | Engine | None = None) -> tuple[str, str]:
    """('accelerator', id) or ('system', id) for a name; one that names both is an ambiguity, never a choice."""
    engine = engine_for(url)
    with engine.connect() as connection:
        system = connection.execute(select(_system_named(name_key(name)))).scalar()
    if system is None:
        return "accelerator", resolve(name, engine)
    chip = None
    with engine.connect() as connection:
        chip = connection.execute(
            select(Alias.accelerator_id).where(Alias.name_key == name_key(name)).limit(1)
        ).scalar()
    if chip is not None:
        raise AmbiguousNameError.chip_or_system(name, chip, system)
    return "system", system


def get(name: str, url: str | Engine | None = None, resolved: bool = False) -> AcceleratorPublic:
    """Everything stored about one accelerator, each value with its unit and source (`resolved`: name is an id)."""
    from gpudb.storage.public import AcceleratorPublic  # pydantic: only the commands that return these shapes load it

    engine = engine_for(url)
    accelerator_id = name if resolved else resolve(name, engine)
    with engine.connect() as connection:
        accelerator = connection.execute(select(tables.accelerator).where(Accelerator.id == accelerator_id)).one()
        aliases = connection.scalars(
            select(Alias.name).where(Alias.accelerator_id == accelerator_id, Alias.kind == "alias").order_by(Alias.name)
        ).all()
        value_rows = connection.execute(values_query().where(SpecValue.accelerator_id == accelerator_id)).all()
    values = [value_public(row._mapping) for row in value_rows]
    fields = {
        column: getattr(accelerator, column)
        for column in AcceleratorPublic.model_fields
        if column not in {"aliases", "values"}
    }
    return AcceleratorPublic(**fields, aliases=list(aliases), values=values)


def accelerators(url: str | Engine | None = None, ids: list[str] | None = None) -> list[dict]:
    """One dict per accelerator (identity fields and its aliases), ordered by vendor and id; only `ids` if given."""
    engine = engine_for(url)
    chips = select(tables.accelerator).order_by(Accelerator.vendor, Accelerator.id)
    aliases_of = select(Alias.accelerator_id, Alias.name).where(Alias.kind == "alias").order_by(Alias.name)
    if ids is not None:
        chips, aliases_of = chips.where(Accelerator.id.in_(ids)), aliases_of.where(Alias.accelerator_id.in_(ids))
    with engine.connect() as connection:
        rows = connection.execute(chips).all()
        alias_rows = connection.execute(aliases_of).all()
    aliases: dict[str, list[str]] = {}
    for accelerator_id, alias in alias_rows:
        aliases.setdefault(accelerator_id, []).append(alias)
    return [
        {
            "id": r.id,
            "vendor": r.vendor,
            "name": r.name,
            "architecture": r.architecture,
            "form_factor": r.form_factor,
            "data_center": r.data_center,
            "china_specific": r.china_specific,
            "availability": r.availability,
            "announced": r.announced,
            "aliases": ", ".join(aliases.get(r.id, [])),
        }
        for r in rows
    ]


def metrics(url: str | Engine | None = None) -> list[dict]:
    """The metric catalogue as stored in the database, in catalogue order."""
    engine = engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(select(tables.metric).order_by(Metric.position)).all()
    return [dict(row._mapping) for row in rows]


def specs(long: bool = False, url: str | Engine | None = None, ids: list[str] | None = None) -> pd.DataFrame:
    """All values as a frame (of the accelerators `ids` alone when given: a page about a few chips reads only theirs).

    Wide (default): one row per accelerator (index: id), identity columns, then one column per metric in
    its canonical unit (the unit is in the metric key, e.g. memory_bandwidth_tbs), from the preferred value.
    Missing values, and metrics with a status instead of a value, are NaN.
    Long: one row per stored entry (every source's value, and status entries) with its unit, status, whether it
    is the preferred one, and its provenance (source title, URL, kind, sparse flag, note).
    """
    engine = engine_for(url)
    if long:
        return _long_public(_long_frame(engine, ids))
    return _wide(_preferred_frame(engine, ids), engine, ids)


def _long_frame(engine: Engine, ids: list[str] | None) -> pd.DataFrame:
    """The values query as a frame, built column by column from the rows (a frame of row mappings, or of the rows
    themselves, asks each row for attributes it lacks: two failed lookups a row), with `value`: the number, else
    the text."""
    import pandas as pd

    chosen = values_query() if ids is None else values_query().where(SpecValue.accelerator_id.in_(ids))
    with engine.connect() as connection:
        result = connection.execute(chosen)
        names = list(result.keys())
        by_column = list(zip(*result.all(), strict=True))
    if by_column:
        long_frame = pd.DataFrame(dict(zip(names, map(list, by_column), strict=True)), columns=names)
    else:
        long_frame = pd.DataFrame(columns=names)
    long_frame.insert(
        4,
        "value",
        long_frame["value_number"].astype(object).where(long_frame["value_number"].notna(), long_frame["value_text"]),
    )
    return long_frame


def _preferred_frame(engine: Engine, ids: list[str] | None) -> pd.DataFrame:
    """accelerator_id, metric, value (the number, else the text) of the preferred entries that hold a value: the
    rows the wide frame is made of, read alone (not the whole long frame with its provenance)."""
    import pandas as pd

    if ids is None:  # every chip's: through the driver's cursor (SQLAlchemy's rows were a third of specs())
        rows = list(driver_rows(engine, _PREFERRED_SQL))
    else:
        chosen = select(
            SpecValue.accelerator_id, SpecValue.metric_key, SpecValue.value_number, SpecValue.value_text
        ).where(SpecValue.preferred.is_(True), SpecValue.status == "value", SpecValue.accelerator_id.in_(ids))
        with engine.connect() as connection:
            rows = list(connection.execute(chosen).all())
    value = [text if number is None else number for _, _, number, text in rows]
    return pd.DataFrame(
        {"accelerator_id": [row[0] for row in rows], "metric": [row[1] for row in rows], "value": value},
        columns=["accelerator_id", "metric", "value"],
    )


_PREFERRED_SQL = (
    "SELECT accelerator_id, metric_key, value_number, value_text FROM spec_value"
    " WHERE preferred = true AND status = 'value'"
)


_PREFERRED_ENTRIES_SQL = (
    "SELECT v.accelerator_id, v.metric_key, v.value_number, v.value_text, v.status, v.as_published,"
    " v.sparse_in_source, v.board_gpus, v.note, v.inference, v.source_id"
    " FROM spec_value v JOIN metric m ON m.key = v.metric_key WHERE v.preferred = true"
    " ORDER BY v.accelerator_id, m.position, v.id"
)


def preferred_entries(url: str | Engine | None = None) -> Iterator[tuple[Any, ...]]:
    """Every chip's preferred entries (values and statuses), in values_query's order, as driver tuples (accelerator,
    metric, number, text, status, as published, sparse, board GPUs, note, inference, source id): the entry's own
    provenance, its source by id alone (the web table's cells; the long frame's every entry and source field, a
    Python object each, was most of a server worker's memory)."""
    return driver_rows(engine_for(url), _PREFERRED_ENTRIES_SQL)


def driver_rows(engine: Engine, sql: str, batch: int = 5000) -> Iterator[tuple[Any, ...]]:
    """The rows of a constant query (no parameters) as the driver gives them, fetched `batch` at a time: plain
    tuples, without SQLAlchemy's result processing (for reads of a whole table's entries)."""
    for rows in driver_batches(engine, sql, batch):
        yield from rows


def driver_batches(engine: Engine, sql: str, batch: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
    """driver_rows a list of up to `batch` rows at a time, as fetched (for readers that work column by column)."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield rows if isinstance(rows, list) else list(rows)  # both drivers give a list
        cursor.close()
    finally:
        connection.close()


def _long_public(long_frame: pd.DataFrame) -> pd.DataFrame:
    return long_frame.drop(columns=["value_number", "value_text"]).reset_index(drop=True)


def _wide(used: pd.DataFrame, engine: Engine, ids: list[str] | None) -> pd.DataFrame:
    """One row per accelerator: identity, then a column per metric from `used` (accelerator_id, metric, value)."""
    import pandas as pd

    identity = pd.DataFrame(accelerators(engine, ids), columns=IDENTITY_COLUMNS).set_index("id")
    return pivot_wide(used, identity, [(m["key"], m["kind"]) for m in metrics(engine)])


def pivot_wide(used: pd.DataFrame, identity: pd.DataFrame, catalogue: list[tuple[str, str]]) -> pd.DataFrame:
    """The one pivot of the wide frame (specs() and gpudb.analysis.wide): `identity` (index: id) and a column per
    metric of `catalogue` ((key, kind) in order) from `used` (accelerator_id, metric, value); NaN where none."""
    import pandas as pd

    wide = used.pivot(index="accelerator_id", columns="metric", values="value")
    wide = wide.reindex(index=identity.index, columns=[key for key, _ in catalogue])
    for key, kind in catalogue:
        if kind == "number":
            wide[key] = pd.to_numeric(wide[key])
    wide.columns.name = None
    return identity.join(wide)


def numeric_values(
    accelerator_ids: list[str], url: str | Engine | None = None, include_unstated: bool = False
) -> dict[str, dict[str, float]]:
    """The numeric stored values of the given accelerators: id → {metric key → value in canonical unit}.

    Figures whose dense/sparse convention the source does not state are left out unless `include_unstated`.
    """
    number = func.coalesce(SpecValue.value_number, SpecValue.unstated_number) if include_unstated else None
    column = SpecValue.value_number if number is None else number
    return _preferred_by_chip(accelerator_ids, column, column.is_not(None), url)


def _preferred_by_chip(accelerator_ids: list[str], column: Any, condition: Any, url: str | Engine | None) -> dict:
    """One column of the chips' preferred entries that meet `condition`: id → {metric key → the column's value}
    (every id present, with {} when it has none)."""
    with engine_for(url).connect() as connection:
        rows = connection.execute(
            select(SpecValue.accelerator_id, SpecValue.metric_key, column).where(
                SpecValue.accelerator_id.in_(accelerator_ids), SpecValue.preferred.is_(True), condition
            )
        ).all()
    found: dict[str, dict[str, Any]] = {accelerator_id: {} for accelerator_id in accelerator_ids}
    for accelerator_id, key, value in rows:
        found[accelerator_id][key] = value
    return found


def entries(url: str | Engine | None = None) -> list[dict]:
    """Every stored entry (all sources, status entries too) with its source kind, as plain dicts; no pandas."""
    engine = engine_for(url)
    chosen = values_query()
    with engine.connect() as connection:
        result = connection.execute(chosen)
        keys = list(result.keys())
        return [dict(zip(keys, row, strict=True)) for row in result.all()]  # 5× faster than .mappings()


def sources(url: str | Engine | None = None) -> list[dict]:
    """Every source, ordered by id."""
    engine = engine_for(url)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(tables.source).order_by(Source.id))]


def statuses(accelerator_ids: list[str], url: str | Engine | None = None) -> dict[str, dict[str, str]]:
    """Metrics stored with a status instead of a value: id → {metric key → not-supported | not-applicable | unknown}.

    Only preferred entries count; a metric with nothing stored at all is simply absent (unknown).
    """
    return _preferred_by_chip(accelerator_ids, SpecValue.status, SpecValue.status != "value", url)


def inferences(accelerator_ids: list[str], url: str | Engine | None = None) -> dict[str, dict[str, str]]:
    """Preferred values that are inferred, not stated by their source: id → {metric key → the reasoning}."""
    return _preferred_by_chip(accelerator_ids, SpecValue.inference, SpecValue.inference.is_not(None), url)


def rules(url: str | Engine | None = None) -> list[dict]:
    """Every rule version, oldest first, as dicts (paragraphs and named products as lists)."""
    engine = engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(select(tables.rule).order_by(tables.rule.c.position))
        return [dict(row._mapping) for row in rows]


def claims(url: str | Engine | None = None) -> list[dict]:
    """Every published claim with its source title and URL, oldest first."""
    claim = tables.claim
    engine = engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(claim, Source.title.label("source_title"), Source.url.label("source_url"))
            .join(tables.source, Source.id == claim.c.source_id)
            .order_by(claim.c.date.is_(None), claim.c.date, claim.c.id)  # undated last on every backend
        ).all()
    return [dict(row._mapping) for row in rows]


def names(accelerator_id: str, url: str | Engine | None = None) -> list[str]:
    """Every name of an accelerator: id, product name and aliases."""
    engine = engine_for(url)
    with engine.connect() as connection:
        return list(connection.scalars(select(Alias.name).where(Alias.accelerator_id == accelerator_id)))


def accelerator_row(accelerator_id: str, url: str | Engine | None = None) -> dict:
    """The identity fields of one accelerator."""
    engine = engine_for(url)
    with engine.connect() as connection:
        row = connection.execute(select(tables.accelerator).where(Accelerator.id == accelerator_id)).one()
    return dict(row._mapping)


def all_names(url: str | Engine | None = None) -> dict[str, list[str]]:
    """Every name of every accelerator (id, product name, aliases) in one query: id → names. For the web table."""
    engine = engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(select(Alias.accelerator_id, Alias.name).order_by(Alias.accelerator_id, Alias.name))
        found: dict[str, list[str]] = {}
        for accelerator_id, name in rows:
            found.setdefault(accelerator_id, []).append(name)
    return found


def build_stamp(url: str | Engine | None = None) -> tuple[tuple[str, str], ...]:
    """What the database was built from (schema, package version, data digest) as a hashable key for caches."""
    build_info = tables.build_info.c
    engine = engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(select(build_info.key, build_info.value).order_by(build_info.key))
        return tuple((key, value) for key, value in rows)

"""Narrow reads: which chips exist, their vendors, and the seven columns coverage counts (for per-chip pages and
one-query analyses that must not load the catalogue)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, and_, case, func, or_, select, tuple_

from gpudb.storage import tables
from gpudb.storage.query import Accelerator, Source, SpecValue, driver_batches, driver_rows, engine_for
from gpudb.storage.value_reads import values_query


def present(ids: list[str], url: str | Engine | None = None) -> list[str]:
    """Those of `ids` that are stored accelerators, in the order given."""
    with engine_for(url).connect() as connection:
        found = set(connection.scalars(select(Accelerator.id).where(Accelerator.id.in_(ids))))
    return [chip for chip in ids if chip in found]


def first_ids(count: int, url: str | Engine | None = None) -> list[str]:
    """The first `count` accelerator ids in id order."""
    with engine_for(url).connect() as connection:
        return list(connection.scalars(select(Accelerator.id).order_by(Accelerator.id).limit(count)))


def ids_in_order(url: str | Engine | None = None) -> list[str]:
    """Every accelerator id, in the order of gpudb.storage.query.accelerators (vendor, then id)."""
    with engine_for(url).connect() as connection:
        return list(connection.scalars(select(Accelerator.id).order_by(Accelerator.vendor, Accelerator.id)))


def vendors(url: str | Engine | None = None) -> list[str]:
    """Every vendor with an accelerator stored (the colours of a figure depend on the whole set)."""
    with engine_for(url).connect() as connection:
        return sorted(connection.scalars(select(Accelerator.vendor).distinct()))


def cells(url: str | Engine | None = None) -> list[tuple]:
    """(accelerator id, metric key, how many entries, and the preferred entry's status, source kind, tier and read)
    of every chip and metric with an entry, counted by the database; the last four are None where no entry is
    preferred."""
    preferred = SpecValue.preferred.is_(True)

    def of_preferred(column):  # one preferred entry at most per chip and metric: max() picks it out of the group
        return func.max(case((preferred, column)))

    with engine_for(url).connect() as connection:
        rows = connection.execute(
            select(
                SpecValue.accelerator_id,
                SpecValue.metric_key,
                func.count(),
                of_preferred(SpecValue.status),
                of_preferred(Source.kind),
                of_preferred(Source.tier),
                of_preferred(Source.read),
            )
            .outerjoin(tables.source, Source.id == SpecValue.source_id)
            .group_by(SpecValue.accelerator_id, SpecValue.metric_key)
        ).all()
    return [tuple(row) for row in rows]


def disputed_entries(url: str | Engine | None = None, threshold: float = 0.0) -> list[dict]:
    """The entries (as gpudb.storage.query.entries gives them) of every chip and metric whose entries may disagree:
    two or more of them, with different statuses or texts, or numbers on all of them that are not all equal. A
    superset of the conflicts at any threshold (gpudb.analysis.completeness.conflicts), found by the database, so
    that the many metrics given once, or twice alike, are never read; numbers that all differ by no more than
    `threshold` (0.02 = 2%) are left out too."""
    count = func.count()
    low, high = func.min(SpecValue.value_number), func.max(SpecValue.value_number)
    disputed = (
        select(SpecValue.accelerator_id, SpecValue.metric_key)
        .group_by(SpecValue.accelerator_id, SpecValue.metric_key)
        .having(
            count > 1,
            or_(  # two statuses or texts differ where the least and the greatest do (min and max skip NULLs)
                func.min(SpecValue.status) != func.max(SpecValue.status),
                func.min(SpecValue.value_text) != func.max(SpecValue.value_text),
                and_(
                    func.count(SpecValue.value_number) == count,
                    high > low,
                    or_(low <= 0, high / low - 1 > threshold),  # as validation.preference.disagreement: 0 is inf
                ),
            ),
        )
    )
    # IN, not a join: the database then reads the entries once and looks each pair up in the disputed set (joined,
    # SQLite read the entries of each disputed pair's metric, every chip's, once per pair)
    chosen = values_query().where(tuple_(SpecValue.accelerator_id, SpecValue.metric_key).in_(disputed))
    with engine_for(url).connect() as connection:
        result = connection.execute(chosen)
        keys = list(result.keys())
        return [dict(zip(keys, row, strict=True)) for row in result.all()]


# The entries of every chip and metric given more than once. One entry at most of each is preferred, so those are
# the chips and metrics with an entry not preferred: found in the (preferred, chip, metric) index, and their entries
# read through it, never the whole table (at 10,000 chips: 60,000 of 220,000 chip-metrics, 120,000 of 280,000
# entries). Ordered by chip and metric in code point order (as Python sorts them), the preferred entry first.
_SHARED_SQL = """
WITH shared AS (SELECT DISTINCT accelerator_id, metric_key FROM spec_value WHERE preferred = false)
SELECT v.accelerator_id, v.metric_key, v.preferred, v.status, v.value_number, v.value_text, v.unit, v.source_id
FROM shared CROSS JOIN spec_value v
WHERE v.preferred IN (false, true) AND v.accelerator_id = shared.accelerator_id AND v.metric_key = shared.metric_key
ORDER BY v.accelerator_id{collate}, v.metric_key{collate}, v.preferred DESC, v.id
"""


def shared_entries(url: str | Engine | None = None) -> Iterator[list[tuple[Any, ...]]]:
    """(accelerator id, metric key, preferred, status, value number, value text, unit, source id) of each entry of
    every chip and metric with more than one, by chip and metric, the preferred entry first, then as stored. Read
    through the driver's cursor a batch (a list of rows) at a time, not as SQLAlchemy rows (120,000 entries at
    10,000 chips); a chip's entries of one metric may be split between two batches."""
    engine = engine_for(url)
    collate = ' COLLATE "C"' if engine.dialect.name == "postgresql" else ""  # code point order, as Python's
    return driver_batches(engine, _SHARED_SQL.format(collate=collate))


def source_facts(url: str | Engine | None = None) -> dict[str, tuple[str, str, Any]]:
    """Source id → (kind, read, published) of every source (a few hundred: looked up, never joined per entry)."""
    with engine_for(url).connect() as connection:
        rows = connection.execute(select(Source.id, Source.kind, Source.read, Source.published)).all()
    return {source: (kind, read, published) for source, kind, read, published in rows}


def grade_counts(keys: list[str], url: str | Engine | None = None) -> tuple[list[tuple], list[tuple]]:
    """How many preferred entries of the metrics `keys` each chip, and each metric, has of each status, source tier
    and reading (original or not): rows (chip or metric, status, tier, read in the original, count), counted by the
    database, so coverage's table never makes a cell per chip and metric."""
    original = (Source.read == "original").label("original")

    def counted(by):
        return (
            select(by, SpecValue.status, Source.tier, original, func.count())
            .outerjoin(tables.source, Source.id == SpecValue.source_id)
            .where(SpecValue.preferred.is_(True), SpecValue.metric_key.in_(keys))
            .group_by(by, SpecValue.status, Source.tier, original)
        )

    with engine_for(url).connect() as connection:
        by_chip = [tuple(row) for row in connection.execute(counted(SpecValue.accelerator_id))]
        by_metric = [tuple(row) for row in connection.execute(counted(SpecValue.metric_key))]
    return by_chip, by_metric


def chips_with(groups: tuple[tuple[str, ...], ...], url: str | Engine | None = None) -> dict[str, list[bool]]:
    """Chip id → for each group of metric keys, whether the chip has a preferred entry of any of them (chips with
    none of them are left out)."""
    flags = [func.max(case((SpecValue.metric_key.in_(group), 1), else_=0)) for group in groups]
    keys = [key for group in groups for key in group]
    with engine_for(url).connect() as connection:
        rows = connection.execute(
            select(SpecValue.accelerator_id, *flags)
            .where(SpecValue.preferred.is_(True), SpecValue.metric_key.in_(keys))
            .group_by(SpecValue.accelerator_id)
        )
        return {chip: [bool(flag) for flag in found] for chip, *found in rows}


def preferred_entries(url: str | Engine | None = None) -> Iterator[tuple[str, str, str, str | None]]:
    """(accelerator id, metric key, status, source id) of every preferred entry, streamed, the chips in the order
    of ids_in_order (vendor, then id: the same ORDER BY, so the same collation), found through the preferred index."""
    return driver_rows(
        engine_for(url),
        "SELECT v.accelerator_id, v.metric_key, v.status, v.source_id FROM accelerator a CROSS JOIN spec_value v"
        " WHERE v.preferred = true AND v.accelerator_id = a.id ORDER BY a.vendor, a.id",
    )


def entry_counts(url: str | Engine | None = None) -> dict[tuple[str, str], int]:
    """(accelerator id, metric key) → how many entries, for those given more than once (the others have one):
    counted in the preferred index from the entries not preferred."""
    rows = driver_rows(
        engine_for(url),
        "SELECT accelerator_id, metric_key, count(*) FROM spec_value WHERE preferred = false"
        " GROUP BY accelerator_id, metric_key",
    )
    return {(chip, key): count + 1 for chip, key, count in rows}


def source_tiers(url: str | Engine | None = None) -> dict[str, tuple[str, int, str]]:
    """Source id → (kind, tier, read) of every source (a few hundred: looked up, never joined per entry)."""
    with engine_for(url).connect() as connection:
        rows = connection.execute(select(Source.id, Source.kind, Source.tier, Source.read)).all()
    return {source: (kind, tier, read) for source, kind, tier, read in rows}

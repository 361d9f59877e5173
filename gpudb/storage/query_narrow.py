"""Narrow reads: which chips exist, their vendors, and the seven columns coverage counts (for per-chip pages and
one-query analyses that must not load the catalogue)."""

from __future__ import annotations

from sqlalchemy import Engine, and_, case, func, or_, select, tuple_

from gpudb.storage import tables
from gpudb.storage.query import Accelerator, Source, SpecValue, _values_query, engine_for


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


def disputed_entries(url: str | Engine | None = None) -> list[dict]:
    """The entries (as gpudb.storage.query.entries gives them) of every chip and metric whose entries may disagree:
    two or more of them, with different statuses or texts, or numbers on all of them that are not all equal. A
    superset of the conflicts at any threshold (gpudb.analysis.completeness.conflicts), found by the database, so
    that the many metrics given once, or twice alike, are never read."""
    count = func.count()
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
                    func.max(SpecValue.value_number) > func.min(SpecValue.value_number),
                ),
            ),
        )
    )
    # IN, not a join: the database then reads the entries once and looks each pair up in the disputed set (joined,
    # SQLite read the entries of each disputed pair's metric, every chip's, once per pair)
    chosen = _values_query().where(tuple_(SpecValue.accelerator_id, SpecValue.metric_key).in_(disputed))
    with engine_for(url).connect() as connection:
        result = connection.execute(chosen)
        keys = list(result.keys())
        return [dict(zip(keys, row, strict=True)) for row in result.all()]

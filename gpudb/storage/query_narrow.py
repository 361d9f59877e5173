"""Narrow reads: which chips exist, their vendors, and the seven columns coverage counts (for per-chip pages and
one-query analyses that must not load the catalogue)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from gpudb.storage import tables
from gpudb.storage.query import Accelerator, Source, SpecValue, engine_for


def present(ids: list[str], url: str | Engine | None = None) -> list[str]:
    """Those of `ids` that are stored accelerators, in the order given."""
    with engine_for(url).connect() as connection:
        found = set(connection.scalars(select(Accelerator.id).where(Accelerator.id.in_(ids))))
    return [chip for chip in ids if chip in found]


def first_ids(count: int, url: str | Engine | None = None) -> list[str]:
    """The first `count` accelerator ids in id order."""
    with engine_for(url).connect() as connection:
        return list(connection.scalars(select(Accelerator.id).order_by(Accelerator.id).limit(count)))


def vendors(url: str | Engine | None = None) -> list[str]:
    """Every vendor with an accelerator stored (the colours of a figure depend on the whole set)."""
    with engine_for(url).connect() as connection:
        return sorted(connection.scalars(select(Accelerator.vendor).distinct()))


def cells(url: str | Engine | None = None) -> list[tuple]:
    """(accelerator id, metric key, preferred, status, source kind, tier, read) of every stored entry."""
    with engine_for(url).connect() as connection:
        rows = connection.execute(
            select(
                SpecValue.accelerator_id,
                SpecValue.metric_key,
                SpecValue.preferred,
                SpecValue.status,
                Source.kind,
                Source.tier,
                Source.read,
            ).outerjoin(tables.source, Source.id == SpecValue.source_id)
        ).all()
    return [tuple(row) for row in rows]

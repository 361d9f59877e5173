"""A stored value with its metric and source: the query that reads them (the long frame's columns) and the public
model one row becomes. Shared by gpudb.storage.query (a chip's values) and query_narrow (disputed values)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from gpudb.storage import tables

if TYPE_CHECKING:
    from gpudb.storage.public import ValuePublic

Metric = tables.metric.c
Source = tables.source.c
SpecValue = tables.spec_value.c


def values_query():
    """Every value joined with its metric and source, columns named as in the long frame."""
    return (
        select(
            SpecValue.accelerator_id,
            SpecValue.metric_key.label("metric"),
            Metric.label,
            Metric.category,
            SpecValue.value_number,
            SpecValue.value_text,
            SpecValue.status,
            SpecValue.preferred,
            SpecValue.unit,
            SpecValue.as_published,
            SpecValue.sparse_in_source,
            SpecValue.board_gpus,
            SpecValue.note,
            SpecValue.inference,
            SpecValue.source_id,
            Source.title.label("source_title"),
            Source.publisher.label("source_publisher"),
            Source.url.label("source_url"),
            Source.published.label("source_published"),
            Source.accessed.label("source_accessed"),
            Source.kind.label("source_kind"),
            Source.tier.label("source_tier"),
            Source.read.label("source_read"),
            Source.read_via.label("source_read_via"),
        )
        .join(tables.metric, Metric.key == SpecValue.metric_key)
        .outerjoin(tables.source, Source.id == SpecValue.source_id)  # an 'unknown' status may have no source
        .order_by(SpecValue.accelerator_id, Metric.position, SpecValue.preferred.desc(), SpecValue.id)
    )


def value_public(row) -> ValuePublic:
    """One row of values_query as the public model, its source included when it has one."""
    from gpudb.storage.public import SourcePublic, ValuePublic

    source = None
    if row["source_id"] is not None:
        source = SourcePublic(
            id=row["source_id"],
            title=row["source_title"],
            publisher=row["source_publisher"],
            url=row["source_url"],
            published=row["source_published"],
            accessed=row["source_accessed"],
            kind=row["source_kind"],
            tier=row["source_tier"],
            read=row["source_read"],
            read_via=row["source_read_via"],
        )
    value = row["value_number"] if row["value_number"] is not None else row["value_text"]
    return ValuePublic(
        metric=row["metric"],
        label=row["label"],
        category=row["category"],
        value=value,
        status=row["status"],
        preferred=row["preferred"],
        unit=row["unit"],
        as_published=row["as_published"],
        sparse_in_source=row["sparse_in_source"],
        board_gpus=row["board_gpus"],
        note=row["note"],
        inference=row["inference"],
        source=source,
    )

"""Reading the dated prices (SQLAlchemy Core only, like gpudb.storage.query)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from gpudb.storage import tables
from gpudb.storage.query import engine_for

Source = tables.source.c  # the columns, named as the model they stand for (reading needs no ORM)


def prices(accelerator_ids: list[str] | None = None, url: str | Engine | None = None) -> list[dict]:
    """Dated prices (of the given accelerators, or all), oldest first, each with its source's title, publisher,
    url and kind (as source_title, source_publisher, source_url, source_kind)."""
    price = tables.price.c
    engine = engine_for(url)
    statement = (
        select(
            tables.price,
            Source.title.label("source_title"),
            Source.publisher.label("source_publisher"),
            Source.url.label("source_url"),
            Source.kind.label("source_kind"),
        )
        .join(tables.source, Source.id == price.source_id)
        .order_by(price.accelerator_id, price.date, price.id)
    )
    if accelerator_ids is not None:
        statement = statement.where(price.accelerator_id.in_(accelerator_ids))
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(statement).mappings()]

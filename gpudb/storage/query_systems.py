"""The read seam's systems section: systems, their chips and published totals, as plain dicts (Core only)."""

from __future__ import annotations

import difflib

from sqlalchemy import Engine, select

from gpudb.errors import InvalidArgumentError
from gpudb.names import name_key
from gpudb.storage import tables
from gpudb.storage.query import engine_for

System = tables.system.c
SystemName = tables.system_name.c
SystemPart = tables.system_part.c
SystemValue = tables.system_value.c
Source = tables.source.c
SpecValue = tables.spec_value.c


class UnknownSystemError(InvalidArgumentError, LookupError):
    """A name matches no system id, name or alias."""

    exit_code = 3


def resolve_system(name: str, url: str | Engine | None = None) -> str:
    """The system id a name means (id, product name or alias; case and spacing ignored)."""
    engine = engine_for(url)
    wanted = name_key(name)
    with engine.connect() as connection:
        rows = connection.execute(select(SystemName.name_key, SystemName.system_id)).all()
    by_key = dict(rows)
    if wanted in by_key:
        return by_key[wanted]
    close = difflib.get_close_matches(wanted, list(by_key), n=3, cutoff=0.6)
    hint = " or ".join(repr(by_key[key]) for key in close)
    message = f"unknown system {name!r}; " + (f"did you mean {hint}?" if hint else "run 'gpudb list --systems'")
    raise UnknownSystemError(message)


def system_ids(url: str | Engine | None = None) -> set[str]:
    """The id of every system: what tells a page whether an id names a system or a chip."""
    with engine_for(url).connect() as connection:
        return set(connection.execute(select(System.id)).scalars())


def systems(url: str | Engine | None = None) -> list[dict]:
    """Every system with its chips ({accelerator, name, count}) and aliases, ordered by vendor and id."""
    engine = engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(select(tables.system).order_by(System.vendor, System.id)).all()
        parts = connection.execute(
            select(SystemPart.system_id, SystemPart.accelerator_id, SystemPart.count, tables.accelerator.c.name)
            .join(tables.accelerator, tables.accelerator.c.id == SystemPart.accelerator_id)
            .order_by(SystemPart.system_id, SystemPart.accelerator_id)
        ).all()
        aliases = connection.execute(
            select(SystemName.system_id, SystemName.name).where(SystemName.kind == "alias").order_by(SystemName.name)
        ).all()
    chips: dict[str, list[dict]] = {}
    for system_id, accelerator_id, count, chip_name in parts:
        chips.setdefault(system_id, []).append({"accelerator": accelerator_id, "name": chip_name, "count": count})
    names: dict[str, list[str]] = {}
    for system_id, alias in aliases:
        names.setdefault(system_id, []).append(alias)
    return [{**dict(row._mapping), "chips": chips.get(row.id, []), "aliases": names.get(row.id, [])} for row in rows]


def system_values(system_ids: list[str], url: str | Engine | None = None) -> list[dict]:
    """Every stored total of the systems named (all sources), with its source, preferred first."""
    engine = engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                tables.system_value,
                Source.title.label("source_title"),
                Source.publisher.label("source_publisher"),
                Source.url.label("source_url"),
                Source.kind.label("source_kind"),
            )
            .outerjoin(tables.source, Source.id == SystemValue.source_id)
            .where(SystemValue.system_id.in_(system_ids))
            .order_by(SystemValue.system_id, SystemValue.metric_key, SystemValue.preferred.desc(), SystemValue.id)
        ).all()
    return [dict(row._mapping) for row in rows]


def chip_figures(accelerator_ids: list[str], url: str | Engine | None = None) -> dict[str, dict[str, dict]]:
    """The preferred numeric value of every metric of the chips named: id → metric → {value, source_id, unit}."""
    engine = engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                SpecValue.accelerator_id,
                SpecValue.metric_key,
                SpecValue.value_number,
                SpecValue.unit,
                SpecValue.source_id,
            ).where(
                SpecValue.accelerator_id.in_(accelerator_ids),
                SpecValue.preferred.is_(True),
                SpecValue.value_number.is_not(None),
            )
        ).all()
    found: dict[str, dict[str, dict]] = {accelerator_id: {} for accelerator_id in accelerator_ids}
    for accelerator_id, key, value, unit, source_id in rows:
        found[accelerator_id][key] = {"value": value, "unit": unit, "source_id": source_id}
    return found

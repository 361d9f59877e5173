"""The one owner of the wide frame: chips × metrics, the stored preferred values pivoted wide (the stored part is
gpudb.storage.query's pivot, which gpudb.specs() returns), plus every derived metric against the base chip of
the H100-equivalents, whose values come from one function here (`baseline_values`).

    table_frame(used, identity)       # the web table: stored, derived, the working and the chips' numbers
    points(engine)                    # the figures: every chip, each value with its source (pandas)
    points(engine, ids=["h20", ...])  # a few chips, the same way (point_rows.frame: the same values, from rows)
    chip_values(ids, engine)          # plain dicts: stored and derived numbers (comparisons, claims, export)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select

from gpudb.metrics.catalogue import METRICS, METRICS_BY_KEY
from gpudb.metrics.derived import DERIVED, H100_EQUIVALENT_BASE, Derivation, derive
from gpudb.storage import query, tables

if TYPE_CHECKING:
    import pandas as pd

BASE = H100_EQUIVALENT_BASE
Stored = dict[str, dict[str, float]]  # chip id → {metric key → stored number in its canonical unit}


def baseline_values(
    url: str | Engine | None = None, stored: Mapping[str, Mapping[str, float]] | None = None
) -> dict[str, float] | None:
    """The stored numbers of the base chip of the H100-equivalents, or None when it has none (not in the data):
    from `stored` when the caller already holds every chip's values, else read (one small query)."""
    if stored is not None:
        return dict(stored.get(BASE) or {}) or None
    return query.numeric_values([BASE], url)[BASE] or None


def with_baseline(
    accelerator_ids: list[str], url: str | Engine | None = None, include_unstated: bool = False
) -> tuple[Stored, dict[str, float] | None]:
    """The chips' stored numbers (gpudb.storage.query.numeric_values) and the base's, read in one query."""
    stored = query.numeric_values([*accelerator_ids, BASE], url, include_unstated)
    return stored, stored[BASE] or None


def derivations(stored: Mapping[str, Mapping[str, float]], base: Mapping[str, float] | None) -> dict[str, Any]:
    """chip → {derived key → Derivation}, every derived metric of each chip against the base."""
    return {chip: derive(values, base) for chip, values in stored.items()}


def chip_values(
    accelerator_ids: list[str],
    url: str | Engine | None = None,
    include_unstated: bool = False,
    every: Mapping[str, Mapping[str, float]] | None = None,
) -> dict[str, dict[str, float | None]]:
    """Stored numeric values and derived metrics of each chip, in canonical units.

    Figures of unstated dense/sparse convention enter (stored and derived) only with `include_unstated`. `every`:
    every chip's stored numbers (without unstated figures), when the caller holds them (the web's snapshot), so
    nothing is read.
    """
    if every is not None and not include_unstated:
        stored: Mapping[str, Mapping[str, float]] = {chip: every.get(chip, {}) for chip in accelerator_ids}
        base = baseline_values(stored=every)
    else:
        stored, base = with_baseline(accelerator_ids, url, include_unstated)
    values: dict[str, dict[str, float | None]] = {}
    for accelerator_id in accelerator_ids:
        chip: dict[str, float | None] = dict(stored[accelerator_id])
        chip.update({key: derivation.value for key, derivation in derive(chip, base).items()})
        values[accelerator_id] = chip
    return values


def stored_values(wide: pd.DataFrame) -> Stored:
    """chip → its stored numbers, from a wide frame of every chip (NaN cells left out)."""
    numeric = [m.key for m in METRICS if m.kind == "number"]
    return {
        chip: {key: float(value) for key, value in zip(numeric, row, strict=True) if value == value}
        for chip, row in zip(wide.index, wide[numeric].itertuples(index=False, name=None), strict=True)
    }


def table_frame(used: pd.DataFrame, identity: pd.DataFrame) -> tuple[pd.DataFrame, Stored, dict[str, list[str]]]:
    """The web table's frame (identity, a column per stored metric from `used`: accelerator_id, metric, value of the
    preferred entries with a value; then a column per derived metric), every chip's stored numbers, and derived
    key → each chip's working in the frame's row order (a list a key, not a key a cell: 80,000 tuple keys were
    about 8 MiB of a server worker at 10,000 chips)."""
    import pandas as pd

    wide = query.pivot_wide(used, identity, [(m.key, m.kind) for m in METRICS])
    stored = stored_values(wide)
    base = baseline_values(stored=stored)
    working: dict[str, list[str]] = {d.key: [] for d in DERIVED}
    texts: dict[str, str] = {}
    derived_columns: dict[str, list[float | None]] = {d.key: [] for d in DERIVED}
    for chip in wide.index:
        for key, derivation in derive(stored[chip], base).items():
            derived_columns[key].append(derivation.value)
            working[key].append(texts.setdefault(derivation.working, derivation.working))  # "… unknown" once
    frame = wide.copy()
    for key, values in derived_columns.items():
        frame[key] = pd.array(values, dtype="Float64").astype("float64")
    return frame, stored, working


# ------------------------------------------------------------------------------------------------ the points frame


def cited(title: Any, publisher: Any) -> str:
    """'Title — Publisher', or the title alone when it already names the publisher."""
    if not isinstance(publisher, str) or not publisher or publisher.casefold() in str(title).casefold():
        return str(title)
    return f"{title} — {publisher}"


def derived_row(derivations_: Mapping[str, Derivation], source_of: Mapping[str, str]) -> dict[str, Any]:
    """Each derived value and `<key>__source`: its working, then the sources of its stored inputs."""
    row: dict[str, Any] = {}
    for key, derivation in derivations_.items():
        inputs = [
            f"{METRICS_BY_KEY[k].label}: {source_of[k]}"
            for k in derivation.inputs
            if k in METRICS_BY_KEY and k in source_of
        ]
        row[key] = derivation.value
        row[f"{key}__source"] = "; ".join([derivation.working, *dict.fromkeys(inputs)])
    return row


def points(url: str | Engine | None = None, ids: list[str] | None = None) -> pd.DataFrame:
    """One row per chip (index: id): identity, preferred values in canonical units, every derived metric, memory
    bandwidth in GB/s (`memory_bandwidth_gbs`), and `<metric>__source`: the source's title (and publisher), or for
    a derived value its working and the sources of its inputs. (A figure of a few chips reads them through
    gpudb.analysis.point_rows: the same values, without the pivot.)"""
    import pandas as pd

    engine = query.engine_for(url)
    wide = query.specs(url=engine, ids=ids)
    if ids is not None:
        wide = wide.loc[ids]
    # the preferred values' sources alone: the long frame of every entry with its provenance was 6 s of the
    # /plots page at 10,000 chips
    used = preferred_with_sources(engine, ids)
    chips, metrics = [row[0] for row in used], [row[1] for row in used]
    texts = [cited(row[4], row[5]) for row in used]
    cited_frame = pd.DataFrame({"accelerator_id": chips, "metric": metrics, "source": texts})
    sources = cited_frame.pivot(index="accelerator_id", columns="metric", values="source").add_suffix("__source")
    source_of: dict[str, dict[str, str]] = {}  # chip → metric → its source's text, looked up without pandas
    for chip, metric, text in zip(chips, metrics, texts, strict=True):
        source_of.setdefault(chip, {})[metric] = text
    stored, base = with_baseline(list(wide.index), engine)
    derived = {chip: derived_row(derive(stored[chip], base), source_of.get(chip, {})) for chip in wide.index}
    frame = wide.join(sources).join(pd.DataFrame.from_dict(derived, orient="index"))
    frame["memory_bandwidth_gbs"] = frame["memory_bandwidth_tbs"] * 1000  # TB/s → GB/s, the rules' unit
    if "memory_bandwidth_tbs__source" in frame:
        frame["memory_bandwidth_gbs__source"] = frame["memory_bandwidth_tbs__source"]
    return frame.astype({m.key: "float64" for m in DERIVED if m.key in frame})


def preferred_with_sources(engine: Engine, ids: list[str] | None) -> list[Any]:
    """(chip, metric, number, text, source title, publisher) of the chips' preferred entries that hold a value
    (every chip's when `ids` is None)."""
    value, source = tables.spec_value.c, tables.source.c
    chosen = (
        select(
            value.accelerator_id, value.metric_key, value.value_number, value.value_text, source.title, source.publisher
        )
        .outerjoin(tables.source, source.id == value.source_id)
        .where(value.preferred.is_(True), value.status == "value")
    )
    if ids is not None:
        chosen = chosen.where(value.accelerator_id.in_(ids))
    with engine.connect() as connection:
        return list(connection.execute(chosen).all())

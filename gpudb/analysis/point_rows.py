"""The points frame of a few chips (gpudb.analysis.wide.points with ids) from plain rows: one query for the chips'
preferred values with their sources, one for their identity, each row a dict, then one frame made of columns.
Its values, index and columns equal those of wide.points(ids=...), which pivots and joins (at two chips most of
a detail page's time); only the dtypes of the text metrics may differ, which the pivot leaves str or object by
the order of its rows (tests/test_wide.py). `Known` keeps, for one build, what every such frame needs (the
catalogue, the base chip's values, the vendors) and the rows of chips drawn on every page."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from gpudb.metrics.derived import DERIVED, derive
from gpudb.storage import query

if TYPE_CHECKING:
    import pandas as pd

IDENTITY = query.IDENTITY_COLUMNS[1:]  # the wide frame's identity columns, in its order (the id is the index)
UNSET = object()
NAN = math.nan


@dataclass
class Known:
    """What one build's points frames share: the metric catalogue as stored ((key, kind) in order), the base
    chip's values, the vendors, and the rows of the chips in `keep` (the baselines drawn beside every chip)."""

    keep: frozenset[str] = frozenset()
    catalogue: list[tuple[str, str]] | None = None
    vendors: list[str] | None = None  # every vendor (the figures' colours)
    base: Any = UNSET
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)


def frame(engine: Engine, ids: list[str], known: Known | None = None) -> pd.DataFrame:
    """The points frame of `ids`, in their order (KeyError naming a chip not in the database)."""
    import numpy
    import pandas as pd

    known = known if known is not None else Known()
    chosen = chosen_rows(engine, ids, known)
    catalogue = known.catalogue or []  # chosen_rows read it
    sources = sorted({key for row in chosen for key in row["_sources"]})
    columns = [*IDENTITY, *(key for key, _ in catalogue), *(f"{key}__source" for key in sources)]
    columns += [name for d in DERIVED for name in (d.key, f"{d.key}__source")]
    columns += ["memory_bandwidth_gbs"] + (
        ["memory_bandwidth_gbs__source"] if "memory_bandwidth_tbs" in sources else []
    )
    kinds = {key: float if kind == "number" else object for key, kind in catalogue}
    kinds.update({d.key: float for d in DERIVED})
    kinds["memory_bandwidth_gbs"], kinds["announced"] = float, object  # a missing date stays None, not NaN
    data: dict[str, Any] = {}
    for column in columns:
        kind = kinds.get(column)
        values = [row[column] for row in chosen] if column == "announced" else [row.get(column, NAN) for row in chosen]
        # numbers and text metrics as arrays of their frame's dtype; text the frame infers (str) as lists
        data[column] = values if kind is None else numpy.array(values, dtype=kind)
    return pd.DataFrame(data, index=pd.Index(ids, name="id"), columns=columns, copy=False)


def chosen_rows(engine: Engine, ids: list[str], known: Known) -> list[dict[str, Any]]:
    """The rows (see `rows`) of `ids`, in their order, those of the chips `known` keeps read once (KeyError naming
    a chip not in the database)."""
    if known.catalogue is None:
        known.catalogue = [(m["key"], m["kind"]) for m in query.metrics(engine)]
    if known.base is UNSET:
        from gpudb.analysis.wide import baseline_values

        known.base = baseline_values(engine)
    wanted = list(dict.fromkeys(chip for chip in ids if chip not in known.rows))
    read = rows(engine, wanted, known.catalogue, known.base) if wanted else {}
    for chip in wanted:
        if chip not in read:
            raise KeyError(f"{[chip]} not in index")
        if chip in known.keep:
            known.rows[chip] = read[chip]
    return [read[chip] if chip in read else known.rows[chip] for chip in ids]


def rows(
    engine: Engine, ids: list[str], catalogue: list[tuple[str, str]], base: dict[str, float] | None
) -> dict[str, dict[str, Any]]:
    """chip → its row: identity, preferred values, `<metric>__source`, derived values with their sources, and
    `_sources` (the metrics that have one); chips not in the database are absent."""
    from gpudb.analysis.wide import cited, derived_row, preferred_with_sources

    found: dict[str, dict[str, Any]] = {}
    for chip in query.accelerators(engine, ids):
        row = {key: chip[key] for key in IDENTITY}
        row["_sources"], row["_stored"] = {}, {}
        found[chip["id"]] = row
    for chip_id, key, number, text, title, publisher in preferred_with_sources(engine, list(found)):
        row = found[chip_id]
        row[key] = text if number is None else number
        source = cited(title, publisher)
        row[f"{key}__source"] = row["_sources"][key] = source
        if number is not None:
            row["_stored"][key] = number
    for row in found.values():
        row.update(derived_row(derive(row["_stored"], base), row["_sources"]))
        bandwidth = row.get("memory_bandwidth_tbs", math.nan)
        row["memory_bandwidth_gbs"] = bandwidth * 1000 if bandwidth is not None else math.nan
        if "memory_bandwidth_tbs" in row["_sources"]:
            row["memory_bandwidth_gbs__source"] = row["_sources"]["memory_bandwidth_tbs"]
    return found

"""The whole dataset written out for other tools: wide and long tables, sources, rules, claims, a data dictionary.

    gpudb export out/ --format csv     # also json, parquet (needs pyarrow), sqlite

Numbers are in the units their column names carry (bf16_dense_tflops, memory_bandwidth_tbs…).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from gpudb.analysis import measured
from gpudb.analysis.wide import chip_values
from gpudb.errors import GpudbError, InvalidArgumentError, MissingDependencyError
from gpudb.export_dictionary import DERIVED_COLUMNS, PRICE_COLUMNS, dictionary
from gpudb.metrics.derived import DERIVED
from gpudb.storage import query, query_prices
from gpudb.storage import tables as schema

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("csv", "json", "parquet", "sqlite")


def tables(url: str | Engine | None = None) -> dict[str, pd.DataFrame]:
    """Every exported table by name: accelerators (wide), values (long), sources, rules, claims, measurements
    (gpudb bench runs with their published peak and efficiency), prices, systems, system_totals, and the
    dictionary describing every column of them all."""
    import pandas as pd

    engine = query.engine_for(url)
    wide = query.specs(url=engine)
    derived = chip_values(list(wide.index), engine)
    for metric in DERIVED:
        wide[DERIVED_COLUMNS[metric.key]] = [derived[chip].get(metric.key) for chip in wide.index]
    wide = wide.reset_index()
    values = query.specs(long=True, url=engine)
    sources = pd.DataFrame(query.sources(engine))
    # the columns named, so that a database with no rules or claims still exports their (empty) tables whole
    rules = pd.DataFrame(query.rules(engine), columns=[column.name for column in schema.rule.columns])
    for column in ("paragraphs", "named_products"):
        rules[column] = rules[column].map(json.dumps)  # nested lists as JSON text, so CSV keeps them whole
    claims = pd.DataFrame(
        query.claims(engine), columns=[*(column.name for column in schema.claim.columns), "source_title", "source_url"]
    )
    measurements = measured.measurements(url=engine)  # gpudb bench runs, beside (never among) the published values
    measurements["shape"] = measurements["shape"].map(lambda shape: json.dumps(shape) if shape else None)
    prices = pd.DataFrame(query_prices.prices(None, engine), columns=list(PRICE_COLUMNS))[list(PRICE_COLUMNS)]
    exported = {
        "accelerators": wide,
        "values": values,
        "sources": sources,
        "rules": rules,
        "claims": claims,
        "measurements": measurements,
        "prices": prices,
        **system_tables(engine),
    }
    return {**exported, "dictionary": dictionary(exported)}


def system_tables(engine: Engine) -> dict[str, pd.DataFrame]:
    """systems (identity, chips as JSON) and system_totals (one row per system and metric: the total used, its
    basis, the published and the derived figure with its working, and the source)."""
    import pandas as pd

    from gpudb.analysis.systems import system_view
    from gpudb.storage import query_systems

    systems, totals = [], []
    for row in query_systems.systems(engine):
        view = system_view(row["id"], engine)
        systems.append(
            {
                **{key: row[key] for key in ("id", "vendor", "name", "kind", "availability", "announced")},
                "chips": json.dumps([{"accelerator": c["accelerator"], "count": c["count"]} for c in row["chips"]]),
                "chip_count": view.chip_count,
                "parts": json.dumps(row["parts"], ensure_ascii=False),
                "aliases": ", ".join(row["aliases"]),
                "note": row["note"],
            }
        )
        for total in view.totals.values():
            totals.append(
                {
                    "system_id": row["id"],
                    "metric": total.metric,
                    "unit": total.unit,
                    "value": total.value,
                    "basis": total.basis,
                    "published": total.published,
                    "as_published": total.as_published,
                    "derived": total.derived,
                    "working": total.working,
                    "source_id": (total.source or {}).get("id"),
                    "source_kind": (total.source or {}).get("kind"),
                }
            )
    system_columns = ["id", "vendor", "name", "kind", "availability", "announced", "chips", "chip_count", "parts"]
    total_columns = ["system_id", "metric", "unit", "value", "basis", "published", "as_published", "derived"]
    return {
        "systems": pd.DataFrame(systems, columns=[*system_columns, "aliases", "note"]),
        "system_totals": pd.DataFrame(totals, columns=[*total_columns, "working", "source_id", "source_kind"]),
    }


def export(out_dir: Path, fmt: str = "csv", url: str | None = None) -> list[Path]:
    """Write the dataset into `out_dir` in one format; returns the files written."""
    if fmt not in FORMATS:
        raise InvalidArgumentError(f"unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GpudbError(f"cannot create {out_dir}: {error.strerror}") from None
    if fmt == "sqlite":
        return [_copy_sqlite(out_dir, url)]
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise MissingDependencyError("parquet export needs pyarrow: pip install pyarrow") from None
    written = []
    for name, frame in tables(url).items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False)
        elif fmt == "json":
            frame.to_json(path, orient="records", indent=2, date_format="iso", force_ascii=False)
        else:
            frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object}).to_parquet(path, index=False)
        written.append(path)
    return written


def _copy_sqlite(out_dir: Path, url: str | None) -> Path:
    """The database as one SQLite file: the file itself, or every table copied out of PostgreSQL."""
    from gpudb import settings
    from gpudb.storage.build_whole import copy_to_sqlite
    from gpudb.storage.engines import sqlite_path

    engine = query.engine_for(url)  # fails clearly when there is no database
    source = sqlite_path(url or settings.database_url())
    target = out_dir / "gpudb.sqlite"
    if source is not None:
        shutil.copyfile(source, target)
    else:
        copy_to_sqlite(engine, target)
    return target

"""A validated dataset as the rows of each table, in a stable order (same data in, same database out): the chips'
all at once or a batch of chip files at a time as validation reads them (gpudb.storage.build writes both the same
way), and the other tables' once validation is done."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from gpudb.metrics.catalogue import METRICS
from gpudb.speed.bulk_write import MadeRows, TableRows
from gpudb.storage.build_side_tables import measurement_rows, price_rows
from gpudb.storage.build_systems import system_rows
from gpudb.storage.models import SCHEMA_VERSION
from gpudb.storage.value_rows import ChipValueRows

if TYPE_CHECKING:
    from gpudb.validation.records import AcceleratorRecord, Dataset, SpecRecord

CHIP_TABLES = ("accelerator", "alias", "spec_value")  # the rows of the chip files, written as they are read


def data_digest(data_dir: Path, known: Mapping[str, bytes] | None = None) -> str:
    """sha256 over every data file's path and the sha256 of its bytes: the same data gives the same digest. `known`
    gives the sha256 of files already read (by path), whose bytes are then not read again."""
    from gpudb.validation.loader import path_prefix, yaml_file_names  # the files validation reads, in its order

    known = known or {}
    digest = hashlib.sha256()
    start = len(path_prefix(data_dir))  # each name is str(data_dir / relative)
    for name in yaml_file_names(data_dir):
        file_digest = known.get(name) or hashlib.sha256(Path(name).read_bytes()).digest()
        digest.update(name[start:].replace(os.sep, "/").encode() + b"\0" + file_digest)
    return digest.hexdigest()


def other_rows(dataset: Dataset, data_dir: Path) -> dict[str, TableRows]:
    """The rows of every table but CHIP_TABLES (dataset_chip_rows), in a stable order (same data in, same database
    out). A streamed build wrote the chips' already: making them again put 2.8 million values in order for nothing,
    1.6 s of a 100,000-chip build."""
    from gpudb import __version__
    from gpudb.names import name_key
    from gpudb.tiers import tier_of

    sources = sorted(dataset.sources, key=lambda s: s.entry.id)
    return {
        "source": [
            {**record.entry.model_dump(exclude_none=False), "tier": tier_of(record.entry.kind)} for record in sources
        ],
        "metric": [
            {
                "key": m.key,
                "label": m.label,
                "unit": m.unit_label,
                "category": m.category,
                "kind": m.kind,
                "precision": m.precision,
                "bits": m.bits,
                "sparsity_applies": m.sparsity_applies,
                "higher_is_better": m.higher_is_better,
                "description": m.description,
                "position": position,
            }
            for position, m in enumerate(METRICS)
        ],
        "rule": [
            {
                **record.entry.model_dump(exclude={"source"}, mode="json"),
                "source_id": record.entry.source,
                "published": record.entry.published,
                "effective": record.entry.effective,
                "position": position,
            }
            for position, record in enumerate(sorted(dataset.rules, key=lambda r: (r.entry.published, r.entry.id)))
        ],
        "claim": [
            {
                "id": c.id,
                "claimant": c.claimant,
                "reported_by": c.reported_by,
                "date": c.date,
                "source_id": c.source,
                "quote": c.quote,
                "quote_found": c.quote_found,
                "subject_id": c.subject,
                "baseline_id": c.baseline,
                "stated_ratio": c.stated.ratio,
                "stated_value": c.stated.value,
                "stated_metric": c.stated.metric,
                "qualifier": c.qualifier,
                "scope": c.scope,
                "tolerance": c.tolerance,
                "note": c.note,
            }
            for c in sorted((record.entry for record in dataset.claims), key=lambda c: c.id)
        ],
        "device_name": [
            {
                "id": number,
                "name": record.entry.name,
                "name_key": name_key(record.entry.name),
                "accelerator_id": record.entry.accelerator,
                "memory_gb": record.entry.memory_gb,
                "note": record.entry.note,
            }
            for number, record in enumerate(dataset.device_names, start=1)
        ],
        **measurement_rows(dataset),
        "price": price_rows(dataset),
        **system_rows(dataset),
        "build_info": [
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "gpudb_version", "value": __version__},
            {"key": "data_digest", "value": data_digest(data_dir, dataset.file_digests)},
            {"key": "data_version", "value": _data_version(data_dir)},
        ],
    }


def dataset_chip_rows(dataset: Dataset) -> dict[str, TableRows]:
    """The rows of CHIP_TABLES for every chip of `dataset`."""
    return chip_rows(dataset.accelerators, dataset.specs, dataset.preferred)


def chip_rows(
    accelerators: Sequence[AcceleratorRecord],
    specs: Sequence[SpecRecord],
    preferred: set[tuple[str, str, int | None]],
    first_value_id: int = 1,
) -> dict[str, TableRows]:
    """The rows of CHIP_TABLES for chips as validation read them (in the order of their files), their values
    numbered from `first_value_id`: a batch of files gives the rows the whole dataset gives for those files.

    The many rows (a 100,000-chip catalogue: 100,000 chips, 300,000 names, 2.8 million values) are made as they are
    written."""
    return {
        "accelerator": MadeRows(accelerators, _accelerator_row),
        "alias": MadeRows(_names(accelerators), _alias_row),
        "spec_value": ChipValueRows(_in_id_order(specs), preferred, first_value_id),
    }


def _accelerator_row(record: AcceleratorRecord) -> dict[str, object]:
    return {**record.entry.model_dump(exclude={"aliases", "specs"}), "file": record.file}


def _names(accelerators: Sequence[AcceleratorRecord]) -> list[tuple[tuple[str, str], str]]:
    """((chip, name), kind) of each chip's names (its id, name and aliases; the first kind of a name that
    repeats), chip by chip, each chip's sorted by name."""
    names: list[tuple[tuple[str, str], str]] = []
    for record in accelerators:
        entry = record.entry
        kinds: dict[str, str] = {}
        for name, kind in [(entry.id, "id"), (entry.name, "name")] + [(alias, "alias") for alias in entry.aliases]:
            kinds.setdefault(name, kind)
        names.extend(((entry.id, name), kinds[name]) for name in sorted(kinds))
    return names


def _alias_row(item: tuple[tuple[str, str], str]) -> dict[str, str]:
    """The alias row of ((chip, name), kind)."""
    from gpudb.names import name_key

    (chip, name), kind = item
    return {"accelerator_id": chip, "name": name, "name_key": name_key(name), "kind": kind}


def _in_id_order(specs: Sequence[SpecRecord]) -> list[SpecRecord]:
    """The values in the order their ids number them: chip by chip as their files were read, each chip's by
    (metric, position). Each chip's few are sorted alone: one sort key for each of 2.8 million values was 180 MB of
    a 100,000-chip build's peak."""
    by_chip: dict[str, list[SpecRecord]] = {}
    for chip, values in groupby(specs, key=attrgetter("accelerator_id")):
        by_chip.setdefault(chip, []).extend(values)  # one id in two files (a problem validation reports): one run
    ordered: list[SpecRecord] = []
    for chip_values in by_chip.values():
        ordered.extend(sorted(chip_values, key=lambda s: (s.metric.key, s.position or 0)))
    return ordered


def _data_version(data_dir: Path) -> str:
    """The dataset version from data/dataset.yaml, or 'unversioned' when the folder has none."""
    if not (data_dir / "dataset.yaml").exists():
        return "unversioned"
    from gpudb.validation.release import read_release

    return read_release(data_dir).version

"""Checks of data/device-names.yaml: the names drivers report, each mapped to a known accelerator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from gpudb.names import name_key
from gpudb.problems import Problem
from gpudb.validation.checks import check
from gpudb.validation.loader import read_document
from gpudb.validation.records import Dataset
from gpudb.validation.schema import DeviceNameEntry
from gpudb.validation.shape import read_list


def read_device_names(data_dir: Path, dataset: Dataset) -> None:
    """Read data/device-names.yaml (a list) into the dataset, when it exists."""
    path = data_dir / "device-names.yaml"
    if not path.exists():
        return
    document, problem = read_document(path, data_dir)
    if problem:
        dataset.problems.append(problem)
    if document:
        dataset.device_names = read_list([document], DeviceNameEntry, "device names", dataset)


@check
def device_names_are_known_and_distinct(dataset: Dataset) -> Iterator[Problem]:
    known = dataset.accelerator_file_ids
    first: dict[tuple[str, float | None], int | None] = {}
    for record in dataset.device_names:
        entry = record.entry
        if entry.accelerator not in known:
            yield Problem(
                "unknown-accelerator",
                f"accelerator {entry.accelerator!r} is not an accelerator id in data/accelerators/",
                record.file,
                record.line,
                None,
                "accelerator",
                entry.accelerator,
            )
        key = (name_key(entry.name), entry.memory_gb)
        if key in first:
            memory = f" with memory_gb {entry.memory_gb:g}" if entry.memory_gb is not None else ""
            yield Problem(
                "duplicate-id",
                f"device name {entry.name!r}{memory} is already listed at {record.file}:{first[key]}",
                record.file,
                record.line,
                None,
                "name",
                entry.name,
            )
        first.setdefault(key, record.line)

"""The accelerator files read in batches: each file parsed, checked against the schema and its values read into
their canonical units. A file's values need nothing from another file, so above FORK_ABOVE_FILES, where the system
can fork, the batches are shared among a process per CPU (parsing and reading 10,000 files was most of
`gpudb check`); the batches come back in order, so the result is the same either way."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from gpudb.problems import Problem
from gpudb.speed import processes
from gpudb.validation.loader import load_paths
from gpudb.validation.records import AcceleratorRecord, Dataset, SpecRecord
from gpudb.validation.shape import read_accelerators
from gpudb.validation.values import read_specs

BATCH_FILES = 250
FORK_ABOVE_FILES = 2_000  # below it, starting processes costs more than it saves
READ_WORKERS = 4  # at most; one per CPU


@dataclass
class Batch:
    """What a batch of accelerator files gives: its records (without their trees), values and problems."""

    accelerators: list[AcceleratorRecord]
    specs: list[SpecRecord]
    problems: list[Problem]


def read_batch(paths: list[Path], data_dir: Path) -> Batch:
    """Parse, check and read the values of each file of `paths` (in order)."""
    scratch = Dataset()
    documents, problems = load_paths(paths, data_dir)
    scratch.problems.extend(problems)
    read_accelerators(documents, scratch)
    read_specs(scratch)
    return Batch([record.without_tree() for record in scratch.accelerators], scratch.specs, scratch.problems)


def read_accelerator_files(paths: list[Path], data_dir: Path, dataset: Dataset) -> None:
    """Every accelerator file of `paths` into `dataset`: its records, their values and the problems found."""
    batches = [paths[start : start + BATCH_FILES] for start in range(0, len(paths), BATCH_FILES)]
    read = partial(read_batch, data_dir=data_dir)
    workers = processes.workers_for(len(batches), READ_WORKERS)
    shared = len(paths) > FORK_ABOVE_FILES and processes.can_fork(workers)
    for batch in processes.in_order(read, batches, workers) if shared else map(read, batches):
        dataset.accelerators.extend(batch.accelerators)
        dataset.specs.extend(batch.specs)
        dataset.problems.extend(batch.problems)

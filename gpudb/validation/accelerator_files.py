"""The accelerator files read in batches: each file parsed, checked against the schema and its values read into
their canonical units. A file's values need nothing from another file, so above FORK_ABOVE_FILES, where the system
can fork, the batches are shared among a process per CPU (parsing and reading 10,000 files was most of
`gpudb check`), started before the sources are read; the batches come back in order, so the result is the same
either way."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from gpudb.problems import Problem
from gpudb.speed import processes
from gpudb.validation.loader import load_paths
from gpudb.validation.preference import SourceRank, choose_by_rank
from gpudb.validation.records import AcceleratorRecord, Dataset, SpecRecord, spec_columns, specs_of_columns
from gpudb.validation.shape import read_accelerators
from gpudb.validation.values import read_specs

BATCH_FILES = 250
FORK_ABOVE_FILES = 2_000  # below it, starting processes costs more than it saves
READ_WORKERS = 4  # at most; one per CPU


@dataclass
class Batch:
    """What a batch of accelerator files gives: its records (without their trees), values, the keys of its
    preferred values (chosen by take_batches), its problems and the sha256 of each file read (by path)."""

    accelerators: list[AcceleratorRecord]
    specs: list[SpecRecord]
    preferred: set[tuple[str, str, int | None]]
    problems: list[Problem]
    digests: dict[str, bytes]

    def __reduce__(self) -> tuple[Any, ...]:
        # from a reading process to the validating one: the values as columns, not a record at a time
        return _batch, (self.accelerators, spec_columns(self.specs), self.preferred, self.problems, self.digests)


def _batch(
    accelerators: list[AcceleratorRecord],
    columns: tuple[list[Any], ...],
    preferred: set[tuple[str, str, int | None]],
    problems: list[Problem],
    digests: dict[str, bytes],
) -> Batch:
    return Batch(accelerators, specs_of_columns(columns), preferred, problems, digests)


class ChipSink(Protocol):
    """What takes the batches as they come (gpudb.storage.build_stream writes each while the next are read)."""

    def take(self, batch: Batch) -> None: ...

    def all_taken(self) -> None: ...


def read_batch(paths: list[str], data_dir: Path) -> Batch:
    """Parse, check and read the values of each file of `paths` (in order, as yaml_file_names gives them); the
    preferred values are chosen by take_batches, which has the sources' ranks (reading starts before the sources
    are read)."""
    scratch = Dataset()
    documents, problems = load_paths(map(Path, paths), data_dir)
    scratch.problems.extend(problems)
    read_accelerators(documents, scratch)
    read_specs(scratch)
    digests = {str(document.path): document.digest for document in documents}
    return Batch([r.without_tree() for r in scratch.accelerators], scratch.specs, set(), scratch.problems, digests)


@contextlib.contextmanager
def reading(paths: list[str], data_dir: Path) -> Iterator[Iterator[Batch]]:
    """The batches of `paths` in order, being read from the moment this is entered: in a process per CPU when there
    are more than FORK_ABOVE_FILES files and the system can fork (the caller reads the other files meanwhile), else
    each as it is taken."""
    batches = [paths[start : start + BATCH_FILES] for start in range(0, len(paths), BATCH_FILES)]
    read = partial(read_batch, data_dir=data_dir)
    workers = processes.workers_for(len(batches), READ_WORKERS)
    if len(paths) > FORK_ABOVE_FILES and processes.can_fork(workers):
        with processes.started(read, batches, workers) as results:
            yield results
    else:
        yield map(read, batches)


def take_batches(
    batches: Iterator[Batch], dataset: Dataset, ranks: dict[str, SourceRank], sink: ChipSink | None = None
) -> None:
    """Every batch into `dataset`: its records, their values, the preferred ones (chosen by the sources' `ranks`;
    a chip's choice needs only its own values) and the problems found; `sink` takes each batch as it comes. Where
    two files give one id, its values compete across files, so the preferred ones are chosen again over the whole
    dataset."""
    for batch in batches:
        batch.preferred = choose_by_rank(batch.specs, ranks)
        dataset.accelerators.extend(batch.accelerators)
        dataset.specs.extend(batch.specs)
        dataset.preferred.update(batch.preferred)
        dataset.problems.extend(batch.problems)
        dataset.file_digests.update(batch.digests)
        if sink is not None:
            sink.take(batch)
    if sink is not None:
        sink.all_taken()
    if len({record.entry.id for record in dataset.accelerators}) < len(dataset.accelerators):
        dataset.preferred = choose_by_rank(dataset.specs, ranks)

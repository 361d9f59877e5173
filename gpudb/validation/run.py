"""Validation of all of data/: parse every file, check its shape and values, run every registered check."""

from __future__ import annotations

from pathlib import Path

from gpudb.problems import Problem
from gpudb.speed.gc_pause import with_paused_gc
from gpudb.validation.accelerator_files import ChipSink, reading, take_batches

# importing a checks module registers its checks; the order of the imports is the order they run in
from gpudb.validation.checks import CHECKS, accelerators  # noqa: F401
from gpudb.validation.checks import devices as checks_devices
from gpudb.validation.checks import measurements as checks_measurements
from gpudb.validation.checks import peers as checks_peers
from gpudb.validation.checks import policy as checks_policy
from gpudb.validation.checks import prices as checks_prices  # noqa: F401
from gpudb.validation.checks import sources as checks_sources  # noqa: F401
from gpudb.validation.checks import systems as checks_systems  # noqa: F401
from gpudb.validation.loader import load_folder, read_document, yaml_file_names, yaml_stem
from gpudb.validation.preference import choose_preferred, source_ranks
from gpudb.validation.records import Dataset, Located, M
from gpudb.validation.release import release_problems
from gpudb.validation.schema import DenylistedHost, ReputablePublisher, SourceEntry
from gpudb.validation.schema_prices_peers import PriceEntry
from gpudb.validation.shape import read_list, read_systems
from gpudb.validation.values import read_system_specs


@with_paused_gc  # millions of long-lived objects and no garbage: see gpudb.speed.gc_pause
def validate(data_dir: Path, chips: ChipSink | None = None) -> Dataset:
    """Read and check all of data/; the dataset carries every problem found (an empty list means valid).
    `chips` takes each batch of chip files as it is read (gpudb.storage.build writes it meanwhile)."""
    dataset = Dataset()
    if not data_dir.is_dir():
        dataset.problems.append(Problem("bad-shape", f"data folder {data_dir} does not exist", str(data_dir)))
        return dataset
    accelerator_paths = yaml_file_names(data_dir / "accelerators")  # listed once; each made a Path where it is read
    dataset.accelerator_file_ids = {yaml_stem(path) for path in accelerator_paths}
    with reading(accelerator_paths, data_dir) as batches:  # the chip files read (forked) while the sources are
        source_documents, problems = load_folder(data_dir / "sources", data_dir)
        dataset.problems.extend(problems)
        dataset.sources = read_list(source_documents, SourceEntry, "sources", dataset)
        dataset.reputable_publishers = _read_list_file(
            data_dir, "reputable-publishers.yaml", ReputablePublisher, dataset
        )
        dataset.denylisted_hosts = _read_list_file(data_dir, "source-denylist.yaml", DenylistedHost, dataset)
        sources = {source.entry.id: source.entry for source in dataset.sources}
        take_batches(batches, dataset, source_ranks(sources), chips)  # and the preferred
    system_documents, problems = load_folder(data_dir / "systems", data_dir)  # an absent folder holds none
    dataset.problems.extend(problems)
    read_systems(system_documents, dataset)
    read_system_specs(dataset)
    checks_policy.read_policy(data_dir, dataset)
    checks_devices.read_device_names(data_dir, dataset)
    # runs of gpudb bench, one per file; measurements others published: lists, one file per topic, in published/
    measurements = data_dir / "measurements"
    checks_measurements.read_measurements(measurements, measurements / "published", data_dir, dataset)
    price_documents, problems = load_folder(data_dir / "prices", data_dir)
    dataset.problems.extend(problems)
    dataset.prices = read_list(price_documents, PriceEntry, "prices", dataset)
    if (data_dir / "dataset.yaml").exists():
        dataset.problems.extend(release_problems(data_dir)[1])
    checks_peers.read_peers(data_dir, dataset)
    for run_check in CHECKS:
        dataset.problems.extend(run_check(dataset))
    dataset.system_preferred = choose_preferred(dataset.system_specs, sources)
    dataset.problems.sort(key=lambda p: (p.file or "", p.line or 0, p.code))
    return dataset


def _read_list_file(data_dir: Path, name: str, model: type[M], dataset: Dataset) -> list[Located[M]]:
    """The entries of one list file directly in data/ (none when the file is absent); problems go to the dataset."""
    path = data_dir / name
    if not path.exists():
        return []
    document, problem = read_document(path, data_dir)
    if problem:
        dataset.problems.append(problem)
    return read_list([document], model, name.removesuffix(".yaml"), dataset) if document else []


def peer_tables(data_dir: Path) -> Dataset:
    """Only data/peers/ read and checked (for `gpudb crosscheck`, which needs no other file): peers and problems."""
    dataset = Dataset()
    checks_peers.read_peers(data_dir, dataset)
    dataset.problems.extend(checks_peers.peer_rows_are_numbers_in_known_units(dataset))
    dataset.problems.sort(key=lambda p: (p.file or "", p.line or 0, p.code))
    return dataset

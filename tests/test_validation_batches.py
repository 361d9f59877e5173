"""The batched read of accelerator files: forked or not, it gives the same dataset, and a record that no longer
holds its tree still says on which line a problem is.

Forking is forced here (FORK_ABOVE_FILES = 0, small batches) on the real catalogue and on every broken fixture;
which is faster is for benchmarks/, not for tests.
"""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

import pytest
from test_checks import EXPECTED, broken_data  # pytest puts tests/ on the path (no package)

from gpudb.metrics.catalogue import METRICS_BY_KEY
from gpudb.metrics.systems import SYSTEM_METRICS_BY_KEY
from gpudb.speed import processes
from gpudb.validation import accelerator_files
from gpudb.validation.preference import choose_preferred
from gpudb.validation.records import SpecRecord, ValueEntry
from gpudb.validation.run import validate
from gpudb.validation.schema import SpecEntry

REAL_DATA = Path(__file__).parent.parent / "data"
needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="the batches are shared among processes by fork"
)


def _forced(monkeypatch: pytest.MonkeyPatch, batch_files: int) -> list[int]:
    """Fork for any number of files, `batch_files` a batch, on two CPUs; the list gets the batches of each fork."""
    monkeypatch.setattr(accelerator_files, "FORK_ABOVE_FILES", 0)
    monkeypatch.setattr(accelerator_files, "BATCH_FILES", batch_files)
    monkeypatch.setattr(processes.os, "cpu_count", lambda: 2)
    forks: list[int] = []
    started = processes.started

    def counted(read, batches, workers):
        forks.append(len(batches))
        return started(read, batches, workers)

    monkeypatch.setattr(processes, "started", counted)
    return forks


def _summary(data: Path) -> tuple:
    dataset = validate(data)
    return (
        [(record.entry, record.file, record.path) for record in dataset.accelerators],
        dataset.specs,
        sorted(dataset.preferred),
        [str(problem) for problem in dataset.problems],
    )


@needs_fork
def test_the_real_catalogue_reads_the_same_in_forked_batches(monkeypatch):
    alone = _summary(REAL_DATA)
    forks = _forced(monkeypatch, batch_files=10)
    assert _summary(REAL_DATA) == alone
    assert forks == [11]  # 104 files in batches of 10, read in processes
    assert len(alone[1]) > 1_500  # the comparison covered the catalogue's values, not an empty read


@needs_fork
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_broken_fixture_reads_the_same_in_forked_batches(several_data, monkeypatch, case):
    # two chip files (x1 and x3), one batch each: the problem, its file and line, and all else, as read in one process
    data = broken_data(several_data, case)
    alone = _summary(data)
    forks = _forced(monkeypatch, batch_files=1)
    assert _summary(data) == alone
    assert forks == [len(list((data / "accelerators").rglob("*.yaml")))]  # a batch a file, forked
    assert alone[3]  # the case's problem is among them


def test_a_problem_found_after_the_read_has_its_line(minimal_data):
    # the duplicate alias is found by a check, when the record keeps no tree: its line is read from the file again
    dataset = validate(broken_data(minimal_data, "duplicate-alias"))
    assert [str(problem) for problem in dataset.problems] == [EXPECTED["duplicate-alias"]]
    assert all(record.entry.specs == {} for record in dataset.accelerators)
    assert any(record.content is not None for record in dataset.accelerators)  # the one with the problem, read again


def test_a_record_whose_file_no_longer_parses_has_no_line(minimal_data):
    record = validate(minimal_data).accelerators[0]
    record.path.write_text("[unclosed", encoding="utf-8")
    assert record.line("id") is None


def test_spec_values_cross_processes_as_they_are(minimal_data):
    dataset = validate(minimal_data)
    back = pickle.loads(pickle.dumps(dataset.specs))
    assert back == dataset.specs
    assert all(record.metric is METRICS_BY_KEY[record.metric.key] for record in back)  # the catalogue's own
    assert all(type(record.entry) is ValueEntry for record in back)


def test_a_value_entry_holds_every_field_of_a_spec_entry():
    assert ValueEntry._fields == tuple(SpecEntry.model_fields)
    spec = SpecEntry.model_validate({"value": 3, "unit": "W", "source": "a", "note": "n", "inference": "i"})
    assert ValueEntry.of(spec)._asdict() == spec.model_dump()


def test_a_system_value_keeps_its_own_metric_across_processes():
    metric = next(iter(SYSTEM_METRICS_BY_KEY.values()))
    entry = ValueEntry.of(SpecEntry.model_validate({"value": 8, "source": "a"}))
    record = SpecRecord("dgx", metric, entry, 8.0, None, "8", "f.yaml", 3, 4)
    assert pickle.loads(pickle.dumps(record)) == record


def test_a_batch_crosses_processes_as_its_values_columns_and_comes_back_equal(several_data):
    # a batch sends its values a list a field (records.spec_columns), not a record at a time
    paths = sorted(str(path) for path in (several_data / "accelerators").rglob("*.yaml"))
    batch = accelerator_files.read_batch(paths, several_data)
    system_metric = next(iter(SYSTEM_METRICS_BY_KEY.values()))  # a metric outside the catalogue goes whole
    entry = ValueEntry.of(SpecEntry.model_validate({"value": 8, "source": "a"}))
    batch.specs.append(SpecRecord("dgx", system_metric, entry, 8.0, None, "8", "f.yaml", 3, 4, 1))
    back = pickle.loads(pickle.dumps(batch))
    assert len(batch.specs) > 10
    assert back == batch
    assert [type(record.entry) for record in back.specs] == [ValueEntry] * len(batch.specs)
    assert [record.metric is METRICS_BY_KEY.get(record.metric.key) for record in back.specs][:-1] == [True] * (
        len(batch.specs) - 1
    )
    assert back.specs[-1].metric == system_metric


def _chosen_over_everything(dataset) -> set:
    return choose_preferred(dataset.specs, {source.entry.id: source.entry for source in dataset.sources})


def test_the_preferred_values_chosen_batch_by_batch_are_those_chosen_over_the_catalogue(monkeypatch):
    monkeypatch.setattr(accelerator_files, "BATCH_FILES", 7)
    dataset = validate(REAL_DATA)
    assert dataset.preferred == _chosen_over_everything(dataset)
    assert len(dataset.specs) - len(dataset.preferred) > 50  # many values competed with another for their metric


def test_one_id_in_two_batches_has_its_preferred_values_chosen_over_both(several_data, monkeypatch):
    # data/accelerators/other/x1.yaml repeats x1's id; here it gives two capacities where the first file gives one,
    # so batch by batch each file would keep a preferred capacity of its own, (x1, capacity, None) and (x1, capacity, 0)
    data = broken_data(several_data, "duplicate-id")
    repeated = data / "accelerators" / "other" / "x1.yaml"
    one = "  memory_capacity_gb:\n    value: 141\n    unit: GB\n    source: acme-datasheet\n"
    two = (
        "  memory_capacity_gb:\n    - value: 141 GB\n      source: acme-datasheet\n"
        "    - value: 144 GB\n      source: acme-datasheet\n"
    )
    repeated.write_text(repeated.read_text().replace(one, two))
    monkeypatch.setattr(accelerator_files, "BATCH_FILES", 1)
    dataset = validate(data)
    capacities = [key for key in dataset.preferred if key[:2] == ("x1", "memory_capacity_gb")]
    assert len([spec for spec in dataset.specs if spec.key[:2] == ("x1", "memory_capacity_gb")]) == 3
    assert dataset.preferred == _chosen_over_everything(dataset)
    assert len(capacities) == 1


def test_values_that_cite_one_source_share_its_id_string():
    dataset = validate(REAL_DATA)
    cited: dict[str, set[int]] = {}
    for spec in dataset.specs:
        if spec.entry.source is not None:
            cited.setdefault(spec.entry.source, set()).add(id(spec.entry.source))
    assert len(cited) > 100 and sum(len(objects) for objects in cited.values()) == len(cited)
    assert set(cited) <= {source.entry.id for source in dataset.sources}

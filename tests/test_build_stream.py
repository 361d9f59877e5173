"""The streamed SQLite build (each batch of chip files written as it is read) gives the file the whole write gives,
row for row and in the same stored order; whatever stops the stream leaves the whole write to do it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_validation_batches import _forced, needs_fork

from gpudb.errors import DataValidationError
from gpudb.speed import bulk_write
from gpudb.storage import build as db
from gpudb.storage import build_whole
from gpudb.storage.build_stream import Stream
from gpudb.validation import accelerator_files
from gpudb.validation.run import validate

REAL_DATA = Path(__file__).parent.parent / "data"


def stored(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows in the order the file stores them (rowid), and the schema."""
    with sqlite3.connect(path) as connection:
        names = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        found = {name: connection.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall() for name in names}
        found["schema"] = sorted(connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
    return found


def whole_write(url: str, data: Path) -> None:
    """The build written after validation, in one go (a dataset given: nothing streams)."""
    dataset = validate(data)
    db.build(url, data, dataset=dataset)


def streamed_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build fails if it writes the file whole instead of streaming it."""

    def refused(path, table_rows):
        raise AssertionError("the file was written whole, not streamed")

    monkeypatch.setattr(build_whole, "sqlite_file", refused)


@needs_fork
def test_a_streamed_build_stores_what_the_whole_write_stores(tmp_path, synthetic_data, monkeypatch):
    whole, streamed = tmp_path / "whole.sqlite", tmp_path / "streamed.sqlite"
    whole_write(f"sqlite:///{whole}", synthetic_data)
    forks = _forced(monkeypatch, batch_files=7)  # 40 chips in 6 batches, read in two processes
    with monkeypatch.context() as patch:
        streamed_only(patch)
        result = db.build(f"sqlite:///{streamed}", synthetic_data)
    assert forks == [6]
    assert (result.accelerators, result.values) == (40, 1_120)
    assert stored(streamed) == stored(whole)
    assert not list(tmp_path.glob(".*building*"))


def test_the_real_catalogue_streams_to_what_the_whole_write_stores(tmp_path, monkeypatch):
    whole, streamed = tmp_path / "whole.sqlite", tmp_path / "streamed.sqlite"
    whole_write(f"sqlite:///{whole}", REAL_DATA)
    monkeypatch.setattr(accelerator_files, "BATCH_FILES", 9)  # 104 chips in 12 batches, one process
    with monkeypatch.context() as patch:
        streamed_only(patch)
        db.build(f"sqlite:///{streamed}", REAL_DATA)
    tables = stored(streamed)
    assert tables == stored(whole)
    assert [row[0] for row in tables["spec_value"]] == list(range(1, len(tables["spec_value"]) + 1))


def test_values_are_numbered_chip_by_chip_in_the_order_of_their_files(tmp_path, synthetic_data):
    path = tmp_path / "gpudb.sqlite"
    db.build(f"sqlite:///{path}", synthetic_data)
    with sqlite3.connect(path) as connection:
        files = [file for (file,) in connection.execute("SELECT file FROM accelerator ORDER BY rowid")]
        values = connection.execute(
            "SELECT id, accelerator_id, metric_key, file FROM spec_value ORDER BY id"
        ).fetchall()
    assert files == sorted(files)  # data/accelerators/<vendor>/<id>.yaml, as the files are listed
    value_files = [file for _, _, _, file in values]
    assert sorted(set(value_files)) == files and value_files == sorted(value_files)  # a chip's values together
    for file in files[:3]:
        keys = [key for _, _, key, value_file in values if value_file == file]
        assert keys == sorted(keys)  # by metric within a chip


def test_a_failure_while_streaming_leaves_the_build_to_the_whole_write(tmp_path, synthetic_data, monkeypatch):
    whole, streamed = tmp_path / "whole.sqlite", tmp_path / "streamed.sqlite"
    whole_write(f"sqlite:///{whole}", synthetic_data)
    monkeypatch.setattr(accelerator_files, "BATCH_FILES", 10)
    original_insert = bulk_write.insert_rows
    calls = []

    def second_batch_fails(connection, table, rows):
        calls.append(table.name)
        if table.name == "spec_value" and calls.count("spec_value") == 2:
            raise sqlite3.OperationalError("disk I/O error")  # the second batch's values
        original_insert(connection, table, rows)

    monkeypatch.setattr(bulk_write, "insert_rows", second_batch_fails)
    written_whole = []
    original_whole = build_whole.sqlite_file
    monkeypatch.setattr(build_whole, "sqlite_file", lambda *args: (written_whole.append(1), original_whole(*args)))
    db.build(f"sqlite:///{streamed}", synthetic_data)
    assert written_whole == [1]
    assert calls.count("spec_value") == 3  # two streamed (the second failed), then the whole write's one
    assert stored(streamed) == stored(whole)
    assert not list(tmp_path.glob(".*building*"))


def test_a_streamed_build_of_invalid_data_keeps_the_old_file_and_leaves_nothing(tmp_path, minimal_data):
    path = tmp_path / "db" / "gpudb.sqlite"
    path.parent.mkdir()
    db.build(f"sqlite:///{path}", minimal_data)
    before = stored(path)
    x1 = minimal_data / "accelerators" / "acme" / "x1.yaml"
    x1.write_text(x1.read_text().replace("value: 4800 GB/s", "value: 4800 parsecs"))
    with pytest.raises(DataValidationError):
        db.build(f"sqlite:///{path}", minimal_data)
    assert stored(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["gpudb.sqlite"]


def test_a_build_into_a_folder_that_does_not_exist_yet_makes_it_only_when_it_succeeds(tmp_path, minimal_data):
    target = tmp_path / "new" / "gpudb.sqlite"
    x1 = minimal_data / "accelerators" / "acme" / "x1.yaml"
    good = x1.read_text()
    x1.write_text(good.replace("value: 4800 GB/s", "value: 4800 parsecs"))
    with pytest.raises(DataValidationError):
        db.build(f"sqlite:///{target}", minimal_data)
    assert not target.parent.exists()
    x1.write_text(good)
    assert db.build(f"sqlite:///{target}", minimal_data).accelerators > 0
    assert sorted(p.name for p in target.parent.iterdir()) == ["gpudb.sqlite"]


def test_the_data_digest_is_of_the_bytes_validated_and_reads_no_chip_file_again(tmp_path, minimal_data, monkeypatch):
    from gpudb.storage.build_rows import data_digest

    dataset = validate(minimal_data)
    chips = sorted(str(path) for path in (minimal_data / "accelerators").rglob("*.yaml"))
    assert sorted(dataset.file_digests) == chips
    assert data_digest(minimal_data, dataset.file_digests) == data_digest(minimal_data)
    first = chips[0]
    assert data_digest(minimal_data, {**dataset.file_digests, first: b"\0" * 32}) != data_digest(minimal_data)
    read_again = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: (read_again.append(str(self)), original(self))[1])
    db.build(f"sqlite:///{tmp_path / 'gpudb.sqlite'}", minimal_data)
    assert [path for path in read_again if path in chips] == chips  # each chip file read once, when validated


def test_a_chip_value_row_is_the_value_row_of_its_spec_with_the_chip_columns():
    # value_tuple reads the entry's fields directly for speed: every real value (statuses, unstated sparsity,
    # sparse figures, board counts, preferred or not) must give the row SpecRecord's own properties describe
    from gpudb.storage.value_rows import ChipValueRows

    dataset = validate(REAL_DATA)
    rows = ChipValueRows(dataset.specs, dataset.preferred, first_id=5)
    expected = []
    for number, spec in enumerate(dataset.specs, start=5):
        unstated = spec.convention_unstated
        expected.append(
            (
                number,
                spec.accelerator_id,
                spec.metric.key,
                None if unstated else spec.value_number,
                spec.value_text,
                "convention-unstated" if unstated else spec.status,
                spec.key in dataset.preferred,
                spec.metric.unit_label,
                spec.as_published,
                spec.sparse_in_source,
                spec.value_number if unstated else None,
                spec.entry.source,
                spec.entry.note,
                spec.file,
                spec.line,
                spec.entry.board_gpus,
                spec.entry.inference,
            )
        )
    assert list(rows.tuples()) == expected
    statuses = {row[5] for row in expected}
    assert {"value", "convention-unstated", "not-supported", "unknown"} <= statuses
    assert {row[6] for row in expected} == {True, False} and {row[9] for row in expected} == {True, False}


def _takes_nothing(url: str, data: Path) -> None:
    stream = Stream(url)
    dataset = validate(data, chips=stream)
    assert len(dataset.accelerators) == 1 and not dataset.problems
    assert stream.stopped and stream.connection is None and not stream.holds(dataset)


@pytest.mark.postgres
def test_a_postgres_build_is_written_whole_after_validation(postgres_server_url, minimal_data):
    # streamed it was slower, the server competing with the reading for the CPUs (build_stream's docstring)
    _takes_nothing(postgres_server_url, minimal_data)


def test_a_file_in_a_new_folder_is_written_whole_after_validation(tmp_path, minimal_data):
    # the whole write makes the folder, so that a build that fails makes none
    _takes_nothing(f"sqlite:///{tmp_path / 'new' / 'gpudb.sqlite'}", minimal_data)
    assert not (tmp_path / "new").exists()

"""The build's fast paths give exactly what the plain ones give.

YAML built straight from libyaml's nodes against gpudb.validation.yaml_lines' reference _LineLoader (values, types and
every line), rows written as tuples or with COPY against SQLAlchemy's ordinary insert, and the paused cycle collector.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest
import yaml
from sqlalchemy import inspect, select
from sqlmodel import SQLModel

from gpudb.errors import DatabaseError
from gpudb.speed import bulk_write
from gpudb.speed.gc_pause import paused_gc
from gpudb.storage import build as db
from gpudb.storage.build_write import TABLES
from gpudb.storage.engines import create
from gpudb.validation import values, yaml_block, yaml_lines
from gpudb.validation.loader import lines_of
from gpudb.validation.run import validate

ROOT = Path(__file__).parent.parent
YAML_FILES = sorted(p for folder in (ROOT / "data", ROOT / "tests" / "fixtures") for p in folder.rglob("*.y*ml"))


def reference(text: str) -> object:
    return yaml.load(text, Loader=yaml_lines._LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader


def outcome(read, text: str) -> object:
    """What reading `text` gives: the content, or the error's type and message."""
    try:
        return read(text)
    except Exception as error:  # noqa: BLE001 - any error must be the same error
        return type(error), str(error)


def same_tree(fast: object, slow: object) -> bool:
    """Equal values of equal types, with equal lines for every mapping, key, sequence and item."""
    if type(fast) is not type(slow):
        return False
    if isinstance(slow, yaml_lines.LineDict):
        return (fast.line, fast.key_lines, list(fast)) == (slow.line, slow.key_lines, list(slow)) and all(
            same_tree(fast[key], slow[key]) for key in slow
        )
    if isinstance(slow, yaml_lines.LineList):
        return (fast.line, fast.item_lines, len(fast)) == (slow.line, slow.item_lines, len(slow)) and all(
            same_tree(a, b) for a, b in zip(fast, slow, strict=True)
        )
    return fast == slow or (fast != fast and slow != slow)  # NaN (.nan) is not equal to itself


# both fast paths: libyaml's nodes built directly, and the line reader first (tests/test_yaml_block.py has its own)
READERS = {"libyaml nodes": yaml_lines._parse, "line reader first": yaml_block.parse}


@pytest.mark.parametrize("read", READERS.values(), ids=READERS.keys())
@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_data_and_fixture_file_reads_as_the_line_loader_reads_it(path, read):
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: read_document reports it before any YAML is parsed")
    assert same_tree(outcome(read, text), outcome(reference, text))


UNUSUAL = {
    "anchor and alias": "a: &x {value: 1 W}\nb: *x\n",
    "merge key": "base: &b {unit: W}\nvalue:\n  <<: *b\n  value: 3\n",
    "recursive alias": "a: &x [1, *x]\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "duplicate key deep": "specs:\n  tdp_w:\n    value: 1 W\n    value: 2 W\n",
    "unknown tag": "a: !vendor x\n",
    "set": "a: !!set {x, y}\n",
    "binary": "a: !!binary aGVsbG8=\n",
    "explicit str tag": "a: !!str 12\n",
    "non-string keys": "1: one\n2.5: two\ntrue: three\nnull: four\n2024-01-01: five\n",
    "sequence as key": "? [a, b]\n: c\n",
    "equals key": "=: x\n",
    "YAML 1.1 scalars": "a: yes\nb: off\nc: 0x1f\nd: 1_000\ne: .inf\nf: ~\ng: 1e3\nh: 12:30\n",
    "quoted and non-specific": "a: ! 12\nb: '12'\nc: \"yes\"\nd:\ne: !!null ''\nf: '~'\ng: ~\nh: -1\ni: +.5\n",
    "dates": "a: 2024-03-18\nb: 2024-03-18T10:00:00Z\nc: '2024-03-18'\n",
    "invalid date": "a: 2024-13-45\n",
    "empty document": "",
    "comment only": "# nothing\n",
    "scalar document": "just text\n",
    "list document": "- a\n- {b: 1}\n- [c, d]\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "syntax error": "a: [1, 2\nb: 3\n",
    "tab indentation": "a:\n\tb: 1\n",
    "deep nesting": "a:\n" + "".join("  " * depth + f"k{depth}:\n" for depth in range(1, 30)) + "  " * 30 + "v\n",
}


@pytest.mark.parametrize("read", READERS.values(), ids=READERS.keys())
@pytest.mark.parametrize("text", UNUSUAL.values(), ids=UNUSUAL.keys())
def test_unusual_documents_read_as_before(text, read):
    assert same_tree(outcome(read, text), outcome(reference, text))


def test_a_problem_found_on_the_fast_path_names_its_exact_line(minimal_data):
    x1 = minimal_data / "accelerators" / "acme" / "x1.yaml"
    text = x1.read_text().replace("value: 4800 GB/s", "value: 4800 parsecs")
    x1.write_text(text)
    line = text.splitlines().index("    value: 4800 parsecs") + 1
    problems = [problem for problem in validate(minimal_data).problems if problem.code == "bad-unit"]
    assert [(problem.file, problem.line, problem.field) for problem in problems] == [
        ("data/accelerators/acme/x1.yaml", line, "memory_bandwidth_tbs")
    ]


def test_a_duplicate_key_is_reported_by_the_reference_loader_with_its_line(minimal_data):
    x1 = minimal_data / "accelerators" / "acme" / "x1.yaml"
    x1.write_text(x1.read_text() + "data_center: false\n")
    problems = validate(minimal_data).problems
    assert [(problem.code, problem.line, problem.message) for problem in problems] == [
        ("duplicate-key", len(x1.read_text().splitlines()), "duplicate key 'data_center'")
    ]


# ---------------------------------------------------------------------------------------------- writing


def contents(url: str) -> dict[str, object]:
    """Every table's rows in key order, and every table's indexes."""
    engine = create(url)
    try:
        with engine.connect() as connection:
            tables = {
                table.name: connection.execute(select(table).order_by(*table.primary_key.columns)).all()
                for table in TABLES
            }
            inspector = inspect(connection)
            indexes = {
                table.name: sorted(
                    (index["name"], tuple(index["column_names"]), index["unique"])
                    for index in inspector.get_indexes(table.name)
                )
                for table in TABLES
            }
    finally:
        engine.dispose()
    return {"tables": tables, "indexes": indexes}


def sqlalchemy_insert(connection, table, rows):
    """The write path before bulk_write: SQLAlchemy's executemany of dicts (rows may be made as they are read)."""
    if len(rows):
        connection.execute(table.insert(), list(rows))


def create_all(connection, tables):
    """The schema as SQLModel creates it: tables with their indexes."""
    SQLModel.metadata.create_all(connection, tables=tables)


def ordinary_build(url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build through SQLAlchemy's create_all and insert, the reference for the fast write path."""
    with monkeypatch.context() as patch:
        patch.setattr(bulk_write, "insert_rows", sqlalchemy_insert)
        patch.setattr(  # tables whole, their keys and indexes with them
            bulk_write,
            "create_tables",
            lambda connection, tables, foreign_keys=True: SQLModel.metadata.create_all(connection, tables=tables),
        )
        patch.setattr(bulk_write, "create_indexes", lambda connection, tables: None)
        patch.setattr(bulk_write, "add_foreign_keys", lambda connection, tables: None)
        db.build(url, data_dir)  # fmt: skip


def test_the_fast_write_stores_what_sqlalchemys_insert_stores(database_url, synthetic_data, monkeypatch):
    db.build(database_url, synthetic_data)
    fast = contents(database_url)
    assert len(fast["tables"]["spec_value"]) == 1120 >= bulk_write.COPY_MIN_ROWS
    ordinary_build(database_url, synthetic_data, monkeypatch)
    assert contents(database_url) == fast
    # a rebuild into the current schema (DELETE, then rows into the indexed tables) gives the same again
    db.build(database_url, synthetic_data)
    assert contents(database_url) == fast


def test_rows_written_in_chunks_are_the_rows_written_at_once(database_url, synthetic_data, monkeypatch):
    # 1,120 values in chunks of 7 (the last one short), through executemany or COPY: the same database
    db.build(database_url, synthetic_data)
    whole = contents(database_url)
    monkeypatch.setattr(bulk_write, "CHUNK_ROWS", 7)
    db.build(database_url, synthetic_data, force=True)
    assert contents(database_url) == whole


def test_every_column_type_survives_the_fast_write(database_url, tmp_path, monkeypatch):
    # the real data has dates, JSON lists and objects, booleans and nulls in every table; COPY for every table
    real = ROOT / "data"
    monkeypatch.setattr(bulk_write, "COPY_MIN_ROWS", 1)
    db.build(database_url, real)
    fast = contents(database_url)
    assert all(fast["tables"][name] for name in ("source", "accelerator", "spec_value", "rule", "claim"))
    ordinary_build(database_url, real, monkeypatch)
    assert contents(database_url) == fast


def test_a_driver_error_while_writing_is_an_error_and_keeps_the_old_database(database_url, minimal_data, monkeypatch):
    db.build(database_url, minimal_data)
    before = contents(database_url)
    original_insert = bulk_write.insert_rows

    def sources_with_a_repeated_id(connection, table, rows):
        if table.name == "source":
            rows = [*rows, dict(next(iter(rows)))]  # the same primary key twice
        original_insert(connection, table, rows)

    monkeypatch.setattr(bulk_write, "insert_rows", sources_with_a_repeated_id)
    with pytest.raises(DatabaseError, match=r"(?i)unique|duplicate key"):
        db.build(database_url, minimal_data)
    assert contents(database_url) == before


# ---------------------------------------------------------------------------------------------- the collector


def test_paused_gc_turns_the_collector_back_on_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), paused_gc():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_paused_gc_leaves_a_collector_that_was_off_off():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


class _Cyclic:
    """An object in a reference cycle, which only the collector frees."""


def test_paused_gc_ages_what_it_made_into_the_oldest_generation_where_cycles_are_still_freed():
    with paused_gc():
        made = [[] for _ in range(1000)]
        cyclic = _Cyclic()
        cyclic.itself = cyclic  # type: ignore[attr-defined]
        freed = weakref.ref(cyclic)
        del cyclic
    oldest = {id(thing) for thing in gc.get_objects(generation=2)}
    # turning the collector back on walks none of them: they are in the oldest generation, not the youngest
    assert all(id(thing) in oldest for thing in made)
    assert freed() is not None
    gc.collect()
    assert freed() is None


def test_paused_gc_leaves_objects_the_program_froze_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused_gc():
            pass
        assert gc.get_freeze_count() == frozen > 0
    finally:
        gc.unfreeze()


# ---------------------------------------------------------------------------------------------- entry lines

ODD_SPECS = """id: x
specs:
  tdp_w: {value: 700 W, source: a}
  listed:
    - {value: 1 W, source: a}
    - value: 2 W
  nosource: {value: 3 W}
  scalar: 4 W
  short: [5 W]
"""


SPEC_FILES = [p for p in YAML_FILES if {"accelerators", "systems"} & set(p.parts)]


@pytest.mark.parametrize("text", [ODD_SPECS, "id: x\n", "id: x\nspecs: 7\n", "- 1\n", *SPEC_FILES])
def test_entry_lines_are_lines_of_every_entry_and_beyond(text):
    # values.entry_lines steps from the 'specs' node that specs_lines found; lines_of walks from the top each time
    try:
        content = yaml_lines._parse(text.read_text() if isinstance(text, Path) else text)
    except (UnicodeDecodeError, yaml.YAMLError):
        pytest.skip("not a document")
    node, line = values.specs_lines(content)
    keys = list(node) if isinstance(node, dict) else []
    for key in [*keys, "absent"]:
        for position in (None, 0, 1, 2, -1):
            where = ("specs", key) if position is None else ("specs", key, position)
            assert values.entry_lines(node, line, key, position) == lines_of(content, where, "source")


def test_the_fast_builder_keeps_one_object_per_key_text_across_files():
    # 1.1 million keys at 10,000 chips are a few dozen texts: held once, not once per mapping
    first, second = yaml_lines._parse("value: 1 W\nsource: a\n"), yaml_lines._parse("- {value: 2 W, source: b}\n")
    assert [id(key) for key in first] == [id(key) for key in second[0]]


@pytest.mark.parametrize("dialect_name", ["sqlite", "postgresql"])
def test_a_boolean_is_bound_as_sqlalchemys_boolean_binds_it(dialect_name):
    from sqlalchemy import Boolean, Column, MetaData, Table
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = sqlite.dialect() if dialect_name == "sqlite" else postgresql.psycopg.dialect()
    table = Table("t", MetaData(), Column("flag", Boolean))

    class Bound:  # the one attribute of a connection that _processors reads
        pass

    connection = Bound()
    connection.dialect = dialect
    (fast,) = bulk_write._processors(connection, table, ["flag"])
    ordinary = Boolean().dialect_impl(dialect).bind_processor(dialect)
    for value in (None, True, False, 0, 1):
        assert (fast(value), type(fast(value))) == (ordinary(value), type(ordinary(value)))
    with pytest.raises(KeyError):
        fast("yes")  # no boolean: refused, as SQLAlchemy refuses it
    with pytest.raises(TypeError):
        ordinary("yes")


def _rglob_yaml_files(folder: Path) -> list[str]:
    """What gpudb listed the data files with before yaml_file_names: rglob, the suffix, is_file, Path order."""
    paths = sorted(p for p in folder.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
    return [str(path) for path in paths] if folder.is_dir() else []


def test_the_data_files_are_listed_as_rglob_lists_them(tmp_path, monkeypatch):
    # yaml_file_names walks with os.scandir and sorts text: the same files, in the same order, as rglob and Paths
    import os

    from gpudb.validation.loader import yaml_file_names, yaml_files, yaml_stem

    data = tmp_path / "data"
    for name in (
        "a/b.yaml",
        "a-b.yaml",
        "a.b/c.yml",
        "a/.hidden.yaml",
        ".hide/x.yaml",
        "a/z.txt",
        "a/.yaml",
        "a/trailing.yaml.",
        "B.yaml",
        "a/b/c/d/e.yaml",
        "é/ü.yaml",
        "outside/real.yaml",
    ):
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text("id: x\n")
    (data / "folder.yaml").mkdir()  # a folder with the suffix is no file
    (data / "link.yaml").symlink_to(data / "a-b.yaml")  # a link to a file is listed
    (data / "broken.yaml").symlink_to(data / "nowhere.yaml")
    (data / "linked-folder").symlink_to(data / "outside")  # a linked folder is not entered
    (data / "folder-link.yaml").symlink_to(data / "outside")
    os.mkfifo(data / "pipe.yaml")
    expected = _rglob_yaml_files(data)
    assert len(expected) == 10  # the link to a file and the hidden ones among them
    assert yaml_file_names(data) == expected
    assert list(yaml_files(data)) == [Path(name) for name in expected]
    assert [yaml_stem(name) for name in expected] == [Path(name).stem for name in expected]
    assert yaml_file_names(data / "outside") == [str(data / "outside" / "real.yaml")]
    assert yaml_file_names(data / "nowhere") == yaml_file_names(data / "B.yaml") == []  # absent, or a file
    monkeypatch.chdir(data)
    assert (
        yaml_file_names(Path("."))
        == _rglob_yaml_files(Path("."))
        == [str(Path(name).relative_to(data)) for name in expected]
    )
    assert yaml_file_names(Path("a")) == _rglob_yaml_files(Path("a"))

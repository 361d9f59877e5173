"""The build: round trip on SQLite and PostgreSQL, same data in → same database out, and atomicity."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from gpudb.errors import DatabaseError, DataValidationError
from gpudb.speed import bulk_write
from gpudb.storage import build as db
from gpudb.storage import query
from gpudb.storage.build_write import TABLES
from gpudb.storage.engines import create
from gpudb.storage.models import SpecValue

BROKEN = Path(__file__).parent / "fixtures" / "broken"
FIXTURES_MINIMAL = Path(__file__).parent / "fixtures" / "minimal" / "data"


def table_contents(url: str) -> dict[str, list[tuple]]:
    """Every row of every gpudb table, in primary-key order: the database as a value."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            contents = {}
            for table in TABLES:
                order = list(table.primary_key.columns)
                contents[table.name] = [tuple(row) for row in connection.execute(select(table).order_by(*order))]
            return contents
    finally:
        engine.dispose()


def test_build_round_trip(database_url, minimal_data):
    result = db.build(database_url, minimal_data)
    assert (result.accelerators, result.values, result.sources) == (1, 8, 3)
    x1 = query.get("x1", database_url)
    assert x1.name == "X1 SXM"
    assert x1.aliases == ["Acme X1", "X1"]
    # hand-checked against tests/fixtures/minimal/data/accelerators/acme/x1.yaml
    assert x1.value("bf16_dense_tflops") == 989.5  # 1979 sparse / 2
    assert x1.value("fp8_dense_tflops") == 1979.0  # "1,979 TFLOPS" dense
    assert x1.value("fp64_tflops") == 33.5  # 268 for a board of 8 / 8
    assert x1.value("memory_bandwidth_tbs") == 4.8  # 4800 GB/s
    assert x1.value("memory_capacity_gb") == 141.0
    assert x1.value("pcie_generation") == 5.0
    assert x1.value("launch_date") == "2024-03-18"
    assert x1.value("memory_type") == "HBM3e"
    assert x1.value("tdp_w") is None  # unknown stays empty
    bf16 = next(v for v in x1.values if v.metric == "bf16_dense_tflops")
    assert (bf16.as_published, bf16.sparse_in_source, bf16.unit) == ("1979 TFLOPS", True, "TFLOPS")
    assert (bf16.source.title, bf16.source.url) == ("Acme X1 Datasheet", "https://example.com/x1.pdf")


def test_same_data_gives_the_same_database(database_url, minimal_data, tmp_path):
    db.build(database_url, minimal_data)
    first = table_contents(database_url)
    other_sqlite = f"sqlite:///{tmp_path / 'second.sqlite'}"
    db.build(other_sqlite, minimal_data)
    db.build(database_url, minimal_data)
    assert table_contents(database_url) == first
    # and the two backends agree row for row
    assert table_contents(other_sqlite) == first


def test_a_failing_build_leaves_the_previous_database_untouched(database_url, minimal_data):
    db.build(database_url, minimal_data)
    before = table_contents(database_url)
    shutil.copytree(BROKEN / "unknown-source", minimal_data, dirs_exist_ok=True)
    with pytest.raises(DataValidationError) as caught:
        db.build(database_url, minimal_data)
    assert str(caught.value) == "data/ has 1 problem; nothing was written"
    assert table_contents(database_url) == before
    assert query.get("X1", database_url).value("memory_bandwidth_tbs") == 4.8


def test_a_build_that_fails_while_writing_keeps_the_old_database(database_url, minimal_data, monkeypatch):
    db.build(database_url, minimal_data)
    before = table_contents(database_url)
    original_insert = bulk_write.insert_rows

    def write_then_fail(connection, table, rows):
        original_insert(connection, table, rows)  # every table is made or emptied and filled …
        if table.name == "build_info":
            raise RuntimeError("disk full")  # … and then the build dies before it commits

    monkeypatch.setattr(bulk_write, "insert_rows", write_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        db.build(database_url, minimal_data)
    assert table_contents(database_url) == before


def test_a_reader_keeps_its_view_while_sqlite_is_rebuilt(tmp_path, minimal_data):
    path = tmp_path / "gpudb.sqlite"
    url = f"sqlite:///{path}"
    db.build(url, minimal_data)
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    old_count = reader.execute("SELECT count(*) FROM spec_value").fetchone()[0]
    # remove one value and rebuild while the reader is in its transaction
    x1 = minimal_data / "accelerators" / "acme" / "x1.yaml"
    x1.write_text(x1.read_text().replace("  memory_type:\n    value: HBM3e\n    source: acme-datasheet\n", ""))
    db.build(url, minimal_data)
    assert reader.execute("SELECT count(*) FROM spec_value").fetchone()[0] == old_count == 8
    reader.close()
    assert query.get("x1", url).value("memory_type") is None
    assert not list(tmp_path.glob(".gpudb.sqlite.building-*"))  # no temporary file left behind


def test_build_creates_the_folder_of_a_new_sqlite_file(tmp_path, minimal_data):
    path = tmp_path / "deep" / "er" / "gpudb.sqlite"
    db.build(f"sqlite:///{path}", minimal_data)
    assert path.exists()


def test_reading_a_missing_database_says_how_to_build_it(tmp_path):
    with pytest.raises(DatabaseError) as caught:
        query.get("x1", f"sqlite:///{tmp_path / 'none.sqlite'}")
    assert str(caught.value) == f"no database at {tmp_path / 'none.sqlite'}; run 'gpudb build' first"
    assert not (tmp_path / "none.sqlite").exists()  # reading never creates an empty file


def test_reading_a_database_that_is_not_gpudbs(tmp_path):
    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(DatabaseError) as caught:
        query.get("x1", f"sqlite:///{path}")
    assert str(caught.value) == (f"sqlite:///{path} is not a gpudb database; run 'gpudb build --db sqlite:///{path}'")


def test_an_invalid_url_is_an_error_not_a_traceback():
    with pytest.raises(DatabaseError) as caught:
        create("not a url")
    assert str(caught.value).startswith("invalid database URL 'not a url'")


def test_an_unknown_driver_is_named():
    with pytest.raises(DatabaseError) as caught:
        create("oracle+nosuchdriver://host/db")
    assert str(caught.value).startswith("no driver for 'oracle+nosuchdriver'")


@pytest.mark.postgres
def test_postgres_build_is_one_transaction(postgres_server_url, minimal_data):
    # a reader in a REPEATABLE READ transaction keeps seeing the old catalogue through a rebuild
    db.build(postgres_server_url, minimal_data)
    engine = create_engine(postgres_server_url, isolation_level="REPEATABLE READ")
    with engine.connect() as reader:
        before = reader.execute(text("SELECT count(*) FROM spec_value")).scalar_one()
        x1 = minimal_data / "accelerators" / "acme" / "x1.yaml"
        x1.write_text(x1.read_text().replace("  memory_type:\n    value: HBM3e\n    source: acme-datasheet\n", ""))
        db.build(postgres_server_url, minimal_data)
        assert reader.execute(text("SELECT count(*) FROM spec_value")).scalar_one() == before == 8
    with engine.connect() as fresh:
        assert fresh.execute(select(SpecValue.id)).all().__len__() == 7
    engine.dispose()


@pytest.mark.postgres
def test_a_fresh_postgres_build_has_every_foreign_key_of_the_schema(postgres_server_url, minimal_data):
    from sqlalchemy.exc import IntegrityError
    from sqlmodel import SQLModel

    engine = create_engine(postgres_server_url)
    with engine.begin() as connection:
        SQLModel.metadata.drop_all(connection, tables=TABLES)  # no tables: the build makes them
    db.build(postgres_server_url, minimal_data)
    expected = {
        (table.name, tuple(c.name for c in key.columns), key.referred_table.name)
        for table in TABLES
        for key in table.foreign_key_constraints
    }
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text, "
                "(SELECT array_agg(a.attname ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n) "
                "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) "
                "FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace"
            )
        ).all()
    assert {(table, tuple(columns), referred) for _, table, referred, columns in found} == expected
    assert len(found) == len(expected) == 18
    # named as CREATE TABLE names them, so a later build or migration finds the same constraints
    assert {name for name, *_ in found} >= {"spec_value_accelerator_id_fkey", "spec_value_source_id_fkey"}
    with pytest.raises(IntegrityError), engine.begin() as connection:  # and they hold
        connection.execute(text("UPDATE spec_value SET accelerator_id = 'no-such-chip' WHERE id = 1"))
    engine.dispose()


def test_foreign_keys_come_after_the_rows_only_in_new_postgres_tables(database_url, minimal_data, monkeypatch):
    from sqlmodel import SQLModel

    from gpudb.speed import bulk_write

    engine = create_engine(database_url)
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            SQLModel.metadata.drop_all(connection, tables=TABLES)
    engine.dispose()
    added: list[int] = []
    add = bulk_write.add_foreign_keys
    monkeypatch.setattr(
        bulk_write, "add_foreign_keys", lambda connection, tables: added.append(1) or add(connection, tables)
    )
    db.build(database_url, minimal_data)  # new tables
    db.build(database_url, minimal_data)  # the same tables, emptied and filled: readers may be reading them
    assert added == ([] if database_url.startswith("sqlite") else [1])


@pytest.fixture
def plain_role_url(postgres_server_url: str) -> Iterator[str]:
    """The session's PostgreSQL database as a role that may read and write gpudb's tables (once built) but is no
    superuser, so it may not set session_replication_role."""
    import uuid

    from sqlalchemy.engine import make_url

    role = f"gpudb_plain_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER'))
    try:
        yield make_url(postgres_server_url).set(username=role).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))  # its grants on this database's tables
            connection.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


def _grant_tables(postgres_server_url: str, url: str) -> None:
    from sqlalchemy.engine import make_url

    role = make_url(url).username
    engine = create_engine(postgres_server_url)
    with engine.begin() as connection:
        connection.execute(text(f'GRANT SELECT, INSERT, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"'))
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("as_role", ["superuser", "plain"])
def test_a_postgres_rebuild_refuses_a_row_whose_key_refers_to_nothing(
    as_role, postgres_server_url, plain_role_url, minimal_data, monkeypatch
):
    # a superuser's rebuild turns the keys' row triggers off and checks each key over the rows itself; a plain
    # role's keeps the triggers. Either way a value whose metric is missing stops the build with the server's words.
    from gpudb.storage import build_rows

    db.build(postgres_server_url, minimal_data)
    _grant_tables(postgres_server_url, plain_role_url)
    url = postgres_server_url if as_role == "superuser" else plain_role_url
    before = table_contents(postgres_server_url)
    checked: list[int] = []
    check = bulk_write.check_foreign_keys
    monkeypatch.setattr(
        bulk_write, "check_foreign_keys", lambda connection, tables: checked.append(1) or check(connection, tables)
    )
    all_rows = build_rows.other_rows

    def without_memory_type(dataset, data_dir):
        table_rows = all_rows(dataset, data_dir)
        table_rows["metric"] = [row for row in table_rows["metric"] if row["key"] != "memory_type"]
        return table_rows

    monkeypatch.setattr(build_rows, "other_rows", without_memory_type)
    with pytest.raises(DatabaseError) as caught:
        db.build(url, minimal_data)
    assert str(caught.value) == (
        f"cannot build into {url}: "
        'insert or update on table "spec_value" violates foreign key constraint "spec_value_metric_key_fkey"\n'
        'DETAIL:  Key (metric_key)=(memory_type) is not present in table "metric".'
    )
    assert checked == ([1] if as_role == "superuser" else [])
    assert table_contents(postgres_server_url) == before


@pytest.mark.postgres
def test_a_plain_roles_postgres_rebuild_gives_the_superusers_tables(postgres_server_url, plain_role_url, minimal_data):
    db.build(postgres_server_url, minimal_data)
    _grant_tables(postgres_server_url, plain_role_url)
    x1 = minimal_data / "accelerators" / "acme" / "x1.yaml"
    x1.write_text(x1.read_text().replace("  memory_type:\n    value: HBM3e\n    source: acme-datasheet\n", ""))
    db.build(postgres_server_url, minimal_data)
    by_superuser = table_contents(postgres_server_url)
    shutil.copytree(FIXTURES_MINIMAL, minimal_data, dirs_exist_ok=True)  # back to the eight values, and again
    db.build(postgres_server_url, minimal_data)
    x1.write_text(x1.read_text().replace("  memory_type:\n    value: HBM3e\n    source: acme-datasheet\n", ""))
    db.build(plain_role_url, minimal_data)
    assert table_contents(postgres_server_url) == by_superuser
    assert len(by_superuser["spec_value"]) == 7


@pytest.mark.postgres
def test_the_key_triggers_are_off_only_inside_the_rebuilds_transaction(postgres_server_url, plain_role_url):
    engine = create_engine(postgres_server_url)
    with engine.connect() as connection:
        with connection.begin():
            assert bulk_write.without_key_triggers(connection) is True
            assert connection.execute(text("SHOW session_replication_role")).scalar() == "replica"
        assert connection.execute(text("SHOW session_replication_role")).scalar() == "origin"
    engine.dispose()
    plain = create_engine(plain_role_url)
    with plain.begin() as connection:
        assert bulk_write.without_key_triggers(connection) is False
        assert connection.execute(text("SHOW session_replication_role")).scalar() == "origin"
    plain.dispose()


def test_a_readers_sqlite_connections_are_kept_until_a_build_replaces_the_file(tmp_path, minimal_data):
    from gpudb.storage.engines import open_for_reading

    url = f"sqlite:///{tmp_path / 'gpudb.sqlite'}"
    db.build(url, minimal_data)
    engine = open_for_reading(url)
    count = text("SELECT count(*) FROM spec_value")
    with engine.connect() as connection:
        first = connection.connection.dbapi_connection
        assert connection.execute(count).scalar_one() == 8
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection is first  # the file is the same: the connection is kept
    x1 = minimal_data / "accelerators" / "acme" / "x1.yaml"
    x1.write_text(x1.read_text().replace("  memory_type:\n    value: HBM3e\n    source: acme-datasheet\n", ""))
    db.build(url, minimal_data)  # a new file renamed over the old one
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection is not first
        assert connection.execute(count).scalar_one() == 7  # the new build, not the file the old connection had

"""Shared fixtures: a copy of the minimal fixture data, and databases on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

FIXTURES = Path(__file__).parent / "fixtures"
REAL_DATA = Path(__file__).parent.parent / "data"
POSTGRES_URL = os.environ.get("GPUDB_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test")


@pytest.fixture
def minimal_data(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/minimal/data: one fictional chip exercising every kind of value."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal" / "data", target)
    return target


@pytest.fixture
def several_data(minimal_data: Path) -> Path:
    """The minimal data with tests/fixtures/several-values laid over it: chip x3 with disagreeing sources and the
    three statuses, and a device-names file."""
    shutil.copytree(FIXTURES / "several-values", minimal_data, dirs_exist_ok=True)
    return minimal_data


@pytest.fixture
def several_db(several_data: Path, database_url: str) -> str:
    """several_data built into a database on each backend."""
    from gpudb.storage.build import build

    build(database_url, several_data)
    return database_url


@pytest.fixture(scope="session")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real data/ built once per test session into SQLite."""
    from gpudb.storage.build import build

    url = f"sqlite:///{tmp_path_factory.mktemp('real') / 'gpudb.sqlite'}"
    build(url, REAL_DATA)
    return url


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Debian's Chromium through Playwright, for the tests marked `browser`; missing Chromium fails them."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is not installed: apt-get install chromium")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end.

    PostgreSQL must be up (`make test` starts it): an unreachable server fails the tests rather than skipping
    them, so a green run always means both backends were tested.
    """
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"gpudb_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL on each backend: an SQLite file under tmp_path, or the session's PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'gpudb.sqlite'}"
    return request.getfixturevalue("postgres_server_url")


@pytest.fixture
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No GPUDB_* settings leak in from the caller's environment; the default database lives in tmp_path."""
    for name in ("GPUDB_DATABASE_URL", "GPUDB_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GPUDB_DATABASE_URL", f"sqlite:///{tmp_path / 'default.sqlite'}")
    return tmp_path


@contextlib.contextmanager
def serving(url: str) -> Iterator[str]:
    """The web app on the database at `url`, served by uvicorn in a thread on a free port; yields its base URL."""
    import uvicorn

    from gpudb.web import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not instance.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def serve() -> Callable[[str], contextlib.AbstractContextManager[str]]:
    """serving(url), for browser tests: `with serve(url) as base: page.goto(base + "/")`."""
    return serving


@pytest.fixture
def synthetic_data(tmp_path: Path) -> Path:
    """40 synthetic chips from benchmarks/generate.py: 1,120 values, enough for PostgreSQL's COPY path."""
    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(Path(__file__).parent.parent / "benchmarks"))
    return generate(tmp_path / "synthetic", 40)

"""What a build checks before it writes: a stranger's file, leftovers of killed builds, an empty dataset."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from gpudb.errors import DatabaseError
from gpudb.storage.engines import create
from gpudb.storage.models import Accelerator


def holds_accelerators(url: str, path: Path | None) -> bool:
    """Whether the database at `url` exists and holds accelerators: an empty build must not replace it."""
    if path is not None:
        return path.exists() and path.stat().st_size > 0
    engine = create(url)
    try:
        with engine.connect() as connection:
            return inspect(connection).has_table("accelerator") and bool(
                connection.execute(select(func.count()).select_from(Accelerator)).scalar()
            )
    except SQLAlchemyError:
        return False  # unreachable: the build itself reports why
    finally:
        engine.dispose()


def refuse_foreign_file(path: Path) -> None:
    """Raise DatabaseError when `path` exists and is not a gpudb database: a build must not overwrite a stranger."""
    try:
        if not path.exists() or (path.is_file() and path.stat().st_size == 0):
            return
        with path.open("rb") as file:
            header = file.read(16)
    except OSError as error:
        raise DatabaseError(f"cannot read {path}: {error.strerror}") from None
    if header == b"SQLite format 3\x00":
        import sqlite3

        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
                tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.Error:
            tables = set()
        if {"build_info", "spec_value"} <= tables:
            return
    raise DatabaseError(f"{path} exists and is not a gpudb database; move it away or pass --force to replace it")


def building_path(path: Path) -> Path:
    """The file a build of `path` is written into before it is renamed over it: .NAME.building-PID."""
    return path.with_name(f".{path.name}.building-{os.getpid()}")


def new_building_path(path: Path) -> Path:
    """building_path(path) with nothing at it yet, and the leftovers of killed builds beside `path` removed."""
    remove_stale_builds(path)
    temporary = building_path(path)
    temporary.unlink(missing_ok=True)
    return temporary


def remove_stale_builds(path: Path) -> None:
    """Remove what killed builds left beside `path` (.NAME.building-PID and its journal) whose process is gone."""
    for leftover in path.parent.glob(f".{path.name}.building-*"):
        pid_text = leftover.name.removesuffix("-journal").rsplit("-", 1)[-1]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or a number no process can have: leave the file alone
    return True

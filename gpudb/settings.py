"""Where gpudb finds its data and its database: one place, overridable by environment variables.

GPUDB_DATA_DIR       the data/ folder to build from (default: the data/ folder of this source checkout, or
                     the copy an installed package carries in <prefix>/share/gpudb/data)
GPUDB_DATABASE_URL   any SQLAlchemy URL (default: an SQLite file, see default_database_path)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder of human-edited data files."""
    if os.environ.get("GPUDB_DATA_DIR"):
        return Path(os.environ["GPUDB_DATA_DIR"])
    checkout = PROJECT_ROOT / "data"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "gpudb" / "data"


def default_database_path() -> Path:
    """The embedded SQLite database: build/gpudb.sqlite in a source checkout, else the user data folder."""
    if (PROJECT_ROOT / "pyproject.toml").exists():
        return PROJECT_ROOT / "build" / "gpudb.sqlite"
    xdg_data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(xdg_data_home) / "gpudb" / "gpudb.sqlite"


def database_url() -> str:
    """The database to build into and read from."""
    return os.environ.get("GPUDB_DATABASE_URL") or f"sqlite:///{default_database_path()}"

"""The app as `gpudb serve` runs it in each worker: create_app on the configured database, with pandas kept off
pyarrow.

pandas 3 loads pyarrow at import when it is installed (the test extras and `pip install gpudb[parquet]` bring it)
and then keeps string columns in Arrow arrays: about 45 MiB of shared libraries and 20 MiB of buffers more in
every worker at 10,000 chips (benchmarks/NOTES.md, seventh pass). No page or API answer needs Arrow (only
`gpudb export --format parquet` does, and it never runs in a server), and the pages are byte for byte the same
with Python strings (tests/test_web_served.py).
"""

from __future__ import annotations

import sys
from typing import Any


def import_pandas_without_pyarrow() -> bool:
    """Import pandas with pyarrow hidden, so that it chooses Python strings; pyarrow stays importable afterwards.

    Returns whether it took effect: once pandas (or pyarrow) is imported the choice is made, and this changes
    nothing.
    """
    if "pandas" in sys.modules or "pyarrow" in sys.modules:
        return False
    # A None entry makes `import pyarrow` raise ImportError, which pandas takes for "not installed" and remembers.
    sys.modules["pyarrow"] = None  # type: ignore[assignment]
    try:
        import pandas  # noqa: F401
    finally:
        del sys.modules["pyarrow"]
    return True


def served_app() -> Any:
    """The uvicorn factory a server worker runs (gpudb.web.served:served_app): the app on GPUDB_DATABASE_URL."""
    import_pandas_without_pyarrow()
    from gpudb.web.app import create_app

    return create_app()

"""Datasette on the SQLite file in GPUDB_BENCH_DATASETTE_DB, as an ASGI factory, so that uvicorn can run it with as
many workers as `gpudb serve --workers` (the anchor of the web rows, benchmarks/web_anchors.py):

    GPUDB_BENCH_DATASETTE_DB=gpudb.sqlite python -m uvicorn --factory --workers 2 --app-dir benchmarks datasette_app:app

Immutable (`datasette -i`), as Datasette advises for a file nobody writes: the table counts are taken once.
"""

import os

from datasette.app import Datasette


def app():
    return Datasette(immutables=[os.environ["GPUDB_BENCH_DATASETTE_DB"]]).app()

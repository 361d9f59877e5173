"""The table API's page assembled from rows kept as JSON (table_view.json_page) is, byte for byte, the view made
whole and written by one json.dumps, whatever the order pages are asked in (rows written for one page are reused
by the next, across sorts and offsets)."""

import json

import pytest

from gpudb.web import table_view

VIEWS = [
    {},
    {"sort": ["tpp"], "order": ["desc"], "limit": ["10"], "offset": ["5"]},
    {"sort": ["memory_bandwidth_tbs"], "limit": ["7"]},
    {"baseline": ["h20"], "columns": ["tpp,export,memory_type,fp8_dense_tflops"], "sort": ["export"]},
    {"vendor": ["Huawei"], "sort": ["id"], "order": ["desc"]},
    {"export": ["controlled"], "limit": ["1000"]},
    {"q": ["h100"], "baseline": ["h100-sxm"]},
    {"q": ["no chip is called this"]},
    {"offset": ["85"], "limit": ["10"]},
]


def whole(url, params):
    view = table_view.table(url, params)
    return json.dumps(
        table_view.table_json(view), default=str, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_a_page_of_kept_rows_is_the_whole_view_written_at_once(real_db, order):
    views = VIEWS if order == "forward" else VIEWS[::-1]
    for params in views:
        assert table_view.json_page(real_db, params) == whole(real_db, params), params


def test_rows_are_kept_per_column_set_and_bounded(real_db):
    from gpudb.storage import query
    from gpudb.web.snapshot import snapshot

    for index in range(table_view.ROW_SETS + 2):  # more column sets than are kept
        columns = ",".join(["tpp", "vendor", "tdp_w", "fp64_tflops", "die_area_mm2", "launch_date"][: index + 1])
        table_view.json_page(real_db, {"columns": [columns], "limit": ["3"]})
    snap = snapshot(query.engine_for(real_db))
    sets = snap.extra["rows-json"]
    assert len(sets) == table_view.ROW_SETS  # the least recently used sets are dropped
    assert all(0 < len(rows) <= len(snap.frame) for rows in sets.values())  # a row at most once a set


def test_each_cited_source_is_written_once_a_build(real_db):
    from gpudb.storage import query
    from gpudb.web.snapshot import snapshot

    page = json.loads(table_view.json_page(real_db, {"limit": ["1000"]}))
    snap = snapshot(query.engine_for(real_db))
    texts = snap.extra["source-json"]
    assert set(page["sources"]) <= set(texts)
    for source_id, source in page["sources"].items():
        assert json.loads(texts[source_id]) == source
    kept = next(iter(snap.extra["rows-json"].values()))
    assert all(isinstance(cited, tuple) for _, cited in kept.values())  # a row keeps the ids, not the texts


class FakeSnapshot:
    def __init__(self):
        self.extra = {}


def test_pages_kept_as_bytes_are_bounded_by_their_size(monkeypatch):
    monkeypatch.setattr(table_view, "PAGE_BYTES_CACHED", 1000)
    snap = FakeSnapshot()
    for index in range(5):
        assert table_view.cached(snap, "page", index, lambda index=index: bytes([index]) * 400) == bytes([index]) * 400
    assert list(snap.extra["cache:page"].values) == [3, 4]  # 800 bytes kept; a third page would be 1,200
    assert snap.extra["cache:page"].page_bytes == 800
    assert table_view.cached(snap, "page", 3, lambda: b"not drawn again") == bytes([3]) * 400  # now the most recent
    table_view.cached(snap, "page", 5, lambda: b"5" * 400)
    assert list(snap.extra["cache:page"].values) == [3, 5]  # 4 was the least recently used
    table_view.cached(snap, "page", 6, lambda: b"x" * 5000)  # larger than the bound: kept alone, the last drawn
    assert list(snap.extra["cache:page"].values) == [6]
    assert snap.extra["cache:page"].page_bytes == 5000


def test_views_kept_as_objects_are_bounded_by_count(monkeypatch):
    monkeypatch.setattr(table_view, "PAGE_BYTES_CACHED", 10)
    snap = FakeSnapshot()
    for index in range(table_view.VIEWS_CACHED + 3):
        table_view.cached(snap, "view", index, lambda index=index: {"rows": [index] * 100})
    kept = snap.extra["cache:view"]
    assert list(kept.values) == list(range(3, table_view.VIEWS_CACHED + 3)) and kept.page_bytes == 0


def test_a_derived_cell_gives_its_working_from_the_columns(real_db):
    from gpudb.storage import query
    from gpudb.web.snapshot import snapshot

    snap = snapshot(query.engine_for(real_db))
    assert snap.working_of("h20", "tpp").startswith("296 TFLOPS FP8 dense × 8 bits = 2,368")
    assert snap.working_of("h20", "performance_density") == "TPP 2,368 ÷ 814 mm² die area = 2.91"
    assert snap.working_of("h20", "memory_bandwidth_tbs") is None  # stored, not derived
    assert snap.working_of("no-such-chip", "tpp") is None
    rows = json.loads(table_view.json_page(real_db, {"q": ["h20"], "columns": ["tpp"]}))["rows"]
    [row] = [row for row in rows if row["id"] == "h20"]
    assert row["cells"]["tpp"]["working"] == snap.working_of("h20", "tpp")

"""The wide frame's one owner (gpudb.analysis.wide) and the plain-row points of a few chips (point_rows): the same
values as the frame of every chip, the same figures, the base's values from one function."""

from __future__ import annotations

import pandas as pd
import pytest

from gpudb.analysis import point_rows, wide
from gpudb.analysis.export_controls import export_status
from gpudb.metrics.catalogue import METRICS
from gpudb.plots import frames
from gpudb.storage import query
from gpudb.storage.build import build

TEXT_METRICS = {m.key for m in METRICS if m.kind != "number"}  # memory_type, process_node, launch_date


def test_the_base_is_the_h100_sxm_with_its_datasheet_figures(real_db):
    base = wide.baseline_values(real_db)
    # NVIDIA's H100 SXM datasheet: 1,979 TFLOPS FP8 and 3.35 TB/s (BF16 stored as the datasheet's sparse ÷ 2)
    assert (base["fp8_dense_tflops"], base["memory_bandwidth_tbs"], base["bf16_dense_tflops"]) == (1979.0, 3.35, 989.5)
    every = wide.stored_values(query.specs(url=real_db))
    assert wide.baseline_values(stored=every) == base  # from numbers already loaded: the same, no query
    stored, also = wide.with_baseline(["h20"], real_db)
    assert also == base and stored["h20"]["fp8_dense_tflops"] == 296.0


def test_no_base_chip_means_no_base(minimal_data, tmp_path):
    url = f"sqlite:///{tmp_path / 'minimal.sqlite'}"
    build(url, minimal_data)
    assert wide.baseline_values(url) is None
    assert wide.baseline_values(stored={"x1": {"tdp_w": 700.0}}) is None
    assert wide.chip_values(["x1"], url)["x1"]["h100_equivalents"] is None


def test_plain_rows_give_the_points_frame_of_every_chip(real_db):
    """For every real chip beside the H20: each value, index and column equal to points(ids=...), and each dtype
    but the text metrics', which pandas' pivot leaves str or object by the order of the rows."""
    engine = query.engine_for(real_db)
    known = point_rows.Known(keep=frozenset({"h20"}))
    chips = list(query.specs(url=engine).index)
    assert len(chips) > 80
    for chip in chips:
        expected = wide.points(engine, ids=[chip, "h20"])
        got = point_rows.frame(engine, [chip, "h20"], known)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=True)
        differ = {column for column in expected if expected[column].dtype != got[column].dtype}
        assert differ <= TEXT_METRICS, (chip, differ)
    assert set(known.rows) == {"h20"}  # only the chip drawn beside the others is kept


def test_plain_rows_keep_the_order_asked_and_refuse_an_unknown_chip(real_db):
    engine = query.engine_for(real_db)
    frame = point_rows.frame(engine, ["h20", "b200", "h100-sxm"])
    assert list(frame.index) == ["h20", "b200", "h100-sxm"]
    assert frame.loc["h20", "tpp"] == 2368.0  # 296 dense FP8 TFLOPS × 8
    assert frame.loc["h20", "memory_bandwidth_gbs"] == 4000.0  # 4.0 TB/s in the rules' GB/s
    with pytest.raises(KeyError, match="no-such-chip"):
        point_rows.frame(engine, ["h20", "no-such-chip"])


@pytest.mark.parametrize("kind", ["profile", "ratio"])
def test_figures_of_plain_rows_are_the_figures_of_the_whole_frame(real_db, kind):
    """The figure's JSON, byte for byte, whether its points come from plain rows (kept per build, as the web
    does) or from the frame of every chip."""
    engine = query.engine_for(real_db)
    every = frames.Catalogue(engine, frames.points(engine))
    known = frames.known_points()
    for chip in ["h100-sxm", "h200-sxm", "b200", "mi300x", "ascend-910b", "gaudi3", "tpu-v5p", "h20"]:
        ids = [chip] if kind == "profile" else [chip, "h100-sxm" if chip != "h100-sxm" else "h20"]
        whole = frames._draw(kind, ids, None, None, engine, every)
        plain = frames.make_figure(kind, ids, url=engine, known=known)
        assert plain.to_json() == whole.to_json(), chip
    assert known.vendors == every.vendors and set(known.rows) <= {"h20", "h100-sxm"}


def test_export_status_of_a_chip_loaded_is_export_status(real_db):
    from gpudb.web import detail_data

    engine = query.engine_for(real_db)
    loaded = detail_data.load(engine)
    for chip in query.specs(url=engine).index:
        assert loaded.chips[chip].export_status(loaded.rules) == export_status(chip, url=engine)


def test_one_pivot_for_specs_and_the_web_table(real_db):
    """The web table's stored columns are gpudb.specs()'s, and its derived columns gpudb.compare's numbers."""
    from gpudb.web.snapshot import build_snapshot

    engine = query.engine_for(real_db)
    specs = query.specs(url=engine)
    table = build_snapshot(engine, None).frame
    keys = [m.key for m in METRICS]
    pd.testing.assert_frame_equal(table[keys], specs[keys], check_exact=True)
    values = wide.chip_values(["h20", "h200-sxm"], engine)
    assert table.loc["h20", "tpp"] == values["h20"]["tpp"] == 2368.0
    assert table.loc["h200-sxm", "h100_equivalents"] == values["h200-sxm"]["h100_equivalents"] == 1.0


def test_a_profile_from_plain_rows_reads_only_its_chips(real_db, monkeypatch):
    """Given a store for the build (as the web keeps one), a profile reads the rows of the chip and its baseline,
    and the second profile reads only its own chip's: the H20's row, the vendors and the base were kept."""
    engine = query.engine_for(real_db)
    read: list[tuple[str, list[str]]] = []
    accelerators, entries = query.accelerators, wide.preferred_with_sources

    def spy_accelerators(url=None, ids=None):
        read.append(("identity", sorted(ids)))
        return accelerators(url, ids)

    def spy_entries(url, ids):
        read.append(("values", sorted(ids)))
        return entries(url, ids)

    monkeypatch.setattr(query, "accelerators", spy_accelerators)
    monkeypatch.setattr(wide, "preferred_with_sources", spy_entries)
    known = frames.known_points()
    frames.make_figure("profile", ["B200"], url=engine, known=known)
    frames.make_figure("profile", ["h200-sxm"], url=engine, known=known)
    assert read == [
        ("identity", ["b200", "h20"]),
        ("values", ["b200", "h20"]),
        ("identity", ["h200-sxm"]),
        ("values", ["h200-sxm"]),
    ]

"""`gpudb site` writes every detail page from one bulk load (gpudb.web.detail_data) and draws each profile as JSON
from plain dicts (gpudb.plots.profile_json): each page must be the very text the per-request path renders (one
chip's load, the profile through plotly's make_figure), and the export map's label placement through its grid the
offsets that asking every box gives."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from gpudb.plots import frames, labels, profile_json
from gpudb.storage import build as db
from gpudb.storage import query
from gpudb.web import detail_data, page_data, site
from gpudb.web.render import StaticLinks, render
from gpudb.web.site import write_site

ROOT = Path(__file__).resolve().parents[1]


def served_page(url: str, chip: str) -> str:
    """The detail page as the per-request path builds it (page_data.accelerator), with the site's links."""
    view = page_data.accelerator(url, chip)
    has_plots = any(p["figure"] for p in view["plots"])
    return render("accelerator.html", StaticLinks(1), view=view, page="accelerator", has_plots=has_plots)


@pytest.fixture(scope="module")
def mixed_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real catalogue beside 30 synthetic chips (benchmarks/generate.py), built into SQLite."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import add_real_data, generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folder = tmp_path_factory.mktemp("mixed")
    data = generate(folder, 30)
    add_real_data(data, ROOT / "data")
    url = f"sqlite:///{folder / 'gpudb.sqlite'}"
    db.build(url, data)
    return url


def test_every_site_detail_page_is_the_served_pages_text(mixed_db, tmp_path, monkeypatch):
    out = tmp_path / "site"
    monkeypatch.setattr(site, "DETAIL_BATCH", 7)  # batches of 7 chips: the baselines mostly in another batch
    write_site(out, mixed_db)
    chips = page_data.chip_ids(mixed_db)
    assert len(chips) == len(list((out / "accelerators").glob("*.html"))) > 100
    written = {chip: (out / "accelerators" / f"{chip}.html").read_text(encoding="utf-8") for chip in chips}
    # the pages this compares draw what a page can hold: measurements, prices, notes under the profile, an
    # announced chip, the H20 itself (drawn against the H100 SXM)
    assert any('<h2 id="measured">' in page for page in written.values())
    assert any('id="fig-prices"' in page for page in written.values())
    assert sum('"name":"notes"' in page for page in written.values()) > 50
    assert any(" (announced)" in page for page in written.values())
    assert "1\\u00d7 = H100 SXM" in written["h20"] and "1\\u00d7 = H20" in written["h200-sxm"]
    for chip in chips:
        assert written[chip] == served_page(mixed_db, chip), chip


def test_each_profile_json_is_plotlys_text(real_db):
    engine = query.engine_for(real_db)
    loaded = detail_data.load(engine)
    draw = detail_data.profile_drawer(engine, loaded)
    for chip in loaded.chips:
        plotly_text = json.dumps(json.loads(frames.make_figure("profile", ids=[chip], url=engine).to_json()))
        assert json.dumps(draw(chip)["figure"]) == plotly_text, chip
    assert profile_json.template() is not profile_json.template()  # each figure its own copy


def test_a_catalogue_without_the_h20_says_why_there_is_no_profile(minimal_data, tmp_path):
    url = f"sqlite:///{tmp_path / 'minimal.sqlite'}"
    db.build(url, minimal_data)
    engine = query.engine_for(url)
    draw = detail_data.profile_drawer(engine, detail_data.load(engine))
    item = draw("x1")
    assert item == {
        "slug": "profile",
        "title": "Profile",
        "figure": None,
        "reason": "a profile plot needs two or more chips; name them",
    }
    write_site(tmp_path / "site", url)
    page = (tmp_path / "site" / "accelerators" / "x1.html").read_text(encoding="utf-8")
    assert page == served_page(url, "x1") and "a profile plot needs two or more chips; name them" in page


def test_the_label_grid_answers_as_asking_every_box():
    rng = random.Random(23)
    boxes = []
    for _ in range(300):
        left, top = rng.uniform(-200, 900), rng.uniform(-200, 600)
        boxes.append(labels.Box(left, top, left + rng.uniform(1, 300), top + rng.uniform(1, 80)))
    grid = labels._Grid(boxes[:150])
    for box in boxes[150:]:
        assert grid.hits(box) == any(box.overlaps(other) for other in boxes[:150])
    # touching edges do not overlap, in the grid as in Box.overlaps: a box ending on a square's edge
    edge = labels._Grid([labels.Box(0, 0, 64, 10)])
    assert not edge.hits(labels.Box(64, 0, 100, 10)) and edge.hits(labels.Box(63.5, 0, 100, 10))


def test_placing_labels_through_the_grid_gives_the_offsets_of_every_box(monkeypatch):
    rng = random.Random(5)
    points = [(rng.uniform(0, 800), rng.uniform(0, 500)) for _ in range(120)]
    texts = [f"chip {i}" * rng.randint(1, 3) for i in range(120)]
    obstacles = [labels.Box(0, 480, 100, 500)]
    fast = labels.place(points, texts, 800, 500, obstacles)

    class EveryBox(labels._Grid):
        """The old way: every box asked."""

        def __init__(self, boxes=()):
            self.boxes = list(boxes)

        def add(self, box):
            self.boxes.append(box)

        def hits(self, box):
            return any(box.overlaps(other) for other in self.boxes)

    monkeypatch.setattr(labels, "_Grid", EveryBox)
    assert labels.place(points, texts, 800, 500, obstacles) == fast
    assert len(set(fast)) > 3  # crowded enough that labels moved away from their points


def test_detail_pages_written_by_forked_processes_are_the_pages_one_process_writes(real_db, tmp_path, monkeypatch):
    """Above DETAIL_BATCH × 4 chips the batches of detail pages are shared among processes: the same files, the
    same text, in the same order of the list written."""
    import multiprocessing
    import os

    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("one CPU, or no fork: the pages are written in one process")
    monkeypatch.setattr(site, "DETAIL_BATCH", 10)  # the real catalogue's 104 chips: 11 batches
    monkeypatch.setattr(site, "DETAIL_WORKERS", 1)
    alone = [path.relative_to(tmp_path / "one") for path in write_site(tmp_path / "one", real_db)]
    contexts = []
    original = multiprocessing.get_context

    def counted(method=None):
        contexts.append(method)
        return original(method)

    monkeypatch.setattr(multiprocessing, "get_context", counted)
    monkeypatch.setattr(site, "DETAIL_WORKERS", 2)
    shared = [path.relative_to(tmp_path / "two") for path in write_site(tmp_path / "two", real_db)]
    assert contexts == ["fork"]  # the pages were written by forked processes
    assert shared == alone
    pages = [path for path in alone if path.parts[0] == "accelerators"]
    assert len(pages) > 100
    for path in pages:
        assert (tmp_path / "two" / path).read_bytes() == (tmp_path / "one" / path).read_bytes(), path

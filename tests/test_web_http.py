"""Publishing over HTTP on the real data/: gzip, ETag/Last-Modified with 304s, cache lifetimes for versioned static
files, OpenGraph tags on every page, short permalinks, and the compare page's judged ratios and log-scale bars."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from gpudb.web import create_app
from gpudb.web.table_view import judged_ratio

PAGES = ["/", "/accelerators/h20", "/compare?ids=h200,h20", "/claims", "/plots", "/coverage"]


@pytest.fixture(scope="module")
def client(real_db) -> TestClient:
    return TestClient(create_app(real_db))


def test_pages_are_gzipped(client):
    response = client.get("/", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) < len(response.content) / 3  # HTML tables compress well
    plain = client.get("/", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == response.text


def test_plotly_goes_out_gzipped_once_compressed(client):
    response = client.get("/static/plotly.min.js", headers={"accept-encoding": "gzip, br"})
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.content) > 4_000_000  # plotly.min.js itself, 4.8 MB
    assert int(response.headers["content-length"]) < 2_000_000  # on the wire, about 1.5 MB
    plain = client.get("/static/plotly.min.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == response.content


def test_etag_and_last_modified_answer_304(client):
    first = client.get("/compare?ids=h200,h20")
    tag, modified = first.headers["etag"], first.headers["last-modified"]
    assert re.fullmatch(r'W/"[0-9a-f]{20}"', tag) and modified.endswith(" GMT")
    assert first.headers["cache-control"] == "no-cache"
    again = client.get("/compare?ids=h200,h20", headers={"if-none-match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    strong = tag.removeprefix("W/")
    assert client.get("/api/claims", headers={"if-none-match": f'"other", {strong}'}).status_code == 304
    assert client.get("/", headers={"if-none-match": '"other"'}).status_code == 200
    assert client.get("/claims", headers={"if-modified-since": modified}).status_code == 304
    earlier = "Thu, 01 Jan 1970 00:00:00 GMT"
    assert client.get("/claims", headers={"if-modified-since": earlier}).status_code == 200
    # a page that does not exist is never answered 304 from a tag, and carries none
    missing = client.get("/accelerators/nope")
    assert missing.status_code == 404 and "etag" not in missing.headers


def test_static_urls_are_versioned_and_kept_a_year(client):
    page = client.get("/compare?ids=h200,h20").text
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert {url.split("?")[0] for url in urls} == {
        "/static/style.css",
        "/static/plotly.min.js",
        "/static/plots.js",
        "/static/app.js",
    }
    import plotly

    assert f"/static/plotly.min.js?v={plotly.__version__}" in urls
    for url in urls:
        assert re.search(r"\?v=[0-9a-z.]+$", url), url
        assert client.get(url).headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/static/style.css").headers["cache-control"] == "public, max-age=3600"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_opengraph_tags(client, path):
    page = client.get(path).text
    title = re.search(r'<meta property="og:title" content="([^"]+)">', page).group(1)
    description = re.search(r'<meta property="og:description" content="([^"]+)">', page).group(1)
    assert title.endswith(" · gpudb") and len(description) > 40
    assert f'<meta name="description" content="{description}">' in page
    assert '<meta property="og:type" content="website">' in page


def test_opengraph_names_the_chip_and_the_comparison(client):
    detail = client.get("/accelerators/h20").text
    assert '<meta property="og:title" content="H20 · gpudb">' in detail
    compare = client.get("/compare?ids=h200,h20").text
    assert '<meta property="og:title" content="Compare H200 SXM · H20 · gpudb">' in compare
    assert (
        '<meta property="og:description" content="H200 SXM vs H20: every published metric side by side, '
        'with ratios to h20 and a source for each value.">'
    ) in compare


def test_a_submitted_form_redirects_to_the_short_permalink(client):
    form = client.get("/").text
    columns = re.findall(r'name="columns" value="([^"]+)" checked', form)
    rule = re.search(r'<option value="([^"]+)" selected>', form).group(1)  # the default rule, as the form sends it
    sent = [("q", ""), ("vendor", "AMD"), ("architecture", ""), ("form_factor", ""), ("china", "")]
    sent += [("rule", rule), ("export", ""), ("baseline", "h20")] + [("columns", c) for c in columns]
    response = client.get("/", params=sent, follow_redirects=False)
    assert len(str(response.request.url)) > 300  # the form as a browser sends it
    assert response.status_code == 303
    assert response.headers["location"] == "/?vendor=AMD&baseline=h20"
    assert client.get("/?vendor=AMD&baseline=h20", follow_redirects=False).status_code == 200
    # a non-default column choice stays, as one comma-separated value
    chosen = client.get("/", params=[("columns", "tpp"), ("columns", "tdp_w")], follow_redirects=False)
    assert chosen.headers["location"] == "/?columns=tdp_w%2Ctpp"


def test_compare_ratios_judge_each_metric_by_its_direction(client):
    page = client.get("/compare?ids=h200,h20").text
    tdp = re.search(r'<tr data-metric="tdp_w">.*?</tr>', page, re.S).group(0)
    # TDP: 700 W ÷ 400 W = 1.75×, higher is worse → red; bar log₂ 1.75 = 0.807 of 3 steps = 26.9% → 13.45% of the cell
    assert (
        '<span class="ratio r-bad1">1.75×</span>' in tdp
        and 'class="bar-fill above r-bad1" style="width: 13.45%"' in tdp
    )
    tpp = re.search(r'<tr data-metric="tpp">.*?</tr>', page, re.S).group(0)
    # TPP: 15,832 ÷ 2,368 = 6.69×, higher is better → green; log₂ 6.686 = 2.741 of 3 = 91.4% → 45.7%
    assert '<span class="ratio r-good3">6.69×</span>' in tpp and 'style="width: 45.7%"' in tpp
    assert 'id="ratio-legend"' in page and "log scale" in page


def test_the_baseline_picked_is_the_baseline(client):
    picked = client.get("/compare?ids=h20,h200&baseline=h20").text
    assert '<tr data-metric="tpp">' in picked and "6.69×" in picked
    assert "Ratios are each chip ÷ <strong>h20</strong>" in picked
    default = client.get("/compare?ids=h200,h20").text  # no baseline: the last chip picked, h20
    assert "Ratios are each chip ÷ <strong>h20</strong>" in default


@pytest.mark.parametrize(
    ("ratio", "higher_is_better", "expected"),
    [
        (1.75, False, {"class": "r-bad1", "bar": 26.9, "side": "above"}),  # log₂ 1.75 = 0.807; /3 = 26.9%
        (1.75, True, {"class": "r-good1", "bar": 26.9, "side": "above"}),
        (0.5, True, {"class": "r-bad2", "bar": 33.3, "side": "below"}),  # log₂ ½ = −1: one step of three
        (0.5, False, {"class": "r-good2", "bar": 33.3, "side": "below"}),
        (4.0, None, {"class": "r-neutral", "bar": 66.7, "side": "above"}),  # no direction: grey
        (1.05, True, {"class": "r-0", "bar": 2.3, "side": "above"}),  # log₂ 1.05 = 0.0704 < 0.14: about the same
        (20.0, True, {"class": "r-good3", "bar": 100.0, "side": "above"}),  # beyond 8× the bar stops at the edge
        (None, True, {"class": "", "bar": 0.0, "side": ""}),
        (0.0, True, {"class": "", "bar": 0.0, "side": ""}),
    ],
)
def test_judged_ratio(ratio, higher_is_better, expected):
    assert judged_ratio(ratio, higher_is_better) == expected

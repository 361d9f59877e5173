"""Claim verdicts: each qualifier's band, the three grades, the verdict line, the quote note, and claims in compare."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from gpudb.analysis.claims import (
    DOES_NOT_MATCH,
    MATCHES,
    ROUGHLY,
    check_record,
    gap_text,
    grade,
    run_checks,
    verdict_line,
)
from gpudb.cli import app
from gpudb.storage.build import build
from gpudb.web.app import create_app

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("qualifier", "gap", "expected"),
    [
        ("exactly", 0.01, MATCHES),  # ±1%: the stated figure's rounding
        ("exactly", -0.01, MATCHES),
        ("exactly", 0.011, ROUGHLY),
        ("exactly", -0.15, ROUGHLY),
        ("exactly", 0.151, DOES_NOT_MATCH),
        ("about", 0.05, MATCHES),  # ±5% either side
        ("about", -0.05, MATCHES),
        ("about", 0.051, ROUGHLY),
        ("about", -0.15, ROUGHLY),
        ("about", -0.151, DOES_NOT_MATCH),
        ("nearly", 0.0, MATCHES),  # from 5% below to N itself
        ("nearly", -0.05, MATCHES),
        ("nearly", 0.001, ROUGHLY),  # above N: at best roughly
        ("nearly", 0.15, ROUGHLY),
        ("nearly", -0.051, ROUGHLY),
        ("nearly", 0.151, DOES_NOT_MATCH),
        ("more-than", 0.0, MATCHES),  # N or more
        ("more-than", 5.0, MATCHES),
        ("more-than", -0.001, ROUGHLY),
        ("more-than", -0.151, DOES_NOT_MATCH),
        ("less-than", 0.0, MATCHES),  # N or less
        ("less-than", -0.9, MATCHES),
        ("less-than", 0.001, ROUGHLY),
        ("less-than", 0.151, DOES_NOT_MATCH),
        ("up-to", -0.5, MATCHES),
        ("up-to", 0.15, ROUGHLY),
        ("up-to", 0.2, DOES_NOT_MATCH),
    ],
)
def test_each_qualifier_grades_a_gap(qualifier, gap, expected):
    assert grade(gap, qualifier) == expected


def test_a_claims_own_tolerance_widens_its_band():
    assert grade(-0.10, "about", 0.12) == MATCHES  # within ±12%
    assert grade(0.10, "nearly", 0.12) == ROUGHLY  # still never above N
    assert grade(-0.02, "more-than", 0.03) == MATCHES  # 3% short still counts
    assert grade(0.18, "about", 0.2) == MATCHES
    assert grade(0.25, "about", 0.3) == MATCHES
    assert grade(-0.18, "nearly", 0.2) == MATCHES
    assert grade(0.18, "exactly", 0.01) == DOES_NOT_MATCH


def test_gaps_are_signed_percentages():
    assert (gap_text(15832 / 2368 / 6 - 1), gap_text(-0.2521), gap_text(0.0), gap_text(-0.0004)) == (
        "+11.4%",
        "−25.2%",
        "0.0%",
        "0.0%",
    )


@pytest.fixture
def claims_data(several_data):
    """tests/fixtures/claims (chip x2 and the hand-made claims) over the minimal and several-values data."""
    shutil.copytree(FIXTURES / "claims", several_data, dirs_exist_ok=True)
    return several_data


@pytest.fixture
def claims_db(claims_data, database_url) -> str:
    build(database_url, claims_data)
    return database_url


# x1 ÷ x2: TPP 15,832 ÷ 2,368 = 6.6858× (BF16 and FP8 the same), memory bandwidth 4.8 ÷ 4.0 = 1.2×.
# x1 ÷ x3: TPP 15,832 ÷ (500 × 16 = 8,000) = 1.979×. Gap = figure ÷ stated − 1.
EXPECTED_LINES = {
    "test-x1-tpp": "x1 exactly TPP 15,832; closest TPP 15,832, 0.0% → matches",
    "nearly-7": "x1 nearly 7× x2; closest TPP 6.69×, −4.5% → matches",  # 6.6858 ÷ 7 = 0.9551
    "nearly-6": "x1 nearly 6× x2; closest TPP 6.69×, +11.4% → roughly",  # 6.6858 ÷ 6 = 1.1143, above N
    "nearly-5": "x1 nearly 5× x2; closest TPP 6.69×, +33.7% → does not match",  # 6.6858 ÷ 5 = 1.3372
    "about-6-5": "x1 about 6.5× x2; closest TPP 6.69×, +2.9% → matches",  # 6.6858 ÷ 6.5 = 1.0286
    "about-7-5": "x1 about 7.5× x2; closest TPP 6.69×, −10.9% → roughly",  # 6.6858 ÷ 7.5 = 0.8914
    "about-7-5-wide": "x1 about 7.5× x2; closest TPP 6.69×, −10.9% → matches",  # its own ±12%
    # TPP is at does-not-match here; the figure shown is the one at the verdict's grade
    "about-1-2": "x1 about 1.2× x2; closest Memory bandwidth 1.2×, 0.0% → matches",
    "more-than-6": "x1 more than 6× x2; closest TPP 6.69×, +11.4% → matches",
    "more-than-7": "x1 more than 7× x2; closest TPP 6.69×, −4.5% → roughly",
    "more-than-10": "x1 more than 10× x2; closest TPP 6.69×, −33.1% → does not match",  # 6.6858 ÷ 10
    "exactly-15900": "x1 exactly TPP 15,900; closest TPP 15,832, −0.4% → matches",  # 15,832 ÷ 15,900 = 0.9957
    "exactly-15000": "x1 exactly TPP 15,000; closest TPP 15,832, +5.5% → roughly",  # 15,832 ÷ 15,000 = 1.0555
    "exactly-12000": "x1 exactly TPP 12,000; closest TPP 15,832, +31.9% → does not match",  # ÷ 12,000 = 1.3193
    "less-than-16000": "x1 less than TPP 16,000; closest TPP 15,832, −1.0% → matches",  # ÷ 16,000 = 0.9895
    "less-than-14000": "x1 less than TPP 14,000; closest TPP 15,832, +13.1% → roughly",  # ÷ 14,000 = 1.1309
    "less-than-10000": "x1 less than TPP 10,000; closest TPP 15,832, +58.3% → does not match",
    "up-to-7": "x1 up to 7× x2; closest TPP 6.69×, −4.5% → matches",
    "up-to-14000": "x1 up to TPP 14,000; closest TPP 15,832, +13.1% → roughly",
    "up-to-10000": "x1 up to TPP 10,000; closest TPP 15,832, +58.3% → does not match",
    "system-2": "x1 about 2× x2; a system-level speed-up → not checkable",
    "x2-tdp": "x2 exactly TDP 400 W; no stored figure → not checkable",  # x2 has no TDP
    "x1-vs-x3": "x1 about 2× x3; closest TPP 1.98×, −1.0% → matches",  # 1.979 ÷ 2 = 0.9895
    "x3-bandwidth": "x3 exactly Memory bandwidth 4.8 TB/s; closest Memory bandwidth 4.8 TB/s, 0.0% → matches",
}


def test_each_hand_made_claim_gets_its_verdict_line(claims_db):
    checks = run_checks(url=claims_db)
    assert {check.claim["id"]: verdict_line(check) for check in checks} == EXPECTED_LINES


def test_the_explanation_gives_the_band_and_every_other_metric(claims_db):
    [about, nearly] = run_checks(["nearly-6", "about-1-2"], claims_db)  # in id order
    assert nearly.explanation == (
        "TPP 6.69× is +11.4% from the stated 6×: outside the band ('nearly' matches within 5% below) but within "
        "±15%; also roughly on BF16 dense 6.69×, FP8 dense 6.69×; does not match on Memory 1.47×, Memory "
        "bandwidth 1.2×"
    )
    assert [c.metric for c in nearly.matching] == ["bf16_dense_tflops", "fp8_dense_tflops", "tpp"]
    assert about.explanation == (
        "Memory bandwidth 1.2× is 0.0% from the stated 1.2×: 'about' matches within ±5%; does not match on BF16 "
        "dense 6.69×, FP8 dense 6.69×, Memory 1.47×, TPP 6.69×"
    )


def test_a_quote_missing_from_the_source_is_said_wherever_the_claim_is_shown(claims_db):
    [check] = run_checks(["nearly-6"], claims_db)
    record = check_record(check)
    assert (record["quote_found"], record["quote_note"]) == (
        False,
        "the quoted sentence is not in the stored copy of the source",
    )
    assert check_record(run_checks(["nearly-7"], claims_db)[0])["quote_note"] is None
    out = CliRunner().invoke(app, ["claims", "--id", "nearly-6", "--db", claims_db]).stdout.splitlines()
    assert out[:3] == [
        'nearly-6: Test Analyst, 2025-12-08: "nearly 6"',
        "  note: the quoted sentence is not in the stored copy of the source",
        "  verdict: x1 nearly 6× x2; closest TPP 6.69×, +11.4% → roughly",
    ]
    assert "    ~ TPP: 6.69× (+11.4%)" in out and "      Memory bandwidth: 1.2× (−80.0%)" in out  # 1.2 ÷ 6
    client = TestClient(create_app(claims_db), raise_server_exceptions=False)
    html = client.get("/claims").text
    row = html[html.index('<tr id="claim-nearly-6"') :]
    row = row[: row.index("</tr>")]
    assert '<span class="quote-note">Note: the quoted sentence is not in the stored copy of the source.</span>' in row
    assert '<td data-label="Closest">TPP 6.69×</td>' in row and '<td class="num" data-label="Gap">+11.4%</td>' in row
    assert '<span class="verdict verdict-roughly">roughly</span>' in row
    assert '<tr id="claim-nearly-7"' in html and html.count('class="quote-note"') == 1
    assert [c["verdict"] for c in client.get("/api/claims?verdict=roughly").json()["claims"]] == ["roughly"] * 6


# claims whose subject and baseline are both x1 or x2, or a value of one: all but x1-vs-x3 and x3-bandwidth
ABOUT_X1_X2 = [claim for claim in EXPECTED_LINES if claim not in {"x1-vs-x3", "x3-bandwidth"}]


def test_compare_lists_the_claims_about_the_chips_compared(claims_db):
    result = CliRunner().invoke(app, ["compare", "x1", "x2", "--db", claims_db])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    start = lines.index("Published claims about these chips:")
    listed = [line.split(":")[0].strip() for line in lines[start + 1 :] if line.startswith("  ") and '"' in line]
    assert sorted(listed) == sorted(ABOUT_X1_X2)
    assert "    verdict: x1 nearly 6× x2; closest TPP 6.69×, +11.4% → roughly" in lines
    assert "    note: the quoted sentence is not in the stored copy of the source" in lines
    body = json.loads(CliRunner().invoke(app, ["compare", "x1", "x2", "-f", "json", "--db", claims_db]).stdout)
    assert sorted(c["id"] for c in body["claims"]) == sorted(ABOUT_X1_X2)
    markdown = CliRunner().invoke(app, ["compare", "x1", "x3", "-f", "markdown", "--db", claims_db]).stdout
    assert markdown.splitlines()[-3:] == [  # claims in date, then id, order
        "- up-to-14000: x1 up to TPP 14,000; closest TPP 15,832, +13.1% → roughly",
        "- x1-vs-x3: x1 about 2× x3; closest TPP 1.98×, −1.0% → matches",
        "- x3-bandwidth: x3 exactly Memory bandwidth 4.8 TB/s; closest Memory bandwidth 4.8 TB/s, 0.0% → matches",
    ]


# the value claims about x1, the x1-vs-x3 ratio and the x3 value: the claims about x1 and x3
ABOUT_X1_X3 = sorted(
    ["test-x1-tpp", "x1-vs-x3", "x3-bandwidth"]
    + [claim for claim in EXPECTED_LINES if claim.startswith(("exactly-", "less-than-", "up-to-1"))]
)


def test_the_compare_page_and_its_twin_list_the_claims(claims_db):
    client = TestClient(create_app(claims_db), raise_server_exceptions=False)
    body = client.get("/api/compare?ids=x1,x3").json()
    assert [c["id"] for c in body["claims"]] == ABOUT_X1_X3
    assert {c["id"]: (c["verdict"], c["gap_text"]) for c in body["claims"]}["x1-vs-x3"] == ("matches", "−1.0%")
    html = client.get("/compare?ids=x1,x3").text
    assert '<h2 id="claims">Published claims about these chips</h2>' in html
    assert '<span class="verdict-line">x1 about 2× x3; closest TPP 1.98×, −1.0% → matches</span>' in html
    assert 'id="claim-nearly-6"' not in html  # about x1 and x2, not x3
    assert [c["id"] for c in client.get("/api/compare?ids=x2,x3").json()["claims"]] == ["x2-tdp", "x3-bandwidth"]


def test_the_claims_page_names_the_chips_as_people_read_them(real_db):
    from fastapi.testclient import TestClient

    from gpudb.web.app import create_app
    from gpudb.web.page_data import claims

    (record,) = [c for c in claims(real_db)["claims"] if c["id"] == "ifp-2025-12-h200-vs-h20"]
    assert (record["subject_name"], record["baseline_name"], record["stated_named"]) == (
        "H200 SXM",
        "H20",
        "nearly 6× H20",
    )
    assert record["stated"] == "nearly 6× h20"  # the id form stays for the CLI and the API's old field
    page = TestClient(create_app(real_db)).get("/claims").text
    assert '<a href="/accelerators/h200-sxm">H200 SXM</a> nearly 6× H20</td>' in page

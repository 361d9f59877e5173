"""The seeded prices in the real data/ (data/prices/*.yaml): the cost metrics they give, worked by hand from the
published figures, the choice among prices of the same day, instance rates divided by their accelerators, and
`gpudb prices` / `gpudb compare --cost` on them. A price added later may change which one is latest, so every
as-of date below is chosen where the expected price is the only candidate or the latest by construction."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from gpudb.analysis import costs
from gpudb.cli import app
from gpudb.storage import query_prices


def by_metric(chip: str, on: dt.date, real_db: str) -> dict[str, dict]:
    return {row["metric"]: row for row in (m.as_dict() for m in costs.cost_metrics([chip], on=on, url=real_db))}


def test_mi300x_tflops_per_thousand_dollars_from_the_citi_range(real_db):
    rows = by_metric("MI300X", dt.date(2024, 3, 1), real_db)
    bf16 = rows["bf16_per_kilo_price"]
    # (10,000 + 15,000) ÷ 2 = 12,500 USD; 1,307.4 dense BF16 TFLOPS ÷ 12.5 = 104.592 TFLOPS per 1,000 USD
    assert bf16["value"] == pytest.approx(104.592)
    assert bf16["working"] == "1,307.4 BF16 dense TFLOPS ÷ 12,500 USD (the middle of 10,000–15,000) × 1,000 = 104.59"
    assert (bf16["price_kind"], bf16["price_date"], bf16["source"]) == (
        "reported-purchase",
        dt.date(2024, 2, 1),  # the first day of February 2024, the month the report is dated to
        "svethardware-mi300-citi-2024",
    )
    # 192 GB ÷ 12.5 = 15.36 GB per 1,000 USD
    assert rows["memory_gb_per_kilo_price"]["value"] == pytest.approx(15.36)


def test_the_mi300x_has_no_price_before_the_report(real_db):
    rows = by_metric("MI300X", dt.date(2024, 1, 31), real_db)
    assert rows["bf16_per_kilo_price"]["value"] is None
    assert rows["bf16_per_kilo_price"]["working"] == "no purchase price dated on or before 2024-01-31"


def test_h20_cost_follows_the_reports_by_date(real_db):
    # Q1 2024: Reuters' 12,000–15,000 USD (written before the same-day 110,000 CNY street price, so it wins):
    # 148 TFLOPS ÷ 13.5 = 10.963; 96 GB ÷ 13.5 = 7.111
    early = by_metric("H20", dt.date(2024, 3, 1), real_db)
    assert early["bf16_per_kilo_price"]["value"] == pytest.approx(10.963, abs=1e-3)
    assert early["bf16_per_kilo_price"]["unit"] == "TFLOPS per 1,000 USD"
    assert early["memory_gb_per_kilo_price"]["value"] == pytest.approx(7.111, abs=1e-3)
    # From 2024-07-04 the FT's 12,000–13,000 USD: 148 ÷ 12.5 = 11.84; 96 ÷ 12.5 = 7.68
    later = by_metric("H20", dt.date(2024, 8, 1), real_db)
    assert (later["bf16_per_kilo_price"]["value"], later["bf16_per_kilo_price"]["source"]) == (
        pytest.approx(11.84),
        "ft-h20-china-sales-2024",
    )
    assert later["memory_gb_per_kilo_price"]["value"] == pytest.approx(7.68)


def test_a_yuan_price_stays_in_yuan(real_db):
    # 2025-12-31: the latest H200 purchase price is the 1.4 million CNY 8-GPU module, 175,000 CNY per GPU;
    # 989.5 dense BF16 TFLOPS (1,979 sparse ÷ 2) ÷ 175 = 5.654 TFLOPS per 1,000 CNY
    bf16 = by_metric("H200", dt.date(2025, 12, 31), real_db)["bf16_per_kilo_price"]
    assert (round(bf16["value"], 3), bf16["unit"], bf16["price"]) == (5.654, "TFLOPS per 1,000 CNY", "175,000 CNY")


@pytest.mark.parametrize(
    ("chip", "per_gpu", "as_published"),
    [
        ("trainium1", 0.968125, "15.49 USD per instance-hour (16 GPUs)"),  # 15.49 ÷ 16; the page says 0.968
        ("a100-sxm-40gb", 1.84375, "14.75 USD per instance-hour (8 GPUs)"),  # 14.75 ÷ 8; the page says 1.844
    ],
)
def test_instance_rates_are_stored_per_accelerator(real_db, chip, per_gpu, as_published):
    (price,) = [p for p in query_prices.prices([chip], real_db) if p["kind"] == "cloud-reserved"]
    assert (price["amount"], price["unit"], price["as_published"]) == (pytest.approx(per_gpu), "gpu-hour", as_published)


def test_prices_h20_lists_the_reports_oldest_first(real_db):
    result = CliRunner().invoke(app, ["prices", "H20", "-f", "csv", "--db", real_db])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "date,kind,amount,currency,unit,as_published,where,source",
        '2024-01-01 to 2024-03-31,reported-purchase,12000.0,USD,chip,"12,000–15,000 USD",,reuters-h20-preorders-2024',
        '2024-01-01 to 2024-03-31,reported-street,110000.0,CNY,chip,"110,000 CNY",China distributors (advertised '
        "price),reuters-h20-preorders-2024",
        '2024-07-04,reported-purchase,12000.0,USD,chip,"12,000–13,000 USD",,ft-h20-china-sales-2024',
    ]


def test_compare_cost_gives_each_mission_chip_a_dated_sourced_price(real_db):
    result = CliRunner().invoke(
        app,
        ["compare", "H100", "H200", "B200", "MI300X", "--cost", "--as-of", "2026-12-01", "-f", "json", "--db", real_db],
    )
    assert result.exit_code == 0, result.output
    rows = [row for row in json.loads(result.output) if row["metric"] == "bf16_per_kilo_price"]
    assert [(row["accelerator_id"], row["price_kind"], row["source"]) for row in rows] == [
        ("h100-sxm", "reported-purchase", "techspot-h100-margin-2023"),
        ("h200-sxm", "reported-purchase", "tradingpedia-h200-china-2026"),
        ("b200", "reported-purchase", "cnbc-blackwell-price-2024"),
        ("mi300x", "reported-purchase", "svethardware-mi300-citi-2024"),
    ]
    assert all(row["value"] is not None and row["price_date"] for row in rows)

"""Cost-normalised metrics (gpudb.analysis.costs): hand-worked figures, the as-of choice, the refusal to convert
currencies, `gpudb prices` and `gpudb compare --cost`, and the detail page's price table. The minimal fixture's x1
(989.5 TFLOPS BF16 dense, 141 GB) has a 30,000 USD list price (2024-03-18), a 24 USD per 8-GPU instance-hour
cloud rate (2025-01-15) and a 24,000 USD street price (2025-06-01)."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from gpudb.analysis import costs
from gpudb.cli import app
from gpudb.storage.build import build


@pytest.fixture
def prices_db(minimal_data, database_url) -> str:
    build(database_url, minimal_data)
    return database_url


def test_tflops_per_thousand_dollars_is_worked_by_hand():
    # 989.5 TFLOPS / $30,000 × 1,000 = 32.98 TFLOPS per $1,000
    derivation = costs.per_thousand(989.5, "BF16 dense TFLOPS", {"amount": 30000, "currency": "USD"})
    assert derivation.value == pytest.approx(32.983, abs=1e-3)
    assert derivation.working == "989.5 BF16 dense TFLOPS ÷ 30,000 USD × 1,000 = 32.98"


def test_a_reported_range_is_taken_at_its_midpoint():
    # $25,000–30,000 → 27,500; 989.5 / 27,500 × 1,000 = 35.98
    derivation = costs.per_thousand(989.5, "TFLOPS", {"amount": 25000, "amount_high": 30000, "currency": "USD"})
    assert derivation.value == pytest.approx(35.982, abs=1e-3)
    assert derivation.working == "989.5 TFLOPS ÷ 27,500 USD (the middle of 25,000–30,000) × 1,000 = 35.98"


def test_tflops_per_dollar_hour_uses_the_per_gpu_rate():
    # 98.32 USD per 8-GPU instance-hour = 12.29 per GPU-hour; 989.5 / 12.29 = 80.51 TFLOPS per $/GPU-hour
    price = {"amount": 98.32 / 8, "currency": "USD", "gpus_per_instance": 8}
    derivation = costs.per_hourly_rate(989.5, "TFLOPS", price)
    assert derivation.value == pytest.approx(80.513, abs=1e-3)
    assert derivation.working == "989.5 TFLOPS ÷ 12.29 USD/GPU-hour (÷ 8 GPUs per instance) = 80.51"


def test_the_price_as_of_a_day_is_the_latest_on_or_before_it():
    prices = [
        {"kind": "launch-list", "date": dt.date(2024, 3, 18), "amount": 1},
        {"kind": "reported-street", "date": dt.date(2025, 6, 1), "amount": 2},
        {"kind": "cloud-on-demand", "date": dt.date(2025, 1, 15), "amount": 3},
    ]
    purchase = costs.PURCHASE_KINDS
    assert costs.price_as_of(prices, dt.date(2025, 5, 31), purchase)["amount"] == 1
    assert costs.price_as_of(prices, dt.date(2025, 6, 1), purchase)["amount"] == 2  # on the day counts
    assert costs.price_as_of(prices, dt.date(2024, 3, 17), purchase) is None
    assert costs.price_as_of(prices, dt.date(2030, 1, 1), ("cloud-on-demand",))["amount"] == 3


def test_cost_metrics_name_their_price(prices_db):
    rows = [metric.as_dict() for metric in costs.cost_metrics(["X1"], on=dt.date(2025, 2, 1), url=prices_db)]
    by_metric = {row["metric"]: row for row in rows}
    # list price in force on 2025-02-01: 989.5 / 30,000 × 1,000 = 32.98; 141 GB / 30,000 × 1,000 = 4.70
    assert by_metric["bf16_per_kilo_price"]["value"] == pytest.approx(32.983, abs=1e-3)
    assert by_metric["memory_gb_per_kilo_price"]["value"] == pytest.approx(4.7)
    assert (by_metric["bf16_per_kilo_price"]["price_kind"], by_metric["bf16_per_kilo_price"]["source"]) == (
        "launch-list",
        "acme-datasheet",
    )
    # 24 USD / 8 GPUs = 3 USD per GPU-hour; 989.5 / 3 = 329.83
    hourly = by_metric["bf16_per_hourly_rate"]
    assert hourly["value"] == pytest.approx(329.833, abs=1e-3)
    assert (hourly["price_date"], hourly["unit"]) == (dt.date(2025, 1, 15), "TFLOPS per USD/GPU-hour")
    # on 2025-06-01 the street price takes over: 989.5 / 24,000 × 1,000 = 41.23
    later = costs.cost_metrics(["x1"], on=dt.date(2025, 6, 1), url=prices_db)[0]
    assert (later.price["kind"], round(later.derivation.value, 2)) == ("reported-street", 41.23)


def test_no_price_yet_is_said_not_zero(prices_db):
    (first, *_) = costs.cost_metrics(["x1"], on=dt.date(2024, 1, 1), url=prices_db)
    assert (first.derivation.value, first.derivation.working) == (
        None,
        "no purchase price dated on or before 2024-01-01",
    )


def test_currency_conversion_is_refused_for_want_of_sourced_rates(prices_db):
    with pytest.raises(costs.CurrencyConversionError) as caught:
        costs.cost_metrics(["x1"], currency="EUR", url=prices_db)
    assert str(caught.value) == (
        "cannot convert prices to EUR: data/ holds no sourced exchange rates, so gpudb shows each price in the "
        "currency it was published in"
    )


def test_compare_cost_shows_date_kind_and_source(prices_db):
    result = CliRunner().invoke(
        app, ["compare", "x1", "--cost", "--as-of", "2025-02-01", "--format", "markdown", "--db", prices_db]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "| chip | metric | value | unit | price | price_date | price_kind | where | source |",
        "|---|---|---|---|---|---|---|---|---|",
        "| x1 | BF16 per 1,000 of price | 32.98 | TFLOPS per 1,000 USD | 30,000 USD | 2024-03-18 | launch-list |  "
        "| acme-datasheet |",
        "| x1 | BF16 per hourly cloud rate | 329.83 | TFLOPS per USD/GPU-hour | 24 USD per instance-hour (8 GPUs) "
        "| 2025-01-15 | cloud-on-demand | Acme Cloud | test-news |",
        "| x1 | Memory per 1,000 of price | 4.70 | GB per 1,000 USD | 30,000 USD | 2024-03-18 | launch-list |  "
        "| acme-datasheet |",
    ]


def test_compare_cost_refuses_an_unknown_precision(prices_db):
    result = CliRunner().invoke(app, ["compare", "x1", "--cost", "--precision", "fp3", "--db", prices_db])
    assert (result.exit_code, result.output) == (
        2,
        "Error: unknown precision 'fp3'; valid precisions: fp64, tf32, bf16, fp16, fp8, int8, fp4\n",
    )


def test_prices_lists_a_chips_prices_by_kind(prices_db):
    result = CliRunner().invoke(app, ["prices", "x1", "--kind", "cloud-on-demand", "-f", "csv", "--db", prices_db])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "date,kind,amount,currency,unit,as_published,where,source",
        '2025-01-15,cloud-on-demand,3.0,USD,gpu-hour,24 USD per instance-hour (8 GPUs),"Acme Cloud, x1.8xlarge, '
        'test-1",test-news',
    ]
    unknown = CliRunner().invoke(app, ["prices", "x9", "--db", prices_db])
    assert unknown.exit_code == 3


def test_the_detail_page_has_the_price_table_and_its_json_twin(prices_db):
    from fastapi.testclient import TestClient

    from gpudb.web import create_app

    client = TestClient(create_app(prices_db))
    page = client.get("/accelerators/x1")
    assert page.status_code == 200
    assert '<h2 id="prices">Price history</h2>' in page.text
    assert '<td data-label="as published">24 USD per instance-hour (8 GPUs)</td>' in page.text
    assert '<td class="num" data-label="amount">3.00</td>' in page.text
    body = client.get("/api/accelerators/x1").json()
    assert [(p["date"], p["kind"], p["amount"]) for p in body["prices"]] == [
        ("2024-03-18", "launch-list", 30000.0),
        ("2025-01-15", "cloud-on-demand", 3.0),
        ("2025-06-01", "reported-street", 24000.0),
    ]
    assert [p["slug"] for p in body["plots"]][-1] == "prices"


def test_the_price_figures_carry_every_price():
    import pandas as pd

    from gpudb.plots.prices import price_history

    frame = pd.DataFrame(
        [
            {"kind": "launch-list", "date": dt.date(2024, 3, 18), "amount": 30000.0, "currency": "USD", "unit": "chip"},
            {"kind": "cloud-on-demand", "date": dt.date(2025, 1, 15), "amount": 3.0, "currency": "USD"}
            | {"unit": "gpu-hour"},
        ]
    ).assign(as_published="x", source_title="T", source_publisher="P", market=None, provider=None, instance=None)
    figure = price_history(frame, "X1 SXM")
    assert [(trace.name, trace.yaxis, list(trace.y)) for trace in figure.data] == [
        ("launch-list (USD per chip)", "y", [30000.0]),
        ("cloud-on-demand (USD/GPU-hour)", "y2", [3.0]),
    ]
    assert figure.layout.title.text == "Prices of X1 SXM by date"

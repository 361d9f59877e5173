"""The cloud on-demand rates in the real data/ (data/prices/cloud-*.yaml): each instance-hour rate divided by the
accelerators in the instance, the rate in force on a chosen day, and `gpudb compare --cost` naming the rate's date,
provider and source. Every expected figure is worked by hand from the price lists' own numbers (in the comments);
the as-of days are chosen between the rates' dates so that a rate added later on another day cannot change them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from gpudb.analysis import costs
from gpudb.cli import app
from gpudb.storage import query_prices


def on_demand(chip: str, real_db: str) -> dict[str, dict]:
    """The chip's on-demand rates, by instance type."""
    return {p["instance"]: p for p in query_prices.prices([chip], real_db) if p["kind"] == "cloud-on-demand"}


@pytest.mark.parametrize(
    ("chip", "instance", "per_gpu", "as_published"),
    [
        ("h100-sxm", "p5.48xlarge", 6.88, "55.04 USD per instance-hour (8 GPUs)"),  # 55.04 ÷ 8
        ("h200-sxm", "p5en.48xlarge", 7.912, "63.296 USD per instance-hour (8 GPUs)"),  # 63.296 ÷ 8
        ("a100-sxm-40gb", "p4d.24xlarge", 2.74470525, "21.957642 USD per instance-hour (8 GPUs)"),
        ("a100-sxm", "p4de.24xlarge", 3.43088125, "27.44705 USD per instance-hour (8 GPUs)"),
        ("trainium1", "trn1.32xlarge", 1.34375, "21.5 USD per instance-hour (16 GPUs)"),  # 21.5 ÷ 16
        ("inferentia2", "inf2.48xlarge", 1.0817725, "12.98127 USD per instance-hour (12 GPUs)"),  # ÷ 12
        ("a10g", "g5.xlarge", 1.006, "1.006 USD per instance-hour (1 GPU)"),
        ("l4", "g6.xlarge", 0.8048, "0.8048 USD per instance-hour (1 GPU)"),
    ],
)
def test_aws_instance_rates_are_stored_per_accelerator(real_db, chip, instance, per_gpu, as_published):
    price = on_demand(chip, real_db)[instance]
    assert (price["amount"], price["unit"], price["as_published"]) == (pytest.approx(per_gpu), "gpu-hour", as_published)
    assert (price["provider"], price["region"], price["date"]) == ("AWS", "us-east-1", dt.date(2026, 1, 21))
    assert (price["source_id"], price["source_kind"]) == ("vantage-ec2-instances-2026-01-21", "aggregator")


def test_google_a3_rate_is_the_machine_rate_divided_by_its_eight_h100s(real_db):
    rates = [p for p in query_prices.prices(["h100-sxm"], real_db) if p["instance"] == "a3-highgpu-8g"]
    # The same rate in the table's versions of 2024-05-30 and 2026-07-30, oldest first
    assert [price["date"] for price in rates] == [dt.date(2024, 5, 30), dt.date(2026, 7, 30)]
    for price in rates:
        # 88.4899999025753 USD per a3-highgpu-8g hour (GPUs, vCPUs, memory, local SSD) ÷ 8 = 11.0612499878 per GPU
        assert price["amount"] == pytest.approx(11.06125, abs=1e-6)
        assert price["as_published"] == "88.49 USD per instance-hour (8 GPUs)"
        assert (price["provider"], price["region"]) == ("Google Cloud", "us-central1")


def hourly(chip: str, on: dt.date, real_db: str) -> dict:
    (row,) = [m.as_dict() for m in costs.cost_metrics([chip], on=on, url=real_db) if m.key == "bf16_per_hourly_rate"]
    return row


def test_the_h100_rate_in_force_follows_the_clouds_by_date(real_db):
    # Before 2024-05-30 no on-demand rate (the AWS capacity-block rate of 2024-12-31 is reserved, not on demand)
    assert hourly("H100", dt.date(2024, 5, 29), real_db)["value"] is None
    # From 2024-05-30 Google's a3-highgpu-8g: 989.5 ÷ (88.4899999025753 ÷ 8 = 11.06125) = 89.46
    early = hourly("H100", dt.date(2026, 1, 20), real_db)
    assert (round(early["value"], 2), early["price_date"], early["source"]) == (
        89.46,
        dt.date(2024, 5, 30),
        "cyclenerd-gcp-pricing-2024-05-30",
    )
    # From 2026-01-21 AWS p5.48xlarge: 989.5 dense BF16 TFLOPS ÷ (55.04 ÷ 8 = 6.88) = 143.82
    aws = hourly("H100", dt.date(2026, 3, 1), real_db)
    assert (round(aws["value"], 2), aws["provider"], aws["price_date"]) == (143.82, "AWS", dt.date(2026, 1, 21))
    assert aws["working"] == "989.5 BF16 dense TFLOPS ÷ 6.88 USD/GPU-hour (÷ 8 GPUs per instance) = 143.82"
    # From 2026-07-30 Google's a3-highgpu-8g, written before the same day's a3-megagpu-8g: 989.5 ÷ 11.06125 = 89.46
    google = hourly("H100", dt.date(2026, 8, 1), real_db)
    assert (round(google["value"], 2), google["provider"], google["source"]) == (
        89.46,
        "Google Cloud",
        "cyclenerd-gcp-pricing-2026-07-30",
    )
    assert google["price"] == "88.49 USD per instance-hour (8 GPUs)"


def test_compare_cost_gives_each_chip_a_dated_sourced_cloud_rate(real_db):
    result = CliRunner().invoke(
        app, ["compare", "H100", "H200", "A100", "--cost", "--as-of", "2026-03-01", "-f", "json", "--db", real_db]
    )
    assert result.exit_code == 0, result.output
    rows = [row for row in json.loads(result.output) if row["metric"] == "bf16_per_hourly_rate"]
    assert [(r["accelerator_id"], round(r["value"], 2), r["price_date"], r["provider"], r["source"]) for r in rows] == [
        # 989.5 ÷ 6.88 = 143.82; 989.5 ÷ 7.912 = 125.06; 312 ÷ (27.44705 ÷ 8 = 3.43088125) = 90.94
        ("h100-sxm", 143.82, "2026-01-21", "AWS", "vantage-ec2-instances-2026-01-21"),
        ("h200-sxm", 125.06, "2026-01-21", "AWS", "vantage-ec2-instances-2026-01-21"),
        ("a100-sxm", 90.94, "2026-01-21", "AWS", "vantage-ec2-instances-2026-01-21"),
    ]
    assert {row["unit"] for row in rows} == {"TFLOPS per USD/GPU-hour"}


def test_compare_cost_table_shows_the_rate_its_date_and_source(real_db):
    result = CliRunner().invoke(
        app, ["compare", "H200", "--cost", "--as-of", "2026-03-01", "-f", "csv", "--db", real_db]
    )
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if "bf16_per_hourly_rate" in line]
    assert "63.296 USD per instance-hour (8 GPUs)" in line
    assert "2026-01-21" in line and "vantage-ec2-instances-2026-01-21" in line

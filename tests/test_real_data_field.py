"""The whole field (issue 18): spot checks per vendor against their sources, and the new statuses and flags
(not-disclosed, announced, dense/sparse unstated) through build, API, web, export, compare and plots."""

from __future__ import annotations

import pytest

from gpudb.storage import query

# Hand-checked against the cited source (each figure as the value's note quotes it).
SPOT_CHECKS = [
    ("v100-sxm2-16gb", "fp16_dense_tflops", 125),  # V100 datasheet: "Tensor Performance 125 TFLOPS" (SXM2)
    ("a100-sxm-40gb", "bf16_dense_tflops", 312),  # A100 datasheet: "BF16 Tensor Core 312 | 624*" → 312 dense
    ("l4", "fp8_dense_tflops", 242.5),  # L4: "FP8 Tensor Core 485 teraFLOPS*" with sparsity → 242.5
    ("h100-nvl", "bf16_dense_tflops", 835.5),  # H100 datasheet, NVL column: "1,671 TFLOPS*" with sparsity, halved
    ("b300", "memory_capacity_gb", 270),  # Blackwell Ultra datasheet, HGX B300 column: "270 GB"
    ("gb300", "fp4_dense_tflops", 15000),  # Blackwell Ultra datasheet, GB300: FP4 "15 PFLOPS" dense
    ("b200", "fp64_tflops", 37),  # current HGX page: 296 TFLOPS FP64 for 8 GPUs ÷ 8
    ("mi250x", "memory_capacity_gb", 128),  # AMD's MI250X table: 128 GB HBM2e
    ("mi100", "bf16_dense_tflops", 92.3),  # ROCm MI100 table: "Matrix BF16" 92.3 (half its FP16 184.6)
    ("gaudi2", "bf16_dense_tflops", 432),  # Intel Hot Chips 2024 deck: Gaudi 2 "BF16 432"
    ("trainium2", "fp8_dense_tflops", 1299),  # AWS Neuron docs: Trainium2 FP8 1,299 TFLOPS dense
    ("tpu-v4", "bf16_dense_tflops", 275),  # Cloud TPU v4: "Peak compute per chip 275 teraflops (bf16 or int8)"
    ("maia-100", "bf16_dense_tflops", 800),  # Maia 100 Hot Chips slide: "Peak Dense" BF16 800 TFLOPS
    ("br100", "memory_capacity_gb", 64),  # Biren BR100: 64 GB HBM2E
]


@pytest.mark.parametrize(("chip", "metric", "expected"), SPOT_CHECKS)
def test_spot_checks_per_vendor(real_db, chip, metric, expected):
    assert query.get(chip, real_db).value(metric) == pytest.approx(expected, rel=1e-3)


def test_at_least_80_accelerators_and_every_one_has_a_date(real_db):
    """Issue 18: every chip has a launch date entry (a value, or a status with a note saying what was searched)
    or an announcement date. The list of undated chips that this test once carried is empty."""
    chips = query.accelerators(real_db)
    assert len(chips) >= 80
    undated = set()
    for chip in chips:
        accelerator = query.get(chip["id"], real_db)
        stored = [v for v in accelerator.values if v.metric == "launch_date"]
        dated = any(v.status == "value" and v.source for v in stored) or any(v.note for v in stored)
        if not dated and accelerator.announced is None:
            undated.add(chip["id"])
    assert undated == set()


# Hand-checked against the sources' datelines and text (data/sources/launch-dates.yaml).
DATE_SPOT_CHECKS = [
    ("tpu-v3", "2018-05-08", "venturebeat-2018-05-08-tpu-v3"),  # "announced onstage at I/O", dated 8 May 2018
    ("trainium1", "2020-12-01", "zdnet-2020-12-01-trainium"),  # re:Invent 2020 report dated 1 December 2020
    ("trainium3", "2025-12-02", "thelettertwo-2025-12-02-trainium3"),  # Trn3 UltraServers "now generally available"
]


@pytest.mark.parametrize(("chip", "day", "source"), DATE_SPOT_CHECKS)
def test_launch_date_spot_checks(real_db, chip, day, source):
    [entry] = [v for v in query.get(chip, real_db).values if v.metric == "launch_date"]
    assert (entry.value, entry.status, entry.source and entry.source.id) == (day, "value", source)


def test_a_month_without_a_day_stays_a_status_with_its_note(real_db):
    # The Register gives only "June" for the China-only Gaudi 3 HL-328: no day is made up
    [entry] = [v for v in query.get("gaudi3-hl328", real_db).values if v.metric == "launch_date"]
    assert (entry.value, entry.status) == (None, "unknown")
    assert entry.note is not None and "June 2024" in entry.note


# Issue 18's four headline metrics: compute, memory capacity, memory bandwidth and power. Compute is met by any
# tensor throughput figure (dense, or stored with its convention unstated), or by a status of BF16 with a note.
TENSOR_METRICS = {
    "tf32_dense_tflops", "bf16_dense_tflops", "fp16_dense_tflops", "fp8_dense_tflops", "int8_dense_tops",
    "fp4_dense_tflops",
}  # fmt: skip
HEADLINE = {
    "compute": (TENSOR_METRICS, "bf16_dense_tflops"),
    "memory capacity": ({"memory_capacity_gb"}, "memory_capacity_gb"),
    "memory bandwidth": ({"memory_bandwidth_tbs"}, "memory_bandwidth_tbs"),
    "power": ({"tdp_w"}, "tdp_w"),
}


def headline_gaps(accelerator) -> list[str]:
    """The headline metrics of one chip with neither a sourced value nor a status with a note."""
    gaps = []
    for name, (value_metrics, status_metric) in HEADLINE.items():
        sourced = any(
            v.metric in value_metrics and v.status in ("value", "convention-unstated") and v.source
            for v in accelerator.values
        )
        explained = any(
            v.metric == status_metric and v.status not in ("value", "convention-unstated") and v.note
            for v in accelerator.values
        )
        if not (sourced or explained):
            gaps.append(name)
    return gaps


def test_every_chip_has_compute_memory_bandwidth_and_power_or_a_status_with_a_note(real_db):
    gaps = {}
    for chip in query.accelerators(real_db):
        missing = headline_gaps(query.get(chip["id"], real_db))
        if missing:
            gaps[chip["id"]] = missing
    assert gaps == {}


def test_headline_gaps_finds_a_missing_or_unexplained_metric(real_db):
    """The check above can fail: a chip stripped of its bandwidth, or left with a status but no note, is a gap."""
    h20 = query.get("h20", real_db)
    assert headline_gaps(h20) == []
    no_bandwidth = h20.model_copy(update={"values": [v for v in h20.values if v.metric != "memory_bandwidth_tbs"]})
    assert headline_gaps(no_bandwidth) == ["memory bandwidth"]
    b30a = query.get("b30a", real_db)  # every headline metric of the B30A is not-disclosed, each with a note
    assert headline_gaps(b30a) == []
    silent = [v.model_copy(update={"note": None}) if v.metric == "tdp_w" else v for v in b30a.values]
    assert headline_gaps(b30a.model_copy(update={"values": silent})) == ["power"]


def test_not_disclosed_travels_through_build_api_and_export(real_db, tmp_path):
    # AWS and NVIDIA publish no A10G throughput (AWS's G5 page gives memory only)
    a10g = query.get("a10g", real_db)
    assert a10g.status("bf16_dense_tflops") == "not-disclosed"
    from gpudb.dataset_export import export

    written = export(tmp_path, "csv", real_db)
    values = next(path for path in written if path.name.startswith("values")).read_text()
    assert "a10g,bf16_dense_tflops" in values and "not-disclosed" in values
    # the web: the detail page says it in words, its JSON twin and the table API by the status
    from fastapi.testclient import TestClient

    from gpudb.web import create_app

    client = TestClient(create_app(real_db))
    page = client.get("/accelerators/a10g").text
    assert "not disclosed" in page
    twin = client.get("/api/accelerators/a10g").json()
    assert {v["metric"]: v["status"] for v in twin["values"]}["bf16_dense_tflops"] == "not-disclosed"
    table = client.get("/api/accelerators?columns=bf16_dense_tflops&q=a10g").json()
    assert [row["cells"]["bf16_dense_tflops"]["status"] for row in table["rows"]] == ["not-disclosed"]


def test_announced_parts_are_marked_in_plots_and_kept_out_of_dense_ones(real_db):
    from gpudb.plots import figures
    from gpudb.plots.frames import make_figure, points

    assert query.get("rubin", real_db).availability == "announced"
    # Rubin's compute figures are of unstated convention or not disclosed: it stays out of a dense plot, named
    dense = make_figure("timeline", ["b200", "rubin"], url=real_db)
    assert [trace.name for trace in dense.data if trace.name] == ["NVIDIA"]
    # an announced part that has the figures is drawn hollow, at its announcement date, labelled "(announced)"
    frame = points(real_db, ["b200", "h200-sxm"])
    frame.loc["h200-sxm", ["availability", "announced", "launch_date"]] = ["announced", "2023-11-13", None]
    figure = figures.timeline(frame)
    symbols = [s for trace in figure.data for s in (trace.marker.symbol or [])]
    texts = [t for trace in figure.data for t in (trace.text or [])]
    assert sorted(symbols) == ["circle", "circle-open"]
    assert "H200 SXM (announced)" in texts


def test_unstated_figures_stay_out_of_tpp_unless_asked(real_db):
    from gpudb.analysis.comparison import compare

    # 910C: Huawei's FP16 800 TFLOPS prints no dense/sparse convention; The Register's dense BF16 is 752
    frame = compare(["910C", "H20"], metrics=["fp16_dense_tflops", "tpp"], url=real_db).set_index("metric")
    assert frame.attrs["status"]["ascend-910c"]["fp16_dense_tflops"] == "convention-unstated"
    assert frame.loc["tpp", "ascend-910c"] == 12032  # 752 × 16
    asked = compare(["910C", "H20"], metrics=["tpp"], url=real_db, include_unstated=True).set_index("metric")
    assert asked.loc["tpp", "ascend-910c"] == 12800  # 800 × 16, used only on request


def test_a_chip_caught_only_by_3a090_b2_on_the_real_october_2023_rule(real_db):
    """3A090.b has two tests; a hand-made chip that fails the first (TPP under 2,400) but meets the second
    (TPP ≥ 1,600 and performance density 3.2 to under 5.92) is controlled under 3A090.b.2."""
    from gpudb.analysis.export_controls import classify

    rule = next(r for r in query.rules(real_db) if r["id"] == "us-2023-10-advanced-computing")
    chip = {"id": "handmade", "data_center": True}
    # 250 TFLOPS FP8 dense × 8 bits = TPP 2,000; 2,000 ÷ 500 mm² = PD 4.0
    values = {"fp8_dense_tflops": 250.0, "die_area_mm2": 500.0}
    result = classify(rule, chip, values, ["handmade"])
    assert (result.outcome, result.paragraph) == ("controlled", "3A090.b.2")
    # the same chip not designed for data centres: only TPP ≥ 4,800 counts (3A090.a.1), so not controlled
    consumer = classify(rule, {"id": "handmade", "data_center": False}, values, ["handmade"])
    assert consumer.outcome == "not-controlled"


def test_the_h100_nvl_classification_follows_its_re_verified_tpp(real_db):
    """The H100 NVL's per-card figures (H100 datasheet, NVL column) give TPP 13,364 (1,670.5 × 8), not the SXM's
    15,832 it carried before: still 3A090.a.1 (≥ 4,800), and inside the January 2026 case-by-case box."""
    from gpudb.analysis.export_controls import export_status

    results = {r.rule_id: r for r in export_status("h100-nvl", url=real_db)}
    assert results["us-2023-10-advanced-computing"].paragraph == "3A090.a.1"
    assert any("13,364" in line for line in results["us-2023-10-advanced-computing"].working)


# Every device key of the peer tables (data/peers/<peer>.yaml, each transcribed from the repository and commit it
# names: composer mosaicml/composer, lightning Lightning-AI/pytorch-lightning, nanochat karpathy/nanochat, nanogpt
# karpathy/nanoGPT, olmo-core allenai/OLMo-core, torchtitan pytorch/torchtitan, levanter stanford-crfm/levanter,
# marin marin-community/marin, nemo-rl NVIDIA-NeMo/RL, trl huggingface/trl) and the chip it means, written by hand
# from what each project's code says the key is for. NO_SINGLE_CHIP resolves to no chip: the key stands for several
# chips, with the reason. Every key that names one chip resolves to it (the last two that did not, nanochat's
# "h800 nvl" and Marin's "gb10", resolve since h800-nvl and gb10 were added).
NO_SINGLE_CHIP = None
PEER_KEYS = {
    ("composer", "a10"): "a10",
    ("composer", "a100"): "a100-sxm",
    ("composer", "h100-pcie"): "h100-pcie",
    ("composer", "h100-sxm"): "h100-sxm",
    ("composer", "h200-sxm"): "h200-sxm",
    ("composer", "t4"): "t4",
    ("composer", "trn1"): "trainium1",
    ("composer", "v100-pcie"): "v100-pcie-16gb",
    ("composer", "v100-sxm"): "v100-sxm2-16gb",  # 16 and 32 GB modules share every peak; as plain "V100 SXM2"
    ("composer", "v100s-pcie"): "v100s-pcie",
    ("lightning", "a100"): "a100-sxm",
    ("lightning", "a10g"): "a10g",
    ("lightning", "a40"): "a40",
    ("lightning", "a6000"): "rtx-a6000",
    ("lightning", "h100 nvl"): "h100-nvl",
    ("lightning", "h100 pcie"): "h100-pcie",
    ("lightning", "h100 sxm"): "h100-sxm",
    ("lightning", "h200 nvl1"): "h200-nvl",
    ("lightning", "h200 sxm1"): "h200-sxm",
    ("lightning", "l4"): "l4",
    ("lightning", "l40"): "l40",
    ("lightning", "quadro rtx 5000"): "quadro-rtx-5000",
    ("lightning", "rtx 2070 super"): "rtx-2070-super",
    ("lightning", "rtx 2080"): "rtx-2080",  # not the 2080 Ti or 2080 SUPER: a prefix of a name is not a match
    ("lightning", "rtx 2080 super"): "rtx-2080-super",
    ("lightning", "rtx 2080 ti"): "rtx-2080-ti",
    ("lightning", "rtx 3070"): "rtx-3070",
    ("lightning", "rtx 3080"): "rtx-3080",  # the 10 GB card; the 12 GB one is not held
    ("lightning", "rtx 3080 ti"): "rtx-3080-ti",
    ("lightning", "rtx 3090"): "rtx-3090",
    ("lightning", "rtx 3090 ti"): "rtx-3090-ti",
    ("lightning", "rtx 4080"): "rtx-4080",
    ("lightning", "rtx 4080 super"): "rtx-4080-super",
    ("lightning", "rtx 4090"): "rtx-4090",
    ("lightning", "t4"): "t4",
    ("lightning", "titan rtx"): "titan-rtx",
    ("lightning", "v100 pcie"): "v100-pcie-16gb",
    ("lightning", "v100 sxm"): "v100-sxm2-16gb",
    ("lightning", "v100s pcie"): "v100s-pcie",
    ("nanochat", "gb200"): "gb200",
    ("nanochat", "grace blackwell"): "gb200",  # nanochat's second substring for its GB200 row
    ("nanochat", "b200"): "b200",
    ("nanochat", "b100"): "b100",
    ("nanochat", "h200 nvl"): "h200-nvl",
    ("nanochat", "h200 pcie"): "h200-nvl",  # the H200's PCIe card is the NVL
    ("nanochat", "h200"): "h200-sxm",
    ("nanochat", "h100 nvl"): "h100-nvl",
    ("nanochat", "h100 pcie"): "h100-pcie",
    ("nanochat", "h100"): "h100-sxm",
    ("nanochat", "h800 nvl"): "h800-nvl",  # driver README 233A; held with its figures not-disclosed
    ("nanochat", "h800 pcie"): "h800-pcie",
    ("nanochat", "h800"): "h800-sxm",  # nanochat gives it the PCIe figure: crosscheck reports other-sku
    ("nanochat", "a100"): "a100-sxm",
    ("nanochat", "a800"): "a800-sxm",
    ("nanochat", "a40"): "a40",
    ("nanochat", "a30"): "a30",
    ("nanochat", "l40s"): "l40s",
    ("nanochat", "l40-s"): "l40s",
    ("nanochat", "l40 s"): "l40s",
    ("nanochat", "l4"): "l4",
    ("nanochat", "mi355"): "mi355x",
    ("nanochat", "mi325"): "mi325x",
    ("nanochat", "mi300x"): "mi300x",
    ("nanochat", "mi300a"): "mi300a",
    ("nanochat", "mi250x"): "mi250x",
    ("nanochat", "mi250"): "mi250",
    ("nanochat", "5090"): "rtx-5090",  # substring of "NVIDIA GeForce RTX 5090"; no other chip held contains it
    ("nanochat", "4090"): "rtx-4090",
    ("nanochat", "3090"): "rtx-3090",  # also a substring of "RTX 3090 Ti"; nanochat's figures are the 3090's
    ("nanogpt", "A100"): "a100-sxm",
    ("olmo-core", "A100"): "a100-sxm",
    ("olmo-core", "B200"): "b200",
    ("olmo-core", "H100"): "h100-sxm",
    ("olmo-core", "H100 NVL"): "h100-nvl",
    ("olmo-core", "H100 PCIe"): "h100-pcie",
    ("torchtitan", "A100"): "a100-sxm",
    ("torchtitan", "A6000"): "rtx-a6000",
    ("torchtitan", "B200"): "b200",
    ("torchtitan", "B300"): "b300",
    ("torchtitan", "GB200"): "gb200",
    ("torchtitan", "GB300"): "gb300",
    ("torchtitan", "H100 NVL"): "h100-nvl",
    ("torchtitan", "H100 PCIe"): "h100-pcie",
    ("torchtitan", "H100"): "h100-sxm",
    ("torchtitan", "H20"): "h20",
    ("torchtitan", "H200"): "h200-sxm",
    ("torchtitan", "MI250X"): "mi250x",
    ("torchtitan", "MI300X"): "mi300x",
    ("torchtitan", "MI325X"): "mi325x",
    ("torchtitan", "MI355X"): "mi355x",
    ("torchtitan", "TPU v4"): "tpu-v4",
    ("torchtitan", "TPU v5e"): "tpu-v5e",
    ("torchtitan", "TPU v5p"): "tpu-v5p",
    ("torchtitan", "TPU v6e"): "tpu-v6e",
    ("torchtitan", "TPU v7"): "tpu7x",
    ("torchtitan", "l40s"): "l40s",
    ("torchtitan", "trn1"): "trainium1",
    ("torchtitan", "trn2"): "trainium2",
    # levanter: stanford-crfm/levanter src/levanter/utils/flop_utils.py; keys are _simplify_device_kind()'s names
    ("levanter", "a10"): "a10",
    ("levanter", "a100"): "a100-sxm",  # its comment: "sxm and pcie have same flop counts"
    ("levanter", "a40"): "a40",
    ("levanter", "a6000"): "rtx-a6000",
    ("levanter", "h100-pcie"): "h100-pcie",  # any H100 whose name has neither sxm nor hbm3
    ("levanter", "h100-sxm"): "h100-sxm",
    ("levanter", "h200-sxm"): "h200-sxm",
    ("levanter", "t4"): "t4",
    ("levanter", "tpu v3"): "tpu-v3",  # lower-cased JAX device_kinds from here on
    ("levanter", "tpu v4"): "tpu-v4",
    ("levanter", "tpu v5"): "tpu-v5p",  # JAX's "TPU v5" is the v5p (jax tpu_info.py)
    ("levanter", "tpu v5 lite"): "tpu-v5e",
    ("levanter", "tpu v6 lite"): "tpu-v6e",
    ("levanter", "trn1"): "trainium1",
    ("levanter", "v100-pcie"): "v100-pcie-16gb",
    ("levanter", "v100-sxm"): "v100-sxm2-16gb",
    ("levanter", "v100s-pcie"): "v100s-pcie",
    # marin: marin-community/marin lib/fray/src/fray/device_flops.py; keys are fray device types
    ("marin", "a10"): "a10",
    ("marin", "a100"): "a100-sxm",  # fray calls it the 40G variant; the name resolves to the 80 GB SXM4, same peaks
    ("marin", "a100-40g"): NO_SINGLE_CHIP,  # any A100 with 40g (SXM4 or PCIe), or with no memory in its name
    ("marin", "a100-80g"): NO_SINGLE_CHIP,  # not one chip: a100-sxm or a100-pcie-80gb (ambiguous)
    ("marin", "a10g"): "a10g",  # fray gives it the A10's figures: crosscheck reports other-sku
    ("marin", "a40"): "a40",
    ("marin", "a6000"): "rtx-a6000",
    ("marin", "b100"): "b100",  # "approximate with H100 until specs available": other-sku
    ("marin", "b200"): "b200",  # also what fray makes of "NVIDIA GB200", with GB200 NVL72 figures: other-sku
    ("marin", "gb10"): "gb10",  # NVIDIA GB10 (DGX Spark)
    ("marin", "h100"): "h100-sxm",  # any H100 without pcie in its name
    ("marin", "h100-pcie"): "h100-pcie",
    ("marin", "h200"): "h200-sxm",
    ("marin", "l4"): "l4",
    ("marin", "l40s"): "l40s",
    ("marin", "t4"): "t4",
    ("marin", "trn1"): "trainium1",
    ("marin", "v100"): "v100-sxm2-16gb",  # fray's key for a non-SXM V100 (the PCIe figures): other-sku
    ("marin", "v100-sxm"): "v100-sxm2-16gb",
    ("marin", "v100s"): "v100s-pcie",
    ("marin", "v3"): "tpu-v3",
    ("marin", "v4"): "tpu-v4",
    ("marin", "v5"): NO_SINGLE_CHIP,  # a v5p row fray's conversion never yields; a bare "v5" was not seen reported
    ("marin", "v5litepod"): "tpu-v5e",
    ("marin", "v5p"): "tpu-v5p",
    ("marin", "v6e"): "tpu-v6e",
    # nemo-rl: NVIDIA-NeMo/RL nemo_rl/utils/flops_tracker.py; keys are torch.cuda.get_device_name() strings
    ("nemo-rl", "NVIDIA A100 80GB PCIe"): "a100-pcie-80gb",
    ("nemo-rl", "NVIDIA B200"): "b200",
    ("nemo-rl", "NVIDIA B300"): "b300",
    ("nemo-rl", "NVIDIA GB200"): "gb200",
    ("nemo-rl", "NVIDIA GB300"): "gb300",
    ("nemo-rl", "NVIDIA H100 80GB HBM3"): "h100-sxm",
    ("nemo-rl", "NVIDIA H200"): "h200-sxm",
    # trl: huggingface/trl trl/trainer/utils.py; compute_mfu's default, "Defaults to H100 SXM5"
    ("trl", "H100 SXM5"): "h100-sxm",
}


def test_every_peer_key_resolves_to_the_chip_it_means(real_db):
    """Issue 18: each device key of the peer tables resolves through crosscheck's lookup to the hand-written chip,
    and the list above is the whole set of keys (a new key fails here until it is listed)."""
    from gpudb.analysis.crosscheck import classify, peer_rows

    resolved = {(row["peer"], row["key"]): row["accelerator_id"] for row in classify(peer_rows(), real_db)}
    assert set(resolved) == set(PEER_KEYS)
    wrong = {key: (got, PEER_KEYS[key]) for key, got in resolved.items() if got != PEER_KEYS[key]}
    assert wrong == {}


def test_a_peer_figure_exactly_two_percent_off_agrees(real_db):
    """NeMo RL's GB200 BF16 is written 4900 / 2 = 2,450 TFLOPS against the datasheet's 2,500: 2.0% apart, the
    tolerance's edge, which agrees (the float quotient 0.020000000000000018 once read as just outside)."""
    from gpudb.analysis.crosscheck import classify, peer_rows

    [row] = [
        r for r in classify(peer_rows("nemo-rl"), real_db) if (r["key"], r["precision"]) == ("NVIDIA GB200", "bf16")
    ]
    assert row["verdict"] == "agrees"


def test_a_peer_fp64_figure_that_is_the_tensor_rate_is_other_metric_not_a_board(real_db):
    """Composer's H200 FP64 is 67e12: the H200's FP64 Tensor rate (67), not a pair of its 34 TFLOPS FP64 (which the
    board factors would otherwise say)."""
    from gpudb.analysis.crosscheck import classify, peer_rows

    [row] = [r for r in classify(peer_rows("composer"), real_db) if (r["key"], r["precision"]) == ("h200-sxm", "fp64")]
    assert (row["verdict"], row["gpudb_value"], row["matched"]) == ("other-metric", 34.0, "fp64_tensor_tflops (67)")


def test_a_peer_note_explains_a_key_that_resolves_to_no_chip(real_db):
    """The transcriber's note follows the not-in-gpudb verdict: Marin's a100-40g names no single chip."""
    from gpudb.analysis.crosscheck import classify, peer_rows

    [row] = [r for r in classify(peer_rows("marin"), real_db) if (r["key"], r["precision"]) == ("a100-40g", "bf16")]
    assert row["verdict"] == "not-in-gpudb"
    assert row["note"].startswith("no device name or accelerator name matches; Not one chip: fray's key for any A100")


def test_the_h800_nvl_is_held_but_its_peak_is_not_disclosed(real_db):
    """nanochat's "h800 nvl" now resolves through the driver's name, and asking for its peak says why there is
    none instead of failing on the missing number; the 989 TFLOPS the table gives it is another SKU's figure."""
    from gpudb.analysis.crosscheck import classify, peer_rows
    from gpudb.analysis.devices import UnsupportedPrecisionError, lookup_device, peak_flops

    assert lookup_device("NVIDIA H800 NVL", url=real_db).accelerator_id == "h800-nvl"
    with pytest.raises(UnsupportedPrecisionError, match=r"^h800-nvl's dense BF16 peak is not disclosed: NVIDIA has"):
        peak_flops("NVIDIA H800 NVL", "bf16", real_db)
    assert query.get("h800-nvl", real_db).value("memory_capacity_gb") == 94  # "H800 PCIe 94GB (H800 NVL)"
    [row] = [r for r in classify(peer_rows("nanochat"), real_db) if r["key"] == "h800 nvl"]
    assert (row["accelerator_id"], row["verdict"]) == ("h800-nvl", "other-sku")
    assert "h100-sxm (989.5)" in row["matched"]


# Hand-checked against the cited tables: the Turing in-depth post's Table 1 (RTX 2080 Ti, reference card), the
# V100 datasheet's V100S PCIe column (cx2a/Guts copy), and the T4 spec database entry.
PEER_CHIP_SPOT_CHECKS = [
    ("rtx-2080-ti", "fp16_dense_tflops", 53.8),  # "Peak FP16 Tensor TFLOPS with FP32 Accumulate" 53.8 / 56.9 (FE)
    ("rtx-2080-ti", "int8_dense_tops", 215.2),  # "Peak INT8 Tensor TOPS" 215.2 / 227.7
    ("rtx-2080-ti", "memory_bandwidth_tbs", 0.616),  # "Memory Bandwidth (GB/sec) 616"
    ("v100s-pcie", "fp16_dense_tflops", 130),  # "Tensor Performance ... 130 TFLOPS"
    ("v100s-pcie", "memory_bandwidth_tbs", 1.134),  # "1134 GB/sec"
    ("t4", "memory_bandwidth_tbs", 0.32),  # "Bandwidth 320.0 GB/s"
    ("t4", "tdp_w", 70),  # "TDP 70 W"
    # GeForce/TITAN/Quadro cards (data/sources/nvidia-geforce.yaml): the GA102 whitepaper as quoted, Tom's Hardware's
    # tables, the Quadro RTX 5000 datasheet copy, TweakTown's RTX 3090 Ti report
    ("rtx-3090", "fp16_dense_tflops", 71),  # "Peak FP16 Tensor TFLOPS with FP32 Accumulate: 71", not the FP16-acc 142
    ("rtx-3090", "memory_bandwidth_tbs", 0.936),  # "Memory Bandwidth (GB/sec): 936"
    ("rtx-3080", "memory_bandwidth_tbs", 0.76),  # "760 GBps"
    ("rtx-3070", "tdp_w", 220),  # "TDP ... 220W"
    ("rtx-3090-ti", "memory_bandwidth_tbs", 1.008),  # "1008GB/sec"
    ("titan-rtx", "memory_bandwidth_tbs", 0.672),  # "672 GB/s"
    ("quadro-rtx-5000", "fp16_dense_tflops", 89.2),  # "Tensor Performance 89.2 TFLOPS"
    ("quadro-rtx-5000", "tdp_w", 230),  # "Total graphics power: 230 W" (board power 265 W)
    # NVIDIA's DGX Spark hardware overview (a stored copy of docs.nvidia.com/dgx/dgx-spark/hardware.html)
    ("gb10", "fp4_dense_tflops", 500),  # "up to 1 PFLOP (petaFLOP) at FP4 precision with sparsity": 1,000 / 2
    ("gb10", "memory_capacity_gb", 128),  # "128 GB LPDDR5x unified system memory"
    ("gb10", "memory_bandwidth_tbs", 0.273),  # "273 GB/s bandwidth"
    ("gb10", "tdp_w", 140),  # "GB10 SOC Thermal Design Power (TDP) is 140W" (the 240 W supply is the whole box's)
]


def test_gb10_fp4_peak_is_nvidias_sparse_petaflop_halved(real_db):
    """The driver's "NVIDIA GB10" is the chip; NVIDIA's only throughput figure for it is 1 PFLOP of FP4 with
    sparsity, which is stored as 500 TFLOPS dense and says so, and it has no BF16 figure to be an MFU base."""
    from gpudb.analysis.devices import UnsupportedPrecisionError, lookup_device, peak_flops

    assert lookup_device("NVIDIA GB10", url=real_db).accelerator_id == "gb10"
    peak = peak_flops("NVIDIA GB10", "fp4", real_db)
    assert (peak.flops, peak.as_published, peak.sparse_in_source) == (500e12, "1 PFLOPS", True)
    with pytest.raises(UnsupportedPrecisionError, match=r"^no dense BF16 peak is published for gb10$"):
        peak_flops("gb10", "bf16", real_db)


@pytest.mark.parametrize(("chip", "metric", "expected"), PEER_CHIP_SPOT_CHECKS)
def test_spot_checks_of_the_chips_added_for_peer_keys(real_db, chip, metric, expected):
    assert query.get(chip, real_db).value(metric) == pytest.approx(expected, rel=1e-3)


def test_turing_has_no_bf16_so_its_peak_says_why(real_db):
    from gpudb.analysis.devices import UnsupportedPrecisionError, peak_flops

    with pytest.raises(UnsupportedPrecisionError, match=r"^rtx-2080-ti does not support BF16 \(per NVIDIA Turing"):
        peak_flops("NVIDIA GeForce RTX 2080 Ti", "bf16", real_db)
    assert peak_flops("Tesla T4", "fp16", real_db).tflops == pytest.approx(65.13)

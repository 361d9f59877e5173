"""Write a synthetic catalogue shaped like data/: N accelerators, each ~30 values (some from two sources).

    python benchmarks/generate.py OUT_DIR N                  # N synthetic chips
    python benchmarks/generate.py OUT_DIR N --with-data data  # and the real catalogue beside them (rules, claims,
                                                              # the H20 baseline: detail pages then draw a profile)

The files pass `gpudb check`: every value has a unit and a source, tensor figures say dense or sparse, and
values sit inside the catalogue's plausible bounds. Numbers are pseudo-random but reproducible (seeded by N).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

VENDORS = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vehement", "Soylent", "Tyrell")
SOURCES_PER_VENDOR = 20


def chip_yaml(index: int, vendor: str, rng: random.Random) -> str:
    """One accelerator file: identity and 24 metrics, six of them from two sources that disagree a little."""
    fp8 = rng.uniform(100, 5000)
    source = f"{vendor.lower()}-doc-{index % SOURCES_PER_VENDOR}"
    other = f"{vendor.lower()}-report-{index % SOURCES_PER_VENDOR}"
    values = {
        "fp64_tflops": f"{fp8 / 50:.1f} TFLOPS",
        "fp64_tensor_tflops": f"{fp8 / 40:.1f} TFLOPS",
        "fp32_tflops": f"{fp8 / 30:.1f} TFLOPS",
        "tf32_dense_tflops": f"{fp8 / 4:.1f} TFLOPS",
        "bf16_dense_tflops": f"{fp8 / 2:.1f} TFLOPS",
        "fp16_dense_tflops": f"{fp8 / 2:.1f} TFLOPS",
        "fp8_dense_tflops": f"{fp8:.1f} TFLOPS",
        "int8_dense_tops": f"{fp8:.1f} TOPS",
        "memory_capacity_gb": f"{rng.choice((24, 48, 80, 96, 141, 192, 288))} GB",
        "memory_bandwidth_tbs": f"{rng.uniform(0.5, 8):.2f} TB/s",
        "memory_type": rng.choice(("HBM2e", "HBM3", "HBM3e", "GDDR6")),
        "interconnect_bandwidth_gbs": f"{rng.choice((64, 400, 600, 900, 1800))} GB/s",
        "pcie_generation": rng.choice((4, 5, 6)),
        "pcie_bandwidth_gbs": f"{rng.choice((64, 128, 256))} GB/s",
        "tdp_w": f"{rng.randrange(75, 1400)} W",
        "compute_units": rng.randrange(40, 300),
        "die_count": rng.choice((1, 1, 2)),
        "die_area_mm2": f"{rng.uniform(300, 1700):.0f} mm²",
        "transistors_billion": f"{rng.uniform(20, 210):.1f} billion",
        "process_node": rng.choice(("TSMC N4", "TSMC N5", "Samsung 8N")),
        "launch_date": f"20{rng.randrange(18, 26)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        "launch_price_usd": f"{rng.randrange(2000, 40000)} USD",
    }
    lines = [
        f"id: chip-{index:05d}",
        f"vendor: {vendor}",
        f"name: {vendor} Chip {index}",
        f"aliases: [{vendor} C{index}]",
        f"architecture: Gen{index % 7}",
        f"form_factor: {rng.choice(('SXM5', 'PCIe', 'OAM'))}",
        "data_center: true",
        f"china_specific: {'true' if index % 11 == 0 else 'false'}",
        "specs:",
    ]
    for position, (key, value) in enumerate(values.items()):
        sparsity = "\n    sparsity: dense" if key.endswith(("_dense_tflops", "_dense_tops")) else ""
        value_text = f'"{value}"' if isinstance(value, str) and value[:1].isdigit() and "-" in value else value
        if position % 3 == 0 and isinstance(value, str) and value[:1].isdigit() and " " in value:
            number, unit = value.split(" ", 1)
            second = f"{float(number) * 1.03:.2f} {unit}"
            lines += [
                f"  {key}:",
                f"    - value: {value}{sparsity.replace(chr(10) + '    ', chr(10) + '      ')}",
                f"      source: {source}",
                f"    - value: {second}{sparsity.replace(chr(10) + '    ', chr(10) + '      ')}",
                f"      source: {other}",
            ]
        else:
            lines += [f"  {key}:", f"    value: {value_text}{sparsity}", f"    source: {source}"]
    return "\n".join(lines) + "\n"


def sources_yaml(vendor: str) -> str:
    entries = []
    for number in range(SOURCES_PER_VENDOR):
        for kind, stem in (("vendor-datasheet", "doc"), ("trade-press", "report")):
            entries.append(
                f"- id: {vendor.lower()}-{stem}-{number}\n"
                f"  title: {vendor} synthetic document {stem} {number}\n"
                f"  publisher: {vendor}\n"
                f"  url: https://example.com/{vendor.lower()}/{stem}-{number}\n"
                "  published: 2025-01-01\n"
                "  accessed: 2026-11-25\n"
                f"  kind: {kind}\n"
                "  read: original\n"
            )
    return "".join(entries)


def generate(out_dir: Path, count: int) -> Path:
    """Write `count` accelerators (and their sources) into out_dir/data; returns that data folder."""
    data = out_dir / "data"
    shutil.rmtree(data, ignore_errors=True)
    rng = random.Random(count)
    for vendor in VENDORS:
        (data / "accelerators" / vendor.lower()).mkdir(parents=True)
    (data / "sources").mkdir(parents=True)
    for vendor in VENDORS:
        (data / "sources" / f"{vendor.lower()}.yaml").write_text(sources_yaml(vendor))
    for index in range(count):
        vendor = VENDORS[index % len(VENDORS)]
        (data / "accelerators" / vendor.lower() / f"chip-{index:05d}.yaml").write_text(chip_yaml(index, vendor, rng))
    return data


def add_real_data(data: Path, real: Path) -> None:
    """Copy the real data folder's files into the synthetic one (none of their names are the synthetic ones')."""
    for path in sorted(real.rglob("*")):
        target = data / path.relative_to(real)
        if path.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="the folder to write data/ into (its data/ is replaced)")
    parser.add_argument("count", type=int, help="how many synthetic accelerators")
    parser.add_argument("--with-data", type=Path, metavar="DATA", help="a real data folder to copy in beside them")
    arguments = parser.parse_args()
    data = generate(arguments.out_dir, arguments.count)
    if arguments.with_data:
        add_real_data(data, arguments.with_data)
    print(data)


if __name__ == "__main__":
    main()

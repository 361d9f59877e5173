"""Epoch AI's Machine Learning Hardware CSV (ml_hardware.csv, CC BY 4.0) read as peer rows for the cross-check."""

from __future__ import annotations

import csv
from pathlib import Path

from gpudb.analysis.crosscheck import PeerRow
from gpudb.errors import InvalidArgumentError

NAME_COLUMN = "Hardware name"
# Epoch's columns (SI base units, no dense/sparse flag) → the precision each gives and its unit
COLUMNS = {
    "FP32 (single precision) performance (FLOP/s)": ("fp32", "FLOP/s"),
    "TF32 (TensorFloat-32) performance (FLOP/s)": ("tf32", "FLOP/s"),
    "Tensor-FP16/BF16 performance (FLOP/s)": ("bf16", "FLOP/s"),
    "FP8 performance (FLOP/s)": ("fp8", "FLOP/s"),
    "FP4 performance (FLOP/s)": ("fp4", "FLOP/s"),
    "INT8 performance (OP/s)": ("int8", "OP/s"),
    "Memory bandwidth (byte/s)": ("memory-bandwidth", "byte/s"),
}


def epoch_rows(path: Path) -> list[PeerRow]:
    """One row per hardware name and filled figure column; a cell that is not a number is a located error."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidArgumentError(f"cannot read {path}: {error}") from error
    reader = csv.DictReader(text.splitlines())
    fieldnames = reader.fieldnames or []
    if NAME_COLUMN not in fieldnames:
        raise InvalidArgumentError(f"{path}: no {NAME_COLUMN!r} column; is this Epoch AI's ml_hardware.csv?")
    present = [column for column in COLUMNS if column in fieldnames]
    if not present:
        raise InvalidArgumentError(f"{path}: none of Epoch's figure columns ({', '.join(COLUMNS)})")
    rows = []
    for record in reader:
        for column in present:
            cell = (record[column] or "").strip()
            if not cell:
                continue
            try:
                value = float(cell)
            except ValueError:
                line = reader.line_num
                raise InvalidArgumentError(f"{path}:{line} {column}: {cell!r} is not a number") from None
            precision, unit = COLUMNS[column]
            rows.append(PeerRow("epoch", record[NAME_COLUMN].strip(), precision, value, unit, cell))
    return rows

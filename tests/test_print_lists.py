"""print_lists (rows as values, streamed) prints what print_rows prints for the same rows, in every format."""

from __future__ import annotations

import datetime

import pytest

from gpudb.cli.common import LONG_TABLE, Format, print_lists, print_rows

COLUMNS = ["accelerator", "value", "note"]
ODD = [
    ["x1", 1.5, "plain"],
    ["x2", 80, 'a "quoted", text'],
    ["x3", None, "Ascend 910B — 昇腾"],  # not ASCII: escaped in JSON
    ["x4", True, "two\nlines"],
    ["x5", float("inf"), ""],
    ["x6", float("nan"), "50%"],
    ["x7", -0.0, None],
]


def printed(capsys: pytest.CaptureFixture[str], function, rows, output_format: Format) -> str:
    function(rows, COLUMNS, output_format, title="Title")
    return capsys.readouterr().out


@pytest.mark.parametrize("output_format", [Format.csv, Format.json, Format.table])
@pytest.mark.parametrize("count", [0, 7, LONG_TABLE + 7, 12_007])  # short, long, and over two batches of 5,000
def test_print_lists_prints_what_print_rows_prints(capsys, output_format, count):
    rows = [[f"{row[0]}-{index}", *row[1:]] for index in range(count // len(ODD) + 1) for row in ODD][:count]
    as_dicts = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
    expected = printed(capsys, print_rows, as_dicts, output_format)
    assert printed(capsys, print_lists, rows, output_format) == expected


def test_a_value_json_cannot_take_as_it_is_is_written_by_json_dumps(capsys):
    rows = [["x1", datetime.date(2025, 12, 8), [1, 2]]]
    expected = printed(capsys, print_rows, [dict(zip(COLUMNS, rows[0], strict=True))], Format.json)
    assert printed(capsys, print_lists, rows, Format.json) == expected
    assert '"value": "2025-12-08"' in expected and '"note": [\n      1,\n      2\n    ]' in expected


def test_no_rows_print_the_empty_line_in_a_table(capsys):
    print_lists([], COLUMNS, Format.table, title="Title", empty="Nothing here.")
    assert capsys.readouterr().out == "Nothing here.\n"
    print_lists(iter([]), COLUMNS, Format.json)
    assert capsys.readouterr().out == "[]\n"

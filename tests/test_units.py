"""Unit conversion: every value is read in the catalogue's unit, and units that do not fit are refused."""

import pytest

from gpudb.units import UnitProblem, to_canonical


@pytest.mark.parametrize(
    ("value", "unit", "canonical", "expected"),
    [
        ("4.8 TB/s", None, "TB/s", 4.8),
        ("4800 GB/s", None, "TB/s", 4.8),  # 4800 / 1000
        ("1.8 TB/s", None, "GB/s", 1800.0),  # no binary noise (not 1800.0000000000002)
        ("9 PFLOPS", None, "TFLOPS", 9000.0),  # 9 × 1000
        ("1,979 TFLOPS", None, "TFLOPS", 1979.0),  # thousands separator as datasheets print it
        ("3958 TFLOP/s", None, "TFLOPS", 3958.0),
        ("296 TOPS", None, "TOPS", 296.0),
        ("80 GiB", None, "GB", 85.89934592),  # 80 × 2³⁰ / 10⁹: GiB is not GB
        ("141 GB", None, "GB", 141.0),
        (141, "GB", "GB", 141.0),
        (700, "W", "W", 700.0),
        ("1 kW", None, "W", 1000.0),
        ("814 mm²", None, "mm**2", 814.0),
        ("80 billion", None, "billion", 80.0),
        ("80000 million", None, "billion", 80.0),
        ("1.2e3 W", None, "W", 1200.0),
    ],
)
def test_converts_to_the_canonical_unit(value, unit, canonical, expected):
    assert to_canonical(value, unit, canonical) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("value", "unit", "canonical", "code", "message"),
    [
        (700, None, "W", "missing-unit", "700 has no unit; write it as e.g. '700 W'"),
        ("700", None, "W", "missing-unit", "'700' has no unit; write it as e.g. '700 W'"),
        ("5 furlongs", None, "W", "bad-unit", "unknown unit 'furlongs'"),
        ("141 GB", None, "billion", "bad-unit", "'GB' does not convert to billion"),  # bytes are not counts
        ("4.8 TB", None, "TB/s", "bad-unit", "'TB' does not convert to TB/s"),  # capacity is not bandwidth
        ("fast", None, "W", "not-a-number", "'fast' is not a number followed by a unit"),
        (True, "W", "W", "not-a-number", "True is not a number"),
        ("700 W", "W", "W", "bad-unit", "unit given twice: 'W' in value and 'W' in unit"),
    ],
)
def test_refuses_values_that_do_not_convert(value, unit, canonical, code, message):
    with pytest.raises(UnitProblem) as caught:
        to_canonical(value, unit, canonical)
    assert (caught.value.code, str(caught.value)) == (code, message)

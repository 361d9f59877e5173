"""The only place that knows units: GB vs GiB, TB/s vs GB/s, PFLOPS vs TFLOPS, W vs kW.

A small pint registry built from the definitions below (not pint's default one, where bytes are
dimensionless and so '141 GB' would silently convert to a transistor count).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pint

_DEFINITIONS = """
kilo- = 1e3 = k-
mega- = 1e6 = M-
giga- = 1e9 = G-
tera- = 1e12 = T-
peta- = 1e15 = P-
exa- = 1e18 = E-
milli- = 1e-3 = m-
kibi- = 2**10 = Ki-
mebi- = 2**20 = Mi-
gibi- = 2**30 = Gi-
tebi- = 2**40 = Ti-
second = [time] = s = sec
meter = [length] = m = metre
watt = [power] = W = watts
byte = [information] = B = bytes
bit = byte / 8 = b = bits
operation = [operation] = op = OP
flop = operation = FLOP
FLOPS = flop / second = flops
OPS = operation / second = ops
dollar = [currency] = USD = usd = US_dollar
count = []
million = 1e6 * count
billion = 1e9 * count
trillion = 1e12 * count
"""

_THOUSANDS_SEPARATOR = re.compile(r"(?<=\d),(?=\d{3}\b)")
_NUMBER_THEN_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


class UnitProblem(ValueError):
    """A value that cannot be read as a number in the wanted unit; `code` names the kind of problem."""

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The unit registry (built once; building it costs a few milliseconds)."""
    ureg: pint.UnitRegistry = pint.UnitRegistry(None, autoconvert_offset_to_baseunit=False)
    for line in _DEFINITIONS.strip().splitlines():
        ureg.define(line)
    return ureg


def split_value(raw: str) -> tuple[float, str]:
    """'1,979 TFLOPS' → (1979.0, 'TFLOPS'); raises UnitProblem('not-a-number') when no number leads."""
    text = raw.replace("\u00a0", " ")
    if "," in text:  # most figures have no separator: skip the regular expression (~300,000 values a build)
        text = _THOUSANDS_SEPARATOR.sub("", text)
    match = _NUMBER_THEN_UNIT.match(text)
    if not match:
        raise UnitProblem("not-a-number", f"{_quoted(raw)} is not a number followed by a unit")
    return float(match.group(1)), match.group(2)


def convert(number: float, unit: str, canonical_unit: str) -> float:
    """`number` in `unit`, expressed in `canonical_unit`; raises UnitProblem('bad-unit') when impossible."""
    # Every unit here is a multiple of its canonical unit (no offsets), so one factor per pair of units serves
    # every value: pint parses each unit once, not once per value (a 10,000-chip catalogue has ~300,000).
    magnitude = number * _factor(unit, canonical_unit)
    if not math.isfinite(magnitude):
        raise UnitProblem("not-finite", f"{number:g} {unit} is too large to hold as a number of {canonical_unit}")
    # 12 significant digits drop the binary noise of conversion (1.8 TB/s is 1800 GB/s, not 1800.0000000000002)
    return float(f"{magnitude:.12g}")


@lru_cache(maxsize=1024)
def _factor(unit: str, canonical_unit: str) -> float:
    """How many `canonical_unit` one `unit` is; raises UnitProblem('bad-unit') when it does not convert."""
    ureg = registry()
    unit_text = unit.replace("²", "**2").replace("³", "**3")
    number = 1.0
    try:
        quantity = ureg.Quantity(number, ureg.parse_units(unit_text))
    except Exception as error:  # noqa: BLE001 - pint's parser raises anything at all ('W)', 'W/0', 'W^')
        raise UnitProblem("bad-unit", f"unknown unit {_quoted(unit)}") from error
    if "FLOP" in canonical_unit and "FLOP" not in unit.upper() and quantity.dimensionality:
        # pint counts a FLOP as an operation, so TOPS would convert; an integer-operations rate is not a FLOP rate
        raise UnitProblem(
            "bad-unit", f"{_quoted(unit)} counts operations, not floating-point operations ({canonical_unit})"
        )
    try:
        factor = float(quantity.to(canonical_unit).magnitude)
    except pint.errors.DimensionalityError as error:
        raise UnitProblem("bad-unit", f"{_quoted(unit)} does not convert to {canonical_unit}") from error
    except Exception as error:  # noqa: BLE001 - any other failure of pint is an unusable unit too
        raise UnitProblem("bad-unit", f"unknown unit {_quoted(unit)}") from error
    if not math.isfinite(factor) or factor == 0:
        raise UnitProblem("bad-unit", f"unknown unit {_quoted(unit)}")
    return factor


def _quoted(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def finite_number(value: int | float) -> float:
    """`value` as a float; raises UnitProblem('not-finite') for NaN, ±infinity and integers past a float."""
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        if isinstance(value, float):
            raise UnitProblem("not-finite", f"{value!r} is not a finite number")
        raise UnitProblem("not-finite", f"a number of {len(str(abs(value))):,} digits is too large to hold")
    return number


def to_canonical(value: float | str, unit: str | None, canonical_unit: str) -> float:
    """Read a data-file value ('4.8 TB/s', or 4.8 with unit 'TB/s') in the catalogue's unit."""
    if isinstance(value, bool):
        raise UnitProblem("not-a-number", f"{value!r} is not a number")
    if isinstance(value, int | float):
        number, written_unit = finite_number(value), ""
    elif isinstance(value, str):
        number, written_unit = split_value(value)
        if not math.isfinite(number):
            raise UnitProblem("not-finite", f"{_quoted(value)} is too large to hold as a number")
    else:
        raise UnitProblem("not-a-number", f"{_quoted(value)} is not a number")
    if written_unit and unit:
        raise UnitProblem("bad-unit", f"unit given twice: {written_unit!r} in value and {unit!r} in unit")
    written_unit = written_unit or (unit or "")
    if not written_unit:
        raise UnitProblem("missing-unit", f"{_quoted(value)} has no unit; write it as e.g. '{value} {canonical_unit}'")
    return convert(number, written_unit, canonical_unit)

"""How gpudb writes a number for people: one function, used by every layer that prints or explains."""

from __future__ import annotations


def format_number(number: float) -> str:
    """2,368 / 6.69 / 0.0337: thousands separators, about three significant digits below 100."""
    if abs(number) >= 100:
        return f"{number:,.0f}" if abs(number - round(number)) < 0.05 else f"{number:,.1f}"
    return f"{number:.3g}"


# How a metric with no value is shown, in the terminal and on the web alike: why it has none. Missing data is
# "unknown" everywhere (never "missing", "—" or a blank that reads as zero).
UNKNOWN = "unknown"
STATUS_WORDS = {
    "unknown": UNKNOWN,
    "not-supported": "not supported",
    "not-applicable": "n/a",
    "not-disclosed": "not disclosed",
    "convention-unstated": "dense/sparse unstated",
}


def yes_no(value: bool) -> str:
    """A flag as people read it: yes or no, never True/False."""
    return "yes" if value else "no"

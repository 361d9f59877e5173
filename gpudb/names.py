"""How accelerator names are compared: one function, used by validation and lookups alike."""

from __future__ import annotations

import re


def name_key(name: str) -> str:
    """A name folded for matching: case-insensitive, with spaces, dashes and underscores ignored."""
    return re.sub(r"[\s_\-]+", "", name).casefold()

"""How accelerator names are compared: one function, used by validation and lookups alike."""

from __future__ import annotations

import re

_IGNORED = re.compile(r"[\s_\-]+")  # compiled once: a build folds every chip's id, name and aliases twice


def name_key(name: str) -> str:
    """A name folded for matching: case-insensitive, with spaces, dashes and underscores ignored."""
    return _IGNORED.sub("", name).casefold()

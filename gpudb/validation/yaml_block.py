"""The usual shape of a data file read line by line, without libyaml: block mappings and block sequences whose
values are one-line plain scalars or one-line flow lists of them (every generated chip file, most written ones).

Parsing a chip file this way takes a third of the time libyaml's node tree and its walk take (at 10,000 chips the
YAML was half of `gpudb build`'s reading). The reader takes only what it can read exactly as
gpudb.validation.yaml_lines' reference loader does (values, their types, every line); anything else (quotes,
comments after a value, anchors, tags, block scalars, indentless lists, odd characters, errors) raises Unusual and
`parse` leaves the file to yaml_lines. tests/test_yaml_block.py checks the two agree on every file it takes.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from gpudb.validation.yaml_lines import (
    _MAY_NOT_BE_STR,
    _SCALAR_BUILDERS,
    _SCALAR_LOADER,
    _STR,
    MAX_DEPTH,
    LineDict,
    LineList,
    _intern,
    _parse,
    plain_tag,
)


class Unusual(Exception):
    """A text the line reader leaves to libyaml."""


# Only these characters: a tab, a carriage return, a control character, a byte-order mark or a Unicode space or
# line break other than ' ' and '\n' either means something to libyaml or is stripped by Python but not by YAML.
_ODD_CHARACTER = re.compile(
    "[^\n\x20-\x7e\u00a1-\u167f\u1681-\u1fff\u200b-\u2027\u202a-\u202e\u2030-\u205e\u2060-\u2fff\u3001-\ud7ff"
    "\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# 'key:' or 'key: value'; a key of letters, digits, '_', '.' and '-', starting with a letter or '_'
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_.\-]{0,127}):(?: +(.*))?\Z")
# a plain scalar may not start with an indicator (a '-' before a digit or '.' is a number's sign)
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_SIGN_FOLLOWERS = frozenset("0123456789.")
# what would make a plain scalar end early or mean more (a comment, a nested collection, a mapping), each refused
_NOT_PLAIN = re.compile(r": | #|:\Z|[\[\]{}]")
_NOT_IN_FLOW_ITEM = re.compile(r"[\[\]{}#'\":]")

# Source ids, units, booleans and dates recur across files: each text is read once. Every value kept is immutable
# (a string, number, boolean, None or date), so files may share it as they share equal strings.
_KEYS: dict[str, str] = {}  # a key as written → the key (one object per text)
_SCALARS: dict[str, Any] = {}  # a one-line scalar as written → its value
_MISSING = object()
_Line = tuple[int, int, str]  # (1-based line, indent, text after the indent)


def parse(text: str) -> Any:
    """The content of one YAML text with line numbers: the line reader when it takes the text, else yaml_lines."""
    try:
        return read_block(text)
    except Unusual:
        return _parse(text)


def read_block(text: str) -> Any:
    """What yaml_lines' reference loader makes of `text`, read line by line; raises Unusual for anything else."""
    if _ODD_CHARACTER.search(text):
        raise Unusual
    lines: list[_Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        content = raw.strip(" ")
        if content and content[0] != "#":  # a comment line; a comment after a value is Unusual (below)
            lines.append((number, len(raw) - len(raw.lstrip(" ")), content))
    if not lines or lines[0][1] != 0:
        raise Unusual  # an empty document, or one indented as a whole
    node, end = _node(lines, 0, 0)
    if end != len(lines):
        raise Unusual
    return node


def _node(lines: list[_Line], start: int, depth: int) -> tuple[Any, int]:
    """The block collection whose first line is lines[start], and the index of the line after it."""
    if depth >= MAX_DEPTH:
        raise Unusual  # the reference loader refuses it with its line
    content = lines[start][2]
    if content[0] == "-" and (len(content) == 1 or content[1] == " "):
        return _sequence(lines, start, depth)
    return _mapping(lines, start, depth)


def _mapping(lines: list[_Line], start: int, depth: int) -> tuple[LineDict, int]:
    indent = lines[start][1]
    mapping = LineDict()
    mapping.line = lines[start][0]
    mapping.key_lines = key_lines = {}
    index, count = start, len(lines)
    while index < count and lines[index][1] == indent:
        number, _, content = lines[index]
        match = _KEY.match(content)
        if match is None:
            raise Unusual  # a list item beside keys, a quoted or complex key, or not a key at all
        key = _KEYS.get(match[1]) or _key(match[1])
        if key in key_lines:
            raise Unusual  # the reference loader reports the duplicate
        key_lines[key] = number
        index += 1
        if match[2] is not None:
            mapping[key] = _inline(match[2], number, depth)
        elif index < count and lines[index][1] > indent:
            mapping[key], index = _node(lines, index, depth + 1)
        else:
            mapping[key] = None
    if index < count and lines[index][1] > indent:
        raise Unusual  # a line indented deeper with no key to hold it
    return mapping, index


def _sequence(lines: list[_Line], start: int, depth: int) -> tuple[LineList, int]:
    indent = lines[start][1]
    sequence = LineList()
    sequence.line = lines[start][0]
    sequence.item_lines = item_lines = []
    index, count = start, len(lines)
    while index < count and lines[index][1] == indent:
        number, _, content = lines[index]
        if not content.startswith("- "):
            raise Unusual  # '-' alone (its item on the next lines), or a key beside the items
        item = content[2:].lstrip(" ")
        item_lines.append(number)
        if item[0] == "-" and (len(item) == 1 or item[1] == " "):
            raise Unusual  # a list in a list on one line
        if _KEY.match(item):  # '- key: value': a mapping whose keys line up with this first one
            lines[index] = (number, indent + len(content) - len(item), item)
            value, index = _mapping(lines, index, depth + 1)
            sequence.append(value)
        else:
            sequence.append(_inline(item, number, depth))
            index += 1
    if index < count and lines[index][1] >= indent:
        raise Unusual  # a key among the items, or an item's text going on over the next line
    return sequence, index


def _key(text: str) -> str:
    """The key `text` as one shared object (keys recur in every file), when SafeLoader reads it as a string."""
    if text[0] in _MAY_NOT_BE_STR and plain_tag(text) != _STR:
        raise Unusual  # 'true:', 'null:', 'on:' are no string keys
    if len(_KEYS) > 10_000:
        _KEYS.clear()
    key = _KEYS[text] = _intern(text)
    return key


def _inline(text: str, number: int, depth: int) -> Any:
    """A value written on its key's or item's line `number`: a plain scalar or a flow list of them."""
    value = _SCALARS.get(text, _MISSING)
    if value is not _MISSING:
        return value
    if text[0] == "[":
        if text[-1] != "]" or depth + 1 >= MAX_DEPTH:
            raise Unusual
        inner = text[1:-1]
        if _NOT_IN_FLOW_ITEM.search(inner):
            raise Unusual
        items = [item.strip(" ") for item in inner.split(",")] if inner.strip(" ") else []
        sequence = LineList(_scalar(item) for item in items)
        sequence.line = number
        sequence.item_lines = [number] * len(items)
        return sequence
    first = text[0]
    if first == '"' or first == "'":
        value = _quoted(text)
    elif _NOT_PLAIN.search(text):
        raise Unusual
    else:
        value = _scalar(text)
    if len(_SCALARS) > 100_000:
        _SCALARS.clear()
    _SCALARS[text] = value
    return value


def _quoted(text: str) -> str:
    """A one-line quoted scalar: double quotes without escapes, or single quotes ('' for a quote)."""
    quote, inner = text[0], text[1:-1]
    if len(text) < 2 or text[-1] != quote:
        raise Unusual  # a comment after it, or a quote that goes on over the next line
    if quote == '"':
        if '"' in inner or "\\" in inner:
            raise Unusual
        return inner
    if "'" in inner.replace("''", ""):
        raise Unusual
    return inner.replace("''", "'")


def _scalar(text: str) -> Any:
    """A plain scalar's value as SafeLoader resolves and builds it."""
    if not text:
        raise Unusual  # an empty flow item
    first = text[0]
    if first in _INDICATORS and not (first == "-" and len(text) > 1 and text[1] in _SIGN_FOLLOWERS):
        raise Unusual
    if first not in _MAY_NOT_BE_STR:
        return text
    tag = plain_tag(text)
    if tag == _STR:
        return text
    builder = _SCALAR_BUILDERS.get(tag)
    if builder is None:
        raise Unusual
    try:
        return builder(_SCALAR_LOADER, yaml.ScalarNode(tag, text))
    except (ValueError, KeyError, OverflowError):
        raise Unusual from None  # the reference loader reports it with its line

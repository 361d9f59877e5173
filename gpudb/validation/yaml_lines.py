"""YAML text → Python values that remember the line of every key and item: the reference loader (_LineLoader,
PyYAML's own construction) and the fast builder (_build, straight from libyaml's nodes) side by side, with the
guards that refuse what would crash or swamp either (depth, alias bombs, tags, scalars, complex keys).

tests/test_build_speed_paths.py proves the fast builder equal to the reference on every file it takes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import yaml


class LineDict(dict):
    """A YAML mapping that knows its own line and the line of each key (1-based)."""

    # slots, not an instance __dict__: 300 bytes less per mapping (a 10,000-chip catalogue holds 430,000 of them)
    __slots__ = ("line", "key_lines")
    line: int
    key_lines: dict[Any, int]


class LineList(list):
    """A YAML sequence that knows its own line and the line of each item (1-based)."""

    __slots__ = ("line", "item_lines")
    line: int
    item_lines: list[int]


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _Refused(yaml.MarkedYAMLError):
    """A document refused before or while it is built; `code` is its problem code, `field` the dotted key path."""

    def __init__(self, code: str, message: str, mark: Any, field: str | None = None):
        super().__init__(None, None, message, mark)
        self.code = code
        self.message = message  # also in .problem, which PyYAML types as optional
        self.field = field


MAX_DEPTH = 64  # real files nest 7 levels; 1,000 would exhaust Python's stack while building
MAX_NODES = 1_000_000  # values a document may hold once its aliases are expanded (a 10,000-chip file: ~400,000)
MAX_ALIAS_VALUES = 10_000  # values that aliases may add by repeating others


def quoted(value: Any, limit: int = 80) -> str:
    """repr(value), cut to about `limit` characters: a message never prints a whole (perhaps huge) value."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _scalar_problem(node: yaml.ScalarNode, error: Exception, field: str | None = None) -> _Refused:
    """The located problem of a scalar its tag's constructor cannot build (2023-02-30, !!bool maybe, !!int 12x)."""
    kind = node.tag.rsplit(":", 1)[-1]
    digits = sum(character.isdigit() for character in node.value)
    if kind == "int" and digits > 4300:
        message = f"a number of {digits:,} digits is too long to read"
    elif kind == "timestamp":
        message = f"{quoted(node.value)} is not a real date or time ({error})"
    else:
        message = f"{quoted(node.value)} is not a valid !!{kind}"
    return _Refused("bad-scalar", message, node.start_mark, field)


def _dotted(path: tuple[str, ...], most: int = 6) -> str | None:
    """('specs', 'tdp_w', '[0]', 'value') → 'specs.tdp_w[0].value', cut after `most` steps."""
    text = "".join(step if step.startswith("[") else f".{step}" for step in path[:most]).removeprefix(".")
    return (text + ("…" if len(path) > most else "")) or None


class _TreeCheck:
    """Refuses, before anything is built, what would crash or swamp the builder: nesting past MAX_DEPTH, alias
    bombs, complex keys, python tags and scalars their tag cannot build, each with its line and key path.

    (height, expanded size) is memoised per node, so shared (aliased) nodes are walked once: linear in the file.
    """

    def __init__(self, loader: Any):
        self.loader = loader
        self.sizes: dict[int, tuple[int, int]] = {}
        self.open_nodes: set[int] = set()

    def refuse(self, code: str, message: str, node: yaml.Node, path: tuple[str, ...]) -> _Refused:
        return _Refused(code, message, node.start_mark, _dotted(path))

    def size(self, node: yaml.Node, path: tuple[str, ...]) -> int:
        if len(path) > MAX_DEPTH:
            raise self.refuse("too-deep", f"values nest more than {MAX_DEPTH} levels deep", node, path)
        if node.tag.startswith("tag:yaml.org,2002:python/"):
            shown = "!!" + node.tag.removeprefix("tag:yaml.org,2002:")
            message = f"the tag {quoted(shown)} is refused: data files hold plain values"
            raise self.refuse("forbidden-tag", message, node, path)
        if isinstance(node, yaml.ScalarNode):
            builder = _SCALAR_BUILDERS.get(node.tag)
            if builder is not None and id(node) not in self.sizes:
                try:
                    builder(self.loader, node)
                except (ValueError, KeyError, OverflowError) as error:
                    raise _scalar_problem(node, error, _dotted(path)) from None
            self.sizes[id(node)] = (0, 1)
            return 1
        known = self.sizes.get(id(node))
        if known is not None:
            if len(path) + known[0] > MAX_DEPTH:
                raise self.refuse("too-deep", f"values nest more than {MAX_DEPTH} levels deep", node, path)
            return known[1]
        if id(node) in self.open_nodes:
            return 1  # a recursive alias: the constructor refuses it
        self.open_nodes.add(id(node))
        height, size = 0, 1
        if isinstance(node, yaml.MappingNode):
            for key_node, _value in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    message = "a mapping key must be a plain value, not a list or a mapping"
                    raise self.refuse("complex-key", message, key_node, path)
            children = [(child, (*path, key.value)) for key, value in node.value for child in (key, value)]
        else:
            children = [(child, (*path, f"[{index}]")) for index, child in enumerate(node.value)]
        for child, child_path in children:
            size += self.size(child, child_path)
            height = max(height, self.sizes.get(id(child), (0, 0))[0] + 1)
            if size > MAX_NODES:
                message = (
                    f"the document holds more than {MAX_NODES:,} values once its aliases are expanded (an alias bomb)"
                )
                raise self.refuse("too-large", message, node, path)
        self.open_nodes.discard(id(node))
        self.sizes[id(node)] = (height, size)
        return size


# libyaml's parser when PyYAML was built with it: about ten times faster on a large catalogue.
if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader  # CSafeLoader has the same interface
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    """SafeLoader whose mappings and sequences carry line numbers and which refuses duplicate keys, deep or
    alias-bomb documents, complex keys, python tags and scalars its tags cannot build, each with its line."""

    def construct_document(self, node: yaml.Node) -> Any:
        check = _TreeCheck(self)
        expanded = check.size(node, ())
        if expanded - len(check.sizes) > MAX_ALIAS_VALUES:
            message = f"aliases expand the document by more than {MAX_ALIAS_VALUES:,} values (an alias bomb)"
            raise _Refused("too-large", message, node.start_mark)
        return super().construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.__class__ is not yaml.ScalarNode:
            return super().construct_object(node, deep)
        try:
            return super().construct_object(node, deep)
        except (ValueError, KeyError, OverflowError) as error:
            raise _scalar_problem(node, error) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in mapping.key_lines:
                raise _DuplicateKey(None, None, f"duplicate key {key!r}", key_node.start_mark)
            mapping.key_lines[key] = key_node.start_mark.line + 1
            mapping[key] = self.construct_object(value_node, deep=True)
        return mapping

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
        sequence = LineList(self.construct_object(child, deep=True) for child in node.value)
        sequence.line = node.start_mark.line + 1
        sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
        return sequence


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)


class _Unusual(Exception):
    """A document the fast builder leaves to _LineLoader: aliases, merge keys, duplicate keys, odd tags, errors."""


_MAP, _SEQ, _STR = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:str"
_Scalar, _Mapping, _Sequence = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
# Scalars other than strings are built by SafeConstructor's own functions, so they read exactly as before.
_SCALAR_BUILDERS = {
    tag: _LineLoader.yaml_constructors[tag]
    for tag in (
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:timestamp",
    )
}


# What SafeLoader's resolver gives a plain scalar depends only on its text, and only a text starting with one of
# these characters can be anything but a string ('1,979 TFLOPS' may be, 'value' and 'HBM3e' cannot).
_MAY_NOT_BE_STR = frozenset(_LineLoader.yaml_implicit_resolvers)
_RESOLVED: dict[str, str] = {}  # the tag of plain scalars that may not be strings, by text; cleared when large


class _FastLoader(_LineLoader):
    """_LineLoader with the same tags resolved faster: the resolver runs for each of ~2 million scalars of a
    10,000-chip catalogue, and took 1 s of its 2.4 s of parsing."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        if _SHORTCUTS_HOLD:
            # Without path resolvers BaseResolver's descend_resolver and ascend_resolver do nothing, yet libyaml's
            # composer calls each for every node (4 million Python calls at 10,000 chips); these do nothing in C.
            # (an instance attribute over the method, on purpose: the composer looks it up on each call)
            self.descend_resolver = _IGNORE_TWO  # type: ignore[method-assign,assignment]
            self.ascend_resolver = _IGNORE_NONE  # type: ignore[method-assign]

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if _SHORTCUTS_HOLD:
            if kind is _Scalar:
                if not implicit[0] or (value and value[0] not in _MAY_NOT_BE_STR):
                    return _STR  # quoted, or plain and no implicit resolver starts with its first character
                return plain_tag(value)
            if kind is _Mapping:
                return _MAP  # BaseResolver's answer for a mapping or a sequence when no path resolver is set
            if kind is _Sequence:
                return _SEQ
        return super().resolve(kind, value, implicit)


# one loader for what depends on no document: the resolver's tag of a plain scalar, SafeConstructor's scalar builders
_SCALAR_LOADER = _LineLoader("")


def plain_tag(value: str) -> str:
    """The tag SafeLoader's resolver gives the plain scalar `value`: with no path resolvers it depends on the text
    alone, so it is kept by text (the cache cleared when large)."""
    tag = _RESOLVED.get(value)
    if tag is None:
        if len(_RESOLVED) > 100_000:
            _RESOLVED.clear()
        tag = _RESOLVED[value] = _SCALAR_LOADER.resolve(yaml.ScalarNode, value, (True, False))
    return tag


_NOTHING: dict[Any, None] = {}
_IGNORE_TWO: Callable[[Any, Any], Any] = _NOTHING.get  # called with (node, index): returns the index, unused
_IGNORE_NONE: Callable[[], None] = _NOTHING.clear  # called with no argument: the dict is empty, nothing changes


# The shortcuts are BaseResolver.resolve itself as long as no resolver matches every first character or a path.
_SHORTCUTS_HOLD = None not in _LineLoader.yaml_implicit_resolvers and not _LineLoader.yaml_path_resolvers


# Keys recur in every file ('value', 'source', 'sparsity', each metric's): one object each, not one per mapping
# (a 10,000-chip catalogue has 1.1 million keys, 60 MB as separate strings).
_intern = sys.intern


def _build(node: yaml.Node, loader: _LineLoader, seen: set[int], depth: int = 0) -> Any:
    """What _LineLoader makes of `node`, built directly from the node tree (about twice as fast).

    Anything that _LineLoader treats specially raises _Unusual, and the file is then read by _LineLoader itself, so
    every result and every message stays exactly its own. String scalars, most of a file, are taken in place.
    """
    if node.__class__ is _Scalar:
        if node.tag == _STR:
            return node.value
        builder = _SCALAR_BUILDERS.get(node.tag)
        if builder is None:
            raise _Unusual
        return builder(loader, node)
    if id(node) in seen or depth >= MAX_DEPTH:
        raise _Unusual  # an alias (_LineLoader shares the object and refuses recursion), or nested too deep
    seen.add(id(node))
    if node.__class__ is _Mapping and node.tag == _MAP:
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = key_lines = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not _Scalar:
                raise _Unusual
            key = _intern(key_node.value) if key_node.tag == _STR else _build(key_node, loader, seen, depth + 1)
            if key in key_lines:
                raise _Unusual  # a duplicate key: _LineLoader reports it
            key_lines[key] = key_node.start_mark.line + 1
            if value_node.__class__ is _Scalar and value_node.tag == _STR:
                mapping[key] = value_node.value
            else:
                mapping[key] = _build(value_node, loader, seen, depth + 1)
        return mapping
    if node.__class__ is _Sequence and node.tag == _SEQ:
        sequence = LineList([_build(child, loader, seen, depth + 1) for child in node.value])
        sequence.line = node.start_mark.line + 1
        sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
        return sequence
    raise _Unusual


def _parse(text: str) -> Any:
    """The content of one YAML text with line numbers; raises what yaml.load(text, Loader=_LineLoader) raises."""
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _build(node, loader, set())
    except Exception:  # noqa: BLE001 - any surprise is left to the reference loader, which raises it as before
        pass
    finally:
        loader.dispose()
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader

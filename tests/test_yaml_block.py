"""The line reader (gpudb.validation.yaml_block) gives exactly what the reference loader gives, on every file it
takes: values, their types and every line; what it does not take goes to libyaml unchanged."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_build_speed_paths import ROOT, outcome, reference, same_tree

from gpudb.validation import yaml_block

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402 - the benchmark catalogue's writer

TAKEN = {
    "chip file": "id: x1\nvendor: Acme\naliases: [X 1, X-1]\nspecs:\n  tdp_w:\n    value: 700 W\n    source: a\n",
    "values from two sources": "specs:\n  fp8:\n    - value: 1 PFLOPS\n      source: a\n    -   value: 2 PFLOPS\n"
    "        source: b\n",
    "list of mappings at the top": "- id: a\n  url: https://example.com/a#b?c=d:e\n- id: b\n  note: it's 5:1, or so\n",
    "YAML 1.1 scalars": "a: yes\nb: off\nc: 0x1f\nd: 1_000\ne: .inf\nf: ~\ng: 1e3\nh: 12:30\ni: -1\nj: -.5\n",
    "dates": "a: 2024-03-18\nb: 2024-03-18T10:00:00Z\nc: 2024-03-18 10:00:00\n",
    "quoted": "a: '12'\nb: \"yes\"\nc: 'it''s: #1'\nd: \"a: b # c\"\ne: ''\nf: \"\"\n",
    "empty values": "a:\nb:\n  c:\nd: 1\n",
    "comments and blank lines": "# head\n\na: 1\n  # inside\nb:\n\n  - x   \n# between\n  - y\n",
    "flow lists": "a: []\nb: [ ]\nc: [1, two, 3.5, 2024-01-01]\nd: [ x ,  y  z ]\n",
    "non-ASCII": "name: 昇腾 910B\nunit: mm²\nnote: naïve – dash\n",
    "keys with dots and dashes": "a.b: 1\nc-d: 2\n_e: 3\nf_1: 4\n",
}


@pytest.mark.parametrize("text", TAKEN.values(), ids=TAKEN.keys())
def test_the_reader_takes_the_usual_shapes_and_reads_them_as_the_reference_does(text):
    assert same_tree(yaml_block.read_block(text), reference(text))


REFUSED = {
    "comment after a value": "a: 1 # one\n",
    "block scalar": "note: >-\n  two\n  lines\n",
    "value over two lines": "note: two\n  lines\n",
    "indentless list": "a:\n- 1\n- 2\n",
    "list beside keys": "a: 1\n- 2\n",
    "dash alone": "-\n  a: 1\n",
    "list in a list": "- - 1\n",
    "flow mapping": "a: {b: 1}\n",
    "flow list over lines": "a: [1,\n  2]\n",
    "flow list of quotes": "a: ['x', y]\n",
    "trailing comma": "a: [1, 2,]\n",
    "escape": 'a: "x\\ty"\n',
    "anchor": "a: &x 1\nb: *x\n",
    "tag": "a: !!str 1\n",
    "tab": "a:\n\tb: 1\n",
    "carriage return": "a: 1\r\nb: 2\r\n",
    "no-break space": "a: x\u00a0\n",
    "line separator": "a: x\u2028y\n",
    "byte-order mark": "\ufeffa: 1\n",
    "document marker": "---\na: 1\n",
    "indented document": "  a: 1\n",
    "bad dedent": "a:\n    b: 1\n  c: 2\n",
    "deeper line after a value": "a: 1\n  b: 2\n",
    "null key": "null: 1\n",
    "boolean key": "on: 1\n",
    "duplicate key": "a: 1\na: 2\n",
    "merge key": "<<: 1\n",
    "invalid date": "a: 2024-13-45\n",
    "empty": "",
    "scalar document": "just text\n",
    "mapping value in a value": "a: b: c\n",
    "unterminated quote": "a: 'x\n",
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_what_the_reader_does_not_take_goes_to_libyaml_unchanged(text):
    with pytest.raises(yaml_block.Unusual):
        yaml_block.read_block(text)
    assert same_tree(outcome(yaml_block.parse, text), outcome(reference, text))


def test_every_file_of_a_generated_catalogue_is_taken_by_the_reader():
    # the benchmark's chips are the shape of a large catalogue: none may fall back to libyaml
    rng = random.Random(7)
    texts = [generate.chip_yaml(index, generate.VENDORS[index % 8], rng) for index in range(200)]
    texts += [generate.sources_yaml(vendor) for vendor in generate.VENDORS]
    for text in texts:
        assert same_tree(yaml_block.read_block(text), reference(text))


# Documents written as the usual shapes (mappings and lists nested at random indents, values of every kind), then
# perhaps spoilt a little: a line's indent moved, a value swapped for one that trips a line reader, a line inserted.
_KEYS = st.sampled_from(["a", "b", "value", "source", "x.y", "k-1", "_k", "no", "null", "y", "On", "1", "'q'", "a b"])
_USUAL = [
    "x", "1", "-1", "1.5 W", "0x1f", "1_0", "12:30", "yes", "Off", "~", "null", ".nan", "2024-02-30", "2024-01-01",
    "2024-01-01 10:00:00", "http://h/a#b", "'q'", "'it''s'", '"d"', "[]", "[1, 2]", "[a, b c]", "é", "x  y", "...",
    "-x", "a, b", "",
]  # fmt: skip
_TRICKY = [
    "x: y", "x:", "x #c", "x#c", "'a' b", '"a\\n"', "[a, [b]]", "[a: b]", "[a,]", "{a: 1}", "&x 1", "*x", "!t x",
    "|", ">-", "%x", "@x", "`x`", "?x", ":x", "- x", "a\tb", "a\u00a0", "---", "#c",
]  # fmt: skip
_VALUES = st.one_of(st.sampled_from(_USUAL), st.sampled_from(_USUAL), st.sampled_from(_USUAL), st.sampled_from(_TRICKY))
_TREES = st.recursive(
    _VALUES,
    lambda children: st.one_of(
        st.lists(st.tuples(_KEYS, children), min_size=1, max_size=4), st.lists(children, min_size=1, max_size=3)
    ),
    max_leaves=12,
)


def _lines_of(tree, indent: int, step: int, dash_gap: str) -> list[tuple[int, str]]:
    """Block YAML of `tree` as (indent, text) lines: a list of pairs is a mapping, any other list a sequence."""
    if not isinstance(tree, list):
        return [(indent, tree)]
    lines: list[tuple[int, str]] = []
    for item in tree:
        if isinstance(item, tuple):
            key, value = item
            if isinstance(value, list):
                lines.append((indent, f"{key}:"))
                lines.extend(_lines_of(value, indent + step, step, dash_gap))
            else:
                lines.append((indent, f"{key}: {value}" if value else f"{key}:"))
        else:
            inner = _lines_of(item, indent + 1 + len(dash_gap), step, dash_gap)
            first_indent, first = inner[0]
            lines.append((indent, f"-{dash_gap}{first}"))
            lines.extend(inner[1:])
    return lines


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _TREES.filter(lambda tree: isinstance(tree, list)),
    st.integers(1, 4),
    st.sampled_from([" ", "  ", "   "]),
    st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["indent", "comment", "blank", "tail", "value"]), _VALUES),
             max_size=2),
)  # fmt: skip
def test_any_document_the_reader_takes_reads_as_the_reference_reads_it(tree, step, dash_gap, spoils):
    lines = [" " * indent + text for indent, text in _lines_of(tree, 0, step, dash_gap)]
    for where, how, value in spoils:
        at = where % len(lines)
        if how == "indent":
            lines[at] = " " + lines[at]
        elif how == "comment":
            lines.insert(at, "  # note")
        elif how == "blank":
            lines.insert(at, "   ")
        elif how == "tail":
            lines[at] += f" {value}"
        else:
            lines[at] = lines[at].rsplit(" ", 1)[0] + f" {value}"
    text = "\n".join(lines) + "\n"
    try:
        fast = yaml_block.read_block(text)
    except yaml_block.Unusual:
        return
    assert same_tree(fast, outcome(reference, text)), text


def test_a_generated_chip_file_is_read_by_the_reader(monkeypatch, tmp_path: Path):
    # read_document goes through the line reader first: libyaml is not asked for a usual file
    from gpudb.validation import loader

    path = tmp_path / "chip-00001.yaml"
    path.write_text(generate.chip_yaml(1, "Acme", random.Random(1)))
    monkeypatch.setattr(yaml_block, "_parse", lambda text: pytest.fail("left to libyaml"))
    document, problem = loader.read_document(path, tmp_path)
    assert problem is None and document is not None and document.content["id"] == "chip-00001"

"""The snapshot's provenance columns (gpudb.web.cells): codes into each column's distinct values, as narrow as the
count of distinct values allows, and each value given back as it was read (1, 1.0 and True are not one value)."""

import pytest

from gpudb.web.cells import SharedColumn


def test_codes_widen_as_distinct_values_grow():
    column = SharedColumn()
    for value in range(256):
        column.append(value)
    assert column.codes.typecode == "B"
    column.append(256)  # the 257th distinct value
    assert column.codes.typecode == "H"
    for value in range(257, 65_537):
        column.append(value)
    assert column.codes.typecode == "I"
    column.append(3)  # a repeat takes no new code
    column.done()
    assert len(column.distinct) == 65_537 and len(column.codes) == 65_538
    assert [column[at] for at in (0, 255, 256, 65_535, 65_536, 65_537)] == [0, 255, 256, 65_535, 65_536, 3]


def test_equal_values_of_other_types_stay_apart():
    column = SharedColumn()
    for value in (1, 1.0, True, None, "1", 1.0, None):
        column.append(value)
    column.done()
    read = [column[at] for at in range(7)]
    assert read == [1, 1.0, True, None, "1", 1.0, None]
    assert [type(value) for value in read] == [int, float, bool, type(None), str, float, type(None)]
    assert len(column.distinct) == 5


def test_a_read_column_takes_no_more_rows():
    column = SharedColumn()
    column.append("a")
    column.done()
    with pytest.raises(AssertionError, match="a column is read once"):
        column.append("b")

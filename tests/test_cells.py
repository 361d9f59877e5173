"""The snapshot's provenance columns (gpudb.web.cells): codes into each column's distinct values, as narrow as the
count of distinct values allows, and each value given back as it was read (1, 1.0 and True are not one value)."""

from gpudb.web.cells import SharedColumn


def test_codes_are_as_narrow_as_the_distinct_values_allow():
    assert SharedColumn(list(range(256)) * 2).codes.typecode == "B"
    assert SharedColumn(list(range(257))).codes.typecode == "H"
    assert SharedColumn(list(range(65_536))).codes.typecode == "H"
    column = SharedColumn([*range(65_537), 3])
    assert column.codes.typecode == "I"
    assert len(column.distinct) == 65_537 and len(column.codes) == 65_538
    assert [column[at] for at in (0, 255, 256, 65_535, 65_536, 65_537)] == [0, 255, 256, 65_535, 65_536, 3]


def test_equal_values_of_other_types_stay_apart():
    read = [1, 1.0, True, None, "1", 1.0, None]
    column = SharedColumn(read)
    back = [column[at] for at in range(len(read))]
    assert back == read
    assert [type(value) for value in back] == [int, float, bool, type(None), str, float, type(None)]
    assert len(column.distinct) == 5


def test_an_empty_column():
    column = SharedColumn([])
    assert len(column.codes) == 0 and column.distinct == []

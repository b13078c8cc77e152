"""The one table type every reader (CSV, xlsx, EDEXML) produces for the normaliser."""

# No `from __future__ import annotations`: NamedTuple would compile each string annotation.
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

Row = tuple[int, Sequence[str]]  # the row number the user sees, and its cells


@dataclass(frozen=True, slots=True)
class Columns:
    """A table's data rows column by column (one list per header cell), for a table whose
    rows are all as wide as the header and none blank. ``clean``: every cell is already one
    printable line without surrounding spaces (see :func:`values.one_line`)."""

    numbers: Sequence[int]
    cells: list[list[str]]
    clean: bool = False


# NamedTuple, not a frozen dataclass: a fifth of the cost to create on every run (issue 17)
class Table(NamedTuple):
    """Header row number, header cells and the data as numbered rows or :class:`Columns`."""

    header_row: int
    header: Sequence[str]
    rows: Sequence[Row] | Columns

"""Read one sheet of a workbook (.xlsx, .xls, .ods) into the :class:`Table` the normaliser takes.

python-calamine (Rust) reads all three formats, cached formula values included, and a
200,000-row sheet in seconds where openpyxl takes minutes. Calamine builds a sheet as one
dense block and aborts the process when it cannot allocate it, so nothing reaches it
unchecked (:mod:`unpack`: sizes, extents, shared strings, .xls records), and a Rust panic
becomes a Dutch message with nothing printed by Rust itself. Row numbers are the
spreadsheet's, so a message points at the row the user sees; dates become ``dd-mm-jjjj``
text, so the CSV date rules apply. Every fault is a Dutch message.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from gesprekken_cli.errors import Problem, RosterError, quote
from gesprekken_cli.roster.table import Table
from gesprekken_cli.roster.unpack import (
    check_xls,
    fault,
    library_error,
    library_fault,
    repack,
    unpack,
)

MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True, slots=True)
class SheetTable:
    """The table of one sheet, the sheet's name and the names of every sheet in the book."""

    table: Table
    sheet: str
    sheets: tuple[str, ...]


def cell_text(value: Any) -> str:
    """A cell value as the text a CSV export would hold (dates as dd-mm-jjjj)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d-%m-%Y")
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def sheet_names_text(names: Sequence[str]) -> str:
    """The sheets of a workbook for a message, each cut short."""
    return ", ".join(name if len(name) <= 80 else name[:80] + "…" for name in names)


def workbook_table(raw: bytes, source: str, sheet: str | None = None) -> SheetTable:
    """The table of one sheet (the first unless ``sheet`` names one, in any case); faults
    raise a :class:`RosterError` (a sheet that does not exist: exit 2)."""
    from python_calamine import CalamineWorkbook

    if raw.startswith(OLE_MAGIC):
        check_xls(raw, source)
        kind, data = "xls-read", raw  # an OLE file with a workbook stream
    else:
        kind, parts = unpack(raw, source)
        data = repack(parts)
        del parts
    with _rust_quiet():
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except BaseException as exc:  # calamine raises its own classes, and panics
            raise library_fault(source, kind, library_error(exc)) from None
        finally:
            del data  # calamine holds its own copy
        return _read_sheet(book, kind, source, sheet)


def _read_sheet(book: Any, kind: str, source: str, sheet: str | None) -> SheetTable:
    try:
        names = tuple(book.sheet_names)
        worksheet = _pick_sheet(names, sheet, source)
        try:
            found = book.get_sheet_by_name(worksheet)
            rows = found.iter_rows()
            start_row, start_column = found.start or (0, 0)
            table = _table(rows, start_row + found.height, start_column, source)
        except RosterError as error:
            if sheet is None and len(names) > 1 and error.problems[0].code == "roster.no-rows":
                error.problems.append(other_sheets_hint(source, names[0], names))
            raise
        except BaseException as exc:  # as above: every library fault becomes a Dutch message
            raise library_fault(source, kind, library_error(exc)) from None
    finally:
        book.close()
    return SheetTable(table, worksheet, names)


@contextmanager
def _rust_quiet() -> Iterator[None]:
    """Standard error closed to calamine: a Rust panic (caught, and turned into a Dutch
    message) prints English and a backtrace to file descriptor 2 before Python sees it."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def other_sheets_hint(
    source: str, first: str, sheets: Sequence[str], roster: str | None = None
) -> Problem:
    """When the first sheet of a workbook is no roster: name the sheets and suggest --blad
    with ``roster`` (a sheet that looks like one) or else the next sheet."""
    others = [sheet for sheet in sheets if sheet != first]
    return Problem(
        source,
        f"het eerste werkblad ({sheet_names_text([first])}) lijkt geen rooster; de werkmap"
        f" heeft ook: {sheet_names_text(others)}; kies het werkblad met --blad, bijv."
        f" --blad '{sheet_names_text([roster or others[0]])}'",
        code="xlsx.other-sheet",
    )


def _pick_sheet(names: tuple[str, ...], sheet: str | None, source: str) -> str:
    """The sheet ``sheet`` names: exactly, else the one matching without case."""
    if not names:
        raise fault(source, "de werkmap heeft geen werkbladen", "xlsx.no-sheet")
    if sheet is None or sheet in names:
        return names[0] if sheet is None else sheet
    matches = [name for name in names if name.casefold() == sheet.casefold()]
    if len(matches) == 1:
        return matches[0]
    error = fault(
        source,
        f"werkblad {quote(sheet, 80)} niet gevonden; de werkmap heeft: {sheet_names_text(names)}",
        "xlsx.no-sheet",
    )
    error.exit_code = 2  # a wrong --blad is a usage fault, not a fault in the file
    raise error


def _table(rows: Any, height: int, start_column: int, source: str) -> Table:
    """Header row (the first with something in it) and data rows, numbered as the sheet
    numbers them (calamine gives every row from the first, the columns from the first one
    used); trailing empty cells dropped, cells past :data:`MAX_COLUMNS` ignored."""
    if height > MAX_ROWS:
        raise fault(
            source,
            f"werkblad te groot: meer dan {MAX_ROWS} rijen; is dit het goede werkblad?",
            "xlsx.too-many-rows",
            line=MAX_ROWS + 1,
        )
    lead = [""] * start_column
    header_row = 0
    header: list[str] = []
    data: list[tuple[int, list[str]]] = []
    for number, values in enumerate(rows, start=1):
        cells = _trim(lead + [cell_text(v) for v in values[: MAX_COLUMNS - start_column]])
        for at, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                raise RosterError(
                    [
                        Problem(
                            source,
                            f"cel te lang ({len(cell)} tekens, hoogstens {MAX_CELL_CHARS}):"
                            f" {quote(cell)}",
                            line=number,
                            column=at + 1,
                            code="xlsx.cell-too-long",
                        )
                    ]
                )
        if not header_row:
            if cells:
                header_row, header = number, cells
            continue
        data.append((number, cells + [""] * (len(header) - len(cells))))
    if not header_row:
        raise fault(source, "leeg werkblad: geen kopregel gevonden", "roster.no-rows", line=1)
    return Table(header_row, header, data)


def _trim(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]

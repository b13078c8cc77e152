"""Read an Excel (.xlsx) roster sheet into the :class:`Table` the shared normaliser takes.

openpyxl in read-only mode with cached formula values: a cell holding ``=A2`` gives what
Excel last showed. Row numbers are Excel's, so a message points at the row the user sees.
Dates stored as Excel dates become ``dd-mm-jjjj`` text, so the CSV date rules apply.
Password-protected workbooks (an encrypted OLE file, not a zip) and corrupt files get a
message instead of a traceback; :data:`MAX_ROWS` and :data:`MAX_COLUMNS` bound the work.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from gesprekken_cli.errors import Problem, RosterError
from gesprekken_cli.roster.table import Table

MAX_ROWS = 100_000
MAX_COLUMNS = 200
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _fault(source: str, message: str, code: str, line: int | None = None) -> RosterError:
    return RosterError([Problem(source, message, line=line, code=code)])


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


def _trim(cells: Sequence[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return list(cells[:end])


def xlsx_table(raw: bytes, source: str, sheet: str | None = None) -> Table:
    """The table of one sheet (the first unless ``sheet`` names one); faults raise."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if raw.startswith(OLE_MAGIC):
        raise _fault(
            source,
            "dit Excel-bestand is met een wachtwoord beveiligd (of het oude .xls-formaat);"
            " sla het op als .xlsx zonder wachtwoord, of als CSV",
            "xlsx.encrypted",
        )
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _fault(
            source, f"beschadigd Excel-bestand: geen geldige zip ({exc})", "xlsx.corrupt"
        ) from None
    except (KeyError, InvalidFileException, ValueError, TypeError, OSError) as exc:
        raise _fault(
            source,
            f"geen Excel-werkmap (.xlsx) of beschadigd: {type(exc).__name__}: {exc}",
            "xlsx.corrupt",
        ) from None
    try:
        names = book.sheetnames
        if sheet is None:
            if not names:
                raise _fault(source, "de werkmap heeft geen werkbladen", "xlsx.no-sheet")
            worksheet = book[names[0]]
        elif sheet in names:
            worksheet = book[sheet]
        else:
            error = _fault(
                source,
                f"werkblad {sheet!r} niet gevonden; de werkmap heeft: {', '.join(names)}",
                "xlsx.no-sheet",
            )
            error.exit_code = 2  # a wrong --blad is a usage fault, not a fault in the file
            raise error
        return _rows(worksheet, source)
    finally:
        book.close()


def _rows(worksheet: Any, source: str) -> Table:
    from openpyxl.utils.exceptions import InvalidFileException

    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()  # a stale <dimension> would cut rows off
    header_row = 0
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, values in enumerate(
            worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
        ):
            if number > MAX_ROWS:
                raise _fault(
                    source,
                    f"werkblad te groot: meer dan {MAX_ROWS} rijen; is dit het goede werkblad?",
                    "xlsx.too-many-rows",
                    line=number,
                )
            cells = _trim([cell_text(v) for v in values or ()])
            if not header_row:
                if cells:
                    header_row, header = number, cells
                continue
            rows.append((number, cells + [""] * (len(header) - len(cells))))
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, InvalidFileException) as exc:
        raise _fault(source, f"beschadigd Excel-bestand ({exc})", "xlsx.corrupt") from None
    except (ValueError, TypeError, SyntaxError) as exc:  # xml ParseError is a SyntaxError
        raise _fault(
            source,
            f"werkblad niet te lezen: {type(exc).__name__}: {exc}",
            "xlsx.corrupt",
        ) from None
    if not header_row:
        raise _fault(source, "leeg werkblad: geen kopregel gevonden", "roster.empty", line=1)
    return Table(header_row, header, rows)

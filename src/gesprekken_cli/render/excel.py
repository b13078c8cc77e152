"""CSV that Dutch Excel opens as intended: ``;``, UTF-8 with BOM, no formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix a cell Excel would read as a formula with ``'``."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def excel_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The CSV file's bytes, BOM included."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        writer.writerow(["" if cell is None else neutralise(str(cell)) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# Cells Dutch Excel reads as a date and a time (nl-NL: d-m-jjjj, u:mm) when it opens the file,
# so a column sorts and filters as dates; the same text on paper as on screen.


def date_cell(day: date | datetime | None) -> str:
    """``07-09-2026`` (dd-mm-jjjj), a moment's day in Dutch time; empty for no date."""
    if isinstance(day, datetime):
        day = _dutch(day)
    return "" if day is None else f"{day:%d-%m-%Y}"


def time_cell(moment: datetime | None) -> str:
    """``15:25`` (uu:mm) in Dutch time; empty for no time."""
    return "" if moment is None else f"{_dutch(moment):%H:%M}"


def _dutch(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Amsterdam"))


def family_number(family_id: str | None) -> str:
    """The gezin number as the school wrote it in the roster (``g-2003`` → ``2003``).

    Siblings linked only by a shared parent e-mail have a key the tool made (``f-…``), not a
    number the school knows: their cell stays empty (the plan's JSON keeps the key).
    """
    if family_id is None or not family_id.startswith("g-"):
        return ""
    return family_id[2:]

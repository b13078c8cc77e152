"""Cell values as Dutch school exports write them: dates, yes/no, groepen, one-line text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

SPACES = re.compile(r"\s+")
DATE_FORMATS = "dd-mm-jjjj, d-m-jjjj, dd/mm/jjjj, dd.mm.jjjj of jjjj-mm-dd"
_DATE_DMY = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?: 0?0:00(?::00)?)?")
_DATE_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]0?0:00(?::00)?)?")
_GRADE = re.compile(r"(?:groep\s*)?(\d{1,3})")
_CLASS_GRADES = re.compile(r"\s*(?:groep\s*)?(\d+)((?:\s*[/&+-]\s*\d+)*)")
_YES = frozenset({"ja", "j", "yes", "y", "true", "waar", "1", "x"})
_NO = frozenset({"nee", "n", "no", "false", "onwaar", "0", ""})
BOOL: dict[str, bool] = {**dict.fromkeys(_YES, True), **dict.fromkeys(_NO, False)}
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def parse_date(text: str) -> date | None:
    """A Dutch spreadsheet date (``05-09-2016``, ``5-9-2016``, ``2016-09-05``, …) or None."""
    text = text.strip()
    m = _DATE_DMY.fullmatch(text)
    try:
        if m:
            return date(int(m[4]), int(m[3]), int(m[1]))
        m = _DATE_YMD.fullmatch(text)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return None


def parse_bool(text: str) -> bool | None:
    """``ja``/``nee`` (and ``x``, ``1``, ``true``, …) as a bool; None when unreadable."""
    return BOOL.get(text.strip().lower())


def class_grades(name: str) -> tuple[int, ...]:
    """Groepen a class name names: ``Groep 5A`` → (5,), ``1/2B`` → (1, 2), ``Uilen`` → ()."""
    m = _CLASS_GRADES.match(name.lower())
    if not m:
        return ()
    numbers = [int(m[1]), *(int(n) for n in re.findall(r"\d+", m[2]))]
    return tuple(sorted({n for n in numbers if 1 <= n <= 8}))


def grade_value(text: str) -> int:
    """Groep 1-8 from a cell, 0 for an empty cell, -1 when it is no groep."""
    if not text:
        return 0
    m = _GRADE.fullmatch(text.lower())
    if m is None or not 1 <= int(m[1]) <= 8:
        return -1
    return int(m[1])


def households_value(text: str) -> int:
    """1 or 2 from ``1``/``2``/``ja``/``nee``/empty (lower case); 0 when unreadable."""
    if text in ("1", "2"):
        return int(text)
    flag = BOOL.get(text)
    return 0 if flag is None else 2 if flag else 1


def one_line(cell: str) -> str:
    """A cell as one clean line: a newline or tab inside a quoted field becomes a space, so no
    name can break a calendar line, a Markdown table or a terminal view."""
    cell = cell.strip()
    if cell.isprintable():
        return cell
    return SPACES.sub(" ", _LINE_BREAKS.sub(" ", cell)).strip()


def one_line_each(cells: Sequence[str]) -> list[str]:
    """:func:`one_line` of every cell; a column without control characters (nearly every
    column) only needs stripping, found with one check of the whole column."""
    if "".join(cells).isprintable():
        return list(map(str.strip, cells))
    return list(map(one_line, cells))

"""Read a school's pupil roster (CSV) and its classes file into a :class:`Roster`.

``roster_from_table`` holds every header rule and message, so any tabular reader (CSV here,
xlsx or EDEXML later) gives the same result and the same faults. Faults are collected per
file and raised together as one :class:`RosterError`; I/O faults raise exit code 2.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from itertools import compress, filterfalse, repeat
from pathlib import Path
from typing import Any

from gesprekken_cli.errors import Problem, RosterError, io_error, os_reason, quote
from gesprekken_cli.model import Klass, Roster, Teacher, pupils_from_columns
from gesprekken_cli.teachers import parse_teachers

CANONICAL: tuple[str, ...] = (
    "leerlingnummer",
    "roepnaam",
    "tussenvoegsel",
    "achternaam",
    "groep",
    "klas",
    "leerkracht",
    "email1",
    "email2",
    "gezin",
    "startdatum",
    "nieuwe_leerkracht",
    "geboortedatum",
    "huishoudens",
    "kenmerken",
)


def _mail_aliases(number: str) -> tuple[str, ...]:
    return tuple(
        f"{mail} {who} {number}"
        for mail in ("email", "emailadres")
        for who in ("ouder", "verzorger", "ouder/verzorger")
    )


_ALIASES: dict[str, tuple[str, ...]] = {
    "leerlingnummer": (
        "leerlingnummer",
        "leerling nummer",
        "leerlingnr",
        "id",
        "leerling id",
        "llnr",
        "lln nr",
    ),
    "roepnaam": ("roepnaam", "voornaam"),
    "tussenvoegsel": ("tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorvoegsels"),
    "achternaam": ("achternaam",),
    "groep": ("groep", "leerjaar", "jaargroep"),
    "klas": ("klas", "klasnaam", "groepsnaam", "stamgroep"),
    "leerkracht": ("leerkracht", "leerkrachten"),
    "email1": (*_mail_aliases("1"), "email", "emailadres"),
    "email2": _mail_aliases("2"),
    "gezin": ("gezin", "gezinsnummer", "gezinsid", "gezin id", "gezinscode"),
    "startdatum": ("startdatum", "instroomdatum"),
    "nieuwe_leerkracht": ("nieuwe leerkracht",),
    "geboortedatum": ("geboortedatum",),
    "huishoudens": ("huishoudens", "twee huishoudens", "gescheiden", "aantal huishoudens"),
    "kenmerken": ("kenmerken", "kenmerk"),
}

_DROP = str.maketrans("", "", "_-.")
_SPACES = re.compile(r"\s+")


def normalise_header(text: str) -> str:
    """``' E-mail_Ouder  1 '`` → ``'email ouder 1'``: lower case, ``_ - .`` dropped."""
    return _SPACES.sub(" ", text.replace("\ufeff", "").lower().translate(_DROP)).strip()


def _header_key(text: str) -> str:
    return normalise_header(text).replace(" ", "")


_ALIAS_INDEX: dict[str, str] = {
    _header_key(alias): canon for canon, aliases in _ALIASES.items() for alias in aliases
}

_DATE_DMY = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?: 0?0:00(?::00)?)?")
_DATE_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]0?0:00(?::00)?)?")
_DATE_FORMATS = "dd-mm-jjjj, d-m-jjjj, dd/mm/jjjj, dd.mm.jjjj of jjjj-mm-dd"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_GRADE = re.compile(r"(?:groep\s*)?(\d{1,3})")
_CLASS_GRADES = re.compile(r"\s*(?:groep\s*)?(\d+)((?:\s*[/&+-]\s*\d+)*)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_GRADE_TEXT = {str(n): n for n in range(1, 9)}
_YES = frozenset({"ja", "j", "yes", "y", "true", "waar", "1", "x"})
_NO = frozenset({"nee", "n", "no", "false", "onwaar", "0", ""})
_BOOL = {**dict.fromkeys(_YES, True), **dict.fromkeys(_NO, False)}


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


def _parse_bool(text: str) -> bool | None:
    return _BOOL.get(text.strip().lower())


def class_grades(name: str) -> tuple[int, ...]:
    """Groepen a class name names: ``Groep 5A`` → (5,), ``1/2B`` → (1, 2), ``Uilen`` → ()."""
    m = _CLASS_GRADES.match(name.lower())
    if not m:
        return ()
    numbers = [int(m[1]), *(int(n) for n in re.findall(r"\d+", m[2]))]
    return tuple(sorted({n for n in numbers if 1 <= n <= 8}))


# --- teachers -------------------------------------------------------------------------


def decode_text(raw: bytes, source: str) -> str:
    """Text of a CSV export: UTF-16 (with BOM), UTF-8 (BOM optional) or Windows-1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            text = "\x00"
    elif b"\x00" in raw:
        text = "\x00"
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise RosterError(
                    [
                        Problem(
                            source,
                            f"tekens niet te lezen (byte {exc.start + 1}); verwacht UTF-8 of"
                            " Windows-1252 (sla op als 'CSV UTF-8')",
                            code="roster.encoding",
                        )
                    ]
                ) from None
    sample = text[:65536]
    controls = len(_CONTROL.findall(sample))
    if "\x00" in text or controls > len(sample) // 20:
        raise RosterError(
            [
                Problem(
                    source,
                    "geen CSV-bestand (binaire inhoud); sla het overzicht op als CSV",
                    code="roster.binary",
                )
            ]
        )
    return unicodedata.normalize("NFC", text)


def _outside_quotes(line: str) -> str:
    return re.sub(r'"[^"]*"', "", line)


def _delimiter(text: str) -> str:
    """``;``, ``,`` or tab: csv.Sniffer, overruled by counts in the header line."""
    first = text.lstrip("\r\n").split("\n", 1)[0]
    counts = {d: _outside_quotes(first).count(d) for d in ";,\t"}
    best = max(counts, key=lambda d: counts[d])
    try:
        sample = "\n".join(text[:4096].splitlines()[:10])  # the sniffer is O(chars x lines)
        sniffed = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        sniffed = best
    if counts.get(sniffed, 0) >= counts[best]:
        return sniffed
    return best if counts[best] else ";"


_SEP_HINT = re.compile(r"sep=([;,\t|])?\r?\n", re.IGNORECASE)


def _dialect(text: str) -> tuple[str, str]:
    """The text without Excel's ``sep=;`` hint line, and its delimiter."""
    hint = _SEP_HINT.match(text)
    if hint:
        text = text[hint.end() :]
    return text, (hint[1] if hint else "") or _delimiter(text)


def _records(text: str, source: str, problems: list[Problem]) -> list[tuple[int, list[str]]]:
    """Numbered CSV records (row 1 = first record, as a spreadsheet counts them).

    Excel's ``sep=;`` hint line is honoured and, as in Excel, not counted as a row.
    """
    text, delimiter = _dialect(text)
    lines = _plain_lines(text)
    if lines is not None:
        return [
            (number, line.split(delimiter) if line else []) for number, line in enumerate(lines, 1)
        ]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        return list(enumerate(reader, start=1))
    except csv.Error as exc:
        problems.append(
            Problem(
                source,
                f"regel {reader.line_num}: CSV niet te lezen ({exc})",
                line=reader.line_num,
                code="roster.csv",
            )
        )
        return []


def _plain_lines(text: str) -> list[str] | None:
    """The records of text without quotes or lone carriage returns, one per line: for such
    text :mod:`csv` only splits lines on the delimiter, which plain splitting does twice as
    fast. None when the text needs the csv reader."""
    if '"' in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    lines = text.split("\n")
    if not lines[-1]:
        lines.pop()
    if lines and max(map(len, lines)) > csv.field_size_limit():
        return None  # let the reader report the over-long field
    return lines


class Columns:
    """A table's data rows column by column (one list per header cell), for a table whose
    rows are all as wide as the header and none blank; ``numbers`` as for rows. ``clean``:
    every cell is already one printable line without surrounding spaces (see
    :func:`_one_line`).

    A plain class: a dataclass would cost every start-up a millisecond to build."""

    __slots__ = ("cells", "clean", "numbers")

    def __init__(self, numbers: Sequence[int], cells: list[list[str]], clean: bool = False) -> None:
        self.numbers = numbers
        self.cells = cells
        self.clean = clean


def _plain_columns(text: str) -> tuple[int, list[str], Columns] | None:
    """Header row number, header and :class:`Columns` of a plain CSV text (see
    :func:`_plain_lines`) that is a full table; None for any other text.

    Splitting the whole text at once costs no list per row (a 12,000-row roster is read
    twice as fast and leaves the garbage collector 24,000 fewer objects to look at).
    """
    text, delimiter = _dialect(text)
    lines = _plain_lines(text)
    if lines is None:
        return None
    # the header: the first line with something in a cell
    index = next((i for i, line in enumerate(lines) if line.replace(delimiter, "").strip()), -1)
    if index < 0:
        return None
    header = lines[index].split(delimiter)
    data = lines[index + 1 :]
    width = len(header)
    if not data or set(map(str.count, data, repeat(delimiter))) != {width - 1}:
        return None
    joined = delimiter.join(data)
    cells = joined.split(delimiter)
    columns = [cells[at::width] for at in range(width)]
    if not all(map(str.strip, columns[0])):
        blank = [row for row, cell in enumerate(columns[0]) if not cell.strip()]
        if any(not any(column[row].strip() for column in columns) for row in blank):
            return None  # blank rows are skipped by the row reader
    # Printable text has no white space but the ASCII space, so no cell needs cleaning when
    # none starts or ends with one (the delimiter also stands between the lines here).
    clean = joined.isprintable() and not (
        f" {delimiter}" in joined
        or f"{delimiter} " in joined
        or joined.startswith(" ")
        or joined.endswith(" ")
    )
    first = index + 2
    return index + 1, header, Columns(range(first, first + len(data)), columns, clean)


MAX_BYTES = 50 * 1024 * 1024


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """A roster file's bytes; missing, unreadable or oversized files are I/O errors (exit 2)
    or, when too large, a roster error (exit 1)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise RosterError(
                [
                    Problem(
                        str(path),
                        f"bestand te groot ({size // (1024 * 1024)} MB); een rooster mag hier"
                        f" hoogstens {max_bytes // (1024 * 1024)} MB zijn",
                        code="roster.too-large",
                    )
                ]
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise io_error(str(path), "bestand niet gevonden") from None
    except IsADirectoryError:
        raise io_error(str(path), "dit is een map, geen bestand") from None
    except OSError as exc:
        raise io_error(str(path), f"bestand niet te lezen ({os_reason(exc)})") from None


def _table(raw: bytes, source: str) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """Header row number, header and data rows of CSV bytes; empty files raise."""
    return _rows_table(decode_text(raw, source), source)


def _columns_table(
    raw: bytes, source: str
) -> tuple[int, list[str], list[tuple[int, list[str]]] | Columns]:
    """Like :func:`_table`, the data as :class:`Columns` when the text allows it."""
    text = decode_text(raw, source)
    return _plain_columns(text) or _rows_table(text, source)


def _rows_table(text: str, source: str) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """:func:`_table` of text already decoded."""
    problems: list[Problem] = []
    rows = _records(text, source, problems)
    if problems:
        raise RosterError(problems)
    for position, (number, cells) in enumerate(rows):
        if any(cell.strip() for cell in cells):
            return number, cells, rows[position + 1 :]
    raise RosterError(
        [Problem(source, "leeg bestand: geen kopregel gevonden", line=1, code="roster.empty")]
    )


def read_roster(
    path: Path,
    *,
    classes_file: Path | None = None,
    header_map: Mapping[str, str] | None = None,
) -> Roster:
    """Read a CSV roster (and optionally its classes file); raises RosterError or io_error."""
    from gesprekken_cli.classes import read_classes  # the classes file builds on this module

    classes = read_classes(classes_file) if classes_file is not None else ()
    return roster_from_bytes(
        read_bytes(path), source=str(path), classes=classes, header_map=header_map
    )


def roster_from_bytes(
    raw: bytes,
    *,
    source: str,
    classes: Sequence[Klass] = (),
    header_map: Mapping[str, str] | None = None,
) -> Roster:
    """Like :func:`read_roster` for bytes already in memory (stdin, an upload, a test)."""
    header_row, header, rows = _columns_table(raw, source)
    return roster_from_table(
        header,
        rows,
        source=source,
        classes=classes,
        header_map=header_map,
        header_row=header_row,
    )


# --- the shared normaliser ----------------------------------------------------------------


def _map_header(
    header: Sequence[str],
    source: str,
    header_map: Mapping[str, str] | None,
    header_row: int,
    warnings: list[str],
) -> dict[str, int]:
    own: dict[str, str] = {}
    for key, canon in (header_map or {}).items():
        if canon not in CANONICAL:
            raise RosterError(
                [
                    Problem(
                        source,
                        f"kolomkoppeling {quote(key)} → {quote(canon)}: onbekende kolomnaam;"
                        f" kies uit {', '.join(CANONICAL)}",
                        code="roster.header-map",
                    )
                ]
            )
        own[_header_key(key)] = canon
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        key = _header_key(cell)
        if not key:
            continue
        found = own.get(key) or _ALIAS_INDEX.get(key)
        if found is None:
            unknown.append(cell.strip())
        elif found in columns:
            warnings.append(
                f"kolommen {quote(header[columns[found]].strip())} en {quote(cell.strip())}"
                f" betekenen allebei {found}; de eerste wordt gebruikt"
            )
        else:
            columns[found] = index
    if unknown:
        warnings.append("onbekende kolommen genegeerd: " + ", ".join(unknown))
    missing = [name for name in ("roepnaam", "achternaam") if name not in columns]
    if "leerlingnummer" not in columns and "geboortedatum" not in columns:
        missing.append("leerlingnummer' of 'geboortedatum")
    if "groep" not in columns and "klas" not in columns:
        missing.append("klas' of 'groep")
    if missing:
        found = ", ".join(cell.strip() for cell in header if cell.strip()) or "(geen)"
        word = "kolom" if len(missing) == 1 else "kolommen"
        verb = "ontbreekt" if len(missing) == 1 else "ontbreken"
        names = ", ".join(f"'{name}'" for name in missing)
        raise RosterError(
            [
                Problem(
                    source,
                    f"verplichte {word} {names} {verb}; gevonden kolommen: {found}",
                    line=header_row,
                    code="roster.missing-column",
                )
            ]
        )
    return columns


def _derived_id(first: str, infix: str, last: str, born: date | None) -> str:
    key = "|".join(
        _SPACES.sub(" ", part.strip().lower())
        for part in (first, infix, last, born.isoformat() if born else "")
    )
    return "ll-" + hashlib.sha256(key.encode()).hexdigest()[:10]


def _grade_value(text: str) -> int:
    """Groep 1-8 from a cell, 0 for an empty cell, -1 when it is no groep."""
    if not text:
        return 0
    m = _GRADE.fullmatch(text.lower())
    if m is None or not 1 <= int(m[1]) <= 8:
        return -1
    return int(m[1])


_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _one_line(cell: str) -> str:
    """A cell as one clean line: a newline or tab inside a quoted field becomes a space, so no
    name can break a calendar line, a Markdown table or a terminal view."""
    cell = cell.strip()
    if cell.isprintable():
        return cell
    return _SPACES.sub(" ", _LINE_BREAKS.sub(" ", cell)).strip()


def _one_line_each(cells: Sequence[str]) -> list[str]:
    """:func:`_one_line` of every cell; a column without control characters (nearly every
    column) only needs stripping, found with one check of the whole column."""
    if "".join(cells).isprintable():
        return list(map(str.strip, cells))
    return list(map(_one_line, cells))


def _blanks(*columns: Sequence[object]) -> list[int]:
    """Positions where any of ``columns`` is empty (or 0), in order; usually none."""
    if all(map(all, columns)):
        return []
    return [
        position for position, values in enumerate(zip(*columns, strict=True)) if not all(values)
    ]


def _all_full(rows: Sequence[tuple[int, Sequence[str]]], width: int) -> bool:
    """Whether every row has ``width`` cells and something in them: the rows to keep as they
    are, checked with whole-table operations instead of a loop per row."""
    if not rows:
        return False
    cells = [cells for _, cells in rows]
    if set(map(len, cells)) != {width}:
        return False
    return all(map(str.strip, map("".join, cells)))


def roster_from_table(
    header: Sequence[str],
    rows: Iterable[tuple[int, Sequence[str]]] | Columns,
    *,
    source: str,
    classes: Sequence[Klass] = (),
    header_map: Mapping[str, str] | None = None,
    header_row: int = 1,
) -> Roster:
    """Normalise a table (header + numbered rows) into a Roster; raises RosterError.

    ``rows`` are ``(row number as the user sees it, cells)``, or :class:`Columns`; all
    faults are collected and reported in row order. Work is done per column over its
    distinct values, so a 12,000-row roster costs little more than reading it.
    """
    problems: list[Problem] = []
    warnings: list[str] = []
    col = _map_header(header, source, header_map, header_row, warnings)
    width = len(header)
    data: list[Sequence[str]] = []
    numbers: list[int] = []
    transposed: Sequence[Sequence[str]] = ()
    clean = False
    if isinstance(rows, Columns):
        numbers, transposed, clean = list(rows.numbers), rows.cells, rows.clean
        rows = ()
    elif not isinstance(rows, Sequence):
        rows = list(rows)
    if _all_full(rows, width):
        numbers = [row for row, _ in rows]
        data = [cells for _, cells in rows]
        rows = ()
    for row, cells in rows:
        if len(cells) != width:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) < width or any(cell.strip() for cell in cells[width:]):
                if len(cells) < width:
                    # the first column without a value: where the row ran short
                    at, key = len(cells) + 1, header[len(cells)].strip()
                    detail = f"kolom {key!r} en verder ontbreken"
                else:
                    at, key = width + 1, ""
                    detail = f"vanaf kolom {width + 1} staat meer dan de kopregel heeft"
                problems.append(
                    Problem(
                        source,
                        f"rij {row}: {len(cells)} velden, verwacht {width} ({detail}; "
                        "staat er een scheidingsteken of aanhalingsteken in een naam?)",
                        line=row,
                        column=at,
                        key=key,
                        code="roster.field-count",
                    )
                )
                continue
            cells = cells[:width]
        elif not any(cells) or not "".join(cells).strip():
            continue
        data.append(cells)
        numbers.append(row)
    count = len(numbers)
    if not count and not problems:
        problems.append(
            Problem(
                source,
                "geen leerlingen: het bestand heeft alleen een kopregel",
                line=header_row + 1,
                code="roster.no-rows",
            )
        )
    if not count:
        raise RosterError(problems)

    if data:
        transposed = list(zip(*data, strict=True))

    def column(canon: str, lower: bool = False) -> list[str]:
        index = col.get(canon)
        if index is None:
            return [""] * count
        values = list(transposed[index]) if clean else _one_line_each(transposed[index])
        return list(map(str.lower, values)) if lower else values

    def bad(position: int, canon: str, message: str, code: str) -> None:
        index = col[canon]
        problems.append(
            Problem(source, message, numbers[position], index + 1, header[index].strip(), code)
        )

    def bad_values(values: list[str], wrong: set[str], canon: str, message: Any, code: str) -> None:
        if wrong:
            for position, value in enumerate(values):
                if value in wrong:
                    bad(position, canon, message(value), code)

    firsts, lasts, infixes = column("roepnaam"), column("achternaam"), column("tussenvoegsel")
    for position in _blanks(firsts, lasts):
        if not firsts[position]:
            bad(
                position, "roepnaam", "roepnaam is leeg; elke leerling heeft er een", "roster.empty"
            )
        if not lasts[position]:
            bad(
                position,
                "achternaam",
                "achternaam is leeg; elke leerling heeft er een",
                "roster.empty",
            )

    parsed_dates: dict[str, list[date | None]] = {}
    for canon in ("geboortedatum", "startdatum"):
        values = column(canon)
        known = {value: parse_date(value) for value in set(values) if value}
        bad_values(
            values,
            {value for value, day in known.items() if day is None},
            canon,
            lambda value: f"datum {quote(value)} niet te lezen; verwacht {_DATE_FORMATS}",
            "roster.bad-date",
        )
        parsed_dates[canon] = list(map(known.get, values))
    borns, starts = parsed_dates["geboortedatum"], parsed_dates["startdatum"]

    mails = (column("email1", lower=True), column("email2", lower=True))
    for canon, values in zip(("email1", "email2"), mails, strict=True):
        distinct = set(values)
        distinct.discard("")
        bad_values(
            values,
            set(filterfalse(_EMAIL.fullmatch, distinct)),
            canon,
            lambda _: "ongeldig e-mailadres; verwacht één adres als naam@domein.nl",
            "roster.bad-email",
        )
    if any(mails[1]):
        emails = [
            (a, b) if a and b and a != b else (a,) if a else (b,) if b else ()
            for a, b in zip(*mails, strict=True)
        ]
    else:  # one address per pupil: a tuple per distinct address, shared by siblings
        single = {address: (address,) for address in set(mails[0]) if address}
        emails = list(map(single.get, mails[0], repeat(())))

    klasses = column("klas")
    grade_texts = column("groep")
    grade_of = {text: _grade_value(text) for text in set(grade_texts)}
    bad_values(
        grade_texts,
        {text for text, grade in grade_of.items() if grade < 0},
        "groep",
        lambda text: f"groep {quote(text)} bestaat niet; verwacht een getal van 1 t/m 8",
        "roster.bad-grade",
    )
    named = {name: class_grades(name) for name in set(klasses)}
    if all(grade_texts):
        grades = list(map(grade_of.__getitem__, grade_texts))
    else:
        grades = [
            grade_of[text] if text else (named[name][0] if len(named[name]) == 1 else 0)
            for text, name in zip(grade_texts, klasses, strict=True)
        ]
    for position in _blanks(grades):
        if not grade_texts[position]:
            problems.append(
                _unknown_grade(source, header, col, klasses[position], numbers[position])
            )
    if "" in named:
        klasses = [name or f"Groep {grade}" for name, grade in zip(klasses, grades, strict=True)]

    ids = column("leerlingnummer")
    seen: dict[str, int] = {}
    unique = all(ids) and len(set(ids)) == count  # nothing to derive, nothing to report
    for position in () if unique else range(count):
        own = ids[position]
        if not own:
            born = borns[position]
            if born is not None and firsts[position] and lasts[position]:
                ids[position] = _derived_id(
                    firsts[position], infixes[position], lasts[position], born
                )
            elif "leerlingnummer" in col:
                bad(position, "leerlingnummer", "leerlingnummer is leeg", "roster.empty")
                continue
            elif "geboortedatum" in col and born is None:
                if not transposed[col["geboortedatum"]][position].strip():
                    bad(
                        position,
                        "geboortedatum",
                        "geboortedatum is leeg; zonder leerlingnummer is die nodig om de"
                        " leerling te herkennen",
                        "roster.empty",
                    )
                continue
            else:
                continue
        first = seen.setdefault(ids[position], position)
        if first != position:
            row, first_row = numbers[position], numbers[first]
            if own:
                bad(
                    position,
                    "leerlingnummer",
                    f"leerlingnummer {quote(own)} staat dubbel: rij {first_row} en rij {row}",
                    "roster.duplicate-id",
                )
            else:
                problems.append(
                    Problem(
                        source,
                        f"dezelfde leerling (naam en geboortedatum) staat dubbel: rij"
                        f" {first_row} en rij {row}",
                        line=row,
                        code="roster.duplicate-id",
                    )
                )

    class_teachers = _row_teachers(
        column("leerkracht"),
        klasses,
        numbers,
        warnings,
        lambda p, m: bad(p, "leerkracht", m, "roster.bad-teacher"),
    )

    flags = column("nieuwe_leerkracht", lower=True)
    news = list(map({flag: _BOOL.get(flag) if flag else None for flag in set(flags)}.get, flags))
    bad_values(
        flags,
        {flag for flag in set(flags) if flag and flag not in _BOOL},
        "nieuwe_leerkracht",
        lambda flag: f"{quote(flag)} is geen ja of nee",
        "roster.bad-bool",
    )
    class_new = set(compress(klasses, news))

    house_texts = column("huishoudens", lower=True)
    house_of = {text: _households(text) for text in set(house_texts)}
    bad_values(
        house_texts,
        {text for text, value in house_of.items() if value == 0},
        "huishoudens",
        lambda text: f"{quote(text)} niet te lezen; verwacht ja/nee of 1/2",
        "roster.bad-households",
    )
    households = list(map(house_of.__getitem__, house_texts))

    trait_texts = column("kenmerken")
    trait_of = {
        text: frozenset(
            _SPACES.sub("_", part.strip().lower())
            for part in re.split(r"[,;]", text)
            if part.strip()
        )
        for text in set(trait_texts)
    }
    traits = list(map(trait_of.__getitem__, trait_texts))

    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise RosterError(problems)
    families, unlinked = _families(emails, column("gezin"))
    if unlinked:
        # Leerlingnummers (not names) so the office can find them; broers/zussen may be missed.
        loose = [ids[i] for i, family in enumerate(families) if family is None]
        shown = ", ".join(loose[:10]) + (f" en {len(loose) - 10} meer" if len(loose) > 10 else "")
        warnings.append(
            f"{unlinked} leerling(en) zonder gezinskoppeling (geen gezin en geen e-mailadres), "
            f"dus broertjes en zusjes worden mogelijk gemist: {shown}"
        )
    class_grades_seen: dict[str, set[int]] = {}
    for name, grade in set(zip(klasses, grades, strict=True)):
        class_grades_seen.setdefault(name, set()).add(grade)
    order = dict.fromkeys(klasses)
    pupils = pupils_from_columns(
        pupil_id=ids,
        first_name=firsts,
        last_name=lasts,
        grade=grades,
        class_name=klasses,
        infix=infixes,
        birth_date=borns,
        guardian_emails=emails,
        family_id=families,
        start_date=starts,
        new_teacher=news,
        households=households,
        traits=traits,
        row=numbers,
    )
    return Roster(
        source=source,
        pupils=pupils,
        classes=_classes(
            {name: class_grades_seen[name] for name in order},
            class_teachers,
            class_new,
            classes,
            warnings,
        ),
        warnings=tuple(warnings),
    )


def _households(text: str) -> int:
    """1 or 2 from ``1``/``2``/``ja``/``nee``/empty; 0 when unreadable."""
    if text in ("1", "2"):
        return int(text)
    flag = _BOOL.get(text)
    return 0 if flag is None else 2 if flag else 1


def _unknown_grade(
    source: str, header: Sequence[str], col: Mapping[str, int], klass: str, row: int
) -> Problem:
    i_grade = col.get("groep")
    if not klass:
        return Problem(
            source,
            "klas en groep zijn allebei leeg; vul er minstens één in",
            line=row,
            key=header[i_grade].strip() if i_grade is not None else "groep",
            code="roster.unknown-grade",
        )
    grades = class_grades(klass)
    what = (
        f"klas {klass} combineert groep {' en '.join(map(str, grades))}"
        if grades
        else f"klas {quote(klass)} noemt geen groep"
    )
    at = i_grade if i_grade is not None else col["klas"]
    fill = (
        f"vul {header[i_grade].strip()} in"
        if i_grade is not None
        else "voeg een kolom 'groep' (of 'leerjaar') toe"
    )
    return Problem(
        source,
        f"groep onbekend: {what}; {fill}",
        line=row,
        column=at + 1,
        key=header[at].strip(),
        code="roster.unknown-grade",
    )


def _row_teachers(
    texts: list[str],
    klasses: list[str],
    numbers: list[int],
    warnings: list[str],
    bad: Callable[[int, str], None],
) -> dict[str, tuple[tuple[Teacher, ...], int]]:
    """Teachers per class from the first row naming them; later differing rows warn."""
    backwards = range(len(texts) - 1, -1, -1)  # so the first row wins
    class_row = dict(zip(reversed(klasses), backwards, strict=True))
    if list(map(texts.__getitem__, map(class_row.__getitem__, klasses))) == texts:
        # every row names what the first row of its class names (the usual roster)
        first_rows = [class_row[name] for name in dict.fromkeys(klasses)]  # in row order
        first_at = {(klasses[row], texts[row]): row for row in first_rows if texts[row]}
    else:
        pairs = dict.fromkeys(zip(klasses, texts, strict=True))  # in row order
        backward_pairs = zip(reversed(klasses), reversed(texts), strict=True)
        pair_row = dict(zip(backward_pairs, backwards, strict=True))
        first_at = {pair: pair_row[pair] for pair in pairs if pair[1]}
    parsed: dict[str, tuple[Teacher, ...] | str] = {}
    for _, text in first_at:
        if text not in parsed:
            try:
                parsed[text] = parse_teachers(text)
            except ValueError as exc:
                parsed[text] = str(exc)
    wrong = {text for text, value in parsed.items() if isinstance(value, str)}
    if wrong:
        for position, text in enumerate(texts):
            if text in wrong:
                bad(position, str(parsed[text]))
    result: dict[str, tuple[tuple[Teacher, ...], int]] = {}
    for (name, text), position in first_at.items():
        value = parsed[text]
        if isinstance(value, str) or not name:
            continue
        row = numbers[position]
        known = result.setdefault(name, (value, row))
        if known[0] != value:
            warnings.append(
                f"rij {row}: leerkracht wijkt af van rij {known[1]} in klas {name};"
                f" die van rij {known[1]} wordt gebruikt"
            )
    return result


def _families(emails: Sequence[tuple[str, ...]], gezins: list[str]) -> tuple[list[str | None], int]:
    """Family id per pupil, and how many pupils have no family link.

    ``g-<gezin>`` when the roster says so, else pupils sharing a parent e-mail (also through
    a chain of siblings) share ``f-<hash of their e-mails>``; a pupil linked by e-mail to a
    pupil with a gezin joins that gezin.
    """
    count = len(emails)
    if all(gezins):
        return list(map("g-".__add__, gezins)), 0
    parent = list(range(count))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, mine in enumerate(emails):
        for email in mine:
            other = owner.setdefault(email, index)
            if other != index:
                a, b = find(index), find(other)
                if a != b:
                    parent[a] = b
    roots = [find(i) for i in range(count)]
    gezin: dict[int, str] = {}
    mails: dict[int, set[str]] = {}
    for index, root in enumerate(roots):
        own = gezins[index]
        if own and (root not in gezin or own < gezin[root]):
            gezin[root] = own
        if emails[index]:
            mails.setdefault(root, set()).update(emails[index])
    family_of: dict[int, str | None] = {}
    result: list[str | None] = []
    unlinked = 0
    for index, root in enumerate(roots):
        own = gezins[index]
        if own:
            result.append("g-" + own)
            continue
        if root not in family_of:
            if root in gezin:
                family_of[root] = "g-" + gezin[root]
            elif root in mails:
                digest = hashlib.sha256("\n".join(sorted(mails[root])).encode()).hexdigest()
                family_of[root] = "f-" + digest[:10]
            else:
                family_of[root] = None
        family = family_of[root]
        if family is None:
            unlinked += 1
        result.append(family)
    return result, unlinked


def _classes(
    grades: dict[str, set[int]],
    row_teachers: dict[str, tuple[tuple[Teacher, ...], int]],
    row_new: set[str],
    configured: Sequence[Klass],
    warnings: list[str],
) -> tuple[Klass, ...]:
    exact = {k.name: k for k in configured}
    loose = {_header_key(k.name): k for k in configured}
    result: list[Klass] = []
    missing: list[str] = []
    without: list[str] = []
    for name, found in grades.items():
        conf = exact.get(name) or (loose.get(_header_key(name)) if loose else None)
        if conf is None and configured:
            missing.append(name)
        teachers = conf.teachers if conf and conf.teachers else row_teachers.get(name, ((), 0))[0]
        if not teachers:
            without.append(name)
        all_grades = {g for g in found if g} | set(class_grades(name))
        if conf:
            all_grades |= set(conf.grades)
        result.append(
            Klass(
                name=name,
                grades=tuple(sorted(all_grades)),
                teachers=teachers,
                new_teacher=bool(conf and conf.new_teacher) or name in row_new,
            )
        )
    if missing:
        warnings.append("klassen niet in het klassenbestand: " + ", ".join(missing))
    if without:
        warnings.append("klassen zonder leerkracht: " + ", ".join(without))
    return tuple(result)

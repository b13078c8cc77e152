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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from gesprekken_cli.errors import Problem, RosterError, io_error
from gesprekken_cli.model import Klass, Pupil, Roster, Teacher

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


def _show(value: str, limit: int = 30) -> str:
    """A cell value fit for a message: quoted, cut short."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


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

_DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag")
_DAY_SPLIT = re.compile(r"[,;/&+\s]+|\ben\b")


def _day(token: str) -> int | None:
    if len(token) >= 2:
        for index, full in enumerate(_DAY_NAMES):
            if full.startswith(token):
                return index
    return None


def parse_workdays(text: str) -> frozenset[int]:
    """``ma, di`` / ``wo-vr`` / ``maandag t/m woensdag`` → weekday numbers (0 = maandag).

    Raises ValueError with a Dutch message for anything else.
    """
    low = text.lower().replace("t/m", "-").replace("tot en met", "-")
    low = re.sub(r"\s*-\s*", "-", low)
    days: set[int] = set()
    for token in _DAY_SPLIT.split(low):
        token = token.strip(" .")
        if not token:
            continue
        if "-" in token:
            first, _, last = token.partition("-")
            start, end = _day(first.strip(" .")), _day(last.strip(" ."))
            if start is None or end is None or end < start:
                raise ValueError(
                    f"werkdagen {_show(token)} niet te lezen; verwacht bijv. 'ma-wo' of 'di t/m vr'"
                )
            days.update(range(start, end + 1))
        else:
            number = _day(token)
            if number is None:
                raise ValueError(
                    f"werkdag {_show(token)} onbekend; verwacht ma, di, wo, do of vr"
                    " (of de hele naam)"
                )
            days.add(number)
    return frozenset(days)


def _split_teachers(text: str) -> Iterator[str]:
    """Split on the duo separators outside parentheses (``t/m`` inside them stays)."""
    depth, start = 0, 0
    parts: list[str] = []
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and char in "/&+;":
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    for part in parts:
        yield from _split_en(part)


def _split_en(part: str) -> Iterator[str]:
    depth, start = 0, 0
    low = part.lower()
    for index, char in enumerate(part):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and low.startswith(" en ", index):
            yield part[start:index]
            start = index + 4
    yield part[start:]


def parse_teachers(text: str) -> tuple[Teacher, ...]:
    """``Anna de Boer (ma, di) / Pieter Jansen (wo-vr)`` → two teachers with workdays.

    Separators: ``/ & + ;`` and `` en ``; days in parentheses are optional (none = every
    day). Raises ValueError with a Dutch message when a part cannot be read.
    """
    teachers: list[Teacher] = []
    for raw_part in _split_teachers(text):
        part = raw_part.strip()
        if not part:
            continue
        workdays: frozenset[int] = frozenset()
        if "(" in part or ")" in part:
            m = re.fullmatch(r"([^()]*)\(([^()]*)\)", part)
            if not m:
                raise ValueError(
                    "leerkracht niet te lezen; verwacht 'Naam (ma, di)' met de werkdagen tussen"
                    " haakjes"
                )
            part, workdays = m[1].strip(), parse_workdays(m[2])
        if not part:
            raise ValueError("werkdagen zonder naam van de leerkracht")
        teachers.append(Teacher(name=_SPACES.sub(" ", part), workdays=workdays))
    return tuple(teachers)


# --- bytes → rows -----------------------------------------------------------------------


def _decode(raw: bytes, source: str) -> str:
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
        sniffed = csv.Sniffer().sniff(text[:8192], delimiters=";,\t").delimiter
    except csv.Error:
        sniffed = best
    if counts.get(sniffed, 0) >= counts[best]:
        return sniffed
    return best if counts[best] else ";"


def _records(text: str, source: str, problems: list[Problem]) -> list[tuple[int, list[str]]]:
    """Numbered CSV records (row 1 = first record, as a spreadsheet counts them)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
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


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise io_error(str(path), "bestand niet gevonden") from None
    except IsADirectoryError:
        raise io_error(str(path), "dit is een map, geen bestand") from None
    except OSError as exc:
        raise io_error(str(path), f"bestand niet te lezen ({exc.strerror or exc})") from None


def _table(raw: bytes, source: str) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """Header row number, header and data rows of CSV bytes; empty files raise."""
    problems: list[Problem] = []
    text = _decode(raw, source)
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
    classes = read_classes(classes_file) if classes_file is not None else ()
    return roster_from_bytes(
        _read_bytes(path), source=str(path), classes=classes, header_map=header_map
    )


def roster_from_bytes(
    raw: bytes,
    *,
    source: str,
    classes: Sequence[Klass] = (),
    header_map: Mapping[str, str] | None = None,
) -> Roster:
    """Like :func:`read_roster` for bytes already in memory (stdin, an upload, a test)."""
    header_row, header, rows = _table(raw, source)
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
                        f"kolomkoppeling {_show(key)} → {_show(canon)}: onbekende kolomnaam;"
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
                f"kolommen {_show(header[columns[found]].strip())} en {_show(cell.strip())}"
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


# Positions in the per-row value list; the order is Pupil's field order, so a finished
# list becomes ``Pupil(*values)`` (keyword construction of the frozen dataclass costs twice).
_P_ID, _P_FIRST, _P_LAST, _P_GRADE, _P_CLASS, _P_INFIX, _P_BORN, _P_EMAILS, _P_FAMILY = range(9)
_P_START, _P_NEW, _P_HOUSEHOLDS, _P_TRAITS, _P_ROW = range(9, 14)


def roster_from_table(
    header: Sequence[str],
    rows: Iterable[tuple[int, Sequence[str]]],
    *,
    source: str,
    classes: Sequence[Klass] = (),
    header_map: Mapping[str, str] | None = None,
    header_row: int = 1,
) -> Roster:
    """Normalise a table (header + numbered rows) into a Roster; raises RosterError.

    ``rows`` are ``(row number as the user sees it, cells)``; all faults are collected.
    """
    problems: list[Problem] = []
    warnings: list[str] = []
    col = _map_header(header, source, header_map, header_row, warnings)
    width = len(header)

    def bad(row: int, canon: str, message: str, code: str) -> None:
        index = col[canon]
        problems.append(Problem(source, message, row, index + 1, header[index].strip(), code))

    dates: dict[str, date | None] = {}
    teacher_cache: dict[str, tuple[Teacher, ...] | str] = {}
    grade_cache: dict[str, tuple[int, ...]] = {}
    email_ok: dict[str, bool] = {}
    class_teachers: dict[str, tuple[tuple[Teacher, ...], int]] = {}
    class_new: dict[str, bool] = {}
    class_grades_seen: dict[str, set[int]] = {}
    seen_ids: dict[str, int] = {}
    records: list[list[Any]] = []
    gezins: list[str] = []
    i_id = col.get("leerlingnummer")
    i_first, i_last = col["roepnaam"], col["achternaam"]
    i_infix = col.get("tussenvoegsel")
    i_gezin = col.get("gezin")
    i_born = col.get("geboortedatum")
    i_start = col.get("startdatum")
    i_grade = col.get("groep")
    i_class = col.get("klas")
    i_teacher = col.get("leerkracht")
    i_new = col.get("nieuwe_leerkracht")
    i_house = col.get("huishoudens")
    i_traits = col.get("kenmerken")
    email_cols = [(c, col[c]) for c in ("email1", "email2") if c in col]
    date_cols = [
        (c, i, v)
        for c, i, v in (("geboortedatum", i_born, _P_BORN), ("startdatum", i_start, _P_START))
        if i is not None
    ]
    grade_header = header[i_grade].strip() if i_grade is not None else "groep"
    fill_grade = "voeg een kolom 'groep' (of 'leerjaar') toe"

    for row, raw_cells in rows:
        cells = list(map(str.strip, raw_cells))
        if not any(cells):
            continue
        if len(cells) != width:
            if len(cells) < width or any(cells[width:]):
                problems.append(
                    Problem(
                        source,
                        f"rij {row}: {len(cells)} velden, verwacht {width}",
                        line=row,
                        code="roster.field-count",
                    )
                )
                continue
            del cells[width:]
        first, last = cells[i_first], cells[i_last]
        infix = cells[i_infix] if i_infix is not None else ""
        values: list[Any] = [
            "",
            first,
            last,
            0,
            "",
            infix,
            None,
            (),
            None,
            None,
            None,
            1,
            frozenset(),
            row,
        ]
        if not first:
            bad(
                row,
                "roepnaam",
                "roepnaam is leeg; elke leerling heeft een roepnaam",
                "roster.empty",
            )
        if not last:
            bad(
                row,
                "achternaam",
                "achternaam is leeg; elke leerling heeft een achternaam",
                "roster.empty",
            )
        for canon, index, slot in date_cols:
            text = cells[index]
            if not text:
                continue
            if text in dates:
                value = dates[text]
            else:
                value = dates[text] = parse_date(text)
            if value is None:
                bad(
                    row,
                    canon,
                    f"datum {_show(text)} niet te lezen; verwacht {_DATE_FORMATS}",
                    "roster.bad-date",
                )
            values[slot] = value
        if email_cols:
            emails: list[str] = []
            for canon, index in email_cols:
                text = cells[index]
                if not text:
                    continue
                text = text.lower()
                ok = email_ok.get(text)
                if ok is None:
                    ok = email_ok[text] = _EMAIL.fullmatch(text) is not None
                if not ok:
                    bad(
                        row,
                        canon,
                        "ongeldig e-mailadres; verwacht één adres als naam@domein.nl",
                        "roster.bad-email",
                    )
                elif text not in emails:
                    emails.append(text)
            values[_P_EMAILS] = tuple(emails)
        # class and groep
        klass = cells[i_class] if i_class is not None else ""
        grade_text = cells[i_grade] if i_grade is not None else ""
        grade = 0
        if grade_text:
            if grade_text in _GRADE_TEXT:
                grade = _GRADE_TEXT[grade_text]
            else:
                m = _GRADE.fullmatch(grade_text.lower())
                if m is None or not 1 <= int(m[1]) <= 8:
                    bad(
                        row,
                        "groep",
                        f"groep {_show(grade_text)} bestaat niet; verwacht een getal van 1 t/m 8",
                        "roster.bad-grade",
                    )
                else:
                    grade = int(m[1])
        elif klass:
            grades = grade_cache.get(klass)
            if grades is None:
                grades = grade_cache[klass] = class_grades(klass)
            if len(grades) == 1:
                grade = grades[0]
            else:
                what = (
                    f"klas {klass} combineert groep {' en '.join(map(str, grades))}"
                    if grades
                    else f"klas {_show(klass)} noemt geen groep"
                )
                at = i_grade if i_grade is not None else col["klas"]
                problems.append(
                    Problem(
                        source,
                        f"groep onbekend: {what}; "
                        + (f"vul {grade_header} in" if i_grade is not None else fill_grade),
                        line=row,
                        column=at + 1,
                        key=header[at].strip(),
                        code="roster.unknown-grade",
                    )
                )
        else:
            problems.append(
                Problem(
                    source,
                    "klas en groep zijn allebei leeg; vul er minstens één in",
                    line=row,
                    key=grade_header,
                    code="roster.unknown-grade",
                )
            )
        if not klass and grade:
            klass = f"Groep {grade}"
        values[_P_GRADE] = grade
        values[_P_CLASS] = klass
        # identity
        own_id = cells[i_id] if i_id is not None else ""
        born = values[_P_BORN]
        if own_id:
            pupil_id = own_id
        elif born is not None and first and last:
            pupil_id = _derived_id(first, infix, last, born)
        else:
            pupil_id = ""
            if i_id is not None:
                bad(row, "leerlingnummer", "leerlingnummer is leeg", "roster.empty")
            elif i_born is not None and not cells[i_born]:
                bad(
                    row,
                    "geboortedatum",
                    "geboortedatum is leeg; zonder leerlingnummer is die nodig om de leerling"
                    " te herkennen",
                    "roster.empty",
                )
        if pupil_id:
            first_row = seen_ids.setdefault(pupil_id, row)
            if first_row != row:
                if own_id:
                    message = (
                        f"leerlingnummer {_show(pupil_id)} staat dubbel: rij {first_row}"
                        f" en rij {row}"
                    )
                    bad(row, "leerlingnummer", message, "roster.duplicate-id")
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
        values[_P_ID] = pupil_id
        # teachers, new teacher, households, traits
        if i_teacher is not None and cells[i_teacher]:
            text = cells[i_teacher]
            parsed = teacher_cache.get(text)
            if parsed is None:
                try:
                    parsed = parse_teachers(text)
                except ValueError as exc:
                    parsed = str(exc)
                teacher_cache[text] = parsed
            if isinstance(parsed, str):
                bad(row, "leerkracht", parsed, "roster.bad-teacher")
            elif klass:
                known = class_teachers.setdefault(klass, (parsed, row))
                if known[0] != parsed:
                    warnings.append(
                        f"rij {row}: leerkracht wijkt af van rij {known[1]} in klas {klass};"
                        f" die van rij {known[1]} wordt gebruikt"
                    )
        if i_new is not None and cells[i_new]:
            flag = _parse_bool(cells[i_new])
            if flag is None:
                bad(
                    row,
                    "nieuwe_leerkracht",
                    f"{_show(cells[i_new])} is geen ja of nee",
                    "roster.bad-bool",
                )
            else:
                values[_P_NEW] = flag
                if flag:
                    class_new[klass] = True
        if i_house is not None and cells[i_house]:
            text = cells[i_house].lower()
            if text in ("1", "2"):
                values[_P_HOUSEHOLDS] = int(text)
            else:
                flag = _parse_bool(text)
                if flag is None:
                    bad(
                        row,
                        "huishoudens",
                        f"{_show(cells[i_house])} niet te lezen; verwacht ja/nee of 1/2",
                        "roster.bad-households",
                    )
                else:
                    values[_P_HOUSEHOLDS] = 2 if flag else 1
        if i_traits is not None and cells[i_traits]:
            values[_P_TRAITS] = frozenset(
                _SPACES.sub("_", t.strip().lower())
                for t in re.split(r"[,;]", cells[i_traits])
                if t.strip()
            )
        if klass:
            seen = class_grades_seen.get(klass)
            if seen is None:
                seen = class_grades_seen[klass] = set()
            seen.add(grade)
        records.append(values)
        gezins.append(cells[i_gezin] if i_gezin is not None else "")

    if not records and not problems:
        problems.append(
            Problem(
                source,
                "geen leerlingen: het bestand heeft alleen een kopregel",
                line=header_row + 1,
                code="roster.no-rows",
            )
        )
    if problems:
        raise RosterError(problems)
    unlinked = _families(records, gezins)
    if unlinked:
        warnings.append(
            f"{unlinked} leerling(en) zonder gezinskoppeling (geen gezin en geen e-mailadres)"
        )
    return Roster(
        source=source,
        pupils=tuple(Pupil(*values) for values in records),
        classes=_classes(class_grades_seen, class_teachers, class_new, classes, warnings),
        warnings=tuple(warnings),
    )


def _families(records: list[list[Any]], gezins: list[str]) -> int:
    """Fill in each pupil's family id; return how many pupils have no family link.

    ``g-<gezin>`` when the roster says so, else pupils sharing a parent e-mail (also through
    a chain of siblings) share ``f-<hash of their e-mails>``; a pupil linked by e-mail to a
    pupil with a gezin joins that gezin.
    """
    count = len(records)
    parent = list(range(count))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index in range(count):
        for email in records[index][_P_EMAILS]:
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
        emails = records[index][_P_EMAILS]
        if emails:
            mails.setdefault(root, set()).update(emails)
    family_of: dict[int, str] = {}
    unlinked = 0
    for index, root in enumerate(roots):
        own = gezins[index]
        if own:
            records[index][_P_FAMILY] = "g-" + own
            continue
        family = family_of.get(root)
        if family is None:
            if root in gezin:
                family = "g-" + gezin[root]
            elif root in mails:
                digest = hashlib.sha256("\n".join(sorted(mails[root])).encode()).hexdigest()
                family = "f-" + digest[:10]
            else:
                unlinked += 1
                continue
            family_of[root] = family
        records[index][_P_FAMILY] = family
    return unlinked


def _classes(
    grades: dict[str, set[int]],
    row_teachers: dict[str, tuple[tuple[Teacher, ...], int]],
    row_new: dict[str, bool],
    configured: Sequence[Klass],
    warnings: list[str],
) -> tuple[Klass, ...]:
    exact = {k.name: k for k in configured}
    loose = {_header_key(k.name): k for k in configured}
    result: list[Klass] = []
    missing: list[str] = []
    without: list[str] = []
    for name, found in grades.items():
        conf = exact.get(name) or loose.get(_header_key(name))
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
                new_teacher=bool(conf and conf.new_teacher) or row_new.get(name, False),
            )
        )
    if missing:
        warnings.append("klassen niet in het klassenbestand: " + ", ".join(missing))
    if without:
        warnings.append("klassen zonder leerkracht: " + ", ".join(without))
    return tuple(result)


# --- classes file -------------------------------------------------------------------------

_CLASS_COLUMNS = {
    **{_header_key(a): "klas" for a in _ALIASES["klas"]},
    **{_header_key(a): "leerkracht" for a in _ALIASES["leerkracht"]},
    _header_key("nieuwe leerkracht"): "nieuwe_leerkracht",
    _header_key("afwezig"): "afwezig",
}


def read_classes(path: Path) -> tuple[Klass, ...]:
    """Classes file (CSV ``klas;leerkrachten;nieuwe leerkracht;afwezig`` or YAML ``klassen:``)."""
    raw = _read_bytes(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return _classes_from_yaml(raw, str(path))
    return _classes_from_csv(raw, str(path))


def _away(text: str) -> frozenset[date] | None:
    days = [parse_date(part) for part in re.split(r"[,;\s]+", text) if part]
    if any(day is None for day in days):
        return None
    return frozenset(day for day in days if day is not None)


def _make_klass(
    name: str, teachers: tuple[Teacher, ...], new: bool, away: frozenset[date]
) -> Klass:
    if away:
        teachers = tuple(
            Teacher(name=t.name, workdays=t.workdays, away=t.away | away) for t in teachers
        )
    return Klass(name=name, grades=class_grades(name), teachers=teachers, new_teacher=new)


def _classes_from_csv(raw: bytes, source: str) -> tuple[Klass, ...]:
    header_row, header, rows = _table(raw, source)
    col: dict[str, int] = {}
    for index, cell in enumerate(header):
        canon = _CLASS_COLUMNS.get(_header_key(cell))
        if canon and canon not in col:
            col[canon] = index
    if "klas" not in col:
        found = ", ".join(cell.strip() for cell in header if cell.strip()) or "(geen)"
        raise RosterError(
            [
                Problem(
                    source,
                    f"verplichte kolom 'klas' ontbreekt; gevonden kolommen: {found}",
                    line=header_row,
                    code="classes.missing-column",
                )
            ]
        )
    problems: list[Problem] = []
    result: dict[str, Klass] = {}

    def bad(row: int, canon: str, message: str, code: str) -> None:
        problems.append(
            Problem(source, message, row, col[canon] + 1, header[col[canon]].strip(), code)
        )

    for row, raw_cells in rows:
        cells = [cell.strip() for cell in raw_cells]
        if not any(cells):
            continue
        if len(cells) < len(header) or any(cells[len(header) :]):
            problems.append(
                Problem(
                    source,
                    f"rij {row}: {len(cells)} velden, verwacht {len(header)}",
                    line=row,
                    code="classes.field-count",
                )
            )
            continue
        name = cells[col["klas"]]
        if not name:
            bad(row, "klas", "klasnaam is leeg", "classes.empty")
            continue
        teachers: tuple[Teacher, ...] = ()
        if "leerkracht" in col:
            try:
                teachers = parse_teachers(cells[col["leerkracht"]])
            except ValueError as exc:
                bad(row, "leerkracht", str(exc), "classes.bad-teacher")
        new = False
        if "nieuwe_leerkracht" in col:
            flag = _parse_bool(cells[col["nieuwe_leerkracht"]])
            if flag is None:
                bad(row, "nieuwe_leerkracht", "verwacht ja of nee", "classes.bad-bool")
            new = bool(flag)
        away: frozenset[date] | None = frozenset()
        if "afwezig" in col:
            away = _away(cells[col["afwezig"]])
            if away is None:
                bad(
                    row,
                    "afwezig",
                    f"datums niet te lezen; verwacht {_DATE_FORMATS}, gescheiden door komma's",
                    "classes.bad-date",
                )
        if name in result:
            bad(row, "klas", f"klas {_show(name)} staat twee keer in het bestand", "classes.dup")
        result[name] = _make_klass(name, teachers, new, away or frozenset())
    if problems:
        raise RosterError(problems)
    return tuple(result.values())


def _classes_from_yaml(raw: bytes, source: str) -> tuple[Klass, ...]:
    from gesprekken_cli.yamlsafe import load_yaml

    loaded = load_yaml(raw, source)
    if loaded.problems:
        raise RosterError(list(loaded.problems))
    problems: list[Problem] = []

    def bad(path: tuple[str | int, ...], message: str, code: str) -> None:
        where = loaded.position(path)
        problems.append(
            Problem(
                source,
                message,
                where[0] if where else None,
                where[1] if where else None,
                ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path).replace(
                    ".[", "["
                ),
                code,
            )
        )

    data: Any = loaded.data
    items = data.get("klassen") if isinstance(data, dict) else None
    if not isinstance(items, list):
        bad(("klassen",), "verwacht 'klassen:' met een lijst van klassen", "classes.yaml")
        raise RosterError(problems)
    result: dict[str, Klass] = {}
    for index, item in enumerate(items):
        here: tuple[str | int, ...] = ("klassen", index)
        if not isinstance(item, dict) or not isinstance(item.get("klas"), str | int):
            bad(here, "verwacht een klas met 'klas: <naam>'", "classes.yaml")
            continue
        name = str(item["klas"]).strip()
        teachers = _yaml_teachers(item.get("leerkrachten", item.get("leerkracht")), here, bad)
        new = item.get("nieuwe_leerkracht", item.get("nieuwe leerkracht", False))
        if isinstance(new, str):
            new = _parse_bool(new)
        if not isinstance(new, bool):
            bad((*here, "nieuwe_leerkracht"), "verwacht ja of nee (true/false)", "classes.yaml")
            new = False
        away = _yaml_dates(item.get("afwezig"), (*here, "afwezig"), bad)
        if name in result:
            bad(
                (*here, "klas"), f"klas {_show(name)} staat twee keer in het bestand", "classes.dup"
            )
        result[name] = _make_klass(name, teachers, new, away)
    if problems:
        raise RosterError(problems)
    return tuple(result.values())


_Report = Callable[[tuple[str | int, ...], str, str], None]


def _yaml_dates(value: Any, path: tuple[str | int, ...], bad: _Report) -> frozenset[date]:
    if value is None:
        return frozenset()
    values = value if isinstance(value, list) else [value]
    days: set[date] = set()
    for item in values:
        if isinstance(item, date):
            days.add(item.date() if isinstance(item, datetime) else item)
            continue
        parsed = _away(str(item))
        if parsed is None:
            bad(path, f"datum niet te lezen; verwacht {_DATE_FORMATS}", "classes.bad-date")
        else:
            days |= parsed
    return frozenset(days)


def _yaml_teachers(value: Any, here: tuple[str | int, ...], bad: _Report) -> tuple[Teacher, ...]:
    path = (*here, "leerkrachten")
    if value is None:
        return ()
    if isinstance(value, str):
        try:
            return parse_teachers(value)
        except ValueError as exc:
            bad(path, str(exc), "classes.bad-teacher")
            return ()
    if not isinstance(value, list):
        bad(path, "verwacht een lijst van leerkrachten", "classes.yaml")
        return ()
    teachers: list[Teacher] = []
    for number, entry in enumerate(value):
        where = (*path, number)
        if isinstance(entry, str):
            try:
                teachers.extend(parse_teachers(entry))
            except ValueError as exc:
                bad(where, str(exc), "classes.bad-teacher")
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("naam"), str):
            bad(where, "verwacht 'naam:' (en eventueel 'werkdagen:')", "classes.yaml")
            continue
        days = entry.get("werkdagen")
        workdays: frozenset[int] = frozenset()
        if days is not None:
            try:
                workdays = parse_workdays(
                    ", ".join(map(str, days)) if isinstance(days, list) else str(days)
                )
            except ValueError as exc:
                bad((*where, "werkdagen"), str(exc), "classes.bad-teacher")
        away = _yaml_dates(entry.get("afwezig"), (*where, "afwezig"), bad)
        teachers.append(Teacher(name=entry["naam"].strip(), workdays=workdays, away=away))
    return tuple(teachers)

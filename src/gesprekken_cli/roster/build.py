"""Normalise a roster :class:`table.Table` into a :class:`Roster`, in named steps.

Every reader (CSV, xlsx, EDEXML) hands its table to :func:`roster_from_table`, so every
format gets the same header rules, checks and messages. The steps: map the header
(:mod:`headers`), keep the data rows (:func:`data_rows`), run the column checks
(:data:`checks.CHECKS`), then build families, classes and pupils. Faults are collected and
raised together as one :class:`RosterError`, in row order.
"""

# No `from __future__ import annotations`: NamedTuple would compile each string annotation.
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress
from typing import NamedTuple

from gesprekken_cli.errors import Problem, RosterError
from gesprekken_cli.model import Klass, Pupil, Roster, Teacher
from gesprekken_cli.roster.checks import CHECKS
from gesprekken_cli.roster.classes import roster_classes
from gesprekken_cli.roster.headers import map_header, shown
from gesprekken_cli.roster.households import family_ids
from gesprekken_cli.roster.sheet import Sheet
from gesprekken_cli.roster.table import Columns, Row


def roster_from_table(
    header: Sequence[str],
    rows: Iterable[Row] | Columns,
    *,
    source: str,
    classes: Sequence[Klass] = (),
    header_map: Mapping[str, str] | None = None,
    header_row: int = 1,
) -> Roster:
    """Normalise a table (header + numbered rows) into a Roster; raises RosterError.

    ``rows`` are ``(row number as the user sees it, cells)``, or :class:`Columns`; all
    faults are collected and reported in row order, warnings travel on the roster.
    """
    warnings: list[Problem] = []
    col = map_header(header, source, header_map, header_row, warnings)
    data = data_rows(header, rows, source, header_row)
    sheet = Sheet(source, header, col, data.numbers, data.columns, data.clean)
    problems = list(data.problems)
    for check in CHECKS:
        problems.extend(check(sheet))
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise RosterError(problems)
    klasses = sheet.classes()
    teachers = class_teachers(sheet, klasses, warnings)
    families = family_ids(sheet.emails(), sheet.column("gezin"))
    ids = sheet.ids()
    warnings.extend(unlinked_warning(source, ids, families))
    grades = sheet.grades()
    found: dict[str, set[int]] = {}
    for name, grade in set(zip(klasses, grades, strict=True)):
        found.setdefault(name, set()).add(grade)
    news = sheet.new_teachers()
    pupils = tuple(
        map(
            Pupil,
            ids,
            sheet.column("roepnaam"),
            sheet.column("achternaam"),
            grades,
            klasses,
            sheet.column("tussenvoegsel"),
            sheet.dates("geboortedatum"),
            sheet.emails(),
            families,
            sheet.dates("startdatum"),
            news,
            sheet.households(),
            sheet.traits(),
            sheet.numbers,
        )
    )
    return Roster(
        source=source,
        pupils=pupils,
        classes=roster_classes(
            source,
            {name: found[name] for name in dict.fromkeys(klasses)},
            teachers,
            set(compress(klasses, news)),
            classes,
            warnings,
        ),
        warnings=tuple(warnings),
    )


# NamedTuple, not a frozen dataclass: a fifth of the cost to create on every run (issue 17)
class DataRows(NamedTuple):
    """The rows that hold a pupil, column by column, and the rows of the wrong width."""

    numbers: list[int]
    columns: Sequence[Sequence[str]]
    clean: bool
    problems: tuple[Problem, ...]


def data_rows(
    header: Sequence[str], rows: Iterable[Row] | Columns, source: str, header_row: int
) -> DataRows:
    """Keep the non-blank rows (cut to the header's width); a row with fewer cells, or with
    more that are not empty, is a fault. No row at all raises."""
    width = len(header)
    if isinstance(rows, Columns):
        return DataRows(list(rows.numbers), rows.cells, rows.clean, ())
    rows = rows if isinstance(rows, Sequence) else list(rows)
    if _all_full(rows, width):
        numbers = [row for row, _ in rows]
        return DataRows(numbers, list(zip(*(cells for _, cells in rows), strict=True)), False, ())
    problems: list[Problem] = []
    data: list[Sequence[str]] = []
    numbers = []
    for row, cells in rows:
        if len(cells) != width:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) < width or any(cell.strip() for cell in cells[width:]):
                problems.append(_field_count(header, row, cells, source))
                continue
            cells = cells[:width]
        elif not any(cells) or not "".join(cells).strip():
            continue
        data.append(cells)
        numbers.append(row)
    if not numbers and not problems:
        problems.append(
            Problem(
                source,
                "geen leerlingen: het bestand heeft alleen een kopregel",
                line=header_row + 1,
                code="roster.no-rows",
            )
        )
    if not numbers:
        raise RosterError(problems)
    return DataRows(numbers, list(zip(*data, strict=True)), False, tuple(problems))


def _all_full(rows: Sequence[Row], width: int) -> bool:
    """Whether every row has ``width`` cells and something in them: the rows to keep as they
    are, checked with whole-table operations instead of a loop per row."""
    if not rows:
        return False
    cells = [cells for _, cells in rows]
    if set(map(len, cells)) != {width}:
        return False
    return all(map(str.strip, map("".join, cells)))


def _field_count(header: Sequence[str], row: int, cells: Sequence[str], source: str) -> Problem:
    width = len(header)
    if len(cells) < width:
        # the first column without a value: where the row ran short
        at, key = len(cells) + 1, shown(header[len(cells)])
        detail = f"kolom {key!r} en verder ontbreken"
    else:
        at, key = width + 1, ""
        detail = f"vanaf kolom {width + 1} staat meer dan de kopregel heeft"
    return Problem(
        source,
        f"rij {row}: {len(cells)} velden, verwacht {width} ({detail}; "
        "staat er een scheidingsteken of aanhalingsteken in een naam?)",
        line=row,
        column=at,
        key=key,
        code="roster.field-count",
    )


def unlinked_warning(
    source: str, ids: Sequence[str], families: Sequence[str | None]
) -> list[Problem]:
    """A warning naming (by leerlingnummer, so the office can find them) the pupils without
    a family link: their brothers and sisters may be missed."""
    loose = [ids[i] for i, family in enumerate(families) if family is None]
    if not loose:
        return []
    shown = ", ".join(loose[:10]) + (f" en {len(loose) - 10} meer" if len(loose) > 10 else "")
    return [
        Problem(
            source,
            f"{len(loose)} {'leerling' if len(loose) == 1 else 'leerlingen'} zonder "
            "gezinskoppeling (geen gezin en geen e-mailadres), "
            f"dus broertjes en zusjes worden mogelijk gemist: {shown}",
            code="roster.no-family",
            severity="warning",
        )
    ]


def class_teachers(
    sheet: Sheet, klasses: list[str], warnings: list[Problem]
) -> dict[str, tuple[Teacher, ...]]:
    """Teachers per class from the first row naming them; a later row naming others warns."""
    texts = sheet.column("leerkracht")
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
    parsed = sheet.teachers_of()
    result: dict[str, tuple[tuple[Teacher, ...], int]] = {}
    for (name, text), position in first_at.items():
        value = parsed[text]
        if isinstance(value, str) or not name:
            continue
        row = sheet.numbers[position]
        known = result.setdefault(name, (value, row))
        if known[0] != value:
            warnings.append(
                Problem(
                    sheet.source,
                    f"rij {row}: leerkracht wijkt af van rij {known[1]} in klas {name};"
                    f" die van rij {known[1]} wordt gebruikt",
                    line=row,
                    column=sheet.col["leerkracht"] + 1,
                    key=sheet.header[sheet.col["leerkracht"]].strip(),
                    code="roster.teacher-differs",
                    severity="warning",
                )
            )
    return {name: teachers for name, (teachers, _) in result.items()}

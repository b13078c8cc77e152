"""The classes file: teachers per class, duo working days, new teacher, days away.

CSV (``klas;leerkrachten;nieuwe leerkracht;afwezig``) or YAML (``klassen:``); used beside a
roster export that does not carry its teachers (the Social Schools sheet, EDEXML, Excel).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from gesprekken_cli.errors import Problem, RosterError, quote
from gesprekken_cli.model import Klass, Teacher
from gesprekken_cli.roster.csvtable import csv_table
from gesprekken_cli.roster.headers import ALIASES, header_key, shown
from gesprekken_cli.roster.table import Columns
from gesprekken_cli.roster.teachers import parse_teachers, parse_workdays
from gesprekken_cli.roster.text import read_file
from gesprekken_cli.roster.values import DATE_FORMATS, class_grades, parse_bool, parse_date

_CLASS_COLUMNS = {
    **{header_key(a): "klas" for a in ALIASES["klas"]},
    **{header_key(a): "leerkracht" for a in ALIASES["leerkracht"]},
    header_key("nieuwe leerkracht"): "nieuwe_leerkracht",
    header_key("afwezig"): "afwezig",
}


def read_classes(path: Path) -> tuple[Klass, ...]:
    """Classes file (CSV ``klas;leerkrachten;nieuwe leerkracht;afwezig`` or YAML ``klassen:``)."""
    raw = read_file(path)
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
    table = csv_table(raw, source, columns=False)
    header_row, header, rows = table.header_row, table.header, table.rows
    assert not isinstance(rows, Columns)
    col: dict[str, int] = {}
    for index, cell in enumerate(header):
        canon = _CLASS_COLUMNS.get(header_key(cell))
        if canon and canon not in col:
            col[canon] = index
    if "klas" not in col:
        found = ", ".join(shown(cell) for cell in header if cell.strip()) or "(geen)"
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
            flag = parse_bool(cells[col["nieuwe_leerkracht"]])
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
                    f"datums niet te lezen; verwacht {DATE_FORMATS}, gescheiden door komma's",
                    "classes.bad-date",
                )
        if name in result:
            bad(row, "klas", f"klas {quote(name)} staat twee keer in het bestand", "classes.dup")
        result[name] = _make_klass(name, teachers, new, away or frozenset())
    if problems:
        raise RosterError(problems)
    return tuple(result.values())


def _classes_from_yaml(raw: bytes, source: str) -> tuple[Klass, ...]:
    from gesprekken_cli.rules.yaml import load_yaml

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
            new = parse_bool(new)
        if not isinstance(new, bool):
            bad((*here, "nieuwe_leerkracht"), "verwacht ja of nee (true/false)", "classes.yaml")
            new = False
        away = _yaml_dates(item.get("afwezig"), (*here, "afwezig"), bad)
        if name in result:
            bad(
                (*here, "klas"), f"klas {quote(name)} staat twee keer in het bestand", "classes.dup"
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
            bad(path, f"datum niet te lezen; verwacht {DATE_FORMATS}", "classes.bad-date")
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


def roster_classes(
    source: str,
    grades: dict[str, set[int]],
    row_teachers: dict[str, tuple[Teacher, ...]],
    row_new: set[str],
    configured: Sequence[Klass],
    warnings: list[Problem],
) -> tuple[Klass, ...]:
    """The roster's classes (in order of first appearance) with the groepen their pupils
    are in, their teachers (the classes file wins over the roster's cells) and new teacher;
    classes missing from the classes file and classes without a teacher warn."""
    exact = {k.name: k for k in configured}
    loose = {header_key(k.name): k for k in configured}
    result: list[Klass] = []
    missing: list[str] = []
    without: list[str] = []
    for name, found in grades.items():
        conf = exact.get(name) or (loose.get(header_key(name)) if loose else None)
        if conf is None and configured:
            missing.append(name)
        teachers = conf.teachers if conf and conf.teachers else row_teachers.get(name, ())
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
        warnings.append(
            Problem(
                source,
                "klassen niet in het klassenbestand: " + ", ".join(missing),
                code="classes.not-in-file",
                severity="warning",
            )
        )
    if without:
        warnings.append(
            Problem(
                source,
                "klassen zonder leerkracht: " + ", ".join(without),
                code="classes.no-teacher",
                severity="warning",
            )
        )
    return tuple(result)


def merge_classes(
    base: Sequence[Klass],
    *overlays: Sequence[Klass],
    source: str = "",
    warnings: list[Problem] | None = None,
) -> tuple[Klass, ...]:
    """Classes of ``base`` with each overlay's teachers, new teacher and groepen laid over them.

    An overlay's teachers replace the base's (they carry the working days); when the names
    differ a warning says so. Overlay classes not in the base are added.
    """
    merged: dict[str, Klass] = {k.name: k for k in base}
    loose = {header_key(k.name): k.name for k in base}
    for overlay in overlays:
        for k in overlay:
            name = k.name if k.name in merged else loose.get(header_key(k.name), "")
            old = merged.get(name)
            if old is None:
                merged[k.name] = k
                loose[header_key(k.name)] = k.name
                continue
            teachers = k.teachers or old.teachers
            if k.teachers and old.teachers and warnings is not None:
                before = sorted(t.name for t in old.teachers)
                after = sorted(t.name for t in k.teachers)
                if before != after:
                    warnings.append(
                        Problem(
                            source,
                            f"klas {name}: leerkrachten uit het klassenbestand"
                            f" ({', '.join(after)}) wijken af van het rooster"
                            f" ({', '.join(before)}); die uit het klassenbestand worden gebruikt",
                            code="classes.teachers-differ",
                            severity="warning",
                        )
                    )
            merged[name] = Klass(
                name=name,
                grades=tuple(sorted(set(old.grades) | set(k.grades))),
                teachers=teachers,
                new_teacher=old.new_teacher or k.new_teacher,
            )
    return tuple(merged.values())

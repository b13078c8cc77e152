"""Validation of a rules file: schema faults, cross-reference checks and warnings.

The core never raises for bad content: :func:`check_rules` returns every problem with its
position; :meth:`Report.valid_cycle` turns a report into the cycle or one error with them all
(:func:`gesprekken_cli.rules.load_rules` is the entry point the other commands use).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gesprekken_cli.errors import GesprekkenError, Problem, RulesError, read_bytes
from gesprekken_cli.rules.model import Cycle
from gesprekken_cli.rules.school_days import check_conversation_times, check_school_day_dates
from gesprekken_cli.rules.values import MONTHS_NL, WEEKDAY_KEYS
from gesprekken_cli.rules.yaml import Loaded, format_path, load_yaml

_KEY_ALIASES = {"maanden": "maand"}
_UNION_TAGS = {"deel", "tijden", "[key]"}


@dataclass
class Report:
    """What validating one file found; ``cycle`` is set only when there are no errors."""

    file: str
    cycle: Cycle | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def unreadable(self) -> bool:
        """The file could not be read as YAML text at all: exit 2 rather than 1."""
        return any(p.code == "io" for p in self.errors)

    def valid_cycle(self) -> Cycle:
        """The validated cycle, or a :class:`RulesError` with every fault."""
        if self.cycle is None:
            raise RulesError(self.errors, exit_code=2 if self.unreadable else 1)
        return self.cycle


def check_rules(raw: bytes, file: str) -> Report:
    """Validate the bytes of a rules file; every fault and warning is in the report."""
    loaded = load_yaml(raw, file)
    report = Report(file, problems=list(loaded.problems))
    if loaded.data is None and loaded.problems:
        return report
    if not isinstance(loaded.data, dict):  # a list, a scalar, or only "null" / "---"
        report.problems.append(
            Problem(file, "verwacht een YAML-mapping met 'school' en 'gesprekken'", 1, 1)
        )
        return report
    try:
        cycle = Cycle.model_validate(loaded.data)
    except ValidationError as exc:
        reported = {p.key for p in loaded.problems}
        report.problems.extend(p for p in _schema_problems(exc, loaded) if p.key not in reported)
    else:
        for check in CHECKS:
            report.problems.extend(check(cycle, loaded))
        if not report.errors:
            report.cycle = cycle
    report.problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return report


def _resolve(
    loaded: Loaded, loc: tuple[Any, ...]
) -> tuple[tuple[str | int, ...], int | None, int | None]:
    """Map a pydantic error location onto the user's own YAML nodes.

    Union tags are dropped, renamed keys (``maand`` → ``maanden``) are mapped back, and list
    indexes the user did not write (a single mapping read as a list) are left out.
    """
    path: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (
            part in _UNION_TAGS or part.startswith(("function-", "literal["))
        ):
            continue
        key: str | int = part
        if (*path, part) not in loaded.positions:
            if isinstance(part, int) and path:
                continue
            alias = _KEY_ALIASES.get(part) if isinstance(part, str) else None
            if alias and (*path, alias) in loaded.positions:
                key = alias
        path.append(key)
    position = loaded.position(tuple(path))
    line, column = position if position else (None, None)
    return tuple(path), line, column


_MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda e: "verplicht veld ontbreekt",
    "extra_forbidden": lambda e: "onbekende sleutel (zie 'gesprekken schema' voor wat kan)",
    "literal_error": lambda e: (
        f"ongeldige waarde {e.get('input')!r}; verwacht een van: "
        + _dutch_or(e.get("ctx", {}).get("expected", ""))
    ),
    "int_parsing": lambda e: f"verwacht een geheel getal, niet {e.get('input')!r}",
    "int_type": lambda e: f"verwacht een geheel getal, niet {e.get('input')!r}",
    "int_from_float": lambda e: f"verwacht een geheel getal, niet {e.get('input')!r}",
    "bool_type": lambda e: f"verwacht ja of nee (true/false), niet {e.get('input')!r}",
    "bool_parsing": lambda e: f"verwacht ja of nee (true/false), niet {e.get('input')!r}",
    "string_type": lambda e: f"verwacht tekst, niet {e.get('input')!r}",
    "string_too_short": lambda e: "mag niet leeg zijn",
    "string_too_long": lambda e: "tekst is te lang",
    "string_pattern_mismatch": lambda e: (
        f"ongeldige id {e.get('input')!r}: gebruik kleine letters, cijfers, '-' en '_'"
    ),
    "list_type": lambda e: f"verwacht een lijst, niet {e.get('input')!r}",
    "dict_type": lambda e: "verwacht een mapping (sleutel: waarde)",
    "model_type": lambda e: "verwacht een mapping (sleutel: waarde)",
    "model_attributes_type": lambda e: "verwacht een mapping (sleutel: waarde)",
    "too_short": lambda e: "lijst mag niet leeg zijn",
    "greater_than_equal": lambda e: (
        f"waarde {e.get('input')!r} is te klein (minimaal {e.get('ctx', {}).get('ge')})"
    ),
    "less_than_equal": lambda e: (
        f"waarde {e.get('input')!r} is te groot (maximaal {e.get('ctx', {}).get('le')})"
    ),
    "date_type": lambda e: f"verwacht een datum als 2026-11-23, niet {e.get('input')!r}",
    "date_parsing": lambda e: f"verwacht een datum als 2026-11-23, niet {e.get('input')!r}",
    "date_from_datetime_parsing": lambda e: (
        f"verwacht een datum als 2026-11-23, niet {e.get('input')!r}"
    ),
    "date_from_datetime_inexact": lambda e: "verwacht een datum zonder tijd",
    "union_tag_invalid": lambda e: "ongeldige waarde",
}


def _dutch_or(expected: str) -> str:
    return expected.replace("' or '", "', '")


_WORD = re.compile(r"[a-z_]+")


def _pinpoint(loaded: Loaded, path: tuple[str | int, ...], message: str) -> tuple[str | int, ...]:
    """For a fault of a whole mapping, the first key the message names that the user wrote.

    ``kind_aanwezig is ja, maar ...`` on a conversation type points at its ``kind_aanwezig``.
    """
    for word in _WORD.findall(message):
        if (*path, word) in loaded.positions:
            return (*path, word)
    return path


def _is_mapping(loaded: Loaded, path: tuple[str | int, ...]) -> bool:
    node: Any = loaded.data
    for part in path:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_list or (isinstance(node, dict) and part in node):
            node = node[part]
        elif not (isinstance(node, dict) and isinstance(part, int)):
            return False
    return isinstance(node, dict)


def _schema_problems(exc: ValidationError, loaded: Loaded) -> Iterator[Problem]:
    seen: set[tuple[Any, ...]] = set()
    for error in exc.errors(include_url=False):
        path, line, column = _resolve(loaded, tuple(error["loc"]))
        kind = error["type"]
        if kind == "value_error":
            message = str(error.get("ctx", {}).get("error", error["msg"]))
            # a model check joins its faults with "; ": report each at its own key
            messages = message.split("; ") if _is_mapping(loaded, path) else [message]
        elif kind in _MESSAGES:
            messages = [_MESSAGES[kind](dict(error))]
        else:
            messages = [f"ongeldige waarde ({error['msg']})"]
        if kind == "extra_forbidden" and path:
            messages = [f"onbekende sleutel {path[-1]!r} (zie 'gesprekken schema' voor wat kan)"]
        for message in messages:
            where, at_line, at_column = path, line, column
            if kind == "value_error":
                where = _pinpoint(loaded, path, message)
                if where != path:
                    at_line, at_column = loaded.positions[where]
            key = (where, message)
            if key in seen:
                continue
            seen.add(key)
            yield Problem(loaded.file, message, at_line, at_column, format_path(where), "schema")


# --- checks beyond the schema: each yields problems with a code a teacher can look up ---

Check = Callable[[Cycle, Loaded], Iterator[Problem]]


def _at(
    loaded: Loaded, path: tuple[str | int, ...], message: str, code: str, severity: str = "error"
) -> Problem:
    written, line, column = _resolve(loaded, path)
    return Problem(loaded.file, message, line, column, format_path(written), code, severity)


def check_duplicate_ids(cycle: Cycle, loaded: Loaded) -> Iterator[Problem]:
    """dubbele-id: two conversation types, studiedagen or events share an id."""
    seen: dict[str, str] = {}
    groups: list[tuple[str, list[str]]] = [
        ("gesprekken", [t.id for t in cycle.gesprekken]),
        ("studiedagen", [s.id for s in cycle.studiedagen]),
        ("gebeurtenissen", [e.id for e in cycle.gebeurtenissen]),
    ]
    for section, ids in groups:
        for index, ident in enumerate(ids):
            if ident in seen:
                yield _at(
                    loaded,
                    (section, index, "id"),
                    f"id {ident!r} komt al voor (in {seen[ident]})",
                    "dubbele-id",
                )
            else:
                seen[ident] = section


def check_references(cycle: Cycle, loaded: Loaded) -> Iterator[Problem]:
    """onbekende-verwijzing: ``na`` or ``studiedag`` names nothing in the file."""
    types = {t.id for t in cycle.gesprekken}
    events = {e.id for e in cycle.gebeurtenissen}
    days = {s.id: s for s in cycle.studiedagen}
    for index, kind in enumerate(cycle.gesprekken):
        for round_index, when in enumerate(kind.wanneer):
            base = ("gesprekken", index, "wanneer", round_index)
            if when.na is not None:
                if when.na == kind.id:
                    yield _at(
                        loaded,
                        (*base, "na"),
                        "een gesprek kan niet na zichzelf komen",
                        "kringverwijzing",
                    )
                elif when.na not in types | events:
                    yield _at(
                        loaded,
                        (*base, "na"),
                        f"onbekend gesprek of gebeurtenis {when.na!r} (bekend: "
                        f"{', '.join(sorted(types | events))})",
                        "onbekende-verwijzing",
                    )
            if when.studiedag is not None:
                day = days.get(when.studiedag)
                if day is None:
                    known = ", ".join(sorted(days)) or "geen"
                    yield _at(
                        loaded,
                        (*base, "studiedag"),
                        f"onbekende studiedag {when.studiedag!r} (bekend: {known})",
                        "onbekende-verwijzing",
                    )
                elif not set(kind.groepen) <= set(day.groepen):
                    missing = sorted(set(kind.groepen) - set(day.groepen))
                    yield _at(
                        loaded,
                        (*base, "studiedag"),
                        f"studiedag {day.id!r} is niet voor groep "
                        f"{'/'.join(map(str, missing))} van dit gesprek",
                        "studiedag-groepen",
                        "warning",
                    )
    yield from _cycles(cycle, loaded)


def _cycles(cycle: Cycle, loaded: Loaded) -> Iterator[Problem]:
    after = {t.id: {w.na for w in t.wanneer if w.na} for t in cycle.gesprekken}
    for index, kind in enumerate(cycle.gesprekken):
        # a type directly after itself is reported by check_references already
        stack, seen = list(after.get(kind.id, set()) - {kind.id}), set()
        while stack:
            current = stack.pop()
            if current == kind.id:
                yield _at(
                    loaded,
                    ("gesprekken", index, "wanneer"),
                    f"kringverwijzing: {kind.id!r} komt (via 'na') na zichzelf",
                    "kringverwijzing",
                )
                break
            if current in seen:
                continue
            seen.add(current)
            stack.extend(after.get(current, ()))


def _school_year_bounds(label: str) -> tuple[date, date] | None:
    parts = label.replace("/", "-").split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 4 for p in parts):
        return None
    start, end = int(parts[0]), int(parts[1])
    if end != start + 1:
        return None
    return date(start, 8, 1), date(end, 7, 31)


def check_school_years(cycle: Cycle, loaded: Loaded) -> Iterator[Problem]:
    """schooljaar: dates outside their school year, on a weekend, or naming unknown days."""
    days = {s.id for s in cycle.studiedagen}
    events = {e.id for e in cycle.gebeurtenissen}
    for label, year in cycle.schooljaren.items():
        base: tuple[str | int, ...] = ("schooljaren", label)
        bounds = _school_year_bounds(label)
        if bounds is None:
            yield _at(
                loaded,
                base,
                f"ongeldig schooljaar {label!r} (verwacht bijvoorbeeld 2026-2027)",
                "schooljaar",
            )
            continue
        first, last = bounds

        def outside(d: date, first: date = first, last: date = last) -> bool:
            return not first <= d <= last

        for name in ("herfstvakantie", "voorjaarsvakantie"):
            period = getattr(year, name)
            if period is not None and (outside(period.van) or outside(period.tot)):
                yield _at(
                    loaded, (*base, name), f"{name} valt buiten schooljaar {label}", "schooljaar"
                )
        for index, off in enumerate(year.vrije_dagen):
            if outside(off.start) or outside(off.end):
                yield _at(
                    loaded,
                    (*base, "vrije_dagen", index),
                    f"vrije dag valt buiten schooljaar {label}",
                    "schooljaar",
                )
        for section, known, dates in (
            ("studiedagen", days, year.studiedagen),
            ("gebeurtenissen", events, year.gebeurtenissen),
        ):
            for ident, day in dates.items():
                path = (*base, section, ident)
                if ident not in known:
                    yield _at(
                        loaded,
                        path,
                        f"onbekende {section[:-2] if section == 'studiedagen' else 'gebeurtenis'} "
                        f"{ident!r}: definieer hem eerst onder '{section}'",
                        "onbekende-verwijzing",
                    )
                elif outside(day):
                    yield _at(
                        loaded,
                        path,
                        f"{day.isoformat()} valt buiten schooljaar {label}",
                        "schooljaar",
                    )
                elif section == "studiedagen" and day.weekday() >= 5:
                    yield _at(
                        loaded,
                        path,
                        f"{day.isoformat()} is een {('zaterdag', 'zondag')[day.weekday() - 5]}",
                        "weekend",
                    )


def check_months(cycle: Cycle, loaded: Loaded) -> Iterator[Problem]:
    """zomermaand: a round planned in July or August, when school is mostly out."""
    for index, kind in enumerate(cycle.gesprekken):
        for round_index, when in enumerate(kind.wanneer):
            for month in when.maanden or ():
                if month == 8:
                    yield _at(
                        loaded,
                        ("gesprekken", index, "wanneer", round_index, "maanden"),
                        "augustus valt (bijna) helemaal in de zomervakantie",
                        "zomermaand",
                        "warning",
                    )


def check_school_hours(cycle: Cycle, loaded: Loaded) -> Iterator[Problem]:
    """schooltijden: after-school conversations must end after school does."""
    end = cycle.school.gesprekstijden.na_schooltijd.eind
    if end is None:
        return
    for day, hours in cycle.school.schooltijden.items():
        if hours.eind >= end:
            yield _at(
                loaded,
                ("school", "gesprekstijden", "na_schooltijd", "eind"),
                f"gesprekken na schooltijd eindigen om {end:%H.%M}, maar op "
                f"{WEEKDAY_KEYS[day]} is school pas om "
                f"{hours.eind:%H.%M} uit",
                "schooltijden",
            )


def _half(month: int) -> int:
    return 0 if month >= 8 or month == 1 else 1


def check_coverage(cycle: Cycle, loaded: Loaded) -> Iterator[Problem]:
    """geen-verplicht-gesprek / groep-ontbreekt: gaps a school probably did not mean."""
    covered: set[tuple[int, int]] = set()
    months_of_event = {e.id: e.maand for e in cycle.gebeurtenissen}
    months_of_day: dict[str, set[int]] = {
        s.id: {s.maand} if s.maand else set() for s in cycle.studiedagen
    }
    for year in cycle.schooljaren.values():
        for ident, day in year.studiedagen.items():
            months_of_day.setdefault(ident, set()).add(day.month)
    for kind in cycle.gesprekken:
        if kind.status != "verplicht" or kind.doelgroep != "alle" or kind.vorm != "individueel":
            continue
        for when in kind.wanneer:
            months: list[int] = list(when.maanden or ())
            if when.na_weken_onderwijs is not None:
                months.append(9)
            if when.studiedag:
                months.extend(months_of_day.get(when.studiedag, ()))
            if when.na and not months and when.na in months_of_event:
                months.append(months_of_event[when.na])
            for month in months:
                for grade in kind.groepen:
                    covered.add((grade, _half(month)))
    halves = ("eerste", "tweede")
    half_months = ("augustus t/m januari", "februari t/m juli")
    for grade in range(1, 9):
        for half in (0, 1):
            if (grade, half) not in covered:
                yield _at(
                    loaded,
                    ("gesprekken",),
                    f"groep {grade} heeft geen verplicht gesprek in de {halves[half]} helft van "
                    f"het schooljaar ({half_months[half]})",
                    "geen-verplicht-gesprek",
                    "warning",
                )
    for index, kind in enumerate(cycle.gesprekken):
        grades = kind.groepen
        gaps = [g for g in range(grades[0], grades[-1] + 1) if g not in grades]
        if gaps and len(grades) > 2:
            months = sorted({m for w in kind.wanneer for m in (w.maanden or ())})
            when_text = "/".join(MONTHS_NL[m - 1] for m in months) or "dit gesprek"
            yield _at(
                loaded,
                ("gesprekken", index, "groepen"),
                f"groep {'/'.join(map(str, gaps))} ontbreekt in {'/'.join(map(str, grades))} "
                f"({when_text}); bedoeld?",
                "groep-ontbreekt",
                "warning",
            )


CHECKS: tuple[Check, ...] = (
    check_duplicate_ids,
    check_references,
    check_school_years,
    check_months,
    check_school_hours,
    check_conversation_times,
    check_school_day_dates,
    check_coverage,
)


def validate_file(path: Path) -> Report:
    """Validate one file from disk; I/O faults come back as problems with code ``io``."""
    try:
        raw = read_bytes(path)
    except GesprekkenError as exc:
        return Report(str(path), problems=[p._replace(code="io") for p in exc.problems])
    return check_rules(raw, str(path))

"""Checks of a rules file against the school day: talks outside lessons, dates on school days.

Each check yields ``Problem``s with a code and the position of the key the school wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from gesprekken_cli.errors import Problem
from gesprekken_cli.rules.model import Cycle
from gesprekken_cli.rules.values import WEEKDAY_KEYS
from gesprekken_cli.rules.yaml import Loaded, format_path


def at(
    loaded: Loaded, path: tuple[str | int, ...], message: str, code: str, severity: str = "error"
) -> Problem:
    """A problem at ``path`` (or the nearest key above it that the file has)."""
    line, column = loaded.position(path) or (None, None)
    return Problem(loaded.file, message, line, column, format_path(path), code, severity)


def check_conversation_times(cycle: Cycle, loaded: Loaded) -> Iterator[Problem]:
    """gesprekstijden-onder-schooltijd: a part of the day for talks that overlaps lessons.

    ``schooltijd`` is meant for talks during school hours (a studiedag) and is not checked.
    """
    times = cycle.school.gesprekstijden
    used = {kind.tijd for kind in cycle.gesprekken if isinstance(kind.tijd, str)}
    for part in ("na_schooltijd", "avond", "ochtend"):
        if part not in used and ("school", "gesprekstijden", part) not in loaded.positions:
            continue
        window = getattr(times, part)
        begin = window.begin
        if begin is None:
            continue
        for day, hours in sorted(cycle.school.schooltijden.items()):
            end = window.eind
            if begin < hours.eind and (end is None or end > hours.begin):
                yield at(
                    loaded,
                    ("school", "gesprekstijden", part, "begin"),
                    f"gesprekken '{part.replace('_', ' ')}' beginnen om {begin:%H.%M}, maar op "
                    f"{WEEKDAY_KEYS[day]} is er les van {hours.begin:%H.%M} tot "
                    f"{hours.eind:%H.%M}: laat ze beginnen na schooltijd (of eindigen ervoor)",
                    "gesprekstijden-onder-schooltijd",
                )
                break


def check_school_day_dates(cycle: Cycle, loaded: Loaded) -> Iterator[Problem]:
    """geen-schooldag: a gebeurtenis, studiedag or bijeenkomst dated on a day without school."""
    from gesprekken_cli.calendar import build_calendar, parse_school_year
    from gesprekken_cli.errors import GesprekkenError
    from gesprekken_cli.expand.periods import calendar_settings
    from gesprekken_cli.model import WEEKDAYS_NL

    for label, year in cycle.schooljaren.items():
        try:
            school_year = parse_school_year(label)
            settings = calendar_settings(cycle, school_year, loaded.file)._replace(study_days=())
            cal = build_calendar(school_year, settings)
        except GesprekkenError:  # an unknown year or bad dates: check_school_years says so
            continue
        sections: list[tuple[str, dict[str, list[date]]]] = [
            ("gebeurtenissen", {k: [v] for k, v in year.gebeurtenissen.items()}),
            ("studiedagen", {k: [v] for k, v in year.studiedagen.items()}),
            ("bijeenkomsten", year.bijeenkomsten),
        ]
        for section, dates in sections:
            for ident, days in dates.items():
                for number, day in enumerate(days):
                    if cal.is_school_day(day) or not cal.first_day <= day <= cal.last_day:
                        continue
                    if section == "studiedagen" and day.weekday() >= 5:
                        continue  # an error already (check_school_years: weekend)
                    reason = cal.day_off_name(day) or WEEKDAYS_NL[day.weekday()]
                    path: tuple[str | int, ...] = ("schooljaren", label, section, ident)
                    yield at(
                        loaded,
                        (*path, number) if len(days) > 1 else path,
                        f"{day:%d-%m-%Y} is geen schooldag ({reason}); kies een schooldag",
                        "geen-schooldag",
                        "warning",
                    )

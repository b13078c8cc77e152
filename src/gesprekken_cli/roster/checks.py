"""The column checks of a roster: each a named function yielding coded, positioned problems.

A check reads a :class:`sheet.Sheet` and never raises; :func:`build.roster_from_table` runs
every check in :data:`CHECKS` and reports all faults together, in row order. The codes are
listed with a Dutch explanation in ``docs/meldingen.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from gesprekken_cli.errors import Problem, quote
from gesprekken_cli.roster.sheet import Sheet, blanks
from gesprekken_cli.roster.values import BOOL, DATE_FORMATS, class_grades

Check = Callable[[Sheet], Iterator[Problem]]


def check_names(sheet: Sheet) -> Iterator[Problem]:
    """``roster.empty``: every pupil has a roepnaam and an achternaam."""
    firsts, lasts = sheet.column("roepnaam"), sheet.column("achternaam")
    for position in blanks(firsts, lasts):
        for canon, values in (("roepnaam", firsts), ("achternaam", lasts)):
            if not values[position]:
                yield sheet.problem(
                    position, canon, f"{canon} is leeg; elke leerling heeft er een", "roster.empty"
                )


def check_dates(sheet: Sheet) -> Iterator[Problem]:
    """``roster.bad-date``: geboortedatum and startdatum read as a Dutch date (05-09-2016)."""
    for canon in ("geboortedatum", "startdatum"):
        wrong = {value for value, day in sheet.date_of(canon).items() if day is None}
        yield from sheet.problems(
            sheet.column(canon),
            wrong,
            canon,
            lambda value: f"datum {quote(value)} niet te lezen; verwacht {DATE_FORMATS}",
            "roster.bad-date",
        )


def check_emails(sheet: Sheet) -> Iterator[Problem]:
    """``roster.bad-email``: each parent e-mail cell is one address, ``naam@domein.nl``."""
    for canon, values in zip(("email1", "email2"), sheet.mails(), strict=True):
        yield from sheet.problems(
            values,
            sheet.bad_mails(canon),
            canon,
            lambda _: "ongeldig e-mailadres; verwacht één adres als naam@domein.nl",
            "roster.bad-email",
        )


def check_grades(sheet: Sheet) -> Iterator[Problem]:
    """``roster.bad-grade``: a groep is 1 to 8; ``roster.unknown-grade``: each pupil has a
    groep, from the groep cell or from a class name that names exactly one."""
    texts = sheet.column("groep")
    yield from sheet.problems(
        texts,
        {text for text, grade in sheet.grade_of().items() if grade < 0},
        "groep",
        lambda text: f"groep {quote(text)} bestaat niet; verwacht een getal van 1 t/m 8",
        "roster.bad-grade",
    )
    klasses = sheet.column("klas")
    for position in blanks(sheet.grades()):
        if not texts[position]:
            yield _unknown_grade(sheet, klasses[position], sheet.numbers[position])


def _unknown_grade(sheet: Sheet, klass: str, row: int) -> Problem:
    header, i_grade = sheet.header, sheet.col.get("groep")
    if not klass:
        return Problem(
            sheet.source,
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
    at = i_grade if i_grade is not None else sheet.col["klas"]
    fill = (
        f"vul {header[i_grade].strip()} in"
        if i_grade is not None
        else "voeg een kolom 'groep' (of 'leerjaar') toe"
    )
    return Problem(
        sheet.source,
        f"groep onbekend: {what}; {fill}",
        line=row,
        column=at + 1,
        key=header[at].strip(),
        code="roster.unknown-grade",
    )


def check_ids(sheet: Sheet) -> Iterator[Problem]:
    """``roster.empty``: a pupil has a leerlingnummer, or name and birth date to derive one;
    ``roster.duplicate-id``: no pupil twice."""
    own_ids = sheet.column("leerlingnummer")
    if all(own_ids) and len(set(own_ids)) == sheet.count:
        return  # nothing derived, nothing to report
    ids, borns = sheet.ids(), sheet.dates("geboortedatum")
    seen: dict[str, int] = {}
    for position, own in enumerate(own_ids):
        if not ids[position]:
            if "leerlingnummer" in sheet.col:
                yield sheet.problem(
                    position, "leerlingnummer", "leerlingnummer is leeg", "roster.empty"
                )
            elif (
                "geboortedatum" in sheet.col
                and borns[position] is None
                and not sheet.raw("geboortedatum")[position].strip()
            ):
                yield sheet.problem(
                    position,
                    "geboortedatum",
                    "geboortedatum is leeg; zonder leerlingnummer is die nodig om de"
                    " leerling te herkennen",
                    "roster.empty",
                )
            continue
        first = seen.setdefault(ids[position], position)
        if first == position:
            continue
        row, first_row = sheet.numbers[position], sheet.numbers[first]
        if own:
            yield sheet.problem(
                position,
                "leerlingnummer",
                f"leerlingnummer {quote(own)} staat dubbel: rij {first_row} en rij {row}",
                "roster.duplicate-id",
            )
        else:
            yield Problem(
                sheet.source,
                f"dezelfde leerling (naam en geboortedatum) staat dubbel: rij {first_row} en"
                f" rij {row}",
                line=row,
                code="roster.duplicate-id",
            )


def check_teachers(sheet: Sheet) -> Iterator[Problem]:
    """``roster.bad-teacher``: a leerkracht cell reads as ``Naam (ma, di) / Naam (wo-vr)``."""
    parsed = sheet.teachers_of()
    wrong = {text for text, value in parsed.items() if isinstance(value, str)}
    yield from sheet.problems(
        sheet.column("leerkracht"),
        wrong,
        "leerkracht",
        lambda text: str(parsed[text]),
        "roster.bad-teacher",
    )


def check_new_teacher(sheet: Sheet) -> Iterator[Problem]:
    """``roster.bad-bool``: nieuwe leerkracht is ja or nee (or empty)."""
    flags = sheet.new_teacher_flags()
    yield from sheet.problems(
        flags,
        {flag for flag in set(flags) if flag and flag not in BOOL},
        "nieuwe_leerkracht",
        lambda flag: f"{quote(flag)} is geen ja of nee",
        "roster.bad-bool",
    )


def check_households(sheet: Sheet) -> Iterator[Problem]:
    """``roster.bad-households``: huishoudens is ja/nee or 1/2 (or empty)."""
    yield from sheet.problems(
        sheet.column("huishoudens", lower=True),
        {text for text, value in sheet.household_of().items() if value == 0},
        "huishoudens",
        lambda text: f"{quote(text)} niet te lezen; verwacht ja/nee of 1/2",
        "roster.bad-households",
    )


CHECKS: tuple[Check, ...] = (
    check_names,
    check_dates,
    check_emails,
    check_grades,
    check_ids,
    check_teachers,
    check_new_teacher,
    check_households,
)

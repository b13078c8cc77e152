"""What a roster import gave, so a school can check it before planning (``gesprekken rooster``).

Counts and class-level facts only; the one list of names is the new pupils with their start
date, which the school needs to plan intakes. Warnings come last, every one of them.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from gesprekken_cli.calendar import SchoolYear
from gesprekken_cli.model import WEEKDAYS_NL, Klass, Teacher
from gesprekken_cli.render.plan_table import count
from gesprekken_cli.roster import KIND_NAMES, RosterImport


def _days(teacher: Teacher) -> str:
    if not teacher.workdays:
        return teacher.name
    return f"{teacher.name} ({', '.join(WEEKDAYS_NL[d][:2] for d in sorted(teacher.workdays))})"


def _teachers(klass: Klass | None) -> str:
    if klass is None or not klass.teachers:
        return "(geen)"
    return " / ".join(_days(t) for t in klass.teachers)


def render_summary(result: RosterImport, console: Console, year: SchoolYear) -> None:
    """Print the summary of one import; new pupils are those starting within ``year``."""
    roster = result.roster
    head = f"Rooster: {roster.source} ({KIND_NAMES[result.kind]}"
    if result.school_year:
        head += f", schooljaar {result.school_year}"
    console.print(Text(head + ")"))
    if result.families_file:
        console.print(Text(f"Gezinnenbestand: {result.families_file}"))
    linked = sum(1 for p in roster.pupils if p.family_id)
    console.print(
        f"{count(len(roster.pupils), 'leerling', 'leerlingen')} in"
        f" {count(len(roster.classes), 'klas', 'klassen')};"
        f" {linked} met een gezinskoppeling, {len(roster.pupils) - linked} zonder",
        highlight=False,
    )

    per_class: dict[str, Counter[int]] = {}
    for pupil in roster.pupils:
        per_class.setdefault(pupil.class_name, Counter())[pupil.grade] += 1
    table = Table(title="Klassen", title_justify="left")
    for name in ("klas", "groep: leerlingen", "totaal", "leerkrachten (werkdagen)", "nieuw"):
        table.add_column(name, justify="right" if name == "totaal" else "left")
    for name, grades in per_class.items():
        klass = roster.klass(name)
        table.add_row(
            Text(name),
            ", ".join(f"{g}: {n}" for g, n in sorted(grades.items())),
            str(sum(grades.values())),
            Text(_teachers(klass)),
            "ja" if klass and klass.new_teacher else "",
        )
    console.print(table)

    duos = [k for k in roster.classes if len(k.teachers) > 1]
    no_days = [k.name for k in duos if any(not t.workdays for t in k.teachers)]
    console.print(
        Text(
            f"Duo's: {count(len(duos), 'klas', 'klassen')} met twee of meer leerkrachten"
            + (f"; zonder werkdagen: {', '.join(no_days)}" if no_days else "")
        )
    )

    families: dict[str, list[str]] = {}
    for pupil in roster.pupils:
        if pupil.family_id:
            families.setdefault(pupil.family_id, []).append(pupil.class_name)
    several = {f: classes for f, classes in families.items() if len(classes) > 1}
    console.print(
        f"Gezinnen: {len(families)}, waarvan {len(several)} met meer kinderen op school"
        f" ({count(sum(len(c) for c in several.values()), 'leerling', 'leerlingen')})",
        highlight=False,
    )
    if several:
        spread = Counter(len(c) for c in several.values())
        console.print(
            "  "
            + ", ".join(
                f"{count(n, 'gezin', 'gezinnen')} met {k} kinderen"
                for k, n in sorted(spread.items())
            ),
            highlight=False,
        )

    new = sorted(
        (
            p
            for p in roster.pupils
            if p.start_date is not None and year.first_date <= p.start_date <= year.last_date
        ),
        key=lambda p: (p.start_date, p.class_name),
    )
    if new:
        starts = Table(title=f"Nieuwe leerlingen in schooljaar {year.label}", title_justify="left")
        for name in ("startdatum", "leerling", "klas", "groep"):
            starts.add_column(name)
        for pupil in new:
            assert pupil.start_date is not None
            starts.add_row(
                f"{pupil.start_date:%d-%m-%Y}",
                Text(pupil.display_name),
                Text(pupil.class_name),
                str(pupil.grade),
            )
        console.print(starts)
    else:
        console.print(f"Geen nieuwe leerlingen in schooljaar {year.label}.", highlight=False)

    if roster.warnings:
        console.print(f"Waarschuwingen ({len(roster.warnings)}):", highlight=False)
        for warning in roster.warnings:
            console.print(Text(f"  - {warning.render()}"))
    else:
        console.print("Geen waarschuwingen.")

"""``index.csv`` beside a set of calendars: which file goes to whom (for the office).

One row per calendar file: file, role, who (teacher, family, class or school), the names it is
for, and the parents' e-mail addresses of a family calendar. A class row names the class's
teachers, never its pupils (issue 16.7: confidential conversations stay out of class rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gesprekken_cli.model import Roster
from gesprekken_cli.recipients import CalendarView
from gesprekken_cli.render.excel import excel_csv

INDEX = "index.csv"
HEADER = (
    "Bestand",
    "Rol",
    "Gezin/leerkracht/klas",
    "Namen",
    "Klassen",
    "Huishouden",
    "E-mailadressen",
    "Items",
)


def render_index(
    views: Sequence[CalendarView], names: Mapping[tuple[str, str], str], roster: Roster
) -> bytes:
    """The index as Excel CSV (``;``, BOM, no formula injection), in file-name order."""
    teachers_of = {k.name: ", ".join(t.name for t in k.teachers) for k in roster.classes}
    classes_of: dict[str, list[str]] = {}
    for k in roster.classes:
        for t in k.teachers:
            classes_of.setdefault(t.name, []).append(k.name)
    rows: list[list[object]] = []
    for view in views:
        who: str
        classes = ""
        if view.view == "gezin":
            who = view.key.split("-huishouden-", 1)[0]
            people = ", ".join(p.display_name for p in view.pupils)
            classes = ", ".join(dict.fromkeys(p.class_name for p in view.pupils))
        elif view.view == "klas":
            who, people, classes = view.key, teachers_of.get(view.key, ""), view.key
        elif view.view == "leerkracht":
            who = people = view.key
            classes = ", ".join(classes_of.get(view.key, ()))
        else:
            who, people = "school", ""
        rows.append(
            [
                names[(view.view, view.key)],
                view.view,
                who,
                people,
                classes,
                view.household or "",
                ", ".join(view.emails),
                len(view.conversations) + len(view.study_days),
            ]
        )
    rows.sort(key=lambda row: str(row[0]))
    return excel_csv(HEADER, rows)

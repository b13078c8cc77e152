"""``index.csv`` beside a set of calendars: which file goes to whom (for the office).

One row per calendar file: file, role, who (teacher, family, class or school), the names it is
for, and the parents' e-mail addresses of a family calendar. A class row names the class's
teachers, never its pupils (issue 16.7: confidential conversations stay out of class rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gesprekken_cli.model import Roster
from gesprekken_cli.recipients import CalendarView
from gesprekken_cli.render.excel import excel_csv, family_number

INDEX = "index.csv"
# Who first (A4 landscape when Excel prints the file as it opens), the file name last.
HEADER = (
    "Namen",
    "Klassen",
    "Rol",
    "Gezin/leerkracht/klas",
    "Huishouden",
    "E-mailadressen",
    "Items",
    "Bestand",
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
            # the gezin number as the school wrote it (empty for a family the tool linked)
            who = family_number(view.key.split("-huishouden-", 1)[0])
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
                people,
                classes,
                view.view,
                who,
                view.household or "",
                ", ".join(view.emails),
                len(view.conversations) + len(view.study_days),
                names[(view.view, view.key)],
            ]
        )
    rows.sort(key=lambda row: str(row[-1]))
    return excel_csv(HEADER, rows)

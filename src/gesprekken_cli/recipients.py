"""Who gets which items of a plan: a calendar per teacher, household, class and the school.

Core and pure: calendars (``render/ics``), their index (``render/ics_index``) and the
invitations (``invitations``) all take their audiences from here, so a household's e-mail
attachment holds exactly what its calendar file holds. Nothing of one family reaches another's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, time

from gesprekken_cli.calendar import StudyDay
from gesprekken_cli.expand import AMSTERDAM, Conversation
from gesprekken_cli.expand.conversation import group_label
from gesprekken_cli.model import Pupil
from gesprekken_cli.plan import Plan
from gesprekken_cli.rules.model import ConversationType

VIEWS: tuple[str, ...] = ("leerkracht", "gezin", "klas", "school")


@dataclass(frozen=True, slots=True)
class CalendarView:
    """One calendar file: who it is for, its title and the items it holds, in order.

    ``pupils`` are the children a family calendar is for (empty for other views);
    ``household`` is 1, 2, … when the parents live apart and each get their own, else 0.
    """

    view: str  # leerkracht | gezin | klas | school
    key: str  # teacher name, family key, class name or "school"
    title: str
    conversations: tuple[Conversation, ...]
    study_days: tuple[StudyDay, ...] = ()
    pupils: tuple[Pupil, ...] = ()
    household: int = 0

    @property
    def emails(self) -> tuple[str, ...]:
        """The parents' addresses of a family calendar (of its household when split)."""
        return household_emails(self.pupils, self.household)


def household_emails(pupils: Collection[Pupil], household: int) -> tuple[str, ...]:
    """The distinct addresses of the children's parents, in roster order.

    Aanname: when parents live apart, the first address belongs to household 1, the second
    to household 2 (the order of ``e-mail ouder 1`` and ``e-mail ouder 2``).
    """
    found: dict[str, None] = {}
    for pupil in pupils:
        emails = pupil.guardian_emails
        if household and pupil.households > 1:
            emails = emails[household - 1 : household]
        for email in emails:
            found.setdefault(email, None)
    return tuple(found)


def family_key(c: Conversation) -> str | None:
    """Siblings share ``family_id``; a pupil without one is a family of its own."""
    return c.family_id or c.pupil_id


def is_shared(c: Conversation) -> bool:
    """A group meeting or recurring item: it belongs to every class and family it concerns."""
    return c.pupil_id is None and c.form in ("groep", "terugkerend")


def is_open_window(c: Conversation) -> bool:
    """An on-request window for a whole class (teacher only) or for the school (aanmelders)."""
    return c.pupil_id is None and not is_shared(c)


def awaiting_slot(c: Conversation) -> bool:
    """A conversation or meeting that still needs a time (shown as "nog in te plannen")."""
    return c.start is None and not is_open_window(c) and not c.skipped


def unplaced_meetings(plan: Plan) -> list[str]:
    """Each group meeting without a date and time, by name, for the command's report."""
    return [
        f"{c.type_name} ({c.name}): nog in te plannen in de periode "
        f"{c.first_day:%d-%m-%Y} t/m {c.last_day:%d-%m-%Y}"
        for c in plan.conversations
        if c.form == "groep" and c.start is None
    ]


def confidential(c: Conversation, types: Mapping[str, ConversationType]) -> bool:
    """A pupil's conversation whose name stays out of class and school calendars.

    Its type is ``vertrouwelijk``, or it shows that the parents live apart (a household).
    """
    if c.pupil_id is None:
        return False
    kind = types.get(c.type_id)
    return c.household != 0 or (kind is not None and kind.vertrouwelijk)


def plan_order(c: Conversation) -> tuple[date, int, time, str]:
    """Time order: unslotted items on their first day before timed ones, then start, uid."""
    if c.start is None:
        return (c.first_day, 0, time(), c.uid)
    local = c.start.astimezone(AMSTERDAM)
    return (local.date(), 1, local.time(), c.uid)


class _Shared:
    """Group and recurring items indexed by class, and by grade for those without a class."""

    def __init__(self, conversations: tuple[Conversation, ...]) -> None:
        self.by_class: dict[str, list[int]] = {}
        self.by_grade: dict[int, list[int]] = {}
        for at, c in enumerate(conversations):
            if not is_shared(c):
                continue
            if c.class_name is not None:
                self.by_class.setdefault(c.class_name, []).append(at)
            else:
                for grade in set(c.grades):
                    self.by_grade.setdefault(grade, []).append(at)

    def of(self, places: Collection[tuple[str, Collection[int]]]) -> set[int]:
        """Positions of the shared items that concern any (class, grades) in ``places``."""
        found: set[int] = set()
        for class_name, grades in places:
            found.update(self.by_class.get(class_name, ()))
            for grade in grades:
                found.update(self.by_grade.get(grade, ()))
        return found


def calendar_views(plan: Plan, per: Collection[str] = VIEWS) -> list[CalendarView]:
    """Which items go into which calendar; nothing of one family reaches another's."""
    school = plan.cycle.school.naam
    year = plan.year.label
    # a pupil left out of a round (started too late) has nothing to put in a calendar
    conversations = tuple(c for c in plan.conversations if not c.skipped)
    pick = conversations.__getitem__
    class_grades: dict[str, set[int]] = {}
    for klass in plan.roster.classes:
        class_grades.setdefault(klass.name, set()).update(klass.grades)
    for pupil in plan.roster.pupils:
        class_grades.setdefault(pupil.class_name, set()).add(pupil.grade)
    shared = _Shared(conversations)
    views: list[CalendarView] = []

    if "leerkracht" in per:
        classes_of: dict[str, list[str]] = {}
        for klass in plan.roster.classes:
            for teacher in klass.teachers:
                classes_of.setdefault(teacher.name, []).append(klass.name)
        held: dict[str, list[int]] = {}
        for at, c in enumerate(conversations):
            for name in c.teachers:
                held.setdefault(name, []).append(at)
                classes_of.setdefault(name, [])
        # A weekly item without named teachers (the inloop) is in the calendar of every
        # teacher of a class it concerns.
        open_weekly = [
            at
            for at, c in enumerate(conversations)
            if not c.teachers and c.form == "terugkerend" and "leerkracht" in c.participants
        ]
        for name in sorted(classes_of):
            places: list[tuple[str, Collection[int]]] = [
                (k, class_grades[k]) for k in classes_of[name]
            ]
            taken = set(held.get(name, ()))
            if open_weekly:
                concerned = shared.of(places)
                taken.update(at for at in open_weekly if at in concerned)
            views.append(
                CalendarView(
                    "leerkracht",
                    name,
                    f"{school} {year}: {name}",
                    tuple(map(pick, sorted(taken))),
                )
            )

    if "gezin" in per:
        children: dict[str, list[Pupil]] = {}
        for pupil in plan.roster.pupils:
            children.setdefault(pupil.family_id or pupil.pupil_id, []).append(pupil)
        own: dict[str | None, list[int]] = {}
        for at, c in enumerate(conversations):
            if c.pupil_id is not None:
                own.setdefault(family_key(c), []).append(at)
        for key in sorted(children):
            kids = children[key]
            positions = set(own.get(key, ())) | shared.of(
                [(p.class_name, (p.grade,)) for p in kids]
            )
            mine = tuple(sorted(map(pick, positions), key=plan_order))
            days = tuple(
                s for s in plan.calendar.study_days if any(s.applies_to(p.grade) for p in kids)
            )
            names = ", ".join(p.display_name for p in kids)
            households = sorted({c.household for c in mine if c.household})
            if not households:
                views.append(
                    CalendarView("gezin", key, f"{school} {year}: {names}", mine, days, tuple(kids))
                )
            # Parents who live apart each get their own calendar: neither sees the other's times.
            for household in households:
                views.append(
                    CalendarView(
                        "gezin",
                        f"{key}-huishouden-{household}",
                        f"{school} {year}: {names} (huishouden {household})",
                        tuple(c for c in mine if c.household in (0, household)),
                        days,
                        tuple(kids),
                        household,
                    )
                )

    if "klas" in per:
        pupils_of: dict[str, list[int]] = {}
        for at, c in enumerate(conversations):
            if c.pupil_id is not None and c.class_name is not None:
                pupils_of.setdefault(c.class_name, []).append(at)
        for name in sorted(class_grades):
            grades = class_grades[name]
            positions = set(pupils_of.get(name, ())) | shared.of([(name, grades)])
            days = tuple(
                s for s in plan.calendar.study_days if any(s.applies_to(g) for g in grades)
            )
            views.append(
                CalendarView(
                    "klas",
                    name,
                    f"{school} {year}: {group_label(name)}",
                    tuple(map(pick, sorted(positions))),
                    days,
                )
            )

    if "school" in per:
        mine_school = tuple(
            c for c in conversations if is_shared(c) or (is_open_window(c) and c.class_name is None)
        )
        views.append(
            CalendarView(
                "school",
                "school",
                f"{school} {year}: school",
                mine_school,
                plan.calendar.study_days,
            )
        )
    return views

"""Items for a whole class, groep or school: group meetings, the weekly inloop, the
rondleiding period for future parents."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from gesprekken_cli.calendar import SchoolCalendar
from gesprekken_cli.expand.conversation import AMSTERDAM, Conversation, Recurrence
from gesprekken_cli.expand.items import Items
from gesprekken_cli.expand.periods import Periods
from gesprekken_cli.expand.pupils import PupilIndex
from gesprekken_cli.rules import ConversationType, TimeRange, When


class Meetings:
    """The items of a round that are not one per pupil."""

    def __init__(
        self, items: Items, periods: Periods, pupils: PupilIndex, cal: SchoolCalendar
    ) -> None:
        self.items = items
        self.periods = periods
        self.pupils = pupils
        self.cal = cal

    def meetings(self, kind: ConversationType, index: int) -> Iterable[Conversation]:
        present = [(k, g) for k, g in self.pupils.class_grades if g in kind.groepen]
        if not present:
            return
        groups: dict[str, tuple[list[str], set[int]]] = {}
        for class_name, grade in present:  # as for every pupil: (class, groep) in roster order
            if kind.per == "klas":
                key, label = f"klas-{class_name}", f"Klas {class_name}"
            elif kind.per == "groep":
                key, label = f"groep-{grade}", f"Groep {grade}"
            else:
                grade_text = "/".join(map(str, kind.groepen))
                key, label = "school", f"Groep {grade_text}"
            classes, grade_set = groups.setdefault(key + "\x00" + label, ([], set()))
            if class_name not in classes:
                classes.append(class_name)
            grade_set.add(grade)
        for packed, (classes, grade_set) in groups.items():
            key, label = packed.split("\x00")
            grades: tuple[int, ...] = tuple(sorted(grade_set))
            window = self.periods.window(kind, index, grades[0])
            if window is None:
                continue
            teachers: list[str] = []
            for class_name in classes:
                teachers.extend(t for t in self.items.teachers(class_name) if t not in teachers)
            base = self.items.base(kind, index, None, window)
            start, end = (
                self.fixed_times(kind, window[0]) if window[0] == window[1] else (None, None)
            )
            yield Conversation(
                uid=f"{kind.id}.{index + 1}.{key}",
                name=label,
                class_name=classes[0] if kind.per == "klas" else None,
                grade=grades[0] if len(grades) == 1 else None,
                grades=grades,
                pupil_id=None,
                family_id=None,
                teachers=tuple(teachers),
                start=start,
                end=end,
                note="klassen: " + ", ".join(classes),
                **base,  # type: ignore[arg-type]
            )

    def fixed_times(
        self, kind: ConversationType, day: date
    ) -> tuple[datetime | None, datetime | None]:
        if isinstance(kind.tijd, TimeRange) and kind.tijd.begin:
            begin = datetime.combine(day, kind.tijd.begin, AMSTERDAM)
            end = (
                datetime.combine(day, kind.tijd.eind, AMSTERDAM)
                if kind.tijd.eind
                else begin + timedelta(minutes=kind.duur_minuten)
            )
            return begin, end
        return None, None

    def recurring(self, kind: ConversationType, index: int, when: When) -> Iterable[Conversation]:
        assert when.wekelijks is not None
        if not any(grade in kind.groepen for grade in self.pupils.by_grade):
            return
        weekly = when.wekelijks
        days = [d for d in self.cal.school_days() if d.weekday() == weekly.dag]
        if not days:
            return
        yield self.items.school_item(
            kind,
            index,
            (days[0], days[-1]),
            "school",
            f"{kind.naam} (wekelijks)",
            child_present=kind.kind_aanwezig is not False and "kind" in kind.deelnemers,
            participants=tuple(kind.deelnemers),
            recurrence=Recurrence(weekly.dag, weekly.begin, weekly.eind),
            start=datetime.combine(days[0], weekly.begin, AMSTERDAM),
            end=datetime.combine(days[0], weekly.eind, AMSTERDAM),
        )

    def school_window(self, kind: ConversationType, index: int) -> Iterable[Conversation]:
        window = self.periods.window(kind, index, None)
        if window is not None:
            name = "Aanmelders (toekomstige ouders)"
            yield self.items.school_item(kind, index, window, "aanmelders", name, requested=False)

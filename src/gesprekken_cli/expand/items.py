"""What every item of a round shares: the type's fields, the child's presence, the teachers."""

from __future__ import annotations

from datetime import date

from gesprekken_cli.calendar import SchoolCalendar
from gesprekken_cli.expand.conversation import Conversation, Window
from gesprekken_cli.expand.due import DueDates
from gesprekken_cli.expand.periods import Periods, month_start
from gesprekken_cli.model import Roster
from gesprekken_cli.rules.model import ConversationType, Cycle
from gesprekken_cli.rules.values import MONTHS_NL


class Items:
    """Builds conversation items from a type, a round and a window (see :meth:`base`)."""

    def __init__(self, cycle: Cycle, roster: Roster, cal: SchoolCalendar, periods: Periods) -> None:
        self.cycle = cycle
        self.periods = periods
        self.cal = cal
        self.year = cal.year
        self.due = DueDates(cycle, cal)
        self.classes = {k.name: k for k in roster.classes}
        self._templates: dict[tuple[str, int, int, Window], Conversation] = {}
        self._teachers: dict[str, tuple[str, ...]] = {}

    def child_present(self, kind: ConversationType, grade: int | None, first_day: date) -> bool:
        if kind.kind_aanwezig is not None:
            return kind.kind_aanwezig
        if "kind" not in kind.deelnemers or grade is None:
            return False
        rule = self.cycle.school.kind_aanwezig
        if rule is None:
            return True
        if grade != rule.vanaf_groep:
            return grade > rule.vanaf_groep
        return first_day >= month_start(self.year, rule.vanaf_maand)

    def child_note(self, kind: ConversationType, grade: int, first_day: date) -> str:
        """What the plan says when the school-wide rule keeps the child out of a round the
        type has the child in (groep 3 before March, at de Duif)."""
        rule = self.cycle.school.kind_aanwezig
        if (
            rule is None
            or kind.kind_aanwezig is not None
            or "kind" not in kind.deelnemers
            or grade != rule.vanaf_groep
            or self.child_present(kind, grade, first_day)
        ):
            return ""
        month = MONTHS_NL[rule.vanaf_maand - 1]
        return (
            f"zonder kind: volgens de schoolregel is het kind pas vanaf {month} in groep "
            f"{rule.vanaf_groep} bij het gesprek"
        )

    def teachers(self, class_name: str) -> tuple[str, ...]:
        found = self._teachers.get(class_name)
        if found is None:
            klass = self.classes.get(class_name)
            found = self._teachers[class_name] = (
                tuple(t.name for t in klass.teachers) if klass else ()
            )
        return found

    def base(
        self,
        kind: ConversationType,
        index: int,
        grade: int | None,
        window: Window,
        tasks_window: Window | None = None,
    ) -> dict[str, object]:
        """The fields every item of the round shares; ``tasks_window`` (a meeting's own day)
        replaces the window for the tasks' due dates."""
        present = self.child_present(kind, grade, window[0])
        when = kind.wanneer[index]
        first, last = tasks_window or window
        # Who a conditional follow-up is for is known only after its event (the doorstroomtoets
        # result): its work waits for that date.
        conditional = kind.doelgroep == "voorwaarde" and when.na is not None
        floor = self.periods.after(kind, index, grade) if conditional else None
        participants = tuple(p for p in kind.deelnemers if p != "kind" or present)
        return {
            "type_id": kind.id,
            "type_name": kind.naam,
            "round": index + 1,
            "status": kind.status,
            "form": kind.vorm,
            "participants": participants,
            "child_present": present,
            "first_day": window[0],
            "last_day": window[1],
            "duration": kind.duur_minuten,
            "day_part": kind.tijd if isinstance(kind.tijd, str) else "vast",
            "tasks": self.due.tasks(kind, first, last, when.altijd, floor),
            "location": self.cycle.school.locatie,
        }

    def template(
        self, kind: ConversationType, index: int, grade: int, window: Window
    ) -> Conversation:
        """The part of a pupil's conversation shared by every pupil with the same window."""
        key = (kind.id, index, grade, window)
        found = self._templates.get(key)
        if found is None:
            found = self._templates[key] = Conversation(
                uid="",
                name="",
                class_name=None,
                grade=grade,
                grades=(grade,),
                pupil_id=None,
                family_id=None,
                teachers=(),
                note=self.child_note(kind, grade, window[0]),
                **self.base(kind, index, grade, window),  # type: ignore[arg-type]
            )
        return found

    def school_item(
        self,
        kind: ConversationType,
        index: int,
        window: Window,
        key: str,
        name: str,
        **extra: object,
    ) -> Conversation:
        """One item for the whole school (the weekly inloop, the rondleiding window)."""
        fields = {**self.base(kind, index, None, window), **extra}
        return Conversation(
            uid=f"{kind.id}.{index + 1}.{key}",
            name=name,
            class_name=None,
            grade=None,
            grades=tuple(kind.groepen),
            pupil_id=None,
            family_id=None,
            teachers=(),
            **fields,  # type: ignore[arg-type]
        )

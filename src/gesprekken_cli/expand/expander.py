"""Expansion: every rule of the cycle against every eligible pupil or class → conversations.

Pure: takes the cycle, the roster and the school calendar, returns dated conversation
instances with windows (no slots yet; see ``schedule``). Windows only ever start and end on
school days of the calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import cached_property
from itertools import compress

from gesprekken_cli.calendar import SchoolCalendar
from gesprekken_cli.errors import Problem
from gesprekken_cli.expand.conversation import (
    HOUSEHOLD,
    PUPIL_FIELDS,
    Conversation,
    Expansion,
    Window,
    group_label,
    new_conversation,
    plan_order,
)
from gesprekken_cli.expand.items import Items
from gesprekken_cli.expand.meetings import Meetings
from gesprekken_cli.expand.periods import Periods, Skip
from gesprekken_cli.expand.pupils import PupilIndex
from gesprekken_cli.model import Pupil, Roster
from gesprekken_cli.rules.model import ConversationType, Cycle, When


class Expander:
    """One expansion of a cycle for a roster in one school year."""

    def __init__(self, cycle: Cycle, roster: Roster, cal: SchoolCalendar, source: str = "") -> None:
        self.cycle = cycle
        self.roster = roster
        self.cal = cal
        self.year = cal.year
        self.source = source or "regels"
        self.warnings: list[Problem] = []
        self._warned: set[Problem] = set()
        self.periods = Periods(cycle, cal, self.warn)
        self.items = Items(cycle, roster, cal, self.periods)
        self._pupils: PupilIndex | None = None

    @property
    def pupils(self) -> PupilIndex:
        if self._pupils is None:
            self._pupils = PupilIndex(self.roster.pupils, self.items.teachers)
        return self._pupils

    @property
    def meetings(self) -> Meetings:
        return Meetings(self.items, self.periods, self.pupils, self.cal)

    def warn(self, message: str, code: str, key: str = "") -> None:
        """A warning about the rules file (each said once)."""
        self.problem(Problem(self.source, message, key=key, code=code, severity="warning"))

    def problem(self, problem: Problem) -> None:
        if problem not in self._warned:
            self._warned.add(problem)
            self.warnings.append(problem)

    def skip_item(
        self, kind: ConversationType, index: int, pupil: Pupil, skip: Skip
    ) -> Conversation:
        """The item that says in the plan why ``pupil`` is left out of this round."""
        weeks = self.cycle.school.na_start_weken
        span = f"{weeks} schoolweek" if weeks == 1 else f"{weeks} schoolweken"
        note = (
            f"niet ingepland: start op {skip.start:%d-%m-%Y}; de school plant dit gesprek pas "
            f"na {span} op school (na_start_weken) en de periode loopt tot "
            f"{skip.window[1]:%d-%m-%Y}"
        )
        self.problem(
            Problem(
                self.roster.source,
                f"{pupil.display_name} ({kind.naam}, groep {pupil.grade}): {note}",
                line=pupil.row or None,
                code="leerling-te-laat-gestart",
                severity="warning",
            )
        )
        template = self.items.template(kind, index, pupil.grade, skip.window)
        return template._replace(
            uid=f"{kind.id}.{index + 1}.{pupil.pupil_id}",
            name=pupil.display_name,
            class_name=pupil.class_name,
            pupil_id=pupil.pupil_id,
            family_id=pupil.family_id,
            teachers=self.items.teachers(pupil.class_name),
            note=note,
            skipped=True,
        )

    def invited(self, kind: ConversationType, pupil: Pupil) -> bool:
        if pupil.grade not in kind.groepen:
            return False
        audience = kind.doelgroep
        if audience == "alle":
            return True
        if audience == "nieuwe_leerkracht":
            if pupil.new_teacher is not None:
                return pupil.new_teacher
            klass = self.items.classes.get(pupil.class_name)
            return bool(klass and klass.new_teacher)
        if audience == "nieuwe_leerlingen":
            return (
                pupil.start_date is not None
                and self.year.first_date <= pupil.start_date <= self.year.last_date
            )
        if audience == "voorwaarde":
            return kind.voorwaarde is not None and kind.voorwaarde in pupil.traits
        return False

    def requested(self, kind: ConversationType, pupil: Pupil) -> bool:
        return kind.id in pupil.traits or f"verzoek:{kind.id}" in pupil.traits

    def run(self) -> list[Conversation]:
        """Every item in plan order (:func:`plan_order`).

        Items come in runs that share window, type and round and are already in plan order
        (a round's pupils); the runs are sorted, not the tens of thousands of items.
        """
        runs: list[list[Conversation]] = []
        for kind in self.cycle.gesprekken:
            for index, when in enumerate(kind.wanneer):
                if kind.doelgroep == "aanmelders":
                    runs.extend([c] for c in self.meetings.school_window(kind, index))
                elif kind.vorm == "terugkerend":
                    runs.extend([c] for c in self.meetings.recurring(kind, index, when))
                elif kind.vorm == "groep":
                    runs.extend([c] for c in self.meetings.meetings(kind, index))
                elif kind.status == "op_verzoek":
                    runs.extend([c] for c in self._on_request(kind, index))
                else:
                    runs.extend(self._individual(kind, index, when))
        runs.sort(key=lambda run: plan_order(run[0])[:4])
        out: list[Conversation] = []
        start = 0
        for end in range(1, len(runs) + 1):
            if end == len(runs) or plan_order(runs[end][0])[:4] != plan_order(runs[start][0])[:4]:
                if end - start == 1:
                    out.extend(runs[start])
                else:  # runs of one window, type and round: order their items together
                    out.extend(sorted((c for run in runs[start:end] for c in run), key=plan_order))
                start = end
        return out

    def _individual(
        self, kind: ConversationType, index: int, when: When
    ) -> list[list[Conversation]]:
        """The round's conversations, one run per window, each run in plan order."""
        skips: list[tuple[int, Skip]] = []
        if when.weken_voor_start is not None:
            by_window = self._by_start(kind, when)
        else:
            by_window, skips = self._by_window(kind, index)
        order = self.pupils.order("ouders" in kind.deelnemers)
        pupils = self.pupils
        prefix = f"{kind.id}.{index + 1}."
        runs: list[list[Conversation]] = []
        for window, positions in by_window.items():
            templates = {
                grade: self.items.template(kind, index, grade, window)
                for grade in sorted(set(map(pupils.grade.__getitem__, positions)))
            }
            head = next(iter(templates.values()))[1 : PUPIL_FIELDS.start]  # same for all
            tails = {grade: t[PUPIL_FIELDS.stop :] for grade, t in templates.items()}
            ranks = order.ranks(positions)
            run = [
                new_conversation(Conversation, (prefix + p[4],) + head + p + tails[p[2]])
                for p in map(pupils.fields.__getitem__, map(order.position.__getitem__, ranks))
            ]
            if order.more:  # parents living apart: an item per household
                households = list(map(order.household.__getitem__, ranks))
                for at in compress(range(len(run)), households):
                    c, household = run[at], households[at]
                    uid = f"{c.uid}.h{household}"
                    fields = (uid, *c[1:HOUSEHOLD], household, *c[HOUSEHOLD + 1 :])
                    run[at] = new_conversation(Conversation, fields)
            runs.append(run)
        everyone = pupils.pupils
        runs.extend([self.skip_item(kind, index, everyone[at], skip)] for at, skip in skips)
        if kind.leerkrachten == "wie_werkt":
            self.share_duos(runs)
        return runs

    @cached_property
    def duos(self) -> frozenset[str]:
        """The classes with two or more teachers who all work every day."""
        return frozenset(
            k.name
            for k in self.roster.classes
            if len(k.teachers) > 1 and not any(t.workdays for t in k.teachers)
        )

    def share_duos(self, runs: list[list[Conversation]]) -> None:
        """In a duo class whose teachers both work every day, the round's talks are shared
        between them: families (siblings together) go to whoever has the fewest so far, the
        largest family first. Each item says so; a class with working days is left to the
        scheduler (whoever works that day)."""
        duos = self.duos
        if not duos:
            return
        shared: dict[str, dict[str, list[tuple[int, int]]]] = {}
        for r, run in enumerate(runs):
            for i, c in enumerate(run):
                if c.class_name not in duos or c.skipped:
                    continue
                family = c.family_id or c.pupil_id or c.uid
                shared.setdefault(c.class_name, {}).setdefault(family, []).append((r, i))
        for families in shared.values():
            r, i = next(iter(families.values()))[0]
            names = runs[r][i].teachers
            load = dict.fromkeys(names, 0)
            pupils_of = {f: len({runs[r][i].pupil_id for r, i in at}) for f, at in families.items()}
            for family in sorted(families, key=lambda f: -pupils_of[f]):  # stable: plan order
                teacher = min(names, key=lambda t: (load[t], names.index(t)))
                load[teacher] += pupils_of[family]
                note = f"bij {teacher}: het duo verdeelt de gesprekken van de klas"
                for r, i in families[family]:
                    c = runs[r][i]
                    runs[r][i] = c._replace(
                        teachers=(teacher,), note=f"{c.note}; {note}" if c.note else note
                    )

    def _by_window(
        self, kind: ConversationType, index: int
    ) -> tuple[dict[Window, list[int]], list[tuple[int, Skip]]]:
        """Positions of the pupils invited to round ``index``, by their window (see
        :meth:`Periods.pupil_window`), and the pupils left out because they started too late;
        windows are worked out in the order the roster needs them."""
        pupils = self.pupils
        by_window: dict[Window, list[int]] = {}
        skips: list[tuple[int, Skip]] = []
        if kind.doelgroep == "alle":  # everyone in the groepen: a window per groep
            for grade, positions in pupils.by_grade.items():
                if grade not in kind.groepen:
                    continue
                if grade not in pupils.started:
                    window = self.periods.window(kind, index, grade)
                    if window is not None:
                        by_window.setdefault(window, []).extend(positions)
                    continue
                for position in positions:
                    own = self.periods.pupil_window(kind, index, pupils.pupils[position])
                    if isinstance(own, Skip):
                        skips.append((position, own))
                    elif own is not None:
                        by_window.setdefault(own, []).append(position)
            return by_window, skips
        for position in pupils.positions(kind.groepen):
            pupil = pupils.pupils[position]
            if self.invited(kind, pupil):
                own = self.periods.pupil_window(kind, index, pupil)
                if isinstance(own, Skip):
                    skips.append((position, own))
                elif own is not None:
                    by_window.setdefault(own, []).append(position)
        return by_window, skips

    def _by_start(self, kind: ConversationType, when: When) -> dict[Window, list[int]]:
        """Like :meth:`_by_window` for a round some weeks before each pupil's start date."""
        pupils = self.pupils
        by_window: dict[Window, list[int]] = {}
        for position in pupils.positions(kind.groepen):
            pupil = pupils.pupils[position]
            if not self.invited(kind, pupil) or pupil.start_date is None:
                continue
            window = self.periods.before_start_window(kind, when, pupil)
            if window is None:
                self.problem(
                    Problem(
                        self.roster.source,
                        f"{kind.naam}: de startdatum ({pupil.start_date:%d-%m-%Y}) valt te "
                        f"vroeg in schooljaar {self.year.label} voor de periode; plan dit "
                        "gesprek zelf",
                        line=pupil.row or None,
                        code="startdatum-voor-venster",
                        severity="warning",
                    )
                )
                continue
            by_window.setdefault(window, []).append(position)
        return by_window

    def _on_request(self, kind: ConversationType, index: int) -> Iterable[Conversation]:
        by_class: dict[str, list[Pupil]] = {}
        everyone = self.pupils.pupils
        by_window, _ = self._by_window(kind, index)  # a late starter is not offered the round
        for position in sorted(p for group in by_window.values() for p in group):
            pupil = everyone[position]
            by_class.setdefault(pupil.class_name, []).append(pupil)
        for class_name, pupils in by_class.items():
            grades: tuple[int, ...] = tuple(sorted({p.grade for p in pupils}))
            window = self.periods.window(kind, index, grades[0])
            if window is None:
                continue
            asked = [p for p in pupils if p.traits and self.requested(kind, p)]
            base = self.items.base(kind, index, grades[0], window)
            yield Conversation(
                uid=f"{kind.id}.{index + 1}.klas-{class_name}",
                name=f"{group_label(class_name, capital=True)} (op verzoek)",
                class_name=class_name,
                grade=grades[0] if len(grades) == 1 else None,
                grades=grades,
                pupil_id=None,
                family_id=None,
                teachers=self.items.teachers(class_name),
                requested=False,
                note=(
                    "1 leerling kan een gesprek aanvragen"
                    if len(pupils) == 1
                    else f"{len(pupils)} leerlingen kunnen een gesprek aanvragen"
                ),
                **base,  # type: ignore[arg-type]
            )
            for pupil in asked:
                own = self.periods.pupil_window(kind, index, pupil)
                if own is None or isinstance(own, Skip):
                    continue
                base = self.items.base(kind, index, pupil.grade, own)
                yield Conversation(
                    uid=f"{kind.id}.{index + 1}.{pupil.pupil_id}",
                    name=pupil.display_name,
                    class_name=pupil.class_name,
                    grade=pupil.grade,
                    grades=(pupil.grade,),
                    pupil_id=pupil.pupil_id,
                    family_id=pupil.family_id,
                    teachers=self.items.teachers(pupil.class_name),
                    requested=True,
                    **base,  # type: ignore[arg-type]
                )


def expand(cycle: Cycle, roster: Roster, cal: SchoolCalendar, *, rules_file: str = "") -> Expansion:
    """Every conversation the cycle gives the roster's pupils and classes in ``cal``'s year.

    ``rules_file`` names the rules in the warnings (``Problem``s with a code).
    """
    expander = Expander(cycle, roster, cal, rules_file)
    conversations = expander.run()
    return Expansion(conversations, expander.warnings)


WindowFinder = Callable[[ConversationType, int, "int | None"], "tuple[date, date] | None"]


def windows(cycle: Cycle, cal: SchoolCalendar) -> WindowFinder:
    """``finder(type, round_index, grade)`` → the round's window in ``cal``, without a roster.

    For views of the cycle itself (the year overview); windows relative to a pupil's own
    start date are not known without one and come back as None.
    """
    expander = Expander(cycle, Roster("", (), ()), cal)

    def finder(kind: ConversationType, index: int, grade: int | None) -> tuple[date, date] | None:
        if kind.wanneer[index].weken_voor_start is not None:
            return None
        return expander.periods.window(kind, index, grade)

    return finder


ChildRule = Callable[[ConversationType, "int | None", date], bool]


def child_presence(cycle: Cycle, cal: SchoolCalendar) -> ChildRule:
    """``present(type, grade, first_day)`` → whether the child attends, by expand()'s own rule.

    For views of the cycle (the year overview), so they never disagree with the plan; pass
    ``grade=None`` for group meetings, as expand() does.
    """
    return Expander(cycle, Roster("", (), ()), cal).items.child_present

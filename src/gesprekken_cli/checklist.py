"""Checklists per teacher per conversation round, as values: Plan → :class:`Checklist`.

Pure: reads only the in-memory :class:`~gesprekken_cli.plan.Plan` (never the rules or the
roster files); :mod:`gesprekken_cli.render.checklist` (Markdown, CSV) and
:mod:`gesprekken_cli.render.checklist_html` turn a list into files. What a list holds:

- individual rounds: the goals, the preparation tasks with due dates, and a row per pupil
  (siblings in the same list share one row in Markdown/HTML; the CSV keeps one row per pupil);
- on-request rounds: every pupil of the class whose window is open, with room to note a request;
- group meetings: a short list (goals, date, preparation), no pupil rows and no CSV;
- recurring items (the weekly inloop) and rounds without a class teacher (rondleiding for
  future parents) get no checklist.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from gesprekken_cli.errors import GesprekkenError, Problem
from gesprekken_cli.expand import Conversation
from gesprekken_cli.model import Pupil
from gesprekken_cli.plan import Plan
from gesprekken_cli.rules.model import ConversationType, Task


@dataclass(frozen=True, slots=True)
class TaskLine:
    """A preparation or follow-up task of the round; ``due`` None = no fixed date."""

    task: str
    kind: str
    who: str
    channel: str
    due: date | None
    rule: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Slot:
    """When one conversation of a pupil happens: a slot, or else its window."""

    household: int
    first_day: date
    last_day: date
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class PupilRow:
    """One pupil of the list; ``slots`` has two entries for two-household pupils."""

    pupil_id: str
    name: str
    class_name: str
    grade: int
    family_id: str | None
    child_present: bool
    slots: tuple[Slot, ...]
    requested: bool = False
    unplaced: str = ""
    skipped: bool = False  # left out of this round (started too late): no tick boxes


@dataclass(frozen=True, slots=True)
class Checklist:
    """One teacher's (or duo's) list for one round of one conversation type."""

    key: str
    type_id: str
    type_name: str
    round: int
    rounds: int
    status: str
    form: str
    school: str
    school_year: str
    teachers: tuple[str, ...]
    classes: tuple[str, ...]
    grades: tuple[int, ...]
    goals: tuple[str, ...]
    first_day: date
    last_day: date
    duration: int
    channel: str
    participants: tuple[str, ...]
    tasks: tuple[TaskLine, ...]
    rows: tuple[PupilRow, ...] = ()
    meetings: tuple[Slot, ...] = ()
    ticks: tuple[str, ...] = ()

    @property
    def on_request(self) -> bool:
        return self.status == "op_verzoek"

    @property
    def is_meeting(self) -> bool:
        return self.form == "groep"

    @property
    def title(self) -> str:
        suffix = f" (ronde {self.round})" if self.rounds > 1 else ""
        return self.type_name + suffix

    @property
    def teacher_text(self) -> str:
        return join_nl(self.teachers)

    def blocks(self) -> list[tuple[PupilRow, ...]]:
        """Rows in print order; siblings in this list form one block, at the first one's place."""
        order: list[tuple[PupilRow, ...]] = []
        placed: set[str] = set()
        for row in self.rows:
            if row.pupil_id in placed:
                continue
            family = tuple(
                r for r in self.rows if row.family_id is not None and r.family_id == row.family_id
            ) or (row,)
            placed.update(r.pupil_id for r in family)
            order.append(family)
        return order


def join_nl(items: Sequence[str]) -> str:
    """``a, b en c``."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def rule_text(task: Task, meeting: bool = False) -> str:
    """The due rule in words: ``14 dagen voor de gesprekken`` (``voor de bijeenkomst``)."""
    what = "de bijeenkomst" if meeting else "de gesprekken"
    if task.dagen_voor is not None:
        if task.dagen_voor == 0:
            return "op de dag van de bijeenkomst" if meeting else "op de eerste gespreksdag"
        return f"{_days(task.dagen_voor)} voor {what}"
    if task.weken_voor is not None:
        weeks = "1 week" if task.weken_voor == 1 else f"{task.weken_voor} weken"
        return f"{weeks} voor {what}"
    if task.dagen_na is not None:
        if task.dagen_na == 0:
            return "op de dag van de bijeenkomst" if meeting else "op de laatste gespreksdag"
        return f"{_days(task.dagen_na)} na {what}"
    return "geen vaste datum"


def ticks_of(kind: ConversationType) -> tuple[str, ...]:
    """The tick boxes per pupil, from the type's own tasks: "uitgenodigd" where it sends an
    invitation, "formulier ontvangen" where it has a form, then "gesprek gevoerd" and a box
    for each task after the conversation, in its own words (the intake: the wendagen)."""
    kinds = {task.soort for task in kind.voorbereiding}
    ticks = ["uitgenodigd"] if "uitnodiging" in kinds else []
    if "formulier" in kinds:
        ticks.append("formulier ontvangen")
    ticks.append("gesprek gevoerd")
    after = [task.taak for task in kind.voorbereiding if task.dagen_na is not None]
    ticks += [text[0].lower() + text[1:] for text in after]
    return tuple(dict.fromkeys(ticks))


def _days(n: int) -> str:
    return "1 dag" if n == 1 else f"{n} dagen"


def build_checklists(plan: Plan) -> list[Checklist]:
    """Every checklist of ``plan``, ordered by the round's first day."""
    types = {t.id: t for t in plan.cycle.gesprekken}
    pupils = {p.pupil_id: p for p in plan.roster.pupils}
    groups: dict[tuple[str, int, tuple[str, ...]], list[Conversation]] = {}
    for c in plan.conversations:
        if c.form == "terugkerend" or not c.teachers or c.type_id not in types:
            continue
        groups.setdefault((c.type_id, c.round, c.teachers), []).append(c)
    lists = [
        _checklist(plan, types[type_id], index, teachers, items, pupils)
        for (type_id, index, teachers), items in groups.items()
    ]
    lists.sort(key=lambda cl: (cl.first_day, cl.type_id, cl.round, cl.teachers))
    return lists


def _checklist(
    plan: Plan,
    kind: ConversationType,
    index: int,
    teachers: tuple[str, ...],
    items: list[Conversation],
    pupils: dict[str, Pupil],
) -> Checklist:
    first = items[0]
    classes = sorted({c.class_name for c in items if c.class_name})
    grades = sorted({g for c in items for g in c.grades})
    always = kind.wanneer[index - 1].altijd if index - 1 < len(kind.wanneer) else False
    if first.form == "groep":
        rows: tuple[PupilRow, ...] = ()
        meetings = tuple(
            sorted(
                (Slot(0, c.first_day, c.last_day, c.start, c.end) for c in items),
                key=lambda s: (s.first_day, s.start.isoformat() if s.start else ""),
            )
        )
    else:
        rows, meetings = _rows(plan, kind, items, pupils), ()
    return Checklist(
        key=f"{kind.id}.{index}." + "+".join(teachers),
        type_id=kind.id,
        type_name=kind.naam,
        round=index,
        rounds=len(kind.wanneer),
        status=first.status,
        form=first.form,
        school=plan.cycle.school.naam,
        school_year=plan.year.label,
        teachers=teachers,
        classes=tuple(classes),
        grades=tuple(grades),
        goals=tuple(kind.doel),
        first_day=min(c.first_day for c in items),
        last_day=max(c.last_day for c in items),
        duration=kind.duur_minuten,
        channel=kind.kanaal,
        participants=first.participants,
        tasks=_tasks(kind, items, pupils, dated=not always),
        rows=rows,
        meetings=meetings,
        ticks=ticks_of(kind),
    )


def _tasks(
    kind: ConversationType, items: list[Conversation], pupils: dict[str, Pupil], *, dated: bool
) -> tuple[TaskLine, ...]:
    """The round's tasks; before-tasks due at the earliest, after-tasks at the latest date.

    With slots, each conversation may carry its own due dates: a before-task must be done
    before the first conversation of the round, a report after the last one. A pupil who
    started after a before-task of the round was due (:func:`late_lines`) gets that task
    again on a line of its own, with the date of the pupil's own, later window.
    """
    lines = []
    meeting = any(c.form == "groep" for c in items)
    if any(when.weken_voor_start for when in kind.wanneer):  # per pupil: each pupil's own dates
        for i, rule in enumerate(kind.voorbereiding):
            text = rule_text(rule, meeting)
            for c in items:
                if c.pupil_id is not None and len(c.tasks) > i:
                    own = c.tasks[i]
                    task = f"{rule.taak}: {c.name}"
                    lines.append(
                        TaskLine(task, rule.soort, rule.wie, rule.kanaal, own.due, text, own.note)
                    )
        lines.sort(key=lambda t: (t.due or date.max, t.task))
        return tuple(lines)
    for i, rule in enumerate(kind.voorbereiding):
        found = [c.tasks[i] for c in items if len(c.tasks) > i and c.tasks[i].due is not None]
        chosen = None
        if dated and found:
            pick = max if rule.dagen_na is not None else min
            chosen = pick(found, key=lambda t: t.due or date.min)
        lines.append(
            TaskLine(
                rule.taak,
                rule.soort,
                rule.wie,
                rule.kanaal,
                chosen.due if chosen else None,
                rule_text(rule, meeting),
                chosen.note if chosen else "",
            )
        )
        if chosen is not None and chosen.due is not None and rule.dagen_na is None:
            lines += late_lines(rule, i, chosen.due, items, pupils, rule_text(rule, meeting))
    return tuple(lines)


def late_lines(
    rule: Task,
    index: int,
    due: date,
    items: list[Conversation],
    pupils: dict[str, Pupil],
    text: str,
) -> list[TaskLine]:
    """The before-task ``index`` for each pupil who started after the round's date ``due``
    for it: the pupil was not at school then (not yet invited, no portfolio to show), so the
    round's date does not hold; the pupil's own window gives the own date."""
    lines: dict[str, TaskLine] = {}
    for c in items:
        pupil = pupils.get(c.pupil_id) if c.pupil_id is not None else None
        if pupil is None or pupil.start_date is None or pupil.start_date <= due or c.skipped:
            continue
        own = c.tasks[index] if len(c.tasks) > index else None
        if own is None or own.due is None or own.due == due or pupil.pupil_id in lines:
            continue
        note = "; ".join(filter(None, [f"start op {pupil.start_date:%d-%m-%Y}", own.note]))
        task = f"{rule.taak}: {pupil.display_name}"
        lines[pupil.pupil_id] = TaskLine(
            task, rule.soort, rule.wie, rule.kanaal, own.due, text, note
        )
    return sorted(lines.values(), key=lambda t: (t.due or date.max, t.task))


def _rows(
    plan: Plan, kind: ConversationType, items: list[Conversation], pupils: dict[str, Pupil]
) -> tuple[PupilRow, ...]:
    slots: dict[str, list[Slot]] = {}
    source: dict[str, Conversation] = {}
    requested: set[str] = set()
    taking_part: set[str] = set()
    reasons = {u.uid: u.reason for u in plan.unplaced}
    unplaced: dict[str, list[str]] = {}
    for c in items:
        if c.pupil_id is None:
            if c.status == "op_verzoek" and c.class_name:
                for p in plan.roster.pupils:
                    if p.class_name == c.class_name and p.grade in kind.groepen:
                        slots.setdefault(p.pupil_id, [])
                        source.setdefault(p.pupil_id, c)
                        taking_part.add(p.pupil_id)
            continue
        if c.skipped:  # left out of the round (started too late): the row says why
            unplaced.setdefault(c.pupil_id, []).append(c.note.removeprefix("niet ingepland: "))
        else:
            taking_part.add(c.pupil_id)
        slot = Slot(c.household, c.first_day, c.last_day, c.start, c.end)
        slots.setdefault(c.pupil_id, []).append(slot)
        source[c.pupil_id] = c
        if c.start is None and c.uid in reasons:
            unplaced.setdefault(c.pupil_id, []).append(reasons[c.uid])
        if c.status == "op_verzoek":
            requested.add(c.pupil_id)
    rows = []
    for pupil_id, found in slots.items():
        c = source[pupil_id]
        pupil = pupils.get(pupil_id)
        if not found:
            found = [Slot(0, c.first_day, c.last_day)]
        found.sort(key=lambda s: s.household)
        rows.append(
            PupilRow(
                pupil_id=pupil_id,
                name=pupil.display_name if pupil else c.name,
                class_name=pupil.class_name if pupil else (c.class_name or ""),
                grade=pupil.grade if pupil else (c.grade or 0),
                family_id=pupil.family_id if pupil else c.family_id,
                child_present=c.child_present,
                slots=tuple(found),
                requested=pupil_id in requested,
                unplaced="; ".join(dict.fromkeys(unplaced.get(pupil_id, []))),
                skipped=pupil_id not in taking_part,
            )
        )

    def order(row: PupilRow) -> tuple[object, ...]:
        starts = [s.start for s in row.slots if s.start is not None]
        pupil = pupils.get(row.pupil_id)
        name = (
            (pupil.last_name.casefold(), pupil.first_name.casefold(), pupil.infix.casefold())
            if pupil
            else (row.name.casefold(), "", "")
        )
        return (not starts, min(starts).isoformat() if starts else "", row.class_name, *name)

    return tuple(sorted(rows, key=order))


# --- choosing ---


def select(
    lists: Sequence[Checklist], *, teacher: str | None = None, conversation: str | None = None
) -> list[Checklist]:
    """The lists of ``teacher`` (part of a name, any case) and/or ``conversation``.

    ``conversation`` is a type id (``startgesprek``) or id and round (``koffie-thee-ochtend.2``).
    Raises a usage error (exit 2) naming the known teachers or conversations when one matches
    nothing.
    """
    chosen = list(lists)
    if teacher is not None:
        wanted = teacher.strip().casefold()
        chosen = [cl for cl in chosen if any(wanted in t.casefold() for t in cl.teachers)]
        if not chosen or not wanted:
            known = sorted({t for cl in lists for t in cl.teachers})
            raise _usage("--leerkracht", f"geen leerkracht {teacher!r} in het plan", known)
    if conversation is not None:
        wanted = conversation.strip()
        chosen = [cl for cl in chosen if wanted in (cl.type_id, f"{cl.type_id}.{cl.round}")]
        if not chosen:
            known = sorted({cl.type_id for cl in lists})
            raise _usage("--gesprek", f"geen checklist voor gesprek {conversation!r}", known)
    return chosen


def _usage(option: str, message: str, known: Iterable[str]) -> GesprekkenError:
    shown = ", ".join(known) or "(geen)"
    return GesprekkenError([Problem(option, f"{message}; bekend: {shown}")], exit_code=2)

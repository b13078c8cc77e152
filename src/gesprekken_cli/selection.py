"""Views for one person: the part of a plan for a teacher, class, family, pupil, type or period.

Core and pure: the CLI builds a :class:`Selection` from ``--leerkracht``, ``--klas``,
``--gezin``, ``--leerling``, ``--gesprek``, ``--van``/``--tot`` and every command (plan, ics,
checklist, uitnodigingen) renders ``select_plan(plan, selection)``. Names are matched without
case or accents; a name that matches nothing is a usage error (exit 2) with the closest names.
"""

# No `from __future__ import annotations`: NamedTuple would compile each string annotation.
import re
import unicodedata
from collections.abc import Collection, Iterable
from datetime import date
from typing import NamedTuple

from gesprekken_cli.errors import GesprekkenError, Problem
from gesprekken_cli.expand import AMSTERDAM, Conversation
from gesprekken_cli.model import Pupil
from gesprekken_cli.plan import Plan


# NamedTuple, not a frozen dataclass: a fifth of the cost to create on every run (issue 17)
class Selection(NamedTuple):
    """What to keep; ``None`` keeps everything for that criterion."""

    teacher: str | None = None
    klass: str | None = None
    family: str | None = None
    pupil: str | None = None
    conversation: str | None = None
    start: date | None = None
    end: date | None = None

    @property
    def everything(self) -> bool:
        return all(value is None for value in self)


# Letters NFKD does not split into a base letter and an accent.
_BASE = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe"})


def fold_name(text: str) -> str:
    """``  Zoë  van der BERG`` → ``zoe van der berg``: no accents, no case, single spaces."""
    plain = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", text.casefold().translate(_BASE))
        if not unicodedata.combining(ch)
    )
    return re.sub(r"\s+", " ", plain.casefold()).strip()


def match_name(option: str, asked: str, known: Iterable[str], what: str) -> str:
    """The one known name ``asked`` means: equal when folded, else the only one containing it.

    Raises a usage error (exit 2) naming the closest known names when there is none, or the
    candidates when several contain it.
    """
    names = sorted(set(known))
    folded = {fold_name(n): n for n in names}
    wanted = fold_name(asked)
    if wanted in folded:
        return folded[wanted]
    partial = [n for f, n in folded.items() if wanted and wanted in f]
    if len(partial) == 1:
        return partial[0]
    if partial:
        message = f"{what} {asked!r} is niet eenduidig; bedoel je: {', '.join(partial[:8])}"
    else:
        import difflib  # only for an unknown name: every plan command builds a Selection

        close = [folded[c] for c in difflib.get_close_matches(wanted, list(folded), 5, 0.5)]
        if close:
            message = f"geen {what} {asked!r}; bedoel je: {', '.join(close)}"
        else:
            more = " …" if len(names) > 8 else ""
            message = f"geen {what} {asked!r}; bekend: {', '.join(names[:8]) or '(geen)'}{more}"
    raise GesprekkenError([Problem(option, message)], exit_code=2)


def resolve(plan: Plan, selection: Selection) -> Selection:
    """The selection with every name replaced by the plan's own spelling (or exit 2)."""
    roster = plan.roster
    found = selection
    if selection.start and selection.end and selection.end < selection.start:
        raise GesprekkenError(
            [
                Problem(
                    "--tot", f"{selection.end:%d-%m-%Y} ligt vóór --van {selection.start:%d-%m-%Y}"
                )
            ],
            exit_code=2,
        )
    if selection.teacher is not None:
        teachers = {t.name for k in roster.classes for t in k.teachers}
        teachers.update(name for c in plan.conversations for name in c.teachers)
        found = found._replace(
            teacher=match_name("--leerkracht", selection.teacher, teachers, "leerkracht")
        )
    if selection.klass is not None:
        classes = {k.name for k in roster.classes} | {p.class_name for p in roster.pupils}
        found = found._replace(klass=match_name("--klas", selection.klass, classes, "klas"))
    if selection.family is not None:
        families = {p.family_id or p.pupil_id for p in roster.pupils}
        found = found._replace(family=match_name("--gezin", selection.family, families, "gezin"))
    if selection.pupil is not None:
        pupils = {p.pupil_id for p in roster.pupils}
        found = found._replace(pupil=match_name("--leerling", selection.pupil, pupils, "leerling"))
    if selection.conversation is not None:
        ids = {c.type_id for c in plan.conversations}
        ids |= {f"{c.type_id}.{c.round}" for c in plan.conversations}
        found = found._replace(
            conversation=match_name("--gesprek", selection.conversation, ids, "gesprek"),
        )
    return found


def _in_period(c: Conversation, start: date | None, end: date | None) -> bool:
    if c.start is not None:
        first = last = c.start.astimezone(AMSTERDAM).date()
    else:
        first, last = c.first_day, c.last_day
    return (start is None or last >= start) and (end is None or first <= end)


def _concerns(c: Conversation, places: Collection[tuple[str, int]]) -> bool:
    """A group or recurring item (no pupil) that concerns any (class, grade) of ``places``."""
    if c.class_name is not None:
        return any(c.class_name == k for k, _ in places)
    return any(g in c.grades for _, g in places)


def select_plan(plan: Plan, selection: Selection) -> Plan:
    """The plan with only the conversations, pupils and classes ``selection`` keeps.

    ``selection`` must be resolved (:func:`resolve`). Items without a pupil (meetings, the
    inloop) stay when they concern a kept class or pupil.
    """
    if selection.everything:
        return plan
    pupils: list[Pupil] = list(plan.roster.pupils)
    classes = list(plan.roster.classes)
    if selection.teacher is not None:
        taught = {k.name for k in classes if any(t.name == selection.teacher for t in k.teachers)}
        taught |= {
            c.class_name
            for c in plan.conversations
            if selection.teacher in c.teachers and c.class_name
        }
        classes = [k for k in classes if k.name in taught]
        pupils = [p for p in pupils if p.class_name in taught]
    if selection.klass is not None:
        classes = [k for k in classes if k.name == selection.klass]
        pupils = [p for p in pupils if p.class_name == selection.klass]
    if selection.family is not None:
        pupils = [p for p in pupils if (p.family_id or p.pupil_id) == selection.family]
    if selection.pupil is not None:
        pupils = [p for p in pupils if p.pupil_id == selection.pupil]
    if selection.family is not None or selection.pupil is not None:
        kept_classes = {p.class_name for p in pupils}
        classes = [k for k in classes if k.name in kept_classes]
    kept_pupils = {p.pupil_id for p in pupils}
    places = {(p.class_name, p.grade) for p in pupils}
    places |= {(k.name, g) for k in classes for g in k.grades}
    narrowed = any(
        x is not None
        for x in (selection.teacher, selection.klass, selection.family, selection.pupil)
    )

    def keep(c: Conversation) -> bool:
        if selection.teacher is not None and c.teachers and selection.teacher not in c.teachers:
            return False
        if narrowed:
            if c.pupil_id is not None:
                if c.pupil_id not in kept_pupils:
                    return False
            elif not _concerns(c, places):
                return False
        if selection.conversation is not None and selection.conversation not in (
            c.type_id,
            f"{c.type_id}.{c.round}",
        ):
            return False
        return _in_period(c, selection.start, selection.end)

    conversations = tuple(c for c in plan.conversations if keep(c))
    kept_uids = {c.uid for c in conversations}
    roster = plan.roster._replace(pupils=tuple(pupils), classes=tuple(classes))
    warnings = plan.warnings
    if narrowed:
        warnings = tuple(w for w in warnings if _kept_warning(w, plan, kept_pupils))
    return plan._replace(
        conversations=conversations,
        roster=roster,
        warnings=warnings,
        unplaced=tuple(u for u in plan.unplaced if u.uid in kept_uids),
    )


def _kept_warning(warning: Problem, plan: Plan, kept_pupils: Collection[str]) -> bool:
    """Whether a view of ``kept_pupils`` shows ``warning``: one about pupils (its ``subject``,
    or the pupil of its roster row) only when it is about a kept one; one about the rules or a
    file as a whole always."""
    about = warning.subject
    if not about and warning.line is not None and warning.file == plan.roster.source:
        about = tuple(p.pupil_id for p in plan.roster.pupils if p.row == warning.line)
    return not about or any(pupil in kept_pupils for pupil in about)

"""Figures that say how good a schedule is: the plan's ``kwaliteit`` (Dutch keys).

Kept apart from the search so benchmarks and tests can score any schedule the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import pairwise
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from gesprekken_cli.errors import Problem
from gesprekken_cli.expand import Conversation
from gesprekken_cli.schedule.records import Slot

if TYPE_CHECKING:
    from gesprekken_cli.roster.wishes import Wishes


def family_gaps(slots: Sequence[Slot]) -> list[int] | None:
    """Minutes between consecutive conversations of one family bundle, or None when the
    bundle is not on one day or overlaps."""
    if len({slot[0] for slot in slots}) != 1:
        return None
    ordered = sorted(slots, key=_start)
    gaps = [b[1] - a[2] for a, b in pairwise(ordered)]
    return None if any(gap < 0 for gap in gaps) else gaps


_start = itemgetter(1)


class FamilyState(NamedTuple):
    """How one family round went: back to back (every gap at most the family's waiting
    time, all on one day), the minutes waited between its conversations on each day, the
    longest such wait, and the days beyond the first it is spread over."""

    back_to_back: bool
    waiting: int
    longest: int
    splits: int


class FamilyRound(NamedTuple):
    """One family's siblings in one round (family, household, type, round), named for the
    summary, with how it went (:func:`family_state`)."""

    name: str
    state: FamilyState


def family_state(slots: Sequence[Slot | None], wait: int) -> FamilyState:
    """See :class:`FamilyState`; a round with an unplaced member is not back to back."""
    placed = [slot for slot in slots if slot is not None]
    by_day: dict[date, list[Slot]] = {}
    for slot in placed:
        by_day.setdefault(slot.day, []).append(slot)
    waiting = longest = 0
    for members in by_day.values():
        members.sort(key=_start)
        for a, b in pairwise(members):
            gap = max(0, b.start - a.end)
            waiting += gap
            longest = max(longest, gap)
    together = len(placed) == len(slots) and len(by_day) <= 1 and longest <= wait
    return FamilyState(together, waiting, longest, max(0, len(by_day) - 1))


def idle_beyond_pause(
    day: Sequence[tuple[int, int]], pause: int, limit: int = 0, rest: int = 0
) -> int:
    """Minutes a teacher waits between conversations that day beyond the compulsory pause
    (``day`` sorted by start). After every ``limit`` talks the compulsory gap is the long
    break ``rest`` with the pause before and after it, as the books keep it."""
    idle = 0
    for count, ((_, end), (start, _)) in enumerate(pairwise(day), start=1):
        compulsory = 2 * pause + rest if limit and count % limit == 0 else pause
        if start - end > compulsory:
            idle += start - end - compulsory
    return idle


def quality(
    slots: Sequence[Slot | None],
    families: Sequence[FamilyRound],
    *,
    pause: int,
    long_break: tuple[int, int] = (0, 0),
    teacher_days: Iterable[Sequence[tuple[int, int]]] | None = None,
    unplaced: Iterable[str] = (),
    wishes_unmet: int = 0,
) -> dict[str, object]:
    """The plan's ``kwaliteit``: placed, sibling rounds back to back (and by name those that
    are not), family waiting and splits, wishes not met, teacher-days, conversation days and
    teachers' idle time beyond the pause, unplaced per reason code.

    ``long_break``: (talks in a row, minutes) of the compulsory long break, not counted as idle.

    ``teacher_days``: each teacher's (start, end) per day, sorted, when the caller keeps them
    anyway (the scheduler's books); gathered from ``slots`` when None. ``unplaced``: the
    reason code of each unplaced conversation.
    """
    placed = [slot for slot in slots if slot is not None]
    together = waiting = longest = splits = 0
    apart: list[str] = []
    for family in families:
        state = family.state
        together += state.back_to_back
        waiting += state.waiting
        longest = max(longest, state.longest)
        splits += state.splits
        if not state.back_to_back:
            apart.append(family.name)
    if teacher_days is None:
        teacher_days = _teacher_days(placed)
    idle = days_held = 0
    for day in teacher_days:
        if day:
            days_held += 1
            idle += idle_beyond_pause(day, pause, *long_break)
    reasons: dict[str, int] = {}
    for code in sorted(unplaced):
        reasons[code] = reasons.get(code, 0) + 1
    return {
        "ingepland": len(placed),
        "te_plannen": len(slots),
        "niet_ingepland_per_reden": reasons,
        "gezinsrondes": len(families),
        "gezinsrondes_aansluitend": together,
        "gezinsrondes_niet_aansluitend": apart,
        "gezinsrondes_extra_dagen": splits,
        "wachttijd_gezinnen_min": waiting,
        "langste_wachttijd_gezin_min": longest,
        "wensen_niet_gelukt": wishes_unmet,
        "leerkrachtdagen": days_held,
        "gespreksdagen": len({slot.day for slot in placed}),
        "leegloop_boven_pauze_min": idle,
    }


def _teacher_days(placed: Iterable[Slot]) -> list[list[tuple[int, int]]]:
    per_teacher_day: dict[tuple[str, date], list[tuple[int, int]]] = {}
    for day, start, end, teachers in placed:
        for teacher in teachers:
            per_teacher_day.setdefault((teacher, day), []).append((start, end))
    for intervals in per_teacher_day.values():
        intervals.sort()
    return list(per_teacher_day.values())


def unmet_wishes(conversations: Iterable[Conversation], wishes: Wishes) -> list[Problem]:
    """Soft wishes the schedule could not honour, one warning each at the wish's line."""
    out: list[Problem] = []
    for c in conversations:
        if c.start is None or c.end is None or not c.is_individual:
            continue
        own = wishes.about("leerling", c.pupil_id) + wishes.about("gezin", c.family_id)
        s = c.start.hour * 60 + c.start.minute
        e = c.end.hour * 60 + c.end.minute
        for wish in own:
            if not wish.applies(c.type_id, c.round):
                continue
            for cond in wish.avoid:
                if cond.hits(c.start.date(), s, e, c.day_part):
                    out.append(
                        Problem(
                            wishes.source,
                            f"{c.name} ({c.type_name}): wens '{cond.text}' niet gelukt",
                            wish.line,
                            code="wens-niet-gelukt",
                            severity="warning",
                            subject=(c.pupil_id,) if c.pupil_id else (),
                        )
                    )
    return out

"""Figures that say how good a schedule is, with Dutch keys for the plan summary.

Kept apart from the search so benchmarks and tests can score any schedule the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import pairwise
from operator import itemgetter
from typing import TYPE_CHECKING

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


def quality(
    slots: Sequence[Slot | None],
    families: Iterable[Sequence[Slot | None]],
    *,
    wait: int,
    teacher_days: Iterable[Sequence[tuple[int, int]]] | None = None,
) -> dict[str, object]:
    """Placed/total, sibling adjacency, family waiting, teacher idle time and days used.

    ``families``: the slots of each group of two or more siblings of one round (family,
    household, type, round), what the adjacency figure is about. ``teacher_days``: each
    teacher's (start, end) per day, sorted, when the caller keeps them anyway (the
    scheduler's books); gathered from ``slots`` when None.
    """
    total = len(slots)
    placed = [slot for slot in slots if slot is not None]
    groups = list(families)
    adjacent = waiting_total = waiting_worst = 0
    for members in groups:
        if None in members:
            continue
        gaps = family_gaps([slot for slot in members if slot is not None])
        if gaps is None:
            continue
        worst = max(gaps, default=0)
        waiting_total += sum(gaps)
        waiting_worst = max(waiting_worst, worst)
        if not gaps or worst <= wait:
            adjacent += 1
    if teacher_days is None:
        teacher_days = _teacher_days(placed)
    idle = days_held = 0
    for day in teacher_days:
        if day:
            days_held += 1
            for (_, end), (start, _) in pairwise(day):
                if start > end:
                    idle += start - end
    share = f"{100 * adjacent / len(groups):.0f}%" if groups else "n.v.t."
    return {
        "ingepland": f"{len(placed)}/{total}",
        "gezinnen met broers/zussen aansluitend": f"{adjacent}/{len(groups)} ({share})",
        "wachttijd gezinnen totaal (min)": waiting_total,
        "langste wachttijd gezin (min)": waiting_worst,
        "leerkrachten: tijd tussen gesprekken (min)": idle,
        "gespreksdagen": len({slot[0] for slot in placed}),
        "leerkrachtdagen": days_held,
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
                        )
                    )
    return out

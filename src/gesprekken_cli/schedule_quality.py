"""Figures that say how good a schedule is, with Dutch keys for the plan summary.

Kept apart from the search so benchmarks and tests can score any schedule the same way.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from datetime import date
from itertools import pairwise
from operator import itemgetter

Slot = tuple[date, int, int, tuple[str, ...]]


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
    keys: Sequence[Hashable],
    *,
    wait: int,
    teacher_days: Iterable[Sequence[tuple[int, int]]] | None = None,
) -> dict[str, object]:
    """Placed/total, sibling adjacency, family waiting, teacher idle time and days used.

    ``keys[i]`` groups ``slots[i]`` with its siblings of the same round (family, household,
    type, round); groups of two or more are the families the adjacency figure is about.
    ``teacher_days``: each teacher's (start, end) per day, sorted, when the caller keeps them
    anyway (the scheduler's books); gathered from ``slots`` when None.
    """
    if len(keys) != len(slots):
        raise ValueError(f"{len(keys)} keys for {len(slots)} slots")
    total = len(slots)
    placed = [slot for slot in slots if slot is not None]
    # only groups of two or more get a list: a board has 30,000 keys and 6,000 families
    first: dict[Hashable, int] = {}
    families_of: dict[Hashable, list[Slot | None]] = {}
    for i, key in enumerate(keys):
        j = first.setdefault(key, i)
        if j != i:
            members = families_of.get(key)
            if members is None:
                families_of[key] = [slots[j], slots[i]]
            else:
                members.append(slots[i])
    adjacent = waiting_total = waiting_worst = 0
    for members in families_of.values():
        if None in members:
            continue
        gaps = family_gaps([slot for slot in members if slot is not None])
        if gaps is None:
            continue
        waiting_total += sum(gaps)
        waiting_worst = max(waiting_worst, max(gaps, default=0))
        if all(gap <= wait for gap in gaps):
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
    families = len(families_of)
    share = f"{100 * adjacent / families:.0f}%" if families else "n.v.t."
    return {
        "ingepland": f"{len(placed)}/{total}",
        "gezinnen met broers/zussen aansluitend": f"{adjacent}/{families} ({share})",
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

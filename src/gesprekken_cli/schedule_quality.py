"""Figures that say how good a schedule is, with Dutch keys for the plan summary.

Kept apart from the search so benchmarks and tests can score any schedule the same way.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date
from itertools import pairwise

Slot = tuple[date, int, int, tuple[str, ...]]


def family_gaps(slots: Sequence[Slot]) -> list[int] | None:
    """Minutes between consecutive conversations of one family bundle, or None when the
    bundle is not on one day or overlaps."""
    if len({slot[0] for slot in slots}) != 1:
        return None
    ordered = sorted(slots, key=lambda slot: slot[1])
    gaps = [b[1] - a[2] for a, b in pairwise(ordered)]
    return None if any(gap < 0 for gap in gaps) else gaps


def quality(
    slots: Sequence[Slot | None], keys: Sequence[Hashable], *, wait: int
) -> dict[str, object]:
    """Placed/total, sibling adjacency, family waiting, teacher idle time and days used.

    ``keys[i]`` groups ``slots[i]`` with its siblings of the same round (family, household,
    type, round); groups of two or more are the families the adjacency figure is about.
    """
    total = len(slots)
    placed = [slot for slot in slots if slot is not None]
    groups: dict[Hashable, list[Slot | None]] = {}
    for key, slot in zip(keys, slots, strict=True):
        groups.setdefault(key, []).append(slot)
    families = adjacent = 0
    waiting_total = waiting_worst = 0
    for members in groups.values():
        if len(members) < 2:
            continue
        families += 1
        if any(slot is None for slot in members):
            continue
        gaps = family_gaps([slot for slot in members if slot is not None])
        if gaps is None:
            continue
        waiting_total += sum(gaps)
        waiting_worst = max(waiting_worst, max(gaps, default=0))
        if all(gap <= wait for gap in gaps):
            adjacent += 1
    per_teacher_day: dict[tuple[str, date], list[tuple[int, int]]] = {}
    for day, start, end, teachers in placed:
        for teacher in teachers:
            per_teacher_day.setdefault((teacher, day), []).append((start, end))
    idle = 0
    for intervals in per_teacher_day.values():
        intervals.sort()
        idle += sum(max(0, b[0] - a[1]) for a, b in pairwise(intervals))
    share = f"{100 * adjacent / families:.0f}%" if families else "n.v.t."
    return {
        "ingepland": f"{len(placed)}/{total}",
        "gezinnen met broers/zussen aansluitend": f"{adjacent}/{families} ({share})",
        "wachttijd gezinnen totaal (min)": waiting_total,
        "langste wachttijd gezin (min)": waiting_worst,
        "leerkrachten: tijd tussen gesprekken (min)": idle,
        "gespreksdagen": len({slot[0] for slot in placed}),
        "leerkrachtdagen": len(per_teacher_day),
    }

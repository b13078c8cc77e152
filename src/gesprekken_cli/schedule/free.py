"""Where a conversation fits in the books: the earliest free start, all free starts as a
bit set, and the wishes that rule a time out."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from gesprekken_cli.schedule.records import GRID, Bookings, Rules

if TYPE_CHECKING:
    from gesprekken_cli.roster.wishes import Condition


def earliest(
    books: tuple[Bookings, ...],
    pause: int,
    family: Bookings,
    start: int,
    hi: int,
    duration: int,
    rules: Rules,
    day: date,
    day_part: str,
) -> int | None:
    """The earliest start ≥ ``start`` on the grid where the holders (with ``pause`` around
    their bookings) and the family are free, the conversation ends by ``hi`` and no rule
    hits; None when there is none.

    A scan over bookings sorted by start stops at the first that begins after the slot would
    end; a conflict moves the start past it, and the scans repeat until nothing moves. One
    list alone needs one scan: each booking it passes ends (with the pause) before the start.
    """
    s = -(-start // GRID) * GRID
    reach = duration + pause
    once = len(books) == 1 and not family  # one sorted scan leaves s past all it passed
    while s + duration <= hi:
        moved = s
        for bookings in books:
            for a, b in bookings:
                if a >= moved + reach:
                    break
                if moved < b + pause:
                    moved = -(-(b + pause) // GRID) * GRID
        for a, b in family:
            if a >= moved + duration:
                break
            if moved < b:
                moved = -(-b // GRID) * GRID
        if moved == s or once:
            s = moved
            if s + duration > hi:
                return None
            if not rules or not hits(rules, day, s, s + duration, day_part):
                return s
            moved = s + GRID
        s = moved
    return None


def free_starts(
    books: tuple[Bookings, ...],
    pause: int,
    family: Bookings,
    lo: int,
    hi: int,
    duration: int,
    rules: Rules,
    day: date,
    day_part: str,
) -> int:
    """Every start :func:`earliest` could return from ``lo``, as a bit set: bit ``i`` for
    a start at ``i * GRID`` minutes."""
    first, last = -(-lo // GRID), (hi - duration) // GRID
    if last < first:
        return 0
    free = ((2 << (last - first)) - 1) << first
    for bookings in books:
        for a, b in bookings:  # a holder is busy from a - pause to b + pause
            i, j = -(-(a - duration - pause + 1) // GRID), (b + pause - 1) // GRID
            i, j = max(i, first), min(j, last)
            if i <= j:
                free &= ~(((2 << (j - i)) - 1) << i)
    for a, b in family:
        i, j = max(-(-(a - duration + 1) // GRID), first), min((b - 1) // GRID, last)
        if i <= j:
            free &= ~(((2 << (j - i)) - 1) << i)
    if rules:
        for i in range(first, last + 1):
            s = i * GRID
            if free >> i & 1 and hits(rules, day, s, s + duration, day_part):
                free &= ~(1 << i)
    return free


def hits(rules: Rules, day: date, s: int, e: int, day_part: str) -> bool:
    """One of the wishes rules the time ``s``–``e`` on ``day`` out."""
    for conditions in rules:
        for cond in conditions:
            if cond.hits(day, s, e, day_part):
                return True
    return False


def closed(hard: Rules, day: date, day_part: str) -> bool:
    """The wishes rule out the whole day."""
    return any(cond.daily and cond.hits(day, 0, 0, day_part) for r in hard for cond in r)


def penalty(soft: tuple[Condition, ...], day: date, s: int, e: int, day_part: str) -> int:
    """How many soft wishes the time ``s``–``e`` on ``day`` goes against."""
    if not soft:
        return 0
    return sum(1 for cond in soft if cond.hits(day, s, e, day_part))

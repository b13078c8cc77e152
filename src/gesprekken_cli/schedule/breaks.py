"""The breaks in a teacher's day, said in the plan: the first talk after a break notes it.

The books keep a break after every ``max_zonder_pauze`` talks of a teacher's day (see
:class:`~gesprekken_cli.schedule.bookings.Books`); this finds them in the placed talks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from itertools import pairwise

from gesprekken_cli.expand import Conversation


def note_breaks(
    conversations: Sequence[Conversation], limit: int, rest: int
) -> tuple[Conversation, ...]:
    """``conversations`` with a note on each talk that follows a break of ``rest`` minutes
    or more after at least ``limit`` talks in a row of the same teacher that day."""
    days: dict[tuple[str, date], list[tuple[datetime, datetime, int]]] = {}
    for index, c in enumerate(conversations):
        if c.start is not None and c.end is not None and c.is_individual:
            for teacher in c.teachers:
                days.setdefault((teacher, c.start.date()), []).append((c.start, c.end, index))
    if not any(len(talks) > limit for talks in days.values()):
        return tuple(conversations)
    out = list(conversations)
    note = f"na een pauze van de leerkracht (meer dan {limit} gesprekken op een dag)"
    for talks in days.values():
        if len(talks) <= limit:
            continue
        talks.sort()
        in_a_row = 1
        for (_, end, _), (start, _, index) in pairwise(talks):
            if in_a_row >= limit and (start - end).total_seconds() >= rest * 60:
                c = out[index]
                if note not in c.note:
                    out[index] = c._replace(note=f"{c.note}; {note}" if c.note else note)
                in_a_row = 1
            else:
                in_a_row += 1
    return tuple(out)

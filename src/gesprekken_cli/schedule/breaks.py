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
    # First only the positions per teacher-day: most days hold no more than ``limit`` talks
    # and need neither times nor a sort.
    days: dict[tuple[str, date], list[int]] = {}
    for index, c in enumerate(conversations):
        begins = c.start
        if begins is not None and c.end is not None and c.is_individual:
            day = begins.date()
            for teacher in c.teachers:
                found = days.get((teacher, day))
                if found is None:
                    days[(teacher, day)] = [index]
                else:
                    found.append(index)
    busy = [positions for positions in days.values() if len(positions) > limit]
    if not busy:
        return tuple(conversations)
    out = list(conversations)
    note = f"na een pauze van de leerkracht (meer dan {limit} gesprekken op een dag)"
    for positions in busy:
        talks: list[tuple[datetime, datetime, int]] = []
        for index in positions:
            c = conversations[index]
            assert c.start is not None and c.end is not None
            talks.append((c.start, c.end, index))
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

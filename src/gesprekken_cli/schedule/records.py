"""The scheduler's named records: what is placed, on which day, by whom, and the result.

Plain NamedTuples of numbers and strings: a board makes tens of thousands of them, and
they read by name where the code cares (``item.family``) and unpack where it loops.
"""

# No `from __future__ import annotations`: NamedTuple would compile each string annotation.
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, NamedTuple

from gesprekken_cli.errors import Problem
from gesprekken_cli.expand import Conversation

if TYPE_CHECKING:  # the wishes reader is imported only when a wishes file is given
    from gesprekken_cli.roster.wishes import Condition

GRID = 5  # minutes: every start and end lies on this grid

Bookings = tuple[tuple[int, int], ...]  # one teacher's or family's day, sorted by start
Rules = tuple[tuple["Condition", ...], ...]


class Slot(NamedTuple):
    """Where a conversation went: day, start and end in minutes since midnight, holders."""

    day: date
    start: int
    end: int
    holders: tuple[str, ...]


class Item(NamedTuple):
    """A conversation to place: its index in the input, its family's book number (see
    :mod:`bookings`), duration and the family's hard and soft wishes."""

    position: int
    family: int
    duration: int
    hard: Rules
    soft: tuple["Condition", ...]


class Choice(NamedTuple):
    """One way to staff a conversation on a day: holders, their keys in the books, their
    own wishes, and the number of (holders, day part) under which a day is known full."""

    holders: tuple[str, ...]
    keys: tuple[tuple[int, int], ...]  # (book number, date ordinal) per holder
    rules: Rules
    full_key: int


class Day(NamedTuple):
    """One day of a window: the date, its ordinal (for book keys), the day part's bounds in
    minutes (None: the day has none) and the ways to staff the conversation then."""

    day: date
    ordinal: int
    bounds: tuple[int, int] | None
    choices: tuple[Choice, ...]


class Booked(NamedTuple):
    """A conversation given a day, a start and an end and its holders (one chain link or a
    single placement)."""

    entry: Day
    start: int
    end: int
    choice: Choice


# NamedTuple, not a frozen dataclass: a fifth of the cost to create on every run (issue 17)
class Published(NamedTuple):
    """A slot from a previous plan (``--vorig``): what families may already have seen."""

    start: datetime
    end: datetime
    teachers: tuple[str, ...]
    sequence: int = 0


class Unplaced(NamedTuple):
    """A conversation that got no slot: its uid, the reason's code and the Dutch text."""

    uid: str
    code: str
    reason: str


class Schedule(NamedTuple):
    """The conversations with slots, what could not be placed, figures, and the warnings
    (each a :class:`Problem` with a code)."""

    conversations: tuple[Conversation, ...]
    unplaced: tuple[Unplaced, ...]
    quality: Mapping[str, object]
    notes: tuple[Problem, ...]


def clock(value: time) -> int:
    """Minutes since midnight."""
    return value.hour * 60 + value.minute

"""The books: every teacher's and family's bookings per day, and what is known full.

A book is keyed by (the teacher's or family's number, the day's ordinal). One integer
(number times a constant plus the ordinal) measured no faster on a board: 6.49 against 6.48
billion instructions.
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Iterable

from gesprekken_cli.schedule.records import Bookings

Key = tuple[int, int]  # (book number, date ordinal)


class Books:
    """Bookings per (teacher or family, day), as tuples sorted by start; replaced on every
    change, never changed in place, so ``is`` tells a cached view still holds and a move of
    the improvement step is undone by putting the old tuples back. (Lists changed in place
    measured 3% fewer instructions on a board's greedy plan; the undo would need copies.)"""

    __slots__ = (
        "breaks",
        "busy",
        "family_busy",
        "forgotten",
        "frees",
        "full",
        "gap",
        "journal",
        "limit",
        "numbers",
        "rest",
    )

    def __init__(self, limit: int = 0, rest: int = 0, gap: int = 0) -> None:
        # After every ``limit`` bookings of a teacher's day a break ``rest`` minutes long
        # (``gap`` after the last one): no one holds more than ``limit`` talks in a row.
        self.limit, self.rest, self.gap = limit, rest, gap
        self.breaks: dict[Key, Bookings] = {}
        # A teacher's and a family's bookings per day; a teacher's count per day is the length.
        self.busy: dict[Key, Bookings] = {}
        self.family_busy: dict[Key, Bookings] = {}
        self.numbers: dict[str, int] = {}
        # Days known to have no room of a given length left (per holders and day part); only
        # ever grows fuller while booking, so it is dropped for a day when something is unbooked.
        self.full: dict[int, dict[int, int]] = {}
        self.forgotten = 0  # how often a day's known-full marks were dropped
        # A teacher's free starts that day for a day part and length, with the bookings they
        # were found from.
        self.frees: dict[tuple[Key, int, int, int], tuple[Bookings, int]] = {}
        # While a move of the improvement step is tried: each book's value before it changed,
        # to take the move back (see :meth:`undo`).
        self.journal: list[tuple[bool, Key, Bookings]] | None = None

    def book_of(self, name: str) -> int:
        """The number of a teacher's (``t:name``) or family's (``g:``/``l:``) books: with a
        day's ordinal, the key of that day's bookings."""
        number = self.numbers.get(name)
        if number is None:
            number = self.numbers[name] = len(self.numbers)
        return number

    def book(self, keys: Iterable[Key], family: Key | None, s: int, e: int) -> None:
        """Book the holders (by key) and the family; ``family`` None to book the holders only."""
        busy, slot = self.busy, (s, e)
        if self.journal is not None:
            self._log(keys, family)
        for key in keys:
            bookings = busy.get(key, ())
            if bookings and slot < bookings[-1]:
                busy[key] = insert(bookings, slot)
                if self.limit and len(bookings) + 1 >= self.limit:
                    self.rest_after(key)  # an earlier talk moves the breaks
            else:  # the usual case: the day fills from its start
                busy[key] = (*bookings, slot)
                if self.limit and (len(bookings) + 1) % self.limit == 0:
                    self.rest_after(key)
        if family is not None:
            bookings = self.family_busy.get(family, ())
            if bookings and slot < bookings[-1]:
                self.family_busy[family] = insert(bookings, slot)
            else:
                self.family_busy[family] = (*bookings, slot)

    def unbook(self, keys: Iterable[Key], family: Key | None, ordinal: int, s: int, e: int) -> None:
        """Take back a booking; ``family`` None when only the teachers' books held it."""
        self.forget(ordinal)
        busy, slot = self.busy, (s, e)
        if self.journal is not None:
            self._log(keys, family)
        for key in keys:
            busy[key] = remove(busy[key], slot)
            if key in self.breaks:
                self.rest_after(key)
        if family is not None:
            self.family_busy[family] = remove(self.family_busy[family], slot)

    def _log(self, keys: Iterable[Key], family: Key | None) -> None:
        journal = self.journal
        assert journal is not None
        for key in keys:
            journal.append((True, key, self.busy.get(key, ())))
        if family is not None:
            journal.append((False, family, self.family_busy.get(family, ())))

    def undo(self, journal: list[tuple[bool, Key, Bookings]]) -> None:
        """Put every book in ``journal`` back as it was before the first change logged, and
        drop what was learnt full on those days meanwhile."""
        for teacher, key, bookings in reversed(journal):
            (self.busy if teacher else self.family_busy)[key] = bookings
            self.forget(key[1])
            if teacher and self.limit and (key in self.breaks or len(bookings) >= self.limit):
                self.rest_after(key)

    def rest_after(self, key: Key) -> None:
        """The breaks of one teacher day, one after every ``limit`` bookings in time order,
        and the guards that keep a talk put in between from moving a break onto a talk.

        A break starts ``gap`` (the pause) after the last talk before it, and the pause
        around it applies too: from the end of talk ``m`` to the start of talk ``m + 1`` at
        least ``rest`` plus twice the pause."""
        bookings, limit = self.busy.get(key, ()), self.limit
        n = len(bookings)
        if n < limit:
            self.breaks.pop(key, None)
            return
        gap, rest = self.gap, self.rest
        blocks = []
        guard = 0  # no talk may go in before the talk at this index (1-based)
        for m in range(limit, n + 1, limit):  # talk m is followed by a break
            end = bookings[m - 1][1]
            blocks.append((end + gap, end + gap + rest))
            # A talk put in just before talk m becomes the one the break follows: it must
            # end the break and both pauses before talk m starts (with ``limit`` 1 also
            # before the first talk) ...
            start = bookings[m - 1][0]
            before = bookings[m - 2][1] if m > 1 else 0
            blocks.append((max(start - gap - rest, before), start))
            # ... and one put in earlier still moves this break to between talks m - 1 and
            # m, which needs that much room there.
            if m > 1 and start - before < 2 * gap + rest:
                guard = m - 1
        if guard:
            blocks.append((0, bookings[guard - 1][0]))
        blocks.sort()
        self.breaks[key] = tuple(blocks)

    def forget(self, ordinal: int) -> None:
        """Drop what is known to be full on a day: something there was taken back."""
        if self.full.pop(ordinal, None) is not None:
            self.forgotten += 1

    def mark_full(self, ordinal: int, key: int, duration: int) -> None:
        """A search from the start of the day part found no room ``duration`` long."""
        day = self.full.setdefault(ordinal, {})
        day[key] = min(duration, day.get(key, duration))

    def open_books(self, keys: tuple[Key, ...], cap: int) -> tuple[Bookings, ...] | None:
        """The holders' bookings that day; None when one of them has ``cap`` already."""
        busy = self.busy
        if len(keys) == 1:
            bookings = busy.get(keys[0], ())
            if len(bookings) >= cap:
                return None
            rest = self.breaks.get(keys[0]) if self.breaks else None
            return (bookings, rest) if rest else (bookings,)
        return self.books(keys) if self.room(keys, cap) else None

    def books(self, keys: tuple[Key, ...]) -> tuple[Bookings, ...]:
        """The holders' bookings that day, with their breaks."""
        busy, breaks = self.busy, self.breaks
        if len(keys) == 1 and not (breaks and keys[0] in breaks):
            return (busy.get(keys[0], ()),)
        found = [busy.get(key, ()) for key in keys]
        return tuple(found + [breaks[key] for key in keys if key in breaks])

    def room(self, keys: tuple[Key, ...], cap: int) -> bool:
        """Each holder has fewer than ``cap`` bookings that day."""
        busy = self.busy
        for key in keys:  # noqa: SIM110 - a loop: this runs 100,000 times on a board
            if len(busy.get(key, ())) >= cap:
                return False
        return True


def insert(bookings: Bookings, slot: tuple[int, int]) -> Bookings:
    """``bookings`` with ``slot`` in its place by start."""
    i = bisect(bookings, slot)
    return (*bookings[:i], slot, *bookings[i:])


def remove(bookings: Bookings, slot: tuple[int, int]) -> Bookings:
    """``bookings`` without (one) ``slot``."""
    i = bookings.index(slot)
    return bookings[:i] + bookings[i + 1 :]

"""The scheduler: a concrete start and end for every individual conversation that needs one.

Pure and deterministic: the same cycle, calendar, roster, conversations, wishes and previous
slots always give the same schedule. Greedy with a careful order: slots published before
(``--vorig``) are kept first when still valid, then families with siblings (one chain per
family and round, same day, back to back in a stable youngest-first order), then the rest,
narrowest window first; each takes the earliest day and time that honours every hard rule
and as many soft wishes as possible. Times run on a 5-minute grid.

The search state is plain tuples of numbers and strings (items, days, bookings): Python's
garbage collector stops tracking those, where 36,000 small objects on a board cost it several
full collections of the whole heap (~0.1 s each).
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING

from gesprekken_cli.calendar import SchoolCalendar
from gesprekken_cli.expand import AMSTERDAM, Conversation
from gesprekken_cli.model import Roster, Teacher
from gesprekken_cli.rules.model import Cycle, TimeRange
from gesprekken_cli.schedule_quality import quality

if TYPE_CHECKING:  # the wishes reader is imported only when a wishes file is given
    from gesprekken_cli.roster.wishes import Condition, Wishes

    Slot = tuple[date, int, int, tuple[str, ...]]
    Bookings = tuple[tuple[int, int], ...]  # one teacher's or family's day, sorted by start
    Rules = tuple[tuple[Condition, ...], ...]
    # A conversation to place: index in the input, its family's book number (see _DAYS),
    # duration, hard and soft wishes.
    Item = tuple[int, int, int, Rules, tuple[Condition, ...]]
    # One way to staff it on a day: holders, their keys in the books, their own wishes, and
    # the number of (holders, day part) under which a day is remembered as full for them.
    Choice = tuple[tuple[str, ...], tuple[int, ...], Rules, int]
    Day = tuple[date, int, tuple[int, int] | None, tuple[Choice, ...]]

GRID = 5
# Books are keyed by one number: a teacher's or family's number times _DAYS, plus the day's
# ordinal (every date's ordinal is below it).
_DAYS = 4_000_000
_first, _uid = itemgetter(0), attrgetter("uid")


@dataclass(frozen=True, slots=True)
class Published:
    """A slot from a previous plan (``--vorig``): what families may already have seen."""

    start: datetime
    end: datetime
    teachers: tuple[str, ...]
    sequence: int = 0


@dataclass(frozen=True)
class Schedule:
    """The conversations with slots, what could not be placed (uid, Dutch reason), figures."""

    conversations: tuple[Conversation, ...]
    unplaced: tuple[tuple[str, str], ...]
    quality: Mapping[str, object]
    notes: tuple[str, ...]


def needs_slot(c: Conversation) -> bool:
    """Only individual conversations that will happen get a slot (not open windows)."""
    if not c.is_individual or c.start is not None:
        return False
    return c.status == "verplicht" or (c.status == "op_verzoek" and c.requested)


def _clock(value: time) -> int:
    return value.hour * 60 + value.minute


class _Window:
    """The school days of one kind of conversation (class, type, groep, dates), each with its
    day part and who can hold it; built a day at a time as the search gets there and shared
    by the pupils of the class."""

    __slots__ = ("_index", "cap", "conv", "day_part", "days", "dead", "entries")

    def __init__(self, conv: Conversation, days: tuple[date, ...], cap: int) -> None:
        self.conv, self.days, self.cap, self.day_part = conv, days, cap, conv.day_part
        self.entries: list[Day] = []
        self._index: dict[date, int] | None = None
        # (length, forgotten, index, ...): the days before index are full for that length
        # while nothing is forgotten (see _Placer.single)
        self.dead: tuple[int, int, int, bool, bool] | None = None

    def position(self, day: date) -> int:
        if self._index is None:
            self._index = {d: i for i, d in enumerate(self.days)}
        return self._index[day]


class _Scheduler:
    def __init__(
        self, cycle: Cycle, cal: SchoolCalendar, roster: Roster, wishes: Wishes | None
    ) -> None:
        school = cycle.school
        self.cycle, self.cal = cycle, cal
        self.pause = school.pauze_minuten
        self.cap = school.max_gesprekken_per_dag or 10_000
        self.caps = {t.id: t.max_per_dag for t in cycle.gesprekken if t.max_per_dag}
        self.on_study_day = {t.id for t in cycle.gesprekken if any(w.studiedag for w in t.wanneer)}
        self.wait = school.max_wachttijd_gezin_minuten
        self.types = {t.id: t for t in cycle.gesprekken}
        self.classes: dict[str, tuple[Teacher, ...]] = {k.name: k.teachers for k in roster.classes}
        # A teacher's and a family's bookings per day (keys: see _DAYS); a teacher's count per
        # day is the length.
        self.busy: dict[int, Bookings] = {}
        self.family_busy: dict[int, Bookings] = {}
        self.numbers: dict[str, int] = {}
        # Days known to have no room of a given length left (per holders and day part); only
        # ever grows fuller while booking, so it is dropped for a day when something is unbooked.
        self.full: dict[int, dict[int, int]] = {}
        self.forgotten = 0  # how often a day's known-full marks were dropped
        self._full_keys: dict[tuple[tuple[str, ...], tuple[int, int] | None, str], int] = {}
        # A teacher's free starts that day for a day part and length, with the bookings they
        # were found from (books are replaced, never changed, so ``is`` tells they still hold).
        self.frees: dict[tuple[int, int, int, int], tuple[Bookings, int]] = {}
        self._days: dict[tuple[date, date], tuple[date, ...]] = {}
        self._bounds: dict[tuple[str, int, bool], tuple[int, int] | None] = {}
        self._holders: dict[tuple[str, str, date], tuple[tuple[str, ...], ...]] = {}
        self._windows: dict[tuple[object, ...], _Window] = {}
        # Teacher names are matched without regard to case: "anna de boer" is Anna de Boer.
        self._teacher_rules: dict[str, tuple[Condition, ...]] = {}
        for (who, ident), items in wishes.by_subject.items() if wishes else ():
            if who == "leerkracht":
                key = ident.casefold()
                rules = tuple(c for w in items for c in w.forbidden)
                self._teacher_rules[key] = self._teacher_rules.get(key, ()) + rules

    # --- what a conversation allows ---

    def days(self, c: Conversation) -> tuple[date, ...]:
        key = (c.first_day, c.last_day)
        days = self._days.get(key)
        if days is None:
            days = self._days[key] = tuple(self.cal.school_days(c.first_day, c.last_day))
        return days

    def bounds(self, c: Conversation, day: date) -> tuple[int, int] | None:
        """The part of ``day`` the type allows, in minutes since midnight.

        A round held on a studiedag uses its own times only on a day without lessons for the
        pupil's groep; on an ordinary school day (the days of ``uitloop_dagen``, or a month
        when the studiedag has no date yet) it falls back to after school, never lesson time.
        """
        kind = self.types.get(c.type_id)
        overflow = c.type_id in self.on_study_day and self.cal.is_lesson_day(day, c.grade)
        key = (c.type_id, day.weekday(), overflow)
        if key in self._bounds:
            return self._bounds[key]
        school = self.cycle.school
        hours = school.schooltijden.get(day.weekday())
        times = school.gesprekstijden
        part = kind.tijd if kind is not None else c.day_part
        if overflow:
            part = "na_schooltijd"
        result: tuple[int, int] | None = None
        if isinstance(part, TimeRange) or part in ("na_schooltijd", "vast"):
            given = part if isinstance(part, TimeRange) else times.na_schooltijd
            begin = given.begin or (hours.eind if hours else None)
            end = given.eind or times.na_schooltijd.eind or time(17, 0)
            if begin is not None:
                result = (_clock(begin), _clock(end))
        elif part == "schooltijd":
            opens = times.schooltijd.begin or (hours.begin if hours else None)
            closes = times.schooltijd.eind or (hours.eind if hours else None)
            if opens is not None and closes is not None:
                result = (_clock(opens), _clock(closes))
        else:
            given = times.avond if part == "avond" else times.ochtend
            if given.begin is not None and given.eind is not None:
                result = (_clock(given.begin), _clock(given.eind))
        self._bounds[key] = result
        return result

    def holders(self, c: Conversation, day: date) -> tuple[tuple[str, ...], ...]:
        """Who can hold ``c`` on ``day``: one option per working teacher, or all of them."""
        class_name = c.class_name or ""
        kind = self.types.get(c.type_id)
        mode = kind.leerkrachten if kind is not None else "wie_werkt"
        key = (class_name, mode, day)
        found = self._holders.get(key)
        if found is not None:
            return found
        teachers = self.classes.get(class_name, ())
        if not teachers:
            names = c.teachers or (f"klas {class_name}",)
            found = (tuple(names),)
        else:
            working = [t.name for t in teachers if t.works_on(day) and self._free_day(t.name, day)]
            if mode == "beide":
                found = (tuple(working),) if len(working) == len(teachers) else ()
            else:
                found = tuple((name,) for name in working)
        self._holders[key] = found
        return found

    def _free_day(self, teacher: str, day: date) -> bool:
        if not self._teacher_rules:
            return True
        return not any(
            cond.daily and cond.hits(day, 0, 0, "")
            for cond in self._teacher_rules.get(teacher.casefold(), ())
        )

    def window(self, c: Conversation) -> _Window:
        """The days ``c`` may take, shared by everything with the fields that decide them."""
        key = (c.class_name, c.type_id, c.grade, c.day_part, c.first_day, c.last_day, c.teachers)
        found = self._windows.get(key)
        if found is None:
            found = self._windows[key] = _Window(c, self.days(c), self.cap_of(c.type_id))
        return found

    def entry(self, window: _Window, i: int) -> Day:
        """Day ``i`` of ``window``: its bounds and who can hold the conversation then."""
        entries, full_keys = window.entries, self._full_keys
        while len(entries) <= i:
            day = window.days[len(entries)]
            ordinal = day.toordinal()
            bounds = self.bounds(window.conv, day)
            choices: list[Choice] = []
            for holders in self.holders(window.conv, day):
                # A teacher's wishes can close one day part and not another: "full" is per part.
                key = (holders, bounds, window.day_part)
                full_key = full_keys.get(key)
                if full_key is None:
                    full_key = full_keys[key] = len(full_keys)
                keys = tuple([self.book_of(f"t:{t}") + ordinal for t in holders])
                choices.append((holders, keys, self.holder_rules(holders), full_key))
            entries.append((day, ordinal, bounds, tuple(choices)))
        return entries[i]

    # --- the books ---

    def holder_rules(self, holders: tuple[str, ...]) -> Rules:
        """A teacher's own wishes bind only the conversations that teacher holds: in a duo,
        the other teacher can take them."""
        rules = self._teacher_rules
        if not rules:
            return ()
        return tuple(rules[t.casefold()] for t in holders if t.casefold() in rules)

    def book_of(self, name: str) -> int:
        """The number of a teacher's (``t:name``) or family's (``g:``/``l:``) books: plus a
        day's ordinal, the key of that day's bookings."""
        number = self.numbers.get(name)
        if number is None:
            number = self.numbers[name] = len(self.numbers) * _DAYS
        return number

    def book(self, keys: Iterable[int], family: int | None, s: int, e: int) -> None:
        """Book the holders (by key) and the family; ``family`` None to book the holders only."""
        busy, slot = self.busy, (s, e)
        for key in keys:
            bookings = busy.get(key, ())
            if bookings and slot < bookings[-1]:
                busy[key] = _insert(bookings, slot)
            else:  # the usual case: the day fills from its start
                busy[key] = (*bookings, slot)
        if family is not None:
            bookings = self.family_busy.get(family, ())
            if bookings and slot < bookings[-1]:
                self.family_busy[family] = _insert(bookings, slot)
            else:
                self.family_busy[family] = (*bookings, slot)

    def unbook(
        self,
        keys: Iterable[int],
        family: int | None,
        ordinal: int,
        s: int,
        e: int,
    ) -> None:
        """Take back a booking; ``family`` None when only the teachers' books held it."""
        self.forget(ordinal)
        busy, slot = self.busy, (s, e)
        for key in keys:
            busy[key] = _remove(busy[key], slot)
        if family is not None:
            self.family_busy[family] = _remove(self.family_busy[family], slot)

    def forget(self, ordinal: int) -> None:
        """Drop what is known to be full on a day: something there was taken back."""
        if self.full.pop(ordinal, None) is not None:
            self.forgotten += 1

    def mark_full(self, ordinal: int, key: int, duration: int) -> None:
        """A search from the start of the day part found no room ``duration`` long."""
        day = self.full.setdefault(ordinal, {})
        day[key] = min(duration, day.get(key, duration))

    def cap_of(self, type_id: str) -> int:
        """Conversations per teacher per day: the type's own maximum, else the school's."""
        return self.caps.get(type_id, self.cap)


def _insert(bookings: Bookings, slot: tuple[int, int]) -> Bookings:
    i = bisect(bookings, slot)
    return (*bookings[:i], slot, *bookings[i:])


def _remove(bookings: Bookings, slot: tuple[int, int]) -> Bookings:
    i = bookings.index(slot)
    return bookings[:i] + bookings[i + 1 :]


def _room(busy: dict[int, Bookings], keys: tuple[int, ...], cap: int) -> bool:
    """Each holder has fewer than ``cap`` bookings that day."""
    for key in keys:  # noqa: SIM110 - a loop: this runs 100,000 times on a board
        if len(busy.get(key, ())) >= cap:
            return False
    return True


def _open_books(
    busy: dict[int, Bookings], keys: tuple[int, ...], cap: int
) -> tuple[Bookings, ...] | None:
    """The holders' bookings that day; None when one of them has ``cap`` already."""
    if len(keys) == 1:
        bookings = busy.get(keys[0], ())
        return (bookings,) if len(bookings) < cap else None
    return _books(busy, keys) if _room(busy, keys, cap) else None


def _books(busy: dict[int, Bookings], keys: tuple[int, ...]) -> tuple[Bookings, ...]:
    """The holders' bookings that day."""
    if len(keys) == 1:
        return (busy.get(keys[0], ()),)
    return tuple([busy.get(key, ()) for key in keys])


def _earliest(
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
            if not rules or not _hits(rules, day, s, s + duration, day_part):
                return s
            moved = s + GRID
        s = moved
    return None


def _free_starts(
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
    """Every start :func:`_earliest` could return from ``lo``, as a bit set: bit ``i`` for
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
            if free >> i & 1 and _hits(rules, day, s, s + duration, day_part):
                free &= ~(1 << i)
    return free


def _apart(holders: list[str]) -> bool:
    """No teacher is among the holders of two siblings (nor twice for one)."""
    return len(set(holders)) == len(holders)


def _hits(rules: Rules, day: date, s: int, e: int, day_part: str) -> bool:
    for conditions in rules:
        for cond in conditions:
            if cond.hits(day, s, e, day_part):
                return True
    return False


def _closed(hard: Rules, day: date, day_part: str) -> bool:
    """The wishes rule out the whole day."""
    return any(cond.daily and cond.hits(day, 0, 0, day_part) for r in hard for cond in r)


def _penalty(soft: tuple[Condition, ...], day: date, s: int, e: int, day_part: str) -> int:
    if not soft:
        return 0
    return sum(1 for cond in soft if cond.hits(day, s, e, day_part))


_FIELDS = Conversation._fields
_TEACHERS, _DURATION, _START, _END, _SEQUENCE = (
    _FIELDS.index(name) for name in ("teachers", "duration", "start", "end", "sequence")
)


def _with_slot(
    c: Conversation,
    start: datetime,
    end: datetime,
    teachers: tuple[str, ...],
    duration: int,
    sequence: int,
) -> Conversation:
    """``c._replace(start=..., ...)`` without its per-call overhead (36,000 calls on a board)."""
    values = list(c)
    values[_START], values[_END], values[_TEACHERS] = start, end, teachers
    values[_DURATION], values[_SEQUENCE] = duration, sequence
    return tuple.__new__(Conversation, values)


def schedule(
    cycle: Cycle,
    cal: SchoolCalendar,
    roster: Roster,
    conversations: Sequence[Conversation],
    *,
    wishes: Wishes | None = None,
    previous: Mapping[str, Published] | None = None,
) -> Schedule:
    """Give every conversation that :func:`needs_slot` a start and end where it fits."""
    previous = previous or {}
    sched = _Scheduler(cycle, cal, roster, wishes)
    notes: list[str] = []
    kept: list[Conversation | None] = list(conversations)
    items, siblings = _items(sched, conversations, wishes, kept, notes)
    slots: list[Slot | None] = [None] * len(conversations)
    placer = _Placer(sched, conversations, slots)
    if previous:
        for item in items:
            published = previous.get(conversations[item[0]].uid)
            if published is not None:
                placer.pin(item, published)
    unplaced: list[tuple[str, str]] = []
    bundles, families = _bundles(siblings, conversations, slots, bool(previous))
    for bundle in _placing_order(bundles, conversations):
        if len(bundle) == 1:
            reason = placer.single(bundle[0])
            if reason:
                unplaced.append((conversations[bundle[0][0]].uid, reason))
            continue
        bundle = _youngest_first(bundle, conversations)
        if not placer.chain(bundle):
            for item in bundle:
                reason = placer.single(item)
                if reason:
                    unplaced.append((conversations[item[0]].uid, reason))
    unplaced.sort()
    reasons = dict(unplaced)

    times: dict[tuple[date, int, int], tuple[datetime, datetime]] = {}
    for index, _, duration, _, _ in items:
        c, slot = conversations[index], slots[index]
        published = previous.get(c.uid) if previous else None
        if slot is None:
            note = f"niet ingepland: {reasons.get(c.uid, '')}"
            kept[index] = c._replace(note=f"{c.note}; {note}" if c.note else note)
            if published is not None:
                notes.append(
                    f"{c.uid}: eerder gepubliceerde tijd vervalt (niet meer in te plannen)"
                )
            continue
        day, s, e, holders = slot
        found = times.get(slot[:3])
        if found is None:
            found = times[slot[:3]] = (
                datetime.combine(day, time(s // 60, s % 60), AMSTERDAM),
                datetime.combine(day, time(e // 60, e % 60), AMSTERDAM),
            )
        start, end = found
        sequence = c.sequence
        if published is not None:
            sequence = published.sequence
            if (published.start, published.end) != (start, end):
                sequence += 1
                notes.append(
                    f"{c.uid}: verplaatst van {published.start:%d-%m-%Y %H.%M} "
                    f"naar {start:%d-%m-%Y %H.%M}"
                )
        kept[index] = _with_slot(c, start, end, holders, duration, sequence)
    if previous:
        present = {c.uid for c in conversations}
        for uid in sorted(set(previous) - present):
            notes.append(f"{uid}: eerder gepubliceerd gesprek staat niet meer in het plan")
    result = tuple(c for c in kept if c is not None)
    figures = quality(
        [slots[item[0]] for item in items],
        [[slots[item[0]] for item in group] for group in families],
        wait=sched.wait,
        teacher_days=sched.busy.values(),
    )
    return Schedule(result, tuple(unplaced), figures, tuple(notes))


def _items(
    sched: _Scheduler,
    conversations: Sequence[Conversation],
    wishes: Wishes | None,
    kept: list[Conversation | None],
    notes: list[str],
) -> tuple[list[Item], dict[tuple[str, int, str, int], tuple[Item, ...]]]:
    """The conversations to place, with their wishes, and the same grouped as siblings of
    one round (family, household 1 or 2, type, round); a conversation the wishes skip is
    dropped from ``kept``."""
    items: list[Item] = []
    siblings: dict[tuple[str, int, str, int], tuple[Item, ...]] = {}
    any_wishes = wishes is not None and bool(wishes.items)
    numbers = sched.numbers
    for index, c in enumerate(conversations):
        if not needs_slot(c):
            continue
        family = f"g:{c.family_id}" if c.family_id else f"l:{c.pupil_id}"
        number = numbers.get(family)
        if number is None:
            number = sched.book_of(family)
        if wishes is None or not any_wishes:
            item: Item = (index, number, c.duration, (), ())
        else:
            own = wishes.about("leerling", c.pupil_id) + wishes.about("gezin", c.family_id)
            own = tuple(w for w in own if w.applies(c.type_id, c.round))
            if any(w.skip for w in own):
                kept[index] = None
                notes.append(f"{c.uid}: overgeslagen volgens wensenbestand")
                continue
            duration = next((w.duration for w in own if w.duration), c.duration)
            hard = tuple(w.forbidden for w in own if w.forbidden)
            soft = tuple(cond for w in own for cond in w.avoid)
            item = (index, number, duration, hard, soft)
        items.append(item)
        key = (family, 2 if c.household >= 2 else 1, c.type_id, c.round)
        found = siblings.get(key)
        siblings[key] = (item,) if found is None else (*found, item)
    return items, siblings


def _bundles(
    siblings: dict[tuple[str, int, str, int], tuple[Item, ...]],
    conversations: Sequence[Conversation],
    slots: list[Slot | None],
    pinned: bool,
) -> tuple[list[tuple[Item, ...]], list[tuple[Item, ...]]]:
    """What is still to place, in input order: siblings of one round together, a pupil
    without a known family alone (``pinned``: slots kept from a previous plan are left out);
    and the sibling groups of two or more, placed or not."""
    bundles: list[tuple[Item, ...]] = []
    families: list[tuple[Item, ...]] = []
    reordered = pinned
    for group in siblings.values():
        if len(group) > 1:
            families.append(group)
        if pinned:
            group = tuple(item for item in group if slots[item[0]] is None)
            if not group:
                continue
        if len(group) == 1 or conversations[group[0][0]].family_id:
            bundles.append(group)
            continue
        alone: dict[str, tuple[Item, ...]] = {}  # the same pupil twice in a round
        for item in group:
            uid = conversations[item[0]].uid
            alone[uid] = (*alone.get(uid, ()), item)
        bundles.extend(alone.values())
        reordered = True
    if reordered:
        bundles.sort(key=_first_index)
    return bundles, families


def _first_index(bundle: tuple[Item, ...]) -> int:
    return bundle[0][0]


def _youngest_first(
    bundle: tuple[Item, ...], conversations: Sequence[Conversation]
) -> tuple[Item, ...]:
    """Siblings in a stable order: groep, then pupil and conversation id."""
    keys = []
    for item in bundle:
        c = conversations[item[0]]
        keys.append((c.grade or 0, c.pupil_id or "", c.uid))
    if len(bundle) == 2:
        return bundle if keys[0] <= keys[1] else (bundle[1], bundle[0])
    return tuple(item for _, item in sorted(zip(keys, bundle, strict=True), key=_first))


def _placing_order(
    bundles: Iterable[tuple[Item, ...]], conversations: Sequence[Conversation]
) -> list[tuple[Item, ...]]:
    """Families first, then the narrowest window, the earliest first day, type, round and the
    bundle's first uid.

    Sorted per group of equal (family, span, first day, type, round) on the uid alone: a
    board has a few dozen such groups and 30,000 bundles, and strings sort fast by themselves.
    """
    groups: dict[tuple[bool, int, date, str, int], tuple[list[str], list[tuple[Item, ...]]]] = {}
    last: Conversation | None = None  # the pupil before, alone: often the same group
    uids: list[str] = []
    found: list[tuple[Item, ...]] = []
    for bundle in bundles:
        if len(bundle) == 1:
            c = conversations[bundle[0][0]]
            if (
                last is not None
                and c.first_day == last.first_day
                and c.last_day == last.last_day
                and c.type_id == last.type_id
                and c.round == last.round
            ):
                uids.append(c.uid)
                found.append(bundle)
                continue
            last, span = c, (c.last_day - c.first_day).days
        else:
            members = [conversations[item[0]] for item in bundle]
            c = min(members, key=_uid)
            span = min((m.last_day - m.first_day).days for m in members)
            last = None
        uids, found = groups.setdefault(
            (len(bundle) == 1, span, c.first_day, c.type_id, c.round), ([], [])
        )
        uids.append(c.uid)
        found.append(bundle)
    order: list[tuple[Item, ...]] = []
    for group in sorted(groups):
        uids, found = groups[group]
        order.extend(map(found.__getitem__, sorted(range(len(uids)), key=uids.__getitem__)))
    return order


class _Placer:
    """Day and time search over the books of a :class:`_Scheduler`; writes ``slots``."""

    def __init__(
        self, sched: _Scheduler, conversations: Sequence[Conversation], slots: list[Slot | None]
    ) -> None:
        self.s, self.convs, self.slots = sched, conversations, slots

    def pin(self, item: Item, published: Published) -> None:
        """Keep a published slot when it is still valid; else leave it for the search."""
        sched, (index, family, duration, hard, _) = self.s, item
        c = self.convs[index]
        start, end = published.start.astimezone(AMSTERDAM), published.end.astimezone(AMSTERDAM)
        day = start.date()
        if end.date() != day or day not in sched.days(c):
            return
        s, e = _clock(start.time()), _clock(end.time())
        bounds = sched.bounds(c, day)
        if bounds is None or s < bounds[0] or e > bounds[1] or e - s != duration:
            return
        options = sched.holders(c, day)
        holders = published.teachers if published.teachers in options else None
        if holders is None:
            return
        ordinal = day.toordinal()
        keys = tuple(sched.book_of(f"t:{t}") + ordinal for t in holders)
        if not _room(sched.busy, keys, sched.cap_of(c.type_id)):
            return
        pause = sched.pause
        for bookings in _books(sched.busy, keys):
            if any(s < b + pause and a < e + pause for a, b in bookings):
                return
        if any(s < b and a < e for a, b in sched.family_busy.get(family + ordinal, ())):
            return
        rules = (*hard, *sched.holder_rules(holders))
        if any(cond.hits(day, s, e, c.day_part) for r in rules for cond in r):
            return
        sched.book(keys, family + ordinal, s, e)
        self.slots[index] = (day, s, e, holders)

    def single(self, item: Item) -> str:
        """Book ``item`` at its best day and time; the Dutch reason when there is none."""
        sched, (index, family, duration, hard, soft) = self.s, item
        window = sched.window(self.convs[index])
        entries, day_part, cap = window.entries, window.day_part, window.cap
        pause, full = sched.pause, sched.full
        busy, family_busy = sched.busy, sched.family_busy
        best: tuple[int, int, Day, Choice] | None = None
        teacher_day = day_part_fits = wish_day = teacher_wish = False
        # Days found full stay full until something is taken back: start after them.
        start, dead = 0, not hard
        if dead:
            known = window.dead
            if known is not None and known[0] == duration and known[1] == sched.forgotten:
                _, _, start, teacher_day, day_part_fits = known
                wish_day = day_part_fits
        for i in range(start, len(window.days)):
            entry = entries[i] if i < len(entries) else sched.entry(window, i)
            day, ordinal, bounds, choices = entry
            if not choices:
                continue
            teacher_day = True
            if bounds is None or bounds[1] - bounds[0] < duration:
                continue
            day_part_fits = True
            if hard and _closed(hard, day, day_part):
                continue
            wish_day = True
            lo, hi = bounds
            fam = family_busy.get(family + ordinal, ())
            for choice in choices:
                _, keys, rules, full_key = choice
                books = _open_books(busy, keys, cap)
                if books is None:
                    continue
                marks = full.get(ordinal)
                if marks is not None:
                    failed = marks.get(full_key)
                    if failed is not None and duration >= failed:
                        continue
                if dead:
                    window.dead = (duration, sched.forgotten, i, teacher_day, day_part_fits)
                    dead = False
                rules = hard + rules if rules else hard
                s = _earliest(books, pause, fam, lo, hi, duration, rules, day, day_part)
                if s is None:
                    if rules is not hard and not teacher_wish:
                        free = _earliest(books, pause, fam, lo, hi, duration, hard, day, day_part)
                        teacher_wish = free is not None
                    if not hard and not fam:
                        sched.mark_full(ordinal, full_key, duration)
                    continue
                if not soft:
                    best = (0, s, entry, choice)
                    break
                while s is not None:
                    penalty = _penalty(soft, day, s, s + duration, day_part) if soft else 0
                    if best is None or penalty < best[0]:
                        best = (penalty, s, entry, choice)
                    if penalty == 0:
                        break
                    s = _earliest(books, pause, fam, s + GRID, hi, duration, rules, day, day_part)
                if best is not None and best[0] == 0:
                    break
            if best is not None and best[0] == 0:
                break
        if dead:
            window.dead = (duration, sched.forgotten, len(window.days), teacher_day, day_part_fits)
        if best is None:
            c = self.convs[index]
            if not teacher_day:
                return (
                    f"geen werkdag van de leerkracht over in het venster "
                    f"{c.first_day:%d-%m}–{c.last_day:%d-%m}"
                )
            if not day_part_fits:
                return f"het dagdeel is korter dan het gesprek ({duration} min)"
            if not wish_day:
                return "gezinswensen laten geen dag in het venster vrij"
            if teacher_wish:
                return "de wensen van de leerkracht laten geen tijd in het venster vrij"
            days = "de dag" if c.first_day == c.last_day else "de werkdagen"
            verb = "is" if c.first_day == c.last_day else "zijn"
            return (
                f"geen plek meer: {days} van de leerkracht in het venster "
                f"{c.first_day:%d-%m}–{c.last_day:%d-%m} {verb} vol "
                f"(max {cap} gesprekken per dag, pauze {pause} min)"
            )
        _, s, (day, ordinal, _, _), (holders, keys, _, _) = best
        sched.book(keys, family + ordinal, s, s + duration)
        self.slots[index] = (day, s, s + duration, holders)
        return ""

    def chain(self, bundle: tuple[Item, ...]) -> bool:
        """Place the whole bundle back to back on one day; False when no day allows it."""
        sched, convs = self.s, self.convs
        windows: list[_Window] = []
        kids: list[tuple[int, Rules, str, int]] = []
        soft = False
        for index, _, duration, hard, wishes in bundle:
            window = sched.window(convs[index])
            windows.append(window)
            kids.append((duration, hard, window.day_part, window.cap))
            soft = soft or bool(wishes)
        best: tuple[int, list[tuple[Day, int, int, Choice]]] | None = None
        for entries in self._common_days(windows):
            found = self._chain_day(bundle, kids, entries)  # booked when found
            if found is None:
                continue
            penalty = 0
            if soft:
                for item, kid, (entry, s, e, _) in zip(bundle, kids, found, strict=True):
                    penalty += _penalty(item[4], entry[0], s, e, kid[2])
            if penalty == 0:
                for item, (entry, s, e, choice) in zip(bundle, found, strict=True):
                    self.slots[item[0]] = (entry[0], s, e, choice[0])
                return True
            for item, (entry, s, e, choice) in zip(bundle, found, strict=True):
                sched.unbook(choice[1], item[1] + entry[1], entry[1], s, e)
            if best is None or penalty < best[0]:
                best = (penalty, found)
        if best is None:
            return False
        for item, (entry, s, e, choice) in zip(bundle, best[1], strict=True):
            sched.book(choice[1], item[1] + entry[1], s, e)
            self.slots[item[0]] = (entry[0], s, e, choice[0])
        return True

    def _common_days(self, windows: list[_Window]) -> Iterator[list[Day]]:
        """The days every sibling's window has, in order: each sibling's entry for the day."""
        sched, days = self.s, windows[0].days
        if all(w.days is days for w in windows):
            for i in range(len(days)):
                yield [w.entries[i] if i < len(w.entries) else sched.entry(w, i) for w in windows]
            return
        common = set(days)
        for w in windows[1:]:
            common &= set(w.days)
        for day in sorted(common):
            yield [sched.entry(w, w.position(day)) for w in windows]

    def _chain_day(
        self,
        bundle: tuple[Item, ...],
        kids: list[tuple[int, Rules, str, int]],
        entries: list[Day],
    ) -> list[tuple[Day, int, int, Choice]] | None:
        """The first chain on this day in search order (holders in order, earliest start
        first), booked; None when the day has none.

        When no teacher can hold two of the siblings, no sibling's booking changes where the
        next can go: each sibling's free starts are one bit set, and the starts from which the
        rest of the chain can follow are found with a few shifts. Otherwise :class:`_Chain`
        tries start after start.
        """
        sched = self.s
        busy, pause, wait, frees = sched.busy, sched.pause, sched.wait, sched.frees
        day, ordinal = entries[0][0], entries[0][1]
        family = bundle[0][1] + ordinal
        fam = sched.family_busy.get(family, ())
        plans: list[list[Choice]] = []
        free: list[list[int]] = []  # per sibling and holders: the free starts
        names: list[str] = []
        for (duration, hard, day_part, cap), (_, _, bounds, choices) in zip(
            kids, entries, strict=True
        ):
            options: list[Choice] = []
            starts: list[int] = []
            for choice in choices:
                keys = choice[1]
                books = _open_books(busy, keys, cap)
                if books is None:
                    continue
                options.append(choice)
                names.extend(choice[0])
                if bounds is None:
                    continue
                lo, hi = bounds
                if fam or hard or choice[2] or len(keys) > 1:
                    rules = hard + choice[2] if choice[2] else hard
                    bits = _free_starts(books, pause, fam, lo, hi, duration, rules, day, day_part)
                else:  # the same teacher day asked again by the next family of the class
                    key = (keys[0], lo, hi, duration)
                    known = frees.get(key)
                    if known is not None and known[0] is books[0]:
                        bits = known[1]
                    else:
                        bits = _free_starts(books, pause, (), lo, hi, duration, (), day, day_part)
                        frees[key] = (books[0], bits)
                starts.append(bits)
            if bounds is None or not options:
                return None
            if hard and _closed(hard, day, day_part):
                return None
            plans.append(options)
            free.append(starts)
        if not _apart(names):
            chain = _Chain(sched, bundle, kids, entries, plans)
            return chain.chosen if chain.search(0, 0) else None
        # ok[k]: per holders, the starts of sibling k from which the rest of the chain follows
        ok = free[:]
        for k in range(len(bundle) - 2, -1, -1):
            after = 0
            for bits in ok[k + 1]:
                after |= bits
            duration = kids[k][0]
            reach = 0
            for shift in range(-(-duration // GRID), (duration + wait) // GRID + 1):
                reach |= after >> shift
            ok[k] = [bits & reach for bits in free[k]]
        chosen: list[tuple[Day, int, int, Choice]] = []
        window = -1  # the first sibling may start anywhere in its day part
        backtracked = False  # the start-by-start search would have taken a booking back
        last = len(bundle) - 1
        for k, entry in enumerate(entries):
            duration = kids[k][0]
            for choice, bits, fits in zip(plans[k], free[k], ok[k], strict=True):
                fits &= window
                if fits:
                    low = fits & -fits
                    if k < last and bits & window & (low - 1):
                        backtracked = True
                    s = (low.bit_length() - 1) * GRID
                    chosen.append((entry, s, s + duration, choice))
                    break
                if k < last and bits & window:
                    backtracked = True
            else:
                if backtracked:
                    sched.forget(ordinal)
                return None
            near, far = -(-duration // GRID), (duration + wait) // GRID
            window = ((2 << (far - near)) - 1) << (s // GRID + near) if far >= near else 0
        if backtracked:
            sched.forget(ordinal)
        for _, s, e, (_, keys, _, _) in chosen:
            sched.book(keys, family, s, e)
        return chosen


class _Chain:
    """The start-by-start search for one sibling chain on one day, for when a teacher may
    hold two of the siblings: each sibling in turn takes the first holders and start that
    leave a way for the rest, booked as it goes.

    A sibling starts no earlier than the one before ends, so the family's own bookings of
    this chain never collide with the next; only a teacher who may hold a later sibling too
    is booked while searching, the rest once the chain is found. (A class with a method, not
    a closure: a closure that calls itself is a reference cycle only the collector frees.)
    """

    __slots__ = ("bundle", "chosen", "entries", "family", "kids", "later", "plans", "s", "taken")

    def __init__(
        self,
        sched: _Scheduler,
        bundle: tuple[Item, ...],
        kids: list[tuple[int, Rules, str, int]],
        entries: list[Day],
        plans: list[list[Choice]],
    ) -> None:
        self.s, self.bundle, self.kids, self.entries, self.plans = (
            sched, bundle, kids, entries, plans
        )  # fmt: skip
        later: list[frozenset[str]] = [frozenset()] * len(bundle)
        for k in range(len(bundle) - 2, -1, -1):
            later[k] = later[k + 1] | {t for choice in plans[k + 1] for t in choice[0]}
        self.later = later
        self.family = bundle[0][1] + entries[0][1]
        self.chosen: list[tuple[Day, int, int, Choice]] = []
        self.taken: list[bool] = []  # per chosen: its holders are booked already

    def search(self, k: int, after: int) -> bool:
        sched, chosen = self.s, self.chosen
        if k == len(self.bundle):
            for (_, start, end, (_, keys, _, _)), taken in zip(chosen, self.taken, strict=True):
                sched.book(() if taken else keys, self.family, start, end)
            return True  # the whole chain stays booked
        entry, (duration, hard, day_part, cap) = self.entries[k], self.kids[k]
        day, ordinal, (lo, hi) = entry[0], entry[1], entry[2] or (0, 0)
        first = lo if k == 0 else max(lo, after)
        latest = hi if k == 0 else min(hi, after + sched.wait)
        shared, pause = self.later[k], sched.pause
        fam = sched.family_busy.get(self.family, ())
        for choice in self.plans[k]:
            holders, keys, rules, _ = choice
            if not _room(sched.busy, keys, cap):
                continue
            books = _books(sched.busy, keys)
            rules = hard + rules if rules else hard
            book = any(t in shared for t in holders)
            s: int | None = first
            while s is not None and s <= latest:
                s = _earliest(books, pause, fam, s, hi, duration, rules, day, day_part)
                if s is None or s > latest:
                    break
                e = s + duration
                if book:
                    sched.book(keys, None, s, e)
                chosen.append((entry, s, e, choice))
                self.taken.append(book)
                if self.search(k + 1, e):
                    return True
                chosen.pop()
                self.taken.pop()
                if book:
                    sched.unbook(keys, None, ordinal, s, e)
                else:
                    sched.forget(ordinal)
                s += GRID
        return False


def unmet_wishes(conversations: Iterable[Conversation], wishes: Wishes) -> list[str]:
    """Soft wishes the schedule could not honour, one Dutch line each (for the report)."""
    out: list[str] = []
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
                    out.append(f"{c.uid}: wens '{cond.text}' (regel {wish.line}) niet gelukt")
    return out

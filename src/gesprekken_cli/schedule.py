"""The scheduler: a concrete start and end for every individual conversation that needs one.

Pure and deterministic: the same cycle, calendar, roster, conversations, wishes and previous
slots always give the same schedule. Greedy with a careful order: slots published before
(``--vorig``) are kept first when still valid, then families with siblings (one chain per
family and round, same day, back to back in a stable youngest-first order), then the rest,
narrowest window first; each takes the earliest day and time that honours every hard rule
and as many soft wishes as possible. Times run on a 5-minute grid.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from gesprekken_cli.calendar import SchoolCalendar
from gesprekken_cli.expand import AMSTERDAM, Conversation
from gesprekken_cli.model import Roster, Teacher
from gesprekken_cli.rules import Cycle, TimeRange
from gesprekken_cli.schedule_quality import quality

if TYPE_CHECKING:  # the wishes reader is imported only when a wishes file is given
    from gesprekken_cli.wishes import Condition, Wishes

GRID = 5


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
        self.busy: dict[tuple[str, int], list[tuple[int, int]]] = {}
        self.count: dict[tuple[str, int], int] = {}
        self.family_busy: dict[tuple[str, int], list[tuple[int, int]]] = {}
        # Days known to have no room of a given length left (per holders and day part); only
        # ever grows fuller while booking, so it is dropped for a day when something is unbooked.
        self.full: dict[int, dict[tuple[tuple[str, ...], tuple[int, int]], int]] = {}
        self._days: dict[tuple[date, date], tuple[date, ...]] = {}
        self._bounds: dict[tuple[str, int, bool], tuple[int, int] | None] = {}
        self._holders: dict[tuple[str, str, date], tuple[tuple[str, ...], ...]] = {}
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
        return not any(
            cond.daily and cond.hits(day, 0, 0, "")
            for cond in self._teacher_rules.get(teacher.casefold(), ())
        )

    # --- the books ---

    def holder_rules(self, holders: tuple[str, ...]) -> tuple[tuple[Condition, ...], ...]:
        """A teacher's own wishes bind only the conversations that teacher holds: in a duo,
        the other teacher can take them."""
        rules = self._teacher_rules
        if not rules:
            return ()
        return tuple(rules[t.casefold()] for t in holders if t.casefold() in rules)

    def earliest(
        self,
        holders: tuple[str, ...],
        ordinal: int,
        family: str,
        start: int,
        hi: int,
        duration: int,
        rules: Sequence[tuple[Condition, ...]],
        day: date,
        day_part: str,
    ) -> int | None:
        """The earliest start ≥ ``start`` on the grid where everyone is free, or None."""
        pause = self.pause
        s = -(-start // GRID) * GRID
        rules = (*rules, *self.holder_rules(holders))
        lists = [self.busy.get((t, ordinal), ()) for t in holders]
        family_list = self.family_busy.get((family, ordinal), ())
        while s + duration <= hi:
            moved = s
            for busy in lists:
                for a, b in busy:
                    if moved < b + pause and a < moved + duration + pause:
                        moved = b + pause
            for a, b in family_list:
                if moved < b and a < moved + duration:
                    moved = b
            moved = -(-moved // GRID) * GRID
            if moved == s:
                for conditions in rules:
                    for cond in conditions:
                        if cond.hits(day, s, s + duration, day_part):
                            moved = s + GRID
                            break
                    if moved != s:
                        break
            if moved == s:
                return s
            s = moved
        return None

    def book(self, holders: tuple[str, ...], ordinal: int, family: str, s: int, e: int) -> None:
        for t in holders:
            insort(self.busy.setdefault((t, ordinal), []), (s, e))
            self.count[(t, ordinal)] = self.count.get((t, ordinal), 0) + 1
        insort(self.family_busy.setdefault((family, ordinal), []), (s, e))

    def unbook(self, holders: tuple[str, ...], ordinal: int, family: str, s: int, e: int) -> None:
        self.full.pop(ordinal, None)
        for t in holders:
            self.busy[(t, ordinal)].remove((s, e))
            self.count[(t, ordinal)] -= 1
        self.family_busy[(family, ordinal)].remove((s, e))

    def known_full(
        self, holders: tuple[str, ...], ordinal: int, bounds: tuple[int, int], duration: int
    ) -> bool:
        """True when a search from the start of ``bounds`` already found no room that long."""
        failed = self.full.get(ordinal, {}).get((holders, bounds))
        return failed is not None and duration >= failed

    def mark_full(
        self, holders: tuple[str, ...], ordinal: int, bounds: tuple[int, int], duration: int
    ) -> None:
        day = self.full.setdefault(ordinal, {})
        day[(holders, bounds)] = min(duration, day.get((holders, bounds), duration))

    def cap_of(self, type_id: str) -> int:
        """Conversations per teacher per day: the type's own maximum, else the school's."""
        return self.caps.get(type_id, self.cap)

    def has_room(self, holders: tuple[str, ...], ordinal: int, type_id: str) -> bool:
        count, cap = self.count, self.caps.get(type_id, self.cap)
        for t in holders:  # noqa: SIM110 - a loop: this runs 100,000 times on a board
            if count.get((t, ordinal), 0) >= cap:
                return False
        return True


@dataclass
class _Item:
    """One conversation on its way through the scheduler."""

    index: int
    conv: Conversation
    family: str
    duration: int
    hard: tuple[tuple[Condition, ...], ...]
    soft: tuple[Condition, ...]
    slot: tuple[date, int, int, tuple[str, ...]] | None = None


def _family_key(c: Conversation) -> str:
    return f"g:{c.family_id}" if c.family_id else f"l:{c.pupil_id}"


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
    items: list[_Item] = []
    any_wishes = wishes is not None and bool(wishes.items)
    for index, c in enumerate(conversations):
        if not needs_slot(c):
            continue
        if wishes is None or not any_wishes:
            items.append(_Item(index, c, _family_key(c), c.duration, (), ()))
            continue
        own = wishes.about("leerling", c.pupil_id) + wishes.about("gezin", c.family_id)
        own = tuple(w for w in own if w.applies(c.type_id, c.round))
        if any(w.skip for w in own):
            kept[index] = None
            notes.append(f"{c.uid}: overgeslagen volgens wensenbestand")
            continue
        duration = next((w.duration for w in own if w.duration), c.duration)
        hard = tuple(w.forbidden for w in own if w.forbidden)
        soft = tuple(cond for w in own for cond in w.avoid)
        items.append(_Item(index, c, _family_key(c), duration, hard, soft))

    moments: dict[tuple[date, int], datetime] = {}

    def moment(day: date, minutes: int) -> datetime:
        found = moments.get((day, minutes))
        if found is None:
            found = moments[(day, minutes)] = datetime.combine(
                day, time(minutes // 60, minutes % 60), AMSTERDAM
            )
        return found

    placer = _Placer(sched)
    pinned = [it for it in items if it.conv.uid in previous]
    for it in pinned:
        placer.pin(it, previous[it.conv.uid])
    bundles: dict[tuple[str, int, str, int], list[_Item]] = {}
    for it in items:
        if it.slot is None:
            c = it.conv
            household = 2 if c.household >= 2 else 1
            key = (it.family, household, c.type_id, c.round)
            if not c.family_id:
                key = (f"{it.family}.{c.uid}", household, c.type_id, c.round)
            bundles.setdefault(key, []).append(it)
    order = sorted(bundles.values(), key=_bundle_order)
    unplaced: list[tuple[str, str]] = []
    for bundle in order:
        bundle.sort(key=lambda it: (it.conv.grade or 0, it.conv.pupil_id or "", it.conv.uid))
        unplaced.extend(placer.place(bundle))
    unplaced.sort()
    reasons = dict(unplaced)

    for it in items:
        c, published = it.conv, previous.get(it.conv.uid)
        if it.slot is None:
            note = f"niet ingepland: {reasons.get(c.uid, '')}"
            kept[it.index] = c._replace(note=f"{c.note}; {note}" if c.note else note)
            if published is not None:
                notes.append(
                    f"{c.uid}: eerder gepubliceerde tijd vervalt (niet meer in te plannen)"
                )
            continue
        day, s, e, holders = it.slot
        start, end = moment(day, s), moment(day, e)
        sequence = c.sequence
        if published is not None:
            sequence = published.sequence
            if (published.start, published.end) != (start, end):
                sequence += 1
                notes.append(
                    f"{c.uid}: verplaatst van {published.start:%d-%m-%Y %H.%M} "
                    f"naar {start:%d-%m-%Y %H.%M}"
                )
        kept[it.index] = c._replace(
            start=start, end=end, teachers=holders, duration=it.duration, sequence=sequence
        )
    present = {c.uid for c in conversations}
    for uid in sorted(set(previous) - present):
        notes.append(f"{uid}: eerder gepubliceerd gesprek staat niet meer in het plan")
    result = tuple(c for c in kept if c is not None)
    figures = quality(
        [it.slot for it in items],
        [
            (it.family, min(max(it.conv.household, 1), 2), it.conv.type_id, it.conv.round)
            for it in items
        ],
        wait=sched.wait,
    )
    return Schedule(result, tuple(unplaced), figures, tuple(notes))


def _bundle_order(bundle: list[_Item]) -> tuple[object, ...]:
    first = min(bundle, key=lambda it: it.conv.uid)
    c = first.conv
    span = min((it.conv.last_day - it.conv.first_day).days for it in bundle)
    return (len(bundle) == 1, span, c.first_day, c.type_id, c.round, c.uid)


class _Placer:
    """Day and time search over the books of a :class:`_Scheduler`."""

    def __init__(self, sched: _Scheduler) -> None:
        self.s = sched

    def pin(self, it: _Item, published: Published) -> None:
        """Keep a published slot when it is still valid; else leave it for the search."""
        sched, c = self.s, it.conv
        start, end = published.start.astimezone(AMSTERDAM), published.end.astimezone(AMSTERDAM)
        day = start.date()
        if end.date() != day or day not in sched.days(c):
            return
        s, e = _clock(start.time()), _clock(end.time())
        bounds = sched.bounds(c, day)
        if bounds is None or s < bounds[0] or e > bounds[1] or e - s != it.duration:
            return
        options = sched.holders(c, day)
        holders = published.teachers if published.teachers in options else None
        if holders is None:
            return
        ordinal = day.toordinal()
        if not sched.has_room(holders, ordinal, c.type_id):
            return
        if not self._free(it, holders, day, s, e):
            return
        sched.book(holders, ordinal, it.family, s, e)
        it.slot = (day, s, e, holders)

    def _free(self, it: _Item, holders: tuple[str, ...], day: date, s: int, e: int) -> bool:
        sched, ordinal, pause = self.s, day.toordinal(), self.s.pause
        for t in holders:
            if any(s < b + pause and a < e + pause for a, b in sched.busy.get((t, ordinal), ())):
                return False
        if any(s < b and a < e for a, b in sched.family_busy.get((it.family, ordinal), ())):
            return False
        rules = (*it.hard, *sched.holder_rules(holders))
        return not any(cond.hits(day, s, e, it.conv.day_part) for r in rules for cond in r)

    def place(self, bundle: list[_Item]) -> list[tuple[str, str]]:
        if len(bundle) > 1 and self._chain(bundle):
            return []
        out: list[tuple[str, str]] = []
        for it in bundle:
            reason = self._single(it)
            if reason:
                out.append((it.conv.uid, reason))
        return out

    def _single(self, it: _Item) -> str:
        sched, c = self.s, it.conv
        best: tuple[int, date, int, tuple[str, ...]] | None = None
        teacher_day = day_part_fits = wish_day = False
        for day in sched.days(c):
            options = sched.holders(c, day)
            if not options:
                continue
            teacher_day = True
            bounds = sched.bounds(c, day)
            if bounds is None or bounds[1] - bounds[0] < it.duration:
                continue
            day_part_fits = True
            if any(cond.daily and cond.hits(day, 0, 0, c.day_part) for r in it.hard for cond in r):
                continue
            wish_day = True
            ordinal = day.toordinal()
            for holders in options:
                if not sched.has_room(holders, ordinal, c.type_id):
                    continue
                if sched.known_full(holders, ordinal, bounds, it.duration):
                    continue
                s = sched.earliest(
                    holders, ordinal, it.family, bounds[0], bounds[1], it.duration, it.hard,
                    day, c.day_part,
                )  # fmt: skip
                if s is None and not it.hard and not sched.family_busy.get((it.family, ordinal)):
                    sched.mark_full(holders, ordinal, bounds, it.duration)
                while s is not None:
                    penalty = _penalty(it, day, s)
                    if best is None or penalty < best[0]:
                        best = (penalty, day, s, holders)
                    if penalty == 0 or not it.soft:
                        break
                    s = sched.earliest(
                        holders, ordinal, it.family, s + GRID, bounds[1], it.duration, it.hard,
                        day, c.day_part,
                    )  # fmt: skip
                if best is not None and best[0] == 0:
                    break
            if best is not None and best[0] == 0:
                break
        if best is None:
            if not teacher_day:
                return (
                    f"geen werkdag van de leerkracht over in het venster "
                    f"{c.first_day:%d-%m}–{c.last_day:%d-%m}"
                )
            if not day_part_fits:
                return f"het dagdeel is korter dan het gesprek ({it.duration} min)"
            if not wish_day:
                return "gezinswensen laten geen dag in het venster vrij"
            days = "de dag" if c.first_day == c.last_day else "de werkdagen"
            verb = "is" if c.first_day == c.last_day else "zijn"
            return (
                f"geen plek meer: {days} van de leerkracht in het venster "
                f"{c.first_day:%d-%m}–{c.last_day:%d-%m} {verb} vol "
                f"(max {sched.cap_of(c.type_id)} gesprekken per dag, pauze {sched.pause} min)"
            )
        _, day, s, holders = best
        sched.book(holders, day.toordinal(), it.family, s, s + it.duration)
        it.slot = (day, s, s + it.duration, holders)
        return ""

    def _chain(self, bundle: list[_Item]) -> bool:
        """Place the whole bundle back to back on one day; False when no day allows it."""
        sched = self.s
        common = set(sched.days(bundle[0].conv))
        for it in bundle[1:]:
            common &= set(sched.days(it.conv))
        best: tuple[int, list[tuple[date, int, int, tuple[str, ...]]]] | None = None
        for day in sorted(common):
            found = self._chain_day(bundle, day)  # booked when found
            if found is None:
                continue
            penalty = sum(
                _penalty(it, slot[0], slot[1]) for it, slot in zip(bundle, found, strict=True)
            )
            if penalty == 0:
                for it, slot in zip(bundle, found, strict=True):
                    it.slot = slot
                return True
            for it, slot in zip(bundle, found, strict=True):
                sched.unbook(slot[3], slot[0].toordinal(), it.family, slot[1], slot[2])
            if best is None or penalty < best[0]:
                best = (penalty, found)
        if best is None:
            return False
        for it, slot in zip(bundle, best[1], strict=True):
            sched.book(slot[3], slot[0].toordinal(), it.family, slot[1], slot[2])
            it.slot = slot
        return True

    def _chain_day(
        self, bundle: list[_Item], day: date
    ) -> list[tuple[date, int, int, tuple[str, ...]]] | None:
        sched, ordinal = self.s, day.toordinal()
        plans: list[tuple[tuple[int, int], tuple[tuple[str, ...], ...]]] = []
        for it in bundle:
            bounds = sched.bounds(it.conv, day)
            options = tuple(
                h
                for h in sched.holders(it.conv, day)
                if sched.has_room(h, ordinal, it.conv.type_id)
            )
            if bounds is None or not options:
                return None
            if any(
                cond.daily and cond.hits(day, 0, 0, it.conv.day_part) for r in it.hard for cond in r
            ):
                return None
            plans.append((bounds, options))
        chosen: list[tuple[date, int, int, tuple[str, ...]]] = []

        def search(k: int, after: int) -> bool:
            if k == len(bundle):
                return True
            it, ((lo, hi), options) = bundle[k], plans[k]
            first = lo if k == 0 else max(lo, after)
            latest = hi if k == 0 else min(hi, after + sched.wait)
            for holders in options:
                if not sched.has_room(holders, ordinal, it.conv.type_id):
                    continue
                s: int | None = first
                while s is not None and s <= latest:
                    s = sched.earliest(
                        holders, ordinal, it.family, s, hi, it.duration, it.hard,
                        day, it.conv.day_part,
                    )  # fmt: skip
                    if s is None or s > latest:
                        break
                    e = s + it.duration
                    sched.book(holders, ordinal, it.family, s, e)
                    chosen.append((day, s, e, holders))
                    if search(k + 1, e):
                        return True  # the whole chain stays booked
                    sched.unbook(holders, ordinal, it.family, s, e)
                    chosen.pop()
                    s += GRID
            return False

        return chosen if search(0, 0) else None  # booked when found


def _penalty(it: _Item, day: date, s: int) -> int:
    if not it.soft:
        return 0
    e = s + it.duration
    return sum(1 for cond in it.soft if cond.hits(day, s, e, it.conv.day_part))


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

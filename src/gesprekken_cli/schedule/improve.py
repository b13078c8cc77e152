"""The improvement step after the greedy: large-neighbourhood moves over days and starts.

A move takes the conversations off one teacher-day (a sibling chain moves whole), puts them
back through the same placement and chain search under a restriction (that teacher-day
closed, or only days a teacher works anyway), and is kept only when the plan's objective is
strictly better in the school's order (:data:`DEFAULT_ORDER`, ``school.optimaliseren``), else
taken back book for book. So the result is never worse than the greedy's, and it is
deterministic: candidates are tried in a fixed order and the work is bounded by a count of
conversations re-placed, scaled by the size of the round, never by the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from gesprekken_cli.expand import Conversation
from gesprekken_cli.schedule.bookings import Key
from gesprekken_cli.schedule.chains import Chains
from gesprekken_cli.schedule.free import closed, free_starts, penalty
from gesprekken_cli.schedule.placement import Placer
from gesprekken_cli.schedule.quality import family_state, idle_beyond_pause
from gesprekken_cli.schedule.records import GRID, Choice, Day, Item, Slot
from gesprekken_cli.schedule.windows import Context, Restrict

# The objective's parts, most important first unless the rules file says otherwise: placed,
# sibling rounds back to back, wishes met, teacher-days, idle beyond the pause, family waiting.
DEFAULT_ORDER = (
    "ingepland",
    "broers_zussen",
    "wensen",
    "leerkrachtdagen",
    "leegloop",
    "wachttijd",
)


def budget(conversations: int) -> int:
    """The work budget, in conversations re-placed: four per conversation of a class, at
    most a thousand (a school's round; a board's plan of 36,000 stays near a second)."""
    return min(4 * conversations, 1_000)


def _added_idle(bookings: Sequence[tuple[int, int]], s: int, e: int, pause: int) -> int:
    """How much idle time beyond ``pause`` booking ``s``–``e`` adds to a teacher's day
    (negative: it fills a gap)."""
    before = after = None
    for a, b in bookings:
        if b <= s:
            before = b
        elif a >= e and after is None:
            after = a
    added = 0
    if before is not None:
        added += max(0, s - before - pause)
    if after is not None:
        added += max(0, after - e - pause)
    if before is not None and after is not None:
        added -= max(0, after - before - pause)
    return added


class Totals(NamedTuple):
    """The objective's parts, each to be made smaller."""

    unplaced: int
    apart: int  # sibling rounds not back to back
    unmet: int  # soft wishes not met
    teacher_days: int
    idle: int
    waiting: int

    def key(self, order: Sequence[str]) -> tuple[int, ...]:
        return tuple(getattr(self, FIELDS[name]) for name in order)


FIELDS = {
    "ingepland": "unplaced",
    "broers_zussen": "apart",
    "wensen": "unmet",
    "leerkrachtdagen": "teacher_days",
    "leegloop": "idle",
    "wachttijd": "waiting",
}


class Improver:
    """Holds the greedy's result and tries moves on it; see the module docstring."""

    def __init__(
        self,
        ctx: Context,
        conversations: Sequence[Conversation],
        slots: list[Slot | None],
        units: list[tuple[Item, ...]],
        rounds: list[tuple[Item, ...]],
        order: Sequence[str],
    ) -> None:
        self.ctx, self.convs, self.slots = ctx, conversations, slots
        self.placer = Placer(ctx, conversations, slots)
        self.chains = Chains(ctx, conversations, slots)
        self.units = units
        self.order = tuple(order) + tuple(n for n in DEFAULT_ORDER if n not in order)
        self.unit_of: dict[int, int] = {}
        for u, unit in enumerate(units):
            for item in unit:
                self.unit_of[item.position] = u
        self.rounds = rounds
        self.round_of: dict[int, int] = {}
        for r, group in enumerate(rounds):
            for item in group:
                self.round_of[item.position] = r
        books = ctx.books
        self.teacher_number = {name[2:]: n for name, n in books.numbers.items() if name[0] == "t"}
        # Per teacher-day key: the units on it (kept as the moves go).
        self.on_key: dict[Key, set[int]] = {}
        for u, unit in enumerate(units):
            for item in unit:
                for key in self.keys_of(self.slots[item.position]):
                    self.on_key.setdefault(key, set()).add(u)
        self.idle = {k: idle_beyond_pause(v, ctx.pause) for k, v in books.busy.items()}
        self.state = [self.round_state(r) for r in range(len(rounds))]
        # per conversation with soft wishes (the others never miss one)
        self.unmet = {i.position: self.unmet_of(i) for unit in units for i in unit if i.soft}
        self.work = 0
        self.days_of: dict[int, list[Key]] = {}
        for k in sorted(books.busy):
            self.days_of.setdefault(k[0], []).append(k)
        self.current = self.totals()

    def keys_of(self, slot: Slot | None) -> tuple[Key, ...]:
        if slot is None:
            return ()
        ordinal = slot.day.toordinal()
        return tuple((self.teacher_number[t], ordinal) for t in slot.holders)

    def round_state(self, r: int) -> tuple[int, int]:
        state = family_state([self.slots[i.position] for i in self.rounds[r]], self.ctx.wait)
        return (0 if state.back_to_back else 1), state.waiting

    def unmet_of(self, item: Item) -> int:
        slot = self.slots[item.position]
        if not item.soft or slot is None:
            return 0
        day_part = self.convs[item.position].day_part
        return penalty(item.soft, slot.day, slot.start, slot.end, day_part)

    def totals(self) -> Totals:
        busy = self.ctx.books.busy
        return Totals(
            sum(1 for unit in self.units for item in unit if self.slots[item.position] is None),
            sum(s[0] for s in self.state),
            sum(self.unmet.values()),
            sum(1 for v in busy.values() if v),
            sum(self.idle.values()),
            sum(s[1] for s in self.state),
        )

    def run(self, budget: int) -> None:
        """Try the moves in a fixed order until ``budget`` conversations were re-placed:
        first each single conversation on a teacher-day with idle time, to where it adds the
        least; then each teacher-day that is not full, emptied onto days already worked."""
        ctx, busy = self.ctx, self.ctx.books.busy
        cap = ctx.cap
        for key in sorted(self.idle, key=lambda k: (-self.idle[k], k)):
            for u in sorted(self.on_key.get(key, ())):
                if self.work >= budget:
                    return
                if self.idle.get(key) and len(self.units[u]) == 1 and self.beside_gap(key, u):
                    self.attempt(key, Restrict(frozenset(), True, frozenset()), (u,))
        for key in sorted(busy, key=lambda k: (len(busy[k]), k)):
            if self.work >= budget:
                return
            if busy.get(key) and len(busy[key]) < cap and self.spare(key) >= len(busy[key]):
                self.attempt(key, Restrict(frozenset({key}), True, frozenset()))

    def beside_gap(self, key: Key, u: int) -> bool:
        """The single conversation ``u`` borders idle time on teacher-day ``key``: moving it
        elsewhere may close that gap (one not beside a gap would only open one)."""
        slot = self.slots[self.units[u][0].position]
        if slot is None:
            return False
        bookings, pause = self.ctx.books.busy.get(key, ()), self.ctx.pause
        i = bookings.index((slot.start, slot.end))
        before = i > 0 and slot.start - bookings[i - 1][1] > pause
        after = i + 1 < len(bookings) and bookings[i + 1][0] - slot.end > pause
        return before or after

    def best_fit(self, item: Item) -> bool:
        """Book ``item`` where it adds the least idle time to its teacher's day (next to a
        conversation already there, or at the day part's start), on a day the restriction
        allows; ties go to fewer unmet wishes, then the earlier day and start."""
        ctx, books = self.ctx, self.ctx.books
        _, family, duration, hard, soft = item
        window = ctx.window(self.convs[item.position])
        pause, restrict, busy = ctx.pause, ctx.restrict, books.busy
        best: tuple[int, int, int, int] | None = None  # idle added, wishes, day index, start
        chosen: tuple[Day, Choice] | None = None
        for i in range(len(window.days)):
            entry = ctx.entry(window, i)
            day, ordinal, bounds, choices = entry
            if bounds is None or (hard and closed(hard, day, window.day_part)):
                continue
            lo, hi = bounds
            fam = books.family_busy.get((family, ordinal), ())
            for choice in choices:
                if restrict is not None and not restrict.allows(choice.keys, busy):
                    continue
                own = books.open_books(choice.keys, window.cap)
                if own is None:
                    continue
                rules = hard + choice.rules if choice.rules else hard
                bits = free_starts(own, pause, fam, lo, hi, duration, rules, day, window.day_part)
                if not bits:
                    continue
                starts = {lo}
                for bookings in own:
                    for a, b in bookings:
                        starts.add(b + pause)
                        starts.add(a - pause - duration)
                for s in sorted(starts):
                    s = -(-s // GRID) * GRID
                    if s < 0 or not bits >> (s // GRID) & 1:
                        continue
                    added = sum(_added_idle(bookings, s, s + duration, pause) for bookings in own)
                    cost = penalty(soft, day, s, s + duration, window.day_part) if soft else 0
                    score = (added, cost, i, s)
                    if best is None or score < best:
                        best, chosen = score, (entry, choice)
        if best is None or chosen is None:
            return False
        (entry, choice), s = chosen, best[3]
        books.book(choice.keys, (family, entry.ordinal), s, s + duration)
        self.slots[item.position] = Slot(entry.day, s, s + duration, choice.holders)
        return True

    def spare(self, key: Key) -> int:
        """Room left on the other teacher-days of the same teacher in the books (an upper
        bound on what a closed teacher-day can hand on)."""
        busy, cap = self.ctx.books.busy, self.ctx.cap
        days = self.days_of.get(key[0], ())
        return sum(cap - len(busy[k]) for k in days if k != key and busy[k])

    def attempt(self, key: Key, restrict: Restrict, units: tuple[int, ...] = ()) -> bool:
        """Take ``units`` (default: all on teacher-day ``key``) off and place them again
        under ``restrict``; keep the result when the objective improves."""
        ctx, books, slots = self.ctx, self.ctx.books, self.slots
        moved = list(units) or sorted(self.on_key.get(key, ()))
        if not moved:
            return False
        old = {item.position: slots[item.position] for u in moved for item in self.units[u]}
        journal: list[tuple[bool, Key, tuple[tuple[int, int], ...]]] = []
        books.journal = journal
        for u in moved:
            for item in self.units[u]:
                slot = slots[item.position]
                if slot is None:
                    continue
                ordinal = slot.day.toordinal()
                books.unbook(self.keys_of(slot), (item.family, ordinal), ordinal, *slot[1:3])
                slots[item.position] = None
        ctx.restrict = restrict
        for u in moved:
            unit = self.units[u]
            self.work += len(unit)
            if len(unit) > 1 and self.chains.chain(unit):
                continue
            for item in unit:
                if not self.best_fit(item):
                    self.placer.single(item)
        ctx.restrict = None
        books.journal = None
        first: dict[Key, bool] = {}  # per teacher-day changed: held a conversation before
        for teacher, k, bookings in journal:
            if teacher and k not in first:
                first[k] = bool(bookings)
        saved_idle = {k: self.idle.get(k, 0) for k in first}
        for k in first:
            self.idle[k] = idle_beyond_pause(books.busy.get(k, ()), ctx.pause)
        touched = {self.round_of[p] for p in old if p in self.round_of}
        saved_state = {r: self.state[r] for r in touched}
        for r in touched:
            self.state[r] = self.round_state(r)
        saved_unmet = {p: self.unmet[p] for p in old if p in self.unmet}
        for u in moved:
            for item in self.units[u]:
                if item.soft:
                    self.unmet[item.position] = self.unmet_of(item)
        now = self.current
        after = Totals(
            now.unplaced + sum(1 for p, s in old.items() if s is not None and slots[p] is None),
            now.apart + sum(self.state[r][0] - saved_state[r][0] for r in touched),
            now.unmet + sum(self.unmet[p] - saved for p, saved in saved_unmet.items()),
            now.teacher_days + sum(bool(books.busy.get(k)) - held for k, held in first.items()),
            now.idle + sum(self.idle[k] - saved_idle[k] for k in first),
            now.waiting + sum(self.state[r][1] - saved_state[r][1] for r in touched),
        )
        if after.key(self.order) < now.key(self.order):
            self.current = after
            for p, slot in old.items():
                for k in self.keys_of(slot):
                    self.on_key[k].discard(self.unit_of[p])
            for p in old:
                for k in self.keys_of(slots[p]):
                    self.on_key.setdefault(k, set()).add(self.unit_of[p])
            return True
        books.undo(journal)
        for p, slot in old.items():
            slots[p] = slot
        self.idle.update(saved_idle)
        for r, state in saved_state.items():
            self.state[r] = state
        self.unmet.update(saved_unmet)
        return False

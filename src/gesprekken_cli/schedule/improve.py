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

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from gesprekken_cli.expand import Conversation
from gesprekken_cli.schedule.bookings import Key
from gesprekken_cli.schedule.chains import Chains
from gesprekken_cli.schedule.free import closed, free_starts, penalty
from gesprekken_cli.schedule.placement import Placer
from gesprekken_cli.schedule.quality import family_state, idle_beyond_pause
from gesprekken_cli.schedule.records import GRID, Bookings, Choice, Day, Item, Slot
from gesprekken_cli.schedule.relocate import added_idle, best_chain
from gesprekken_cli.schedule.windows import Context, Restrict, Window

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


EDGE = True  # single moves take only a day's first or last conversation
BLOCK = 3  # units a compaction move takes off together
PASSES = 6  # rounds of chain and single moves after the first
NO_CHANGE = (0,) * len(DEFAULT_ORDER)

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
        self.rounds = rounds
        self.round_of: dict[int, int] = {}
        for r, group in enumerate(rounds):
            for item in group:
                self.round_of[item.position] = r
        books = ctx.books
        self.teacher_number = {name[2:]: n for name, n in books.numbers.items() if name[0] == "t"}
        self.long_break = (books.limit, books.rest)
        self.idle = {
            k: idle_beyond_pause(v, ctx.pause, *self.long_break) for k, v in books.busy.items()
        }
        # Set up only what the moves ask for: a board's plan has tens of thousands of
        # conversations and only some teacher-days with idle time. The units on a teacher-day
        # (kept as the moves go) are indexed on the first look at a day; a family round's
        # state (back to back, waiting) is worked out when a move touches it or asks.
        self.on_key: dict[Key, set[int]] | None = None
        self.state: dict[int, tuple[int, int]] = {}
        self.work = 0
        self.strict = False  # the last move tried made the objective strictly better
        self.change = Totals(0, 0, 0, 0, 0, 0)  # what the last move kept changed
        # while the search runs: per move kept, what takes it back (see :meth:`revert`)
        self.log: (
            list[
                tuple[
                    list[tuple[bool, Key, Bookings]],
                    dict[int, Slot | None],
                    dict[Key, int],
                    dict[int, tuple[int, int]],
                ]
            ]
            | None
        ) = None
        self.worked: dict[Window, list[tuple[int, list[Key]]]] = {}  # per window: the days_to_try
        self.days_of: dict[int, list[Key]] = {}
        for k in sorted(books.busy):
            self.days_of.setdefault(k[0], []).append(k)
        self.apart: dict[tuple[int, int], bool] = {}  # per chain: see :meth:`surely_apart`

    def surely_apart(self, unit: tuple[Item, ...]) -> bool:
        """No teacher can hold two of the chain's siblings (their classes' teachers differ):
        then :func:`relocate.best_chain` looked at every chain, and when it found none the
        start-by-start search of :mod:`chains` would find none either."""
        key = (unit[0].position, len(unit))
        known = self.apart.get(key)
        if known is None:
            seen: set[str] = set()
            known = True
            for item in unit:
                conv = self.convs[item.position]
                names = {t.name for t in self.ctx.classes.get(conv.class_name or "", ())}
                names.update(conv.teachers)
                if names & seen:
                    known = False
                    break
                seen |= names
            self.apart[key] = known
        return known

    def tolerable(self, change: Totals, allow: int) -> bool:
        """The parts before idle time and waiting stay, and those two grow by at most
        ``allow`` minutes together (the search's walk; its best plan is kept apart)."""
        if any(getattr(change, f) for f in ("unplaced", "apart", "unmet", "teacher_days")):
            return False
        return change.idle + change.waiting <= allow

    def revert(self, moves: int) -> None:
        """Take back the last ``moves`` moves kept while :attr:`log` was on."""
        assert self.log is not None
        books = self.ctx.books
        for _ in range(moves):
            journal, old, saved_idle, saved_state = self.log.pop()
            books.undo(journal)
            for p, slot in old.items():
                self.slots[p] = slot
            self.idle.update(saved_idle)
            self.state.update(saved_state)
        self.on_key = None  # built again on the next look

    def units_on(self, key: Key) -> set[int]:
        """The units on teacher-day ``key`` (the index is built on the first call)."""
        if self.on_key is None:
            number, slots = self.teacher_number, self.slots
            on_key: dict[Key, set[int]] = {}
            for u, unit in enumerate(self.units):
                for item in unit:
                    slot = slots[item.position]
                    if slot is None:
                        continue
                    ordinal = slot.day.toordinal()
                    for t in slot.holders:
                        k = (number[t], ordinal)
                        if k in on_key:
                            on_key[k].add(u)
                        else:
                            on_key[k] = {u}
            self.on_key = on_key
        return self.on_key.get(key, set())

    def state_of(self, r: int) -> tuple[int, int]:
        """Family round ``r``: (1 when not back to back else 0, minutes waited)."""
        state = self.state.get(r)
        if state is None:
            state = self.state[r] = self.round_state(r)
        return state

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

    def run(self, budget: int) -> None:
        """Try the moves in a fixed order until ``budget`` conversations were re-placed:
        first each single conversation on a teacher-day with idle time, to where it adds the
        least; then each teacher-day that is not full, emptied onto days already worked;
        then passes of whole sibling chains and single conversations again, while a pass
        keeps a move (at most :data:`PASSES`)."""
        ctx, busy = self.ctx, self.ctx.books.busy
        cap = ctx.cap
        self.move_singles(budget)
        for key in sorted(busy, key=lambda k: (len(busy[k]), k)):
            if self.work >= budget:
                return
            if busy.get(key) and len(busy[key]) < cap and self.spare(key) >= len(busy[key]):
                self.attempt(key, Restrict(frozenset({key}), True, frozenset()))
        chains = [u for u, unit in enumerate(self.units) if len(unit) > 1]
        for _ in range(PASSES):
            kept = self.move_chains(chains, budget)
            if self.work >= budget:
                return
            kept = self.move_singles(budget) or kept
            if self.work >= budget:
                return
            kept = self.move_blocks(budget) or kept
            if not kept or self.work >= budget:
                return

    def move_blocks(self, budget: int) -> bool:
        """Compaction: on each teacher-day with idle time (most first), the conversations
        after a gap (at most :data:`BLOCK` units, chains whole) taken off together and
        placed again in the order they were in, earliest first, so the gap can close; and
        likewise those before it, latest first. True when a move was kept."""
        idle, anywhere = self.idle, Restrict(frozenset(), True, frozenset())
        pause, kept = self.ctx.pause, False
        for key in sorted((k for k, v in idle.items() if v), key=lambda k: (-idle[k], k)):
            if not idle.get(key):
                continue
            i = 1
            while i < len(bookings := self.ctx.books.busy.get(key, ())):
                if self.work >= budget:
                    return kept
                i += 1
                if bookings[i - 1][0] - bookings[i - 2][1] <= pause:
                    continue
                starts = self.unit_starts(key)
                after = [starts[a] for a, _ in bookings[i - 1 :] if a in starts]
                before = [starts[a] for a, _ in reversed(bookings[: i - 1]) if a in starts]
                for block in (after, before):
                    block = list(dict.fromkeys(block))[:BLOCK]
                    if block and self.attempt(key, anywhere, tuple(block)):
                        kept = True
                        break
        return kept

    def unit_starts(self, key: Key) -> dict[int, int]:
        """Per start on teacher-day ``key``: the unit that has a conversation there."""
        found: dict[int, int] = {}
        for u in self.units_on(key):
            for item in self.units[u]:
                slot = self.slots[item.position]
                if slot is not None and key in self.keys_of(slot):
                    found[slot.start] = u
        return found

    def move_singles(self, budget: int) -> bool:
        """Each single conversation beside idle time on a teacher-day (most idle first)
        placed again where it adds the least; True when a move was kept."""
        idle, anywhere = self.idle, Restrict(frozenset(), True, frozenset())
        kept = False
        for key in sorted((k for k, v in idle.items() if v), key=lambda k: (-idle[k], k)):
            for u in sorted(self.units_on(key)):
                if self.work >= budget:
                    return kept
                if idle.get(key) and len(self.units[u]) == 1 and self.beside_gap(key, u, EDGE):
                    kept = self.attempt(key, anywhere, (u,)) or kept
        return kept

    def move_chains(self, chains: list[int], budget: int) -> bool:
        """Each sibling chain on a teacher-day with idle time, or whose family waits, placed
        again whole where it adds the least idle time (:func:`relocate.best_chain`), on days
        already worked; True when a move was kept."""
        anywhere = Restrict(frozenset(), True, frozenset())
        kept = False
        for u in chains:
            if self.work >= budget:
                break
            unit = self.units[u]
            if self.slots[unit[0].position] is None:
                continue
            keys = [k for i in unit for k in self.keys_of(self.slots[i.position])]
            r = self.round_of.get(unit[0].position)
            waits = r is not None and self.state_of(r)[1] > 0
            if waits or any(self.idle.get(k) for k in keys):
                if self.attempt(keys[0], anywhere, (u,)):
                    kept = True
                    continue
                # the chain and the single conversations beside gaps on its teacher-days:
                # the chain first, then the singles fill what it leaves
                near = sorted(
                    {
                        v
                        for k in keys
                        if self.idle.get(k)
                        for v in self.units_on(k)
                        if len(self.units[v]) == 1 and self.beside_gap(k, v)
                    }
                )[: BLOCK - 1]
                if near and self.work < budget:
                    kept = self.attempt(keys[0], anywhere, (u, *near)) or kept
        return kept

    def beside_gap(self, key: Key, u: int, edge: bool = False) -> bool:
        """The single conversation ``u`` borders idle time on teacher-day ``key``: moving it
        elsewhere may close that gap (one not beside a gap would only open one). With
        ``edge``, only the day's first or last conversation: taking one from between two
        others leaves a gap at least its length, which a move elsewhere seldom repays."""
        slot = self.slots[self.units[u][0].position]
        if slot is None:
            return False
        bookings, pause = self.ctx.books.busy.get(key, ()), self.ctx.pause
        i = bookings.index((slot.start, slot.end))
        before = i > 0 and slot.start - bookings[i - 1][1] > pause
        after = i + 1 < len(bookings) and bookings[i + 1][0] - slot.end > pause
        if edge:
            return (before and i == len(bookings) - 1) or (after and i == 0)
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
        for i in self.days_to_try(window, restrict):
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
                    added = sum(added_idle(bookings, s, s + duration, pause) for bookings in own)
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

    def days_to_try(self, window: Window, restrict: Restrict | None) -> Iterable[int]:
        """The indices of ``window``'s days a move may use: under a restriction to days
        already worked, only the days one of the class's teachers worked after the greedy
        and still works with room left (known without building the others' entries: most
        of a long window stays unbuilt)."""
        if restrict is None or not restrict.open_only or restrict.also:
            return range(len(window.days))
        found = self.worked.get(window)
        if found is None:
            conv = window.conv
            names = [t.name for t in self.ctx.classes.get(conv.class_name or "", ())]
            numbers = [self.teacher_number.get(name) for name in names or conv.teachers]
            if not numbers or None in numbers:
                return range(len(window.days))
            found = []
            for i, day in enumerate(window.days):
                keys = [(n, day.toordinal()) for n in numbers if n is not None]
                if any(key in self.ctx.books.busy for key in keys):
                    found.append((i, keys))
            self.worked[window] = found
        busy, cap = self.ctx.books.busy, window.cap
        return [i for i, keys in found if any(0 < len(busy.get(k, ())) < cap for k in keys)]

    def spare(self, key: Key) -> int:
        """Room left on the other teacher-days of the same teacher in the books (an upper
        bound on what a closed teacher-day can hand on)."""
        busy, cap = self.ctx.books.busy, self.ctx.cap
        days = self.days_of.get(key[0], ())
        return sum(cap - len(busy[k]) for k in days if k != key and busy[k])

    def attempt(
        self, key: Key, restrict: Restrict, units: tuple[int, ...] = (), allow: int = -1
    ) -> bool:
        """Take ``units`` (default: all on teacher-day ``key``) off and place them again
        under ``restrict``; keep the result when the objective improves. ``allow`` 0 keeps
        it too when it stays the same, more when the parts before idle time stay and idle
        plus waiting grow by at most ``allow`` minutes (the search, which keeps its best
        plan). A move that leaves a conversation unplaced that had a slot is never kept,
        whatever the school's order."""
        ctx, books, slots = self.ctx, self.ctx.books, self.slots
        moved = list(units) or sorted(self.units_on(key))
        if not moved:
            return False
        old = {item.position: slots[item.position] for u in moved for item in self.units[u]}
        touched = {self.round_of[p] for p in old if p in self.round_of}
        saved_state = {r: self.state_of(r) for r in touched}
        soft = [item for u in moved for item in self.units[u] if item.soft]
        unmet_before = sum(self.unmet_of(item) for item in soft)
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
            if len(unit) > 1 and (
                best_chain(ctx, self.convs, slots, unit)
                or (not self.surely_apart(unit) and self.chains.chain(unit))
            ):
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
            self.idle[k] = idle_beyond_pause(books.busy.get(k, ()), ctx.pause, *self.long_break)
        for r in touched:
            self.state[r] = self.round_state(r)
        # the change in each part of the objective; kept when the first that changes drops
        lost = any(s is not None and slots[p] is None for p, s in old.items())
        change = Totals(
            sum(slots[p] is None for p in old) - sum(s is None for s in old.values()),
            sum(self.state[r][0] - saved_state[r][0] for r in touched),
            sum(self.unmet_of(item) for item in soft) - unmet_before,
            sum(bool(books.busy.get(k)) - held for k, held in first.items()),
            sum(self.idle[k] - saved_idle[k] for k in first),
            sum(self.state[r][1] - saved_state[r][1] for r in touched),
        )
        better = change.key(self.order)
        self.strict = not lost and better < NO_CHANGE
        if self.strict or (not lost and allow >= 0 and self.tolerable(change, allow)):
            self.change = change
            if self.log is not None:
                self.log.append((journal, old, saved_idle, saved_state))
            on_key = self.on_key
            if on_key is not None:
                for u in moved:
                    for item in self.units[u]:
                        for k in self.keys_of(old[item.position]):
                            on_key[k].discard(u)
                        for k in self.keys_of(slots[item.position]):
                            on_key.setdefault(k, set()).add(u)
            return True
        books.undo(journal)
        for p, slot in old.items():
            slots[p] = slot
        self.idle.update(saved_idle)
        self.state.update(saved_state)
        return False

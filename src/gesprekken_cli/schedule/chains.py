"""Sibling chains: the conversations of one family's round back to back on one day, in the
order given (youngest first), each sibling starting at most the family's waiting time after
the one before ends."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from gesprekken_cli.expand import Conversation
from gesprekken_cli.schedule.free import closed, earliest, free_starts, penalty
from gesprekken_cli.schedule.records import GRID, Booked, Choice, Day, Item, Rules, Slot
from gesprekken_cli.schedule.windows import Context, Window

# Nodes (a sibling tried at a start) one day's start-by-start search may visit: a chain that
# fits is found in a few dozen; a day where none fits could otherwise take minutes to refute.
NODE_LIMIT = 2_000


class Link(NamedTuple):
    """What a sibling's conversation needs: its length, the family's hard wishes, the day
    part and the teachers' cap per day."""

    duration: int
    hard: Rules
    day_part: str
    cap: int


class Chains:
    """Places whole sibling bundles over the books of a :class:`Context`; writes ``slots``."""

    def __init__(
        self, ctx: Context, conversations: Sequence[Conversation], slots: list[Slot | None]
    ) -> None:
        self.ctx, self.convs, self.slots = ctx, conversations, slots

    def chain(self, bundle: tuple[Item, ...]) -> bool:
        """Place the whole bundle back to back on one day; False when no day allows it."""
        ctx, books, convs = self.ctx, self.ctx.books, self.convs
        windows: list[Window] = []
        links: list[Link] = []
        soft = False
        for item in bundle:
            window = ctx.window(convs[item.position])
            windows.append(window)
            links.append(Link(item.duration, item.hard, window.day_part, window.cap))
            soft = soft or bool(item.soft)
        best: tuple[int, list[Booked]] | None = None
        for entries in self.common_days(windows):
            found = self.chain_day(bundle, links, entries)  # booked when found
            if found is None:
                continue
            cost = 0
            if soft:
                for item, link, booked in zip(bundle, links, found, strict=True):
                    cost += penalty(
                        item.soft, booked.entry.day, booked.start, booked.end, link.day_part
                    )
            if cost == 0:
                self._write(bundle, found)
                return True
            for item, booked in zip(bundle, found, strict=True):
                ordinal = booked.entry.ordinal
                books.unbook(
                    booked.choice.keys, (item.family, ordinal), ordinal, booked.start, booked.end
                )
            if best is None or cost < best[0]:
                best = (cost, found)
        if best is None:
            return False
        for item, booked in zip(bundle, best[1], strict=True):
            books.book(
                booked.choice.keys, (item.family, booked.entry.ordinal), booked.start, booked.end
            )
        self._write(bundle, best[1])
        return True

    def _write(self, bundle: tuple[Item, ...], found: list[Booked]) -> None:
        for item, (entry, s, e, choice) in zip(bundle, found, strict=True):
            self.slots[item.position] = Slot(entry.day, s, e, choice.holders)

    def common_days(self, windows: list[Window]) -> Iterator[list[Day]]:
        """The days every sibling's window has, in order: each sibling's entry for the day."""
        ctx, days = self.ctx, windows[0].days
        if all(w.days is days for w in windows):
            for i in range(len(days)):
                yield [w.entries[i] if i < len(w.entries) else ctx.entry(w, i) for w in windows]
            return
        common = set(days)
        for w in windows[1:]:
            common &= set(w.days)
        for day in sorted(common):
            yield [ctx.entry(w, w.position(day)) for w in windows]

    def chain_day(
        self, bundle: tuple[Item, ...], links: list[Link], entries: list[Day]
    ) -> list[Booked] | None:
        """The first chain on this day in search order (holders in order, earliest start
        first), booked; None when the day has none.

        When no teacher can hold two of the siblings, no sibling's booking changes where the
        next can go: each sibling's free starts are one bit set, and the starts from which the
        rest of the chain can follow are found with a few shifts. Otherwise :class:`Search`
        tries start after start.
        """
        ctx, books = self.ctx, self.ctx.books
        pause, wait, frees = ctx.pause, ctx.wait, books.frees
        day, ordinal = entries[0].day, entries[0].ordinal
        family = (bundle[0].family, ordinal)
        fam = books.family_busy.get(family, ())
        plans: list[list[Choice]] = []
        free: list[list[int]] = []  # per sibling and holders: the free starts
        names: list[str] = []
        restrict = ctx.restrict
        for (duration, hard, day_part, cap), (_, _, bounds, choices) in zip(
            links, entries, strict=True
        ):
            options: list[Choice] = []
            starts: list[int] = []
            for choice in choices:
                holders, keys, own_rules, _ = choice
                if restrict is not None and not restrict.allows(keys, books.busy):
                    continue
                own = books.open_books(keys, cap)
                if own is None:
                    continue
                options.append(choice)
                names.extend(holders)
                if bounds is None:
                    continue
                lo, hi = bounds
                if fam or hard or own_rules or len(keys) > 1:
                    rules = hard + own_rules if own_rules else hard
                    bits = free_starts(own, pause, fam, lo, hi, duration, rules, day, day_part)
                else:  # the same teacher day asked again by the next family of the class
                    key = (keys[0], lo, hi, duration)
                    known = frees.get(key)
                    if known is not None and known[0] is own[0]:
                        bits = known[1]
                    else:
                        bits = free_starts(own, pause, (), lo, hi, duration, (), day, day_part)
                        frees[key] = (own[0], bits)
                starts.append(bits)
            if bounds is None or not options:
                return None
            if hard and closed(hard, day, day_part):
                return None
            plans.append(options)
            free.append(starts)
        if not apart(names):
            search = Search(ctx, bundle, links, entries, plans)
            return search.chosen if search.search(0, 0) else None
        # ok[k]: per holders, the starts of sibling k from which the rest of the chain follows
        ok = free[:]
        for k in range(len(bundle) - 2, -1, -1):
            after = 0
            for bits in ok[k + 1]:
                after |= bits
            duration = links[k].duration
            reach = 0
            for shift in range(-(-duration // GRID), (duration + wait) // GRID + 1):
                reach |= after >> shift
            ok[k] = [bits & reach for bits in free[k]]
        chosen: list[Booked] = []
        window = -1  # the first sibling may start anywhere in its day part
        backtracked = False  # the start-by-start search would have taken a booking back
        last = len(bundle) - 1
        for k, entry in enumerate(entries):
            duration = links[k].duration
            for choice, bits, fits in zip(plans[k], free[k], ok[k], strict=True):
                fits &= window
                if fits:
                    low = fits & -fits
                    if k < last and bits & window & (low - 1):
                        backtracked = True
                    s = (low.bit_length() - 1) * GRID
                    chosen.append(Booked(entry, s, s + duration, choice))
                    break
                if k < last and bits & window:
                    backtracked = True
            else:
                if backtracked:
                    books.forget(ordinal)
                return None
            near, far = -(-duration // GRID), (duration + wait) // GRID
            window = ((2 << (far - near)) - 1) << (s // GRID + near) if far >= near else 0
        if backtracked:
            books.forget(ordinal)
        for _, s, e, choice in chosen:
            books.book(choice[1], family, s, e)
        return chosen


def apart(holders: list[str]) -> bool:
    """No teacher is among the holders of two siblings (nor twice for one)."""
    return len(set(holders)) == len(holders)


class Search:
    """The start-by-start search for one sibling chain on one day, for when a teacher may
    hold two of the siblings: each sibling in turn takes the first holders and start that
    leave a way for the rest, booked as it goes.

    A sibling starts no earlier than the one before ends, so the family's own bookings of
    this chain never collide with the next; only a teacher who may hold a later sibling too
    is booked while searching, the rest once the chain is found. (A class with a method, not
    a closure: a closure that calls itself is a reference cycle only the collector frees.)
    """

    __slots__ = (
        "bundle",
        "chosen",
        "ctx",
        "entries",
        "family",
        "later",
        "links",
        "nodes",
        "plans",
        "taken",
    )

    def __init__(
        self,
        ctx: Context,
        bundle: tuple[Item, ...],
        links: list[Link],
        entries: list[Day],
        plans: list[list[Choice]],
    ) -> None:
        self.ctx, self.bundle, self.links, self.entries, self.plans = (
            ctx, bundle, links, entries, plans
        )  # fmt: skip
        later: list[frozenset[str]] = [frozenset()] * len(bundle)
        for k in range(len(bundle) - 2, -1, -1):
            later[k] = later[k + 1] | {t for choice in plans[k + 1] for t in choice.holders}
        self.later = later
        self.family = (bundle[0].family, entries[0].ordinal)
        self.chosen: list[Booked] = []
        self.taken: list[bool] = []  # per chosen: its holders are booked already
        self.nodes = 0  # siblings tried at a start so far; the search gives up at NODE_LIMIT

    def search(self, k: int, after: int) -> bool:
        """Sibling ``k`` and the rest, the first starting no earlier than ``after``; False
        also when the day took :data:`NODE_LIMIT` tries without a chain."""
        ctx, books, chosen = self.ctx, self.ctx.books, self.chosen
        if k == len(self.bundle):
            for booked, taken in zip(chosen, self.taken, strict=True):
                books.book(
                    () if taken else booked.choice.keys, self.family, booked.start, booked.end
                )
            return True  # the whole chain stays booked
        entry, (duration, hard, day_part, cap) = self.entries[k], self.links[k]
        day, ordinal, (lo, hi) = entry.day, entry.ordinal, entry.bounds or (0, 0)
        first = lo if k == 0 else max(lo, after)
        latest = hi if k == 0 else min(hi, after + ctx.wait)
        shared, pause = self.later[k], ctx.pause
        fam = books.family_busy.get(self.family, ())
        for choice in self.plans[k]:
            holders, keys, rules, _ = choice
            if not books.room(keys, cap):
                continue
            own = books.books(keys)
            rules = hard + rules if rules else hard
            book = any(t in shared for t in holders)
            s: int | None = first
            while s is not None and s <= latest:
                s = earliest(own, pause, fam, s, hi, duration, rules, day, day_part)
                if s is None or s > latest:
                    break
                self.nodes += 1
                if self.nodes > NODE_LIMIT:
                    return False
                e = s + duration
                if book:
                    books.book(keys, None, s, e)
                chosen.append(Booked(entry, s, e, choice))
                self.taken.append(book)
                if self.search(k + 1, e):
                    return True
                chosen.pop()
                self.taken.pop()
                if book:
                    books.unbook(keys, None, ordinal, s, e)
                else:
                    books.forget(ordinal)
                if self.nodes > NODE_LIMIT:
                    return False
                s += GRID
        return False

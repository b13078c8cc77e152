"""The improvement step's chain move: a whole sibling chain placed again where it adds the
least idle time to its teachers' days.

The greedy's chain search (:mod:`chains`) takes the first chain in search order, earliest
start first; this one looks at every chain on every common day (siblings back to back in the
order given, each starting at most the family's waiting time after the one before ends) and
books the one that misses the fewest wishes, then adds the least idle time beyond the pause,
then keeps the family waiting least, then comes first. It handles chains whose siblings have
different teachers (the usual case; a teacher who may hold two siblings changes the next
sibling's free starts, so :class:`chains.Search` places those).
"""

from __future__ import annotations

from collections.abc import Sequence

from gesprekken_cli.expand import Conversation
from gesprekken_cli.schedule.chains import Chains, apart
from gesprekken_cli.schedule.free import closed, free_starts, penalty
from gesprekken_cli.schedule.records import GRID, Booked, Bookings, Choice, Day, Item, Slot
from gesprekken_cli.schedule.windows import Context, Window


def added_idle(bookings: Sequence[tuple[int, int]], s: int, e: int, pause: int) -> int:
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


Option = tuple[Choice, tuple[Bookings, ...], int]  # holders, their day's bookings, free starts
Path = tuple[tuple[int, int], ...]  # per sibling from one on: (holders' index, start index)
Value = tuple[int, int, int, Path]  # wishes missed, idle added, waiting, path


def best_chain(
    ctx: Context, convs: Sequence[Conversation], slots: list[Slot | None], bundle: tuple[Item, ...]
) -> bool:
    """Book ``bundle`` as the best chain (see the module docstring) and write its slots;
    False (nothing booked) when no chain fits or a teacher may hold two of the siblings."""
    books, pause, wait, restrict = ctx.books, ctx.pause, ctx.wait, ctx.restrict
    windows = [ctx.window(convs[item.position]) for item in bundle]
    best: tuple[int, int, int, int, int] | None = None
    chosen: list[Booked] = []
    for index, entries in enumerate(Chains(ctx, convs, slots).common_days(windows)):
        ordinal = entries[0].ordinal
        fam = books.family_busy.get((bundle[0].family, ordinal), ())
        options: list[list[Option]] = []
        names: list[str] = []
        for item, window, entry in zip(bundle, windows, entries, strict=True):
            day, _, bounds, choices = entry
            if bounds is None or (item.hard and closed(item.hard, day, window.day_part)):
                break
            found: list[Option] = []
            for choice in choices:
                if restrict is not None and not restrict.allows(choice.keys, books.busy):
                    continue
                own = books.open_books(choice.keys, window.cap)
                if own is None:
                    continue
                names.extend(choice.holders)
                rules = item.hard + choice.rules if choice.rules else item.hard
                lo, hi = bounds
                bits = free_starts(
                    own, pause, fam, lo, hi, item.duration, rules, day, window.day_part
                )
                if bits:
                    found.append((choice, own, bits))
            if not found:
                break
            options.append(found)
        else:
            if not apart(names):
                return False
            fit = Fit(bundle, windows, entries, options, pause, wait, index)
            if fit.best is not None and (best is None or fit.best < best):
                best, chosen = fit.best, fit.chosen
    if best is None:
        return False
    family = bundle[0].family
    for item, (entry, s, e, choice) in zip(bundle, chosen, strict=True):
        books.book(choice.keys, (family, entry.ordinal), s, e)
        slots[item.position] = Slot(entry.day, s, e, choice.holders)
    return True


class Fit:
    """The best chain on one day, sibling after sibling back to front: for each sibling's
    holders and free start, the best way to end the chain from there (the siblings have
    different teachers, so a sibling's booking does not change where the next can go and
    each part of the score adds up). Ties go the way a depth-first walk over holders and
    starts in order would take them: the first such chain wins."""

    __slots__ = ("best", "bundle", "chosen", "entries", "index", "options", "pause", "wait")

    def __init__(
        self,
        bundle: tuple[Item, ...],
        windows: Sequence[Window],
        entries: list[Day],
        options: list[list[Option]],
        pause: int,
        wait: int,
        index: int,
    ) -> None:
        self.bundle, self.entries, self.options = bundle, entries, options
        self.pause, self.wait, self.index = pause, wait, index
        self.best: tuple[int, int, int, int, int] | None = None
        self.chosen: list[Booked] = []
        self.solve(windows)

    def solve(self, windows: Sequence[Window]) -> None:
        bundle, pause, last = self.bundle, self.pause, len(self.bundle) - 1
        # the starts each sibling can have after some start of the one before (bit sets)
        reach = [-1]  # the first: any
        for k in range(1, last + 1):
            duration = bundle[k - 1].duration
            before, spread = reach[-1], 0
            for shift in range(-(-duration // GRID), (duration + self.wait) // GRID + 1):
                spread |= before << shift
            free = 0
            for _, _, bits in self.options[k]:
                free |= bits
            reach.append(spread & free)
        # per start index of the sibling: the best way on from there (over its holders)
        after: dict[int, Value] = {}
        for k in range(last, -1, -1):
            item, window, entry = bundle[k], windows[k], self.entries[k]
            duration, soft, day_part = item.duration, item.soft, window.day_part
            near, far = -(-duration // GRID), (duration + self.wait) // GRID
            here: dict[int, Value] = {}
            for o, (choice, own, bits) in enumerate(self.options[k]):
                bits &= reach[k]
                books = own[: len(choice.keys)]  # the holders' talks, not their breaks
                while bits:
                    low = bits & -bits
                    bits ^= low
                    i = low.bit_length() - 1
                    s = i * GRID
                    e = s + duration
                    tail: Value | None = None  # the best way on from here (first: is there one)
                    if k < last:
                        for j in range(i + near, i + far + 1):
                            found = after.get(j)
                            if found is not None:
                                w = j * GRID - e + found[2]
                                then: Value = (found[0], found[1], w, found[3])
                                if tail is None or then < tail:
                                    tail = then
                        if tail is None:
                            continue
                    c = penalty(soft, entry.day, s, e, day_part) if soft else 0
                    d = 0
                    for bookings in books:
                        d += added_idle(bookings, s, e, pause)
                    value: Value
                    if tail is None:
                        value = (c, d, 0, ((o, i),))
                    else:
                        value = (c + tail[0], d + tail[1], tail[2], ((o, i), *tail[3]))
                    known = here.get(i)
                    if known is None or value[:3] < known[:3]:
                        here[i] = value
            after = here
        best: tuple[tuple[int, int, int, int, int], Path] | None = None
        for i, (c, d, w, path) in after.items():
            score = (c, d, w, self.index, i * GRID)
            if best is None or (score, path) < best:
                best = (score, path)
        if best is None:
            return
        self.best = best[0]
        self.chosen = []
        for k, (o, i) in enumerate(best[1]):
            s = i * GRID
            choice = self.options[k][o][0]
            self.chosen.append(Booked(self.entries[k], s, s + bundle[k].duration, choice))

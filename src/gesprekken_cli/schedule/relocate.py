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
            fit.walk(0, 0, 24 * 60, 0, 0, 0)
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
    """The depth-first walk over one day's chains: sibling after sibling, each option and
    free start, keeping the best complete chain (a class, not a closure: no cycle)."""

    __slots__ = (
        "best",
        "bundle",
        "chosen",
        "entries",
        "index",
        "options",
        "path",
        "pause",
        "wait",
        "windows",
    )

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
        self.bundle, self.windows, self.entries, self.options = bundle, windows, entries, options
        self.pause, self.wait, self.index = pause, wait, index
        self.best: tuple[int, int, int, int, int] | None = None
        self.chosen: list[Booked] = []
        self.path: list[tuple[Option, int]] = []

    def walk(self, k: int, lo: int, hi: int, cost: int, idle: int, waiting: int) -> None:
        """Sibling ``k`` starting from ``lo`` to ``hi`` and the rest after it."""
        item, window, entry, path = self.bundle[k], self.windows[k], self.entries[k], self.path
        duration, pause, last = item.duration, self.pause, len(self.bundle) - 1
        for option in self.options[k]:
            _, own, bits = option
            for i in range(max(-(-lo // GRID), 0), min(hi // GRID, bits.bit_length() - 1) + 1):
                if not bits >> i & 1:
                    continue
                s = i * GRID
                e = s + duration
                c = cost
                if item.soft:
                    c += penalty(item.soft, entry.day, s, e, window.day_part)
                d = idle + sum(added_idle(b, s, e, pause) for b in own)
                w = waiting + (s - lo if k else 0)
                path.append((option, s))
                if k < last:
                    self.walk(k + 1, e, e + self.wait, c, d, w)
                else:
                    score = (c, d, w, self.index, path[0][1])
                    if self.best is None or score < self.best:
                        self.best = score
                        self.chosen = [
                            Booked(self.entries[j], s0, s0 + self.bundle[j].duration, o[0])
                            for j, (o, s0) in enumerate(path)
                        ]
                path.pop()

"""Placing one conversation: keep a published slot when still valid, else the earliest day
and time that honours every hard rule and as many soft wishes as possible."""

from __future__ import annotations

from collections.abc import Sequence

from gesprekken_cli.expand import AMSTERDAM, Conversation
from gesprekken_cli.schedule.free import closed, earliest, penalty
from gesprekken_cli.schedule.reasons import Reason
from gesprekken_cli.schedule.records import GRID, Choice, Day, Item, Published, Slot, clock
from gesprekken_cli.schedule.windows import Context, Dead


class Placer:
    """Day and time search over the books of a :class:`Context`; writes ``slots``."""

    def __init__(
        self, ctx: Context, conversations: Sequence[Conversation], slots: list[Slot | None]
    ) -> None:
        self.ctx, self.convs, self.slots = ctx, conversations, slots

    def pin(self, item: Item, published: Published) -> None:
        """Keep a published slot when it is still valid; else leave it for the search."""
        ctx, books = self.ctx, self.ctx.books
        c = self.convs[item.position]
        start, end = published.start.astimezone(AMSTERDAM), published.end.astimezone(AMSTERDAM)
        day = start.date()
        if end.date() != day or day not in ctx.days(c):
            return
        s, e = clock(start.time()), clock(end.time())
        bounds = ctx.bounds(c, day)
        if bounds is None or s < bounds[0] or e > bounds[1] or e - s != item.duration:
            return
        options = ctx.holders(c, day)
        holders = published.teachers if published.teachers in options else None
        if holders is None:
            return
        ordinal = day.toordinal()
        keys = tuple((books.book_of(f"t:{t}"), ordinal) for t in holders)
        if not books.room(keys, ctx.cap_of(c.type_id)):
            return
        pause = ctx.pause
        for bookings in books.books(keys):
            if any(s < b + pause and a < e + pause for a, b in bookings):
                return
        if any(s < b and a < e for a, b in books.family_busy.get((item.family, ordinal), ())):
            return
        rules = (*item.hard, *ctx.holder_rules(holders))
        if any(cond.hits(day, s, e, c.day_part) for r in rules for cond in r):
            return
        books.book(keys, (item.family, ordinal), s, e)
        self.slots[item.position] = Slot(day, s, e, holders)

    def single(self, item: Item) -> Reason | None:
        """Book ``item`` at its best day and time; the reason when there is none."""
        ctx, (index, family, duration, hard, soft) = self.ctx, item
        books = ctx.books
        window = ctx.window(self.convs[index])
        entries, day_part, cap = window.entries, window.day_part, window.cap
        pause, full = ctx.pause, books.full
        family_busy = books.family_busy
        best: tuple[int, int, Day, Choice] | None = None  # penalty, start, day, choice
        teacher_day = day_part_fits = wish_day = teacher_wish = False
        # Days found full stay full until something is taken back: start after them.
        start, dead = 0, not hard
        restrict = ctx.restrict
        if restrict is not None:  # days skipped for the move are not full
            dead = False
        if dead:
            known = window.dead
            if known is not None and (known.duration, known.forgotten) == (
                duration,
                books.forgotten,
            ):
                start, teacher_day = known.start, known.teacher_day
                day_part_fits = wish_day = known.day_part_fits
        for i in range(start, len(window.days)):
            entry = entries[i] if i < len(entries) else ctx.entry(window, i)
            day, ordinal, bounds, choices = entry
            if not choices:
                continue
            teacher_day = True
            if bounds is None or bounds[1] - bounds[0] < duration:
                continue
            day_part_fits = True
            if hard and closed(hard, day, day_part):
                continue
            wish_day = True
            lo, hi = bounds
            fam = family_busy.get((family, ordinal), ())
            for choice in choices:
                _, keys, own_rules, full_key = choice
                if restrict is not None and not restrict.allows(keys, books.busy):
                    continue
                own_books = books.open_books(keys, cap)
                if own_books is None:
                    continue
                marks = full.get(ordinal)
                if marks is not None:
                    failed = marks.get(full_key)
                    if failed is not None and duration >= failed:
                        continue
                if dead:
                    window.dead = Dead(duration, books.forgotten, i, teacher_day, day_part_fits)
                    dead = False
                rules = hard + own_rules if own_rules else hard
                s = earliest(own_books, pause, fam, lo, hi, duration, rules, day, day_part)
                if s is None:
                    if rules is not hard and not teacher_wish:
                        free = earliest(
                            own_books, pause, fam, lo, hi, duration, hard, day, day_part
                        )
                        teacher_wish = free is not None
                    if not hard and not fam:
                        books.mark_full(ordinal, full_key, duration)
                    continue
                if not soft:
                    best = (0, s, entry, choice)
                    break
                while s is not None:
                    cost = penalty(soft, day, s, s + duration, day_part)
                    if best is None or cost < best[0]:
                        best = (cost, s, entry, choice)
                    if cost == 0:
                        break
                    s = earliest(
                        own_books, pause, fam, s + GRID, hi, duration, rules, day, day_part
                    )
                if best is not None and best[0] == 0:
                    break
            if best is not None and best[0] == 0:
                break
        if dead:
            done = (duration, books.forgotten, len(window.days), teacher_day, day_part_fits)
            window.dead = Dead(*done)
        if best is None:
            if not teacher_day:
                return Reason.NO_TEACHER_DAY
            if not day_part_fits:
                return Reason.DAY_PART_TOO_SHORT
            if not wish_day:
                return Reason.FAMILY_WISH
            if teacher_wish:
                return Reason.TEACHER_WISH
            return Reason.FULL
        _, s, entry, choice = best
        books.book(choice.keys, (family, entry.ordinal), s, s + duration)
        self.slots[index] = Slot(entry.day, s, s + duration, choice.holders)
        return None

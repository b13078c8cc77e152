"""The scheduler's one entry: a concrete start and end for every individual conversation
that needs one.

Pure and deterministic: the same cycle, calendar, roster, conversations, wishes and previous
slots always give the same schedule. Greedy with a careful order: slots published before
(``--vorig``) are kept first when still valid, then families with siblings (one chain per
family and round, same day, back to back in a stable youngest-first order), then the rest,
narrowest window first; each takes the earliest day and time that honours every hard rule
and as many soft wishes as possible. Times run on a 5-minute grid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from gesprekken_cli.calendar import SchoolCalendar
from gesprekken_cli.errors import Problem
from gesprekken_cli.expand import AMSTERDAM, Conversation
from gesprekken_cli.model import Roster
from gesprekken_cli.rules.model import Cycle
from gesprekken_cli.schedule.breaks import note_breaks
from gesprekken_cli.schedule.chains import Chains
from gesprekken_cli.schedule.order import bundles_of, items_of, placing_order, youngest_first
from gesprekken_cli.schedule.placement import Placer
from gesprekken_cli.schedule.quality import quality
from gesprekken_cli.schedule.reasons import Reason, describe
from gesprekken_cli.schedule.records import Item, Published, Schedule, Slot, Unplaced
from gesprekken_cli.schedule.windows import Context

if TYPE_CHECKING:
    from gesprekken_cli.roster.wishes import Wishes

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
    previous_file: str = "--vorig",
) -> Schedule:
    """Give every conversation that :func:`needs_slot` a start and end where it fits.

    ``previous_file`` names the previous plan in the warnings about its slots.
    """
    previous = previous or {}
    ctx = Context(cycle, cal, roster, wishes)
    notes: list[Problem] = []
    kept: list[Conversation | None] = list(conversations)
    items, siblings = items_of(ctx.books, conversations, wishes, kept, notes)
    slots: list[Slot | None] = [None] * len(conversations)
    placer = Placer(ctx, conversations, slots)
    chains = Chains(ctx, conversations, slots)
    if previous:
        for item in items:
            published = previous.get(conversations[item.position].uid)
            if published is not None:
                placer.pin(item, published)
    failed: list[tuple[Item, Reason]] = []
    bundles, families = bundles_of(siblings, conversations, slots, bool(previous))
    for bundle in placing_order(bundles, conversations):
        if len(bundle) == 1:
            reason = placer.single(bundle[0])
            if reason is not None:
                failed.append((bundle[0], reason))
            continue
        bundle = youngest_first(bundle, conversations)
        if not chains.chain(bundle):
            for item in bundle:
                reason = placer.single(item)
                if reason is not None:
                    failed.append((item, reason))
    unplaced = sorted(_unplaced(ctx, conversations, item, reason) for item, reason in failed)
    reasons = {u.uid: u.reason for u in unplaced}

    def warn(uid: str, message: str, code: str) -> None:
        notes.append(Problem(previous_file, f"{uid}: {message}", code=code, severity="warning"))

    times: dict[tuple[date, int, int], tuple[datetime, datetime]] = {}
    for index, _, duration, _, _ in items:
        c, slot = conversations[index], slots[index]
        published = previous.get(c.uid) if previous else None
        if slot is None:
            note = f"niet ingepland: {reasons.get(c.uid, '')}"
            kept[index] = c._replace(note=f"{c.note}; {note}" if c.note else note)
            if published is not None:
                warn(
                    c.uid,
                    "eerder gepubliceerde tijd vervalt (niet meer in te plannen)",
                    "vorig-vervalt",
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
                warn(
                    c.uid,
                    f"verplaatst van {published.start:%d-%m-%Y %H.%M} naar {start:%d-%m-%Y %H.%M}",
                    "vorig-verplaatst",
                )
        kept[index] = _with_slot(c, start, end, holders, duration, sequence)
    if previous:
        present = {c.uid for c in conversations}
        for uid in sorted(set(previous) - present):
            warn(uid, "eerder gepubliceerd gesprek staat niet meer in het plan", "vorig-verdwenen")
    school = cycle.school
    result = note_breaks(
        [c for c in kept if c is not None], school.max_zonder_pauze, school.lange_pauze_minuten
    )
    figures = quality(
        [slots[item.position] for item in items],
        [[slots[item.position] for item in group] for group in families],
        wait=ctx.wait,
        teacher_days=ctx.books.busy.values(),
    )
    return Schedule(result, tuple(unplaced), figures, tuple(notes))


def _unplaced(
    ctx: Context, conversations: Sequence[Conversation], item: Item, reason: Reason
) -> Unplaced:
    c = conversations[item.position]
    text = describe(reason, c, duration=item.duration, cap=ctx.cap_of(c.type_id), pause=ctx.pause)
    return Unplaced(c.uid, reason.value, text)

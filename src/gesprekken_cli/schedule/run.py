"""The scheduler's one entry: a concrete start and end for every individual conversation
that needs one.

Pure and deterministic: the same cycle, calendar, roster, conversations, wishes and previous
slots always give the same schedule. Greedy with a careful order: slots published before
(``--vorig``) are kept first when still valid, then families with siblings (one chain per
family and round, same day, back to back in a stable youngest-first order), then the rest,
narrowest window first; each takes the earliest day and time that honours every hard rule
and as many soft wishes as possible. Times run on a 5-minute grid. A large round made of
independent parts (a board's schools) is scheduled in two halves (:mod:`.parts`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING, NamedTuple

from gesprekken_cli.calendar import SchoolCalendar
from gesprekken_cli.errors import Problem
from gesprekken_cli.expand import AMSTERDAM, Conversation
from gesprekken_cli.model import Roster
from gesprekken_cli.rules.model import Cycle
from gesprekken_cli.schedule.bookings import Key
from gesprekken_cli.schedule.breaks import note_breaks
from gesprekken_cli.schedule.chains import Chains
from gesprekken_cli.schedule.free import penalty
from gesprekken_cli.schedule.improve import DEFAULT_ORDER, Improver, budget
from gesprekken_cli.schedule.order import (
    SiblingKey,
    bundles_of,
    items_of,
    placing_order,
    split,
    youngest_first,
)
from gesprekken_cli.schedule.parts import both, halves, shares
from gesprekken_cli.schedule.placement import Placer
from gesprekken_cli.schedule.quality import FamilyRound, family_state, quality
from gesprekken_cli.schedule.reasons import Reason, describe
from gesprekken_cli.schedule.records import Bookings, Item, Published, Schedule, Slot, Unplaced
from gesprekken_cli.schedule.ruin import (
    regroup,
    ruin_and_recreate,
    search_budget,
    worth_searching,
)
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
    # Kept: 6.97 against 6.49 billion instructions for a board's plan with ``_replace``.
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
    improve: bool = True,
) -> Schedule:
    """Give every conversation that :func:`needs_slot` a start and end where it fits.

    ``previous_file`` names the previous plan in the warnings about its slots; ``improve``
    False keeps the greedy's plan (for benchmarks and tests that compare the two).
    """
    previous = previous or {}
    ctx = Context(cycle, cal, roster, wishes)
    notes: list[Problem] = []
    kept: list[Conversation | None] = list(conversations)
    items, siblings = items_of(ctx.books, conversations, wishes, kept, notes)
    slots: list[Slot | None] = [None] * len(conversations)
    families = [group for group in siblings.values() if len(group) > 1]
    work = budget(len(items)) if improve else 0
    two = halves(roster, conversations, items)
    failed: list[tuple[Item, Reason]]
    if two is None:
        failed = _place(ctx, conversations, items, siblings, slots, previous, notes, work)
        teacher_days: list[Bookings] = list(ctx.books.busy.values())
    else:
        numbers = ctx.books.numbers
        work_of = shares(work, two.sizes)
        first = two.families[0]
        mine: tuple[list[Item], list[Item]] = ([], [])
        for item in items:
            mine[item.family not in first].append(item)  # False (0): the first half
        groups: tuple[dict[SiblingKey, tuple[Item, ...]], ...] = ({}, {})
        for key, group in siblings.items():
            groups[group[0].family not in first][key] = group

        def half(n: int) -> _Part:
            own = Context(cycle, cal, roster, wishes)
            own.books.numbers.update(numbers)  # the families' books as items_of numbered them
            found: list[Slot | None] = [None] * len(conversations)
            said: list[Problem] = []
            lost = _place(own, conversations, mine[n], groups[n], found, previous, said, work_of[n])
            placed = [(i.position, s) for i in mine[n] if (s := found[i.position]) is not None]
            return _Part(placed, [(i.position, r) for i, r in lost], said, own.books.busy)

        failed, teacher_days = [], []
        for part in both(lambda: half(0), lambda: half(1)):
            for position, given in part.placed:
                slots[position] = given
            if part.failed:
                by_position = {item.position: item for item in items}
                failed += [(by_position[position], reason) for position, reason in part.failed]
            notes += part.notes
            teacher_days += part.busy.values()
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
    rounds = [_family_round(conversations, group, slots, ctx.wait) for group in families]
    for group, family in zip(families, rounds, strict=True):
        state = family.state
        if state.back_to_back:
            continue
        if state.splits:
            remark = f"verdeeld over {state.splits + 1} dagen"
        elif any(slots[item.position] is None for item in group):
            remark = "niet alle gesprekken ingepland"
        else:
            remark = f"wachttijd tot {state.longest} min"
        remark = f"broers/zussen niet aansluitend: {remark}"
        for item in group:
            member = kept[item.position]
            if member is not None:
                note = f"{member.note}; {remark}" if member.note else remark
                kept[item.position] = member._replace(note=note)
    unmet = 0
    for position, _, _, _, soft in items if wishes is not None else ():
        slot = slots[position]
        if soft and slot is not None:
            day_part = conversations[position].day_part
            unmet += penalty(soft, slot.day, slot.start, slot.end, day_part)
    school = cycle.school
    result = note_breaks(
        [c for c in kept if c is not None], school.max_zonder_pauze, school.lange_pauze_minuten
    )
    figures = quality(
        [slots[item.position] for item in items],
        rounds,
        pause=ctx.pause,
        long_break=(ctx.books.limit, ctx.books.rest),
        teacher_days=teacher_days,
        unplaced=[u.code for u in unplaced],
        wishes_unmet=unmet,
    )
    return Schedule(result, tuple(unplaced), figures, tuple(notes))


class _Part(NamedTuple):
    """What one half of a round (:mod:`.parts`) gives back: its slots by position, its
    unplaced talks with the reason, its warnings and its teachers' days."""

    placed: list[tuple[int, Slot]]
    failed: list[tuple[int, Reason]]
    notes: list[Problem]
    busy: dict[Key, Bookings]


def _place(
    ctx: Context,
    conversations: Sequence[Conversation],
    items: list[Item],
    siblings: dict[SiblingKey, tuple[Item, ...]],
    slots: list[Slot | None],
    previous: Mapping[str, Published],
    notes: list[Problem],
    work: int,
) -> list[tuple[Item, Reason]]:
    """The greedy and then the improvement step (``work``: its budget, 0 for none) for
    ``items`` on the books of ``ctx``; writes ``slots`` and returns what did not fit."""
    placer = Placer(ctx, conversations, slots)
    chains = Chains(ctx, conversations, slots)
    if previous:
        # in time order: a talk pinned before talks already pinned could move a long break
        pins = [
            (p.start, item)
            for item in items
            if (p := previous.get(conversations[item.position].uid))
        ]
        for _, item in sorted(pins, key=lambda pin: (pin[0], pin[1].position)):
            placer.pin(item, previous[conversations[item.position].uid])
    failed: list[tuple[Item, Reason]] = []
    units: list[tuple[Item, ...]] = []  # what the improvement step may move: chains, singles
    bundles, families = bundles_of(siblings, conversations, slots, bool(previous))
    for bundle in placing_order(bundles, conversations):
        if len(bundle) == 1:
            reason = placer.single(bundle[0])
            if reason is not None:
                failed.append((bundle[0], reason))
            else:
                units.append(bundle)
            continue
        bundle = youngest_first(bundle, conversations)
        parts = [bundle]
        if len(bundle) > ctx.least_cap:  # more siblings in one class than fit its day?
            parts = split(bundle, _days_needed(ctx, conversations, bundle))
        if len(parts) > 1:
            c = conversations[bundle[0].position]
            notes.append(
                Problem(
                    ctx.source,
                    f"gezin {c.family_id}: {len(bundle)} gesprekken '{c.type_name}' "
                    f"(ronde {c.round}) passen niet op één dag (meer kinderen in één klas dan "
                    f"gesprekken per leerkracht per dag); verdeeld over {len(parts)} delen",
                    code="gezin-gesplitst",
                    severity="warning",
                )
            )
        for part in parts:
            if chains.chain(part):
                units.append(part)
                continue
            for item in part:
                reason = placer.single(item)
                if reason is not None:
                    failed.append((item, reason))
                else:
                    units.append((item,))
    # A talk on request keeps the earliest time it got: moving it later to save a teacher a
    # day would keep a family that asked for it waiting.
    units = [u for u in units if conversations[u[0].position].status == "verplicht"]
    if work and units:
        order = ctx.cycle.school.optimaliseren or DEFAULT_ORDER
        improver = Improver(ctx, conversations, slots, units, families, order)
        improver.run(work)
        extra = search_budget(len(items))
        if extra and worth_searching(improver):
            # the search may also place what the greedy could not and join split families
            mandatory = [i for i, _ in failed if conversations[i.position].status == "verplicht"]
            regroup(improver, mandatory)
            ruin_and_recreate(improver, extra)
            failed = [(item, reason) for item, reason in failed if slots[item.position] is None]
    return failed


def _days_needed(
    ctx: Context, conversations: Sequence[Conversation], bundle: tuple[Item, ...]
) -> int:
    """The days a sibling bundle needs at least: per class, its siblings over the class's
    conversations per teacher per day."""
    count: dict[str, int] = {}
    cap: dict[str, int] = {}
    for item in bundle:
        c = conversations[item.position]
        key = c.class_name or ""
        count[key] = count.get(key, 0) + 1
        cap[key] = ctx.window(c).cap
    return max(-(-n // cap[key]) for key, n in count.items())


def _family_round(
    conversations: Sequence[Conversation],
    group: tuple[Item, ...],
    slots: list[Slot | None],
    wait: int,
) -> FamilyRound:
    c = conversations[group[0].position]
    household = ", tweede huishouden" if c.household >= 2 else ""
    name = f"gezin {c.family_id} ({c.type_name}, ronde {c.round}{household})"
    return FamilyRound(name, family_state([slots[item.position] for item in group], wait))


def _unplaced(
    ctx: Context, conversations: Sequence[Conversation], item: Item, reason: Reason
) -> Unplaced:
    c = conversations[item.position]
    text = describe(reason, c, duration=item.duration, cap=ctx.cap_of(c.type_id), pause=ctx.pause)
    return Unplaced(c.uid, reason.value, text)

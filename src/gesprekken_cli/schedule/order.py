"""What to place and in which order: the conversations with their wishes, siblings of one
round bundled, families first, then the narrowest window."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING

from gesprekken_cli.errors import Problem
from gesprekken_cli.expand import Conversation
from gesprekken_cli.schedule.bookings import Books
from gesprekken_cli.schedule.records import Item, Slot

if TYPE_CHECKING:
    from gesprekken_cli.roster.wishes import Wishes

SiblingKey = tuple[str, int, str, int]  # family, household 1 or 2, type, round
_first, _uid = itemgetter(0), attrgetter("uid")


def needs_slot(c: Conversation) -> bool:
    """Only individual conversations that will happen get a slot (not open windows)."""
    if not c.is_individual or c.start is not None:
        return False
    return c.status == "verplicht" or (c.status == "op_verzoek" and c.requested)


def items_of(
    books: Books,
    conversations: Sequence[Conversation],
    wishes: Wishes | None,
    kept: list[Conversation | None],
    notes: list[Problem],
) -> tuple[list[Item], dict[SiblingKey, tuple[Item, ...]]]:
    """The conversations to place, with their wishes, and the same grouped as siblings of
    one round (family, household 1 or 2, type, round); a conversation the wishes skip is
    dropped from ``kept``."""
    items: list[Item] = []
    siblings: dict[SiblingKey, tuple[Item, ...]] = {}
    any_wishes = wishes is not None and bool(wishes.items)
    numbers = books.numbers
    for index, c in enumerate(conversations):
        # needs_slot(c), written out: this runs once per conversation of the plan
        if c.start is not None or c.form != "individueel" or c.pupil_id is None or c.skipped:
            continue
        if c.status != "verplicht" and (c.status != "op_verzoek" or not c.requested):
            continue
        family = f"g:{c.family_id}" if c.family_id else f"l:{c.pupil_id}"
        number = numbers.get(family)
        if number is None:
            number = books.book_of(family)
        if wishes is None or not any_wishes:
            item = Item(index, number, c.duration, (), ())
        else:
            own = wishes.about("leerling", c.pupil_id) + wishes.about("gezin", c.family_id)
            own = tuple(w for w in own if w.applies(c.type_id, c.round))
            skip = next((w for w in own if w.skip), None)
            if skip is not None:
                kept[index] = None
                notes.append(
                    Problem(
                        wishes.source,
                        f"{c.uid}: overgeslagen volgens wensenbestand",
                        skip.line,
                        code="overgeslagen-volgens-wens",
                        severity="warning",
                        subject=(c.pupil_id,) if c.pupil_id else (),
                    )
                )
                continue
            duration = next((w.duration for w in own if w.duration), c.duration)
            hard = tuple(w.forbidden for w in own if w.forbidden)
            soft = tuple(cond for w in own for cond in w.avoid)
            item = Item(index, number, duration, hard, soft)
        items.append(item)
        key = (family, 2 if c.household >= 2 else 1, c.type_id, c.round)
        found = siblings.get(key)
        siblings[key] = (item,) if found is None else (*found, item)
    return items, siblings


def bundles_of(
    siblings: dict[SiblingKey, tuple[Item, ...]],
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
            group = tuple(item for item in group if slots[item.position] is None)
            if not group:
                continue
        if len(group) == 1 or conversations[group[0].position].family_id:
            bundles.append(group)
            continue
        alone: dict[str, tuple[Item, ...]] = {}  # the same pupil twice in a round
        for item in group:
            uid = conversations[item.position].uid
            alone[uid] = (*alone.get(uid, ()), item)
        bundles.extend(alone.values())
        reordered = True
    if reordered:
        bundles.sort(key=_first_index)
    return bundles, families


def _first_index(bundle: tuple[Item, ...]) -> int:
    return bundle[0].position


def youngest_first(
    bundle: tuple[Item, ...], conversations: Sequence[Conversation]
) -> tuple[Item, ...]:
    """Siblings in a stable order: groep, then pupil and conversation id."""
    keys = []
    for item in bundle:
        c = conversations[item.position]
        keys.append((c.grade or 0, c.pupil_id or "", c.uid))
    if len(bundle) == 2:
        return bundle if keys[0] <= keys[1] else (bundle[1], bundle[0])
    return tuple(item for _, item in sorted(zip(keys, bundle, strict=True), key=_first))


def placing_order(
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
            c = conversations[bundle[0].position]
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
            members = [conversations[item.position] for item in bundle]
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


def split(bundle: tuple[Item, ...], parts: int) -> list[tuple[Item, ...]]:
    """``bundle`` in ``parts`` consecutive parts, sizes as even as can be (15 siblings in
    two: 8 and 7)."""
    size, extra = divmod(len(bundle), parts)
    out: list[tuple[Item, ...]] = []
    start = 0
    for k in range(parts):
        end = start + size + (1 if k < extra else 0)
        out.append(bundle[start:end])
        start = end
    return [part for part in out if part]

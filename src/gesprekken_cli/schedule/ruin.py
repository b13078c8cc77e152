"""The improvement step's ruin-and-recreate search, after the move passes of :mod:`improve`.

Each try takes a few related units off and places them again, in a shuffled order, through
the same chain and best-fit search: a conversation the greedy could not place (or a family
round not back to back, whole) with conversations of its teachers; a family round that
waits, with units right before or after its talks and others of its teachers' days; a
sibling chain with conversations of its teachers on another day (a swap: with every
teacher-day full, a chain changes day only when others make room); or a few units of a
teacher-day with idle time. Two families' chains can so change at once, which the passes
cannot do.

The walk keeps a try that makes no part before idle time worse and adds at most a threshold
of idle and waiting minutes, the threshold falling to zero as the budget is spent; it
remembers the best plan met (lexicographically, in the school's order) and returns to it at
the end, so the result is never worse than where the search began.

Deterministic: a fixed seed, candidates in a fixed order, and the work bounded by a count of
conversations re-placed (:func:`search_budget`), never by the clock. It stops early when
nothing is left to gain and after :data:`STALL` tries per unit in a row that make the plan
no better.

A sibling chain of more than :data:`LONGEST` conversations is never taken off by a try:
such a chain has siblings sharing a class (a family that size, or pupils sharing a
placeholder e-mail), so placing it again is the start-by-start search of :mod:`chains`, up
to ``NODE_LIMIT`` nodes per day, and a count of conversations re-placed would not bound the
work (a 15-sibling family in a duo class: 209,000 nodes and 2.6 s before; 1,100 nodes
after). It keeps the place the greedy and the passes gave it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gesprekken_cli.schedule.bookings import Key
from gesprekken_cli.schedule.improve import Totals
from gesprekken_cli.schedule.order import youngest_first
from gesprekken_cli.schedule.records import Item
from gesprekken_cli.schedule.windows import Restrict

if TYPE_CHECKING:
    from gesprekken_cli.schedule.improve import Improver

SEED = 17
PER_CONVERSATION = 100  # conversations re-placed per conversation of the plan ...
MOST = 20_000  # ... at most this many (a school's year: about 1.7 s; see benchmarks/README)
LARGEST = 2_000  # plans with more conversations (a board's) skip the search
STALL = 10  # tries in a row, per unit, that make the plan no better end the search
THRESHOLD = 10  # minutes of idle and waiting a try may add at the start of the walk
BESIDE = 3  # at most this many units right before or after a waiting family's talks
TAKEN = 2  # at most this many units taken from each teacher-day a try touches
LONGEST = 4  # a sibling chain of more conversations stays where the passes left it
ANYWHERE = Restrict(frozenset(), True, frozenset())


def search_budget(conversations: int) -> int:
    """The search's budget in conversations re-placed: :data:`PER_CONVERSATION` per
    conversation up to :data:`MOST`, none for plans over :data:`LARGEST` conversations (a
    board's plan of 36,000 keeps the move passes only)."""
    if conversations > LARGEST:
        return 0
    return min(PER_CONVERSATION * conversations, MOST)


def worth_searching(imp: Improver) -> bool:
    """The plan has a family round held by two or more teachers, or one with a talk not
    placed: what the passes cannot untangle comes from such chains tying teachers' days
    together (a class plan without them keeps the passes only, and its speed)."""
    for group in imp.rounds:
        holders = {t for item in group if (slot := imp.slots[item.position]) for t in slot.holders}
        if len(holders) > 1 or any(imp.slots[item.position] is None for item in group):
            return True
    return False


def regroup(imp: Improver, unplaced: Sequence[Item]) -> None:
    """Add the conversations the greedy could not place as units, and make each family
    round that is not back to back (and fits one day) one unit again, youngest first, so a
    try can place it as a chain."""
    units = [*imp.units, *((item,) for item in unplaced)]
    unit_of = {item.position: u for u, unit in enumerate(units) for item in unit}
    merged: set[int] = set()
    for r, group in enumerate(imp.rounds):
        members = {unit_of.get(item.position) for item in group}
        if None in members or len(members) < 2 or len(group) > imp.ctx.least_cap:
            continue  # a talk on request in it, already one unit, or split over days
        if not imp.state_of(r)[0] or any(len(units[u]) > 1 for u in members if u is not None):
            continue
        merged.update(u for u in members if u is not None)
        units.append(youngest_first(group, imp.convs))
    imp.units = [unit for u, unit in enumerate(units) if u not in merged]
    imp.on_key = None  # the index is built again on the next look


def ruin_and_recreate(imp: Improver, budget: int) -> None:
    """Tries until ``budget`` more conversations were re-placed (see the module docstring)."""
    rng = random.Random(SEED)
    books = imp.ctx.books
    end = imp.work + budget
    units = imp.units
    fixed = {u for u, unit in enumerate(units) if len(unit) > LONGEST}
    chains = [u for u, unit in enumerate(units) if len(unit) > 1 and u not in fixed]
    unit_of = {item.position: u for u, unit in enumerate(units) for item in unit}
    rounds = [
        r
        for r, group in enumerate(imp.rounds)
        if group[0].position in unit_of and unit_of[group[0].position] not in fixed
    ]
    # placed units are never taken off for good (such a try is not kept): only these can be
    # unplaced
    unplaced = [
        u
        for u, unit in enumerate(units)
        if u not in fixed and any(imp.slots[i.position] is None for i in unit)
    ]
    days = sorted({k[1] for k in books.busy})
    imp.log = []
    current = [0] * len(Totals._fields)  # the objective's parts, from where the search began
    best, stall = Totals(*current).key(imp.order), 0
    patience = STALL * len(units)
    kept = True  # a try not kept leaves the plan as it was: the lists below stay
    open_rounds: list[int] = []
    idle: list[Key] = []
    while imp.work < end and stall < patience:
        if kept:
            unplaced = [u for u in unplaced if any(imp.slots[i.position] is None for i in units[u])]
            open_rounds = [r for r in rounds if any(imp.state_of(r))]
            idle = [k for k, v in imp.idle.items() if v]
            if not (open_rounds or idle or unplaced):
                break
        pick = rng.random()
        moved: set[int] = set()
        around: list[Key]
        if unplaced and (pick < 0.3 or not (open_rounds or idle)):
            u = rng.choice(unplaced)
            moved.add(u)
            around = teacher_days(imp, u, days)
        elif open_rounds and (pick < 0.6 or not idle):
            u = unit_of[imp.rounds[rng.choice(open_rounds)][0].position]
            moved.add(u)
            around = held(imp, u) or teacher_days(imp, u, days)
            near = beside(imp, u)
            near = [v for v in near if v not in fixed]
            if near:
                moved.update(rng.sample(near, min(len(near), rng.randint(1, BESIDE))))
        elif idle and (pick >= 0.8 or not chains):
            around = [rng.choice(sorted(idle))]
        else:  # a swap: a chain and some of its teachers' units on a day
            u = rng.choice(chains)
            moved.add(u)
            day = rng.choice(days)
            around = [(k[0], day) for k in held(imp, u)]
        for k in around:
            on = sorted(imp.units_on(k) - fixed)
            if on:
                moved.update(rng.sample(on, min(len(on), rng.randint(1, TAKEN))))
        order = sorted(moved)
        rng.shuffle(order)
        allow = THRESHOLD * (end - imp.work) // budget // 5 * 5
        stall += 1
        kept = bool(order) and imp.attempt((0, 0), ANYWHERE, tuple(order), allow=allow)
        if kept:
            current = [a + b for a, b in zip(current, imp.change, strict=True)]
            key = Totals(*current).key(imp.order)
            if imp.strict:
                stall = 0
            if key < best:
                best = key
            if key <= best:  # nothing to take back to reach this plan
                imp.log.clear()
    imp.revert(len(imp.log))
    imp.log = None


def held(imp: Improver, u: int) -> list[Key]:
    """The teacher-days unit ``u`` is on."""
    return [k for item in imp.units[u] for k in imp.keys_of(imp.slots[item.position])]


def teacher_days(imp: Improver, u: int, days: list[int]) -> list[Key]:
    """The worked days of the teachers of unit ``u``'s classes."""
    found: list[Key] = []
    busy = imp.ctx.books.busy
    for item in imp.units[u]:
        conv = imp.convs[item.position]
        names = [t.name for t in imp.ctx.classes.get(conv.class_name or "", ())]
        for name in names or conv.teachers:
            number = imp.teacher_number.get(name)
            if number is not None:
                found.extend((number, day) for day in days if (number, day) in busy)
    return found


def beside(imp: Improver, u: int) -> list[int]:
    """The units right before and after unit ``u``'s conversations on their teacher-days."""
    found: set[int] = set()
    for item in imp.units[u]:
        slot = imp.slots[item.position]
        if slot is None:
            continue
        for k in imp.keys_of(slot):
            starts = imp.unit_starts(k)
            talks = imp.ctx.books.busy.get(k, ())
            i = talks.index((slot.start, slot.end))
            for j in (i - 1, i + 1):
                if 0 <= j < len(talks) and talks[j][0] in starts:
                    found.add(starts[talks[j][0]])
    found.discard(u)
    return sorted(found)

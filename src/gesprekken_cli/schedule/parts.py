"""A large round made of independent parts, scheduled as two halves, the second in a child
process where the system can fork.

Two conversations depend on each other when they share a family, a class (its windows and
what is known full in them) or a teacher who may hold them. A board's round of 40 schools
falls apart into 40 such components; no booking of one can change where a conversation of
another goes, so each half is scheduled on books of its own, with the same result as in one
process. Only the improvement step's budget is the round's, shared over the halves in
proportion to their conversations (see :func:`shares`), and the warnings of the placement
(a family bundle split over days) come half by half.

The halves depend on the input only, never on the machine: with or without a fork (none on
one processor, on a busy machine or with other threads running; when the child fails, the
parent schedules both) the plan is byte for byte the same.
"""

from __future__ import annotations

import gc
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import NamedTuple, TypeVar

from gesprekken_cli.expand import Conversation
from gesprekken_cli.model import Roster
from gesprekken_cli.schedule.records import Item

# A round this large (conversations with a slot to find) pays for a second process: forking
# and taking the child's slots back costs ~30 ms, a board's half of the scheduling ~300 ms.
LARGE = 5_000
# Each half at least this share of the conversations, else one process does it all.
LEAST_SHARE = 0.25
FORK = hasattr(os, "fork")  # tests set it False to check the one-process path

T = TypeVar("T")
_position, _family = itemgetter(0), itemgetter(1)
_class_name = itemgetter(Conversation._fields.index("class_name"))
_teachers = itemgetter(Conversation._fields.index("teachers"))


class Halves(NamedTuple):
    """Two halves of a round: the family books (:attr:`Item.family`) in each, and how many
    conversations each has."""

    families: tuple[frozenset[int], frozenset[int]]
    sizes: tuple[int, int]


def halves(
    roster: Roster, conversations: Sequence[Conversation], items: Sequence[Item]
) -> Halves | None:
    """The family books (:attr:`Item.family`) of ``items`` in two halves that share no
    family, class or teacher: the components in input order, cut where half the
    conversations are reached; None when the round is small or does not fall apart into
    halves of a fair size."""
    if len(items) <= LARGE:
        return None
    # Column by column (a board has 36,000 items): each family's classes, each class's
    # teachers as its talks name them.
    talks = list(map(conversations.__getitem__, map(_position, items)))
    classes = list(map(_class_name, talks))
    families = list(map(_family, items))
    class_of: dict[int, str | None] = {}  # a family's first class
    joined: set[tuple[str | None, str | None]] = set()  # classes that share a family
    for family, k in dict.fromkeys(zip(families, classes, strict=True)):
        first = class_of.setdefault(family, k)
        if first != k:
            joined.add((first, k))
    staffed = set(zip(classes, map(_teachers, talks), strict=True))
    parent: dict[object, object] = {}

    def root(node: object) -> object:
        while (up := parent.setdefault(node, node)) != node:
            parent[node] = node = parent.setdefault(up, up)
        return node

    def join(a: object, b: object) -> None:
        a, b = root(a), root(b)
        if a != b:
            parent[b] = a

    teachers = {k.name: tuple(t.name for t in k.teachers) for k in roster.classes}
    for k, named in staffed:
        for t in (*teachers.get(k or "", ()), *named):
            join(k, ("t", t))
    for a, b in joined:
        join(a, b)
    per_family = Counter(families)
    component = {k: root(k) for k in set(class_of.values())}
    size: dict[object, int] = {}  # per component: its conversations, in order of first appearance
    for family, k in class_of.items():
        r = component[k]
        size[r] = size.get(r, 0) + per_family[family]
    if len(size) < 2:
        return None
    half, seen, cut = len(items) / 2, 0, set()
    for r, n in size.items():
        if seen >= half:
            break
        cut.add(r)
        seen += n
    if min(seen, len(items) - seen) < LEAST_SHARE * len(items):
        return None
    one = frozenset(f for f, k in class_of.items() if component[k] in cut)
    return Halves((one, frozenset(class_of) - one), (seen, len(items) - seen))


def shares(total: int, sizes: Sequence[int]) -> list[int]:
    """``total`` work divided in proportion to ``sizes`` (the last part takes the rest)."""
    whole = sum(sizes) or 1
    parts = [total * n // whole for n in sizes[:-1]]
    return [*parts, total - sum(parts)]


def both(first: Callable[[], T], second: Callable[[], T]) -> tuple[T, T]:
    """``first()`` here and ``second()`` in a forked child at the same time; the child's
    result comes back pickled. Without fork, with no processor to spare (:func:`_spare`),
    with other threads running, or when the child fails, ``second()`` runs here after
    ``first()``."""
    threads = sys.modules.get("threading")
    if not FORK or not _spare() or (threads is not None and threads.active_count() > 1):
        return first(), second()  # no processor to spare, or other threads running: no fork
    import pickle  # here: a class plan never forks and need not load it

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without the parent's clean-up
        os.close(read)
        code = 1
        try:
            gc.disable()  # short-lived: no collection copies the parent's pages
            data = pickle.dumps(second(), pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    source = os.fdopen(read, "rb")
    try:
        mine = first()
        data = source.read()
    finally:
        source.close()  # on an error here the child's write fails and it ends
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or not data:
        return mine, second()
    theirs: T = pickle.loads(data)
    return mine, theirs


def _spare() -> bool:
    """A processor to spare for a child: two or more, and the last minute's load leaves one
    free. On a machine whose processors are busy with other work a second process only adds
    its own cost (measured: a board's plan 1.9 s in one process, 3.7 s with a fork, load 6
    on 2 processors)."""
    if hasattr(os, "sched_getaffinity"):
        processors = len(os.sched_getaffinity(0))
    else:
        processors = os.cpu_count() or 1
    if processors < 2:
        return False
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on every system
        return True
    return load < processors - 0.5

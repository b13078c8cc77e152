"""A large round in two halves (``schedule/parts.py``): the same plan as one process, with or
without a fork, and never a family, class or teacher in both halves."""

from __future__ import annotations

import os
from unittest.mock import patch

import pytest
from hypothesis import given
from test_schedule import CAL, FAST, SCHOOL_DAYS, conversation, instances, make_cycle

from gesprekken_cli.model import Klass, Pupil, Roster, Teacher
from gesprekken_cli.schedule import parts, schedule
from gesprekken_cli.schedule.order import items_of
from gesprekken_cli.schedule.windows import Context

EVERY_DAY = frozenset(range(5))


def school(classes: list[Klass], families: list[str | None]):
    """One pupil per family entry, the classes in turn; one talk each in two weeks."""
    pupils, convs = [], []
    for i, family in enumerate(families):
        k = classes[i % len(classes)]
        pupil = Pupil(f"p{i}", f"Kind{i}", "Test", k.grades[0], k.name, family_id=family)
        pupils.append(pupil)
        names = tuple(t.name for t in k.teachers)
        convs.append(conversation(pupil, names, SCHOOL_DAYS[0], SCHOOL_DAYS[9], 15))
    return make_cycle(cap=6), Roster("test", tuple(pupils), tuple(classes)), tuple(convs)


def halves_of(cycle, roster, convs):
    ctx = Context(cycle, CAL, roster, None)
    items, _ = items_of(ctx.books, convs, None, list(convs), [])
    with patch.object(parts, "LARGE", 0):
        found = parts.halves(roster, convs, items)
    names = {}
    for item in items:
        names[item.family] = convs[item.position].class_name
    if found is None:
        return None
    return [sorted({names[f] for f in half}) for half in found.families], found.sizes


def test_classes_fall_apart_in_halves_unless_a_family_or_teacher_ties_them() -> None:
    own = [Klass(f"K{k}", (k + 3,), (Teacher(f"L{k}", EVERY_DAY),)) for k in range(4)]
    alone = [None] * 8
    assert halves_of(*school(own, alone)) == ([["K0", "K1"], ["K2", "K3"]], (4, 4))
    # a family with children in K1 and K2 (pupils 1 and 2) keeps them in one half
    tied = halves_of(*school(own, [None, "f", "f", None, None, None, None, None]))
    assert tied == ([["K0", "K1", "K2"], ["K3"]], (6, 2))
    # a teacher in K0 and K3: those two together
    shared = [*own[:3], Klass("K3", (6,), (Teacher("L0", EVERY_DAY),))]
    assert halves_of(*school(shared, alone)) == ([["K0", "K3"], ["K1", "K2"]], (4, 4))
    # one component, or a half too small to pay for a process: no halves
    assert halves_of(*school(own[:1], alone)) is None
    assert halves_of(*school(own, ["f", "f", "f", None, "f", "f", "f", "f"])) is None


@FAST
@given(instances())
def test_halves_place_as_one_round_does(instance) -> None:
    """The greedy in halves gives the one-round plan: no booking of one half can change
    where a conversation of the other goes."""
    cycle, roster, convs = instance
    whole = schedule(cycle, CAL, roster, convs, improve=False)
    with patch.object(parts, "LARGE", 0), patch.object(parts, "LEAST_SHARE", 0):
        split = schedule(cycle, CAL, roster, convs, improve=False)
    assert split.conversations == whole.conversations
    assert split.unplaced == whole.unplaced
    assert split.quality == whole.quality


@FAST
@given(instances())
def test_a_fork_changes_nothing(instance) -> None:
    cycle, roster, convs = instance
    with (
        patch.object(parts, "LARGE", 0),
        patch.object(parts, "LEAST_SHARE", 0),
        patch.object(parts, "_spare", lambda: True),  # fork however busy the machine is
    ):
        forked = schedule(cycle, CAL, roster, convs)
        with patch.object(parts, "FORK", False):
            here = schedule(cycle, CAL, roster, convs)
    assert forked == here


@pytest.mark.skipif(not parts.FORK, reason="no fork on this system")
def test_a_failing_child_is_done_again_here() -> None:
    parent = os.getpid()

    def second() -> int:
        if os.getpid() != parent:
            raise RuntimeError("child fails")
        return 2

    with patch.object(parts, "_spare", lambda: True):
        assert parts.both(lambda: 1, second) == (1, 2)
        with pytest.raises(ZeroDivisionError):  # an error here ends the child too
            parts.both(lambda: 1 // 0, lambda: b"x" * 1_000_000)


def test_work_is_shared_in_proportion() -> None:
    assert parts.shares(1_000, (18_000, 18_028)) == [499, 501]
    assert sum(parts.shares(7, (3, 3))) == 7


def test_no_fork_while_other_threads_run() -> None:
    import threading

    parent, stop = os.getpid(), threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parts.both(os.getpid, os.getpid) == (parent, parent)
    finally:
        stop.set()
        thread.join()
    if parts.FORK:
        with patch.object(parts, "_spare", lambda: True):
            assert parts.both(os.getpid, os.getpid)[1] != parent


def test_no_fork_without_a_processor_to_spare() -> None:
    parent = os.getpid()
    with patch.object(os, "sched_getaffinity", lambda _: {0}, create=True):
        assert parts.both(os.getpid, os.getpid) == (parent, parent)
    with (
        patch.object(os, "sched_getaffinity", lambda _: {0, 1}, create=True),
        patch.object(os, "getloadavg", lambda: (1.6, 1.0, 1.0)),
    ):
        assert parts.both(os.getpid, os.getpid) == (parent, parent)

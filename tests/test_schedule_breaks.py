"""The long break after ``max_zonder_pauze`` talks holds in every plan, also when a talk is put
in before talks booked earlier (sibling chains book the middle of a day first)."""

from __future__ import annotations

import itertools
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from test_schedule import CAL, FAST, check_valid, conversation, instances, make_cycle

from gesprekken_cli.model import Klass, Pupil, Roster, Teacher
from gesprekken_cli.schedule import schedule
from gesprekken_cli.schedule.bookings import Books

MONDAY = date(2026, 9, 14)


def check_breaks(cycle, convs) -> None:
    """After every ``max_zonder_pauze`` talks of a teacher's day (in time order) the next
    starts no sooner than the long break with a pause before and after it."""
    school = cycle.school
    limit, pause = school.max_zonder_pauze, school.pauze_minuten
    needed = school.lange_pauze_minuten + 2 * pause
    days: dict[tuple[str, date], list[tuple[int, int]]] = {}
    for c in convs:
        if c.start is None:
            continue
        s, e = c.start.hour * 60 + c.start.minute, c.end.hour * 60 + c.end.minute
        for t in c.teachers:
            days.setdefault((t, c.start.date()), []).append((s, e))
    for talks in days.values():
        talks.sort()
        for count, ((_, end), (start, _)) in enumerate(itertools.pairwise(talks), start=1):
            if count % limit == 0:
                assert start - end >= needed, (count, talks)


@st.composite
def busy_instances(draw):
    cycle, roster, convs = draw(instances(max_pupils=16))
    school = cycle.school.model_copy(
        update={
            "max_zonder_pauze": draw(st.integers(1, 4)),
            "lange_pauze_minuten": draw(st.sampled_from([5, 15, 30])),
            "max_gesprekken_per_dag": draw(st.integers(3, 12)),
        }
    )
    return cycle.model_copy(update={"school": school}), roster, convs


@FAST
@given(busy_instances(), st.booleans())
def test_no_teacher_holds_more_talks_in_a_row_than_the_rules_allow(instance, improve) -> None:
    cycle, roster, convs = instance
    result = schedule(cycle, CAL, roster, convs, improve=improve)
    check_valid(cycle, roster, result.conversations)
    check_breaks(cycle, result.conversations)


def test_a_talk_put_in_before_booked_talks_cannot_push_a_break_onto_one() -> None:
    books = Books(limit=2, rest=30, gap=0)
    key = (0, 1)
    books.book([key], None, 100, 110)  # booked first: the middle of the day
    books.book([key], None, 110, 120)
    # the break after the second talk (120-150); a talk before 100 would make 110-120 the
    # second and need the break between 110 and 120: no room, so nothing may go before 100
    guards = books.breaks[key]
    assert (120, 150) in guards
    assert any(a <= 80 and b >= 100 for a, b in guards)


def test_singles_put_in_before_sibling_chains_keep_the_long_break() -> None:
    # The chains book class A's talks from 14.55 on (each after the younger sibling's talk
    # in class B); the singles of class A come later and want the free 14.45.
    cycle = make_cycle(pause=0, cap=12, wait=0)
    school = cycle.school.model_copy(update={"max_zonder_pauze": 4, "lange_pauze_minuten": 30})
    cycle = cycle.model_copy(update={"school": school})
    classes = (Klass("A", (6,), (Teacher("LA"),)), Klass("B", (4,), (Teacher("LB"),)))
    pupils = [Pupil(f"a{i}", f"A{i}", "T", 6, "A", family_id=f"f{i}") for i in range(4)]
    pupils += [Pupil(f"b{i}", f"B{i}", "T", 4, "B", family_id=f"f{i}") for i in range(4)]
    pupils += [Pupil(f"s{i}", f"S{i}", "T", 6, "A") for i in range(6)]
    teacher = {"A": ("LA",), "B": ("LB",)}
    convs = tuple(conversation(p, teacher[p.class_name], MONDAY, MONDAY, 10) for p in pupils)
    roster = Roster("t", tuple(pupils), classes)
    for improve in (False, True):
        result = schedule(cycle, CAL, roster, convs, improve=improve)
        check_valid(cycle, roster, result.conversations)
        check_breaks(cycle, result.conversations)


def test_with_a_break_after_every_talk_nothing_goes_in_just_before_the_first() -> None:
    # max_zonder_pauze 1: a talk put in before the day's first becomes the one the break
    # follows, so it must end the break (and both pauses) before the first starts. Found by
    # the property test above: the search put 16.40-16.50 before a booked 16.50-17.00.
    books = Books(limit=1, rest=5, gap=0)
    key = (0, 1)
    books.book([key], None, 1010, 1020)
    assert any(a <= 1005 and b >= 1010 for a, b in books.breaks[key])

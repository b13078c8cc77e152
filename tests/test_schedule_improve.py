"""The improvement step and the honest figures: never worse than the greedy, deterministic,
bounded sibling search, split families named."""

from __future__ import annotations

import csv
import io
import random
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from support import EXAMPLES, request
from test_schedule import CAL, FAST, check_valid, conversation, instances, make_cycle

from gesprekken_cli.model import Klass, Pupil, Roster, Teacher
from gesprekken_cli.plan import make_plan
from gesprekken_cli.schedule import run, schedule
from gesprekken_cli.schedule.chains import NODE_LIMIT, Search
from gesprekken_cli.schedule.improve import DEFAULT_ORDER, FIELDS, Improver, budget
from gesprekken_cli.schedule.quality import family_state, idle_beyond_pause
from gesprekken_cli.schedule.records import Slot
from gesprekken_cli.schedule.ruin import LARGEST, MOST, PER_CONVERSATION, search_budget

MONDAY = date(2026, 9, 14)


def objective(figures, order=DEFAULT_ORDER) -> tuple[int, ...]:
    """The kwaliteit figures as the improvement step's objective (smaller is better)."""
    parts = {
        "ingepland": -figures["ingepland"],
        "broers_zussen": -figures["gezinsrondes_aansluitend"],
        "wensen": figures["wensen_niet_gelukt"],
        "leerkrachtdagen": figures["leerkrachtdagen"],
        "leegloop": figures["leegloop_boven_pauze_min"],
        "wachttijd": figures["wachttijd_gezinnen_min"],
    }
    return tuple(parts[name] for name in order)


@FAST
@given(instances(max_pupils=14))
def test_improved_plan_is_valid_and_never_worse_than_the_greedy(instance) -> None:
    cycle, roster, convs = instance
    greedy = schedule(cycle, CAL, roster, convs, improve=False)
    improved = schedule(cycle, CAL, roster, convs)
    check_valid(cycle, roster, improved.conversations)
    assert objective(improved.quality) <= objective(greedy.quality)
    assert improved.quality["ingepland"] >= greedy.quality["ingepland"]
    # the figures come from the books: after moves kept and taken back they still agree
    # with the plan itself
    days: dict[tuple[str, date], list[tuple[int, int]]] = {}
    for c in improved.conversations:
        if c.start is not None and c.end is not None:
            s, e = c.start.hour * 60 + c.start.minute, c.end.hour * 60 + c.end.minute
            for t in c.teachers:
                days.setdefault((t, c.start.date()), []).append((s, e))
    school = cycle.school
    rules = (school.pauze_minuten, school.max_zonder_pauze, school.lange_pauze_minuten)
    idle = sum(idle_beyond_pause(sorted(talks), *rules) for talks in days.values())
    assert improved.quality["leerkrachtdagen"] == len(days)
    assert improved.quality["leegloop_boven_pauze_min"] == idle


@FAST
@given(instances(max_pupils=14))
def test_improvement_is_deterministic(instance) -> None:
    cycle, roster, convs = instance
    assert schedule(cycle, CAL, roster, convs) == schedule(cycle, CAL, roster, convs)


def test_every_objective_part_has_a_rules_name_and_a_budget_grows_with_the_round() -> None:
    assert set(FIELDS) == set(DEFAULT_ORDER)
    assert budget(100) == 400 and budget(1_355) == budget(36_000) == 1_000


def test_the_school_reorders_the_objective_in_the_rules() -> None:
    cycle = make_cycle()
    school = cycle.school.model_copy(update={"optimaliseren": ["leegloop", "leerkrachtdagen"]})
    cycle = cycle.model_copy(update={"school": school})
    roster, convs = one_class(12, cap=6)
    result = schedule(cycle, CAL, roster, convs)
    check_valid(cycle, roster, result.conversations)
    with pytest.raises(ValueError, match="dubbel"):
        type(school).model_validate({**school.model_dump(), "optimaliseren": ["wensen", "wensen"]})


def one_class(n: int, *, family: str | None = None, cap: int = 10):
    roster = Roster("t", (), (Klass("K", (5,), (Teacher("Juf"),)),))
    pupils = [Pupil(f"p{i:02d}", f"Kind{i}", "T", 5, "K", family_id=family) for i in range(n)]
    last = MONDAY + timedelta(days=11)
    convs = tuple(conversation(p, ("Juf",), MONDAY, last, 15) for p in pupils)
    return roster, convs


def test_fifteen_siblings_in_one_class_plan_fast_split_over_days_and_named() -> None:
    cycle = make_cycle(cap=10)
    roster, convs = one_class(15, family="groot")
    started = time.perf_counter()
    result = schedule(cycle, CAL, roster, convs)
    assert time.perf_counter() - started < 5  # < 1 s on a quiet machine; generous when shared
    check_valid(cycle, roster, result.conversations)
    assert result.quality["ingepland"] == 15
    split = [p for p in result.notes if p.code == "gezin-gesplitst"]
    assert len(split) == 1 and "gezin groot" in split[0].message
    assert split[0].severity == "warning" and "2 delen" in split[0].message
    assert result.quality["gezinsrondes_niet_aansluitend"] == ["gezin groot (Gesprek, ronde 1)"]
    assert result.quality["gezinsrondes_extra_dagen"] >= 1
    for c in result.conversations:
        assert "broers/zussen niet aansluitend: verdeeld over" in c.note


def test_the_start_by_start_sibling_search_stops_at_its_node_limit() -> None:
    # a teacher holds all of 9 siblings whose chain cannot fit a day (cap 10, 45 min each)
    cycle = make_cycle(cap=10)
    roster = Roster("t", (), (Klass("K", (5,), (Teacher("Juf"),)),))
    pupils = [Pupil(f"p{i}", f"Kind{i}", "T", 5, "K", family_id="f") for i in range(9)]
    convs = tuple(conversation(p, ("Juf",), MONDAY, MONDAY, 45) for p in pupils)
    seen: list[int] = []
    original = Search.search

    def counting(self, k, after):
        found = original(self, k, after)
        if k == 0:
            seen.append(self.nodes)
        return found

    Search.search = counting  # type: ignore[method-assign]
    try:
        schedule(cycle, CAL, roster, convs)
    finally:
        Search.search = original  # type: ignore[method-assign]
    assert seen and max(seen) <= NODE_LIMIT + 1


def test_family_state_counts_waiting_per_day_and_each_split() -> None:
    a, b = MONDAY, MONDAY + timedelta(days=1)
    state = family_state([Slot(a, 900, 915, ()), Slot(a, 925, 940, ()), Slot(b, 900, 915, ())], 15)
    assert state == (False, 10, 10, 1)
    assert family_state([Slot(a, 900, 915, ()), Slot(a, 915, 930, ())], 15).back_to_back
    assert not family_state([Slot(a, 900, 915, ()), None], 15).back_to_back


def test_idle_counts_only_time_beyond_the_pause() -> None:
    assert idle_beyond_pause([(900, 915), (920, 935), (960, 975)], 5) == 20
    assert idle_beyond_pause([(900, 915)], 5) == 0


def four_classes_with_families(seed: int):
    """Four classes of 8 with one teacher each, 8 families of two children in two classes
    (chosen by a seeded shuffle), two afternoons, at most 8 a teacher-day."""
    rng = random.Random(seed)
    classes = [Klass(f"K{k}", (k + 3,), (Teacher(f"L{k}"),)) for k in range(4)]
    pupils = [
        Pupil(f"k{k}p{i}", f"K{k}-{i}", "T", k + 3, f"K{k}") for k in range(4) for i in range(8)
    ]
    free = list(range(len(pupils)))
    rng.shuffle(free)
    family: dict[int, str] = {}
    for f in range(8):
        a = free.pop()
        b = next(i for i in free if pupils[i].class_name != pupils[a].class_name)
        free.remove(b)
        family[a] = family[b] = f"g{f}"
    pupils = [p._replace(family_id=family.get(i)) for i, p in enumerate(pupils)]
    teacher = {k.name: k.teachers[0].name for k in classes}
    last = MONDAY + timedelta(days=1)
    convs = tuple(conversation(p, (teacher[p.class_name],), MONDAY, last, 15) for p in pupils)
    return Roster("t", tuple(pupils), tuple(classes)), convs


def test_moving_whole_sibling_chains_closes_the_idle_time_between_them(monkeypatch) -> None:
    monkeypatch.setattr(run, "search_budget", lambda conversations: 0)  # the passes only
    cycle = make_cycle(cap=8, pause=5, wait=15)
    roster, convs = four_classes_with_families(6)
    improved = schedule(cycle, CAL, roster, convs)
    check_valid(cycle, roster, improved.conversations)
    monkeypatch.setattr(Improver, "move_chains", lambda self, chains, budget: False)
    without = schedule(cycle, CAL, roster, convs)
    assert without.quality["leegloop_boven_pauze_min"] == 10
    assert without.quality["wachttijd_gezinnen_min"] == 30
    assert improved.quality["leegloop_boven_pauze_min"] == 0
    assert improved.quality["wachttijd_gezinnen_min"] == 10
    assert improved.quality["gezinsrondes_aansluitend"] == 8
    assert objective(improved.quality) < objective(without.quality)


def test_compaction_moves_the_talks_after_a_gap_together(monkeypatch) -> None:
    monkeypatch.setattr(run, "search_budget", lambda conversations: 0)  # the passes only
    cycle = make_cycle(cap=8, pause=5, wait=15)
    roster, convs = four_classes_with_families(9)
    improved = schedule(cycle, CAL, roster, convs)
    check_valid(cycle, roster, improved.conversations)
    monkeypatch.setattr(Improver, "move_blocks", lambda self, budget: False)
    without = schedule(cycle, CAL, roster, convs)
    assert without.quality["leegloop_boven_pauze_min"] == 5
    assert improved.quality["leegloop_boven_pauze_min"] == 0
    assert improved.quality["wachttijd_gezinnen_min"] == 5
    assert improved.quality["gezinsrondes_aansluitend"] == 8
    assert objective(improved.quality) < objective(without.quality)


def test_the_long_break_after_eight_talks_is_not_idle_time() -> None:
    eight = [(900 + 20 * i, 915 + 20 * i) for i in range(8)]  # the last ends at 1055
    nine = [*eight, (1055 + 5 + 30 + 5, 1110)]  # the pause before and after the break
    assert idle_beyond_pause(nine, 5) == 35
    assert idle_beyond_pause(nine, 5, 8, 30) == 0
    assert idle_beyond_pause([*eight, (1105, 1120)], 5, 8, 30) == 10


def test_the_search_frees_two_families_where_the_passes_stop(monkeypatch) -> None:
    cycle = make_cycle(cap=8, pause=5, wait=15)
    roster, convs = four_classes_with_families(12)
    searched = schedule(cycle, CAL, roster, convs)
    check_valid(cycle, roster, searched.conversations)
    assert schedule(cycle, CAL, roster, convs) == searched  # deterministic
    monkeypatch.setattr(run, "search_budget", lambda conversations: 0)
    passes = schedule(cycle, CAL, roster, convs)
    assert (
        passes.quality["leegloop_boven_pauze_min"],
        passes.quality["wachttijd_gezinnen_min"],
    ) == (
        10,
        15,
    )
    assert searched.quality["leegloop_boven_pauze_min"] == 0
    assert searched.quality["wachttijd_gezinnen_min"] == 15
    assert searched.quality["gezinsrondes_aansluitend"] == 8
    assert objective(searched.quality) < objective(passes.quality)


def test_the_search_budget_is_bounded_and_skips_a_board() -> None:
    assert search_budget(32) == 32 * PER_CONVERSATION
    assert search_budget(LARGEST) == MOST
    assert search_budget(LARGEST + 1) == 0


def test_a_class_plan_without_families_over_teachers_is_not_searched(monkeypatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("searched")

    monkeypatch.setattr(run, "ruin_and_recreate", refuse)
    roster, convs = one_class(12, cap=6)
    schedule(make_cycle(cap=6), CAL, roster, convs)


def fifteen_siblings_in_the_duo_class(folder: Path) -> Path:
    """examples/groep5.csv (a duo class: two teachers on their own days) with its first 15
    pupils made one family of one household."""
    text = (EXAMPLES / "groep5.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    head = rows[0]
    for row in rows[1:16]:
        row[head.index("gezin")] = "7777"
        row[head.index("achternaam")] = "Groot"
        row[head.index("e-mail ouder 1")] = "ouders.groot@example.org"
        row[head.index("e-mail ouder 2")] = ""
        row[head.index("huishoudens")] = "1"
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    path = folder / "fam15.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_the_search_does_bounded_work_on_fifteen_siblings_in_a_duo_class(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 17: a 15-sibling family in one class plans in < 1 s. In the duo class the
    # family's rounds are held by two teachers, so the search runs; each re-placement of a
    # 7- or 8-sibling chain held by one teacher is a start-by-start search of up to
    # NODE_LIMIT nodes per day (230,000 nodes in all, 2.6 s, before the search left such
    # chains where the passes put them). Counted, not timed: the chain-search nodes and the
    # conversations re-placed while the search runs.
    searched: list[int] = []  # per search: conversations re-placed
    nodes = [0]
    searching = [False]
    original_search, original_ruin = Search.search, run.ruin_and_recreate

    def counting(self: Search, k: int, after: int) -> bool:
        found = original_search(self, k, after)
        if k == 0 and searching[0]:
            nodes[0] += self.nodes
        return found

    def ruin(imp: Improver, budget: int) -> None:
        searching[0], before = True, imp.work
        original_ruin(imp, budget)
        searching[0] = False
        searched.append(imp.work - before)

    monkeypatch.setattr(Search, "search", counting)
    monkeypatch.setattr(run, "ruin_and_recreate", ruin)
    plan = make_plan(request(fifteen_siblings_in_the_duo_class(tmp_path)))
    assert searched, "the duo class's family rounds are searched"
    assert sum(searched) <= 3_000 and nodes[0] <= 5_000
    family = [c for c in plan.conversations if c.family_id == "g-7777"]
    assert len(family) == 45 and all(c.start is not None for c in family)
    assert sum(p.code == "gezin-gesplitst" for p in plan.warnings) == 3

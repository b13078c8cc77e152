"""The expanded plan checked against the seeds, item by item, for a small roster."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from support import DATA, DUIF, OKG, YEAR, read_roster

from gesprekken_cli.calendar import build_calendar, parse_school_year
from gesprekken_cli.expand import Conversation, calendar_settings, expand
from gesprekken_cli.model import Klass, Pupil, Roster
from gesprekken_cli.plan import Plan, build_plan
from gesprekken_cli.rules import load_rules

MINI = DATA / "roster" / "mini.csv"


def plan_for(rules: Path, year: str = "2026-2027") -> Plan:
    name, cycle = load_rules(rules)
    return build_plan(cycle, read_roster(MINI), parse_school_year(year), rules_file=name)


def by_type(plan: Plan) -> dict[str, list[Conversation]]:
    out: dict[str, list[Conversation]] = defaultdict(list)
    for c in plan.conversations:
        out[c.type_id].append(c)
    return out


def pupils(items: list[Conversation]) -> list[str]:
    return sorted({c.pupil_id for c in items if c.pupil_id})


@pytest.fixture(scope="module")
def duif() -> Plan:
    return plan_for(DUIF)


@pytest.fixture(scope="module")
def okg() -> Plan:
    return plan_for(OKG)


def test_no_window_touches_a_weekend_or_a_holiday(duif: Plan, okg: Plan) -> None:
    for plan in (duif, okg):
        for c in plan.conversations:
            assert plan.calendar.is_school_day(c.first_day), c.uid
            assert plan.calendar.is_school_day(c.last_day), c.uid
            assert c.first_day <= c.last_day


def test_uids_are_unique(duif: Plan, okg: Plan) -> None:
    for plan in (duif, okg):
        uids = [c.uid for c in plan.conversations]
        assert len(uids) == len(set(uids))


# --- de Duif ---


def test_duif_startgesprek_groep3_to_8_after_three_school_weeks(duif: Plan) -> None:
    items = by_type(duif)["startgesprek"]
    assert pupils(items) == ["103", "104", "105", "106", "107"]
    # Noord 2026-2027 starts Mon 17 Aug; three teaching weeks later is Mon 7 Sep.
    assert {c.first_day for c in items} == {date(2026, 9, 7)}
    assert all(c.status == "verplicht" for c in items)


def test_groep3_child_absent_before_march(duif: Plan) -> None:
    start = {c.grade: c.child_present for c in by_type(duif)["startgesprek"]}
    assert start[3] is False
    assert start[4] is True and start[8] is True
    nov = {c.grade: c.child_present for c in by_type(duif)["voortgangsgesprek"]}
    assert nov[2] is False and nov[3] is False and nov[4] is True


def test_groep3_child_present_from_march(duif: Plan) -> None:
    march = {c.grade: c.child_present for c in by_type(duif)["eerste-portfoliogesprek"]}
    assert march[3] is True
    assert march[1] is False and march[2] is False
    for c in by_type(duif)["eerste-portfoliogesprek"]:
        assert ("kind" in c.participants) == c.child_present


def test_kleuter_startgesprek_only_with_a_new_teacher(duif: Plan) -> None:
    assert pupils(by_type(duif)["startgesprek-kleuters"]) == ["102"]


def test_voortgangsgesprek_in_november_for_every_started_pupil(duif: Plan) -> None:
    items = by_type(duif)["voortgangsgesprek"]
    assert pupils(items) == ["102", "103", "104", "105", "106", "107"]
    assert all(c.first_day.month == 11 and c.last_day.month == 11 for c in items)


def test_intake_five_to_six_weeks_before_start(duif: Plan) -> None:
    (intake,) = by_type(duif)["intakegesprek"]
    assert intake.pupil_id == "101"
    # start 15-03-2027: six weeks before is 01-02, five weeks before 08-02.
    assert (intake.first_day, intake.last_day) == (date(2027, 2, 1), date(2027, 2, 8))


def test_pupil_starting_during_a_round_is_left_out_with_the_reason(duif: Plan) -> None:
    # Noor starts on 15-03-2027, two weeks before the March round ends: fewer than the
    # na_start_weken (4) school weeks, so she is left out and the plan says why.
    noor = [c for c in duif.conversations if c.pupil_id == "101"]
    assert {c.type_id for c in noor} == {"intakegesprek", "eerste-portfoliogesprek"}
    (portfolio,) = [c for c in noor if c.type_id == "eerste-portfoliogesprek"]
    assert portfolio.skipped and portfolio.start is None and not portfolio.is_individual
    assert "start op 15-03-2027" in portfolio.note and "4 schoolweken" in portfolio.note
    late = [w for w in duif.warnings if w.code == "leerling-te-laat-gestart"]
    assert [(w.file.endswith("mini.csv"), w.line, w.severity) for w in late] == [
        (True, 2, "warning")
    ]


def test_eerste_portfolio_in_march_for_groep_1_to_7(duif: Plan) -> None:
    items = by_type(duif)["eerste-portfoliogesprek"]
    assert {c.grade for c in items} == {1, 2, 3, 4, 7}
    assert all(c.first_day.month == 3 and c.last_day.month == 3 for c in items)


def test_okr_on_the_groep8_studiedag_with_overflow_after_it(duif: Plan) -> None:
    items = by_type(duif)["okr-gesprek"]
    assert pupils(items) == ["106", "107"]
    # the studiedag (Tue 16-03-2027) plus five school days of overflow after school
    assert {(c.first_day, c.last_day) for c in items} == {(date(2027, 3, 16), date(2027, 3, 23))}
    assert all(c.start is not None and c.start.date() == date(2027, 3, 16) for c in items)
    # 7/8 is a combination class: groep 7 has lessons on the groep 8 studiedag, so its
    # teacher holds the OKR talks after school, not during those lessons
    school_end = duif.cycle.school.schooltijden[date(2027, 3, 16).weekday()].eind
    assert all(c.start is not None and c.start.time() >= school_end for c in items)


def test_studiedag_overflow_runs_after_school() -> None:
    name, cycle = load_rules(DUIF)
    school = cycle.school.model_copy(update={"max_gesprekken_per_dag": 10})
    kinds = [
        k.model_copy(update={"max_per_dag": 1}) if k.id == "okr-gesprek" else k
        for k in cycle.gesprekken
    ]
    tight = cycle.model_copy(update={"school": school, "gesprekken": kinds})
    plan = build_plan(tight, read_roster(MINI), parse_school_year("2026-2027"), rules_file=name)
    okr = sorted((c for c in plan.conversations if c.type_id == "okr-gesprek"), key=lambda c: c.uid)
    days = sorted(c.start.date() for c in okr if c.start)
    assert days[0] == date(2027, 3, 16) and days[1] > date(2027, 3, 16)
    later = next(c for c in okr if c.start and c.start.date() > date(2027, 3, 16))
    assert later.start is not None
    school_end = tight.school.schooltijden[later.start.weekday()].eind
    assert later.start.time() >= school_end  # after school, not in lesson time


def test_heroverweging_only_when_doorstroomtoets_above_advice(duif: Plan) -> None:
    (item,) = by_type(duif)["heroverweging-advies"]
    assert item.pupil_id == "106"
    assert item.child_present is False
    # after the result (Fri 26-03-2027) and Easter Monday 29-03.
    assert item.first_day == date(2027, 3, 30)


def test_voorlopig_advies_groep7_on_its_studiedag(duif: Plan) -> None:
    (item,) = by_type(duif)["voorlopig-adviesgesprek"]
    assert (item.pupil_id, item.first_day) == ("105", date(2027, 6, 15))


def test_tweede_portfolio_is_an_open_window_per_class(duif: Plan) -> None:
    items = by_type(duif)["tweede-portfoliogesprek"]
    assert {c.class_name for c in items} == {"1/2A", "3A", "4A"}
    assert all(c.pupil_id is None and not c.requested and c.status == "op_verzoek" for c in items)


def test_group_meetings_once_per_group(duif: Plan) -> None:
    avond = by_type(duif)["ouderinformatieavond"]
    assert sorted(c.name for c in avond) == ["Groep 3", "Groep 8"]
    koffie = by_type(duif)["koffie-thee-ochtend"]
    assert [c.round for c in koffie] == [1, 2]
    assert koffie[0].first_day.month == 11
    assert (koffie[1].first_day.month, koffie[1].last_day.month) == (3, 4)


def test_inloop_is_one_weekly_item(duif: Plan) -> None:
    (inloop,) = by_type(duif)["inloop"]
    assert inloop.recurrence is not None
    assert inloop.recurrence.weekday == 1
    assert inloop.start is not None and inloop.start.hour == 8 and inloop.start.minute == 20


def test_two_households_get_two_conversations(duif: Plan) -> None:
    daan = [c for c in by_type(duif)["voortgangsgesprek"] if c.pupil_id == "104"]
    assert sorted(c.household for c in daan) == [1, 2]


def test_preparation_due_dates_follow_the_round(duif: Plan) -> None:
    item = by_type(duif)["eerste-portfoliogesprek"][0]
    due = {t.kind: t.due for t in item.tasks}
    assert due["uitnodiging"] == date(2027, 2, 15)  # 14 days before 01-03
    # the week before is voorjaarsvakantie (noord, 20-28 Feb): the last inloop (Tue) before it
    assert due["inzage"] == date(2027, 2, 16)
    assert due["verslag"] == date(2027, 4, 7)  # 7 days after 31-03


def test_due_dates_land_on_school_days(duif: Plan) -> None:
    cal = duif.calendar
    for c in duif.conversations:
        for t in c.tasks:
            if t.due is not None and cal.first_day <= t.due <= cal.last_day:
                assert cal.is_school_day(t.due), (c.uid, t.task, t.due)
    june = by_type(duif)["tweede-portfoliogesprek"][0]
    inzage = next(t for t in june.tasks if t.kind == "inzage")
    assert inzage.due == date(2027, 5, 25)  # the Tuesday inloop of the week before 01-06


def test_studiedag_without_a_date_falls_back_to_its_month_with_a_warning() -> None:
    plan = plan_for(DUIF, "2028-2029")
    okr = by_type(plan)["okr-gesprek"]
    assert okr and all(c.first_day.month == 3 for c in okr)
    (warning,) = [
        w
        for w in plan.warnings
        if w.code == "studiedag-hele-maand" and "OKR-gesprek groep 8" in w.message
    ]
    assert warning.severity == "warning"
    assert "studiedag-groep-8" not in warning.message  # no raw ids
    assert warning.file == str(DUIF)
    assert warning.render().startswith(f"{DUIF}: gesprekken.okr-gesprek.wanneer: waarschuwing: ")
    # without a studiedag there are lessons: the conversations move to after school
    for c in okr:
        assert c.start is not None
        assert c.start.time() >= plan.cycle.school.schooltijden[c.start.weekday()].eind


# --- the second school (ouder-kindgesprekken) ---


def test_okg_kind_kennismaking_without_parents_in_september(okg: Plan) -> None:
    items = by_type(okg)["kind-kennismakingsgesprek"]
    assert all(c.child_present and "ouders" not in c.participants for c in items)
    assert all(c.first_day.month == 9 and c.last_day.month == 9 for c in items)
    assert all(c.day_part == "schooltijd" for c in items)


def test_okg_kennismaking_after_the_child_conversations_new_teacher_only(okg: Plan) -> None:
    (item,) = by_type(okg)["kennismakingsgesprek"]
    child = by_type(okg)["kind-kennismakingsgesprek"]
    assert item.pupil_id == "102" and not item.child_present
    assert item.first_day > max(c.last_day for c in child)


def test_okg_february_groep7_is_missing_as_in_the_seed(okg: Plan) -> None:
    items = by_type(okg)["voortgangsgesprek-februari-kind"]
    assert {c.grade for c in items} == {4, 8}
    assert 7 not in {c.grade for c in items}
    assert all(c.child_present for c in items)
    parents = by_type(okg)["voortgangsgesprek-februari-ouders"]
    assert {c.grade for c in parents} == {2, 3}
    assert not any(c.child_present for c in parents)


def test_okg_optional_rounds_are_open_windows(okg: Plan) -> None:
    for type_id in (
        "voortgangsgesprek-november-kind",
        "voortgangsgesprek-november-ouders",
        "voortgangsgesprek-juni-kind",
        "voortgangsgesprek-juni-ouders",
    ):
        items = by_type(okg)[type_id]
        assert items, type_id
        assert all(c.status == "op_verzoek" and c.pupil_id is None for c in items)


def test_okg_zorggesprek_requested_in_the_roster_is_booked(okg: Plan) -> None:
    items = by_type(okg)["zorggesprek"]
    booked = [c for c in items if c.pupil_id]
    assert [c.pupil_id for c in booked] == ["107"] and booked[0].requested


def test_okg_advies_groep8_in_february_with_child(okg: Plan) -> None:
    items = by_type(okg)["adviesgesprek"]
    assert pupils(items) == ["106", "107"]
    assert all(c.child_present and c.first_day.month == 2 for c in items)
    pre = by_type(okg)["pre-adviesgesprek"]
    assert pupils(pre) == ["106", "107"] and all(c.first_day.month == 11 for c in pre)


def _plan_key(c: Conversation) -> tuple[object, ...]:
    return (c.first_day, c.last_day, c.type_id, c.round, c.class_name or "", c.name, c.uid)


def test_items_come_in_plan_order_even_for_look_alike_pupils() -> None:
    # Same class and name, ids that are prefixes of each other or of a household uid, a name
    # with the lowest character, three households: the order is still window, type, round,
    # class, name, uid, and every household gets its own item.
    name, cycle = load_rules(DUIF)
    year = parse_school_year(YEAR)
    cal = build_calendar(year, calendar_settings(cycle, year, name))
    look_alike = [("12", 2), ("12!", 1), ("12.h1x", 1), ("12.h2", 3), ("1", 1), ("2", 2)]
    pupils = (
        *(
            Pupil(pupil_id, "Sam", "Jansen", 5, "5A", households=households, row=row)
            for row, (pupil_id, households) in enumerate(look_alike, start=2)
        ),
        Pupil("30", "Sam\x00", "Jansen", 5, "5A", row=8),
        Pupil("31", "Sam", "", 5, "5A", row=9, start_date=date(2026, 10, 1)),
        Pupil("40", "Ada", "Smit", 6, "6B", households=2, row=10),
        Pupil("41", "Ada", "Smit", 5, "5B", row=11),
    )
    roster = Roster("t", pupils, (Klass("5A", (5,)), Klass("5B", (5,)), Klass("6B", (6,))))
    items = expand(cycle, roster, cal).conversations
    assert items == sorted(items, key=_plan_key)
    start = [c.uid for c in items if c.type_id == "startgesprek"]
    assert len(start) == len(set(start)) == 14  # 31 starts after the round
    assert {"startgesprek.1.12.h2.h3", "startgesprek.1.40.h2"} <= set(start)
    households = {c.uid: c.household for c in items}
    assert households["startgesprek.1.12.h2.h3"] == 3 and households["startgesprek.1.1"] == 0

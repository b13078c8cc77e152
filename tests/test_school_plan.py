"""Issue 15 on a school-shaped roster: a pupil starting in each round, a duo class without
working days, a 6/7 class with a groep 7 studiedag and an intake per term.

Each test names the item of the issue it checks; each fails on the code before it.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from rich.console import Console
from support import DATA, DUIF

from gesprekken_cli.calendar import parse_school_year
from gesprekken_cli.checklist import build_checklists
from gesprekken_cli.expand import Conversation
from gesprekken_cli.invitations import build_invitations
from gesprekken_cli.plan import Plan, build_plan, read_roster_file
from gesprekken_cli.recipients import unplaced_meetings
from gesprekken_cli.render.checklist import render_markdown
from gesprekken_cli.render.ics import render_ics
from gesprekken_cli.render.plan_table import render_table, summary_lines
from gesprekken_cli.rules import load_rules
from gesprekken_cli.rules.validate import check_rules

SCHOOL = DATA / "school"
YEAR = "2026-2027"


def school_plan(rules: Path = DUIF) -> Plan:
    name, cycle = load_rules(rules)
    roster = read_roster_file(SCHOOL / "rooster.csv", classes_file=SCHOOL / "klassen.csv")
    return build_plan(cycle, roster, parse_school_year(YEAR), rules_file=name)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return school_plan()


def of(plan: Plan, pupil_name: str) -> list[Conversation]:
    return [c for c in plan.conversations if c.name == pupil_name]


def school_weeks_between(plan: Plan, first: date, last: date) -> int:
    """Whole school weeks (weeks with school days) from ``first`` up to ``last``."""
    cal = plan.calendar
    weeks = {d.isocalendar()[:2] for d in cal.school_days(first, last - timedelta(days=1))}
    partial = bool(cal.school_days(first - timedelta(days=first.weekday()), first - timedelta(1)))
    return len(weeks) - (1 if partial else 0)


# --- 1 new pupils ---


def test_no_conversation_on_or_before_a_start_nor_within_na_start_weken(plan: Plan) -> None:
    starts = {p.display_name: p.start_date for p in plan.roster.pupils if p.start_date}
    weeks = plan.cycle.school.na_start_weken
    checked = 0
    for c in plan.conversations:
        start = starts.get(c.name)
        if start is None or c.type_id == "intakegesprek" or c.skipped:
            continue
        assert c.first_day > start, c.uid
        assert school_weeks_between(plan, start, c.first_day) >= weeks, c.uid
        if c.start is not None:
            assert c.start.date() >= c.first_day
        checked += 1
    assert checked >= 8


def test_a_pupil_starting_in_each_round_is_left_out_with_the_reason(plan: Plan) -> None:
    skipped = {(c.name, c.type_id) for c in plan.conversations if c.skipped}
    assert skipped == {
        ("Evi Hendriks", "startgesprek"),  # starts 01-09-2026, round 07-09 … 25-09
        ("Jens Koster", "voortgangsgesprek"),  # starts 09-11-2026, round in November
        ("Nina Willems", "eerste-portfoliogesprek"),  # starts 08-03-2027, round in March
        ("Thijs Huisman", "voorlopig-adviesgesprek"),  # starts 31-05-2027, studiedag 15-06
    }
    for c in plan.conversations:
        if c.skipped:
            assert c.start is None and c.note.startswith("niet ingepland: start op")
    codes = [w for w in plan.warnings if w.code == "leerling-te-laat-gestart"]
    assert len(codes) == 4 and all(w.line and w.severity == "warning" for w in codes)
    assert any("te kort op school" in line for line in summary_lines(plan))


def test_a_pupil_starting_before_a_round_waits_four_school_weeks(plan: Plan) -> None:
    # Lotte starts Monday 05-10-2026; with the autumn vacation in between her fourth whole
    # school week ends on 06-11-2026, so the November round starts for her on 09-11-2026.
    (talk,) = [c for c in of(plan, "Lotte Prins") if c.type_id == "voortgangsgesprek"]
    assert talk.first_day == date(2026, 11, 9) and not talk.skipped
    assert talk.start is not None and talk.start.date() >= date(2026, 11, 9)


# --- 2 due dates ---


def test_no_due_date_on_a_day_without_school(plan: Plan) -> None:
    cal = plan.calendar
    for c in plan.conversations:
        for task in c.tasks:
            if task.due is None:
                continue
            if task.due < cal.first_day:  # before the summer: said so in the task
                assert task.due == cal.last_day_before and "zomervakantie" in task.note
                assert task.due.weekday() < 5
            else:
                assert cal.is_school_day(task.due), (c.uid, task.task, task.due)


def test_intake_tasks_per_pupil_from_their_own_start(plan: Plan) -> None:
    intakes = [c for c in plan.conversations if c.type_id == "intakegesprek"]
    assert {c.name for c in intakes} == {"Fenna de Wit", "Otis Smit", "Jesse Kok", "Roos Peters"}
    forms = {c.name: c.tasks[0].due for c in intakes}
    assert len(set(forms.values())) == 4  # one date per pupil, not one for all
    (checklist,) = [cl for cl in build_checklists(plan) if cl.type_id == "intakegesprek"]
    form_rows = [t for t in checklist.tasks if t.task.startswith("Intakeformulier naar ouders")]
    assert sorted(t.task.split(": ")[1] for t in form_rows) == sorted(forms)
    assert {t.due for t in form_rows} == set(forms.values())


# --- 3 conditional follow-up ---


def test_heroverweging_and_its_tasks_after_the_result_date(plan: Plan) -> None:
    result = date(2027, 3, 25)  # the shipped result date (a Thursday)
    (talk,) = [c for c in plan.conversations if c.type_id == "heroverweging-advies"]
    assert talk.name == "Lars Maas" and talk.first_day > result
    assert all(t.due is not None and t.due >= result for t in talk.tasks)
    # the invitation goes out after the result and before the period of the talks
    before = [t for t in talk.tasks if t.kind in ("uitnodiging", "document")]
    assert before and all(t.due is not None and t.due < talk.first_day for t in before)


def test_validate_warns_about_a_result_date_on_good_friday(tmp_path: Path) -> None:
    text = DUIF.read_text(encoding="utf-8")
    assert "uitslag-doorstroomtoets: 2027-03-25" in text
    copy = tmp_path / "cycle.yaml"
    copy.write_text(text.replace("2027-03-25", "2027-03-26"), encoding="utf-8")
    report = check_rules(copy.read_bytes(), str(copy))
    (warning,) = [p for p in report.problems if p.code == "geen-schooldag"]
    assert warning.severity == "warning" and warning.line is not None
    assert warning.key == "schooljaren.2026-2027.gebeurtenissen.uitslag-doorstroomtoets"
    assert "Goede vrijdag" in warning.message
    shipped = check_rules(DUIF.read_bytes(), str(DUIF))
    assert not [p for p in shipped.problems if p.code == "geen-schooldag"]


# --- 4 group meetings ---


def test_every_group_meeting_has_a_start_and_says_who_chose_it(plan: Plan) -> None:
    meetings = [c for c in plan.conversations if c.form == "groep"]
    assert len(meetings) == 4  # informatieavond groep 3 and 8, koffie-ochtend twice
    for c in meetings:
        assert c.start is not None and c.end is not None and c.start < c.end
        assert plan.calendar.is_school_day(c.start.date())
        assert "datum gekozen door het programma" in c.note
    koffie = sorted(c.start for c in meetings if c.type_id == "koffie-thee-ochtend")
    assert [s.strftime("%H.%M") for s in koffie] == ["08.30", "08.30"]
    assert any("4 bijeenkomsten: 4 met datum en tijd" in line for line in summary_lines(plan))
    assert unplaced_meetings(plan) == []


def test_a_meeting_date_from_the_rules_and_an_unplaced_meeting_named(tmp_path: Path) -> None:
    text = DUIF.read_text(encoding="utf-8").replace(
        "      uitslag-doorstroomtoets: 2027-03-25",
        "      uitslag-doorstroomtoets: 2027-03-25\n"
        "    bijeenkomsten:\n"
        "      koffie-thee-ochtend: [2026-11-10, 2027-03-16]",
    )
    evening = '    avond: {begin: "19.00", eind: "21.00"}'
    assert evening in text
    text = text.replace(evening, '    avond: {eind: "21.00"}')  # no time for the avond
    rules = tmp_path / "cycle.yaml"
    rules.write_text(text, encoding="utf-8")
    plan = school_plan(rules)
    koffie = [c for c in plan.conversations if c.type_id == "koffie-thee-ochtend"]
    assert [(c.round, c.start.date() if c.start else None) for c in koffie] == [
        (1, date(2026, 11, 10)),
        (2, date(2027, 3, 16)),
    ]
    assert all("gekozen" not in c.note for c in koffie)
    named = unplaced_meetings(plan)
    assert len(named) == 2 and all(n.startswith("Ouderinformatieavond groep 3 en 8") for n in named)
    assert any("2 nog in te plannen" in line for line in summary_lines(plan))
    assert any(w.code == "bijeenkomst-zonder-tijd" for w in plan.warnings)


# --- 6 is in tests/data/bad/rules/gesprekstijden-onder-les.* ---


# --- 7 checklist columns ---


def test_checklist_boxes_follow_the_types_tasks(plan: Plan) -> None:
    lists = {cl.type_id: cl for cl in build_checklists(plan)}
    assert "formulier ontvangen" in lists["intakegesprek"].ticks
    assert "wendagen vastleggen en aan ouders bevestigen" in lists["intakegesprek"].ticks
    assert "formulier ontvangen" not in lists["voortgangsgesprek"].ticks
    assert "formulier ontvangen" in lists["startgesprek"].ticks
    text = render_markdown(lists["intakegesprek"])
    assert "- [ ] wendagen vastleggen en aan ouders bevestigen" in text


# --- 8 decisions shown ---


def test_child_absent_in_groep_3_before_march_is_said(plan: Plan) -> None:
    (start,) = [c for c in of(plan, "Mila Jansen") if c.type_id == "startgesprek"]
    assert not start.child_present and "vanaf maart in groep 3" in start.note
    (march,) = [c for c in of(plan, "Mila Jansen") if c.type_id == "eerste-portfoliogesprek"]
    assert march.child_present and "zonder kind" not in march.note


def test_the_table_shows_the_decisions(plan: Plan) -> None:
    buffer = io.StringIO()
    render_table(plan, Console(file=buffer, width=200, color_system=None, markup=False))
    text = buffer.getvalue()
    assert "Opmerking" in text and "niet ingepland: start op 01-09-2026" in text
    assert "datum gekozen door het programma" in text
    assert "venster" not in text
    assert "5 klassen" in text


def test_skipped_pupils_are_in_no_calendar(plan: Plan) -> None:
    from datetime import UTC, datetime

    files = render_ics(plan, now=datetime(2026, 8, 1, tzinfo=UTC))
    everything = b"".join(files.values()).decode("utf-8")
    assert "Evi Hendriks" in everything  # her other conversations are there
    assert "niet ingepland: start op" not in everything


# --- 5 duo and combination classes ---


def test_duo_without_working_days_shares_the_talks_siblings_together(plan: Plan) -> None:
    for type_id in ("startgesprek", "voortgangsgesprek", "eerste-portfoliogesprek"):
        talks = [
            c
            for c in plan.conversations
            if c.class_name == "4/5B" and c.type_id == type_id and not c.skipped
        ]
        per_teacher = {
            t: sum(1 for c in talks if c.teachers == (t,)) for t in ("Els Vos", "Rik Mol")
        }
        assert all(n > 0 for n in per_teacher.values()), (type_id, per_teacher)
        assert abs(per_teacher["Els Vos"] - per_teacher["Rik Mol"]) <= 2, (type_id, per_teacher)
        assert all("het duo verdeelt de gesprekken" in c.note for c in talks)
        by_family: dict[str | None, set[tuple[str, ...]]] = {}
        for c in talks:
            by_family.setdefault(c.family_id, set()).add(c.teachers)
        assert all(len(teachers) == 1 for teachers in by_family.values())  # siblings together


def test_duo_holds_every_talk_together_when_the_rules_ask(tmp_path: Path) -> None:
    text = DUIF.read_text(encoding="utf-8")
    marker = "    wanneer: {na_weken_onderwijs: 3, weken: 3}"
    assert marker in text
    text = text.replace(marker, "    leerkrachten: beide\n" + marker, 1)  # the startgesprek
    rules = tmp_path / "cycle.yaml"
    rules.write_text(text, encoding="utf-8")
    plan = school_plan(rules)
    talks = [
        c for c in plan.conversations if c.class_name == "4/5B" and c.type_id == "startgesprek"
    ]
    assert talks and all(c.teachers == ("Els Vos", "Rik Mol") for c in talks if c.start)


def test_combination_class_teacher_not_booked_during_the_other_groeps_lessons(plan: Plan) -> None:
    # 15-06-2027 is the groep 7 studiedag; groep 6 of class 6/7 has lessons that day
    talks = [
        c
        for c in plan.conversations
        if c.class_name == "6/7" and c.type_id == "voorlopig-adviesgesprek" and c.start
    ]
    school_end = plan.cycle.school.schooltijden[1].eind  # a Tuesday
    assert talks and all(c.start is not None and c.start.time() >= school_end for c in talks)
    # a single-groep class keeps the studiedag's own times (groep 8, 16-03-2027)
    okr = [c for c in plan.conversations if c.type_id == "okr-gesprek" and c.start]
    assert min(c.start for c in okr if c.start).strftime("%H.%M") == "08.30"


def test_more_than_max_zonder_pauze_talks_a_day_get_a_break(tmp_path: Path) -> None:
    header = "leerlingnummer;roepnaam;achternaam;groep;klas;leerkracht;gezin"
    rows = [f"{900 + i};Kind{i};Achternaam{i};8;8B;Joke Meijer;f{i}" for i in range(14)]
    roster_file = tmp_path / "groep8.csv"
    roster_file.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    name, cycle = load_rules(DUIF)
    roster = read_roster_file(roster_file)
    plan = build_plan(cycle, roster, parse_school_year(YEAR), rules_file=name)
    limit, rest = cycle.school.max_zonder_pauze, cycle.school.lange_pauze_minuten
    okr = sorted(
        (c for c in plan.conversations if c.type_id == "okr-gesprek" and c.start),
        key=lambda c: c.start or c.end,  # type: ignore[arg-type, return-value]
    )
    assert len(okr) == 14 and len({c.start.date() for c in okr if c.start}) == 1
    in_a_row, breaks = 1, 0
    for before, after in pairwise(okr):
        assert before.end is not None and after.start is not None
        if (after.start - before.end).total_seconds() >= rest * 60:
            assert "na een pauze van de leerkracht" in after.note
            in_a_row, breaks = 1, breaks + 1
        else:
            in_a_row += 1
        assert in_a_row <= limit
    assert breaks == 1


# --- 9 Dutch as a school writes it (review) ---


def test_a_meeting_of_one_class_says_klas_not_klassen(plan: Plan) -> None:
    notes = [c.note for c in plan.conversations if c.form == "groep"]
    assert any(n.startswith("klas: 3A;") for n in notes), notes
    assert not any(n.startswith("klassen: ") and "," not in n.split(";")[0] for n in notes)


def test_the_table_gives_each_intake_pupils_own_task_dates(plan: Plan) -> None:
    intakes = [c for c in plan.conversations if c.type_id == "intakegesprek" and not c.skipped]
    dues = {f"{t.due:%d-%m}" for c in intakes for t in c.tasks if t.task.startswith("Intakeform")}
    assert len(dues) > 2  # the fixture has an intake per term
    buffer = io.StringIO()
    render_table(plan, Console(file=buffer, width=400, color_system=None, markup=False))
    text = buffer.getvalue()
    assert all(due in text for due in dues), (dues, text)


def test_a_skipped_pupil_gets_no_invitation(plan: Plan) -> None:
    skipped = {(c.pupil_id, c.type_id, c.round) for c in plan.conversations if c.skipped}
    assert skipped
    invited = {
        (c.pupil_id, c.type_id, c.round)
        for invitation in build_invitations(plan)
        for c in invitation.conversations
    }
    assert not skipped & invited


def test_the_summary_counts_skipped_pupils_not_skipped_items(plan: Plan) -> None:
    (first, *_) = [c for c in plan.conversations if c.skipped]
    again = next(
        c
        for c in plan.conversations
        if c.pupil_id == first.pupil_id and not c.skipped and c.type_id != first.type_id
    )
    twice = tuple(
        c._replace(skipped=True, start=None, end=None) if c is again else c
        for c in plan.conversations
    )
    pupils = {c.pupil_id for c in twice if c.skipped}
    items = [c for c in twice if c.skipped]
    assert len(items) > len(pupils)
    lines = summary_lines(plan._replace(conversations=twice))
    word = "leerling" if len(pupils) == 1 else "leerlingen"
    assert any(line.startswith(f"{len(pupils)} {word} niet uitgenodigd") for line in lines), lines


def test_a_pupil_left_out_of_a_round_gets_no_tick_boxes_in_the_checklist(plan: Plan) -> None:
    lists = [
        cl
        for cl in build_checklists(plan)
        if cl.type_id == "startgesprek" and any(r.name == "Evi Hendriks" for r in cl.rows)
    ]
    assert len(lists) == 1
    (cl,) = lists
    evi = next(r for r in cl.rows if r.name == "Evi Hendriks")
    assert evi.skipped and not any(r.skipped for r in cl.rows if r is not evi)
    text = render_markdown(cl)
    block = text[text.index("**Evi Hendriks**") :].split("\n- ", 1)[0]
    assert "[ ]" not in block and "start op" in block
    assert f"{len(cl.rows) - 1} leerlingen" in text and "1 niet in deze ronde" in text

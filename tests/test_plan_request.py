"""The one request of a plan: built once, "today" passed in, the rules' column names merged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support import DUIF, EXAMPLES

from gesprekken_cli.overview import rules_overview
from gesprekken_cli.plan import PlanRequest, make_plan, school_year_of
from gesprekken_cli.roster import RosterSource


def test_today_picks_the_school_year_when_none_is_given() -> None:
    assert school_year_of(None, date(2027, 7, 31)).label == "2026-2027"
    assert school_year_of(None, date(2027, 8, 1)).label == "2027-2028"
    assert school_year_of("2030-2031", date(2027, 8, 1)).label == "2030-2031"


def test_make_plan_reads_no_clock() -> None:
    request = PlanRequest(RosterSource(EXAMPLES / "groep5.csv"), date(2027, 9, 1), rules=DUIF)
    assert make_plan(request).year.label == "2027-2028"


def test_the_request_is_frozen() -> None:
    request = PlanRequest(RosterSource(EXAMPLES / "groep5.csv"), date(2026, 9, 1))
    with pytest.raises(AttributeError):
        request.today = date(2027, 9, 1)  # type: ignore[misc]


def test_the_rules_column_names_meet_the_command_lines(tmp_path: Path) -> None:
    rules = tmp_path / "cycle.yaml"
    text = DUIF.read_text(encoding="utf-8")
    rules.write_text(text + "\nkolommen:\n  Stamgroep: klas\n", encoding="utf-8")
    roster = tmp_path / "rooster.csv"
    lines = (EXAMPLES / "groep5.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    assert "klas" in header
    header[header.index("klas")] = "Stamgroep"
    roster.write_text("\n".join([";".join(header), *lines[1:]]) + "\n", encoding="utf-8")
    plan = make_plan(PlanRequest(RosterSource(roster), date(2026, 9, 1), rules=rules))
    assert {p.class_name for p in plan.roster.pupils} == {"5A"}


def test_rules_overview_needs_no_roster() -> None:
    view = rules_overview(DUIF, school_year_of("2026-2027", date(2026, 9, 1)))
    assert view.year_label == "2026-2027" and view.cells and not view.counted

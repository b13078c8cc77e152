"""render/ical_text and the calendars built with it: escaping, folding, round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import vobject
from hypothesis import given
from hypothesis import strategies as st
from support import DATA, DUIF, GOLDEN, request

from gesprekken_cli.model import Pupil, Roster
from gesprekken_cli.names import clean_roster, strip_bidi
from gesprekken_cli.plan import Plan, make_plan
from gesprekken_cli.render.ical_text import duration, fold, text
from gesprekken_cli.render.ics import render_ics

NOW = datetime(2026, 8, 1, 9, 30, tzinfo=UTC)
HOSTILE = "Kees\r\nATTENDEE:mailto:x@example.org;Bos, \\ ;\u202eevil"


def test_text_escapes_the_four_specials_and_drops_control_characters() -> None:
    assert text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    assert text("a\r\nb\rc") == "a\\nb\\nc"
    assert text("bel\x07\x00 tab\t") == "bel tab\t"


@given(st.text())
def test_fold_keeps_lines_within_75_octets_and_unfolds_to_the_original(value: str) -> None:
    content = "DESCRIPTION:" + text(value)
    data = fold(content)
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    assert all(len(part) <= 75 for part in physical)
    assert all(part.startswith(b" ") for part in physical[1:])
    for part in physical:  # never cut inside a UTF-8 sequence
        part.decode("utf-8")
    assert data[:-2].replace(b"\r\n ", b"").decode("utf-8") == content


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(15, "-PT15M"), (60, "-PT1H"), (90, "-PT1H30M"), (1440, "-P1D"), (1500, "-P1DT1H")],
)
def test_duration_as_icalendar_writes_it(minutes: int, expected: str) -> None:
    delta = timedelta(minutes=-minutes)
    assert duration(delta) == expected
    assert icalendar.vDuration(delta).to_ical().decode() == expected


def test_bidi_controls_removed_from_names() -> None:
    assert strip_bidi("Em\u202ema\u2066\u2069") == "Emma"
    pupil = Pupil("1", "\u202aEmma", "\u202eVries", 5, "5A", infix="de")
    roster = clean_roster(Roster("x", (pupil,), ()))
    assert roster.pupils[0].display_name == "Emma de Vries"
    plain = Roster("x", (Pupil("1", "Emma", "Vries", 5, "5A"),), ())
    assert clean_roster(plain) is plain


@pytest.fixture(scope="module")
def hostile() -> Plan:
    """The tiny plan with a newline, ``;``, ``,``, ``\\`` and an override in the names."""
    plan = make_plan(request(DATA / "ics" / "roster.csv", DUIF))
    conversations = tuple(
        c._replace(name=HOSTILE, teachers=(HOSTILE,), location=HOSTILE) for c in plan.conversations
    )
    school = plan.cycle.school.model_copy(update={"naam": "De Duif\nMETHOD:REQUEST"})
    cycle = plan.cycle.model_copy(update={"school": school})
    return plan._replace(conversations=conversations, cycle=cycle)


def test_newline_in_a_name_neither_crashes_nor_injects_a_property(hostile: Plan) -> None:
    files = render_ics(hostile, now=NOW)
    assert files
    for data in files.values():
        unfolded = data.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")
        assert not any(line.startswith(("ATTENDEE", "METHOD:REQUEST")) for line in unfolded)
        calendar = icalendar.Calendar.from_ical(data)
        assert str(calendar["METHOD"]) == "PUBLISH"
        assert str(calendar["X-WR-CALNAME"]).startswith(r"De Duif\nMETHOD:REQUEST")
        for event in calendar.walk("VEVENT"):
            assert "ATTENDEE" not in event
            if "LOCATION" in event:
                assert str(event["LOCATION"]) == HOSTILE.replace("\r\n", "\n")
        parsed = vobject.readOne(data.decode("utf-8"))
        assert parsed.method.value == "PUBLISH"
        for event in getattr(parsed, "vevent_list", []):
            assert not hasattr(event, "attendee")


def test_golden_calendars_parse_in_icalendar_and_vobject_alike() -> None:
    for path in sorted((GOLDEN / "ics").iterdir()):
        data = path.read_bytes()
        ours = icalendar.Calendar.from_ical(data)
        theirs = vobject.readOne(data.decode("utf-8"))
        a = [
            (str(e["UID"]), str(e["SUMMARY"]), str(e.get("DESCRIPTION", "")))
            for e in ours.walk("VEVENT")
        ]
        b = [
            (e.uid.value, e.summary.value, e.description.value if hasattr(e, "description") else "")
            for e in getattr(theirs, "vevent_list", [])
        ]
        assert a == b, path.name


def test_roster_with_bidi_override_reaches_no_calendar(tmp_path: Path) -> None:
    source = (DATA / "ics" / "roster.csv").read_text(encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(source.replace("Emma", "Em\u202ema").replace("Joke", "\u2066Joke"), "utf-8")
    plan = make_plan(request(roster, DUIF))
    for data in render_ics(plan, now=NOW).values():
        decoded = data.decode("utf-8")
        assert "\u202e" not in decoded and "\u2066" not in decoded
    assert any("Emma de Vries" in d.decode() for d in render_ics(plan, now=NOW).values())


def test_bidi_controls_removed_from_the_school_name(tmp_path: Path) -> None:
    """The school's name (rules file) reaches every calendar's name: no bidi override there."""
    from datetime import UTC, datetime

    from support import DUIF, EXAMPLES, request

    from gesprekken_cli.plan import make_plan
    from gesprekken_cli.render.ics import calendar_views, render_calendar_set

    rules = tmp_path / "cycle.yaml"
    text = DUIF.read_text(encoding="utf-8")
    rules.write_text(text.replace("naam: De Duif", 'naam: "De \\u202eDuif\\u2069"', 1), "utf-8")
    result = make_plan(request(EXAMPLES / "groep5.csv", rules))
    assert result.cycle.school.naam == "De Duif"
    files = render_calendar_set(
        result, calendar_views(result, ("gezin",)), now=datetime(2026, 8, 1, tzinfo=UTC)
    )
    assert not any("\u202e" in data.decode("utf-8") for data in map(_bytes, files.values()))


def _bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data

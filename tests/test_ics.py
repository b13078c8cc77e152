"""render/ics: which items reach which calendar, and files every client reads the same way."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import unquote

import icalendar
import pytest
import vobject
from support import DATA, DUIF, EXAMPLES, GOLDEN, request

from gesprekken_cli.cli.options import parse_views, pinned_time
from gesprekken_cli.errors import GesprekkenError
from gesprekken_cli.expand import AMSTERDAM, Conversation, expand
from gesprekken_cli.model import Klass, Teacher
from gesprekken_cli.output import write_files
from gesprekken_cli.plan import Plan, make_plan
from gesprekken_cli.render.ics import (
    VIEWS,
    calendar_views,
    event_uid,
    render_ics,
    summary_of,
)

ROSTER = DATA / "ics" / "roster.csv"
NOW = datetime(2026, 8, 1, 9, 30, tzinfo=UTC)
GOLDEN_ICS = GOLDEN / "ics"


@pytest.fixture(scope="module")
def tiny() -> Plan:
    return make_plan(request(ROSTER, DUIF))


@pytest.fixture(scope="module")
def groep5() -> Plan:
    return make_plan(request(EXAMPLES / "groep5.csv", DUIF))


def events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def plan_uids(data: bytes) -> list[str]:
    """The conversation uids (and study-day ids) behind the events of one file, in order."""
    return [unquote(str(e["UID"]).rsplit("@", 1)[0]) for e in events(data)]


def with_conversations(plan: Plan, conversations: list[Conversation]) -> Plan:
    return plan._replace(conversations=tuple(conversations))


def unslotted(plan: Plan) -> Plan:
    """The plan as expansion leaves it (no scheduler): only fixed and recurring times."""
    expansion = expand(plan.cycle, plan.roster, plan.calendar)
    return with_conversations(plan, expansion.conversations)


def pinned(plan: Plan) -> Plan:
    """Slots fixed by the test, not the scheduler: every other pupil conversation gets one."""
    out: list[Conversation] = []
    for index, c in enumerate(unslotted(plan).conversations):
        if c.recurrence is None and c.form == "groep" and c.start is None:
            start = datetime.combine(c.first_day, time(19, 0), AMSTERDAM)
            c = c._replace(start=start, end=start + timedelta(minutes=c.duration))
        elif c.pupil_id is not None and index % 2 == 0:
            start = datetime.combine(c.first_day, time(15, 0), AMSTERDAM)
            start += timedelta(minutes=20 * (index % 5))
            c = c._replace(start=start, end=start + timedelta(minutes=c.duration))
        out.append(c)
    out[-1] = out[-1]._replace(sequence=2)
    return with_conversations(plan, out)


def with_reminders(plan: Plan, minutes: list[int]) -> Plan:
    school = plan.cycle.school.model_copy(update={"herinneringen_minuten": minutes})
    return plan._replace(cycle=plan.cycle.model_copy(update={"school": school}))


# --- the file as a whole ---


def test_every_file_declares_its_timezone_in_the_rrule_form(tiny: Plan) -> None:
    for name, data in render_ics(tiny, now=NOW).items():
        cal = icalendar.Calendar.from_ical(data)
        zones = list(cal.walk("VTIMEZONE"))
        assert [str(z["TZID"]) for z in zones] == ["Europe/Amsterdam"], name
        rules = {
            part.name: (_text(part["RRULE"]), _text(part["TZOFFSETTO"]))
            for part in zones[0].subcomponents
        }
        assert rules == {
            "DAYLIGHT": ("FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "+0200"),
            "STANDARD": ("FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "+0100"),
        }
        assert b"RDATE" not in data
        tzids = {p.params.get("TZID") for e in events(data) for p in _datetimes(e)}
        assert tzids <= {None, "Europe/Amsterdam"}


def _text(value: object) -> str:
    raw = value.to_ical()  # type: ignore[attr-defined]
    return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)


def _datetimes(event: icalendar.Event) -> list[icalendar.prop.vDDDTypes]:
    found = [event[k] for k in ("DTSTART", "DTEND") if k in event]
    exdates = event.get("EXDATE", [])
    for item in exdates if isinstance(exdates, list) else [exdates]:
        found.append(item)
    return found


def test_vtimezone_offsets_match_zoneinfo_for_years_to_come(tiny: Plan) -> None:
    data = render_ics(tiny, now=NOW, per=["school"])["school.ics"]
    cal = vobject.readOne(data.decode("utf-8"))
    zone = next(e for e in cal.vevent_list if isinstance(e.dtstart.value, datetime))
    zone = zone.dtstart.value.tzinfo
    for year in range(2026, 2036):
        for moment in (datetime(year, 1, 15, 12), datetime(year, 7, 15, 12)):
            moment += timedelta(days=0)
            expected = moment.replace(tzinfo=AMSTERDAM).utcoffset()
            assert moment.replace(tzinfo=zone).utcoffset() == expected


def test_publish_headers_and_required_event_properties(tiny: Plan) -> None:
    for name, data in render_ics(tiny, now=NOW).items():
        assert b"\r\n" in data and b"\r" not in data.replace(b"\r\n", b"")
        assert all(len(line) <= 75 for line in data.split(b"\r\n")), name
        cal = icalendar.Calendar.from_ical(data)
        assert str(cal["METHOD"]) == "PUBLISH"
        assert str(cal["VERSION"]) == "2.0"
        assert str(cal["PRODID"]).startswith("-//gesprekken//")
        assert str(cal["X-WR-TIMEZONE"]) == "Europe/Amsterdam"
        assert str(cal["X-WR-CALNAME"]).startswith("De Duif 2026-2027: ")
        assert b"ATTENDEE" not in data and b"ORGANIZER" not in data
        for event in events(data):
            assert str(event["UID"]).endswith("@gesprekken.invalid")
            assert event.decoded("DTSTAMP") == NOW


def test_unslotted_conversation_is_all_day_transparent_over_its_window(tiny: Plan) -> None:
    plan = unslotted(tiny)
    c = next(c for c in plan.conversations if c.pupil_id == "201")
    files = render_ics(plan, now=NOW, per=["leerkracht"])
    event = next(
        e for e in events(files["leerkracht-joke-meijer.ics"]) if str(e["UID"]).startswith(c.uid)
    )
    assert event.decoded("DTSTART") == c.first_day
    assert event.decoded("DTEND") == c.last_day + timedelta(days=1)
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert str(event["STATUS"]) == "TENTATIVE"
    assert "nog in te plannen" in str(event["SUMMARY"])
    assert b"DTSTART;VALUE=DATE:" in files["leerkracht-joke-meijer.ics"]


def test_slotted_conversation_has_local_times_and_blocks_time(tiny: Plan) -> None:
    start = datetime(2026, 9, 8, 15, 5, tzinfo=AMSTERDAM)
    plan = with_conversations(
        tiny,
        [
            c._replace(start=start, end=start + timedelta(minutes=15), sequence=3)
            if c.uid == "startgesprek.1.201"
            else c
            for c in tiny.conversations
        ],
    )
    data = render_ics(plan, now=NOW, per=["klas"])["klas-3b.ics"]
    assert b"DTSTART;TZID=Europe/Amsterdam:20260908T150500\r\n" in data
    assert b"DTEND;TZID=Europe/Amsterdam:20260908T152000\r\n" in data
    event = next(e for e in events(data) if str(e["UID"]).startswith("startgesprek.1.201@"))
    assert str(event["SUMMARY"]) == "Startgesprek Emma de Vries (groep 3B)"
    assert str(event["TRANSP"]) == "OPAQUE"
    assert event["SEQUENCE"] == 3
    assert str(event["LOCATION"]) == "De Duif, lokaal van de eigen groep"


def test_october_daylight_saving_change_in_every_parser(tiny: Plan) -> None:
    """15.00 local is 13.00 UTC on Friday 23 October 2026 and 14.00 UTC on Monday 26 October."""
    before = datetime(2026, 10, 23, 15, 0, tzinfo=AMSTERDAM)
    after = datetime(2026, 10, 26, 15, 0, tzinfo=AMSTERDAM)
    moved = {"startgesprek.1.201": before, "startgesprek.1.205": after}
    plan = with_conversations(
        tiny,
        [
            c._replace(start=moved[c.uid], end=moved[c.uid] + timedelta(minutes=15))
            if c.uid in moved
            else c
            for c in tiny.conversations
        ],
    )
    data = render_ics(plan, now=NOW, per=["leerkracht"])["leerkracht-joke-meijer.ics"]
    expected = {
        "startgesprek.1.201": datetime(2026, 10, 23, 13, 0, tzinfo=UTC),
        "startgesprek.1.205": datetime(2026, 10, 26, 14, 0, tzinfo=UTC),
    }
    by_icalendar = {
        unquote(str(e["UID"]).split("@")[0]): e.decoded("DTSTART").astimezone(UTC)
        for e in events(data)
        if isinstance(e.decoded("DTSTART"), datetime)
    }
    cal = vobject.readOne(data.decode("utf-8"))
    by_vobject = {
        unquote(e.uid.value.split("@")[0]): e.dtstart.value.astimezone(UTC)
        for e in cal.vevent_list
        if isinstance(e.dtstart.value, datetime)
    }
    for uid, moment in expected.items():
        assert by_icalendar[uid] == moment
        assert by_vobject[uid] == moment
    by_icaljs = ical_js_starts(data)
    if by_icaljs is not None:
        for uid, moment in expected.items():
            assert by_icaljs[uid] == moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


ICAL_JS = """
const ICAL = require('ical.js');
const text = require('fs').readFileSync(0, 'utf8');
const comp = new ICAL.Component(ICAL.parse(text));
for (const z of comp.getAllSubcomponents('vtimezone')) {
  ICAL.TimezoneService.register(new ICAL.Timezone(z));
}
const out = {};
for (const v of comp.getAllSubcomponents('vevent')) {
  const e = new ICAL.Event(v);
  if (e.startDate.isDate) continue;
  out[decodeURIComponent(e.uid.split('@')[0])] = e.startDate.toJSDate().toISOString();
}
console.log(JSON.stringify(out));
"""


def ical_js_starts(data: bytes) -> dict[str, str] | None:
    """Start times in UTC as Mozilla's ical.js reads them; None when node or ical.js is missing.

    Uses the file's own VTIMEZONE (``TimezoneService.register``), as Thunderbird does.
    """
    node = shutil.which("node")
    if node is None:
        return None
    probe = subprocess.run(
        [node, "-e", "require.resolve('ical.js')"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        return None
    done = subprocess.run(
        [node, "-e", ICAL_JS], input=data, capture_output=True, check=True, timeout=60
    )
    result: dict[str, str] = json.loads(done.stdout)
    return result


# --- membership ---


def _belongs(plan: Plan) -> dict[tuple[str, str], set[str]]:
    """The calendars each conversation belongs to, written out independently of the module."""
    grades: dict[str, set[int]] = {}
    for p in plan.roster.pupils:
        grades.setdefault(p.class_name, set()).add(p.grade)
    family = {p.pupil_id: p.family_id or p.pupil_id for p in plan.roster.pupils}
    kids: dict[str, list[tuple[str, int]]] = {}
    for p in plan.roster.pupils:
        kids.setdefault(family[p.pupil_id], []).append((p.class_name, p.grade))
    classes_of: dict[str, list[str]] = {}
    for k in plan.roster.classes:
        for t in k.teachers:
            classes_of.setdefault(t.name, []).append(k.name)
    out: dict[tuple[str, str], set[str]] = {}
    households: dict[str, set[int]] = {}
    for c in plan.conversations:
        if c.pupil_id is not None and c.household:
            households.setdefault(family[c.pupil_id], set()).add(c.household)

    def add(view: str, key: str, uid: str, household: int = 0) -> None:
        if view == "gezin" and key in households:
            for h in households[key]:
                if household in (0, h):
                    out.setdefault((view, f"{key}-huishouden-{h}"), set()).add(uid)
            return
        out.setdefault((view, key), set()).add(uid)

    for c in plan.conversations:
        shared = c.form in ("groep", "terugkerend") and c.pupil_id is None
        for t in c.teachers:
            add("leerkracht", t, c.uid)
        if c.form == "terugkerend":
            for t, names in classes_of.items():
                if any(set(c.grades) & grades[n] for n in names):
                    add("leerkracht", t, c.uid)
        if c.pupil_id is not None:
            add("gezin", family[c.pupil_id], c.uid, c.household)
            add("klas", c.class_name or "", c.uid)
        if shared:
            for key, children in kids.items():
                if any(
                    (c.class_name == k) if c.class_name else (g in c.grades) for k, g in children
                ):
                    add("gezin", key, c.uid)
            for name, gs in grades.items():
                if (c.class_name == name) if c.class_name else bool(gs & set(c.grades)):
                    add("klas", name, c.uid)
            add("school", "school", c.uid)
        elif c.pupil_id is None and c.class_name is None:
            add("school", "school", c.uid)
    return out


@pytest.mark.parametrize("which", ["tiny", "groep5"])
def test_every_item_exactly_once_in_each_calendar_it_belongs_to(
    which: str, request: pytest.FixtureRequest
) -> None:
    plan: Plan = request.getfixturevalue(which)
    expected = _belongs(plan)
    views = calendar_views(plan)
    files = render_ics(plan, now=NOW)
    assert len(files) == len(views)
    seen: set[str] = set()
    for view in views:
        got = [c.uid for c in view.conversations]
        assert len(got) == len(set(got)), (view.view, view.key)
        assert set(got) == expected.get((view.view, view.key), set()), (view.view, view.key)
        seen |= set(got)
    assert seen == {c.uid for c in plan.conversations}
    rendered = [u for data in files.values() for u in plan_uids(data)]
    study = sum(len(v.study_days) for v in views)
    assert len(rendered) == sum(len(v.conversations) for v in views) + study


def test_family_calendar_holds_nothing_of_another_family(groep5: Plan) -> None:
    family = {p.pupil_id: p.family_id or p.pupil_id for p in groep5.roster.pupils}
    by_uid = {c.uid: c for c in groep5.conversations}
    views = {v.key: v for v in calendar_views(groep5, ["gezin"])}
    files = render_ics(groep5, now=NOW, per=["gezin"])
    assert len(files) == len(views)
    assert {k.split("-huishouden-")[0] for k in views} == set(family.values())
    for name, data in files.items():
        view_key = next(k for k in views if name == f"gezin-{k}.ics")
        key, _, household = view_key.partition("-huishouden-")
        for uid in plan_uids(data):
            c = by_uid.get(uid)
            if c is not None and c.pupil_id is not None:
                assert family[c.pupil_id] == key
                if household:  # parents apart: never the other household's appointment
                    assert c.household in (0, int(household))
        others = {p.display_name for p in groep5.roster.pupils if family[p.pupil_id] != key}
        text = data.replace(b"\r\n ", b"").decode("utf-8")
        own = {p.display_name for p in groep5.roster.pupils if family[p.pupil_id] == key}
        for other in others - own:
            assert other not in text


def test_pupil_without_family_is_its_own_family(tiny: Plan) -> None:
    files = render_ics(tiny, now=NOW, per=["gezin"])
    assert "gezin-203.ics" in files
    assert set(plan_uids(files["gezin-203.ics"])) >= {
        "startgesprek-kleuters.1.203",
        "voortgangsgesprek.1.203",
    }


def test_siblings_share_one_calendar_with_both_classes_meetings(tiny: Plan) -> None:
    uids = set(plan_uids(render_ics(tiny, now=NOW, per=["gezin"])["gezin-g-7.ics"]))
    assert {"startgesprek.1.201", "startgesprek.1.202", "okr-gesprek.1.202"} <= uids
    assert {"ouderinformatieavond.1.groep-3", "ouderinformatieavond.1.groep-8"} <= uids
    assert "inloop.1.school" in uids
    assert not any(u.startswith("koffie-thee-ochtend") for u in uids)
    assert "studiedag.studiedag-groep-8.20270316" in uids


def test_open_request_window_only_in_teacher_calendar(tiny: Plan) -> None:
    files = render_ics(tiny, now=NOW)
    window = "tweede-portfoliogesprek.1.klas-3B"
    holders = sorted(name for name, data in files.items() if window in plan_uids(data))
    assert holders == ["leerkracht-joke-meijer.ics"]
    event = next(
        e
        for e in events(files["leerkracht-joke-meijer.ics"])
        if str(e["UID"]).startswith("tweede-portfoliogesprek.1.klas-3B@")
    )
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert str(event["SUMMARY"]) == "Tweede portfoliogesprek: op verzoek (groep 3B)"


def test_school_calendar_has_meetings_recurring_and_study_days(tiny: Plan) -> None:
    data = render_ics(tiny, now=NOW, per=["school"])["school.ics"]
    text = data.replace(b"\r\n ", b"").decode("utf-8")
    assert not any(p.last_name in text for p in tiny.roster.pupils)  # no pupil names
    uids = plan_uids(data)
    assert not any(u.split(".")[-1] in {"201", "202", "203", "204", "205"} for u in uids)
    assert {
        "inloop.1.school",
        "koffie-thee-ochtend.1.school",
        "koffie-thee-ochtend.2.school",
        "ouderinformatieavond.1.groep-3",
        "studiedag.studiedag-groep-8.20270316",
        "studiedag.studiedag-groep-7.20270615",
    } <= set(uids)


# --- the weekly inloop ---


def test_inloop_is_one_weekly_event_with_exdates_for_days_without_school(tiny: Plan) -> None:
    data = render_ics(tiny, now=NOW, per=["school"])["school.ics"]
    inloop = [e for e in events(data) if str(e["UID"]).startswith("inloop.")]
    assert len(inloop) == 1
    event = inloop[0]
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    until = rule["UNTIL"][0]
    assert until.tzinfo is not None and until.utcoffset() == timedelta(0)
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 8, 18, 8, 20, tzinfo=AMSTERDAM)
    listed = event["EXDATE"]
    exdates = [
        d.dt for item in (listed if isinstance(listed, list) else [listed]) for d in item.dts
    ]
    assert exdates and all(d.time() == start.time() for d in exdates)
    assert all(d.weekday() == 1 and not tiny.calendar.is_school_day(d.date()) for d in exdates)
    for line in data.replace(b"\r\n ", b"").split(b"\r\n"):
        if line.startswith(b"EXDATE"):
            assert line.startswith(b"EXDATE;TZID=Europe/Amsterdam:") and b"," not in line
    tuesdays = [d for d in tiny.calendar.school_days() if d.weekday() == 1]
    parsed = vobject.readOne(data.decode("utf-8"))
    weekly = next(e for e in parsed.vevent_list if e.uid.value.startswith("inloop."))
    occurrences = list(weekly.getrruleset())
    assert [o.date() for o in occurrences] == tuesdays
    assert occurrences[-1].astimezone(UTC) == until


# --- content ---


def test_description_has_goals_participants_child_and_preparation(tiny: Plan) -> None:
    c = next(c for c in unslotted(tiny).conversations if c.uid == "startgesprek.1.201")
    staff = events(render_ics(with_conversations(tiny, [c]), now=NOW, per=["klas"])["klas-3b.ics"])
    text = str(staff[0]["DESCRIPTION"])
    assert "Doel:\n- Kennismaking met nieuwe ouder/leerkracht" in text
    assert "Deelnemers: ouders, leerkracht (Joke Meijer)" in text
    assert "Kind aanwezig: nee" in text  # groep 3 attends from March on
    assert "- Startformulier invullen (ouders, uiterlijk 04-09-2026, via Social Schools)" in text
    assert "Startformulier bewaren in ParnasSys" in text
    assert "07-09-2026 t/m 25-09-2026" in text
    family = events(
        render_ics(with_conversations(tiny, [c]), now=NOW, per=["gezin"])["gezin-g-7.ics"]
    )
    text = str(family[0]["DESCRIPTION"])
    assert "Startformulier invullen" in text
    assert "ParnasSys" not in text  # the teacher's own tasks stay out of families' calendars


def test_summaries_are_dutch() -> None:
    base = Conversation(
        uid="startgesprek.1.1",
        type_id="startgesprek",
        type_name="Startgesprek",
        round=1,
        status="verplicht",
        form="individueel",
        name="Emma de Vries",
        class_name="5A",
        grade=5,
        grades=(5,),
        pupil_id="1",
        family_id=None,
        teachers=(),
        participants=(),
        child_present=True,
        first_day=date(2026, 9, 7),
        last_day=date(2026, 9, 25),
        duration=15,
        day_part="na_schooltijd",
    )
    assert summary_of(base) == "Startgesprek Emma de Vries (groep 5A)"
    assert (
        summary_of(base._replace(household=2))
        == "Startgesprek Emma de Vries (groep 5A, huishouden 2)"
    )


def test_reminders_only_when_configured_and_only_on_timed_events(tiny: Plan) -> None:
    plan = pinned(tiny)
    assert b"VALARM" not in b"".join(render_ics(plan, now=NOW).values())
    data = render_ics(with_reminders(plan, [1440, 15]), now=NOW, per=["klas"])["klas-3b.ics"]
    for event in events(data):
        alarms = [a for a in event.subcomponents if a.name == "VALARM"]
        timed = isinstance(event.decoded("DTSTART"), datetime) and "RRULE" not in event
        assert len(alarms) == (2 if timed else 0)
        for alarm in alarms:
            assert str(alarm["ACTION"]) == "DISPLAY" and "DESCRIPTION" in alarm
    assert b"TRIGGER:-P1D\r\n" in data and b"TRIGGER:-PT15M\r\n" in data


# --- uids and names ---


def test_uids_stable_across_runs_and_unique(tiny: Plan) -> None:
    first = render_ics(tiny, now=NOW)
    again = render_ics(
        make_plan(request(ROSTER, DUIF)),
        now=NOW + timedelta(days=3),
    )
    assert first.keys() == again.keys()
    for name in first:
        assert plan_uids(first[name]) == plan_uids(again[name])
        uids = [str(e["UID"]) for e in events(first[name])]
        assert len(uids) == len(set(uids))
    all_uids = {str(e["UID"]) for data in first.values() for e in events(data)}
    assert len(all_uids) == len({c.uid for c in tiny.conversations}) + len(tiny.calendar.study_days)


def test_event_uid_never_merges_two_ids() -> None:
    assert event_uid("x.1.klas-1/2B", "s.nl") != event_uid("x.1.klas-1-2B", "s.nl")
    assert event_uid("x.1.klas-1/2B", "s.nl") == "x.1.klas-1%2F2B@s.nl"
    assert event_uid("a b@c", "s.nl").count("@") == 1


def test_hostile_names_become_safe_unique_files(tiny: Plan, tmp_path: Path) -> None:
    teachers = ("../../etc", "CON", "..")
    classes = (
        Klass("1/2B", (1, 2), (Teacher(teachers[0]),)),
        Klass("1-2B", (1, 2), (Teacher(teachers[1]),)),
        Klass("CON", (3,), (Teacher(teachers[2]),)),
    )
    plan = tiny._replace(roster=tiny.roster._replace(classes=classes, pupils=()))
    plan = with_conversations(plan, [])
    files = render_ics(plan, now=NOW, per=["leerkracht", "klas"])
    assert len(files) == 6
    for name in files:
        assert name == Path(name).name and not name.startswith(".") and name.endswith(".ics")
        assert name.split(".")[0].lower() not in {"con", "prn", "aux", "nul"}
    assert {"klas-1-2b.ics", "klas-1-2b-2.ics", "klas-con.ics"} <= set(files)
    write_files(tmp_path, files)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files)


def test_parse_views() -> None:
    assert parse_views(None) == VIEWS
    assert parse_views("school, Leerkracht") == ("leerkracht", "school")
    with pytest.raises(GesprekkenError) as caught:
        parse_views("leerkracht,ouders")
    assert caught.value.exit_code == 2
    assert "ouders" in caught.value.problems[0].message


def test_pinned_time_from_source_date_epoch() -> None:
    assert pinned_time("1785576600") == datetime(2026, 8, 1, 9, 30, tzinfo=UTC)
    assert pinned_time(None) is None and pinned_time("gisteren") is None


# --- golden files ---


def _lines(data: bytes) -> list[str]:
    return data.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")


def test_golden_calendars_for_the_tiny_roster(tiny: Plan) -> None:
    files = render_ics(with_reminders(pinned(tiny), [1440]), now=NOW)
    if os.environ.get("GESPREKKEN_REGEN") == "1":
        shutil.rmtree(GOLDEN_ICS, ignore_errors=True)
        GOLDEN_ICS.mkdir(parents=True)
        for name, data in files.items():
            (GOLDEN_ICS / name).write_bytes(data)
    assert sorted(p.name for p in GOLDEN_ICS.iterdir()) == sorted(files)
    for name, data in files.items():
        expected = (GOLDEN_ICS / name).read_bytes()
        assert _lines(data) == _lines(expected), f"{name}: GESPREKKEN_REGEN=1 to update"

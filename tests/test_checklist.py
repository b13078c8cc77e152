"""Checklists: data built from the plan, Markdown/HTML/CSV rendering, due dates, injection."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from gesprekken_cli.calendar import build_calendar, parse_school_year
from gesprekken_cli.checklist import Checklist, build_checklists, select
from gesprekken_cli.cli.options import parse_formats
from gesprekken_cli.errors import GesprekkenError
from gesprekken_cli.expand import AMSTERDAM, PrepTask, calendar_settings, expand
from gesprekken_cli.plan import Plan, read_roster_file
from gesprekken_cli.render.checklist import render_csv, render_files, render_markdown
from gesprekken_cli.render.checklist_html import render_html
from gesprekken_cli.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "tests" / "data" / "checklist" / "klein.csv"
GOLDEN = ROOT / "tests" / "golden" / "checklist"
RULES = {
    "de-duif": ROOT / "rules" / "cycle.yaml",
    "ouder-kindgesprekken": ROOT / "examples" / "ouder-kindgesprekken.yaml",
}
YEAR = "2026-2027"


def windows_plan(roster: Path, rules: Path = RULES["de-duif"]) -> Plan:
    """The plan before scheduling (windows only): independent of the slot assignment."""
    name, cycle = load_rules(rules)
    pupils = read_roster_file(roster, header_map=cycle.kolommen or None)
    year = parse_school_year(YEAR)
    cal = build_calendar(year, calendar_settings(cycle, year, name))
    found = expand(cycle, pupils, cal)
    return Plan(name, cycle, pupils, cal, tuple(found.conversations))


def with_slots(plan: Plan, type_id: str, first: datetime) -> Plan:
    """``plan`` with every individual conversation of ``type_id`` given a 15-minute slot."""
    moment, items = first, []
    for c in plan.conversations:
        if c.type_id == type_id and c.pupil_id is not None:
            c = c._replace(start=moment, end=moment + timedelta(minutes=15))
            moment += timedelta(minutes=20)
        items.append(c)
    return plan._replace(conversations=tuple(items))


def one(lists: list[Checklist], type_id: str, teacher: str = "Anna") -> Checklist:
    found = select(lists, teacher=teacher, conversation=type_id)
    assert len(found) == 1
    return found[0]


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("GESPREKKEN_REGEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"{path} ontbreekt; maak hem met GESPREKKEN_REGEN=1"
    assert data == path.read_bytes(), f"{name} wijkt af; bekijk de diff, GESPREKKEN_REGEN=1"


def bundle(files: dict[str, bytes | str], suffix: str) -> bytes:
    parts = []
    for name in sorted(n for n in files if n.endswith(suffix)):
        data = files[name]
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        parts.append(f"===== {name} =====\n{text}")
    return "\n".join(parts).encode("utf-8")


# --- golden files: both shipped rules files, the small roster ---


@pytest.mark.parametrize("rules", sorted(RULES))
@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
def test_golden_windows(rules: str, fmt: str) -> None:
    files = render_files(build_checklists(windows_plan(SMALL, RULES[rules])), [fmt])
    check_golden(f"{rules}.{fmt}.txt", bundle(files, "." + fmt))


@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
def test_golden_slotted(fmt: str) -> None:
    start = datetime(2026, 9, 8, 14, 45, tzinfo=AMSTERDAM)
    plan = with_slots(windows_plan(SMALL), "startgesprek", start)
    files = render_files(select(build_checklists(plan), conversation="startgesprek"), [fmt])
    check_golden(f"de-duif-met-tijden.{fmt}.txt", bundle(files, "." + fmt))


# --- content ---


def test_rounds_of_the_small_roster_per_teacher() -> None:
    lists = build_checklists(windows_plan(SMALL))
    keys = {(cl.type_id, cl.teachers) for cl in lists}
    duo = ("Anna de Boer", "Pieter Jansen")
    assert ("startgesprek", duo) in keys
    assert ("startgesprek", ("Mirjam Kuipers",)) in keys
    assert ("ouderinformatieavond", ("Mirjam Kuipers",)) in keys  # groep 3 meeting
    assert not any(cl.type_id in {"inloop", "informatiegesprek"} for cl in lists)


def test_siblings_in_one_list_share_a_row_csv_has_a_row_per_appointment() -> None:
    cl = one(build_checklists(windows_plan(SMALL)), "startgesprek")
    blocks = [[r.name for r in block] for block in cl.blocks()]
    assert ["Daan de Vries", "Sanne de Vries"] in blocks
    assert len(cl.rows) == 4 and len(blocks) == 3
    rows = list(csv.reader(io.StringIO(render_csv(cl).decode("utf-8-sig")), delimiter=";"))
    # Noor Yılmaz's parents live apart: a row per household (two appointments)
    assert [r[0] for r in rows[1:]] == [n for r in cl.rows for n in [r.name] * len(r.slots)]
    together = {r[0]: r[6] for r in rows[1:]}
    assert together["Sanne de Vries"] == "Daan de Vries"
    markdown = render_markdown(cl)
    assert "**Daan de Vries** en **Sanne de Vries** (gezin)" in markdown


def test_two_households_one_row_two_slots() -> None:
    cl = one(build_checklists(windows_plan(SMALL)), "startgesprek")
    noor = next(r for r in cl.rows if r.name == "Noor Yılmaz")
    assert [s.household for s in noor.slots] == [1, 2]
    assert "2 gesprekken (per huishouden)" in render_markdown(cl)


def test_slotted_rows_in_time_order_with_times() -> None:
    start = datetime(2026, 9, 8, 14, 45, tzinfo=AMSTERDAM)
    plan = with_slots(windows_plan(SMALL), "startgesprek", start)
    cl = one(build_checklists(plan), "startgesprek")
    firsts = [min(s.start for s in r.slots if s.start) for r in cl.rows]
    assert firsts == sorted(firsts)
    assert "afspraak: di 08-09" in render_markdown(cl)
    assert "Nog geen tijden gepland" not in render_markdown(cl)


def test_on_request_lists_every_pupil_with_an_open_window() -> None:
    cl = one(build_checklists(windows_plan(SMALL)), "tweede-portfoliogesprek")
    assert cl.on_request
    names = {r.name for r in cl.rows}
    assert names == {"Sanne de Vries", "Daan de Vries", "Noor Yılmaz", "Bram Visser"}
    assert [r.name for r in cl.rows if r.requested] == ["Bram Visser"]
    markdown = render_markdown(cl)
    assert "verzoek op: ____________ door: ____________" in markdown
    header = render_csv(cl).decode("utf-8-sig").splitlines()[0].split(";")
    assert {"Datum verzoek", "Verzoek door", "Verzoek in rooster"} <= set(header)


def test_group_meeting_short_list_without_csv() -> None:
    lists = select(build_checklists(windows_plan(SMALL)), conversation="ouderinformatieavond")
    files = render_files(lists)
    assert sorted(files) == [
        "ouderinformatieavond-mirjam-kuipers.html",
        "ouderinformatieavond-mirjam-kuipers.md",
    ]
    markdown = str(files["ouderinformatieavond-mirjam-kuipers.md"])
    # the meeting is on the first school day: the invitation goes out before the summer
    assert "- [ ] **uiterlijk vr 03-07-2026**: Uitnodiging versturen" in markdown
    assert "voor de zomervakantie" in markdown
    assert "- ma 17-08-2026 19.00–20.30" in markdown
    assert "## Leerlingen" not in markdown


# --- due dates, one test per kind of offset ---


def _portfolio() -> Checklist:
    return one(build_checklists(windows_plan(SMALL)), "eerste-portfoliogesprek")


def test_due_dagen_voor_counts_back_from_the_first_day() -> None:
    cl = _portfolio()
    assert cl.first_day == date(2027, 3, 1)
    invite = next(t for t in cl.tasks if t.kind == "uitnodiging")
    assert invite.due == date(2027, 2, 15)  # 14 dagen voor
    assert invite.rule == "14 dagen voor de gesprekken"


def test_due_weken_voor_counts_whole_weeks_back() -> None:
    portfolio = next(t for t in _portfolio().tasks if t.kind == "inzage")
    # 1 week voor 01-03 is voorjaarsvakantie (noord): the inloop (Tuesday) before it
    assert portfolio.due == date(2027, 2, 16)
    assert portfolio.rule == "1 week voor de gesprekken"


def test_due_dagen_na_counts_from_the_last_day() -> None:
    cl = _portfolio()
    report = next(t for t in cl.tasks if t.kind == "verslag")
    assert cl.last_day == date(2027, 3, 31)
    assert report.due == date(2027, 4, 7)  # 7 dagen na
    assert report.rule == "7 dagen na de gesprekken"


def test_slotted_due_dates_earliest_before_latest_after() -> None:
    plan = windows_plan(SMALL)
    items, day = [], date(2026, 11, 9)
    for c in plan.conversations:
        if c.type_id == "voortgangsgesprek" and c.class_name == "5A":
            tasks = (
                PrepTask("Uitnodiging", "uitnodiging", "leerkracht", day - timedelta(days=14)),
                PrepTask("Vastleggen", "verslag", "leerkracht", day + timedelta(days=7)),
            )
            c = c._replace(tasks=tasks)
            day += timedelta(days=1)  # five conversations: 9 … 13 november
        items.append(c)
    lists = build_checklists(plan._replace(conversations=tuple(items)))
    days = [t.due for t in one(lists, "voortgangsgesprek").tasks]
    assert days == [date(2026, 10, 26), date(2026, 11, 20)]


def test_always_open_round_has_no_fixed_due_date() -> None:
    lists = build_checklists(windows_plan(SMALL, RULES["ouder-kindgesprekken"]))
    zorg = one(lists, "zorggesprek")
    assert all(t.due is None for t in zorg.tasks)
    assert "geen vaste datum" in render_markdown(zorg)


# --- escaping and injection ---


EVIL = (
    "leerlingnummer;roepnaam;achternaam;groep;klas;leerkracht;gezin\n"
    '1;=HYPERLINK("http://x.example","klik");Jansen;5;5A;Els Smit;1\n'
    "2;Piet;<script>alert(1)</script>;5;5A;Els Smit;2\n"
    "3;+31;@Bakker;5;5A;Els Smit;3\n"
)


@pytest.fixture()
def evil_lists(tmp_path: Path) -> list[Checklist]:
    roster = tmp_path / "evil.csv"
    roster.write_text(EVIL, encoding="utf-8")
    return build_checklists(windows_plan(roster))


def test_formula_injection_neutralised_in_csv(evil_lists: list[Checklist]) -> None:
    cl = one(evil_lists, "startgesprek", "Els")
    rows = list(csv.reader(io.StringIO(render_csv(cl).decode("utf-8-sig")), delimiter=";"))
    names = [r[0] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x.example","klik") Jansen' in names
    assert "'+31 @Bakker" in names
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_html_injection_escaped(evil_lists: list[Checklist]) -> None:
    cl = one(evil_lists, "startgesprek", "Els")
    page = render_html(cl)
    assert "<script" not in page
    assert "Piet &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Piet \\<script\\>alert(1)\\</script\\>" in render_markdown(cl)


def test_html_self_contained_and_printable() -> None:
    page = render_html(one(build_checklists(windows_plan(SMALL)), "startgesprek"))
    assert "@page { size: A4" in page
    assert not re.search(r"(src|href)\s*=|@import|url\(|<script", page)


# --- choosing lists ---


def test_unknown_teacher_is_a_usage_error_listing_the_known() -> None:
    lists = build_checklists(windows_plan(SMALL))
    with pytest.raises(GesprekkenError) as caught:
        select(lists, teacher="Kees")
    assert caught.value.exit_code == 2
    message = caught.value.problems[0].message
    assert "Anna de Boer, Mirjam Kuipers, Pieter Jansen" in message


def test_unknown_conversation_is_a_usage_error_listing_the_known() -> None:
    lists = build_checklists(windows_plan(SMALL))
    with pytest.raises(GesprekkenError) as caught:
        select(lists, conversation="okr-gesprek")
    assert caught.value.exit_code == 2
    assert "startgesprek" in caught.value.problems[0].message


def test_conversation_round_selects_one_round() -> None:
    lists = build_checklists(windows_plan(SMALL))
    assert len(select(lists, conversation="startgesprek.1", teacher="Mirjam")) == 1


def test_formats_parsed_and_checked() -> None:
    assert parse_formats("csv, MD") == ("md", "csv")
    with pytest.raises(GesprekkenError):
        parse_formats("pdf")


# --- printing: headless Chromium renders the page on A4 ---


def _pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        assert re.search(r"Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info), info
        return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


def _print_pdf(html: str, tmp_path: Path) -> Path:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium niet gevonden")
    page, pdf = tmp_path / "lijst.html", tmp_path / "lijst.pdf"
    page.write_text(html, encoding="utf-8")
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profiel'}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    ]
    subprocess.run(command, capture_output=True, check=False, timeout=120)
    assert pdf.exists(), "chromium schreef geen PDF"
    return pdf


def test_chromium_prints_small_list_on_one_a4(tmp_path: Path) -> None:
    html = render_html(one(build_checklists(windows_plan(SMALL)), "startgesprek"))
    assert _pages(_print_pdf(html, tmp_path)) == 1


def test_chromium_prints_a_class_on_two_a4(tmp_path: Path) -> None:
    cl = one(build_checklists(windows_plan(ROOT / "examples" / "groep5.csv")), "startgesprek")
    assert len(cl.rows) == 27
    assert _pages(_print_pdf(render_html(cl), tmp_path)) == 2


def test_a_pupil_who_started_after_the_rounds_invitation_gets_own_dates(tmp_path: Path) -> None:
    """Bram starts on 22-02-2027, after the portfolio round's invitation (15-02) and portfolio
    viewing (16-02): the list showed only those dates, as if he had been invited with the class.
    His own window (after na_start_weken: 30-03 and 31-03) gives his own dates, on lines of
    their own; the report after the round keeps the round's date."""
    lines = SMALL.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    at = header.index("startdatum")
    changed = []
    for line in lines:
        cells = line.split(";")
        if cells[0] == "15104":
            cells[at] = "22-02-2027"
        changed.append(";".join(cells))
    roster = tmp_path / "laat.csv"
    roster.write_text("\n".join(changed) + "\n", encoding="utf-8")
    cl = one(build_checklists(windows_plan(roster)), "eerste-portfoliogesprek")
    found = [(t.task, t.due, t.note) for t in cl.tasks]
    assert found == [
        ("Uitnodiging met dagen/tijden in de gespreksplanner", date(2027, 2, 15), ""),
        (
            "Uitnodiging met dagen/tijden in de gespreksplanner: Bram Visser",
            date(2027, 3, 16),
            "start op 22-02-2027",
        ),
        ("Portfolio ter inzage tijdens de inloop", date(2027, 2, 16), ""),
        (
            "Portfolio ter inzage tijdens de inloop: Bram Visser",
            date(2027, 3, 23),
            "start op 22-02-2027",
        ),
        ("Gesprek vastleggen in ParnasSys", date(2027, 4, 7), ""),
    ]
    shown = "**uiterlijk di 16-03-2027**: Uitnodiging met dagen/tijden in de gespreksplanner"
    assert f"{shown}: Bram Visser" in render_markdown(cl)
    # a round that was over before he started has no line for him
    start = one(build_checklists(windows_plan(roster)), "startgesprek")
    assert not any("Bram" in t.task for t in start.tasks)

"""index.csv, confidential conversations in class calendars, and day sheets (Chromium)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest
from support import DATA, DUIF, EXAMPLES, request

from gesprekken_cli.daysheet import day_sheets
from gesprekken_cli.plan import Plan, make_plan
from gesprekken_cli.recipients import calendar_views
from gesprekken_cli.render.day_sheet_html import render_day_sheets
from gesprekken_cli.render.ics import render_calendar_set

NOW = datetime(2026, 8, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def tiny() -> Plan:
    return make_plan(request(DATA / "ics" / "roster.csv", DUIF))


def test_index_says_which_file_goes_to_whom(tiny: Plan) -> None:
    views = calendar_views(tiny)
    files = render_calendar_set(tiny, views, now=NOW)
    raw = files["index.csv"]
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert {r["Bestand"] for r in rows} == set(files) - {"index.csv"}
    by_file = {r["Bestand"]: r for r in rows}
    split = by_file["gezin-g-8-huishouden-2.ics"]
    assert split["Rol"] == "gezin" and split["Huishouden"] == "2"
    assert split["E-mailadressen"] == "papa.elamrani@example.org"
    assert by_file["gezin-g-7.ics"]["Namen"] == "Emma de Vries, Lucas de Vries"
    klas = by_file["klas-8a.ics"]
    pupils = {p.display_name for p in tiny.roster.pupils}
    assert not any(name in klas["Namen"] for name in pupils)
    assert klas["Namen"] == "Kees Bos, Fenna Dijkstra"


def test_confidential_conversation_never_names_the_pupil_in_a_class_calendar(
    tiny: Plan,
) -> None:
    heroverweging = [c for c in tiny.conversations if c.type_id == "heroverweging-advies"]
    assert heroverweging, "Lucas de Vries has doorstroomtoets_hoger"
    files = render_calendar_set(tiny, calendar_views(tiny), now=NOW)
    klas = icalendar.Calendar.from_ical(files["klas-8a.ics"])
    texts = [str(e.get("SUMMARY", "")) + str(e.get("DESCRIPTION", "")) for e in klas.walk("VEVENT")]
    confidential = [t for t in texts if t.startswith("Heroverwegingsgesprek")]
    assert confidential and all("Lucas" not in t for t in confidential)
    assert all("El Amrani" not in t for t in texts if "vertrouwelijk" in t)
    teacher = files["leerkracht-kees-bos.ics"].decode()
    family = files["gezin-g-7.ics"].decode()
    assert "Heroverwegingsgesprek advies groep 8 Lucas de Vries" in teacher.replace("\r\n ", "")
    assert "Heroverwegingsgesprek advies groep 8 Lucas de Vries" in family.replace("\r\n ", "")


def _busy_day(plan: Plan) -> date:
    days = [c.start.date() for c in plan.conversations if c.start and c.pupil_id]
    return max(set(days), key=days.count)


def test_day_sheet_lists_each_teachers_conversations_in_time_order() -> None:
    plan = make_plan(request(EXAMPLES / "groep5.csv", DUIF))
    day = _busy_day(plan)
    sheets = day_sheets(plan, day)
    assert sheets
    for sheet in sheets:
        starts = [c.start for c in sheet.items]
        assert starts == sorted(starts)  # type: ignore[type-var]
        assert all(sheet.teacher in c.teachers for c in sheet.items)
    page = render_day_sheets(sheets, "De Duif", day)
    assert page.count("<section>") == len(sheets) and "@page" in page
    assert "http" not in page  # self-contained: no external resources


def test_day_sheet_escapes_names(tiny: Plan) -> None:
    hostile = tiny._replace(
        conversations=tuple(c._replace(name="<b>x</b>") for c in tiny.conversations)
    )
    day = _busy_day(tiny)
    page = render_day_sheets(day_sheets(hostile, day), "<i>", day)
    assert "<b>x</b>" not in page and "&lt;b&gt;" in page and "<i>" not in page


CHROMIUM = next(
    (p for p in ("chromium", "chromium-browser", "google-chrome") if shutil.which(p)), None
)


@pytest.mark.skipif(CHROMIUM is None, reason="geen Chromium op deze machine")
def test_day_sheet_prints_one_a4_page_per_teacher_in_chromium(tmp_path: Path) -> None:
    plan = make_plan(request(EXAMPLES / "school.csv", DUIF))
    day = _busy_day(plan)
    sheets = day_sheets(plan, day)
    html = tmp_path / "dag.html"
    html.write_text(render_day_sheets(sheets, "De Duif", day), encoding="utf-8")
    pdf = tmp_path / "dag.pdf"
    assert CHROMIUM is not None
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", html.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page[^s]", data)
    assert len(pages) == len(sheets) > 1  # one A4 page per teacher, nothing spills over

"""The year overview: the grid of both shipped cycles matches the school's own documents."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest
from support import DUIF, EXAMPLES, OKG, YEAR, check_golden, request

from gesprekken_cli.calendar import build_calendar, parse_school_year
from gesprekken_cli.expand import AMSTERDAM, calendar_settings
from gesprekken_cli.overview import (
    Entry,
    Overview,
    cycle_overview,
    plan_overview,
)
from gesprekken_cli.plan import Plan, make_plan
from gesprekken_cli.render.overview_html import render_html
from gesprekken_cli.rules import load_rules
from gesprekken_cli.rules.values import MONTHS_NL

Cell = tuple[str, str, bool]  # (type id, status, child present)
V, F, OV = "verplicht", "facultatief", "op_verzoek"
KID, NO_KID = True, False


def overview_of(rules: Path) -> Overview:
    name, cycle = load_rules(rules)
    year = parse_school_year(YEAR)
    cal = build_calendar(year, calendar_settings(cycle, year, name))
    return cycle_overview(cycle, cal, rules_file=rules.name)


def grid(overview: Overview) -> dict[str, dict[Cell, tuple[int, ...]]]:
    """column → (type, status, child) → the groups it is in: the shape of the seed tables."""
    out: dict[str, dict[Cell, list[int]]] = defaultdict(lambda: defaultdict(list))
    for grade in overview.grades:
        for column in overview.columns():
            for e in overview.cell(grade, column):
                out[column][(e.type_id, e.status, e.child)].append(grade)
    return {col: {key: tuple(g) for key, g in cells.items()} for col, cells in out.items()}


# seeds/cycle-ouder-kindgesprekken.txt, with months across instead of down.
OKG_SEED: dict[str, dict[Cell, tuple[int, ...]]] = {
    "september": {
        ("kind-kennismakingsgesprek", V, KID): (1, 2, 3, 4, 5, 6, 7, 8),
        ("kennismakingsgesprek", V, NO_KID): (2, 3, 4, 5, 6, 7, 8),  # new teacher; not groep 1
    },
    "november": {
        ("voortgangsgesprek-november-kind", OV, KID): (4, 5, 6, 7),
        ("voortgangsgesprek-november-ouders", OV, NO_KID): (1, 2, 3),
        ("pre-adviesgesprek", V, KID): (8,),
    },
    "februari": {
        ("voortgangsgesprek-februari-kind", V, KID): (4, 5, 6, 8),  # groep 7 absent, as seeded
        ("voortgangsgesprek-februari-ouders", V, NO_KID): (1, 2, 3),
        ("adviesgesprek", V, KID): (8,),
    },
    "juni": {
        ("voortgangsgesprek-juni-kind", OV, KID): (4, 5, 6, 7),
        ("voortgangsgesprek-juni-ouders", OV, NO_KID): (1, 2, 3),
    },
    "altijd": {
        ("zorggesprek", OV, NO_KID): (1, 2, 3, 4, 5, 6, 7, 8),
    },
}

# seeds/cycle-de-duif.txt in 2026-2027 (regio noord: first school day 17 August).
DUIF_SEED: dict[str, dict[Cell, tuple[int, ...]]] = {
    # "In de eerste weken van het schooljaar": weeks 1-3 run from 17 August into September.
    "augustus": {("ouderinformatieavond", V, NO_KID): (3, 8)},
    "september": {
        ("ouderinformatieavond", V, NO_KID): (3, 8),
        ("startgesprek", V, NO_KID): (3,),  # child only from March in groep 3
        ("startgesprek", V, KID): (4, 5, 6, 7, 8),
        ("startgesprek-kleuters", V, NO_KID): (1, 2),  # only with a new teacher
    },
    "november": {
        ("voortgangsgesprek", V, NO_KID): (1, 2, 3),
        ("voortgangsgesprek", V, KID): (4, 5, 6, 7, 8),
        ("koffie-thee-ochtend", V, NO_KID): (1, 2),
    },
    "maart": {
        ("koffie-thee-ochtend", V, NO_KID): (1, 2),
        ("eerste-portfoliogesprek", V, NO_KID): (1, 2),
        ("eerste-portfoliogesprek", V, KID): (3, 4, 5, 6, 7),
        ("okr-gesprek", V, KID): (8,),
        ("heroverweging-advies", V, NO_KID): (8,),  # only when the doorstroomtoets is higher
    },
    "april": {
        ("koffie-thee-ochtend", V, NO_KID): (1, 2),
        ("heroverweging-advies", V, NO_KID): (8,),
    },
    "juni": {
        ("voorlopig-adviesgesprek", V, KID): (7,),
        ("tweede-portfoliogesprek", OV, NO_KID): (1, 2),
        ("tweede-portfoliogesprek", OV, KID): (3, 4, 5, 6),
    },
    "startdatum": {("intakegesprek", V, NO_KID): (1,)},
    "wekelijks": {("inloop", F, KID): (1, 2, 3, 4, 5, 6, 7, 8)},
    "altijd": {("informatiegesprek", OV, NO_KID): (1, 2, 3, 4, 5, 6, 7, 8)},
}


def test_ouder_kindgesprekken_grid_matches_its_seed() -> None:
    overview = overview_of(OKG)
    assert overview.columns() == ("september", "november", "februari", "juni", "altijd")
    assert grid(overview) == OKG_SEED


def test_groep7_has_nothing_in_februari_at_the_ouder_kind_school() -> None:
    overview = overview_of(OKG)
    assert overview.cell(7, "februari") == ()
    assert [e.type_id for e in overview.cell(8, "februari")] == [
        "voortgangsgesprek-februari-kind",
        "adviesgesprek",
    ]


def test_de_duif_grid_matches_its_seed() -> None:
    overview = overview_of(DUIF)
    assert overview.columns() == (
        "augustus",
        "september",
        "november",
        "maart",
        "april",
        "juni",
        "startdatum",
        "wekelijks",
        "altijd",
    )
    assert grid(overview) == DUIF_SEED


def test_de_duif_marks_meetings_new_teacher_condition_and_future_parents() -> None:
    overview = overview_of(DUIF)
    by_id = {e.type_id: e for g in overview.grades for c in COLUMNS for e in overview.cell(g, c)}
    assert by_id["koffie-thee-ochtend"].qualifier == "bijeenkomst"
    assert by_id["ouderinformatieavond"].form == "groep"
    assert by_id["startgesprek-kleuters"].qualifier == "bij een nieuwe leerkracht"
    assert by_id["heroverweging-advies"].qualifier == (
        "alleen als de uitslag van de doorstroomtoets hoger is dan het advies"
    )
    assert by_id["informatiegesprek"].qualifier == "belangstellende ouders"
    assert by_id["intakegesprek"].qualifier == "nieuwe leerlingen"
    assert by_id["voortgangsgesprek"].qualifier == ""


COLUMNS = (
    "augustus",
    "september",
    "november",
    "maart",
    "april",
    "juni",
    "startdatum",
    "wekelijks",
    "altijd",
)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Ouderinformatieavond groep 3 en 8", "Ouderinformatieavond"),
        ("Koffie/thee-ochtend groep 1/2", "Koffie/thee-ochtend"),
        ("OKR-gesprek groep 8", "OKR-gesprek"),
        ("Eerste portfoliogesprek groep 1 t/m 7", "Eerste portfoliogesprek"),
        ("Facultatief voortgangsgesprek (met kind)", "Facultatief voortgangsgesprek"),
        ("Voortgangsgesprek (alleen ouders)", "Voortgangsgesprek"),
        ("Startgesprek kleuters (nieuwe leerkracht)", "Startgesprek kleuters"),
        ("Groep 8", "Groep 8"),
        ("Gesprek (met opa)", "Gesprek (met opa)"),
    ],
)
def test_label_drops_what_the_row_and_markers_already_say(name: str, label: str) -> None:
    assert Entry("x", name, V, "individueel", False).label == label


# --- with a roster ---


@pytest.fixture(scope="module")
def groep5_plan() -> Plan:
    return make_plan(request(EXAMPLES / "groep5.csv", DUIF))


@pytest.fixture(scope="module")
def school_plan() -> Plan:
    return make_plan(request(EXAMPLES / "school.csv", DUIF))


def test_counts_are_the_plans_individual_conversations_per_month_and_groep(
    school_plan: Plan,
) -> None:
    view = plan_overview(school_plan)
    expected: dict[tuple[int, str, str], int] = defaultdict(int)
    always = {"informatiegesprek"}
    for c in school_plan.conversations:
        if c.pupil_id is None or c.grade is None:
            continue
        day = c.start.date() if c.start else c.first_day
        column = "altijd" if c.type_id in always else MONTHS_NL[day.month - 1]
        expected[(c.grade, column, c.type_id)] += 1
    counted: dict[tuple[int, str, str], int] = defaultdict(int)
    for (grade, column), entries in view.cells.items():
        for e in entries:
            if e.form == "individueel" and e.count:
                counted[(grade, column, e.type_id)] += e.count
    assert counted == expected
    assert sum(view.total(c) for c in view.columns()) == sum(expected.values())


def test_a_slot_in_another_month_moves_the_count(groep5_plan: Plan) -> None:
    first = next(c for c in groep5_plan.conversations if c.type_id == "voortgangsgesprek")
    moved = first._replace(
        start=datetime(2026, 12, 1, 15, 0, tzinfo=AMSTERDAM),
        end=datetime(2026, 12, 1, 15, 15, tzinfo=AMSTERDAM),
    )
    plan = groep5_plan._replace(
        conversations=tuple(moved if c is first else c for c in groep5_plan.conversations),
    )
    before, after = plan_overview(groep5_plan), plan_overview(plan)
    nov = {e.type_id: e.count for e in before.cell(5, "november")}
    assert {e.type_id: e.count for e in after.cell(5, "december")} == {"voortgangsgesprek": 1}
    assert {e.type_id: e.count for e in after.cell(5, "november")} == {
        "voortgangsgesprek": (nov["voortgangsgesprek"] or 0) - 1
    }


def test_meetings_count_once_per_groep_and_the_inloop_is_not_counted(school_plan: Plan) -> None:
    view = plan_overview(school_plan)
    coffee = [e for e in view.cell(1, "november") if e.type_id == "koffie-thee-ochtend"]
    assert [e.count for e in coffee] == [1]
    assert [(e.type_id, e.count) for e in view.cell(4, "wekelijks")] == [("inloop", None)]
    assert view.counted and view.roster.endswith("school.csv")


def test_teacher_load_adds_up_to_each_teachers_conversations(school_plan: Plan) -> None:
    load = plan_overview(school_plan).load
    assert load is not None and load.teachers
    per_teacher: dict[str, int] = defaultdict(int)
    for c in school_plan.conversations:
        if c.pupil_id is not None and c.type_id != "informatiegesprek":
            for name in c.teachers:
                per_teacher[name] += 1
    for teacher in load.teachers:
        total = sum(load.count(teacher, w) for w in load.weeks)
        assert total == pytest.approx(per_teacher[teacher])
    weeks = [w.monday for w in load.weeks]
    assert weeks == sorted(weeks) and all(d.weekday() == 0 for d in weeks)
    busiest = load.busiest(3)
    assert len(busiest) == 3
    assert busiest[0][1] == max(load.total(w) for w in load.weeks)


# --- HTML ---


def test_html_is_self_contained_accessible_and_sized_for_a4_landscape() -> None:
    page = render_html(overview_of(DUIF))
    assert page.startswith("<!DOCTYPE html>") and '<html lang="nl">' in page
    assert "@page { size: A4 landscape;" in page
    assert re.search(r"<caption>[^<]+</caption>", page)
    assert page.count('<th scope="row">') == 8
    assert '<th scope="col">Groep</th>' in page
    assert '<abbr class="m" title="verplicht">●</abbr>' in page
    assert '<abbr class="k" title="met kind">+k</abbr>' in page
    for external in ("http://", "https://", "<script", "<link", "<img", "url("):
        assert external not in page


def test_html_escapes_names_from_the_rules() -> None:
    view = overview_of(OKG)
    evil = dataclasses.replace(view, school='<script>alert("x")</script> & Co')
    page = render_html(evil)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page


def test_identical_cells_of_neighbouring_groups_share_one_cell() -> None:
    page = render_html(overview_of(OKG))
    rows = re.findall(r"<tr><th scope=\"row\">Groep (\d)</th>(.*?)</tr>", page)
    spans = {int(g): re.findall(r'<td(?: rowspan="(\d)")?', cells) for g, cells in rows}
    # september: 1 | 2-8; november: 1-3 | 4-7 | 8; februari: 1-3 | 4-6 | 7 | 8;
    # juni: 1-3 | 4-7 | 8; altijd: 1-8
    assert spans[1] == ["", "3", "3", "3", "8"]
    assert spans[2] == ["7"]
    assert spans[3] == []
    assert spans[4] == ["4", "3", "4"]
    assert spans[7] == [""]
    assert spans[8] == ["", "", ""]


@pytest.mark.parametrize(("rules", "name"), [(DUIF, "de-duif"), (OKG, "ouder-kindgesprekken")])
def test_html_golden(rules: Path, name: str) -> None:
    check_golden(f"overview/{name}.html", render_html(overview_of(rules)))


# --- a real browser ---

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _chromium(tmp: Path, *args: str) -> None:
    subprocess.run(
        [CHROMIUM or "chromium", *BROWSER_FLAGS, f"--user-data-dir={tmp / 'profiel'}", *args],
        check=True,
        timeout=90,
        capture_output=True,
    )


def _print(tmp_path: Path, html: str) -> tuple[bytes, str]:
    """Print ``html`` to PDF in Chromium: the PDF and pdfinfo's report ('' without it)."""
    page = tmp_path / "overzicht.html"
    page.write_text(html, encoding="utf-8")
    pdf = tmp_path / "overzicht.pdf"
    _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    info = ""
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True
        ).stdout
    return data, info


@pytest.mark.skipif(CHROMIUM is None, reason="chromium staat niet op PATH")
@pytest.mark.parametrize("rules", [DUIF, OKG], ids=["de-duif", "ouder-kindgesprekken"])
def test_prints_on_one_a4_landscape_page_in_chromium(rules: Path, tmp_path: Path) -> None:
    data, info = _print(tmp_path, render_html(overview_of(rules)))
    png = tmp_path / "overzicht.png"
    page = tmp_path / "overzicht.html"
    _chromium(tmp_path, "--window-size=1400,1000", f"--screenshot={png}", page.as_uri())
    if info:
        assert re.search(r"^Pages:\s+1$", info, re.M), info
        size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
        assert size and float(size[1]) > float(size[2]), info  # landscape
        assert abs(float(size[1]) - 841.9) < 2 and abs(float(size[2]) - 595.3) < 2, info
    else:
        assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 10_000
    if os.environ.get("GESPREKKEN_KEEP_PNG"):
        shutil.copy(png, Path(os.environ["GESPREKKEN_KEEP_PNG"]) / f"{rules.stem}.png")


@pytest.mark.skipif(CHROMIUM is None or not shutil.which("pdfinfo"), reason="geen chromium/pdfinfo")
def test_with_a_roster_the_grid_is_page_one_and_the_load_page_two(
    school_plan: Plan, tmp_path: Path
) -> None:
    _, info = _print(tmp_path, render_html(plan_overview(school_plan)))
    assert re.search(r"^Pages:\s+2$", info, re.M), info

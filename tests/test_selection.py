"""selection: views for one teacher, class, family, pupil, type or period; render/day_list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support import DATA, DUIF, EXAMPLES, YEAR, request
from typer.testing import CliRunner

from gesprekken_cli.cli import app
from gesprekken_cli.errors import GesprekkenError
from gesprekken_cli.expand import AMSTERDAM
from gesprekken_cli.plan import Plan, make_plan
from gesprekken_cli.render.day_list import render_day_list
from gesprekken_cli.selection import Selection, fold_name, match_name, resolve, select_plan

SCHOOL = EXAMPLES / "school.csv"


@pytest.fixture(scope="module")
def school() -> Plan:
    return make_plan(request(SCHOOL, DUIF))


def pick(plan: Plan, **criteria: object) -> Plan:
    selection = Selection(**criteria)  # type: ignore[arg-type]
    return select_plan(plan, resolve(plan, selection))


def test_fold_name_ignores_case_accents_and_spacing() -> None:
    assert fold_name("  Zoë  van der BERG ") == "zoe van der berg"
    assert fold_name("Mehmet Aydın") == "mehmet aydin"
    assert fold_name("Femke Çelik") == "femke celik"


def test_match_name_exact_then_unique_part_else_exit_2_with_closest() -> None:
    known = ["Mehmet Aydın", "Marleen Visser", "Anna de Boer"]
    assert match_name("--leerkracht", "MEHMET AYDIN", known, "leerkracht") == "Mehmet Aydın"
    assert match_name("--leerkracht", "visser", known, "leerkracht") == "Marleen Visser"
    with pytest.raises(GesprekkenError) as caught:
        match_name("--leerkracht", "mehmet aidin", known, "leerkracht")
    assert caught.value.exit_code == 2
    assert "bedoel je: Mehmet Aydın" in caught.value.problems[0].message
    with pytest.raises(GesprekkenError) as ambiguous:
        match_name("--leerkracht", "m", known, "leerkracht")
    assert "niet eenduidig" in ambiguous.value.problems[0].message


def test_teacher_view_has_only_her_conversations(school: Plan) -> None:
    mine = pick(school, teacher="mehmet aydin")
    assert mine.conversations
    for c in mine.conversations:
        assert not c.teachers or "Mehmet Aydın" in c.teachers
    theirs = [c for c in school.conversations if "Mehmet Aydın" in c.teachers]
    assert set(theirs) <= set(mine.conversations)
    assert {p.class_name for p in mine.roster.pupils} == {"1/2A"}


def test_class_family_pupil_and_type_views(school: Plan) -> None:
    klas = pick(school, klass="3a")
    assert {c.class_name for c in klas.conversations if c.pupil_id} == {"3A"}
    pupil = school.roster.pupils[0]
    alone = pick(school, pupil=pupil.pupil_id)
    assert {c.pupil_id for c in alone.conversations if c.pupil_id} == {pupil.pupil_id}
    family = pupil.family_id or pupil.pupil_id
    kin = pick(school, family=family)
    assert {(c.family_id or c.pupil_id) for c in kin.conversations if c.pupil_id} == {family}
    talks = pick(school, conversation="Voortgangsgesprek")
    assert {c.type_id for c in talks.conversations} == {"voortgangsgesprek"}


def test_period_keeps_what_falls_within(school: Plan) -> None:
    start, end = date(2026, 11, 2), date(2026, 11, 6)
    week = pick(school, start=start, end=end)
    assert week.conversations
    for c in week.conversations:
        if c.start is not None:
            assert start <= c.start.astimezone(AMSTERDAM).date() <= end
        else:
            assert c.last_day >= start and c.first_day <= end
    with pytest.raises(GesprekkenError):
        resolve(school, Selection(start=end, end=start))


def test_day_list_fits_80_columns_date_and_time_first(school: Plan) -> None:
    mine = pick(school, teacher="Mehmet Aydın")
    text = render_day_list(mine.conversations, "De Duif 2026-2027: Mehmet Aydın")
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[2].startswith(("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"))
    assert lines[3].lstrip()[:5].replace(".", "").isdigit()


def test_day_list_cuts_a_type_name_only_when_the_line_does_not_fit(school: Plan) -> None:
    text = render_day_list(pick(school, teacher="Kees Blom").conversations, "Kees Blom")
    assert "  Ouderinformatieavond groep 3 en 8  groep 3" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    narrow = render_day_list(pick(school, teacher="Kees Blom").conversations, "x", width=40)
    assert "Ouderinformatieavond groep 3 en 8" not in narrow
    assert max(len(line) for line in narrow.splitlines()) <= 40


def test_day_list_cuts_a_long_name_but_keeps_class_and_household(tmp_path: Path) -> None:
    source = (EXAMPLES / "groep5.csv").read_text(encoding="utf-8-sig")
    roster = tmp_path / "lang.csv"
    long_name = "Smit-Çelik-Oudshoorn-Hagenaars-Vermeulen-van-Bommel"
    roster.write_text(source.replace(";Yusuf;;Smit;", f";Yusuf;;{long_name};"), "utf-8")
    mine = pick(make_plan(request(roster, DUIF)), teacher="Anna de Boer")
    lines = render_day_list(mine.conversations, "Anna de Boer").splitlines()
    yusuf = [line for line in lines if "Yusuf" in line]
    assert yusuf and all(len(line) <= 80 for line in lines)
    assert any(line.endswith(("(5A), huishouden 1  kind", "(5A), huishouden 1")) for line in yusuf)
    assert any("(5A), huishouden 2" in line for line in yusuf)


def test_cli_plan_for_one_teacher_and_unknown_name(school: Plan) -> None:
    runner = CliRunner()
    args = ["plan", str(SCHOOL), "-r", str(DUIF), "-j", YEAR]
    ok = runner.invoke(app, [*args, "--leerkracht", "mehmet aydin"])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.startswith("De Duif 2026-2027: Mehmet Aydın")
    assert "Marleen Visser" not in ok.stdout
    bad = runner.invoke(app, [*args, "--leerkracht", "mehmet aidin"])
    assert bad.exit_code == 2 and "bedoel je: Mehmet Aydın" in bad.stderr
    date_error = runner.invoke(app, [*args, "--van", "32-13-2026"])
    assert date_error.exit_code == 2 and "geen datum" in date_error.stderr


def test_cli_ics_for_one_class_writes_only_that_class(tmp_path: object) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "agenda"
    result = CliRunner().invoke(
        app,
        ["ics", str(DATA / "ics" / "roster.csv"), "-r", str(DUIF), "-j", YEAR, "-o", str(out),
         "--klas", "8a"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert "klas-8a.ics" in names and "klas-3b.ics" not in names
    assert "leerkracht-joke-meijer.ics" not in names
    assert "index.csv" in names


def test_a_view_leaves_out_warnings_about_pupils_outside_it(school: Plan) -> None:
    """--klas 3A showed (and --strict counted) warnings naming pupils of class 1/2A."""
    about_pupils = [w for w in school.warnings if w.code == "leerling-te-laat-gestart"]
    assert about_pupils, "the example school should have warnings about pupils"
    rows = {p.row: p for p in school.roster.pupils}
    assert {rows[w.line or 0].class_name for w in about_pupils} == {"1/2A"}
    assert not [w for w in pick(school, klass="3A").warnings if w in about_pupils]
    assert not [w for w in pick(school, teacher="kees blom").warnings if w in about_pupils]
    own = pick(school, klass="1/2A").warnings
    assert all(w in own for w in about_pupils)
    one = rows[about_pupils[0].line or 0]
    alone = pick(school, pupil=one.pupil_id).warnings
    assert [w for w in alone if w in about_pupils] == [about_pupils[0]]
    # period and type views keep every pupil: they leave no warning out
    assert pick(school, conversation="startgesprek").warnings == school.warnings


def test_a_view_keeps_file_warnings_and_uses_a_warnings_subject(school: Plan) -> None:
    from gesprekken_cli.errors import Problem

    three_a = next(p for p in school.roster.pupils if p.class_name == "3A")
    other = next(p for p in school.roster.pupils if p.class_name == "5A")
    whole = Problem("regels.yaml", "over het bestand", 3, 1, code="x", severity="warning")
    mine = Problem("w.csv", "over 3A", code="y", severity="warning", subject=(three_a.pupil_id,))
    theirs = Problem("w.csv", "over 5A", code="z", severity="warning", subject=(other.pupil_id,))
    both = Problem(
        "w.csv", "gezin", code="g", severity="warning", subject=(other.pupil_id, three_a.pupil_id)
    )
    plan = school._replace(warnings=(whole, mine, theirs, both))
    assert pick(plan, klass="3A").warnings == (whole, mine, both)
    assert pick(plan, klass="5A").warnings == (whole, theirs, both)
    assert pick(plan).warnings == plan.warnings


def test_cli_view_says_how_many_warnings_it_left_out(runner: CliRunner) -> None:
    base = ["plan", str(SCHOOL), "-r", str(DUIF), "-j", YEAR]
    result = runner.invoke(app, [*base, "--klas", "3A", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "leerling-te-laat-gestart" not in result.stderr
    assert "3 meldingen over leerlingen buiten deze selectie niet getoond" in result.stderr
    strict = runner.invoke(app, [*base, "--leerkracht", "kees blom", "--strict"])
    assert strict.exit_code == 0, strict.output
    assert "Milan Nguyen" not in strict.output
    own = runner.invoke(app, [*base, "--klas", "1/2A", "-f", "json", "--strict"])
    assert own.exit_code == 1
    assert own.stderr.count("[leerling-te-laat-gestart]") == 3
    assert "niet getoond" not in own.stderr


def test_shared_address_warning_is_about_its_children_only(tmp_path: object) -> None:
    from pathlib import Path

    from gesprekken_cli.family_check import CODE

    assert isinstance(tmp_path, Path)
    roster = tmp_path / "rooster.csv"
    roster.write_text(
        "leerlingnummer;roepnaam;achternaam;geboortedatum;groep;klas;leerkracht;"
        "e-mail ouder 1;e-mail ouder 2\n"
        "1;Emma;de Vries;12-04-2018;5;5A;Anna de Boer;devries@example.org;oma@example.org\n"
        "2;Sam;Bakker;03-06-2017;6;6A;Bas Timmermans;bakker@example.org;oma@example.org\n"
        "3;Lotte;Visser;03-06-2017;4;4A;Kees Blom;visser@example.org;\n",
        encoding="utf-8",
    )
    plan = make_plan(request(roster, DUIF))
    (shared,) = [w for w in plan.warnings if w.code == CODE]
    assert set(shared.subject) == {"1", "2"}
    assert shared in pick(plan, klass="6A").warnings
    assert shared not in pick(plan, klass="4A").warnings

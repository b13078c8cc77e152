"""`gesprekken plan` end to end on the shipped rules and example rosters."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from support import DATA, DUIF, EXAMPLES, OKG, ROOT, YEAR, check_golden
from typer.testing import CliRunner

from gesprekken_cli.calendar import build_calendar, parse_school_year
from gesprekken_cli.cli import app
from gesprekken_cli.expand import calendar_settings
from gesprekken_cli.rules import load_rules

CONTRACT = {
    "leerling",
    "naam",
    "klas",
    "groep",
    "gezin",
    "gesprek",
    "status",
    "kind_aanwezig",
    "deelnemers",
    "leerkrachten",
    "van",
    "tot",
    "start",
    "eind",
}
MINI = DATA / "roster" / "mini.csv"
BAD = DATA / "bad" / "roster"


def run_json(runner: CliRunner, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["plan", *args, "-j", YEAR, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


def test_table_view_shows_months_types_and_summary(runner: CliRunner) -> None:
    result = runner.invoke(app, ["plan", str(EXAMPLES / "groep5.csv"), "-r", str(DUIF), "-j", YEAR])
    assert result.exit_code == 0, result.output
    for text in ("September 2026", "Startgesprek", "Voortgangsgesprek", "Samenvatting"):
        assert text in result.stdout
    assert "cycle.yaml" in result.stdout


def test_json_has_every_contract_field(runner: CliRunner) -> None:
    items = run_json(runner, str(EXAMPLES / "groep5.csv"), "-r", str(DUIF))
    assert items
    for item in items:
        assert set(item) >= CONTRACT, CONTRACT - set(item)
        assert item["status"] in {"verplicht", "facultatief", "op_verzoek"}
        assert isinstance(item["kind_aanwezig"], bool)
        date.fromisoformat(str(item["van"]))
        date.fromisoformat(str(item["tot"]))


def test_groep5_gets_de_duif_mandatory_rounds_in_the_right_months(runner: CliRunner) -> None:
    items = run_json(runner, str(EXAMPLES / "groep5.csv"), "-r", str(DUIF))
    rows_in = list(
        csv.DictReader(
            io.StringIO((EXAMPLES / "groep5.csv").read_text(encoding="utf-8-sig")), delimiter=";"
        )
    )
    started = {r["leerlingnummer"] for r in rows_in if not r["startdatum"]}
    late = {r["leerlingnummer"]: r["startdatum"] for r in rows_in if r["startdatum"]}
    assert late, "the example should have a pupil who starts during the year"
    expected_months = {
        "startgesprek": {9},
        "voortgangsgesprek": {11},
        "eerste-portfoliogesprek": {3},
    }
    _, cycle = load_rules(DUIF)
    year = parse_school_year(YEAR)
    cal = build_calendar(year, calendar_settings(cycle, year))
    for type_id, months in expected_months.items():
        rows = [i for i in items if i["gesprek"] == type_id]
        got = {r["leerling"] for r in rows}
        assert started <= got <= started | set(late), type_id
        for row in rows:
            first, last = date.fromisoformat(str(row["van"])), date.fromisoformat(str(row["tot"]))
            assert {first.month, last.month} <= months, (type_id, first, last)
            assert cal.is_school_day(first) and cal.is_school_day(last)
            if row["start"]:
                start = str(row["start"])
                assert cal.is_school_day(date.fromisoformat(start[:10]))
                assert start[-6:] in {"+01:00", "+02:00"}
    mandatory = {i["gesprek"] for i in items if i["status"] == "verplicht" and i["leerling"]}
    assert mandatory == set(expected_months)


def test_same_roster_under_the_second_school(runner: CliRunner) -> None:
    items = run_json(runner, str(EXAMPLES / "groep5.csv"), "-r", str(OKG))
    types = {i["gesprek"] for i in items}
    assert "kind-kennismakingsgesprek" in types
    assert "voortgangsgesprek-februari-kind" in types
    assert "startgesprek" not in types
    feb = [i for i in items if i["gesprek"] == "voortgangsgesprek-februari-kind"]
    assert all(i["kind_aanwezig"] and str(i["van"]).startswith("2027-02") for i in feb)


@pytest.mark.parametrize(("rules", "name"), [(DUIF, "mini-duif.json"), (OKG, "mini-okg.json")])
def test_golden_plan_for_a_small_roster(runner: CliRunner, rules: Path, name: str) -> None:
    result = runner.invoke(
        app, ["plan", str(MINI), "-r", str(rules), "-j", YEAR, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    check_golden(f"plan/{name}", result.stdout)


def test_csv_is_for_dutch_excel(runner: CliRunner, tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    text = MINI.read_text(encoding="utf-8").replace("Thijs;van;Dam", "=HYPERLINK(1);van;Dam")
    roster.write_text(text, encoding="utf-8")
    out = tmp_path / "plan.csv"
    result = runner.invoke(app, ["plan", str(roster), "-j", YEAR, "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Naam"
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(1) van Dam" in names
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_csv_columns_excel_reads_as_dates_and_times(runner: CliRunner) -> None:
    """Issue 19.3: who and when first; Datum dd-mm-jjjj, Begin/Eind uu:mm; the school's gezin
    number; Huishouden only where parents live apart (groep5: Daniëlle Çelik)."""
    args = ["plan", str(EXAMPLES / "groep5.csv"), "-r", str(DUIF), "-j", YEAR, "-f", "csv"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff")), delimiter=";"))
    assert list(rows[0])[:6] == ["Naam", "Klas", "Groep", "Datum", "Begin", "Eind"]
    items = {i["id"]: i for i in run_json(runner, str(EXAMPLES / "groep5.csv"), "-r", str(DUIF))}
    slotted = [r for r in rows if r["Begin"]]
    assert len(slotted) == sum(1 for i in items.values() if i["start"])
    for row in slotted:
        assert re.fullmatch(r"\d\d-\d\d-2\d{3}", row["Datum"])
        assert re.fullmatch(r"\d\d:\d\d", row["Begin"]) and re.fullmatch(r"\d\d:\d\d", row["Eind"])
    amira = next(r for r in rows if r["Naam"] == "Amira Kaya" and r["Gesprek"] == "Startgesprek")
    assert (amira["Gezin"], amira["Leerlingnummer"], amira["Huishouden"]) == ("1004", "15027", "")
    two = [r for r in rows if r["Naam"] == "Daniëlle Çelik" and r["Gesprek"] == "Startgesprek"]
    assert [r["Huishouden"] for r in two] == ["1", "2"]
    assert not any(r["Gezin"].startswith("g-") for r in rows)


def test_csv_without_two_households_has_no_huishouden_column(
    runner: CliRunner, tmp_path: Path
) -> None:
    roster = tmp_path / "r.csv"
    lines = MINI.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    at = header.index("huishoudens")
    rows = [line.split(";") for line in lines[1:]]
    assert any(row[at] == "2" for row in rows)
    roster.write_text(
        "\n".join([lines[0], *(";".join([*r[:at], "1", *r[at + 1 :]]) for r in rows)]) + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["plan", str(roster), "-r", str(DUIF), "-j", YEAR, "-f", "csv"])
    assert result.exit_code == 0, result.output
    header = result.stdout.lstrip("\ufeff").splitlines()[0].split(";")
    assert "Huishouden" not in header and header[3:6] == ["Datum", "Begin", "Eind"]


def test_markdown_has_a_section_per_round(runner: CliRunner) -> None:
    result = runner.invoke(app, ["plan", str(MINI), "-r", str(DUIF), "-j", YEAR, "-f", "md"])
    assert result.exit_code == 0, result.output
    assert "## Startgesprek" in result.stdout
    assert "| Naam | Klas |" in result.stdout


def test_out_refuses_to_overwrite_without_force(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    out.write_text("oud", encoding="utf-8")
    args = ["plan", str(MINI), "-j", YEAR, "-f", "json", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--force" in result.output
    assert out.read_text(encoding="utf-8") == "oud"
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]


def _expected(path: Path) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return fields


@pytest.mark.parametrize("case", sorted(BAD.glob("*.csv")), ids=lambda p: p.stem)
def test_bad_roster_exits_1_names_row_and_column_writes_nothing(
    runner: CliRunner, tmp_path: Path, case: Path
) -> None:
    expected = _expected(case.with_suffix(".expected"))
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", str(case), "-j", YEAR, "-f", "json", "-o", str(out)])
    assert result.exit_code == int(expected.get("exit", "1")), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    # The CLI detects the format by content first: a zip-like file is read as Excel.
    assert expected.get("cli-message", expected["message"]) in result.output
    if expected.get("line"):
        assert f":{expected['line']}" in result.output
    if expected.get("key"):
        assert expected["key"] in result.output
    assert not out.exists()


def test_missing_roster_is_an_io_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", str(tmp_path / "nee.csv"), "-j", YEAR])
    assert result.exit_code == 2
    assert "nee.csv" in result.output and "bestand bestaat niet" in result.output


def test_bad_school_year_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["plan", str(MINI), "-j", "2026-2028"])
    assert result.exit_code == 2
    assert "schooljaar" in result.output


def test_broken_rules_stop_the_plan_with_positions(runner: CliRunner, tmp_path: Path) -> None:
    rules = tmp_path / "cycle.yaml"
    rules.write_text(
        DUIF.read_text(encoding="utf-8").replace("groepen: 3 t/m 8", "groepen: 3 t/m 9")
    )
    result = runner.invoke(app, ["plan", str(MINI), "-r", str(rules), "-j", YEAR])
    assert result.exit_code == 1
    assert "groep 9 bestaat niet" in result.output
    assert f"{rules}:" in result.output


def test_packaged_cycle_is_the_shipped_rules_file() -> None:
    packaged = ROOT / "src" / "gesprekken_cli" / "data" / "cycle.yaml"
    assert packaged.read_bytes() == DUIF.read_bytes(), "copy rules/cycle.yaml to the package data"


def test_without_rules_outside_the_repo_uses_the_packaged_cycle(
    runner: CliRunner, tmp_path: Path
) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, ["plan", str(MINI), "-j", YEAR])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    assert "meegeleverd" in result.stdout


def test_header_mapping_option(runner: CliRunner, tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(
        MINI.read_text(encoding="utf-8").replace("klas;", "Lokaalgroep;", 1), encoding="utf-8"
    )
    result = runner.invoke(app, ["plan", str(roster), "-j", YEAR, "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "1/2A" not in {i["klas"] for i in json.loads(result.stdout)}
    result = runner.invoke(
        app, ["plan", str(roster), "-j", YEAR, "-f", "json", "--kolom", "Lokaalgroep=klas"]
    )
    assert result.exit_code == 0, result.output
    assert {i["klas"] for i in json.loads(result.stdout) if i["leerling"]} >= {"1/2A", "7/8"}


def test_names_with_newlines_or_markup_break_no_view(runner: CliRunner, tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(
        "leerlingnummer;roepnaam;achternaam;groep;klas;leerkracht\n"
        '1;"Jan\nTweede";x[/];5;"[/]5A";[bold red]Anna[/]\n'
        '2;Piet;"de\tVries";5;[/]5A;[bold red]Anna[/]\n',
        encoding="utf-8",
    )
    # wide enough for the name on one line (at 80 columns it wraps between its words)
    table = runner.invoke(app, ["plan", str(roster), "-j", YEAR], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "Jan Tweede x[/]" in table.stdout
    ics = runner.invoke(app, ["ics", str(roster), "-j", YEAR, "-o", str(tmp_path / "agenda")])
    assert ics.exit_code == 0, ics.output
    overview = runner.invoke(app, ["overzicht", "-j", YEAR, "--rooster", str(roster)])
    assert overview.exit_code == 0, overview.output


def test_unwritable_output_is_a_message_not_a_traceback() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    import subprocess
    import sys

    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "gesprekken_cli", "schema"],
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr
    assert b"schrijven mislukt" in done.stderr


def test_json_objects_are_the_records_of_the_items_one_per_line() -> None:
    # render_json refills one object per round; every line must still be record(item),
    # also when a household item is followed by a pupil's only item.
    import orjson
    from support import read_roster

    from gesprekken_cli.plan import build_plan
    from gesprekken_cli.render.plan_json import record, render_json

    name, cycle = load_rules(DUIF)
    plan = build_plan(
        cycle, read_roster(EXAMPLES / "school.csv"), parse_school_year(YEAR), rules_file=name
    )
    items = list(plan.conversations)
    assert any(c.household for c in items) and any(c.start for c in items)
    expected = b"[\n" + b",\n".join(orjson.dumps(record(c)) for c in items) + b"\n]\n"
    assert render_json(items) == expected
    assert render_json(items[::-1]) == (
        b"[\n" + b",\n".join(orjson.dumps(record(c)) for c in items[::-1]) + b"\n]\n"
    )
    assert render_json([]) == b"[]\n"


def _screen_words(text: str) -> set[str]:
    """Every word on screen, box-drawing characters and spaces as separators."""
    return {w for w in re.split(r"[\s\u2500-\u257f]+", text) if w}


@pytest.mark.parametrize("columns", ["80", "100"])
def test_the_plan_in_a_narrow_terminal_cuts_no_word(runner: CliRunner, columns: str) -> None:
    """`make run` shows the plan at 80 columns: no "Leerkrach/t(en)", no "15.0/0"; a name may
    go over two lines, a word is never cut (review of issue 19)."""
    command = ["plan", str(EXAMPLES / "groep5.csv"), "-j", YEAR, "--rules", str(DUIF)]
    wide = runner.invoke(app, command, env={"COLUMNS": "1000", "NO_COLOR": "1"})
    narrow = runner.invoke(app, command, env={"COLUMNS": columns, "NO_COLOR": "1"})
    assert wide.exit_code == narrow.exit_code == 0, narrow.output
    assert all(len(line) <= int(columns) for line in narrow.stdout.splitlines())
    cut = _screen_words(narrow.stdout) - _screen_words(wide.stdout)
    assert not cut, sorted(cut)
    assert "Leerkracht" in narrow.stdout

"""One school as CSV, .xlsx and EDEXML gives one plan; `gesprekken rooster`; hostile input."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from support import DATA, DUIF, EXAMPLES, YEAR
from typer.testing import CliRunner

from gesprekken_cli.cli import app
from gesprekken_cli.roster import workbook as roster_xlsx


def plan_json(runner: CliRunner, roster: Path, *extra: str) -> list[dict[str, object]]:
    result = runner.invoke(
        app, ["plan", str(roster), "-r", str(DUIF), "-j", YEAR, "--format", "json", *extra]
    )
    assert result.exit_code == 0, result.output
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


def test_csv_xlsx_and_edexml_of_one_school_give_the_same_plan(runner: CliRunner) -> None:
    from_csv = plan_json(runner, EXAMPLES / "school.csv")
    assert len(from_csv) > 1000
    assert plan_json(runner, EXAMPLES / "school.xlsx") == from_csv
    # school.gezinnen.yaml beside school.xml is found without --gezinnen ...
    assert plan_json(runner, EXAMPLES / "school.xml") == from_csv
    # ... and naming it gives the same
    families = str(EXAMPLES / "school.gezinnen.yaml")
    assert plan_json(runner, EXAMPLES / "school.xml", "--gezinnen", families) == from_csv


def test_the_examples_are_what_make_exports_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_exports", EXAMPLES / "make_exports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_exports", module)
    spec.loader.exec_module(module)
    header, rows = module.read_csv()
    assert module.edexml(rows).encode() == (EXAMPLES / "school.xml").read_bytes()
    assert module.families_yaml(rows).encode() == (EXAMPLES / "school.gezinnen.yaml").read_bytes()
    assert module.workbook(header, rows) == (EXAMPLES / "school.xlsx").read_bytes()


def test_rooster_summarises_an_edexml_import(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["rooster", str(EXAMPLES / "school.xml"), "-j", YEAR], env={"COLUMNS": "160"}
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "(EDEXML, schooljaar 2026-2027)" in out
    assert "school.gezinnen.yaml" in out
    assert "400 leerlingen in 16 klassen; 400 met een gezinskoppeling, 0 zonder" in out
    assert "Mehmet Aydın (ma, di) / Femke Wolters (wo, do, vr)" in out
    assert "Duo's: 8 klassen" in out
    assert "Gezinnen: 298, waarvan 85 met meer kinderen op school" in out
    assert "Nieuwe leerlingen in schooljaar 2026-2027" in out
    assert "22-01-2027" in out and "Teun ter Horst" in out
    assert "jaargroep H (historisch, uitgestroomd)" in out


def test_rooster_without_families_says_who_has_no_family_link(
    runner: CliRunner, tmp_path: Path
) -> None:
    export = tmp_path / "EDEX.XML"
    export.write_bytes((EXAMPLES / "school.xml").read_bytes())
    result = runner.invoke(app, ["rooster", str(export), "-j", YEAR])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "0 met een gezinskoppeling, 400 zonder" in out
    assert "400 leerlingen zonder gezinskoppeling" in out
    assert "--gezinnen" in out


def test_plan_warns_about_pupils_without_family_link(runner: CliRunner, tmp_path: Path) -> None:
    export = tmp_path / "EDEX.XML"
    export.write_bytes((EXAMPLES / "school.xml").read_bytes())
    result = runner.invoke(app, ["plan", str(export), "-r", str(DUIF), "-j", YEAR, "-f", "json"])
    assert result.exit_code == 0
    assert "waarschuwing: 400 leerlingen zonder gezinskoppeling" in result.stderr


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _big_sheet() -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Leerlingen")
    sheet.append(["leerlingnummer", "roepnaam", "achternaam", "groep"])
    for number in range(60):
        sheet.append([number, "Sem", "Jansen", 5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HOSTILE: dict[str, bytes] = {
    **{
        f"{name}.xml": (DATA / "edexml" / f"{name}.xml").read_bytes()
        for name in ("billion-laughs", "external-entity", "dtd", "truncated")
    },
    "niet-zip.xlsx": b"PK\x03\x04 kapot",
    "zip-geen-xlsx.xlsx": _zip({"readme.txt": b"hallo"}),
    "versleuteld.xlsx": roster_xlsx.OLE_MAGIC + b"\x00" * 504,
    "te-groot.xlsx": _big_sheet(),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("command", ["plan", "rooster"])
def test_hostile_input_ends_with_a_message_and_nothing_written(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    command: str,
) -> None:
    monkeypatch.setattr(roster_xlsx, "MAX_ROWS", 50)  # te-groot.xlsx has 61 rows
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    target = tmp_path / "plan.json"
    args = [command, str(path), "-j", YEAR]
    if command == "plan":
        args += ["-r", str(DUIF), "-f", "json", "--out", str(target)]
    result = runner.invoke(app, args)
    assert result.exit_code in (1, 2)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.startswith(str(path) + ":"), result.stderr
    assert "passwd" not in result.stderr and "root:x:0" not in result.stderr
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_rooster_summary_singular_for_one_class_one_duo_one_family(
    runner: CliRunner, tmp_path: Path
) -> None:
    roster = tmp_path / "duo.csv"
    roster.write_text(
        "leerlingnummer;roepnaam;achternaam;groep;klas;leerkracht;gezin\n"
        "1;Aaf;Akker;4;4/5D;Piet Zwart / Lies Wit;h1\n"
        "2;Bas;Akker;5;4/5D;Piet Zwart / Lies Wit;h1\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rooster", str(roster)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "2 leerlingen in 1 klas;" in out
    assert "Duo's: 1 klas met twee of meer leerkrachten" in out
    assert "Gezinnen: 1, waarvan 1 met meer kinderen op school (2 leerlingen)" in out


def test_rooster_lists_a_shared_address_warning_once_and_strict_counts_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    # groep5 with no gezin column values and one placeholder address for every first parent:
    # the summary said "Geen waarschuwingen." right after the gezin-gedeeld-adres warning
    lines = (EXAMPLES / "groep5.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    family, email = header.index("gezin"), header.index("e-mail ouder 1")
    rows = [lines[0]]
    for line in lines[1:]:
        fields = line.split(";")
        fields[family], fields[email] = "", "geen@school.nl"
        rows.append(";".join(fields))
    roster = tmp_path / "placeholder.csv"
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["rooster", str(roster), "-j", YEAR], env={"COLUMNS": "2000"})
    assert result.exit_code == 0, result.output
    assert "Geen waarschuwingen" not in result.output
    assert "Waarschuwingen (1):" in result.stdout
    assert result.output.count("[gezin-gedeeld-adres]") == 1
    strict = runner.invoke(app, ["rooster", str(roster), "-j", YEAR, "--strict"])
    assert strict.exit_code == 1

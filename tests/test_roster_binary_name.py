"""A binary file that is no workbook, named as one: the message names what the school meant
(review of issue 19.1: what a library or the reader says about a broken .xlsx reaches the user)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import DUIF, EXAMPLES, YEAR
from typer.testing import CliRunner

from gesprekken_cli.cli import app


@pytest.mark.parametrize("name", ["leerlingen.xlsx", "leerlingen.xls", "leerlingen.ods"])
def test_a_broken_workbook_is_called_a_workbook(tmp_path: Path, name: str) -> None:
    roster = tmp_path / name
    roster.write_bytes(bytes(range(256)) * 2)  # neither zip nor OLE2 nor text
    result = CliRunner().invoke(app, ["rooster", str(roster)])
    assert result.exit_code == 1
    assert "geen CSV-bestand" not in result.output
    assert "geen geldig rekenblad" in result.output
    assert "[roster.binary]" in result.output


def test_a_binary_csv_is_still_called_no_csv(tmp_path: Path) -> None:
    roster = tmp_path / "leerlingen.csv"
    roster.write_bytes(bytes(range(256)) * 2)
    result = CliRunner().invoke(app, ["rooster", str(roster)])
    assert result.exit_code == 1
    assert "geen CSV-bestand (binaire inhoud)" in result.output


@pytest.mark.parametrize("name", ["leerlingen.xlsx", "leerlingen.xls", "leerlingen.ods"])
def test_a_text_file_named_as_a_workbook_is_refused_not_read_as_csv(
    tmp_path: Path, name: str
) -> None:
    """A CSV export saved (or renamed) as .xlsx was read as CSV without a word."""
    roster = tmp_path / name
    roster.write_bytes((EXAMPLES / "groep5.csv").read_bytes())
    result = CliRunner().invoke(app, ["rooster", str(roster)])
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    what = "OpenDocument-bestand" if name.endswith(".ods") else "Excel-bestand"
    assert line.startswith(f"{roster}: geen {what}: de naam eindigt op {roster.suffix}")
    assert "de inhoud is gewone tekst (bijv. CSV)" in line and "naam .csv" in line
    assert line.endswith("[roster.not-a-workbook]")
    assert result.stdout == ""


def test_an_edexml_export_named_xlsx_is_refused_and_named(tmp_path: Path) -> None:
    roster = tmp_path / "export.xlsx"
    roster.write_bytes((EXAMPLES / "school.xml").read_bytes())
    result = CliRunner().invoke(app, ["rooster", str(roster)])
    assert result.exit_code == 1
    assert "geen Excel-bestand" in result.stderr and "EDEXML-export" in result.stderr
    assert "[roster.not-a-workbook]" in result.stderr


@pytest.mark.parametrize(
    ("source", "name", "said"),
    [
        ("school.xlsx", "school.csv", "een Excel-werkmap (.xlsx); gelezen als Excel (.xlsx)"),
        ("school.xml", "school.csv", "een EDEXML-export (XML); gelezen als EDEXML"),
        ("groep5.csv", "groep5.xml", "gewone tekst (CSV); gelezen als CSV"),
    ],
)
def test_a_file_named_as_another_format_is_read_by_content_and_says_so(
    tmp_path: Path, source: str, name: str, said: str
) -> None:
    roster = tmp_path / name
    roster.write_bytes((EXAMPLES / source).read_bytes())
    args = ["plan", str(roster), "-r", str(DUIF), "-j", YEAR, "-f", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    expected = f"{roster}: waarschuwing: de naam eindigt op {roster.suffix}, maar dit is {said}"
    assert expected + " [roster.other-format]" in result.stderr.splitlines()
    strict = CliRunner().invoke(app, [*args, "--strict"])
    assert strict.exit_code == 1


def test_a_csv_named_csv_says_nothing_about_its_name(tmp_path: Path) -> None:
    args = ["plan", str(EXAMPLES / "groep5.csv"), "-r", str(DUIF), "-j", YEAR, "-f", "json"]
    result = CliRunner().invoke(app, args)
    assert "naam eindigt" not in result.stderr

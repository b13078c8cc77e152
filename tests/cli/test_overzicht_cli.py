"""`gesprekken overzicht` end to end: the year at a glance for both shipped cycles."""

from __future__ import annotations

from pathlib import Path

from support import DUIF, EXAMPLES, OKG, YEAR, check_golden
from typer.testing import CliRunner

from gesprekken_cli.cli import app

WIDE = {"COLUMNS": "200", "NO_COLOR": "1"}


def overzicht(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["overzicht", "-j", YEAR, *args], env=WIDE)
    return result.exit_code, result.stdout, result.stderr


def test_ouder_kindgesprekken_shows_the_seeds_table(runner: CliRunner) -> None:
    code, out, _ = overzicht(runner, "--rules", str(OKG))
    assert code == 0, out
    header = next(line for line in out.splitlines() if "Groep" in line)
    columns = [cell.strip() for cell in header.strip("│ ").split("│")]
    assert columns == ["Groep", "September", "November", "Februari", "Juni", "Altijd"]
    for text in (
        "● Kind-kennismakingsgesprek +k",
        "● Kennismakingsgesprek [bij een nieuwe leerkracht]",
        "◇ Facultatief voortgangsgesprek +k",
        "● Pré-adviesgesprek +k",
        "● Adviesgesprek +k",
        "◇ Zorggesprek",
        "Legenda:",
    ):
        assert text in out, text
    rows = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│")]
    assert [r for r in rows if r and r != "Groep"] == ["1", "2 en 3", "4 t/m 6", "7", "8"]


def test_terminal_golden(runner: CliRunner) -> None:
    code, out, _ = overzicht(runner, "--rules", str(OKG))
    assert code == 0
    check_golden("overview/ouder-kindgesprekken.txt", out)


def test_de_duif_shows_its_cycle(runner: CliRunner) -> None:
    code, out, _ = overzicht(runner, "--rules", str(DUIF))
    assert code == 0, out
    for text in (
        "Augustus",
        "Rond de startdatum",
        "Wekelijks",
        "Altijd",
        "● OKR-gesprek +k",
        "● Voorlopig",
        "○ Inloop +k",
        "● Intakegesprek",
        "[nieuwe",
        "[bijeenkomst]",
    ):
        assert text in out, text
    assert "Oktober" not in out and "December" not in out


def test_html_is_written_once_and_replaced_only_with_force(
    runner: CliRunner, tmp_path: Path
) -> None:
    page = tmp_path / "overzicht.html"
    code, _, err = overzicht(runner, "--rules", str(OKG), "--html", str(page))
    assert code == 0 and "Geschreven" in err
    text = page.read_text(encoding="utf-8")
    assert "<caption>" in text and "Zorggesprek" in text
    page.write_text("oud", encoding="utf-8")
    code, _, err = overzicht(runner, "--rules", str(OKG), "--html", str(page))
    assert code == 2 and "bestaat al" in err
    assert page.read_text(encoding="utf-8") == "oud"
    code, _, _ = overzicht(runner, "--rules", str(OKG), "--html", str(page), "--force")
    assert code == 0 and page.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["overzicht.html"]  # no temp files left


def test_with_a_roster_the_grid_has_counts_and_the_teachers_load(
    runner: CliRunner, tmp_path: Path
) -> None:
    page = tmp_path / "groep5.html"
    code, out, _ = overzicht(
        runner, "--rules", str(DUIF), "--rooster", str(EXAMPLES / "groep5.csv"), "--html", str(page)
    )
    assert code == 0, out
    assert "aantallen uit het rooster" in out
    assert "● Voortgangsgesprek +k (" in out
    assert "Gesprekken per leerkracht per week" in out and "Drukste weken: week" in out
    html = page.read_text(encoding="utf-8")
    assert '<section class="belasting">' in html and "<tfoot>" in html


def test_a_bad_school_year_or_missing_rules_is_a_usage_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["overzicht", "-j", "2026-2028", "--rules", str(OKG)], env=WIDE)
    assert result.exit_code == 2 and "schooljaar" in result.stderr
    result = runner.invoke(app, ["overzicht", "-j", YEAR, "--rules", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2


def test_help_names_the_options(runner: CliRunner) -> None:
    result = runner.invoke(app, ["overzicht", "--help"], env=WIDE)
    assert result.exit_code == 0
    for option in ("--rules", "--schooljaar", "--html", "--force", "--rooster", "--klassen"):
        assert option in result.stdout

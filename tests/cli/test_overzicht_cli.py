"""`gesprekken overzicht` end to end: the year at a glance for both shipped cycles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
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


def words(text: str) -> set[str]:
    """Every word on screen, box-drawing characters and spaces as separators, case folded."""
    return {w.casefold() for w in re.split(r"[\s\u2500-\u257f]+", text) if w}


@pytest.mark.parametrize("columns", ["80", "100", "120"])
@pytest.mark.parametrize(
    "args",
    [
        ["--rules", str(DUIF)],
        ["--rules", str(OKG)],
        ["--rules", str(DUIF), "--rooster", str(EXAMPLES / "school.csv")],
    ],
    ids=["duif", "ouder-kindgesprekken", "duif-school"],
)
def test_a_narrow_terminal_cuts_no_word(runner: CliRunner, args: list[str], columns: str) -> None:
    """Issue 19.5: at 80 columns no "Septe/mber"; every word on screen is a whole word of
    the overview as a terminal wide enough for everything shows it."""
    command = ["overzicht", "-j", YEAR, *args]
    wide = runner.invoke(app, command, env={"COLUMNS": "1000", "NO_COLOR": "1"})
    narrow = runner.invoke(app, command, env={"COLUMNS": columns, "NO_COLOR": "1"})
    assert wide.exit_code == narrow.exit_code == 0, narrow.output
    assert all(len(line) <= int(columns) for line in narrow.stdout.splitlines())
    cut = words(narrow.stdout) - words(wide.stdout)
    assert not cut, sorted(cut)
    for word in ("September", "Legenda:"):
        assert word in narrow.stdout


def test_the_word_check_sees_a_cut_word(runner: CliRunner) -> None:
    """The check above fails on what the grid did before: folded words at 80 columns."""
    wide = runner.invoke(app, ["overzicht", "-j", YEAR, "--rules", str(DUIF)], env=WIDE)
    assert {"septe", "mber"} & words(wide.stdout) == set()
    assert words("│ Septe │\n│ mber  │") - words(wide.stdout) == {"septe", "mber"}


def test_a_narrow_terminal_shows_a_block_per_group(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["overzicht", "-j", YEAR, "--rules", str(DUIF)], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    blocks = [line.strip() for line in lines if line.startswith("Groep ")]
    assert blocks == ["Groep 1", "Groep 2", "Groep 3", "Groep 4 t/m 6", "Groep 7", "Groep 8"]
    assert any(re.match(r"September +● Startgesprek kleuters", line) for line in lines)

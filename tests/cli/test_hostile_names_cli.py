"""Names from the roster and the rules reach the terminal as they are written: rich reads a
plain string as markup (``[bold]``, ``[red]``, a trailing backslash) and emoji codes
(``:smile:``), so every such text goes to rich as a ``Text`` (review of issue 18: ``:smile:``
in a pupil's name printed as an emoji in the ``plan`` table)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from support import DUIF, EXAMPLES, TODAY, YEAR
from typer.testing import CliRunner

from gesprekken_cli.calendar import parse_school_year
from gesprekken_cli.cli import app
from gesprekken_cli.overview import rules_overview
from gesprekken_cli.plan import PlanRequest, make_plan
from gesprekken_cli.render.overview_table import render_overview
from gesprekken_cli.render.plan_table import render_table
from gesprekken_cli.roster import RosterSource

PUPIL_FIRST = "[bold]Jan[/bold] :smile:"
PUPIL_LAST = "de Vries\\"
PUPIL_2 = "[red]Piet"
TEACHER = "[red]Anna :wave: \\"  # "+" and "/" separate duo teachers
CLASS = "5A [i]:x:"
SCHOOL = "[blue]De Duif :smile: \\"
TYPE = "[bold]Startgesprek :wave:"
ROOM = "[italic]lokaal :+1:"  # in no terminal output (agenda, HTML); still read fine
EMOJI = "😄👍👋❌"  # what rich makes of the codes above
SHOWN = (f"{PUPIL_FIRST} {PUPIL_LAST}", PUPIL_2, TEACHER, CLASS, TYPE)


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    """A class roster and the Duif's rules with markup, emoji codes and backslashes."""
    lines = (EXAMPLES / "groep5.csv").read_text(encoding="utf-8-sig").splitlines()
    out = [lines[0]]
    for at, line in enumerate(lines[1:]):
        cells = line.split(";")
        if at == 0:
            cells[1], cells[3] = PUPIL_FIRST, PUPIL_LAST
        if at == 1:
            cells[1], cells[2], cells[3] = PUPIL_2, "", "Smit"
        cells[6], cells[7] = CLASS, f"{TEACHER} (ma-vr)"
        out.append(";".join(cells))
    roster = tmp_path / "rooster.csv"
    roster.write_text("\n".join(out) + "\n", encoding="utf-8")
    text = DUIF.read_text(encoding="utf-8")
    for old, new in (
        ("naam: De Duif\n", f"naam: '{SCHOOL}'\n"),
        ("locatie: De Duif, lokaal van de eigen groep", f"locatie: '{ROOM}'"),
        ("naam: Startgesprek\n", f"naam: '{TYPE}'\n"),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    rules = tmp_path / "regels.yaml"
    rules.write_text(text, encoding="utf-8")
    return roster, rules


def test_plan_table_shows_names_as_written_even_on_a_markup_console(
    hostile: tuple[Path, Path],
) -> None:
    roster, rules = hostile
    plan = make_plan(PlanRequest(RosterSource(roster), TODAY, rules=rules, school_year=YEAR))
    out = io.StringIO()
    render_table(plan, Console(file=out, width=250, color_system=None))  # markup and emoji on
    for text in SHOWN:
        assert text in out.getvalue(), text
    assert not set("😄👍👋❌") & set(out.getvalue())


def test_overview_shows_the_school_as_written_even_on_a_markup_console(
    hostile: tuple[Path, Path],
) -> None:
    _, rules = hostile
    out = io.StringIO()
    overview = rules_overview(rules, parse_school_year(YEAR))
    render_overview(overview, Console(file=out, width=300, color_system=None))
    assert SCHOOL in out.getvalue() and TYPE in out.getvalue()


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["plan", "{roster}", "-r", "{rules}"], SHOWN),
        (["overzicht", "--rooster", "{roster}", "-r", "{rules}"], (SCHOOL, TEACHER, TYPE)),
        (["rooster", "{roster}"], (TEACHER, CLASS)),
    ],
)
def test_commands_print_hostile_names_as_written(
    hostile: tuple[Path, Path], command: list[str], expected: tuple[str, ...]
) -> None:
    roster, rules = hostile
    args = [a.format(roster=roster, rules=rules) for a in command]
    result = CliRunner().invoke(app, [*args, "-j", YEAR], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.stdout, (text, result.stdout[:3000])
    assert not set("😄👍👋❌") & set(result.stdout)

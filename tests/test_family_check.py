"""family_check: families joined only by a shared address that look like strangers."""

from __future__ import annotations

from pathlib import Path

from support import DUIF, request
from typer.testing import CliRunner

from gesprekken_cli.cli import app
from gesprekken_cli.family_check import CODE, shared_email_families
from gesprekken_cli.model import Pupil, Roster
from gesprekken_cli.plan import make_plan

HEADER = (
    "leerlingnummer;roepnaam;achternaam;geboortedatum;groep;klas;leerkracht;"
    "e-mail ouder 1;e-mail ouder 2\n"
)


def write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "rooster.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_strangers_sharing_a_grandparents_address_are_named(tmp_path: Path) -> None:
    roster = write(
        tmp_path,
        [
            "1;Emma;de Vries;12-04-2018;5;5A;Anna de Boer;devries@example.org;oma@example.org",
            "2;Sam;Bakker;03-06-2017;6;6A;Bas Timmermans;bakker@example.org;oma@example.org",
            "3;Lotte;Visser;03-06-2017;6;6A;Bas Timmermans;visser@example.org;",
        ],
    )
    plan = make_plan(request(roster, DUIF))
    found = [w for w in plan.warnings if w.code == CODE]
    assert len(found) == 1 and found[0].severity == "warning"
    text = found[0].render()
    assert "Emma de Vries, Sam Bakker" in text and "oma@example.org" in text
    assert "rij 2, 3" in text and "Lotte" not in text
    result = CliRunner().invoke(app, ["rooster", str(roster)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    # in the summary's one list of warnings (issue 14.4), not beside it
    assert CODE in result.stdout and "Sam Bakker" in result.stdout
    assert "Waarschuwingen (1):" in result.stdout and "Geen waarschuwingen" not in result.stdout


def test_siblings_sharing_an_address_are_no_warning() -> None:
    pupils = tuple(
        Pupil(str(i), name, "Jansen", 5, "5A", guardian_emails=(mail,), family_id="f-1", row=i)
        for i, (name, mail) in enumerate([("Emma", "a@x.nl"), ("Sam", "a@x.nl")], start=2)
    )
    assert shared_email_families(Roster("r.csv", pupils, ())) == []


def test_more_than_six_children_is_a_warning() -> None:
    pupils = tuple(
        Pupil(str(i), f"Kind{i}", "Jansen", 5, "5A", guardian_emails=("a@x.nl",), family_id="f-1")
        for i in range(7)
    )
    (problem,) = shared_email_families(Roster("r.csv", pupils, ()))
    assert problem.severity == "warning" and "7 kinderen" in problem.message
    six = Roster("r.csv", pupils[:6], ())
    assert shared_email_families(six) == []

"""The roster's column checks: each named, coded, positioned, and documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gesprekken_cli.errors import RosterError
from gesprekken_cli.roster import build
from gesprekken_cli.roster.checks import CHECKS

MELDINGEN = Path(__file__).resolve().parent.parent / "docs" / "meldingen.md"
HEADER = ["leerlingnummer", "roepnaam", "achternaam", "groep", "klas", "email", "huishoudens"]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_every_check_names_its_codes_and_they_are_documented(check: object) -> None:
    codes = re.findall(r"``([a-z]+\.[a-z-]+)``", check.__doc__ or "")
    assert codes, f"{check} names no code in its docstring"
    documented = MELDINGEN.read_text(encoding="utf-8")
    for code in codes:
        assert f"`{code}`" in documented, f"{code} missing from docs/meldingen.md"


def test_checks_give_one_positioned_problem_per_bad_cell() -> None:
    rows = [
        (2, ["1", "Anna", "Jansen", "9", "5A", "anna", "drie"]),
        (3, ["1", "", "Visser", "5", "5A", "", "ja"]),
    ]
    with pytest.raises(RosterError) as caught:
        build.roster_from_table(HEADER, rows, source="r.csv")
    found = [(p.line, p.column, p.key, p.code) for p in caught.value.problems]
    assert found == [
        (2, 4, "groep", "roster.bad-grade"),
        (2, 6, "email", "roster.bad-email"),
        (2, 7, "huishoudens", "roster.bad-households"),
        (3, 1, "leerlingnummer", "roster.duplicate-id"),
        (3, 2, "roepnaam", "roster.empty"),
    ]

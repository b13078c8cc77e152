"""What the commands share: option types, the one plan request, warnings and parsers of values.

No ``from __future__ import annotations``: typer reads these annotations on every run.
"""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gesprekken_cli.errors import GesprekkenError, Problem

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from gesprekken_cli.plan import PlanRequest
    from gesprekken_cli.roster import RosterSource

RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        "-r",
        metavar="BESTAND",
        help="Regelbestand (standaard rules/cycle.yaml hier, anders de meegeleverde cyclus).",
        show_default=False,
    ),
]
YearOption = Annotated[
    str | None,
    typer.Option(
        "--schooljaar",
        "-j",
        metavar="JJJJ-JJJJ",
        help="Schooljaar, bijv. 2026-2027 (standaard het huidige).",
        show_default=False,
    ),
]
ClassesOption = Annotated[
    Path | None,
    typer.Option(
        "--klassen",
        metavar="BESTAND",
        help="Klassenbestand (CSV of YAML): leerkrachten, werkdagen van duo's, nieuwe leerkracht.",
        show_default=False,
    ),
]
ColumnOption = Annotated[
    list[str] | None,
    typer.Option(
        "--kolom",
        metavar="TEKST",
        help="Eigen kolomnaam koppelen, bijv. --kolom 'Stamgroep=klas' (herhaalbaar).",
        show_default=False,
    ),
]
SheetOption = Annotated[
    str | None,
    typer.Option(
        "--blad",
        metavar="NAAM",
        help="Werkblad in een .xlsx-, .xls- of .ods-rooster (standaard het eerste;"
        " hoofdletters maken niet uit).",
        show_default=False,
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Bestaande bestanden vervangen.")]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Waarschuwingen tellen als fout (exit 1).")
]
FamiliesOption = Annotated[
    Path | None,
    typer.Option(
        "--gezinnen",
        metavar="BESTAND",
        help=(
            "Gezinnenbestand (CSV of YAML) bij een export zonder gezinnen: op leerlingnummer "
            "gezin, e-mail ouder 1/2, huishoudens, kenmerken; per klas leerkrachten met "
            "werkdagen en nieuwe leerkracht. Bij EDEXML standaard <naam>.gezinnen.yaml ernaast."
        ),
        show_default=False,
    ),
]


RosterArgument = Annotated[
    Path,
    typer.Argument(help="Rooster: CSV, .xlsx of EDEXML.", metavar="ROOSTER", show_default=False),
]
PreviousOption = Annotated[
    Path | None,
    typer.Option(
        "--vorig",
        metavar="BESTAND",
        help=(
            "Eerder gepubliceerd plan (JSON): geldige tijden blijven staan; een verschoven "
            "gesprek krijgt een hoger volgnummer (SEQUENCE in de agenda)."
        ),
        show_default=False,
    ),
]
WishesOption = Annotated[
    Path | None,
    typer.Option(
        "--wensen",
        metavar="BESTAND",
        help="Wensen van gezinnen en leerkrachten (CSV of YAML).",
        show_default=False,
    ),
]


def roster_source(
    roster: Path,
    *,
    klassen: Path | None,
    gezinnen: Path | None,
    kolom: list[str] | None,
    blad: str | None,
) -> "RosterSource":
    """The roster and the files beside it, as ``rooster`` and every plan command read it."""
    from types import MappingProxyType

    from gesprekken_cli.roster import RosterSource

    return RosterSource(
        roster,
        classes_file=klassen,
        families_file=gezinnen,
        header_map=MappingProxyType(header_map(kolom)),
        sheet=blad,
    )


def plan_request(
    roster: Path,
    *,
    rules: Path | None,
    schooljaar: str | None,
    klassen: Path | None,
    kolom: list[str] | None,
    blad: str | None,
    gezinnen: Path | None,
    vorig: Path | None = None,
    wensen: Path | None = None,
) -> "PlanRequest":
    """The one request every plan command hands the core; "today" is read here, once."""
    from datetime import date

    from gesprekken_cli.plan import PlanRequest

    source = roster_source(roster, klassen=klassen, gezinnen=gezinnen, kolom=kolom, blad=blad)
    return PlanRequest(
        source,
        today=date.today(),
        rules=rules,
        school_year=schooljaar,
        previous=vorig,
        wishes=wensen,
    )


def amount(n: int, one: str, many: str) -> str:
    """``1 agenda``, ``3 agenda's``: singular and plural as a school writes them."""
    return f"{n} {one if n == 1 else many}"


def warn(problems: "Iterable[Problem]") -> None:
    """Each warning the way ``validate`` prints it, on stderr so the output itself stays clean."""
    sys.stderr.writelines(problem.render() + "\n" for problem in problems)


def strict_exit(strict: bool, found: int) -> None:
    """With ``--strict``, anything ``found`` (warnings, unplaced conversations) is exit 1."""
    if strict and found:
        raise typer.Exit(1)


def header_map(pairs: list[str] | None) -> dict[str, str]:
    """``['Stamgroep=klas']`` → ``{'Stamgroep': 'klas'}``; a malformed pair is a usage error."""
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        own, sep, ours = pair.partition("=")
        if not sep or not own.strip() or not ours.strip():
            raise GesprekkenError(
                [Problem("--kolom", f"{pair!r}: verwacht 'eigen kolomnaam=onze naam'")],
                exit_code=2,
            )
        mapping[own.strip()] = ours.strip()
    return mapping


def parse_formats(text: str) -> tuple[str, ...]:
    """``md,html`` → ``('md', 'html')``; an unknown format is a usage error (exit 2)."""
    from gesprekken_cli.render.checklist import FORMATS

    wanted = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [part for part in wanted if part not in FORMATS]
    if unknown or not wanted:
        shown = ", ".join(unknown) or "(leeg)"
        message = f"onbekend formaat {shown}; bekend: {', '.join(FORMATS)}"
        raise GesprekkenError([Problem("--format", message)], exit_code=2)
    return tuple(f for f in FORMATS if f in wanted)


def parse_views(text: str | None) -> tuple[str, ...]:
    """``"leerkracht,gezin"`` → the views in canonical order; empty or None: all four."""
    from gesprekken_cli.render.ics import VIEWS

    if not text or not text.strip():
        return VIEWS
    asked = {part.strip().lower() for part in text.split(",") if part.strip()}
    unknown = sorted(asked - set(VIEWS))
    if unknown:
        raise GesprekkenError(
            [
                Problem(
                    "--per",
                    f"onbekend: {', '.join(unknown)}; kies uit {', '.join(VIEWS)}",
                )
            ],
            exit_code=2,
        )
    return tuple(v for v in VIEWS if v in asked)


def pinned_time(source_date_epoch: str | None) -> "datetime | None":
    """The export time from ``SOURCE_DATE_EPOCH`` (reproducible builds), or None when unset."""
    from datetime import UTC, datetime

    if source_date_epoch and source_date_epoch.strip().isdigit():
        return datetime.fromtimestamp(int(source_date_epoch.strip()), UTC)
    return None

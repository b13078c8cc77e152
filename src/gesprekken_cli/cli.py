"""The command line: parse arguments, call the core, render, write, map errors to exit codes.

Exit codes: 0 done, 1 the input is wrong (rules, roster) or ``--strict`` found something,
2 usage or I/O (missing file, unreadable, output exists without ``--force``).
Heavy imports happen inside the command that needs them, so ``--help`` starts fast. No
``from __future__ import annotations`` here: typer reads every command's annotations on every
run, and evaluating them as strings cost ~5 ms of start-up.
"""

import contextlib
import os
import sys
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from gesprekken_cli import i18n
from gesprekken_cli.cli_views import selected, with_selection
from gesprekken_cli.errors import GesprekkenError, Problem, os_reason

i18n.activate()

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from gesprekken_cli.errors import Problem
    from gesprekken_cli.plan import Plan
    from gesprekken_cli.selection import Selection


class _Group(TyperGroup):
    """Maps every GesprekkenError of every command to its messages and exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except GesprekkenError as error:
            fail(error)
        except BrokenPipeError:
            # The reader went away (``| head``): stop quietly, without a second error at exit.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1) from None
        except OSError as error:
            # Reading was handled with file names already; what is left is writing the output
            # (a full disk, /dev/full, a closed terminal).
            where = error.filename or "uitvoer"
            sys.stderr.write(f"{where}: schrijven mislukt ({os_reason(error)})\n")
            raise typer.Exit(2) from None


app = typer.Typer(
    name="gesprekken",
    cls=_Group,
    help=(
        "De gesprekkencyclus van de school als data: controleer de regels, maak het plan per "
        "klas, agenda's (ICS), checklists en het jaaroverzicht.\n\n"
        "Exitcodes: 0 klaar, 1 fout in de invoer (regels, rooster) of --strict vond iets, "
        "2 gebruik of bestand (ontbreekt, onleesbaar, bestaat al zonder --force)."
    ),
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    options_metavar=i18n.OPTIONS_METAVAR,
    subcommand_metavar=i18n.SUBCOMMAND_METAVAR,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def amount(n: int, one: str, many: str) -> str:
    """``1 agenda``, ``3 agenda's``: singular and plural as a school writes them."""
    return f"{n} {one if n == 1 else many}"


def _show_version(value: bool) -> None:
    if value:
        from gesprekken_cli import __version__

        sys.stdout.write(f"gesprekken {__version__}\n")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Toon de versie en stop.",
            callback=_show_version,
            is_eager=True,
            expose_value=False,
        ),
    ] = False,
) -> None:
    """De gesprekkencyclus van de school als data."""


def fail(error: GesprekkenError) -> NoReturn:
    """Print every problem of ``error`` to stderr and exit with its code."""
    for problem in error.problems:
        sys.stderr.write(problem.render() + "\n")
    raise typer.Exit(error.exit_code)


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@app.command()
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Regelbestanden (standaard rules/cycle.yaml).",
            metavar="BESTANDEN",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ValidateFormat, typer.Option("--format", "-f", help="text, json of github (annotaties).")
    ] = ValidateFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Waarschuwingen tellen als fout (exit 1).")
    ] = False,
) -> None:
    """Controleer regelbestanden: alle fouten tegelijk, met regel en kolom.

    Exit 0 geldig, 1 ongeldig (of waarschuwingen met --strict), 2 bestand ontbreekt of is
    onleesbaar.
    """
    from gesprekken_cli.render.problems import render_problems
    from gesprekken_cli.rules import DEFAULT_RULES
    from gesprekken_cli.rules.validate import validate_file

    reports = [validate_file(path) for path in files or [DEFAULT_RULES]]
    output = render_problems(reports, fmt.value)
    if output:
        (sys.stdout if fmt.value != "text" else sys.stderr).write(output)
    if any(r.unreadable for r in reports):
        raise typer.Exit(2)
    if any(r.errors for r in reports) or (strict and any(r.warnings for r in reports)):
        raise typer.Exit(1)
    if fmt.value == "text":
        names = ", ".join(r.file for r in reports)
        warnings = sum(len(r.warnings) for r in reports)
        extra = f" ({warnings} waarschuwing{'en' if warnings != 1 else ''})" if warnings else ""
        sys.stdout.write(f"In orde: {names}{extra}\n")


@app.command()
def schema() -> None:
    """Print het JSON-schema van het regelbestand (voor autocomplete in je editor).

    Exitcodes: 0 klaar, 2 de uitvoer kan niet geschreven worden.
    """
    import json

    from gesprekken_cli.rules.model import Cycle

    document = Cycle.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "gesprekken: regelbestand (gesprekkencyclus)"
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


class PlanFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


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
        help="Werkblad in een .xlsx-rooster (standaard het eerste).",
        show_default=False,
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Bestaande bestanden vervangen.")]
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


def plan_of(
    roster: Path,
    rules: Path | None,
    schooljaar: str | None,
    klassen: Path | None,
    kolom: list[str] | None,
    blad: str | None,
    gezinnen: Path | None,
    vorig: Path | None = None,
    wensen: Path | None = None,
) -> "Plan":
    """The one in-memory plan every command renders: same readers, rules and slots."""
    from gesprekken_cli.plan import make_plan

    return make_plan(
        roster,
        rules_path=rules,
        school_year=schooljaar,
        classes_file=klassen,
        header_map=header_map(kolom),
        sheet=blad,
        families_file=gezinnen,
        previous=vorig,
        wishes=wensen,
    )


def warn(warnings: "Iterable[Problem]") -> None:
    """What the plan could not settle, on stderr so the output itself stays clean."""
    for warning in warnings:
        sys.stderr.write(warning.render() + "\n")


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


@app.command()
@with_selection
def plan(
    roster: RosterArgument,
    selection: "Selection",
    rules: RulesOption = None,
    schooljaar: YearOption = None,
    fmt: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="table, json, csv of md.")
    ] = PlanFormat.table,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="BESTAND",
            help="Schrijf naar dit bestand in plaats van het scherm.",
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    klassen: ClassesOption = None,
    kolom: ColumnOption = None,
    blad: SheetOption = None,
    gezinnen: FamiliesOption = None,
    vorig: PreviousOption = None,
    wensen: WishesOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 als een gesprek niet ingepland kon worden.")
    ] = False,
) -> None:
    """Het plan voor een klas of school: welk gesprek, wanneer, met wie, wat voorbereiden.

    Geeft elk individueel gesprek een tijd; wat niet past staat met de reden in het plan.

    Exitcodes: 0 klaar, 1 fout in regels of rooster (of met --strict: iets niet ingepland),
    2 bestand ontbreekt of is onleesbaar, of --out bestaat al zonder --force.
    """

    result = plan_of(roster, rules, schooljaar, klassen, kolom, blad, gezinnen, vorig, wensen)
    result, selection = selected(result, selection)
    if fmt is PlanFormat.table and out is None and selection.teacher is not None:
        from gesprekken_cli.render.day_list import render_day_list

        title = f"{result.cycle.school.naam} {result.year.label}: {selection.teacher}"
        sys.stdout.write(render_day_list(result.conversations, title))
        warn(result.warnings)
        if strict and result.unplaced:
            raise typer.Exit(1)
        return
    if fmt is PlanFormat.table and out is None:
        from rich.console import Console

        from gesprekken_cli.render.plan_table import render_table

        render_table(result, Console(markup=False))
        if strict and result.unplaced:
            raise typer.Exit(1)
        return
    data: str | bytes
    if fmt is PlanFormat.json:
        from gesprekken_cli.render.plan_json import render_json

        data = render_json(result.conversations)
    elif fmt is PlanFormat.csv:
        from gesprekken_cli.render.plan_text import render_csv

        data = render_csv(result.conversations)
    else:
        from gesprekken_cli.render.plan_text import render_markdown

        if fmt is PlanFormat.table:
            import io

            from rich.console import Console

            from gesprekken_cli.render.plan_table import render_table

            buffer = io.StringIO()
            render_table(result, Console(file=buffer, width=120, color_system=None, markup=False))
            data = buffer.getvalue()
        else:
            data = render_markdown(result.conversations, f"Gesprekkenplan {result.year.label}")
    if out is not None:
        from gesprekken_cli.output import write_atomic

        write_atomic(out, data, force=force)
        written = amount(len(result.conversations), "gesprek", "gesprekken")
        sys.stderr.write(f"Geschreven: {out} ({written})\n")
    elif isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)
    warn(result.warnings)
    named = {c.uid: c for c in result.conversations}
    if len(result.unplaced) <= 20:
        for item in result.unplaced:
            c = named.get(item.uid)
            what = f"{c.type_name}, {c.name} ({c.class_name})" if c else item.uid
            sys.stderr.write(f"niet ingepland: {what}: {item.reason}\n")
    else:
        from collections import Counter

        reasons = Counter(
            (named[item.uid].type_name if item.uid in named else "", item.reason)
            for item in result.unplaced
        )
        sys.stderr.write(f"niet ingepland: {len(result.unplaced)} gesprekken (zie 'opmerking')\n")
        for (type_name, reason), count in sorted(reasons.items()):
            sys.stderr.write(f"  {count} × {type_name}: {reason}\n")
    if strict and result.unplaced:
        raise typer.Exit(1)


@app.command()
def overzicht(
    rules: RulesOption = None,
    schooljaar: YearOption = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            metavar="BESTAND",
            help="Schrijf ook een HTML-pagina (één A4 liggend) voor de schoolgids.",
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    rooster: Annotated[
        Path | None,
        typer.Option(
            "--rooster",
            metavar="ROOSTER",
            help="Rooster: vul het overzicht met aantallen en toon de drukte per leerkracht.",
            show_default=False,
        ),
    ] = None,
    klassen: ClassesOption = None,
    kolom: ColumnOption = None,
    blad: SheetOption = None,
    gezinnen: FamiliesOption = None,
) -> None:
    """Het jaaroverzicht: welk gesprek in welke maand voor welke groep (groepen × maanden).

    Exitcodes: 0 klaar, 1 fout in regels of rooster, 2 bestand ontbreekt of is onleesbaar,
    of --html bestaat al zonder --force.
    """
    from rich.console import Console

    from gesprekken_cli.render.overview_table import render_overview

    if rooster is None and (klassen or kolom or blad or gezinnen):
        from gesprekken_cli.errors import Problem

        raise GesprekkenError(
            [Problem("overzicht", "--klassen, --kolom, --blad en --gezinnen horen bij --rooster")],
            exit_code=2,
        )
    if rooster is not None:
        from gesprekken_cli.overview import plan_overview

        view = plan_overview(plan_of(rooster, rules, schooljaar, klassen, kolom, blad, gezinnen))
    else:
        from gesprekken_cli.calendar import build_calendar
        from gesprekken_cli.expand import calendar_settings
        from gesprekken_cli.overview import cycle_overview
        from gesprekken_cli.plan import school_year_of
        from gesprekken_cli.rules import load_rules

        rules_file, cycle = load_rules(rules)
        year = school_year_of(schooljaar)
        calendar = build_calendar(year, calendar_settings(cycle, year, rules_file))
        view = cycle_overview(cycle, calendar, rules_file=rules_file)
    if html is not None:
        from gesprekken_cli.output import write_atomic
        from gesprekken_cli.render.overview_html import render_html

        write_atomic(html, render_html(view), force=force)
        sys.stderr.write(f"Geschreven: {html}\n")
    render_overview(view, Console(markup=False))


@app.command()
def rooster(
    roster: RosterArgument,
    schooljaar: YearOption = None,
    klassen: ClassesOption = None,
    gezinnen: FamiliesOption = None,
    kolom: ColumnOption = None,
    blad: SheetOption = None,
) -> None:
    """Laat zien wat er uit een rooster gelezen is, om de import te controleren vóór het plan.

    Leerlingen per klas en groep, leerkrachten en duo's met werkdagen, gezinnen met meer
    kinderen, nieuwe leerlingen met hun startdatum, en elke waarschuwing.

    Exitcodes: 0 klaar, 1 fout in het rooster, 2 bestand ontbreekt of is onleesbaar.
    """
    from rich.console import Console

    from gesprekken_cli.plan import school_year_of
    from gesprekken_cli.render.roster_summary import render_summary
    from gesprekken_cli.roster import RosterSource, load_roster

    year = school_year_of(schooljaar)
    source = RosterSource(
        roster,
        classes_file=klassen,
        families_file=gezinnen,
        header_map=MappingProxyType(header_map(kolom)),
        sheet=blad,
    )
    import dataclasses

    from gesprekken_cli.family_check import shared_email_families
    from gesprekken_cli.names import clean_roster

    result = load_roster(source)
    result = dataclasses.replace(result, roster=clean_roster(result.roster))
    render_summary(result, Console(markup=False), year)
    for problem in shared_email_families(result.roster):
        sys.stderr.write(problem.render() + "\n")


@app.command()
@with_selection
def checklist(
    roster: RosterArgument,
    selection: "Selection",
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="MAP", help="Map voor de checklists.", show_default=False
        ),
    ],
    rules: RulesOption = None,
    schooljaar: YearOption = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMATEN",
            help="Welke formaten, komma-gescheiden: md,html,csv.",
        ),
    ] = "md,html,csv",
    leerkracht: Annotated[
        str | None,
        typer.Option(
            "--leerkracht",
            metavar="NAAM",
            help="Alleen de lijsten van deze leerkracht (deel van de naam).",
            show_default=False,
        ),
    ] = None,
    gesprek: Annotated[
        str | None,
        typer.Option(
            "--gesprek",
            metavar="ID",
            help="Alleen dit gesprek: id uit de regels (startgesprek) of id.ronde.",
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
    klassen: ClassesOption = None,
    kolom: ColumnOption = None,
    blad: SheetOption = None,
    gezinnen: FamiliesOption = None,
    vorig: PreviousOption = None,
    wensen: WishesOption = None,
) -> None:
    """Checklists per leerkracht per ronde: doel, voorbereiding met datums, leerlingen.

    Per lijst een Markdown-bestand, een printbare HTML-pagina (A4) en een CSV voor Excel (één
    rij per leerling). Een onbekende --leerkracht of --gesprek geeft exit 2 met de bekende.

    Exitcodes: 0 klaar, 1 fout in regels of rooster, 2 bestand ontbreekt of is onleesbaar,
    een onbekende keuze, of een lijst bestaat al zonder --force.
    """
    from gesprekken_cli.checklist import build_checklists, select
    from gesprekken_cli.output import write_files
    from gesprekken_cli.render.checklist import render_files

    formats = parse_formats(fmt)
    result, selection = selected(
        plan_of(roster, rules, schooljaar, klassen, kolom, blad, gezinnen, vorig, wensen),
        selection,
    )
    lists = select(
        build_checklists(result), teacher=selection.teacher, conversation=selection.conversation
    )
    files = render_files(lists, formats)
    write_files(out, files, force=force)
    sys.stderr.write(
        f"Geschreven: {amount(len(lists), 'checklist', 'checklists')}, "
        f"{amount(len(files), 'bestand', 'bestanden')} in {out}\n"
    )
    warn(result.warnings)


@app.command()
@with_selection
def ics(
    roster: RosterArgument,
    selection: "Selection",
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="MAP", help="Map voor de .ics-bestanden.", show_default=False
        ),
    ],
    rules: RulesOption = None,
    schooljaar: YearOption = None,
    per: Annotated[
        str,
        typer.Option(
            "--per",
            metavar="SOORTEN",
            help="Welke agenda's, komma-gescheiden: leerkracht,gezin,klas,school.",
        ),
    ] = "leerkracht,gezin,klas,school",
    force: ForceOption = False,
    klassen: ClassesOption = None,
    kolom: ColumnOption = None,
    blad: SheetOption = None,
    gezinnen: FamiliesOption = None,
    vorig: PreviousOption = None,
    wensen: WishesOption = None,
) -> None:
    """Agenda's (ICS) per leerkracht, gezin en klas, en één voor de school.

    Importeer ze in Google Agenda, Outlook of Apple Agenda, of zet ze op een webserver om je
    erop te abonneren. Gesprekken zonder tijd staan als hele-dag-item (vrij) over hun periode.
    SOURCE_DATE_EPOCH vast zetten geeft bij dezelfde invoer byte-gelijke bestanden.

    Exitcodes: 0 klaar, 1 fout in regels of rooster, 2 bestand ontbreekt of is onleesbaar,
    een onbekende --per, of een agenda bestaat al zonder --force.
    """
    import os
    from datetime import UTC, datetime

    from gesprekken_cli.cli_views import progress
    from gesprekken_cli.output import write_files
    from gesprekken_cli.recipients import unplaced_meetings
    from gesprekken_cli.render.ics import (
        awaiting_slot,
        calendar_views,
        count_events,
        render_calendar_set,
    )

    views = parse_views(per)
    result, selection = selected(
        plan_of(roster, rules, schooljaar, klassen, kolom, blad, gezinnen, vorig, wensen),
        selection,
    )
    now = pinned_time(os.environ.get("SOURCE_DATE_EPOCH")) or datetime.now(UTC)
    chosen = calendar_views(result, views)
    if selection.teacher is not None:
        chosen = [v for v in chosen if v.view != "leerkracht" or v.key == selection.teacher]
    with progress("Agenda's", len(chosen)) as tick:
        files = render_calendar_set(result, chosen, now=now, tick=tick)
    write_files(out, files, force=force)
    unslotted = sum(1 for c in result.conversations if awaiting_slot(c))
    events = count_events(files.values())
    calendars = amount(len(files) - 1, "agenda", "agenda's")
    sys.stderr.write(
        f"Geschreven: {calendars} en index.csv in {out} "
        f"({amount(events, 'item', 'items')}, "
        f"{amount(len(result.conversations), 'gesprek', 'gesprekken')} in het plan"
        + (f", {unslotted} nog zonder tijd" if unslotted else "")
        + ")\n"
    )
    for meeting in unplaced_meetings(result):
        sys.stderr.write(f"bijeenkomst niet ingepland: {meeting}\n")
    warn(result.warnings)
    stale = sorted(p.name for p in out.glob("*.ics") if p.name not in files)
    if stale:
        shown = ", ".join(stale[:5]) + (" …" if len(stale) > 5 else "")
        calendars = (
            "1 oudere agenda hoort" if len(stale) == 1 else f"{len(stale)} oudere agenda's horen"
        )
        sys.stderr.write(
            f"waarschuwing: {calendars} in {out} niet bij dit plan "
            f"(bijv. een leerling die weg is): {shown}; verwijder ze als ze niet meer kloppen\n"
        )


def parse_formats(text: str) -> tuple[str, ...]:
    """``md,html`` → ``('md', 'html')``; an unknown format is a usage error (exit 2)."""
    from gesprekken_cli.errors import Problem
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
    from gesprekken_cli.errors import Problem
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


COMPLETE_VARIABLE = "_GESPREKKEN_COMPLETE"


def _stop(signum: int, frame: object) -> None:
    """A stop signal ends the run like Ctrl-C does, so half-written output is rolled back."""
    raise SystemExit(128 + signum)


def command_line(args: list[str]) -> TyperGroup:
    """The click group for one run: ``app`` itself, or only the command ``args`` starts with.

    typer turns every registered command into a click command on every run, reading each
    signature; a run that names its command needs only that one (~2 ms of start-up saved).
    Help, errors and unknown commands go through the whole group, so they list everything.
    """
    import copy

    from typer.main import get_command_name, get_group

    named = [
        info
        for info in app.registered_commands
        if info.callback is not None
        and args[:1] == [info.name or get_command_name(info.callback.__name__)]
    ]
    if not named:
        return get_group(app)
    only = copy.copy(app)
    only.registered_commands = named
    return get_group(only)


def main() -> None:
    """Console entry point."""
    import signal

    signal.signal(signal.SIGTERM, _stop)
    if COMPLETE_VARIABLE in os.environ:
        # The shell asks for completions (README "Aanvullen met Tab"); typer registers its
        # shells only with add_completion, which would add two English options to the help.
        from typer._completion_classes import completion_init

        completion_init()
    try:
        command_line(sys.argv[1:])()
    except GesprekkenError as error:
        fail(error)


import gesprekken_cli.cli_deliver  # noqa: E402, F401  (registers uitnodigingen and dag)

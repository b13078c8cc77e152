"""``plan``, ``overzicht`` and ``rooster``: the plan and what it is made from."""

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gesprekken_cli.cli.options import (
    ClassesOption,
    ColumnOption,
    FamiliesOption,
    ForceOption,
    PreviousOption,
    RosterArgument,
    RulesOption,
    SheetOption,
    StrictOption,
    WishesOption,
    YearOption,
    amount,
    plan_request,
    roster_source,
    strict_exit,
    warn,
)
from gesprekken_cli.cli.views import selected, with_selection
from gesprekken_cli.errors import GesprekkenError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gesprekken_cli.expand import Conversation
    from gesprekken_cli.plan import Plan, Unplaced
    from gesprekken_cli.selection import Selection


class PlanFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


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
    samenvatting: Annotated[
        Path | None,
        typer.Option(
            "--samenvatting",
            metavar="BESTAND",
            help=(
                "Schrijf ook een JSON-samenvatting: kwaliteit, meldingen en wat niet "
                "ingepland kon worden (zie README)."
            ),
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 als een gesprek niet ingepland kon worden of er een waarschuwing is.",
        ),
    ] = False,
) -> None:
    """Het plan voor een klas of school: welk gesprek, wanneer, met wie, wat voorbereiden.

    Geeft elk individueel gesprek een tijd; wat niet past staat met de reden in het plan.

    Exitcodes: 0 klaar, 1 fout in regels of rooster (of met --strict: iets niet ingepland
    of een waarschuwing), 2 bestand ontbreekt of is onleesbaar, of --out of --samenvatting
    bestaat al zonder --force.
    """

    from gesprekken_cli.plan import make_plan

    if samenvatting is not None:
        from gesprekken_cli.output import check_free, write_atomic
        from gesprekken_cli.render.plan_summary import render_summary

        check_free(samenvatting, force=force)
    request = plan_request(
        roster,
        rules=rules,
        schooljaar=schooljaar,
        klassen=klassen,
        kolom=kolom,
        blad=blad,
        gezinnen=gezinnen,
        vorig=vorig,
        wensen=wensen,
    )
    result, selection = selected(make_plan(request), selection)
    if fmt is PlanFormat.table and out is None and selection.teacher is not None:
        from gesprekken_cli.render.day_list import render_day_list

        title = f"{result.cycle.school.naam} {result.year.label}: {selection.teacher}"
        sys.stdout.write(render_day_list(result.conversations, title))
        warn(result.warnings)
    elif fmt is PlanFormat.table and out is None:
        from rich.console import Console

        from gesprekken_cli.render.plan_table import render_table

        render_table(result, Console(markup=False))
    else:
        data = _rendered(result, fmt)
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
        lines = unplaced_lines(result.unplaced, result.conversations)
        sys.stderr.writelines(line + "\n" for line in lines)
    if samenvatting is not None:
        write_atomic(samenvatting, render_summary(result), force=force)
        sys.stderr.write(f"Geschreven: {samenvatting}\n")
    strict_exit(strict, len(result.warnings) + len(result.unplaced))


def _rendered(result: "Plan", fmt: PlanFormat) -> str | bytes:
    """The plan in ``fmt`` as the file (or screen) gets it."""
    if fmt is PlanFormat.json:
        from gesprekken_cli.render.plan_json import render_json

        return render_json(result.conversations)
    if fmt is PlanFormat.csv:
        from gesprekken_cli.render.plan_text import render_csv

        return render_csv(result.conversations)
    if fmt is PlanFormat.md:
        from gesprekken_cli.render.plan_text import render_markdown

        return render_markdown(result.conversations, f"Gesprekkenplan {result.year.label}")
    import io

    from rich.console import Console

    from gesprekken_cli.render.plan_table import render_table

    buffer = io.StringIO()
    render_table(result, Console(file=buffer, width=120, color_system=None, markup=False))
    return buffer.getvalue()


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
    strict: StrictOption = False,
) -> None:
    """Het jaaroverzicht: welk gesprek in welke maand voor welke groep (groepen × maanden).

    Exitcodes: 0 klaar, 1 fout in regels of rooster (of met --strict: een waarschuwing),
    2 bestand ontbreekt of is onleesbaar, of --html bestaat al zonder --force.
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
        from gesprekken_cli.plan import make_plan

        request = plan_request(
            rooster,
            rules=rules,
            schooljaar=schooljaar,
            klassen=klassen,
            kolom=kolom,
            blad=blad,
            gezinnen=gezinnen,
        )
        view = plan_overview(make_plan(request))
    else:
        from gesprekken_cli.overview import rules_overview
        from gesprekken_cli.plan import school_year_of

        view = rules_overview(rules, school_year_of(schooljaar, date.today()))
    if html is not None:
        from gesprekken_cli.output import write_atomic
        from gesprekken_cli.render.overview_html import render_html

        write_atomic(html, render_html(view), force=force)
        sys.stderr.write(f"Geschreven: {html}\n")
    render_overview(view, Console(markup=False))
    strict_exit(strict, len(view.notes))


def rooster(
    roster: RosterArgument,
    schooljaar: YearOption = None,
    klassen: ClassesOption = None,
    gezinnen: FamiliesOption = None,
    kolom: ColumnOption = None,
    blad: SheetOption = None,
    strict: StrictOption = False,
) -> None:
    """Laat zien wat er uit een rooster gelezen is, om de import te controleren vóór het plan.

    Leerlingen per klas en groep, leerkrachten en duo's met werkdagen, gezinnen met meer
    kinderen, nieuwe leerlingen met hun startdatum, en elke waarschuwing.

    Exitcodes: 0 klaar, 1 fout in het rooster (of met --strict: een waarschuwing), 2 bestand
    ontbreekt of is onleesbaar.
    """

    from rich.console import Console

    from gesprekken_cli.family_check import shared_email_families
    from gesprekken_cli.names import clean_roster
    from gesprekken_cli.plan import school_year_of
    from gesprekken_cli.render.roster_summary import render_summary
    from gesprekken_cli.roster import load_roster

    year = school_year_of(schooljaar, date.today())
    source = roster_source(roster, klassen=klassen, gezinnen=gezinnen, kolom=kolom, blad=blad)
    result = load_roster(source)
    cleaned = clean_roster(result.roster)
    # One list: the summary's warnings are the ones --strict counts (the readers' and the
    # doubtful e-mail families', as ``plan`` has them).
    cleaned = cleaned._replace(warnings=cleaned.warnings + tuple(shared_email_families(cleaned)))
    result = result._replace(roster=cleaned)
    render_summary(result, Console(markup=False), year)
    strict_exit(strict, len(cleaned.warnings))


def unplaced_lines(
    unplaced: "Sequence[Unplaced]",
    conversations: "Sequence[Conversation]" = (),
    limit: int = 20,
) -> list[str]:
    """What could not be placed, for stderr: one line each, or counts per reason past ``limit``;
    by conversation and pupil name, never by raw id."""
    from gesprekken_cli.plan import unplaced_counts

    named = {c.uid: c for c in conversations}
    if len(unplaced) <= limit:
        lines = []
        for item in unplaced:
            c = named.get(item.uid)
            what = f"{c.type_name}, {c.name} ({c.class_name})" if c else item.uid
            lines.append(f"niet ingepland: {what}: {item.reason}")
        return lines
    types = {c.type_id: c.type_name for c in conversations}
    lines = [f"niet ingepland: {len(unplaced)} gesprekken (zie 'opmerking')"]
    lines += [
        f"  {n} × {types.get(type_id, type_id)}: {reason}"
        for type_id, reason, n in unplaced_counts(unplaced)
    ]
    return lines

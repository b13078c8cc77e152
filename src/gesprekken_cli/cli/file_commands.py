"""``checklist`` and ``ics``: the plan as a folder of files (lists per teacher, calendars)."""

import sys
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
    parse_formats,
    parse_views,
    pinned_time,
    plan_request,
    strict_exit,
    warn,
)
from gesprekken_cli.cli.views import selected, stale_warning, with_selection

if TYPE_CHECKING:
    from gesprekken_cli.selection import Selection


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
    force: ForceOption = False,
    klassen: ClassesOption = None,
    kolom: ColumnOption = None,
    blad: SheetOption = None,
    gezinnen: FamiliesOption = None,
    vorig: PreviousOption = None,
    wensen: WishesOption = None,
    strict: StrictOption = False,
) -> None:
    """Checklists per leerkracht per gespreksronde: doel, voorbereiding met datums, leerlingen.

    Per lijst een Markdown-bestand, een printbare HTML-pagina (A4) en een CSV voor Excel (één
    rij per leerling). Een onbekende --leerkracht of --gesprek geeft exit 2 met de bekende.

    Exitcodes: 0 klaar, 1 fout in regels of rooster (of met --strict: een waarschuwing),
    2 bestand ontbreekt of is onleesbaar, een onbekende keuze, of een lijst bestaat al
    zonder --force.
    """
    from gesprekken_cli.checklist import build_checklists, select
    from gesprekken_cli.output import write_files
    from gesprekken_cli.render.checklist import render_files

    formats = parse_formats(fmt)
    from gesprekken_cli.plan import make_plan

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
    strict_exit(strict, len(result.warnings))


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
    strict: StrictOption = False,
) -> None:
    """Agenda's (ICS) per leerkracht, gezin en klas, en één voor de school.

    Importeer ze in Google Agenda, Outlook of Apple Agenda, of zet ze op een webserver om je
    erop te abonneren. Gesprekken zonder tijd staan als hele-dag-item (vrij) over hun periode.
    SOURCE_DATE_EPOCH vast zetten geeft bij dezelfde invoer byte-gelijke bestanden.

    Exitcodes: 0 klaar, 1 fout in regels of rooster (of met --strict: een waarschuwing),
    2 bestand ontbreekt of is onleesbaar, een onbekende --per, of een agenda bestaat al
    zonder --force.
    """
    import os
    from datetime import UTC, datetime

    from gesprekken_cli.cli.views import progress
    from gesprekken_cli.output import stale_files, write_files
    from gesprekken_cli.recipients import unplaced_meetings
    from gesprekken_cli.render.ics import (
        awaiting_slot,
        calendar_views,
        count_events,
        render_calendar_set,
    )

    views = parse_views(per)
    from gesprekken_cli.plan import make_plan

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
    now = pinned_time(os.environ.get("SOURCE_DATE_EPOCH")) or datetime.now(UTC)
    chosen = calendar_views(result, views)
    if selection.teacher is not None:
        chosen = [v for v in chosen if v.view != "leerkracht" or v.key == selection.teacher]
    with progress("Agenda's", len(chosen)) as tick:
        files = render_calendar_set(result, chosen, now=now, tick=tick)
    write_files(out, files, force=force)
    unslotted = sum(1 for c in result.conversations if awaiting_slot(c))
    calendars = amount(len(files) - 1, "agenda", "agenda's")
    sys.stderr.write(
        f"Geschreven: {calendars} en index.csv in {out} "
        f"({amount(count_events(files.values()), 'item', 'items')}, "
        f"{amount(len(result.conversations), 'gesprek', 'gesprekken')} in het plan"
        + (f", {unslotted} nog zonder tijd" if unslotted else "")
        + ")\n"
    )
    for meeting in unplaced_meetings(result):
        sys.stderr.write(f"bijeenkomst niet ingepland: {meeting}\n")
    problems = result.warnings + stale_warning(
        out,
        stale_files(out, files, ".ics"),
        ("1 oudere agenda hoort", "{n} oudere agenda's horen"),
        "niet bij dit plan (bijv. een leerling die weg is)",
        "oude-agenda",
    )
    warn(problems)
    strict_exit(strict, len(problems))

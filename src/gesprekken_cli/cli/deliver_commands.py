"""Commands that bring the plan to people: ``uitnodigingen`` (with sending) and ``dag``.

Registered in :mod:`.app` with the other commands.
"""

import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
    WishesOption,
    YearOption,
    pinned_time,
    plan_request,
    warn,
)
from gesprekken_cli.cli.views import (
    parse_day,
    progress,
    selected,
    stale_warning,
    with_selection,
)
from gesprekken_cli.errors import GesprekkenError, Problem, read_bytes

if TYPE_CHECKING:
    from gesprekken_cli.selection import Selection

LETTERS_SHOWN = 30  # a school's letters are listed; a board's list points to the CSV


def export_time() -> datetime:
    """The clock, or ``SOURCE_DATE_EPOCH`` for byte-identical re-exports."""
    return pinned_time(os.environ.get("SOURCE_DATE_EPOCH")) or datetime.now(UTC)


@with_selection
def uitnodigingen(
    roster: RosterArgument,
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="MAP", help="Map voor de berichten.", show_default=False
        ),
    ],
    selection: "Selection",
    rules: RulesOption = None,
    schooljaar: YearOption = None,
    sjabloon: Annotated[
        Path | None,
        typer.Option(
            "--sjabloon",
            metavar="BESTAND",
            help="Eigen sjabloon (Jinja2, blokken onderwerp, tekst en html); standaard Nederlands.",
            show_default=False,
        ),
    ] = None,
    afzender: Annotated[
        str,
        typer.Option(
            "--afzender",
            metavar="ADRES",
            help="Afzender van de berichten, bijv. 'De Duif <info@deduif.nl>'.",
        ),
    ] = "",
    verstuur: Annotated[
        bool,
        typer.Option(
            "--verstuur",
            help="Verstuur de berichten via SMTP; zonder --echt alleen een proefrun (niets weg).",
        ),
    ] = False,
    echt: Annotated[bool, typer.Option("--echt", help="Bij --verstuur: verstuur echt.")] = False,
    smtp: Annotated[
        str | None,
        typer.Option(
            "--smtp",
            metavar="HOST:POORT",
            help="SMTP-server host:poort (STARTTLS); login uit GESPREKKEN_SMTP_GEBRUIKER en "
            "GESPREKKEN_SMTP_WACHTWOORD.",
            show_default=False,
        ),
    ] = None,
    pauze: Annotated[
        float,
        typer.Option("--pauze", metavar="SECONDEN", help="Seconden tussen twee berichten.", min=0),
    ] = 1.0,
    force: ForceOption = False,
    klassen: ClassesOption = None,
    kolom: ColumnOption = None,
    blad: SheetOption = None,
    gezinnen: FamiliesOption = None,
    vorig: PreviousOption = None,
    wensen: WishesOption = None,
) -> None:
    """Uitnodigingen per huishouden en gespreksronde: e-mail (.eml), brief en CSV.

    Per huishouden een .eml (tekst, html en de afspraak als agenda-bijlage) aan de adressen
    uit het rooster; zonder adres een printbare brief (A4, HTML), ook op stderr genoemd;
    uitnodigingen.csv voor samenvoegen in Word/Outlook. --verstuur stuurt via SMTP (eerst een
    proefrun; --echt verstuurt) en houdt verstuurd.csv bij: opnieuw starten verstuurt nooit
    iets twee keer.

    Exitcodes: 0 klaar, 1 fout in regels, rooster of sjabloon, 2 bestand ontbreekt of is
    onleesbaar, een onbekende keuze, de server weigert, of bestanden bestaan al zonder --force.
    """
    from email.utils import formataddr

    from gesprekken_cli.invitations import build_invitations
    from gesprekken_cli.output import stale_files, write_files
    from gesprekken_cli.render.invitation_files import render_invitations
    from gesprekken_cli.render.mail_template import load_template
    from gesprekken_cli.render.mime import address
    from gesprekken_cli.sending import LOG_NAME, read_log, render_log

    template = load_template(read_bytes(sjabloon), str(sjabloon)) if sjabloon else load_template()
    if verstuur and smtp is None:
        raise GesprekkenError([Problem("--verstuur", "geef de server met --smtp host:poort")], 2)
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
    result = make_plan(request)
    result, selection = selected(result, selection)
    school = result.cycle.school
    # The school's name quoted, so a comma or ';' in it is not read as a second address.
    default = formataddr((" ".join(school.naam.split()), f"noreply@{school.domein}"))
    if verstuur and echt and not afzender and school.domein.endswith(".invalid"):
        raise GesprekkenError(
            [
                Problem(
                    "--afzender",
                    f"nodig om echt te versturen: de standaardafzender {default} is geen "
                    "bestaand adres (zet --afzender, of 'domein' onder 'school' in de regels)",
                )
            ],
            exit_code=2,
        )
    sender = address(afzender or default)
    invitations = build_invitations(result)
    with progress("Uitnodigingen", len(invitations)) as tick:
        made = render_invitations(
            result,
            invitations,
            template,
            sender=sender,
            reply_to=sender if afzender else "",
            now=export_time(),
            tick=tick,
        )
    files = dict(made.files)
    log = out / LOG_NAME
    previous_log = read_log(log) if out.is_dir() and not out.is_symlink() else []
    if previous_log:  # a folder written again keeps the record of what went out
        files[LOG_NAME] = render_log(previous_log)
    write_files(out, files, force=force)
    emails, letters = len(made.messages), len(made.letters)
    sys.stderr.write(
        f"Geschreven: {emails} e-mail{'' if emails == 1 else 's'}, "
        f"{letters} {'brief' if letters == 1 else 'brieven'} en uitnodigingen.csv in {out}\n"
    )
    if made.letters:
        sys.stderr.write(f"Zonder e-mailadres, brief om mee te geven ({len(made.letters)}):\n")
        for name in made.letters[:LETTERS_SHOWN]:
            sys.stderr.write(f"  {out / name}\n")
        if len(made.letters) > LETTERS_SHOWN:
            more = len(made.letters) - LETTERS_SHOWN
            sys.stderr.write(f"  … en {more} meer: zie de kolom Brief in uitnodigingen.csv\n")
    stale = stale_files(out, files, ".eml", ".html")
    problems = result.warnings + stale_warning(
        out,
        stale,
        ("1 ouder bestand hoort", "{n} oudere bestanden horen"),
        "niet bij deze uitnodigingen (bijv. een andere ronde of een leerling die weg is) "
        "en worden niet verstuurd",
        "oude-uitnodiging",
    )
    warn(problems)
    if verstuur:
        _send(made.messages, smtp or "", sender, log, pauze, echt)


def _send(messages: Any, smtp: str, sender: str, log: Path, pause: float, really: bool) -> None:
    from gesprekken_cli.sending import Server, parse_server, read_log, send_all, sent_ids

    host, port = parse_server(smtp)
    done = sent_ids(read_log(log))
    todo = [m for m in messages if m.msgid not in done]
    if not really:
        sys.stderr.write(
            f"Proefrun: {len(todo)} bericht(en) zouden via {host}:{port} gaan "
            f"({len(messages) - len(todo)} al verstuurd volgens {log}); --echt verstuurt ze.\n"
        )
        for message in todo[:20]:
            sys.stderr.write(f"  {message.file} → {', '.join(message.recipients)}\n")
        return
    server = Server(
        host,
        port,
        os.environ.get("GESPREKKEN_SMTP_GEBRUIKER") or None,
        os.environ.get("GESPREKKEN_SMTP_WACHTWOORD") or None,
    )
    with progress("Versturen", len(todo)) as tick:
        outcome = send_all(
            messages, server, sender, log, clock=lambda: datetime.now(UTC), pause=pause, tick=tick
        )
    sys.stderr.write(
        f"Verstuurd: {len(outcome.sent)} bericht(en); {len(outcome.skipped)} waren al verstuurd "
        f"(zie {log})\n"
    )


def dag(
    datum: Annotated[
        str, typer.Argument(metavar="DATUM", help="De dag, DD-MM-JJJJ.", show_default=False)
    ],
    roster: RosterArgument,
    html: Annotated[
        Path,
        typer.Option(
            "--html",
            metavar="BESTAND",
            help="Schrijf de deurlijsten naar dit HTML-bestand.",
            show_default=False,
        ),
    ],
    leerkracht: Annotated[
        str | None,
        typer.Option(
            "--leerkracht", metavar="NAAM", help="Alleen deze leerkracht.", show_default=False
        ),
    ] = None,
    rules: RulesOption = None,
    schooljaar: YearOption = None,
    force: ForceOption = False,
    klassen: ClassesOption = None,
    kolom: ColumnOption = None,
    blad: SheetOption = None,
    gezinnen: FamiliesOption = None,
    vorig: PreviousOption = None,
    wensen: WishesOption = None,
) -> None:
    """Deurlijsten van één dag: per leerkracht een A4 met de gesprekken op tijd.

    Exitcodes: 0 klaar, 1 fout in regels of rooster, 2 bestand ontbreekt of is onleesbaar,
    een onbekende leerkracht of datum, of --html bestaat al zonder --force.
    """
    from gesprekken_cli.daysheet import day_sheets
    from gesprekken_cli.output import write_atomic
    from gesprekken_cli.render.day_sheet_html import render_day_sheets
    from gesprekken_cli.selection import Selection

    day = parse_day("datum", datum)
    assert day is not None
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
    result = make_plan(request)
    result, _ = selected(result, Selection(teacher=leerkracht, start=day, end=day))
    sheets = day_sheets(result, day)
    write_atomic(html, render_day_sheets(sheets, result.cycle.school.naam, day), force=force)
    total = sum(len(s.items) for s in sheets)
    sys.stderr.write(f"Geschreven: {html} ({len(sheets)} leerkracht(en), {total} gesprekken)\n")

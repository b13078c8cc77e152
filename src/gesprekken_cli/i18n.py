"""Dutch for the frame typer draws around our own text: help headings, usage and usage errors.

typer 0.29 carries its own copy of click, which writes its strings in English without gettext;
only ``typer/core.py`` passes a few through ``gettext`` (``from gettext import gettext as _``).
Both are wrapped here, in one place: ``activate()`` points typer's ``_`` at ``translate`` and
replaces the handful of click methods that print English (the usage prefix, the help option's
text, how a usage error is shown, the usage name of an argument). Every message a user can meet
is in ``MESSAGES`` (exact text) or ``PATTERNS`` (text with a value in it); anything else passes
through unchanged. ``cli/app.py`` calls ``activate()`` when it is imported, so the console script
and tests through ``CliRunner`` both see Dutch. It costs well under a millisecond.
"""

import re
from collections.abc import Callable
from functools import cache
from typing import IO, Any

HELP_TEXT = "Toon deze hulp en stop."
USAGE_PREFIX = "Gebruik: "
OPTIONS_METAVAR = "[OPTIES]"
SUBCOMMAND_METAVAR = "COMMANDO [ARGUMENTEN]..."

MESSAGES: dict[str, str] = {
    # typer/core.py, through gettext
    "Arguments": "Argumenten",
    "Options": "Opties",
    "Commands": "Commando's",
    "default: {default}": "standaard: {default}",
    "required": "verplicht",
    "env var: {var}": "omgevingsvariabele: {var}",
    "(dynamic)": "(wisselend)",
    "Aborted!": "Afgebroken.",
    "Missing command.": "Er ontbreekt een commando.",
    "No such command {name!r}.": "Onbekend commando {name!r}.",
    # click and typer's type checks, as plain strings
    "Value must be an iterable.": "Verwacht een lijst van waarden.",
    "Show this message and exit.": HELP_TEXT,
}

# Compiled on the first message that is not in MESSAGES (an error), not at start-up.
PATTERNS: tuple[tuple[str, str], ...] = (
    # typer/core.py appends its suggestion for a mistyped command in English, after gettext
    (r"(.+)\. Did you mean (.+)\?", "{0}. Bedoel je {1}?"),
    (r"Missing argument (.+)\.", "Ontbrekend argument {0}."),
    (r"Missing option (.+)\.", "Ontbrekende optie {0}."),
    (r"Missing parameter (.+)\.", "Ontbrekende waarde {0}."),
    (r"Missing parameter: (.+)", "Ontbrekende waarde: {0}"),
    (r"Invalid value for (.+?): (.+)", "Ongeldige waarde voor {0}: {1}"),
    (r"Invalid value: (.+)", "Ongeldige waarde: {0}"),
    (
        r"No such option: (\S+) \(Possible options: (.+)\)",
        "Onbekende optie: {0} (bedoel je {1}?)",
    ),
    (r"No such option: (.+)", "Onbekende optie: {0}"),
    (r"Got unexpected extra argument(?:\(s\)|s)? \((.+)\)", "Onverwacht extra argument ({0})"),
    (r"Option (.+) requires an argument\.", "Optie {0} verwacht een waarde."),
    (r"Option (.+) requires (\d+) arguments\.", "Optie {0} verwacht {1} waarden."),
    (r"Option (.+) does not take a value\.", "Optie {0} neemt geen waarde."),
    (r"Argument (.+) takes (\d+) values\.", "Argument {0} verwacht {1} waarden."),
    (r"Value error, (.+)", "{0}"),
    (r"'(.*)' is not one of (.+?)\.?", "'{0}' kan niet; kies uit {1}."),
    (r"Value (.+) is not a valid (.+)\.", "Ongeldige waarde {0}."),
    (r"(.+)\. Choose from:\n(.+)", "{0}. Kies uit:\n{1}"),
    (r"Choose from:\n(.+)", "Kies uit:\n{0}"),
)


@cache
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern, re.DOTALL), dutch) for pattern, dutch in PATTERNS)


def translate(message: str) -> str:
    """The Dutch of one of click's or typer's messages; unknown text comes back as it was."""
    exact = MESSAGES.get(message)
    if exact is not None:
        return exact
    for pattern, dutch in _compiled():
        found = pattern.fullmatch(message)
        if found:
            # A value may itself be a message (the reason after "Invalid value for …:").
            return dutch.format(*(translate(part) for part in found.groups()))
    return message


_active = False


def activate() -> None:
    """Make typer and its click speak Dutch (idempotent; changes only presentation).

    Written against typer 0.29 (pinned in pyproject.toml). Should a newer typer move what is
    patched here, the frame stays English rather than the command line failing; the test of
    the frame (``tests/cli/test_dutch_frame.py``) then says so.
    """
    global _active
    if _active:
        return
    _active = True
    try:
        _patch()
    except (ImportError, AttributeError):  # pragma: no cover - another typer than 0.29
        return


def _patch() -> None:
    import typer.core
    from typer._click import core as click_core
    from typer._click import exceptions, formatting
    from typer._click._compat import get_text_stderr
    from typer._click.utils import echo

    typer.core._ = translate  # type: ignore[attr-defined]

    write_usage = formatting.HelpFormatter.write_usage

    def dutch_usage(
        self: formatting.HelpFormatter, prog: str, args: str = "", prefix: str | None = None
    ) -> None:
        write_usage(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = dutch_usage  # type: ignore[method-assign]

    get_help_option = click_core.Command.get_help_option

    def dutch_help_option(self: click_core.Command, ctx: click_core.Context) -> Any:
        option = get_help_option(self, ctx)
        if option is not None and option.help in MESSAGES:
            option.help = MESSAGES[option.help]
        return option

    click_core.Command.get_help_option = dutch_help_option  # type: ignore[method-assign]

    def show_error(self: exceptions.ClickException, file: IO[Any] | None = None) -> None:
        echo(f"Fout: {translate(self.format_message())}", file=file or get_text_stderr())

    def show_usage_error(self: exceptions.UsageError, file: IO[Any] | None = None) -> None:
        ctx = self.ctx
        if ctx is not None:
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                hint = f"Probeer '{ctx.command_path} {ctx.help_option_names[-1]}' voor hulp.\n"
            echo(f"{ctx.get_usage()}\n{hint}", file=file or get_text_stderr(), color=ctx.color)
        show_error(self, file)

    exceptions.ClickException.show = show_error  # type: ignore[method-assign]
    exceptions.UsageError.show = show_usage_error  # type: ignore[method-assign]
    _argument_names(typer.core.TyperArgument)


def _argument_names(argument: Any) -> None:
    """Arguments by their name as a word: ``ROOSTER``, ``[BESTANDEN]...``, not ``{roster}``.

    typer puts a required argument between braces and adds its type (``<path>``) in the help;
    with a metavar (``ROOSTER``) the word says both, as in click's own style.
    """
    display_type_rich: Callable[[Any, Any], str | None] = argument.display_type_rich

    def usage_name(self: Any) -> str:
        name: str = self.display_name_raw
        if not self.required:
            name = f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    def type_shown(self: Any, ctx: Any) -> str | None:
        return None if self.metavar is not None else display_type_rich(self, ctx)

    argument._usage_display_name = usage_name
    argument.display_type_rich = type_shown


# What the XML parser (expat) says about a broken file, as it reaches the user in an EDEXML
# roster's message ("geen geldige XML: …"); the position is given beside it.
XML_ERRORS: dict[str, str] = {
    "syntax error": "syntaxfout",
    "no element found": "geen element gevonden (leeg of afgebroken bestand)",
    "not well-formed (invalid token)": "ongeldig teken",
    "unclosed token": "niet afgesloten (het bestand houdt midden in een tag op)",
    "partial character": "onvolledig teken (het bestand houdt midden in een teken op)",
    "mismatched tag": "sluittag past niet bij de openingstag",
    "duplicate attribute": "een attribuut staat twee keer in een tag",
    "junk after document element": "tekst na het einde van het document",
    "undefined entity": "onbekende entiteit",
    "reference to invalid character number": "verwijzing naar een ongeldig teken",
    "XML or text declaration not at start of entity": "de XML-declaratie staat niet bovenaan",
    "unknown encoding": "onbekende tekencodering",
    "encoding specified in XML declaration is incorrect": (
        "de tekencodering in de XML-declaratie klopt niet"
    ),
    "unclosed CDATA section": "CDATA-blok niet afgesloten",
    "unbound prefix": "onbekend namespace-voorvoegsel",
    "XML declaration not well-formed": "XML-declaratie klopt niet",
    "text declaration not well-formed": "tekstdeclaratie klopt niet",
}


def xml_error(message: str) -> str:
    """The parser's message in Dutch; one not in the list is shown as the parser wrote it."""
    return XML_ERRORS.get(message, f"fout van de XML-lezer: {message}")

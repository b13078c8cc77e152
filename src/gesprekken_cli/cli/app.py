"""The ``gesprekken`` application: its commands, the mapping of errors to exit codes, the entry.

Exit codes: 0 done, 1 the input is wrong (rules, roster) or ``--strict`` found something,
2 usage or I/O (missing file, unreadable, output exists without ``--force``), 3 a fault of the
program itself (one Dutch line; ``GESPREKKEN_DEBUG=1`` shows the traceback too, still exit 3).
Heavy imports happen inside the command that needs them, so ``--help`` starts fast. No
``from __future__ import annotations`` here: typer reads every command's annotations on every
run, and evaluating them as strings cost ~5 ms of start-up.
"""

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from gesprekken_cli import i18n
from gesprekken_cli.cli import deliver_commands, file_commands, plan_commands, rules_commands
from gesprekken_cli.errors import GesprekkenError, os_reason

i18n.activate()


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
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as error:
            internal_error(error)


def internal_error(error: Exception) -> NoReturn:
    """A bug, not bad input: one Dutch line and exit 3; ``GESPREKKEN_DEBUG=1`` prints the
    traceback first (still exit 3, so a script sees a bug and not bad input).

    Only the exception's type is named: its text may hold a pupil's name or other roster data.
    There is no central place to report to: the school's own support does.
    """
    if os.environ.get("GESPREKKEN_DEBUG", "").strip() not in ("", "0"):
        import traceback

        traceback.print_exception(error, file=sys.stderr)
    sys.stderr.write(
        f"gesprekken: interne fout ({type(error).__name__}): dit is een fout in het programma, "
        "niet in uw invoer. Meld het aan wie gesprekken voor uw school installeert of beheert, "
        "met de opdracht die u gaf; GESPREKKEN_DEBUG=1 voor de opdracht toont de details "
        "(kijk of daar geen namen van leerlingen in staan voor u ze doorstuurt).\n"
    )
    raise typer.Exit(3) from None


COMMANDS = (
    rules_commands.validate,
    rules_commands.schema,
    plan_commands.plan,
    plan_commands.overzicht,
    plan_commands.rooster,
    file_commands.checklist,
    file_commands.ics,
    deliver_commands.uitnodigingen,
    deliver_commands.dag,
)


def _show_version(value: bool) -> None:
    if value:
        from gesprekken_cli import __version__

        sys.stdout.write(f"gesprekken {__version__}\n")
        raise typer.Exit()


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


def application(commands: "Sequence[Callable[..., None]]" = COMMANDS) -> typer.Typer:
    """The ``gesprekken`` application with ``commands`` (by default all of them)."""
    built = typer.Typer(
        name="gesprekken",
        cls=_Group,
        help=(
            "De gesprekkencyclus van de school als data: controleer de regels, maak het plan "
            "per klas, agenda's (ICS), checklists en het jaaroverzicht.\n\n"
            "Exitcodes: 0 klaar, 1 fout in de invoer (regels, rooster) of --strict vond iets, "
            "2 gebruik of bestand (ontbreekt, onleesbaar, bestaat al zonder --force), "
            "3 een fout in het programma zelf (meld die; GESPREKKEN_DEBUG=1 toont de details)."
        ),
        no_args_is_help=True,
        context_settings={"help_option_names": ["-h", "--help"]},
        options_metavar=i18n.OPTIONS_METAVAR,
        subcommand_metavar=i18n.SUBCOMMAND_METAVAR,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    built.callback()(_options)
    for command in commands:
        built.command()(command)
    return built


app = application()


def fail(error: GesprekkenError) -> NoReturn:
    """Print every problem of ``error`` to stderr and exit with its code."""
    for problem in error.problems:
        sys.stderr.write(problem.render() + "\n")
    raise typer.Exit(error.exit_code)


COMPLETE_VARIABLE = "_GESPREKKEN_COMPLETE"


def _stop(signum: int, frame: object) -> None:
    """A stop signal ends the run like Ctrl-C does, so half-written output is rolled back."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Console entry point."""
    import signal

    signal.signal(signal.SIGTERM, _stop)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, _stop)
    if COMPLETE_VARIABLE in os.environ:
        # The shell asks for completions (README "Aanvullen met Tab"); typer registers its
        # shells only with add_completion, which would add two English options to the help.
        from typer._completion_classes import completion_init

        completion_init()
    # Typer builds the parameters of every command it holds on every run; a run that names its
    # command gets an application with that one alone (all nine cost ~3% of a class plan).
    named = [c for c in COMMANDS if c.__name__ == (sys.argv[1] if len(sys.argv) > 1 else "")]
    whole = not named or COMPLETE_VARIABLE in os.environ
    try:
        try:
            (app if whole else application(named))()
        except GesprekkenError as error:
            fail(error)
        except Exception as error:  # outside a command (parsing, start-up): still no traceback
            internal_error(error)
    except typer.Exit as stop:  # outside click, nothing turns it into the exit code
        sys.exit(stop.exit_code)

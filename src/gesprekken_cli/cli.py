"""The command line: parse arguments, call the core, render, write, map errors to exit codes.

Exit codes: 0 done, 1 the input is wrong (rules, roster) or ``--strict`` found something,
2 usage or I/O (missing file, unreadable, output exists without ``--force``).
Heavy imports happen inside the command that needs them, so ``--help`` starts fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from gesprekken_cli.errors import GesprekkenError

app = typer.Typer(
    name="gesprekken",
    help=(
        "De gesprekkencyclus van de school als data: controleer de regels, maak het plan per "
        "klas, agenda's (ICS), checklists en het jaaroverzicht.\n\n"
        "Exitcodes: 0 klaar, 1 fout in de invoer (regels, rooster) of --strict vond iets, "
        "2 gebruik of bestand (ontbreekt, onleesbaar, bestaat al zonder --force)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DEFAULT_RULES = Path("rules/cycle.yaml")


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
        typer.Argument(help="Regelbestanden (standaard rules/cycle.yaml).", show_default=False),
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
    from gesprekken_cli.validate import validate_file

    reports = [validate_file(path) for path in files or [DEFAULT_RULES]]
    output = render_problems(reports, fmt.value)
    if output:
        (sys.stdout if fmt.value != "text" else sys.stderr).write(output)
    if any(p.code == "io" for r in reports for p in r.errors):
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
    """Print het JSON-schema van het regelbestand (voor autocomplete in je editor)."""
    import json

    from gesprekken_cli.rules import Cycle

    document = Cycle.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "gesprekken: regelbestand (gesprekkencyclus)"
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def main() -> None:
    """Console entry point."""
    try:
        app()
    except GesprekkenError as error:
        fail(error)

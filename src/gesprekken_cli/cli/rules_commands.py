"""``validate`` and ``schema``: the commands about the rules file itself."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


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

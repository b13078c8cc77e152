"""The command line: parse arguments, build one request, call the core, print problems, exit.

One module per group of commands (:mod:`.rules_commands`, :mod:`.plan_commands`,
:mod:`.file_commands`), what they share in :mod:`.options`, the application and its entry in
:mod:`.app`. ``gesprekken_cli.cli:app`` is the typer application.
"""

from gesprekken_cli.cli.app import app, main

__all__ = ["app", "main"]

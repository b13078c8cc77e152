"""The ``gesprekken`` console script: the garbage collector set for one short run, then the CLI.

A run builds its objects once, keeps nearly all of them to the end and exits. CPython's cyclic
collector, left at its defaults, walks that growing heap again and again while the libraries
load and the plan is built, and once more at exit: 0.5 s of a whole board's 2.2 s and ~40 ms
of a single class's start-up. Collections are made rare (the setting mypy uses for the same
reason), and what is alive at the end is frozen so the collection at exit skips it. Memory
stays as it was (a board: ~170 MB either way).

Pydantic's plugins are turned off for the run (``PYDANTIC_DISABLE_PLUGINS``, unless the user set
it): we use none, and looking for them scans the metadata of every installed distribution when
the rules are validated (~14 M instructions, 1.4% of a plan after the rules changed). Typer does
the same while it builds its parameter types. The CLI starts no child process that would
inherit the setting.

Importing ``gesprekken_cli`` as a library changes neither; only this entry point does.
"""

import gc
import os


def main() -> None:
    """Console entry point (``gesprekken`` and ``python -m gesprekken_cli``)."""
    gc.set_threshold(200_000, 30, 30)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from gesprekken_cli.cli import main as run

    try:
        run()
    finally:
        gc.freeze()

"""The ``gesprekken`` console script: the garbage collector set for one short run, then the CLI.

A run builds its objects once, keeps nearly all of them to the end and exits. CPython's cyclic
collector, left at its defaults, walks that growing heap again and again while the libraries
load and the plan is built, and once more at exit: 0.5 s of a whole board's 2.2 s and ~40 ms
of a single class's start-up. Collections are made rare (the setting mypy uses for the same
reason), and what is alive at the end is frozen so the collection at exit skips it. Memory
stays as it was (a board: ~170 MB either way). Importing ``gesprekken_cli`` as a library
changes nothing; only this entry point does.
"""

import gc


def main() -> None:
    """Console entry point (``gesprekken`` and ``python -m gesprekken_cli``)."""
    gc.set_threshold(200_000, 30, 30)
    from gesprekken_cli.cli import main as run

    try:
        run()
    finally:
        gc.freeze()

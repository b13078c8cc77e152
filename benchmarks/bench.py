"""Time ``gesprekken`` whole-process, paired against the start-up floor of our own stack.

Runs A and B in turn (A B A B ...) after one warm-up, reads each finished child's own
accounting (``os.wait4``: wall time, peak RSS) and prints medians and the A/B ratio pair by
pair, so a drifting machine does not skew the comparison. Usage::

    python benchmarks/make_board.py
    python benchmarks/bench.py            # every case below, 7 pairs each
"""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
GESPREKKEN = str(BIN / "gesprekken")
PYTHON = str(BIN / "python")
FLOOR = [PYTHON, "-c", "import typer, yaml, rich.console; from pydantic import BaseModel"]
YEAR = ["-j", "2026-2027", "-f", "json", "-o", os.devnull, "--force"]
GROEP5 = [GESPREKKEN, "plan", str(HERE.parent / "examples" / "groep5.csv"), *YEAR]
# The same plan with the rules validated again, as on the first run after editing them.
COLD = {"GESPREKKEN_CACHE": "uit"}
BOARD_FILES = [str(HERE / "out" / "board.csv"), "-j", "2026-2027", "--force", "-o"]
CASES: dict[str, tuple[list[str], dict[str, str]]] = {
    "help": ([GESPREKKEN, "--help"], {}),
    "groep5": (GROEP5, {}),
    "groep5-koud": (GROEP5, COLD),
    "klas": ([GESPREKKEN, "plan", str(HERE / "out" / "class.csv"), *YEAR], {}),
    "school": ([GESPREKKEN, "plan", str(HERE / "out" / "school.csv"), *YEAR], {}),
    "bestuur": ([GESPREKKEN, "plan", str(HERE / "out" / "board.csv"), *YEAR], {}),
    # Many files: written into out/ (on disk, so the output layer's per-file fsync counts).
    "bestuur-ics": ([GESPREKKEN, "ics", *BOARD_FILES, str(HERE / "out" / "ics")], {}),
    "bestuur-uitnodigingen": (
        [GESPREKKEN, "uitnodigingen", *BOARD_FILES, str(HERE / "out" / "uitnodigingen")],
        {},
    ),
    # One round, as an office sends them (the issue's own example names a round).
    "bestuur-uitnodigingen-ronde": (
        [
            GESPREKKEN,
            "uitnodigingen",
            *BOARD_FILES,
            str(HERE / "out" / "ronde"),
            "--gesprek",
            "voortgangsgesprek",
        ],
        {},
    ),
}


def run(command: list[str], settings: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one whole process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(settings or {})},
    )
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{shlex.join(command)} failed (exit {os.waitstatus_to_exitcode(status)})")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def paired(a: list[str], settings: dict[str, str], b: list[str], runs: int) -> None:
    run(a, settings), run(b)
    pairs = [(run(a, settings), run(b)) for _ in range(runs)]
    wall_a = statistics.median(p[0][0] for p in pairs)
    wall_b = statistics.median(p[1][0] for p in pairs)
    ratio = statistics.median(p[0][0] / p[1][0] for p in pairs)
    peak = max(p[0][1] for p in pairs)
    print(
        f"{shlex.join([*(f'{k}={v}' for k, v in settings.items()), *a[1:3]])}: "
        f"{wall_a:.3f} s, floor {wall_b:.3f} s, "
        f"ratio {ratio:.2f}, peak {peak:.0f} MB"
    )


def main() -> None:
    runs = int(os.environ.get("RUNS", "7"))
    for name in sys.argv[1:] or list(CASES):
        print(name, end=": ")
        command, settings = CASES[name]
        paired(command, settings, FLOOR, runs)


if __name__ == "__main__":
    main()

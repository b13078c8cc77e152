"""Shared test support: paths of the shipped rules and examples, a CLI runner, golden files."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DUIF = ROOT / "rules" / "cycle.yaml"
OKG = ROOT / "examples" / "ouder-kindgesprekken.yaml"
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"
YEAR = "2026-2027"
TODAY = date(2026, 9, 1)  # "today" of the tests: inside YEAR


def check_golden(name: str, actual: str) -> None:
    """Compare with ``tests/golden/<name>``; ``GESPREKKEN_REGEN=1`` rewrites it (review!)."""
    path = GOLDEN / name
    if os.environ.get("GESPREKKEN_REGEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden file (GESPREKKEN_REGEN=1 to update)"

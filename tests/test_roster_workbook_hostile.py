"""Malformed workbooks (issue 18.3): each ends in exit 1 or 2 with a Dutch message, in under
10 s and 500 MB, quoting no more than 80 characters of a cell. Every file is built here."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from xlsx_files import hostile_workbooks

GNU_TIME = Path("/usr/bin/time")
SECONDS = 10.0
MEGABYTES = 500
ENGLISH = (
    "panicked",
    "backtrace",
    "Traceback",
    "zip file",
    "element",
    "Error",
    "error",
    "index",
    "not found",
    "syntax",
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    data = Path(__file__).parent / "data" / "workbooks"
    paths = {"xls-cel-in-de-verste-hoek": data / "hoek.xls", "xls-paniek": data / "paniek.xls"}
    for name, raw in hostile_workbooks().items():
        path = folder / (name + (".ods" if name.startswith("ods") else ".xlsx"))
        path.write_bytes(raw)
        paths[name] = path
    return paths


def run_bounded(path: Path) -> tuple[int, str, float, float]:
    """Exit code, output, wall seconds and peak memory (MB) of ``gesprekken rooster path``.

    With GNU time the peak is the child's own; without it, ``ru_maxrss`` of the child, which
    also counts this test process it was started from (too high, never too low)."""
    command = [sys.executable, "-m", "gesprekken_cli", "rooster", str(path), "-j", "2026-2027"]
    with tempfile.NamedTemporaryFile("r") as report:
        if GNU_TIME.exists():
            command = [str(GNU_TIME), "-o", report.name, "-f", "%M", *command]
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert child.stdout is not None
        output = child.stdout.read().decode()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        text = report.read().split()
    peak = int(text[-1]) / 1024 if text else usage.ru_maxrss / 1024
    return os.waitstatus_to_exitcode(status), output, seconds, peak


KINDS = (
    "kapotte-xml",
    "tekstindex-buiten-bereik",
    "werkblad-van-gigabytes",
    "liegende-zipgrootte",
    "miljoenen-teksten",
    "kopcel-van-megabytes",
    "cel-in-de-verste-hoek",
    "ods-herhaalde-cellen",
    "geen-zip",
    "xls-cel-in-de-verste-hoek",
    "xls-paniek",  # calamine panics: its English and backtrace must not reach the user
)


def test_every_kind_is_tested(hostile: dict[str, Path]) -> None:
    assert set(hostile) == set(KINDS)


@pytest.mark.parametrize("name", KINDS)
def test_malformed_workbook_ends_in_a_dutch_message_within_bounds(
    hostile: dict[str, Path], name: str
) -> None:
    code, output, seconds, peak = run_bounded(hostile[name])
    assert code in (1, 2), output
    assert seconds < SECONDS and peak < MEGABYTES, (seconds, peak)
    assert output.startswith(str(hostile[name]) + ":"), output
    message = output.replace(str(hostile[name]), "")
    assert not any(word in message for word in ENGLISH), output
    assert "A" * 81 not in output and len(output) < 1000

"""Output under stop signals and concurrent runs: the real console entry in a subprocess.

Writing is slowed down by a wrapper that patches ``output._create`` (no hook in the program),
so a signal or a second run reliably lands in the middle of writing.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import DUIF, EXAMPLES, YEAR
from typer.testing import CliRunner

from gesprekken_cli.cli import app

SLOW_ENTRY = """
import sys, time
import gesprekken_cli.output as output
real = output._create
delay = float(sys.argv[1])
def slow(folder, name, payload, mode):
    time.sleep(delay)
    real(folder, name, payload, mode)
output._create = slow
sys.argv = ["gesprekken", *sys.argv[2:]]
from gesprekken_cli.console import main
main()
"""


def start(roster: str, out: Path, *extra: str, delay: float = 0.05) -> subprocess.Popen[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "GESPREKKEN_CACHE": "uit"}
    args = ["ics", str(EXAMPLES / roster), "--out", str(out), "--rules", str(DUIF), "-j", YEAR]
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_ENTRY, str(delay), *args, *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def wait_for_temporary(parent: Path, process: subprocess.Popen[str]) -> None:
    """Until a temporary file or folder holds at least one written file."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        for entry in parent.rglob(".*.tmp"):
            if entry.is_file() or (entry.is_dir() and any(entry.iterdir())):
                return
        time.sleep(0.01)
    pytest.fail("no temporary output appeared")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_run_stopped_while_writing_a_new_folder_leaves_nothing(
    tmp_path: Path, signum: int
) -> None:
    parent = tmp_path / "uit"
    parent.mkdir()
    process = start("groep3.csv", parent / "agenda")
    wait_for_temporary(parent, process)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "Traceback" not in stderr
    assert list(parent.iterdir()) == []


def test_a_run_stopped_while_replacing_keeps_the_old_set_and_no_temporary_file(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "agenda"
    first = start("groep5.csv", folder, delay=0)
    assert first.wait(timeout=60) == 0, first.communicate()
    before = tree(folder)
    process = start("groep3.csv", folder, "--force")
    wait_for_temporary(tmp_path, process)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in stderr
    assert tree(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agenda"]


def test_two_concurrent_runs_into_one_new_folder_never_mix(tmp_path: Path) -> None:
    expected = {}
    for roster in ("groep3.csv", "groep5.csv"):
        alone = start(roster, tmp_path / f"alleen-{roster}", delay=0)
        assert alone.wait(timeout=60) == 0, alone.communicate()
        expected[roster] = tree(tmp_path / f"alleen-{roster}")
    parent = tmp_path / "samen"
    parent.mkdir()
    runs = {roster: start(roster, parent / "agenda", delay=0.03) for roster in expected}
    outcomes = {name: (run.communicate(timeout=120), run.returncode) for name, run in runs.items()}
    codes = sorted(code for _, code in outcomes.values())
    assert codes == [0, 2], outcomes
    (winner,) = [roster for roster, (_, code) in outcomes.items() if code == 0]
    (loser,) = [roster for roster, (_, code) in outcomes.items() if code == 2]
    assert "andere run gemaakt; deze run schreef niets" in outcomes[loser][0][1]
    assert tree(parent / "agenda") == expected[winner]
    assert sorted(p.name for p in parent.iterdir()) == ["agenda"]


def test_two_concurrent_forced_runs_into_one_folder_never_mix(tmp_path: Path) -> None:
    expected = {}
    for roster in ("groep3.csv", "groep5.csv"):
        alone = start(roster, tmp_path / f"alleen-{roster}", delay=0)
        assert alone.wait(timeout=60) == 0, alone.communicate()
        expected[roster] = tree(tmp_path / f"alleen-{roster}")
    folder = tmp_path / "agenda"
    folder.mkdir()
    runs = {roster: start(roster, folder, "--force", delay=0.03) for roster in expected}
    outcomes = {name: (run.communicate(timeout=120), run.returncode) for name, run in runs.items()}
    assert sorted(code for _, code in outcomes.values()) == [0, 2], outcomes
    (winner,) = [roster for roster, (_, code) in outcomes.items() if code == 0]
    assert tree(folder) == expected[winner]


def ics_args(out: Path, *extra: str) -> list[str]:
    return [
        "ics",
        str(EXAMPLES / "groep3.csv"),
        "-r",
        str(DUIF),
        "-j",
        YEAR,
        "-o",
        str(out),
        *extra,
    ]


@pytest.mark.parametrize("dangling", [True, False])
def test_ics_never_writes_through_a_planted_symlink(
    runner: CliRunner, tmp_path: Path, dangling: bool
) -> None:
    victim = tmp_path / "van-een-ander"
    victim.mkdir()
    if not dangling:
        (victim / "school.ics").write_text("niet van jou", encoding="utf-8")
    folder = tmp_path / "agenda"
    folder.mkdir()
    (folder / "school.ics").symlink_to(victim / "school.ics")
    result = runner.invoke(app, ics_args(folder))
    assert result.exit_code == 2, result.output
    assert "bestaat al: school.ics" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["school.ics"]
    result = runner.invoke(app, ics_args(folder, "--force"))
    assert result.exit_code == 0, result.output
    assert not (folder / "school.ics").is_symlink()
    assert (folder / "school.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    expected = [] if dangling else ["school.ics"]
    assert [p.name for p in victim.iterdir()] == expected
    if not dangling:
        assert (victim / "school.ics").read_text(encoding="utf-8") == "niet van jou"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agenda", "van-een-ander"]


def test_ics_out_being_a_symlink_replaces_the_link_not_its_target(
    runner: CliRunner, tmp_path: Path
) -> None:
    victim = tmp_path / "van-een-ander"
    victim.mkdir()
    link = tmp_path / "agenda"
    link.symlink_to(victim, target_is_directory=True)
    result = runner.invoke(app, ics_args(link))
    assert result.exit_code == 2 and "symbolische koppeling" in result.stderr
    assert runner.invoke(app, ics_args(link, "--force")).exit_code == 0
    assert not link.is_symlink() and (link / "school.ics").is_file()
    assert list(victim.iterdir()) == []


def test_plan_out_never_writes_through_a_symlink(runner: CliRunner, tmp_path: Path) -> None:
    victim = tmp_path / "van-een-ander.json"
    victim.write_text("niet van jou", encoding="utf-8")
    link = tmp_path / "plan.json"
    link.symlink_to(victim)
    args = ["plan", str(EXAMPLES / "groep3.csv"), "-r", str(DUIF), "-j", YEAR, "-f", "json"]
    result = runner.invoke(app, [*args, "-o", str(link)])
    assert result.exit_code == 2 and "bestaat al" in result.stderr
    assert runner.invoke(app, [*args, "-o", str(link), "--force"]).exit_code == 0
    assert victim.read_text(encoding="utf-8") == "niet van jou"
    assert not link.is_symlink() and link.read_text(encoding="utf-8").startswith("[")


def test_plan_out_honours_umask_077(runner: CliRunner, tmp_path: Path) -> None:
    args = ["plan", str(EXAMPLES / "groep3.csv"), "-r", str(DUIF), "-j", YEAR, "-f", "json"]
    old = os.umask(0o077)
    try:
        assert runner.invoke(app, [*args, "-o", str(tmp_path / "plan.json")]).exit_code == 0
        assert runner.invoke(app, ics_args(tmp_path / "agenda")).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "plan.json").stat().st_mode) == 0o600
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "agenda").iterdir()}
    assert modes == {0o600}

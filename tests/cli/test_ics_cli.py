"""`gesprekken ics` end to end on the shipped rules and the groep 5 example."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
import vobject
from support import DUIF, EXAMPLES, YEAR, request
from typer.testing import CliRunner, Result

from gesprekken_cli import output
from gesprekken_cli.cli import app
from gesprekken_cli.plan import make_plan

GROEP5 = EXAMPLES / "groep5.csv"
EPOCH = {"SOURCE_DATE_EPOCH": "1785576600"}  # 2026-08-01 09:30 UTC


def run(runner: CliRunner, out: Path, *extra: str, year: str = YEAR) -> Result:
    return runner.invoke(
        app, ["ics", str(GROEP5), "-r", str(DUIF), "-j", year, "--out", str(out), *extra], env=EPOCH
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_groep5_writes_all_calendars_with_every_conversation(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        ["ics", str(GROEP5), "-r", str(DUIF), "-j", YEAR, "--out", str(tmp_path / "agenda")],
        env=EPOCH,
    )
    assert result.exit_code == 0, result.output
    assert "Geschreven:" in result.stderr
    files = snapshot(tmp_path / "agenda")
    index = files.pop("index.csv").decode("utf-8-sig").splitlines()
    assert len(index) == len(files) + 1  # a row per calendar under the header
    kinds = {name.split("-")[0].removesuffix(".ics") for name in files}
    assert kinds == {"leerkracht", "gezin", "klas", "school"}
    assert {"klas-5a.ics", "school.ics", "leerkracht-anna-de-boer.ics"} <= set(files)
    plan = make_plan(request(GROEP5, DUIF))
    seen: set[str] = set()
    for name, data in files.items():
        cal = vobject.readOne(data.decode("utf-8"))  # the independent parser
        assert cal.method.value == "PUBLISH", name
        for event in cal.contents.get("vevent", []):
            seen.add(unquote(event.uid.value.rsplit("@", 1)[0]))
    conversations = {c.uid for c in plan.conversations}
    assert conversations <= seen
    assert len(seen & conversations) == len(plan.conversations)
    assert all(u.startswith("studiedag.") for u in seen - conversations)


def test_existing_calendars_are_replaced_only_with_force(runner: CliRunner, tmp_path: Path) -> None:
    assert run(runner, tmp_path).exit_code == 0
    before = snapshot(tmp_path)
    (tmp_path / "school.ics").write_bytes(b"oud")
    again = run(runner, tmp_path)
    assert again.exit_code == 2
    assert "--force" in again.stderr
    assert (tmp_path / "school.ics").read_bytes() == b"oud"
    forced = run(runner, tmp_path, "--force")
    assert forced.exit_code == 0
    assert snapshot(tmp_path) == before  # pinned DTSTAMP: byte-identical re-export


def test_failed_run_leaves_previous_calendars_as_they_were(
    runner: CliRunner, tmp_path: Path
) -> None:
    assert run(runner, tmp_path).exit_code == 0
    (tmp_path / "school.ics").unlink()
    (tmp_path / "school.ics").mkdir()  # the last file written cannot be replaced
    before = snapshot(tmp_path)
    result = run(runner, tmp_path, "--force", year="2027-2028")
    assert result.exit_code == 2
    assert snapshot(tmp_path) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_per_selects_calendars(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, tmp_path, "--per", "school,klas")
    assert result.exit_code == 0
    assert sorted(snapshot(tmp_path)) == ["index.csv", "klas-5a.ics", "school.ics"]


def test_unknown_per_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, tmp_path / "agenda", "--per", "ouders")
    assert result.exit_code == 2
    assert "--per: onbekend: ouders" in result.stderr
    assert not (tmp_path / "agenda").exists()


def test_missing_roster_exits_2_without_writing(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ics", str(tmp_path / "nergens.csv"), "-j", YEAR, "--out", str(tmp_path / "a")]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "a").exists()


def test_failure_midway_restores_calendars_already_written(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(runner, tmp_path).exit_code == 0
    before = snapshot(tmp_path)
    real = output._create

    def disk_full(folder: object, name: str, payload: bytes, mode: int) -> None:
        if name.startswith(".school.ics."):
            raise OSError(28, "No space left on device")
        real(folder, name, payload, mode)

    monkeypatch.setattr(output, "_create", disk_full)
    result = run(runner, tmp_path, "--force", year="2027-2028")
    assert result.exit_code == 2
    assert "schijf vol" in result.stderr
    assert snapshot(tmp_path) == before

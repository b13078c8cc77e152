"""The rules file's own warnings reach every plan command (issue 14.4), cold or from the cache.

``validate`` printed ``geen-schooldag`` for a rules file that ``plan`` then used in silence,
even with ``--strict``: :func:`~gesprekken_cli.rules.load_rules` kept the cycle and dropped
the warnings, and the rules cache stored none.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import DUIF, EXAMPLES, YEAR
from typer.testing import CliRunner

from gesprekken_cli.cli import app
from gesprekken_cli.rules.validate import check_rules

GROEP5 = EXAMPLES / "groep5.csv"


@pytest.fixture
def christmas_rules(tmp_path: Path) -> Path:
    """The shipped rules with an event moved onto Christmas day: valid, one warning."""
    text = DUIF.read_text(encoding="utf-8")
    moved = text.replace(
        "uitslag-doorstroomtoets: 2027-03-25", "uitslag-doorstroomtoets: 2026-12-25"
    )
    assert moved != text
    path = tmp_path / "kerst.yaml"
    path.write_text(moved, encoding="utf-8")
    return path


def validate_lines(path: Path) -> list[str]:
    """The warnings as ``validate`` prints them (FILE:LINE:COL: key: waarschuwing: ...)."""
    report = check_rules(path.read_bytes(), str(path))
    assert not report.errors
    return [w.render() for w in report.warnings]


@pytest.fixture(params=["koud", "warm"])
def cache_mode(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> str:
    """``koud``: no cache (GESPREKKEN_CACHE=uit); ``warm``: a fresh cache filled first."""
    if request.param == "koud":
        monkeypatch.setenv("GESPREKKEN_CACHE", "uit")
    else:
        monkeypatch.setenv("GESPREKKEN_CACHE", str(tmp_path / "cache"))
    return str(request.param)


def _warm_up(cache_mode: str, rules: Path) -> None:
    from gesprekken_cli.rules import load_rules

    load_rules(rules)
    if cache_mode == "warm":
        assert any(Path(p) for p in (rules.parent / "cache").glob("regels-*.pickle"))


def test_read_rules_gives_the_warnings_validate_gives_cold_and_warm(
    christmas_rules: Path, cache_mode: str
) -> None:
    from gesprekken_cli.rules import read_rules

    expected = validate_lines(christmas_rules)
    assert [line.endswith("[geen-schooldag]") for line in expected] == [True]
    _warm_up(cache_mode, christmas_rules)
    name, _, warnings = read_rules(christmas_rules)
    assert name == str(christmas_rules)
    assert [w.render() for w in warnings] == expected
    assert all(w.severity == "warning" for w in warnings)


def test_a_cached_warning_is_named_as_this_run_names_the_rules_file(
    christmas_rules: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One cache entry per file: read under another spelling, its warnings use that one."""
    from gesprekken_cli.rules import read_rules

    monkeypatch.setenv("GESPREKKEN_CACHE", str(tmp_path / "cache"))
    read_rules(christmas_rules)
    monkeypatch.chdir(christmas_rules.parent)
    _, _, warnings = read_rules(Path(christmas_rules.name))
    assert [w.file for w in warnings] == [christmas_rules.name]


def test_plan_prints_the_rules_warnings_and_strict_counts_them(
    runner: CliRunner, christmas_rules: Path, cache_mode: str, tmp_path: Path
) -> None:
    _warm_up(cache_mode, christmas_rules)
    expected = validate_lines(christmas_rules)
    summary = tmp_path / "samenvatting.json"
    args = ["plan", str(GROEP5), "-r", str(christmas_rules), "-j", YEAR, "-f", "json"]
    result = runner.invoke(app, [*args, "--samenvatting", str(summary)])
    assert result.exit_code == 0, result.output
    assert all(line in result.stderr.splitlines() for line in expected), result.stderr
    codes = [m["code"] for m in json.loads(summary.read_text(encoding="utf-8"))["meldingen"]]
    assert "geen-schooldag" in codes
    assert runner.invoke(app, [*args, "--strict"]).exit_code == 1
    # the shipped rules have no warning: the same plan is no strict failure
    plain = runner.invoke(app, ["plan", str(GROEP5), "-r", str(DUIF), "-j", YEAR, "--strict"])
    assert plain.exit_code == 0, plain.output


@pytest.mark.parametrize("command", ["ics", "checklist"])
def test_file_commands_print_the_rules_warnings_and_strict_counts_them(
    runner: CliRunner, christmas_rules: Path, cache_mode: str, tmp_path: Path, command: str
) -> None:
    _warm_up(cache_mode, christmas_rules)
    expected = validate_lines(christmas_rules)
    args = [command, str(GROEP5), "-r", str(christmas_rules), "-j", YEAR]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "uit")])
    assert result.exit_code == 0, result.output
    assert all(line in result.stderr.splitlines() for line in expected), result.stderr
    strict = runner.invoke(app, [*args, "--out", str(tmp_path / "streng"), "--strict"])
    assert strict.exit_code == 1, strict.output


def test_uitnodigingen_prints_the_rules_warnings(
    runner: CliRunner, christmas_rules: Path, cache_mode: str, tmp_path: Path
) -> None:
    _warm_up(cache_mode, christmas_rules)
    args = ["uitnodigingen", str(GROEP5), "-r", str(christmas_rules), "-j", YEAR]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "uit")])
    assert result.exit_code == 0, result.output
    assert all(line in result.stderr.splitlines() for line in validate_lines(christmas_rules))


@pytest.mark.parametrize("with_roster", [False, True])
def test_overzicht_counts_the_rules_warnings_under_strict(
    runner: CliRunner, christmas_rules: Path, cache_mode: str, with_roster: bool
) -> None:
    _warm_up(cache_mode, christmas_rules)
    args = ["overzicht", "-r", str(christmas_rules), "-j", YEAR]
    if with_roster:
        args += ["--rooster", str(GROEP5)]
    result = runner.invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "25-12-2026 is geen schooldag" in result.output
    assert runner.invoke(app, [*args, "--strict"]).exit_code == 1

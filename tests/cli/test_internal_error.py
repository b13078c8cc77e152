"""A bug is not bad input: one Dutch line, exit 3, no traceback and no roster data."""

from __future__ import annotations

import pytest
from support import DUIF, EXAMPLES, YEAR
from typer.testing import CliRunner

from gesprekken_cli import plan
from gesprekken_cli.cli import app

ARGS = ["plan", str(EXAMPLES / "groep3.csv"), "-r", str(DUIF), "-j", YEAR, "-f", "json"]


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch) -> None:
    def fault(*args: object, **kwargs: object) -> None:
        raise KeyError("Ruben Smit")

    monkeypatch.setattr(plan, "build_plan", fault)


@pytest.mark.usefixtures("broken")
def test_an_unexpected_exception_is_one_dutch_line_and_exit_3(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GESPREKKEN_DEBUG", raising=False)
    result = runner.invoke(app, ARGS)
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert "interne fout (KeyError)" in line and "fout in het programma" in line
    assert "Meld het op https://" in line and "GESPREKKEN_DEBUG=1" in line
    assert "Ruben" not in result.output


@pytest.mark.usefixtures("broken")
def test_gesprekken_debug_shows_the_exception(runner: CliRunner) -> None:
    result = runner.invoke(app, ARGS, env={"GESPREKKEN_DEBUG": "1"})
    assert isinstance(result.exception, KeyError)


def test_exit_3_is_documented_in_help_and_readme(runner: CliRunner) -> None:
    from support import ROOT

    help_text = " ".join(runner.invoke(app, ["--help"]).output.split())
    assert "3 een fout in het programma zelf" in help_text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| 3 | een fout in het programma zelf" in readme

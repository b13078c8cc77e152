"""A bug is not bad input: one Dutch line, exit 3, no traceback and no roster data."""

from __future__ import annotations

import sys

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
    assert "GESPREKKEN_DEBUG=1" in line and "Ruben" not in result.output
    # no placeholder or invented address: the school's own support is asked
    assert "Meld het aan wie gesprekken voor uw school installeert of beheert" in line
    assert "http" not in line and "@" not in line and "JOUW" not in line


@pytest.mark.usefixtures("broken")
def test_gesprekken_debug_shows_the_traceback_and_still_exits_3(runner: CliRunner) -> None:
    result = runner.invoke(app, ARGS, env={"GESPREKKEN_DEBUG": "1"})
    assert result.exit_code == 3
    assert "Traceback" in result.stderr and "KeyError: 'Ruben Smit'" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("gesprekken: interne fout (KeyError)")


@pytest.mark.usefixtures("broken")
@pytest.mark.parametrize("debug", ["", "1"])
def test_the_console_entry_exits_3_with_and_without_debug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], debug: str
) -> None:
    """The console script, not only the command group: with GESPREKKEN_DEBUG=1 the exception
    escaped ``main`` and Python ended with exit 1."""
    from gesprekken_cli.cli.app import main

    monkeypatch.setenv("GESPREKKEN_DEBUG", debug)
    monkeypatch.setattr(sys, "argv", ["gesprekken", *ARGS])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 3
    err = capsys.readouterr().err
    assert ("Traceback" in err) == (debug == "1")
    assert "interne fout (KeyError)" in err


def test_exit_3_is_documented_in_help_and_readme(runner: CliRunner) -> None:
    from support import ROOT

    help_text = " ".join(runner.invoke(app, ["--help"]).output.split())
    assert "3 een fout in het programma zelf" in help_text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| 3 | een fout in het programma zelf" in readme


def test_an_input_error_outside_a_command_keeps_its_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A GesprekkenError that reaches ``main`` itself (not raised inside a command) ended as
    an uncaught ``typer.Exit``: a traceback and exit 1 instead of its message and code."""
    import importlib

    from gesprekken_cli.errors import GesprekkenError, Problem

    module = importlib.import_module("gesprekken_cli.cli.app")

    def refuse() -> None:
        raise GesprekkenError([Problem("regels.yaml", "kapot")], exit_code=2)

    monkeypatch.setattr(module, "app", refuse)
    with pytest.raises(SystemExit) as stopped:
        module.main()
    assert stopped.value.code == 2
    assert capsys.readouterr().err == "regels.yaml: kapot\n"

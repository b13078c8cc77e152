"""The console entry point: the group it builds per run, and a real process end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support import EXAMPLES, ROOT, YEAR

from gesprekken_cli.cli import app

ALL = [
    "validate",
    "schema",
    "plan",
    "overzicht",
    "rooster",
    "checklist",
    "ics",
    "uitnodigingen",
    "dag",
]


def test_every_command_is_registered_once_in_order() -> None:
    names = [info.callback.__name__ for info in app.registered_commands if info.callback]
    assert names == ALL


def test_the_installed_entry_point_plans_a_class(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    command = [sys.executable, "-m", "gesprekken_cli", "plan", str(EXAMPLES / "groep5.csv")]
    done = subprocess.run(
        [*command, "-j", YEAR, "-f", "json", "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text("utf-8").count('"gesprek"') == 91


def test_the_entry_point_reports_an_unknown_command_with_a_suggestion() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gesprekken_cli", "plann"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "plan" in done.stderr
    assert "Traceback" not in done.stderr


def test_importing_the_cli_leaves_the_garbage_collector_alone() -> None:
    """Only the console script tunes the collector; a library user keeps Python's defaults."""
    show = "import gc; print(gc.get_threshold(), gc.get_freeze_count())"

    def run(code: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout

    assert run("import gesprekken_cli.cli; " + show) == run(show)


def test_only_the_console_script_turns_pydantic_plugins_off() -> None:
    show = "import os; print(os.environ.get('PYDANTIC_DISABLE_PLUGINS'))"
    run = "from gesprekken_cli import console\n"
    run += "try:\n    console.main()\nexcept SystemExit:\n    pass\n"

    def output(code: str, **env: str) -> str:
        environment = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
        return subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**environment, **env},
        ).stdout.splitlines()[-1]

    assert output("import gesprekken_cli.cli; " + show) == "None"
    assert output("import sys; sys.argv = ['gesprekken', '--help']\n" + run + show) == "__all__"
    own = "import sys; sys.argv = ['gesprekken', '--help']\n" + run + show
    assert output(own, PYDANTIC_DISABLE_PLUGINS="logfire") == "logfire"


def test_the_console_script_sets_the_collector_for_one_run() -> None:
    code = (
        "import gc, sys\n"
        "from gesprekken_cli import console\n"
        "sys.argv = ['gesprekken', '--help']\n"
        "try:\n    console.main()\nexcept SystemExit:\n    pass\n"
        "print(gc.get_threshold(), gc.get_freeze_count() > 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "(200000, 30, 30) True"


def test_a_run_that_names_its_command_gets_the_same_command_alone() -> None:
    """The entry point builds only the named command; its help and usage stay the same."""
    from typer.testing import CliRunner

    from gesprekken_cli.cli.app import COMMANDS, application

    runner = CliRunner()
    for command in COMMANDS:
        alone = application([command])
        assert [info.callback for info in alone.registered_commands] == [command]
        name = command.__name__
        whole = runner.invoke(app, [name, "--help"], prog_name="gesprekken")
        single = runner.invoke(alone, [name, "--help"], prog_name="gesprekken")
        assert (single.exit_code, single.output) == (whole.exit_code, whole.output)
        assert single.output.startswith(f"Gebruik: gesprekken {name}")

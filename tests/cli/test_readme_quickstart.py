"""The README's quick start works as typed from the repository root (issue 19.2)."""

from __future__ import annotations

import shlex
import shutil
import tomllib
from pathlib import Path

import pytest
from support import ROOT
from typer.testing import CliRunner

from gesprekken_cli.cli import app


def quick_start_commands() -> list[list[str]]:
    """Every ``gesprekken …`` line of the indented block under "Snel aan de slag"."""
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("## Snel aan de slag", 1)[1].split("\n## ", 1)[0]
    block = section.split("Daarna, met de omgeving actief", 1)[1]
    lines = [line.strip() for line in block.splitlines() if line.startswith("    gesprekken ")]
    return [shlex.split(line.split("#", 1)[0])[1:] for line in lines]


def test_the_quick_start_has_the_commands() -> None:
    commands = quick_start_commands()
    assert [c[0] for c in commands] == [
        "plan",
        "plan",
        "validate",
        "ics",
        "checklist",
        "overzicht",
        "rooster",
    ]


@pytest.mark.parametrize("args", quick_start_commands(), ids=" ".join)
def test_a_quick_start_command_works_as_typed(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output


def test_pyproject_license_is_an_spdx_string_setuptools_reads() -> None:
    """A license table makes setuptools ≥ 77 warn on every install; the string needs ≥ 77."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["license"] == "MIT"
    assert project["build-system"]["requires"] == ["setuptools>=77"]


def test_make_run_echoes_no_recipe_lines() -> None:
    """`make run` from a fresh clone: one line for the set-up, then the plan (issue 19.2)."""
    makefile = (ROOT / "Makefile").read_text("utf-8")
    recipe: list[str] = []
    target = None
    for line in makefile.splitlines():
        if line and not line.startswith("\t"):
            target = line.split(":", 1)[0]
        elif line.startswith("\t") and target in {"$(STAMP)", "run"}:
            recipe.append(line)
    assert recipe and all(line.startswith("\t@") for line in recipe)
    assert sum("echo" in line for line in recipe) == 2

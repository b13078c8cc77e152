"""The frame around our text is Dutch too: help headings, usage, usage errors (issue 19.1)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT
from typer.testing import CliRunner

from gesprekken_cli import __version__
from gesprekken_cli.cli import app
from gesprekken_cli.i18n import translate

# What typer 0.29 and its click write in English where a user can see it (help frame, usage,
# usage errors, type names in the help). None of it may reach our output.
ENGLISH = (
    "Usage",
    "Options",
    "OPTIONS",
    "Arguments",
    "ARGS",
    "Commands",
    "COMMAND",
    "Show this message",
    "and exit",
    "Missing",
    "Invalid value",
    "Try",
    "for help",
    "Error",
    "required",
    "default",
    "No such",
    "Possible options",
    "Choose from",
    "is not one of",
    "Value error",
    "Got unexpected",
    "requires",
    "does not take",
    "Aborted",
    "env var",
    "<path>",
    "<str>",
    "list[",
    "{roster}",
    "Did you mean",
)
# every command the application has, so a new one is checked too
COMMANDS = [
    info.name or info.callback.__name__ for info in app.registered_commands if info.callback
]


def english_in(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_the_word_list_finds_what_typer_wrote_before() -> None:
    before = "Usage: gesprekken plan [OPTIONS] {roster}\nError: Missing argument 'roster'."
    assert set(english_in(before)) == {"Usage", "OPTIONS", "Error", "Missing", "{roster}"}


def test_no_argument_is_a_dutch_usage_error() -> None:
    code, output = run("plan")
    assert code == 2
    assert "Gebruik: gesprekken plan [OPTIES] ROOSTER" in output
    assert "Ontbrekend argument 'ROOSTER'" in output
    assert "Probeer 'gesprekken plan --help' voor hulp." in output
    assert english_in(output) == []


def test_an_unknown_format_names_the_choices_in_dutch() -> None:
    code, output = run("plan", "x.csv", "--format", "xml")
    assert code == 2
    assert "Ongeldige waarde voor '--format'" in output
    assert "'xml' kan niet; kies uit 'table', 'json', 'csv', 'md'" in output
    assert english_in(output) == []


@pytest.mark.parametrize(
    ("args", "dutch"),
    [
        (["plann"], "Onbekend commando 'plann'. Bedoel je 'plan'?"),
        (["plan", "x.csv", "--bogus"], "Onbekende optie: --bogus"),
        (["plan", "x.csv", "--out"], "Optie '--out' verwacht een waarde"),
        (["plan", "x.csv", "y.csv"], "Onverwacht extra argument (y.csv)"),
        (["checklist", "x.csv"], "Ontbrekende optie '--out' / '-o'"),
        (["validate", "--strict=ja"], "Optie '--strict' neemt geen waarde"),
    ],
)
def test_other_usage_errors_are_dutch(args: list[str], dutch: str) -> None:
    code, output = run(*args)
    assert code == 2
    assert dutch in output
    assert english_in(output) == []


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_help_page_is_dutch(command: list[str], flag: str) -> None:
    code, output = run(*command, flag)
    assert code == 0
    assert output.startswith("Gebruik: gesprekken")
    assert "Toon deze hulp en stop." in output
    assert english_in(output) == []


def test_every_command_is_checked() -> None:
    assert {"validate", "plan", "ics", "uitnodigingen", "dag"} <= set(COMMANDS)


def test_no_arguments_at_all_show_the_dutch_help() -> None:
    code, output = run()
    assert code == 2
    assert "Commando's:" in output and "Opties:" in output
    assert english_in(output) == []


def test_version() -> None:
    code, output = run("--version")
    assert (code, output) == (0, f"gesprekken {__version__}\n")


def test_the_console_script_speaks_dutch_too() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gesprekken_cli", "plan"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Ontbrekend argument 'ROOSTER'" in done.stderr
    assert english_in(done.stdout + done.stderr) == []


def test_unknown_text_passes_unchanged_and_values_inside_are_translated() -> None:
    assert translate("iets eigens") == "iets eigens"
    assert translate("Invalid value for '-x': Value error, 'a' is not one of 'b', 'c'.") == (
        "Ongeldige waarde voor '-x': 'a' kan niet; kies uit 'b', 'c'."
    )


def test_tab_completion_as_the_readme_sets_it_up() -> None:
    """README "Aanvullen met Tab": the script the shell sources, then one completion."""
    console = [str(Path(sys.executable).with_name("gesprekken"))]
    script = subprocess.run(
        console,
        env={**os.environ, "_GESPREKKEN_COMPLETE": "source_bash"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "complete -o default -F _gesprekken_completion gesprekken" in script
    done = subprocess.run(
        console,
        env={
            **os.environ,
            "_GESPREKKEN_COMPLETE": "complete_bash",
            "COMP_WORDS": "gesprekken plan --format ",
            "COMP_CWORD": "3",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["table", "json", "csv", "md"]


@pytest.mark.parametrize(
    ("xml", "dutch"),
    [
        ('<?xml version="1.0"?>\n<EDEX><leerlingen>', "geen element gevonden"),
        ('<?xml version="1.0"?>\n<EDEX><a></EDEX>', "sluittag past niet bij de openingstag"),
        ('<?xml version="1.0"?>\n<EDEX></EDEX>\n<extra/>', "tekst na het einde van het document"),
        ('<?xml version="1.0"?>\n<EDEX', "niet afgesloten"),
    ],
)
def test_the_xml_readers_complaint_about_an_edexml_file_is_dutch(
    xml: str, dutch: str, tmp_path: Path
) -> None:
    """Issue 19.1: library messages that reach the user in Dutch ("no element found")."""
    path = tmp_path / "EDEX.XML"
    path.write_text(xml, encoding="utf-8")
    result = CliRunner().invoke(app, ["rooster", str(path)])
    assert result.exit_code == 1
    assert f"geen geldige XML: {dutch}" in result.output
    assert re.search(r"EDEX\.XML:\d+:\d+: ", result.output)


def test_an_unknown_xml_complaint_says_whose_it_is() -> None:
    from gesprekken_cli.i18n import XML_ERRORS, xml_error

    assert xml_error("no element found") == XML_ERRORS["no element found"]
    assert xml_error("iets nieuws") == "fout van de XML-lezer: iets nieuws"


@pytest.mark.parametrize(
    ("text", "dutch"),
    [
        ("a: [1,\n", "waarde verwacht"),
        ('a: "x\\q"\n', "onbekend teken na '\\' tussen dubbele aanhalingstekens"),
        ("a: &\n", "naam verwacht na '&' of '*'"),
    ],
)
def test_the_yaml_readers_complaint_about_a_rules_file_is_dutch(
    text: str, dutch: str, tmp_path: Path
) -> None:
    path = tmp_path / "cycle.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"ongeldige YAML: {dutch}" in result.output

"""Validation of rules files: bad-input cases from tests/data/bad/rules, the shipped files,
output formats, random mutations (never a traceback) and coverage of both seeds."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gesprekken_cli.cli import app
from gesprekken_cli.rules.validate import check_rules
from gesprekken_cli.rules.yaml import MAX_BYTES

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad" / "rules"
CYCLE = ROOT / "rules" / "cycle.yaml"
EXAMPLE = ROOT / "examples" / "ouder-kindgesprekken.yaml"
SHIPPED = (CYCLE, EXAMPLE)

runner = CliRunner()

# Cases whose input is made here rather than committed (too big for the repository).
GENERATED: dict[str, Callable[[], bytes]] = {
    "te-groot": lambda: b"# opvulling\n" * (MAX_BYTES // 12 + 10),
}


@dataclass(frozen=True)
class Expected:
    """One expected problem: ``line``/``column`` None means "no position"."""

    line: int | None
    column: int | None
    key: str
    text: str
    code: str

    def prefix(self, file: str) -> str:
        where = file if self.line is None else f"{file}:{self.line}:{self.column}"
        return f"{where}: {self.key}: " if self.key else f"{where}: "


_EXPECTED_LINE = re.compile(r"^(?:(?P<line>\d+):(?P<col>\d+)|-): (?P<key>\S*): (?P<text>.*)$")
_CODE = re.compile(r"\s*\[(?P<code>[a-z-]+)\]$")


def read_expected(path: Path) -> tuple[int, list[Expected]]:
    """``exit N`` then ``LINE:COL: key: message-substring [code]`` lines (``-`` = no position,
    empty key allowed); lines starting with ``#`` are comments."""
    exit_code: int | None = None
    problems: list[Expected] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("exit "):
            exit_code = int(line.split()[1])
            continue
        match = _EXPECTED_LINE.match(line)
        assert match, f"{path.name}: onleesbare regel {raw!r}"
        text = match["text"]
        code_match = _CODE.search(text)
        code = code_match["code"] if code_match else ""
        if code_match:
            text = text[: code_match.start()]
        problems.append(
            Expected(
                int(match["line"]) if match["line"] else None,
                int(match["col"]) if match["col"] else None,
                match["key"],
                text,
                code,
            )
        )
    assert exit_code is not None, f"{path.name}: 'exit N' ontbreekt"
    return exit_code, problems


def bad_cases() -> list[str]:
    return sorted(path.name.removesuffix(".expected") for path in BAD.glob("*.expected"))


def case_input(name: str, tmp_path: Path) -> Path:
    if name in GENERATED:
        path = tmp_path / f"{name}.yaml"
        path.write_bytes(GENERATED[name]())
        return path
    path = BAD / f"{name}.yaml"
    assert path.exists(), f"{name}.expected heeft geen {name}.yaml ernaast"
    return path


def assert_no_traceback(output: str) -> None:
    assert "Traceback" not in output
    assert "Error:" not in output  # an English exception name leaking through


@pytest.mark.parametrize("name", bad_cases())
def test_bad_rules_file(name: str, tmp_path: Path) -> None:
    exit_code, expected = read_expected(BAD / f"{name}.expected")
    path = case_input(name, tmp_path)
    file = str(path)

    result = runner.invoke(app, ["validate", file])

    assert_no_traceback(result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == exit_code, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(file)]
    for item in expected:
        matching = [
            line
            for line in lines
            if line.startswith(item.prefix(file))
            and item.text in line
            and (not item.code or line.endswith(f" [{item.code}]"))
        ]
        assert matching, f"niet gevonden: {item}\nuitvoer:\n{result.output}"
    assert len(lines) == len(expected), f"andere meldingen dan verwacht:\n{result.output}"


def test_every_bad_input_has_an_expected_file() -> None:
    inputs = {p.stem for p in BAD.glob("*.yaml")}
    assert inputs <= set(bad_cases())
    assert set(GENERATED) <= set(bad_cases())


# --- I/O faults: exit 2 ---


def test_missing_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "bestaat-niet.yaml"
    result = runner.invoke(app, ["validate", str(missing)])
    assert result.exit_code == 2
    assert f"{missing}: bestand bestaat niet" in result.output
    assert_no_traceback(result.output)


def test_directory_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "is een map" in result.output


def test_io_fault_wins_over_invalid_content(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(BAD / "groep-9.yaml"), str(tmp_path / "weg.yaml")])
    assert result.exit_code == 2
    assert "groep 9 bestaat niet" in result.output
    assert "bestand bestaat niet" in result.output


def test_unknown_format_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate", "--format", "xml", str(CYCLE)])
    assert result.exit_code == 2


# --- the shipped files ---


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_file_is_valid(path: Path) -> None:
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "In orde" in result.stdout


def test_default_file_is_rules_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "rules/cycle.yaml" in result.stdout


def test_de_duif_has_no_warnings() -> None:
    report = check_rules(CYCLE.read_bytes(), str(CYCLE))
    assert report.problems == []


def test_second_seed_warns_about_groep_7_in_february() -> None:
    report = check_rules(EXAMPLE.read_bytes(), str(EXAMPLE))
    assert report.errors == []
    codes = {p.code for p in report.warnings}
    assert codes == {"groep-ontbreekt", "geen-verplicht-gesprek"}
    for warning in report.warnings:
        assert "groep 7" in warning.message
    missing = next(p for p in report.warnings if p.code == "groep-ontbreekt")
    assert "4/5/6/8" in missing.message
    assert "februari" in missing.message
    text = EXAMPLE.read_text(encoding="utf-8").splitlines()
    assert text[missing.line - 1].strip() == "groepen: 4/5/6/8"  # type: ignore[operator]


def test_strict_turns_warnings_into_exit_1() -> None:
    loose = runner.invoke(app, ["validate", str(EXAMPLE)])
    strict = runner.invoke(app, ["validate", "--strict", str(EXAMPLE)])
    assert loose.exit_code == 0
    assert "2 waarschuwingen" in loose.stdout
    assert strict.exit_code == 1
    assert "waarschuwing: groep 7 ontbreekt in 4/5/6/8 (februari)" in strict.output


def test_strict_on_a_clean_file_exits_0() -> None:
    assert runner.invoke(app, ["validate", "--strict", str(CYCLE)]).exit_code == 0


# --- output formats ---


def test_json_format_has_all_fields() -> None:
    result = runner.invoke(
        app, ["validate", "--format", "json", str(EXAMPLE), str(BAD / "gecombineerd.yaml")]
    )
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert len(items) == 5
    for item in items:
        assert set(item) == {"bestand", "regel", "kolom", "sleutel", "melding", "code", "ernst"}
        assert item["ernst"] in {"fout", "waarschuwing"}
    first = next(i for i in items if i["code"] == "dubbele-sleutel")
    assert first["regel"] == 14
    assert first["kolom"] == 5
    assert first["sleutel"] == "gesprekken[0].deelnemers"
    assert first["ernst"] == "fout"


def test_json_format_on_a_clean_file_is_an_empty_list() -> None:
    result = runner.invoke(app, ["validate", "--format", "json", str(CYCLE)])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


_GITHUB = re.compile(
    r"^::(error|warning) file=[^,:]+,line=\d+,col=\d+,title=gesprekken [a-z-]+::\S.*$"
)


def test_github_format_is_workflow_annotations() -> None:
    result = runner.invoke(
        app, ["validate", "--format", "github", str(EXAMPLE), str(BAD / "gecombineerd.yaml")]
    )
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    for line in lines:
        assert _GITHUB.match(line), line
    assert sum(line.startswith("::error ") for line in lines) == 3
    assert sum(line.startswith("::warning ") for line in lines) == 2
    assert any("line=8,col=5" in line and "groep 9" in line for line in lines)


def test_github_format_escapes_newlines_and_percent() -> None:
    from gesprekken_cli.errors import Problem
    from gesprekken_cli.render.problems import render_problems
    from gesprekken_cli.rules.validate import Report

    report = Report("a,b:c.yaml", problems=[Problem("a,b:c.yaml", "50%\nklaar", 1, 2, "k", "x")])
    out = render_problems([report], "github")
    assert out == "::error file=a%2Cb%3Ac.yaml,line=1,col=2,title=gesprekken x::k: 50%25%0Aklaar\n"


# --- schema ---


def test_schema_is_json_with_school_and_gesprekken() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert {"school", "gesprekken"} <= set(document["properties"])
    assert document["required"] == ["school", "gesprekken"] or set(document["required"]) >= {
        "school",
        "gesprekken",
    }


# --- random mutations never give a traceback ---

SNIPPETS = (
    ": [",
    "&a",
    "*a",
    "*b",
    "!!python/name:os.system",
    "!!python/object/apply:os.system [x]",
    "\t",
    "- ",
    "{",
    "}",
    "]",
    "'",
    '"',
    "<<: *a",
    "? ",
    "%YAML 1.1",
    "---",
    "...",
    "\x00",
    "\ufeff",
    "!!binary aGk=",
    "!!set {a}",
    "2027-02-30",
    "24:61",
    "1e999",
    "groepen: 0",
    "maand: 13",
    "na: onbekend",
    "id: voortgangsgesprek",
    "kind_aanwezig: ja",
    "wanneer: []",
    "tijd: {begin: 9.00, eind: 8.00}",
)

_SHIPPED_LINES = {path: path.read_text(encoding="utf-8").splitlines() for path in SHIPPED}


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """One of the shipped files with a few random edits."""
    lines = list(_SHIPPED_LINES[draw(st.sampled_from(SHIPPED))])
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(("delete", "duplicate", "swap", "chars", "snippet", "cut")))
        index = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if not lines:
            lines.append(draw(st.sampled_from(SNIPPETS)))
        elif action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "chars":
            line = lines[index]
            pos = draw(st.integers(0, len(line)))
            new = draw(st.text(min_size=1, max_size=3))
            lines[index] = line[:pos] + new + line[pos + 1 :]
        elif action == "snippet":
            line = lines[index]
            pos = draw(st.integers(0, len(line)))
            lines[index] = line[:pos] + draw(st.sampled_from(SNIPPETS)) + line[pos:]
        else:
            lines = lines[:index]
    raw = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    if draw(st.booleans()) and raw:
        raw = raw[: draw(st.integers(0, len(raw)))]
    return raw


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_never_traceback(raw: bytes) -> None:
    report = check_rules(raw, "gemuteerd.yaml")
    for problem in report.problems:
        assert problem.message
        assert "<unicode string>" not in problem.message  # PyYAML's English reader text
        assert problem.severity in {"error", "warning"}
        assert problem.line is None or problem.line >= 1
        assert problem.column is None or problem.column >= 1
    if report.errors:
        assert report.cycle is None
    else:
        assert report.cycle is not None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_through_the_cli_exit_0_1_or_2(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    path = tmp_path_factory.mktemp("mutatie") / "regels.yaml"
    path.write_bytes(raw)
    for fmt in ("text", "json", "github"):
        result = runner.invoke(app, ["validate", "--format", fmt, str(path)])
        assert result.exit_code in {0, 1, 2}, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert_no_traceback(result.output)
        if fmt == "json":
            json.loads(result.stdout)


def test_english_pydantic_messages_do_not_leak() -> None:
    """Every schema fault of a scrambled file reads as Dutch."""
    data = yaml.safe_load(CYCLE.read_text(encoding="utf-8"))
    data["school"]["regio"] = "west"
    data["school"]["pauze_minuten"] = "vijf"
    data["gesprekken"][0]["deelnemers"] = "ouders"
    data["gesprekken"][1]["duur_minuten"] = 2.5
    data["gesprekken"][2]["wanneer"] = {"wekelijks": {"dag": "zaterdag", "begin": "x"}}
    data["gesprekken"][3]["status"] = ["verplicht"]
    data["gesprekken"][4]["tijd"] = 7
    raw = yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    report = check_rules(raw, "engels.yaml")
    assert len(report.errors) >= 7
    english = re.compile(r"\b(Input should|Field required|should be|valid|instance)\b")
    for problem in report.errors:
        assert not english.search(problem.message), problem.render()


# --- every type and goal of both seeds is in the rules files ---

DE_DUIF_TYPES = (
    "Informatiegesprek/rondleiding",
    "Intakegesprek groep 1",
    "Inloop",
    "Ouderinformatieavond",
    "Startgesprek",
    "Voortgangsgesprek",
    "Koffie/thee-ochtend groep 1/2",
    "Eerste portfoliogesprek",
    "OKR-gesprek groep 8",
    "Voorlopig adviesgesprek groep 7",
    "Tweede portfoliogesprek",
)
DE_DUIF_GOALS = (
    "Een algemene indruk krijgen van de visie, werkwijze en sfeer op de Duif.",
    "Nieuwe leerling en ouder(s) maken kennis met de nieuwe leerkracht",
    "Leerkracht vergaart informatie over de (onderwijs)behoefte van de nieuwe leerling",
    "Wendagen afspreken",
    "Ouders zijn meer betrokken bij het werk van hun kind. Er is meer zicht op waar ze mee "
    "bezig zijn.",
    "Kennismaking met nieuwe ouder/ leerkracht",
    "Leerkracht vergaart informatie over de (onderwijs)behoefte van de leerling",
    "Bespreken van verwachtingen waar de leerling, met ondersteuning van ouders en leerkracht, "
    "de komende periode aan gaat werken.",
    "Ouders en leerlingen worden geïnformeerd over de voortgang van de ontwikkeling van de "
    "leerling.",
    "Ouders worden geïnformeerd over de werkwijze bij de kleuters.",
    "Informeren van elkaar over de voortgang van de leerling.",
    "Bespreken vragen n.a.v. portfolio",
    "De ouders en leerlingen bekijken het OKR met het advies voor het voortgezet onderwijs.",
    "De ouders en leerlingen krijgen het voorlopig advies voor het voortgezet onderwijs.",
)
SECOND_SEED_TYPES = (
    "Kind-kennismakingsgesprek",
    "Kennismakingsgesprek",
    "Facultatief voortgangsgesprek",
    "Pré-adviesgesprek",
    "Voortgangsgesprek",
    "Adviesgesprek",
    "Zorggesprek",
)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("/ ", "/")).strip().casefold()


def _yaml_types_and_goals(path: Path) -> tuple[set[str], set[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = {_norm(kind["naam"]) for kind in data["gesprekken"]}
    goals = {_norm(goal) for kind in data["gesprekken"] for goal in kind.get("doel", [])}
    return names, goals


def _normalised_type(name: str) -> str:
    """A seed's type name, compared without spaces ("portfolio gesprek" = "portfoliogesprek")."""
    return _norm(name).replace(" ", "")


@pytest.mark.parametrize("name", DE_DUIF_TYPES)
def test_de_duif_type_is_in_cycle_yaml(name: str) -> None:
    names, _ = _yaml_types_and_goals(CYCLE)
    wanted = _normalised_type(name)
    assert any(n.replace(" ", "").startswith(wanted) for n in names), name


@pytest.mark.parametrize("goal", DE_DUIF_GOALS)
def test_de_duif_goal_is_in_cycle_yaml(goal: str) -> None:
    _, goals = _yaml_types_and_goals(CYCLE)
    assert _norm(goal) in goals


@pytest.mark.parametrize("name", SECOND_SEED_TYPES)
def test_second_seed_type_is_in_example(name: str) -> None:
    names, _ = _yaml_types_and_goals(EXAMPLE)
    assert any(n.startswith(_normalised_type(name)) or n.startswith(_norm(name)) for n in names)


def test_second_seed_columns_and_months_are_in_example() -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    by_id = {kind["id"]: kind for kind in data["gesprekken"]}
    assert by_id["kind-kennismakingsgesprek"]["deelnemers"] == ["leerkracht", "kind"]
    assert by_id["voortgangsgesprek-februari-kind"]["groepen"] == "4/5/6/8"
    assert by_id["zorggesprek"]["wanneer"] == {"altijd": True}
    for kind in data["gesprekken"]:
        if kind["id"].endswith("-ouders") or kind["id"] in {"kennismakingsgesprek", "zorggesprek"}:
            assert kind["kind_aanwezig"] in {"nee", False}, kind["id"]
            assert "kind" not in kind["deelnemers"]


def test_pre_commit_hook_runs_validate_on_rules_files() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "gesprekken-validate")
    assert hook["entry"] == "gesprekken validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    assert files.search("rules/cycle.yaml")
    assert files.search("rules/school-b.yml")
    assert not files.search("rooster/groep5.csv")
    assert not files.search("examples/ouder-kindgesprekken.yaml")


DOCS = ROOT / "docs" / "regels.md"
CODES = (
    "schema",
    "dubbele-id",
    "onbekende-verwijzing",
    "kringverwijzing",
    "schooljaar",
    "weekend",
    "zomermaand",
    "schooltijden",
    "geen-verplicht-gesprek",
    "groep-ontbreekt",
    "studiedag-groepen",
    "dubbele-sleutel",
    "yaml-tag",
    "yaml-bom",
)


@pytest.mark.parametrize("code", CODES)
def test_docs_explain_every_code(code: str) -> None:
    assert f"### `{code}`" in DOCS.read_text(encoding="utf-8")


def test_docs_complete_example_validates() -> None:
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    complete = [b for b in blocks if b.startswith("versie: 1\n")]
    assert complete
    for block in complete:
        report = check_rules(block.encode("utf-8"), "docs/regels.md")
        assert report.problems == [], [p.render() for p in report.problems]


# Characters YAML does not allow (the reader refuses them before parsing): C0 controls,
# DEL, C1 controls and the non-characters U+FFFE/U+FFFF.
CONTROL_CHARACTERS = ["\x0b", "\x01", "\x07", "\x0c", "\x1b", "\x7f", "\x9b", "\ufffe"]


@pytest.mark.parametrize("character", CONTROL_CHARACTERS)
@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_control_character_is_a_dutch_message_with_its_position(
    tmp_path: Path, character: str, fmt: str
) -> None:
    """A raw control character was PyYAML's English reader message with a character offset
    and no line or column ("position 343"), in every format."""
    path = tmp_path / "vt.yaml"
    text = CYCLE.read_text(encoding="utf-8").replace("De Duif", f"De{character}Duif", 1)
    path.write_text(text, encoding="utf-8")
    code = f"U+{ord(character):04X}"

    result = runner.invoke(app, ["validate", "--format", fmt, str(path)])

    assert result.exit_code == 1, result.output
    assert "position" not in result.output and "unacceptable" not in result.output
    if fmt == "json":
        [item] = json.loads(result.stdout)
        assert (item["regel"], item["kolom"]) == (8, 11)
        assert code in item["melding"] and "\n" not in item["melding"]
    elif fmt == "github":
        assert ",line=8,col=11," in result.stdout
        assert code in result.stdout
    else:
        [line] = [line for line in result.output.splitlines() if line.startswith(str(path))]
        assert line.startswith(f"{path}:8:11: ") and code in line and "verwijder" in line


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: 1\r\nb: Dé\x0b\r\n", (2, 6)),  # Windows line ends; é is one character
        ("a: 1\rb: x\x07\r", (2, 5)),  # old Mac line ends
        ("a: 1\n\n# 😀 \x1b\n", (3, 5)),  # outside the BMP: still one column
        ("\x0c", (1, 1)),
    ],
)
def test_control_character_position_counts_characters_and_line_breaks(
    text: str, where: tuple[int, int]
) -> None:
    """libyaml reports a UTF-8 byte offset, the pure-Python reader a character offset: the
    position shown is the character's line and column in the text either way."""
    report = check_rules(text.encode("utf-8"), "r.yaml")
    [problem] = report.errors
    assert (problem.line, problem.column) == where, problem.render()
    assert "stuurteken" in problem.message

"""`gesprekken checklist` end to end on the shipped rules and examples."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path

import pytest
from support import request
from typer.testing import CliRunner

from gesprekken_cli.cli import app
from gesprekken_cli.plan import make_plan

ROOT = Path(__file__).resolve().parents[2]
GROEP5 = ROOT / "examples" / "groep5.csv"
RULES = ROOT / "rules" / "cycle.yaml"
YEAR = "2026-2027"


def run(*args: str) -> object:
    return CliRunner().invoke(app, ["checklist", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def lijsten(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lijsten")
    result = run(str(GROEP5), "--out", str(out), "-j", YEAR, "--rules", str(RULES))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return out


def test_every_round_of_groep5_in_three_formats(lijsten: Path) -> None:
    plan = make_plan(request(GROEP5, RULES))
    rounds = {c.type_id for c in plan.conversations if c.pupil_id is not None or c.class_name}
    assert rounds == {
        "startgesprek",
        "voortgangsgesprek",
        "eerste-portfoliogesprek",
        "tweede-portfoliogesprek",
    }
    stems = {p.stem for p in lijsten.iterdir()}
    for stem in stems:
        assert {p.suffix for p in lijsten.glob(stem + ".*")} == {".md", ".html", ".csv"}
    for type_id in rounds:
        assert any(stem.startswith(type_id + "-") for stem in stems), type_id


def test_csv_opens_in_excel_one_row_per_appointment(lijsten: Path) -> None:
    """Issue 19.3: who and when first, Excel date/time cells, the school's gezin number."""
    plan = make_plan(request(GROEP5, RULES))
    pupils: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in plan.conversations:
        if c.pupil_id is not None:
            for teacher in c.teachers:
                pupils[(c.type_id, teacher)].add(c.pupil_id)
    checked = 0
    for path in lijsten.glob("*.csv"):
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
        header, body = rows[0], rows[1:]
        assert header[:5] == ["Naam", "Klas", "Datum", "Begin", "Eind"]
        assert header[-3:] == ["Gesprek", "Schooljaar", "Leerkracht(en)"]
        assert all(len(row) == len(header) for row in body)
        column = {name: [row[header.index(name)] for row in body] for name in header}
        assert all(re.fullmatch(r"(\d\d-\d\d-20\d\d)?", d) for d in column["Datum"])
        assert all(re.fullmatch(r"(\d\d:\d\d)?", t) for t in column["Begin"] + column["Eind"])
        assert all(re.fullmatch(r"\d\d-\d\d-20\d\d", d) for d in column["Van"] + column["Tot"])
        assert all(re.fullmatch(r"\d*", g) for g in column["Gezin"])  # 1010, not g-1010
        households = column.get("Huishouden", [""] * len(body))
        assert len(set(zip(column["Leerlingnummer"], households, strict=True))) == len(body)
        ids = list(dict.fromkeys(column["Leerlingnummer"]))
        if "Huishouden" in header:  # Daniëlle Çelik's parents live apart: a row each
            assert households.count("1") == households.count("2") > 0
        if path.stem.startswith("tweede-portfoliogesprek"):
            assert len(ids) == 28  # on request: every pupil of 5A has an open window
            continue
        type_id = next(t for (t, _) in pupils if path.stem.startswith(t + "-"))
        teacher = "Anna de Boer" if "anna" in path.stem else "Pieter Jansen"
        assert set(ids) == pupils[(type_id, teacher)]
        checked += 1
    assert checked >= 6


def test_markdown_has_the_rounds_tasks_and_due_dates(lijsten: Path) -> None:
    text = next(lijsten.glob("eerste-portfoliogesprek-*.md")).read_text(encoding="utf-8")
    assert "- [ ] **uiterlijk ma 15-02-2027**: Uitnodiging met dagen/tijden" in text
    # the week before the round is voorjaarsvakantie (noord): the last inloop before it
    assert "- [ ] **uiterlijk di 16-02-2027**: Portfolio ter inzage tijdens de inloop" in text
    assert "- [ ] **uiterlijk wo 07-04-2027**: Gesprek vastleggen in ParnasSys" in text
    # tick boxes follow the type's tasks: no form in the portfolio round, its own report task
    assert text.count("  - [ ] gesprek vastleggen in ParnasSys") >= 1
    assert "formulier ontvangen" not in text


def test_existing_files_need_force(lijsten: Path) -> None:
    before = {p.name: p.read_bytes() for p in lijsten.iterdir()}
    result = run(str(GROEP5), "--out", str(lijsten), "-j", YEAR, "--rules", str(RULES))
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "--force" in result.output  # type: ignore[attr-defined]
    assert {p.name: p.read_bytes() for p in lijsten.iterdir()} == before
    forced = run(str(GROEP5), "--out", str(lijsten), "-j", YEAR, "--rules", str(RULES), "--force")
    assert forced.exit_code == 0  # type: ignore[attr-defined]


def test_filters_and_formats(tmp_path: Path) -> None:
    result = run(
        str(GROEP5),
        "--out",
        str(tmp_path),
        "-j",
        YEAR,
        "--rules",
        str(RULES),
        "--leerkracht",
        "pieter",
        "--gesprek",
        "startgesprek",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert [p.name for p in tmp_path.iterdir()] == ["startgesprek-pieter-jansen.csv"]


@pytest.mark.parametrize(
    ("option", "value", "known"),
    [
        ("--leerkracht", "Kees", "Anna de Boer, Pieter Jansen"),
        ("--gesprek", "okr-gesprek", "startgesprek"),
        ("--format", "pdf", "md, html, csv"),
    ],
)
def test_unknown_choice_exits_2_listing_the_known(
    tmp_path: Path, option: str, value: str, known: str
) -> None:
    out = tmp_path / "uit"
    result = run(str(GROEP5), "--out", str(out), "-j", YEAR, option, value)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert known in result.output  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    assert not out.exists()


def test_second_cycle_runs(tmp_path: Path) -> None:
    rules = ROOT / "examples" / "ouder-kindgesprekken.yaml"
    result = run(str(GROEP5), "--out", str(tmp_path), "-j", YEAR, "--rules", str(rules))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    names = {p.name for p in tmp_path.iterdir()}
    assert any(n.startswith("zorggesprek-") and n.endswith(".csv") for n in names)
    assert any(n.startswith("voortgangsgesprek-februari-kind-") for n in names)

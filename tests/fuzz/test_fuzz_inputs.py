"""Fuzz every input kind through the real CLI: mutated files end in exit 0, 1 or 2, never a
traceback, within time and memory bounds (see ``fuzzing.py``; ``make fuzz`` for the long run).

Each kind mixes byte-level mutations of a valid seed with structure-aware ones (cells, rows
and columns of a table; nodes of a YAML, JSON or XML tree; members of the xlsx zip).
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from fuzzing import (
    byte_mutants,
    cell_values,
    fuzz_settings,
    read_csv,
    run_cli,
    scalars,
    table_mutants,
    tree_mutants,
    write_csv,
)
from hypothesis import given
from hypothesis import strategies as st
from support import DATA, DUIF, EXAMPLES, YEAR
from typer.testing import CliRunner

from gesprekken_cli.cli import app

GROEP3 = EXAMPLES / "groep3.csv"
PLAN = ["-j", YEAR, "-f", "json"]
ROSTER_ROWS = read_csv(GROEP3)
EDEXML = (DATA / "edexml" / "voorbeeld.xml").read_bytes()
RULES = DUIF.read_bytes()
WISHES_CSV = (
    b"wie;id;gesprek;niet;liever;duur;overslaan\r\n"
    b"gezin;801;;woensdag;na 15.00;;\r\n"
    b"leerling;13001;startgesprek;14-10-2026 t/m 16-10-2026;;30;\r\n"
    b"leerkracht;Marleen Visser;;vrijdag, voor 13.00;niet op dinsdag;;\r\n"
    b"leerling;13002;startgesprek.1;;;;ja\r\n"
    b"gezin;g-803;;15.00-16.00, avond;op maandag;;\r\n"
)
WISH_WORDS = [
    "gezin",
    "leerling",
    "leerkracht",
    "kind",
    "801",
    "g-801",
    "13001",
    "Marleen Visser",
    "startgesprek",
    "startgesprek.2",
    "startgesprek.0",
    "woensdag",
    "ochtend",
    "na_schooltijd",
    "voor 15.00",
    "na 24.00",
    "na 23.59",
    "15.00-16.00",
    "16.00-15.00",
    "31-02-2026",
    "01-01-9999 t/m 31-12-9999",
    "9999-12-31",
    "niet op dinsdag",
    "5",
    "480",
    "481",
    "ja",
    "nee",
]


def _plan_json(roster: Path) -> bytes:
    result = CliRunner().invoke(app, ["plan", str(roster), "-r", str(DUIF), *PLAN])
    assert result.exit_code == 0, result.output
    return result.stdout.encode()


PREVIOUS = {name: _plan_json(EXAMPLES / name) for name in ("groep3.csv", "groep5.csv")}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def csv_text(table: st.SearchStrategy[list[list[str]]]) -> st.SearchStrategy[bytes]:
    return st.tuples(table, st.sampled_from([";", ","])).map(lambda pair: write_csv(*pair))


# --- CSV roster -------------------------------------------------------------------------


@fuzz_settings()
@given(data=st.one_of(byte_mutants(GROEP3.read_bytes()), csv_text(table_mutants(ROSTER_ROWS))))
def test_csv_roster(folder: Path, data: bytes) -> None:
    roster = folder / "rooster.csv"
    roster.write_bytes(data)
    run_cli("csv", ["plan", str(roster), "-r", str(DUIF), *PLAN])


# --- xlsx roster ------------------------------------------------------------------------


def _typed(cell: str) -> Any:
    """Some cells as the numbers and dates a spreadsheet holds rather than text."""
    if cell.isascii() and cell.isdigit() and len(cell) < 15:
        return int(cell)
    parts = cell.split("-")
    if len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts) and len(parts[2]) == 4:
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            return cell
    return cell


def xlsx_bytes(table: list[list[str]], typed: bool, sheet: str = "Leerlingen") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    page = book.active
    assert page is not None
    page.title = sheet
    for row in table:
        clean = ["".join(c for c in cell if c.isprintable() or c == "\n") for cell in row]
        page.append([_typed(cell) if typed else cell for cell in clean])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX = xlsx_bytes(ROSTER_ROWS, typed=True)
XLSX_MEMBERS = sorted(zipfile.ZipFile(io.BytesIO(XLSX)).namelist())


@st.composite
def zip_member_mutants(draw: st.DrawFn) -> bytes:
    """One member of the workbook (sheet XML, shared strings, workbook) mutated, then re-zipped."""
    member = draw(st.sampled_from(XLSX_MEMBERS))
    source = zipfile.ZipFile(io.BytesIO(XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == member:
                content = draw(byte_mutants(content))
            target.writestr(name, content)
    return out.getvalue()


@fuzz_settings()
@given(
    data=st.one_of(
        st.tuples(table_mutants(ROSTER_ROWS), st.booleans()).map(lambda p: xlsx_bytes(*p)),
        zip_member_mutants(),
        byte_mutants(XLSX),
    )
)
def test_xlsx_roster(folder: Path, data: bytes) -> None:
    roster = folder / "rooster.xlsx"
    roster.write_bytes(data)
    run_cli("xlsx", ["plan", str(roster), "-r", str(DUIF), *PLAN])


# --- EDEXML roster ----------------------------------------------------------------------


@st.composite
def xml_mutants(draw: st.DrawFn) -> bytes:
    root = ElementTree.fromstring(EDEXML)
    for _ in range(draw(st.integers(1, 5))):
        pairs = [(parent, child) for parent in root.iter() for child in parent]
        parent, child = draw(st.sampled_from(pairs))
        op = draw(st.sampled_from(["text", "text", "drop", "copy", "attr"]))
        if op == "text":
            child.text = draw(cell_values())
        elif op == "drop":
            parent.remove(child)
        elif op == "copy":
            parent.append(copy.deepcopy(child))
        else:
            child.set(draw(st.sampled_from(["key", "x"])), draw(cell_values()))
    text = ElementTree.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8", "surrogatepass")


@fuzz_settings()
@given(data=st.one_of(byte_mutants(EDEXML), xml_mutants()))
def test_edexml_roster(folder: Path, data: bytes) -> None:
    roster = folder / "export.xml"
    roster.write_bytes(data)
    run_cli("edexml", ["plan", str(roster), "-r", str(DUIF), *PLAN])


# --- rules YAML -------------------------------------------------------------------------


def yaml_bytes(document: Any) -> bytes:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode("utf-8")


RULES_TREE = yaml.safe_load(RULES)


@fuzz_settings()
@given(
    data=st.one_of(byte_mutants(RULES), tree_mutants(RULES_TREE, scalars).map(yaml_bytes)),
    command=st.sampled_from(["plan", "plan", "validate-json", "validate-github"]),
)
def test_rules_yaml(folder: Path, data: bytes, command: str) -> None:
    rules = folder / "cycle.yaml"
    rules.write_bytes(data)
    if command == "plan":
        run_cli("rules", ["plan", str(GROEP3), "-r", str(rules), *PLAN])
    else:
        run_cli("rules", ["validate", "-f", command.split("-")[1], str(rules)])


# --- wishes -----------------------------------------------------------------------------


def wish_values() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(WISH_WORDS), cell_values())


@st.composite
def wish_tables(draw: st.DrawFn) -> list[list[str]]:
    table = draw(table_mutants(read_csv_bytes(WISHES_CSV)))
    for row in table[1:]:
        if row and draw(st.booleans()):
            row[draw(st.integers(0, len(row) - 1))] = draw(wish_values())
    return table


def read_csv_bytes(data: bytes) -> list[list[str]]:
    import csv

    return [list(r) for r in csv.reader(io.StringIO(data.decode()), delimiter=";")]


def _wishes_tree() -> Any:
    header, *rows = read_csv_bytes(WISHES_CSV)
    return {"wensen": [{k: v for k, v in zip(header, row, strict=True) if v} for row in rows]}


WISHES_TREE = _wishes_tree()


@fuzz_settings()
@given(
    case=st.one_of(
        st.tuples(st.just("csv"), byte_mutants(WISHES_CSV)),
        st.tuples(st.just("csv"), csv_text(wish_tables())),
        st.tuples(st.just("yaml"), tree_mutants(WISHES_TREE, wish_values).map(yaml_bytes)),
        st.tuples(st.just("yaml"), byte_mutants(yaml_bytes(WISHES_TREE))),
    )
)
def test_wishes(folder: Path, case: tuple[str, bytes]) -> None:
    suffix, data = case
    wishes = folder / f"wensen.{suffix}"
    wishes.write_bytes(data)
    run_cli("wishes", ["plan", str(GROEP3), "-r", str(DUIF), *PLAN, "--wensen", str(wishes)])


# --- previous plan ----------------------------------------------------------------------


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@fuzz_settings()
@given(
    data=st.one_of(
        st.sampled_from(sorted(PREVIOUS.values())).flatmap(byte_mutants),
        st.sampled_from(sorted(PREVIOUS.values()))
        .map(json.loads)
        .flatmap(lambda tree: tree_mutants(tree, scalars))
        .map(lambda tree: json.dumps(tree).encode()),
        st.integers(1, 200_000).map(_deep),
    )
)
def test_previous_plan(folder: Path, data: bytes) -> None:
    previous = folder / "vorig.json"
    previous.write_bytes(data)
    run_cli("previous", ["plan", str(GROEP3), "-r", str(DUIF), *PLAN, "--vorig", str(previous)])

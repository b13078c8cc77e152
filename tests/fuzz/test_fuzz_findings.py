"""What the fuzzer found, pinned as plain tests (a finding left to another branch is marked
``xfail(strict=True)``, so it starts failing once fixed and the mark goes)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from support import DATA, DUIF, EXAMPLES, YEAR
from test_fuzz_inputs import XLSX
from typer.testing import CliRunner

from gesprekken_cli.cli import app


def _with_member(name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.namelist():
            target.writestr(member, content if member == name else source.read(member))
    return out.getvalue()


@pytest.mark.parametrize("member", ["xl/workbook.xml", "[Content_Types].xml", "xl/styles.xml"])
def test_xlsx_with_malformed_xml_inside_never_crashes(
    runner: CliRunner, tmp_path: Path, member: str
) -> None:
    """Found by the fuzzer: a workbook with broken XML inside was a ParseError traceback from
    openpyxl (issue 18.3; fixed on the roster branch by reading through calamine, which skips
    what it does not need, such as [Content_Types].xml)."""
    roster = tmp_path / "rooster.xlsx"
    roster.write_bytes(_with_member(member, b"<niet-af"))
    result = runner.invoke(
        app, ["plan", str(roster), "-r", str(DUIF), "-j", YEAR], env={"GESPREKKEN_DEBUG": "1"}
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 1, 2)


def test_previous_plan_nested_deeper_than_python_recurses(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Found by the fuzzer: ``[[[...]]]`` 2,000 deep was a RecursionError traceback."""
    previous = tmp_path / "vorig.json"
    previous.write_bytes(b"[" * 5000 + b"]" * 5000)
    args = ["plan", str(EXAMPLES / "groep3.csv"), "-r", str(DUIF), "-j", YEAR]
    result = runner.invoke(app, [*args, "--vorig", str(previous)], env={"GESPREKKEN_DEBUG": "1"})
    assert result.exit_code == 1 and "te diep genest" in result.stderr


@pytest.mark.parametrize("encoding", ["TTF-8", "rot13", "utf-7", "utf-32", "idna", "undefined"])
def test_edexml_declaring_an_unreadable_encoding_is_a_message(
    runner: CliRunner, tmp_path: Path, encoding: str
) -> None:
    """Found by the fuzzer: ``encoding="TTF-8"`` was a LookupError traceback (``utf-7`` a
    ValueError, ``idna`` a UnicodeError)."""
    export = tmp_path / "export.xml"
    raw = (DATA / "edexml" / "voorbeeld.xml").read_bytes()
    export.write_bytes(raw.replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode(), 1))
    result = runner.invoke(
        app, ["plan", str(export), "-r", str(DUIF), "-j", YEAR], env={"GESPREKKEN_DEBUG": "1"}
    )
    assert result.exit_code == 1, result.output
    assert f"{export}:1:31: tekencodering" in result.stderr

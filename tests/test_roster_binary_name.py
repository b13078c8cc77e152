"""A binary file that is no workbook, named as one: the message names what the school meant
(review of issue 19.1: what a library or the reader says about a broken .xlsx reaches the user)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gesprekken_cli.cli import app


@pytest.mark.parametrize("name", ["leerlingen.xlsx", "leerlingen.xls", "leerlingen.ods"])
def test_a_broken_workbook_is_called_a_workbook(tmp_path: Path, name: str) -> None:
    roster = tmp_path / name
    roster.write_bytes(bytes(range(256)) * 2)  # neither zip nor OLE2 nor text
    result = CliRunner().invoke(app, ["rooster", str(roster)])
    assert result.exit_code == 1
    assert "geen CSV-bestand" not in result.output
    assert "geen geldig rekenblad" in result.output
    assert "[roster.binary]" in result.output


def test_a_binary_csv_is_still_called_no_csv(tmp_path: Path) -> None:
    roster = tmp_path / "leerlingen.csv"
    roster.write_bytes(bytes(range(256)) * 2)
    result = CliRunner().invoke(app, ["rooster", str(roster)])
    assert result.exit_code == 1
    assert "geen CSV-bestand (binaire inhoud)" in result.output

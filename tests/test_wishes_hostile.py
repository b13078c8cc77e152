"""``--wensen`` is input too: hostile files are exit 1 with the position, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import DUIF, EXAMPLES, YEAR
from typer.testing import CliRunner

from gesprekken_cli.cli import app


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("diep.yaml", "wensen: " + "[" * 3000 + "]" * 3000 + "\n", "diep.yaml:1:"),
        (
            "diep2.yaml",
            "wensen:\n  - wie: gezin\n    id: '801'\n    niet: " + "[" * 5000 + "]" * 5000,
            "diep2.yaml:4:",
        ),
        (
            "typen.yaml",
            "wensen:\n  - {wie: [1], id: '801', duur: 1.5e400, overslaan: [ja]}\n",
            "typen.yaml:2: wie:",
        ),
        (
            "stuurteken.yaml",
            "wensen:\n  - wie: gezin\n    id: '8\x0b01'\n",
            "stuurteken.yaml:3:11: onzichtbaar stuurteken U+000B",
        ),
        ("groot.csv", "wie;id;duur\ngezin;801;" + "9" * 6000 + "\n", "groot.csv:2: duur:"),
        ("jaar.csv", "wie;id;niet\ngezin;801;31-12-9999 t/m 01-01-9999\n", "jaar.csv:2: niet:"),
    ],
)
def test_a_hostile_wishes_file_is_exit_1_with_the_position(
    runner: CliRunner, tmp_path: Path, name: str, text: str, expected: str
) -> None:
    wishes = tmp_path / name
    wishes.write_text(text, encoding="utf-8")
    args = ["plan", str(EXAMPLES / "groep3.csv"), "-r", str(DUIF), "-j", YEAR, "-f", "json"]
    result = runner.invoke(app, [*args, "--wensen", str(wishes)], env={"GESPREKKEN_DEBUG": "1"})
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1, result.output
    assert expected in result.stderr.replace(str(tmp_path) + "/", "")
    assert all(len(line) < 300 for line in result.stderr.splitlines())

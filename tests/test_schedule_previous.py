"""Reading ``--vorig``: anything but a plan is exit 1 with the item's position, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import DUIF, EXAMPLES, YEAR
from typer.testing import CliRunner

from gesprekken_cli.cli import app
from gesprekken_cli.errors import GesprekkenError
from gesprekken_cli.schedule.previous import read_previous

ITEM = {
    "id": "startgesprek.1.13001",
    "start": "2026-09-14T15:00:00+02:00",
    "eind": "2026-09-14T15:15:00+02:00",
    "leerkrachten": ["Marleen Visser"],
    "volgnummer": 0,
}


def problems(tmp_path: Path, text: str) -> list[tuple[int | None, int | None, str]]:
    path = tmp_path / "vorig.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GesprekkenError) as caught:
        read_previous(path)
    assert caught.value.exit_code == 1
    return [(p.line, p.column, p.message) for p in caught.value.problems]


def test_a_good_item_is_read(tmp_path: Path) -> None:
    path = tmp_path / "vorig.json"
    path.write_text(json.dumps([ITEM, {"id": "x", "start": None}]), encoding="utf-8")
    (published,) = read_previous(path).values()
    assert published.teachers == ("Marleen Visser",) and published.sequence == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"start": "9999-12-31T23:00:00+00:00", "eind": "9999-12-31T23:59:59+00:00"},
            "gesprekstijd",
        ),
        (
            {"start": "0001-01-01T00:00:00+00:00", "eind": "0001-01-01T00:15:00+00:00"},
            "gesprekstijd",
        ),
        ({"eind": "2026-09-20T15:15:00+02:00"}, "hoogstens een dag"),
        ({"start": "2026-02-30T15:00:00+01:00"}, "geen ISO-datumtijd"),
        ({"start": 20260914}, "geen ISO-datumtijd"),
        ({"start": "2026-09-14T15:00:00"}, "zonder tijdzone"),
        ({"leerkrachten": 7}, "'leerkrachten'"),
        ({"leerkrachten": "Marleen Visser"}, "'leerkrachten'"),
        ({"leerkrachten": [["Marleen"]]}, "'leerkrachten'"),
        ({"volgnummer": "1"}, "'volgnummer'"),
        ({"volgnummer": True}, "'volgnummer'"),
        ({"volgnummer": 10**30}, "'volgnummer'"),
        ({"id": 17}, "verwacht een object met 'id'"),
    ],
)
def test_a_wrong_item_names_its_line_and_column(
    tmp_path: Path, change: dict[str, object], expected: str
) -> None:
    text = "[\n" + json.dumps(ITEM) + ",\n  " + json.dumps({**ITEM, **change}) + "\n]\n"
    ((line, column, message),) = problems(tmp_path, text)
    assert (line, column) == (3, 3)
    assert expected in message


@pytest.mark.parametrize("depth", [100, 10_000, 200_000])
def test_deep_nesting_is_a_message_not_a_crash(tmp_path: Path, depth: int) -> None:
    ((_, _, message),) = problems(tmp_path, "[" * depth + "]" * depth)
    assert "verwacht een object" in message or "te diep genest" in message


@pytest.mark.parametrize(
    ("text", "where"),
    [("", (1, 1)), ("[1,]", (1, 4)), ('[{"id": "a"} {"id": "b"}]', (1, 14)), ("{}", (1, 1))],
)
def test_not_a_plan_names_where(tmp_path: Path, text: str, where: tuple[int, int]) -> None:
    ((line, column, _),) = problems(tmp_path, text)
    assert (line, column) == where


def plan_args(previous: Path) -> list[str]:
    groep3 = str(EXAMPLES / "groep3.csv")
    return ["plan", groep3, "-r", str(DUIF), "-j", YEAR, "-f", "json", "--vorig", str(previous)]


def test_vorig_with_an_impossible_date_is_exit_1_with_the_position(
    runner: CliRunner, tmp_path: Path
) -> None:
    first = runner.invoke(app, plan_args(tmp_path / "geen.json")[:-2])
    items = json.loads(first.stdout)
    placed = next(i for i in items if i["start"])
    placed["start"], placed["eind"] = "9999-12-31T23:00:00+00:00", "9999-12-31T23:30:00+00:00"
    previous = tmp_path / "vorig.json"
    previous.write_text(json.dumps(items, indent=1), encoding="utf-8")
    result = runner.invoke(app, plan_args(previous))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{previous}:" in result.stderr and "gesprekstijd" in result.stderr
    assert "Traceback" not in result.output


def test_a_foreign_plan_is_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    groep5 = ["plan", str(EXAMPLES / "groep5.csv"), "-r", str(DUIF), "-j", YEAR, "-f", "json"]
    previous = tmp_path / "vorig.json"
    previous.write_text(runner.invoke(app, groep5).stdout, encoding="utf-8")
    result = runner.invoke(app, plan_args(previous))
    assert result.exit_code == 1, result.output
    assert "hoort niet bij dit rooster" in result.stderr

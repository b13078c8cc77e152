"""`gesprekken plan` gives slots: the whole-school example, --strict, --vorig, --wensen."""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from pathlib import Path

import pytest
from support import EXAMPLES, ROOT, YEAR
from typer.testing import CliRunner

from gesprekken_cli.cli import app

SCHOOL = str(EXAMPLES / "school.csv")


def run_json(runner: CliRunner, *args: str) -> tuple[list[dict], str, int]:
    result = runner.invoke(app, ["plan", SCHOOL, "-j", YEAR, "-f", "json", *args])
    return json.loads(result.stdout), result.stderr, result.exit_code


@pytest.fixture(scope="module")
def school_plan() -> tuple[list[dict], str, int]:
    return run_json(CliRunner())


def test_every_mandatory_individual_conversation_has_a_slot_or_a_reason(school_plan) -> None:
    items, stderr, code = school_plan
    assert code == 0
    mandatory = [i for i in items if i["leerling"] and i["status"] == "verplicht"]
    placed = [i for i in mandatory if i["start"]]
    assert len(placed) > 0.9 * len(mandatory)
    for item in mandatory:
        if item["overgeslagen"]:  # started too late for the round: said in plan and warnings
            assert "niet ingepland: start op" in item["opmerking"]
            assert f"{item['naam']} ({item['gesprek_naam']}" in stderr
        elif item["start"] is None:
            assert "niet ingepland" in item["opmerking"]
            assert f"niet ingepland: {item['id']}: " in stderr
        else:
            assert item["eind"] and item["van"] <= item["start"][:10] <= item["tot"]
            assert len(item["leerkrachten"]) >= 1


def test_no_teacher_or_family_is_double_booked(school_plan) -> None:
    items, _, _ = school_plan
    teacher: dict[tuple[str, str], list[tuple[datetime, datetime]]] = {}
    family: dict[tuple[str, str], list[tuple[datetime, datetime]]] = {}
    for item in items:
        if not item["leerling"] or not item["start"]:
            continue
        slot = (datetime.fromisoformat(item["start"]), datetime.fromisoformat(item["eind"]))
        for name in item["leerkrachten"]:
            teacher.setdefault((name, item["start"][:10]), []).append(slot)
        family.setdefault((item["gezin"] or item["leerling"], item["start"][:10]), []).append(slot)
    for books in (teacher, family):
        for slots in books.values():
            slots.sort()
            for (_, end), (start, _) in itertools.pairwise(slots):
                assert end <= start


def test_siblings_are_back_to_back_in_the_same_round(school_plan) -> None:
    items, _, _ = school_plan
    rounds: dict[tuple, list[dict]] = {}
    for item in items:
        if item["leerling"] and item["start"] and item["gezin"] and not item["huishouden"]:
            rounds.setdefault((item["gezin"], item["gesprek"], item["ronde"]), []).append(item)
    families = [group for group in rounds.values() if len(group) > 1]
    assert len(families) > 20
    for group in families:
        group.sort(key=lambda i: i["start"])
        assert len({i["start"][:10] for i in group}) == 1
        for a, b in itertools.pairwise(group):
            gap = datetime.fromisoformat(b["start"]) - datetime.fromisoformat(a["eind"])
            assert 0 <= gap.total_seconds() <= 15 * 60


def test_strict_exits_1_when_something_is_unplaced_and_still_writes(
    runner: CliRunner, tmp_path: Path
) -> None:
    # Only two OKR conversations per teacher on the studiedag and no days after it: the rest
    # of groep 8 cannot be placed.
    rules = tmp_path / "cycle.yaml"
    text = (ROOT / "rules" / "cycle.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "{studiedag: studiedag-groep-8, uitloop_dagen: 5}", "{studiedag: studiedag-groep-8}"
    )
    rules.write_text(text.replace("max_per_dag: 20", "max_per_dag: 2"), encoding="utf-8")
    out = tmp_path / "plan.json"
    result = runner.invoke(
        app,
        ["plan", SCHOOL, "-r", str(rules), "-j", YEAR, "-f", "json", "--strict", "-o", str(out)],
    )
    assert result.exit_code == 1
    # the conversation by its name, never by its type id
    assert "niet ingepland" in result.stderr and "OKR-gesprek groep 8" in result.stderr
    assert "okr-gesprek" not in result.stderr
    items = json.loads(out.read_text(encoding="utf-8"))
    unplaced = [i for i in items if i["gesprek"] == "okr-gesprek" and i["start"] is None]
    assert unplaced and all("niet ingepland" in i["opmerking"] for i in unplaced)
    groep5 = runner.invoke(
        app, ["plan", str(EXAMPLES / "groep5.csv"), "-j", YEAR, "-f", "json", "--strict"]
    )
    assert groep5.exit_code == 0, groep5.stderr


def test_summary_shows_quality_figures(runner: CliRunner) -> None:
    result = runner.invoke(app, ["plan", str(EXAMPLES / "groep5.csv"), "-j", YEAR, "-f", "md"])
    table = runner.invoke(app, ["plan", str(EXAMPLES / "groep5.csv"), "-j", YEAR])
    assert result.exit_code == 0 and table.exit_code == 0
    for key in (
        "ingepland",
        "aansluitend",
        "wachttijd gezinnen",
        "boven de pauze",
        "leerkrachtdagen",
    ):
        assert key in table.stdout


def test_vorig_keeps_published_slots_and_reports_moved(runner: CliRunner, tmp_path: Path) -> None:
    first, _, _ = run_json(runner)
    published = tmp_path / "plan.json"
    published.write_text(json.dumps(first), encoding="utf-8")
    again, stderr, code = run_json(runner, "--vorig", str(published))
    assert code == 0 and "verplaatst" not in stderr
    assert [(i["id"], i["start"]) for i in again] == [(i["id"], i["start"]) for i in first]
    # hand-move one slot onto a Saturday: it is no longer valid, so it moves and is reported
    victim = next(i for i in first if i["start"] and i["gesprek"] == "voortgangsgesprek")
    victim["start"] = "2026-11-14T15:00:00+01:00"
    victim["eind"] = "2026-11-14T15:15:00+01:00"
    published.write_text(json.dumps(first), encoding="utf-8")
    moved, stderr, _ = run_json(runner, "--vorig", str(published))
    assert f"{victim['id']}: verplaatst" in stderr
    new = next(i for i in moved if i["id"] == victim["id"])
    assert new["volgnummer"] == victim["volgnummer"] + 1
    kept = {i["id"]: i["start"] for i in first if i["id"] != victim["id"]}
    assert all(kept[i["id"]] == i["start"] for i in moved if i["id"] in kept and i["start"])


def test_wensen_file_is_honoured(runner: CliRunner, tmp_path: Path) -> None:
    first, _, _ = run_json(runner)
    pupil = next(i for i in first if i["gesprek"] == "startgesprek" and i["start"])
    wishes = tmp_path / "wensen.yaml"
    wishes.write_text(
        "wensen:\n"
        f"  - {{wie: leerling, id: '{pupil['leerling']}', gesprek: startgesprek, "
        f"niet: '{pupil['start'][:10][8:]}-{pupil['start'][5:7]}-{pupil['start'][:4]}', "
        "liever: 'na 16.00', duur: 30}\n",
        encoding="utf-8",
    )
    items, stderr, code = run_json(runner, "--wensen", str(wishes))
    assert code == 0, stderr
    new = next(i for i in items if i["id"] == pupil["id"])
    assert new["start"][:10] != pupil["start"][:10]
    assert new["duur_minuten"] == 30 and new["start"][11:16] >= "16:00"


def test_bad_wensen_file_names_row_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    wishes = tmp_path / "wensen.csv"
    wishes.write_text("wie;id;niet\ngezin;601;zondagmiddag\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", SCHOOL, "-j", YEAR, "--wensen", str(wishes)])
    assert result.exit_code == 1
    assert f"{wishes}:2:" in result.stderr and "niet begrepen" in result.stderr
    assert "Traceback" not in result.stderr


def test_family_wish_by_gezin_number_as_in_the_roster(runner: CliRunner, tmp_path: Path) -> None:
    wishes = tmp_path / "wensen.csv"
    wishes.write_text(
        "wie;id;gesprek;niet;liever;duur;overslaan\n"
        "gezin;1003;;maandag, dinsdag, woensdag;;;\n"
        "gezin;99999;;woensdag;;;\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        ["plan", str(EXAMPLES / "groep5.csv"), "-j", YEAR, "-f", "json", "--wensen", str(wishes)],
    )
    assert result.exit_code == 0, result.output
    family = [i for i in json.loads(result.stdout) if i["gezin"] == "g-1003" and i["start"]]
    assert family
    assert all(datetime.fromisoformat(i["start"]).weekday() > 2 for i in family)
    assert "'99999' staat niet in het rooster" in result.stderr


def test_teacher_wish_matches_the_name_in_any_case(runner: CliRunner, tmp_path: Path) -> None:
    wishes = tmp_path / "wensen.csv"
    wishes.write_text(
        "wie;id;gesprek;niet\nleerkracht;anna de boer;;maandag, dinsdag, woensdag\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        ["plan", str(EXAMPLES / "groep5.csv"), "-j", YEAR, "-f", "json", "--wensen", str(wishes)],
    )
    assert result.exit_code == 0, result.output
    slotted = [i for i in json.loads(result.stdout) if i["start"] and i["leerling"]]
    assert slotted
    assert all(i["leerkrachten"] == ["Pieter Jansen"] for i in slotted)
    assert "staat niet in het rooster" not in result.stderr


def test_one_duo_teacher_away_leaves_the_conversations_to_the_other(
    runner: CliRunner, tmp_path: Path
) -> None:
    wishes = tmp_path / "wensen.csv"
    wishes.write_text(
        "wie;id;gesprek;niet\nleerkracht;Anna de Boer;;01-11-2026 t/m 30-11-2026\n"
        "leerkracht;Pieter Jansen;;na 16.00\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        ["plan", str(EXAMPLES / "groep5.csv"), "-j", YEAR, "-f", "json", "--wensen", str(wishes)],
    )
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    november = [i for i in items if i["gesprek"] == "voortgangsgesprek"]
    assert november and all(i["leerkrachten"] == ["Pieter Jansen"] for i in november)
    for i in items:
        if i["start"] and i["leerkrachten"] == ["Pieter Jansen"]:
            assert i["eind"][11:16] <= "16:00"
        if i["start"] and i["leerkrachten"] == ["Anna de Boer"]:
            assert not i["start"].startswith("2026-11")


@pytest.mark.parametrize("option", ["--wensen", "--vorig"])
def test_binary_wishes_or_previous_plan_is_one_clear_message(
    runner: CliRunner, tmp_path: Path, option: str
) -> None:
    garbage = tmp_path / "rommel.bin"
    garbage.write_bytes(bytes(range(256)) * 8)
    out = tmp_path / "plan.json"
    result = runner.invoke(
        app,
        ["plan", str(EXAMPLES / "groep5.csv"), "-j", YEAR, option, str(garbage), "-o", str(out)],
    )
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "rommel.bin" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_an_unmet_wish_names_the_pupil_and_the_conversation(
    runner: CliRunner, tmp_path: Path
) -> None:
    first, _, _ = run_json(runner)
    pupil = next(i for i in first if i["gesprek"] == "startgesprek" and i["start"])
    wishes = tmp_path / "wensen.yaml"
    wishes.write_text(
        "wensen:\n"
        f"  - {{wie: leerling, id: '{pupil['leerling']}', gesprek: startgesprek, "
        "liever: 'na 20.00'}\n",
        encoding="utf-8",
    )
    _, stderr, code = run_json(runner, "--wensen", str(wishes))
    assert code == 0, stderr
    (line,) = [line for line in stderr.splitlines() if "[wens-niet-gelukt]" in line]
    assert f"{pupil['naam']} (Startgesprek): wens 'na 20.00' niet gelukt" in line
    assert pupil["id"] not in line
    # a view of another class does not name this pupil (issue 14.4): the warning's subject
    other = next(i for i in first if i["klas"] != pupil["klas"] and i["leerling"])
    _, elsewhere, code = run_json(runner, "--wensen", str(wishes), "--klas", str(other["klas"]))
    assert code == 0, elsewhere
    assert "[wens-niet-gelukt]" not in elsewhere and "niet getoond" in elsewhere
    _, own, _ = run_json(runner, "--wensen", str(wishes), "--klas", str(pupil["klas"]))
    assert "[wens-niet-gelukt]" in own


def test_a_family_too_large_for_one_day_is_split_and_named(
    runner: CliRunner, tmp_path: Path
) -> None:
    # fifteen pupils of one class share a gezin (as with a placeholder e-mail): more than the
    # ten conversations a teacher holds per day, so the family is split over days
    lines = (EXAMPLES / "groep5.csv").read_text(encoding="utf-8-sig").splitlines()
    header, rows = lines[0], lines[1:]
    column = header.split(";").index("gezin")
    for i in range(15):
        cells = rows[i].split(";")
        cells[column] = "9999"
        rows[i] = ";".join(cells)
    roster = tmp_path / "groot.csv"
    roster.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    table = runner.invoke(app, ["plan", str(roster), "-j", YEAR])
    assert table.exit_code == 0, table.output
    assert (
        "niet aansluitend" in table.stdout
        and "gezin g-9999 (Startgesprek, ronde 1)" in table.stdout
    )
    assert "[gezin-gesplitst]" in table.stdout + table.stderr
    result = runner.invoke(app, ["plan", str(roster), "-j", YEAR, "-f", "json"])
    items = json.loads(result.stdout)
    family = [i for i in items if i["gezin"] == "g-9999" and i["gesprek"] == "startgesprek"]
    assert len(family) >= 15  # pupils sharing an e-mail with them join the family
    # the second households' talks (".h2") are a round of their own, back to back
    first = [i for i in family if not i["id"].endswith(".h2")]
    assert all("broers/zussen niet aansluitend: verdeeld over" in i["opmerking"] for i in first)

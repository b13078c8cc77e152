"""One channel for problems: coded ``Problem`` lines, ``--strict``, ``--samenvatting``."""

from __future__ import annotations

import json
from pathlib import Path

from support import EXAMPLES, ROOT, YEAR
from typer.testing import CliRunner

from gesprekken_cli.cli import app

SOCIAL = str(EXAMPLES / "socialschools.csv")  # three classes without a teacher: one warning
GROEP5 = str(EXAMPLES / "groep5.csv")  # nothing to warn about


def runner() -> CliRunner:
    return CliRunner()


def test_a_plan_warning_is_printed_as_validate_prints_it() -> None:
    result = runner().invoke(app, ["plan", SOCIAL, "-j", YEAR, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "waarschuwing" in line]
    assert line.startswith(f"{SOCIAL}: waarschuwing: klassen zonder leerkracht: ")
    assert line.endswith("]")  # the code, to look up in docs/meldingen.md
    assert isinstance(json.loads(result.stdout), list)


def test_strict_counts_warnings_for_every_plan_command(tmp_path: Path) -> None:
    calls = {
        "plan": ["plan", SOCIAL, "-j", YEAR, "-f", "json"],
        "checklist": ["checklist", SOCIAL, "-j", YEAR, "-o", str(tmp_path / "c"), "-f", "md"],
        "ics": ["ics", SOCIAL, "-j", YEAR, "-o", str(tmp_path / "i"), "--per", "school"],
        "overzicht": ["overzicht", "-j", YEAR, "--rooster", SOCIAL],
    }
    for name, args in calls.items():
        relaxed = runner().invoke(app, args)
        assert relaxed.exit_code == 0, (name, relaxed.stderr)
        again = ["--force"] if name in {"checklist", "ics"} else []
        strict = runner().invoke(app, [*args, *again, "--strict"])
        assert strict.exit_code == 1, (name, strict.stderr)
    clean = runner().invoke(app, ["plan", GROEP5, "-j", YEAR, "-f", "json", "--strict"])
    assert clean.exit_code == 0, clean.stderr


def test_rooster_strict_counts_the_readers_warnings() -> None:
    assert runner().invoke(app, ["rooster", SOCIAL, "-j", YEAR]).exit_code == 0
    assert runner().invoke(app, ["rooster", SOCIAL, "-j", YEAR, "--strict"]).exit_code == 1
    assert runner().invoke(app, ["rooster", GROEP5, "-j", YEAR, "--strict"]).exit_code == 0


def test_a_stale_calendar_is_a_coded_warning_on_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "agenda"
    out.mkdir()
    (out / "gezin-weg.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    args = ["ics", GROEP5, "-j", YEAR, "-o", str(out), "--per", "school", "--force"]
    result = runner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert f"{out}: waarschuwing: 1 oudere agenda hoort niet bij dit plan" in result.stderr
    assert "gezin-weg.ics" in result.stderr and "[oude-agenda]" in result.stderr
    assert runner().invoke(app, [*args, "--strict"]).exit_code == 1


def test_samenvatting_is_a_json_object_beside_the_plan(tmp_path: Path) -> None:
    summary = tmp_path / "samenvatting.json"
    plan = tmp_path / "plan.json"
    args = ["plan", SOCIAL, "-j", YEAR, "-f", "json", "-o", str(plan)]
    result = runner().invoke(app, [*args, "--samenvatting", str(summary)])
    assert result.exit_code == 0, result.stderr
    assert isinstance(json.loads(plan.read_text("utf-8")), list)
    data = json.loads(summary.read_text("utf-8"))
    assert set(data) >= {"kwaliteit", "meldingen", "niet_ingepland"}
    assert data["kwaliteit"]["ingepland"]
    (melding,) = data["meldingen"]
    assert melding["bestand"] == SOCIAL and melding["ernst"] == "waarschuwing"
    assert melding["code"] and melding["melding"].startswith("klassen zonder leerkracht")
    assert set(melding) == {"bestand", "regel", "kolom", "sleutel", "code", "ernst", "melding"}
    assert data["niet_ingepland"] == {"aantal": 0, "per_reden": []}
    again = runner().invoke(app, [*args, "--force", "--samenvatting", str(summary)])
    assert again.exit_code == 0, again.stderr
    exists = runner().invoke(app, ["plan", GROEP5, "-j", YEAR, "--samenvatting", str(summary)])
    assert exists.exit_code == 2 and not exists.stdout  # nothing shown, nothing half-written


def test_samenvatting_counts_the_unplaced_per_reason(tmp_path: Path) -> None:
    rules = tmp_path / "cycle.yaml"
    text = (ROOT / "rules" / "cycle.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "{studiedag: studiedag-groep-8, uitloop_dagen: 5}", "{studiedag: studiedag-groep-8}"
    )
    rules.write_text(text.replace("max_per_dag: 20", "max_per_dag: 2"), encoding="utf-8")
    summary = tmp_path / "s.json"
    school = str(EXAMPLES / "school.csv")
    args = ["plan", school, "-r", str(rules), "-j", YEAR, "-f", "json", "-o", str(tmp_path / "p")]
    result = runner().invoke(app, [*args, "--samenvatting", str(summary)])
    assert result.exit_code == 0, result.stderr
    unplaced = json.loads(summary.read_text("utf-8"))["niet_ingepland"]
    assert unplaced["aantal"] > 0
    assert sum(r["aantal"] for r in unplaced["per_reden"]) == unplaced["aantal"]
    assert "okr-gesprek" in {r["gesprek"] for r in unplaced["per_reden"]}
    assert all(r["reden"] and r["aantal"] > 0 for r in unplaced["per_reden"])

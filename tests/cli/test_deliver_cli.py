"""`gesprekken uitnodigingen` and `gesprekken dag` end to end; the progress bar's terminal rule."""

from __future__ import annotations

import io
import sys
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from support import DUIF, EXAMPLES, YEAR
from typer.testing import CliRunner

from gesprekken_cli.cli import app
from gesprekken_cli.cli.views import progress

GROEP5 = EXAMPLES / "groep5.csv"


def test_groep5_round_writes_a_message_per_household_and_a_letter_without_address(
    tmp_path: Path,
) -> None:
    # The issue's own command on the shipped roster: Sanne de Boer's parents (gezin 1015)
    # have no e-mail address, so her invitation is a printed letter.
    out = tmp_path / "u"
    result = CliRunner().invoke(
        app,
        ["uitnodigingen", str(GROEP5), "-r", str(DUIF), "-j", YEAR, "--gesprek",
         "voortgangsgesprek", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    letters = [n for n in names if n.startswith("brief-")]
    assert letters == ["brief-g-1015-voortgangsgesprek.1.html"]
    assert "brief-g-1015-voortgangsgesprek.1.html" in result.stderr
    emls = [n for n in names if n.endswith(".eml")]
    assert len(emls) == 26 and "uitnodigingen.csv" in names
    letter = (out / "brief-g-1015-voortgangsgesprek.1.html").read_text(encoding="utf-8")
    assert "Sanne de Boer" in letter
    message = BytesParser(policy=policy.default).parsebytes(
        (out / "g-1002-voortgangsgesprek.1.eml").read_bytes()
    )
    assert message["To"] == "ayoub.thart@example.nl"
    plain = message.get_body(("plain",))
    assert plain is not None and "Thijs 't Hart" in plain.get_content()


def test_bad_template_is_exit_1_with_its_line(tmp_path: Path) -> None:
    template = tmp_path / "eigen.j2"
    template.write_text(
        "{% block onderwerp %}x{% endblock %}\n{% block tekst %}{{ a. }}{% endblock %}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app,
        ["uitnodigingen", str(GROEP5), "-r", str(DUIF), "-j", YEAR, "--out",
         str(tmp_path / "u"), "--sjabloon", str(template)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{template}:2:")
    assert not (tmp_path / "u").exists()


@pytest.mark.parametrize(
    ("option", "value", "code", "said"),
    [
        ("--afzender", "geen adres", 2, "--afzender: geen e-mailadres: 'geen adres'"),
        ("--sjabloon", "ontbreekt.j2", 2, "ontbreekt.j2: bestand bestaat niet"),
        ("--sjabloon", "latin1.j2", 1, "latin1.j2: sjabloon: geen UTF-8 (byte 21)"),
    ],
)
def test_sender_and_template_faults_get_the_clis_exit_code(
    tmp_path: Path, option: str, value: str, code: int, said: str
) -> None:
    """Issue 14.3: the renderers raise AddressError and TemplateError; the CLI picks 2 or 1."""
    (tmp_path / "latin1.j2").write_bytes(
        "{% block onderwerp %}\xe9{% endblock %}".encode("latin-1")
    )
    if option == "--sjabloon":
        value = str(tmp_path / value)
    result = CliRunner().invoke(
        app,
        ["uitnodigingen", str(GROEP5), "-r", str(DUIF), "-j", YEAR, "--out",
         str(tmp_path / "u"), option, value],
    )  # fmt: skip
    assert result.exit_code == code, result.output
    assert said in result.stderr
    assert not (tmp_path / "u").exists()


def test_dag_writes_day_sheets_and_refuses_unknown_teacher_or_date(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["dag", "02-11-2026", str(GROEP5), "-r", str(DUIF), "-j", YEAR]
    ok = runner.invoke(app, [*args, "--html", str(tmp_path / "dag.html")])
    assert ok.exit_code == 0, ok.output
    page = (tmp_path / "dag.html").read_text(encoding="utf-8")
    assert "<h1>Anna de Boer</h1>" in page and "maandag 2 november 2026" in page
    who = runner.invoke(
        app, [*args, "--html", str(tmp_path / "x.html"), "--leerkracht", "anna de bor"]
    )
    assert who.exit_code == 2 and "bedoel je: Anna de Boer" in who.stderr
    bad = runner.invoke(app, ["dag", "31-02-2026", str(GROEP5), "--html", str(tmp_path / "y")])
    assert bad.exit_code == 2 and "geen datum" in bad.stderr


def test_progress_is_silent_unless_stderr_is_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet = io.StringIO()
    monkeypatch.setattr(sys, "stderr", quiet)
    with progress("Agenda's", 100) as tick:
        for _ in range(100):
            tick()
    assert quiet.getvalue() == ""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress("Agenda's", 100) as tick:
        for _ in range(100):
            tick()
    assert "Agenda's" in terminal.getvalue()


def test_one_email_and_one_letter_are_counted_in_the_singular(tmp_path: Path) -> None:
    roster = tmp_path / "twee.csv"
    roster.write_text(
        "leerlingnummer;roepnaam;achternaam;groep;klas;leerkracht;gezin;e-mail ouder 1\n"
        "1;Aaf;Akker;5;5A;Mira Rood;h1;aaf@example.org\n"
        "2;Bas;Berg;5;5A;Mira Rood;h2;\n",
        encoding="utf-8",
    )
    out = tmp_path / "u"
    result = CliRunner().invoke(
        app,
        ["uitnodigingen", str(roster), "-r", str(DUIF), "-j", YEAR, "--gesprek",
         "voortgangsgesprek", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"Geschreven: 1 e-mail, 1 brief en uitnodigingen.csv in {out}" in result.stderr


def test_a_real_send_without_a_sender_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    out = tmp_path / "u"
    result = CliRunner().invoke(
        app,
        [
            "uitnodigingen",
            str(GROEP5),
            "-j",
            YEAR,
            "--out",
            str(out),
            "--gesprek",
            "voortgangsgesprek",
            "--verstuur",
            "--echt",
            "--smtp",
            "localhost:1",
        ],
    )
    assert result.exit_code == 2
    assert "--afzender: nodig om echt te versturen" in result.stderr
    assert not out.exists()


def test_a_round_written_over_another_names_the_old_files_and_sends_only_its_own(
    tmp_path: Path,
) -> None:
    out = tmp_path / "u"
    base = ["uitnodigingen", str(GROEP5), "-r", str(DUIF), "-j", YEAR, "--out", str(out)]
    first = CliRunner().invoke(app, [*base, "--gesprek", "startgesprek"])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(app, [*base, "--gesprek", "voortgangsgesprek", "--force"])
    assert again.exit_code == 0, again.output
    assert "[oude-uitnodiging]" in again.stderr and "startgesprek" in again.stderr
    assert "worden niet verstuurd" in again.stderr


def test_a_long_list_of_letters_points_to_the_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gesprekken_cli.cli import deliver_commands

    monkeypatch.setattr(deliver_commands, "LETTERS_SHOWN", 5)
    lines = GROEP5.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    first, second = header.index("e-mail ouder 1"), header.index("e-mail ouder 2")
    rows = [lines[0]]
    for line in lines[1:]:
        cells = line.split(";")
        cells[first] = cells[second] = ""
        rows.append(";".join(cells))
    roster = tmp_path / "zonder.csv"
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["uitnodigingen", str(roster), "-r", str(DUIF), "-j", YEAR, "--gesprek",
         "voortgangsgesprek", "--out", str(tmp_path / "u")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    listed = [n for n in result.stderr.splitlines() if n.startswith("  ") and "brief-" in n]
    assert len(listed) == 5
    total = len(list((tmp_path / "u").glob("brief-*.html")))
    assert total > 5
    assert f"… en {total - 5} meer: zie de kolom Brief in uitnodigingen.csv" in result.stderr

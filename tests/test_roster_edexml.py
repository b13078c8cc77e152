"""EDEXML rosters: fields, groepsleerkrachten, namespaces, families join, hostile XML."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support import load

from gesprekken_cli.errors import RosterError
from gesprekken_cli.roster.load import roster_kind

DATA = Path(__file__).parent / "data" / "edexml"


def read(name: str, **kwargs: object) -> object:
    return load(DATA / name, **kwargs)  # type: ignore[arg-type]


def test_pupils_groups_and_teachers_from_the_export() -> None:
    result = load(DATA / "voorbeeld.xml")
    roster = result.roster
    assert result.kind == "edexml"
    assert result.school_year == "2026-2027"
    by_id = {p.pupil_id: p for p in roster.pupils}
    assert list(by_id) == ["5001", "5002", "1201", "1202"]  # peuter and historisch skipped
    sem, zoe, danielle, chidi = by_id.values()
    assert (sem.first_name, sem.last_name, sem.grade, sem.class_name) == (
        "Sem",
        "Jansen",
        5,
        "Groep 5A",
    )
    assert sem.birth_date == date(2018, 3, 2)
    assert sem.start_date == date(2022, 3, 2)
    # no roepnaam: first voornaam; no jaargroep: the basisgroep's
    assert (zoe.first_name, zoe.infix, zoe.last_name, zoe.grade) == ("Zoë", "van der", "Berg", 5)
    # combination group (jaargroep C): the pupil's own jaargroep
    assert (danielle.grade, chidi.grade) == (1, 2)
    assert danielle.start_date == date(2026, 11, 20)
    five = roster.klass("Groep 5A")
    assert five is not None
    # a duo for free; the stagiair (rol STA/OWA on the link) is not a groepsleerkracht
    assert [t.name for t in five.teachers] == ["Anna de Boer", "Pieter Jansen"]
    kleuters = roster.klass("1/2B")
    assert kleuters is not None and kleuters.grades == (1, 2)
    # initials when there is no roepnaam; the IB'er (rol IB) is not a groepsleerkracht
    assert [t.name for t in kleuters.teachers] == ["S. Kok"]
    warnings = " | ".join(w.message for w in roster.warnings)
    assert "1 leerling overgeslagen: jaargroep 0 (peutergroep)" in warnings
    assert "1 leerling overgeslagen: jaargroep H" in warnings
    # the export has no families: the count and the hint are in the warnings
    assert "4 leerlingen zonder gezinskoppeling" in warnings
    assert "--gezinnen" in warnings


@pytest.mark.parametrize("name", ["met-namespace.xml", "met-prefix.xml"])
def test_namespaces_change_nothing(name: str) -> None:
    plain = load(DATA / "voorbeeld.xml").roster
    other = load(DATA / name).roster
    assert other.pupils == plain.pupils
    assert other.classes == plain.classes


def test_families_file_with_a_control_character_names_it_with_its_position(
    tmp_path: Path,
) -> None:
    """The families file goes through the same YAML reader as the rules: a Shift-Enter from
    Word (U+000B) was an English message with a character offset and no line."""
    families = tmp_path / "gezinnen.yaml"
    families.write_text('leerlingen:\n  - {leerlingnummer: "5001", gezin: "7\x0b"}\n')
    with pytest.raises(RosterError) as caught:
        load(DATA / "voorbeeld.xml", families_file=families)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (2, 39), problem.render()
    assert "stuurteken U+000B" in problem.message and "position" not in problem.message


def test_families_file_joins_on_leerlingnummer_and_class(tmp_path: Path) -> None:
    families = tmp_path / "gezinnen.yaml"
    families.write_text(
        "leerlingen:\n"
        '  - {leerlingnummer: "5001", gezin: 7, e-mail: [a@example.nl, b@example.nl]}\n'
        '  - {leerlingnummer: "1202", gezin: 7, huishoudens: 2, kenmerken: [Zorg]}\n'
        '  - {leerlingnummer: "9999", gezin: 8}\n'
        "klassen:\n"
        "  - klas: groep 5a\n"
        "    leerkrachten: Anna de Boer (ma-wo) / Pieter Jansen (do, vr)\n"
        "    nieuwe_leerkracht: ja\n",
        encoding="utf-8",
    )
    roster = load(DATA / "voorbeeld.xml", families_file=families).roster
    by_id = {p.pupil_id: p for p in roster.pupils}
    assert by_id["5001"].family_id == by_id["1202"].family_id == "g-7"
    assert by_id["5001"].guardian_emails == ("a@example.nl", "b@example.nl")
    assert by_id["1202"].households == 2
    assert by_id["1202"].traits == frozenset({"zorg"})
    five = roster.klass("Groep 5A")
    assert five is not None and five.new_teacher
    assert [sorted(t.workdays) for t in five.teachers] == [[0, 1, 2], [3, 4]]
    warnings = " | ".join(w.message for w in roster.warnings)
    assert "2 leerlingen zonder gezinskoppeling" in warnings
    assert "1 leerlingnummer(s) uit het gezinnenbestand staan niet in het rooster: 9999" in warnings


def test_a_fault_in_the_families_file_points_at_it(tmp_path: Path) -> None:
    families = tmp_path / "gezinnen.csv"
    families.write_text("leerlingnummer;e-mail ouder 1\n5001;geen-adres\n", encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        load(DATA / "voorbeeld.xml", families_file=families)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.column, problem.code) == (
        str(families),
        2,
        2,
        "roster.bad-email",
    )


def test_a_fault_in_a_pupil_points_at_its_element(tmp_path: Path) -> None:
    text = (DATA / "voorbeeld.xml").read_text(encoding="utf-8")
    path = tmp_path / "export.dat"  # found by content, not by extension
    path.write_text(
        text.replace(
            "<geboortedatum>2018-07-14</geboortedatum>", "<geboortedatum>gisteren</geboortedatum>"
        ).replace("<achternaam>Okafor</achternaam>", ""),
        encoding="utf-8",
    )
    with pytest.raises(RosterError) as caught:
        load(path)
    lines = text.splitlines()
    born = next(i for i, line in enumerate(lines, 1) if "2018-07-14" in line)
    okafor = next(i for i, line in enumerate(lines, 1) if 'key="1202"' in line)
    found = {(p.line, p.key, p.code) for p in caught.value.problems}
    assert (born, "geboortedatum", "roster.bad-date") in found
    assert (okafor, "achternaam", "roster.empty") in found  # no element: the <leerling>


@pytest.mark.parametrize(
    ("name", "code", "line"),
    [
        ("billion-laughs.xml", "edexml.unsafe", 2),
        ("external-entity.xml", "edexml.unsafe", 2),
        ("dtd.xml", "edexml.unsafe", 2),
        ("truncated.xml", "edexml.malformed", None),
        ("mismatched.xml", "edexml.malformed", 5),
        ("geen-edex.xml", "edexml.root", 2),
    ],
)
def test_hostile_or_broken_xml_is_refused_with_a_position(
    name: str, code: str, line: int | None
) -> None:
    with pytest.raises(RosterError) as caught:
        load(DATA / name)
    (problem,) = caught.value.problems
    assert problem.code == code
    assert problem.line is not None and problem.column is not None
    if line is not None:
        assert problem.line == line
    assert "passwd" not in problem.message and "lol" not in problem.message


def test_too_large_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    from gesprekken_cli.roster import text

    monkeypatch.setattr(text, "MAX_BYTES", 1000)
    with pytest.raises(RosterError) as caught:
        load(DATA / "voorbeeld.xml")
    assert caught.value.problems[0].code == "roster.too-large"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b'<?xml version="1.0"?><EDEX>', "edexml"),
        (b"\xef\xbb\xbf  \n<EDEX>", "edexml"),
        (b"\xff\xfe" + "<?xml?>".encode("utf-16-le"), "edexml"),
        (b"PK\x03\x04rest", "xlsx"),
        (
            b"PK\x03\x04" + bytes(26) + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
            "ods",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
        (b"leerlingnummer;roepnaam", "csv"),
    ],
)
def test_kind_is_found_by_content(head: bytes, kind: str) -> None:
    assert roster_kind(head) == kind

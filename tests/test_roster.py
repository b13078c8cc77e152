"""Roster reader: encodings, dialects, header aliases, teachers, families and bad input."""

from __future__ import annotations

import csv
import io
import random
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import DUIF, YEAR, read_roster, roster_from_bytes
from typer.testing import CliRunner

from gesprekken_cli.cli import app
from gesprekken_cli.errors import GesprekkenError, RosterError
from gesprekken_cli.model import Klass, Pupil, Teacher
from gesprekken_cli.roster.build import roster_from_table
from gesprekken_cli.roster.classes import read_classes
from gesprekken_cli.roster.csvtable import csv_table, plain_lines
from gesprekken_cli.roster.teachers import parse_teachers
from gesprekken_cli.roster.values import class_grades

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BAD = Path(__file__).resolve().parent / "data" / "bad" / "roster"
NAMES = ("Zoë", "Daniëlle", "Çelik", "Ngozi-Ó'Brien")


def _expected(path: Path) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), []).append(value.strip())
    return fields


@pytest.mark.parametrize("case", sorted(BAD.glob("*.csv")), ids=lambda p: p.stem)
def test_bad_roster_reports_row_and_column(case: Path) -> None:
    expected = _expected(case.with_suffix(".expected"))
    with pytest.raises(GesprekkenError) as caught:
        roster_from_bytes(case.read_bytes(), source=str(case))  # as CSV, whatever it holds
    error = caught.value
    assert isinstance(error, RosterError)
    assert error.exit_code == int(expected["exit"][0])
    problem = error.problems[0]
    assert problem.file == str(case)
    if "line" in expected:
        assert problem.line == int(expected["line"][0])
    if "key" in expected:
        assert problem.key == expected["key"][0]
    if "code" in expected:
        assert problem.code == expected["code"][0]
    for part in expected.get("message", []):
        assert part in problem.message
    assert "Traceback" not in str(error)


def test_missing_file_is_io_error(tmp_path: Path) -> None:
    with pytest.raises(GesprekkenError) as caught:
        read_roster(tmp_path / "weg.csv")
    assert caught.value.exit_code == 2
    assert not isinstance(caught.value, RosterError)
    assert caught.value.problems[0].message == "bestand bestaat niet"  # as for the rules file


def test_all_faults_are_collected() -> None:
    raw = (
        b"leerlingnummer;roepnaam;achternaam;geboortedatum;groep;klas\n"
        b"1;A;B;31-02-2016;5;5A\n"
        b"2;C;D;01-01-2016;0;5A\n"
        b"1;E;F;01-01-2016;5;5A\n"
    )
    with pytest.raises(RosterError) as caught:
        roster_from_bytes(raw, source="r.csv")
    codes = [(p.line, p.code) for p in caught.value.problems]
    assert codes == [(2, "roster.bad-date"), (3, "roster.bad-grade"), (4, "roster.duplicate-id")]
    assert caught.value.problems[0].column == 4


ROSTER = [
    ["leerlingnummer", "roepnaam", "tussenvoegsel", "achternaam", "groep", "klas", "leerkracht"],
    ["1", "Zoë", "van der", "Berg", "5", "5A", "Anna de Boer (ma, di) / Pieter Jansen (wo-vr)"],
    ["2", "Daniëlle", "", "Çelik", "5", "5A", "Anna de Boer (ma, di) / Pieter Jansen (wo-vr)"],
    ["3", "Chidi", "", "Ngozi-Ó'Brien", "5", "5A", "Anna de Boer (ma, di) / Pieter Jansen (wo-vr)"],
]


def _csv(rows: list[list[str]], sep: str) -> str:
    def cell(value: str) -> str:
        if sep in value or '"' in value or "\n" in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    return "\r\n".join(sep.join(cell(v) for v in row) for row in rows) + "\r\n\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_encodings_and_delimiters_keep_names_intact(encoding: str, sep: str) -> None:
    roster = roster_from_bytes(_csv(ROSTER, sep).encode(encoding), source="r.csv")
    names = [(p.first_name, p.infix, p.last_name) for p in roster.pupils]
    assert names == [
        ("Zoë", "van der", "Berg"),
        ("Daniëlle", "", "Çelik"),
        ("Chidi", "", "Ngozi-Ó'Brien"),
    ]
    assert roster.classes[0].teachers[1] == Teacher("Pieter Jansen", frozenset({2, 3, 4}))


def test_excel_sep_hint_line_sets_delimiter_and_is_not_a_row() -> None:
    raw = ("sep=,\r\n" + _csv(ROSTER, ",")).encode("utf-8-sig")
    roster = roster_from_bytes(raw, source="r.csv")
    assert [p.row for p in roster.pupils] == [2, 3, 4]


def test_undecodable_bytes_are_an_error() -> None:
    raw = b"roepnaam;achternaam\n" + b"\x81\x8d\xc3;x\n"
    with pytest.raises(RosterError) as caught:
        roster_from_bytes(raw, source="r.csv")
    assert caught.value.problems[0].code == "roster.encoding"


def test_quoted_field_with_delimiter_and_newline() -> None:
    rows = [*ROSTER, ["4", "Sem", "", "Bakker", "5", "5A", "Anna de Boer;\nPieter Jansen"]]
    raw = _csv(rows, ";").encode()
    roster = roster_from_bytes(raw, source="r.csv")
    assert [p.row for p in roster.pupils] == [2, 3, 4, 5]
    differs = [w for w in roster.warnings if w.code == "roster.teacher-differs"]
    assert [(w.line, w.column, w.key, w.severity) for w in differs] == [
        (5, 7, "leerkracht", "warning")
    ]
    assert differs[0].message.startswith("rij 5: leerkracht wijkt af")


def test_header_aliases_and_spacing() -> None:
    header = [
        " LLNR ",
        "Voornaam",
        "Voorvoegsels",
        "Achter_naam",
        "Jaargroep",
        "Stamgroep",
        "Leerkrachten",
        "E-mail ouder1",
        "Email  Ouder 2",
        "Gezinsnummer",
        "Instroomdatum",
        "Nieuwe leerkracht",
        "Gescheiden",
        "Kenmerken",
        "Schoenmaat",
    ]
    row = [
        "7",
        "Zoë",
        "de",
        "Vries",
        "8",
        "Uilen",
        "Juf Ans",
        "A@Example.nl",
        "b@example.nl",
        "44",
        "1-9-2026",
        "ja",
        "ja",
        "Doorstroomtoets_hoger; dyslexie",
        "33",
    ]
    roster = roster_from_table(header, [(2, row)], source="t")
    pupil = roster.pupils[0]
    assert (pupil.pupil_id, pupil.first_name, pupil.infix, pupil.last_name) == (
        "7",
        "Zoë",
        "de",
        "Vries",
    )
    assert (pupil.grade, pupil.class_name) == (8, "Uilen")
    assert pupil.guardian_emails == ("a@example.nl", "b@example.nl")
    assert pupil.family_id == "g-44"
    assert pupil.start_date == date(2026, 9, 1)
    assert pupil.new_teacher is True
    assert pupil.households == 2
    assert pupil.traits == frozenset({"doorstroomtoets_hoger", "dyslexie"})
    assert roster.classes[0].new_teacher
    assert roster.classes[0].teachers == (Teacher("Juf Ans"),)
    unknown = [w for w in roster.warnings if w.code == "roster.unknown-columns"]
    assert len(unknown) == 1 and "Schoenmaat" in unknown[0].message


def test_header_map_maps_a_schools_own_header() -> None:
    header = ["Nummer", "roepnaam", "achternaam", "Basisgroep"]
    roster = roster_from_table(
        header,
        [(2, ["9", "Zoë", "Jansen", "4B"]), (3, ["10", "Sem", "Bakker", "Groep 6B"])],
        source="t",
        header_map={"nummer": "leerlingnummer", "basis_groep": "klas"},
    )
    assert [p.pupil_id for p in roster.pupils] == ["9", "10"]
    assert roster.pupils[1].grade == 6
    with pytest.raises(RosterError):
        roster_from_table(["x"], [], source="t", header_map={"x": "schoenmaat"})


def test_klas_defaults_to_groep_when_missing() -> None:
    roster = roster_from_table(
        ["id", "roepnaam", "achternaam", "groep"], [(2, ["1", "A", "B", "3"])], source="t"
    )
    assert roster.pupils[0].class_name == "Groep 3"
    assert roster.classes[0].grades == (3,)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Anna de Boer (ma, di) / Pieter Jansen (wo-vr)",
            [("Anna de Boer", {0, 1}), ("Pieter Jansen", {2, 3, 4})],
        ),
        ("Anna (maandag t/m woensdag) & Piet (do, vr)", [("Anna", {0, 1, 2}), ("Piet", {3, 4})]),
        ("Anna + Piet", [("Anna", set()), ("Piet", set())]),
        ("Anna en Piet (vrijdag)", [("Anna", set()), ("Piet", {4})]),
        ("Juf Ans; Meester Bas (di-do)", [("Juf Ans", set()), ("Meester Bas", {1, 2, 3})]),
        ("Ben Stevens", [("Ben Stevens", set())]),
    ],
)
def test_duo_teachers_with_workdays(text: str, expected: list[tuple[str, set[int]]]) -> None:
    assert [(t.name, set(t.workdays)) for t in parse_teachers(text)] == expected


@pytest.mark.parametrize("text", ["Anna (za)", "Anna (vr-ma)", "Anna (ma", "(ma, di)"])
def test_bad_teacher_text_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_teachers(text)


def test_bad_teacher_in_roster_names_row_and_column() -> None:
    header = ["id", "roepnaam", "achternaam", "groep", "klas", "Leerkracht"]
    with pytest.raises(RosterError) as caught:
        roster_from_table(header, [(2, ["1", "A", "B", "5", "5A", "Anna (zondag)"])], source="t")
    problem = caught.value.problems[0]
    assert (problem.line, problem.key, problem.code) == (2, "Leerkracht", "roster.bad-teacher")


def test_class_grades_from_names() -> None:
    assert class_grades("Groep 5A") == (5,)
    assert class_grades("5A") == (5,)
    assert class_grades("1/2B") == (1, 2)
    assert class_grades("Uilen") == ()


def test_social_schools_layout_with_classes_file() -> None:
    path = EXAMPLES / "socialschools.csv"
    first = read_roster(path, classes_file=EXAMPLES / "klassen.csv")
    again = read_roster(path, classes_file=EXAMPLES / "klassen.csv")
    assert len(first.pupils) == 21
    assert [p.pupil_id for p in first.pupils] == [p.pupil_id for p in again.pupils]
    assert all(p.pupil_id.startswith("ll-") and len(p.pupil_id) == 13 for p in first.pupils)
    assert len({p.pupil_id for p in first.pupils}) == 21
    by_name = {k.name: k for k in first.classes}
    assert by_name["Groep 5A"].new_teacher
    assert by_name["Groep 5A"].teachers[0].away == {date(2026, 11, 12), date(2026, 11, 13)}
    assert [t.name for t in by_name["1/2B"].teachers] == ["Sandra Kok", "Kees Blom"]
    assert by_name["1/2B"].grades == (1, 2)
    assert {p.grade for p in first.pupils if p.class_name == "8"} == {8}
    assert {p.first_name for p in first.pupils} >= {"Zoë", "Daniëlle"}


def test_social_schools_combined_class_needs_leerjaar() -> None:
    header = ["Roepnaam", "Tussenvoegsel", "Achternaam", "Geboortedatum", "Klasnaam", "Leerjaar"]
    with pytest.raises(RosterError) as caught:
        roster_from_table(
            header, [(2, ["Zoë", "", "Jansen", "01-02-2021", "1/2B", ""])], source="t"
        )
    problem = caught.value.problems[0]
    assert problem.line == 2
    assert problem.key == "Leerjaar"
    assert "groep onbekend: klas 1/2B combineert groep 1 en 2; vul Leerjaar in" in problem.message


def test_yaml_classes_file(tmp_path: Path) -> None:
    path = tmp_path / "klassen.yaml"
    path.write_text(
        "klassen:\n"
        "  - klas: 5A\n"
        "    leerkrachten:\n"
        "      - {naam: Anna de Boer, werkdagen: [ma, di]}\n"
        "      - naam: Pieter Jansen\n"
        "        werkdagen: wo-vr\n"
        "    nieuwe_leerkracht: true\n"
        "  - klas: 3\n"
        "    leerkrachten: Juf Ans (ma t/m vr)\n",
        encoding="utf-8",
    )
    five, three = read_classes(path)
    assert five.teachers == (
        Teacher("Anna de Boer", frozenset({0, 1})),
        Teacher("Pieter Jansen", frozenset({2, 3, 4})),
    )
    assert five.new_teacher and five.grades == (5,)
    assert three.name == "3" and three.teachers[0].workdays == frozenset(range(5))


def test_yaml_classes_file_fault_has_position(tmp_path: Path) -> None:
    path = tmp_path / "klassen.yml"
    path.write_text("klassen:\n  - klas: 5A\n    leerkrachten: [{naam: A, werkdagen: [za]}]\n")
    with pytest.raises(RosterError) as caught:
        read_classes(path)
    assert caught.value.problems[0].line == 3


def test_siblings_via_gezin_column() -> None:
    header = ["id", "roepnaam", "achternaam", "groep", "klas", "gezin"]
    rows = [(2, ["1", "A", "X", "3", "3A", "77"]), (3, ["2", "B", "X", "6", "6A", "77"])]
    roster = roster_from_table(header, rows, source="t")
    assert {p.family_id for p in roster.pupils} == {"g-77"}


def test_siblings_via_shared_email_are_transitive() -> None:
    header = ["id", "roepnaam", "achternaam", "groep", "klas", "email ouder 1", "email ouder 2"]
    rows = [
        (2, ["1", "A", "X", "3", "3A", "p@example.nl", ""]),
        (3, ["2", "B", "X", "5", "5A", " Q@example.nl", "P@example.nl "]),
        (4, ["3", "C", "Y", "7", "7A", "q@example.nl", ""]),
        (5, ["4", "D", "Z", "7", "7A", "z@example.nl", ""]),
        (6, ["5", "E", "Z", "8", "8A", "", ""]),
    ]
    roster = roster_from_table(header, rows, source="t")
    families = [p.family_id for p in roster.pupils]
    assert families[0] == families[1] == families[2]
    assert families[0] is not None and families[0].startswith("f-")
    assert families[3] not in (None, families[0])
    assert families[4] is None
    assert any(
        w.code == "roster.no-family" and w.message.startswith("1 leerling zonder gezinskoppeling")
        for w in roster.warnings
    )
    rerun = roster_from_table(header, list(reversed(rows)), source="t")
    assert {p.family_id for p in rerun.pupils} == set(families)


@pytest.mark.parametrize(
    "text", ["05-09-2016", "5-9-2016", "05/09/2016", "2016-09-05", "05.09.2016"]
)
def test_date_formats(text: str) -> None:
    header = ["roepnaam", "achternaam", "geboortedatum", "klas"]
    roster = roster_from_table(header, [(2, ["A", "B", text, "5A"])], source="t")
    assert roster.pupils[0].birth_date == date(2016, 9, 5)


def test_example_rosters_read_cleanly() -> None:
    g5 = read_roster(EXAMPLES / "groep5.csv")
    assert len(g5.pupils) == 28 and [k.name for k in g5.classes] == ["5A"]
    assert len(g5.classes[0].teachers) == 2
    g3 = read_roster(EXAMPLES / "groep3.csv")
    assert g3.classes[0].new_teacher and len(g3.classes[0].teachers) == 1
    g78 = read_roster(EXAMPLES / "groep78.csv")
    assert g78.classes[0].grades == (7, 8)
    hoger = [p for p in g78.pupils if "doorstroomtoets_hoger" in p.traits]
    assert len(hoger) == 2 and {p.grade for p in hoger} == {8}
    for roster in (g5, g3, g78):
        assert {"Zoë", "Daniëlle", "Çelik", "Ngozi-Ó'Brien"} & {
            n for p in roster.pupils for n in (p.first_name, p.last_name)
        }
    school = read_roster(EXAMPLES / "school.csv")
    assert len(school.classes) == 16 and 380 <= len(school.pupils) <= 420
    assert any(p.households == 2 for p in school.pupils)
    late = [p for p in school.pupils if p.start_date and p.start_date > date(2026, 10, 31)]
    assert late and {p.grade for p in late} == {1}
    grades_per_family: dict[str | None, set[int]] = {}
    for p in school.pupils:
        grades_per_family.setdefault(p.family_id, set()).add(p.grade)
    assert any(len(g) > 1 for g in grades_per_family.values())
    assert not school.warnings


def test_twelve_thousand_rows_read_fast() -> None:
    lines = (EXAMPLES / "school.csv").read_bytes().split(b"\r\n")
    header, body = lines[0], [line for line in lines[1:] if line]
    rows = []
    for copy in range(30):
        for line in body:
            rows.append(str(copy).encode() + line)  # unique leerlingnummer per copy
    raw = b"\r\n".join([header, *rows[:12_000]]) + b"\r\n"
    best = min(_timed(raw) for _ in range(3))
    # ~0.12 s on the 2-core reference machine; this guards against quadratic slips only,
    # timing proper belongs in benchmarks/.
    assert best < 1.0


def test_pupil_field_order_matches_positional_construction() -> None:
    # roster_from_table builds Pupil positionally, a column at a time.
    assert list(Pupil._fields)[:14] == [
        "pupil_id",
        "first_name",
        "last_name",
        "grade",
        "class_name",
        "infix",
        "birth_date",
        "guardian_emails",
        "family_id",
        "start_date",
        "new_teacher",
        "households",
        "traits",
        "row",
    ]


@settings(max_examples=300)
@given(
    st.text(alphabet=";,\t\r\n \"'ab\x85\u2028\x0b", max_size=40),
    st.sampled_from([";", ",", "\t"]),
)
def test_plain_split_reads_what_the_csv_reader_reads(text: str, delimiter: str) -> None:
    lines = plain_lines(text)
    if lines is not None:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        assert [line.split(delimiter) if line else [] for line in lines] == list(reader)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(
            st.sampled_from(["", " ", "1", "Anna", " An na ", "An\xa0na", "5", "5A", "x@y.nl"]),
            min_size=6,
            max_size=7,
        ),
        max_size=6,
    ),
    st.sampled_from([";", ","]),
)
def test_columns_give_the_roster_the_rows_give(rows: list[list[str]], delimiter: str) -> None:
    header = ["leerlingnummer", "roepnaam", "achternaam", "groep", "klas", "email"]
    text = "\n".join(delimiter.join(cells) for cells in [header, *rows]) + "\n"

    def read(columns: bool) -> object:
        try:
            table = csv_table(text.encode(), "t", columns=columns)
            return roster_from_table(
                table.header, table.rows, source="t", header_row=table.header_row
            )
        except RosterError as error:
            return error.problems

    assert read(True) == read(False)


def test_teachers_of_a_class_come_from_its_first_row() -> None:
    header = ["leerlingnummer", "roepnaam", "achternaam", "klas", "leerkracht"]
    rows = [
        (2, ["1", "A", "B", "5A", ""]),
        (3, ["2", "C", "D", "6A", "Els (ma)"]),
        (4, ["3", "E", "F", "5A", "Piet"]),
        (5, ["4", "G", "H", "5A", "Joke"]),
        (6, ["5", "I", "J", "6A", "Els (ma)"]),
    ]
    roster = roster_from_table(header, rows, source="t")
    assert roster.klass("5A") == Klass("5A", (5,), (Teacher("Piet"),))
    assert roster.klass("6A") == Klass("6A", (6,), (Teacher("Els", frozenset({0})),))
    assert roster.warnings[0].message == (
        "rij 5: leerkracht wijkt af van rij 4 in klas 5A; die van rij 4 wordt gebruikt"
    )


def _timed(raw: bytes) -> float:
    start = time.perf_counter()
    roster = roster_from_bytes(raw, source="big.csv")
    elapsed = time.perf_counter() - start
    assert len(roster.pupils) == 12_000
    return elapsed


def _parse_or_roster_error(raw: bytes) -> None:
    try:
        roster_from_bytes(raw, source="fuzz.csv")
    except RosterError as error:
        assert error.problems and all(p.message for p in error.problems)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_traceback(raw: bytes) -> None:
    _parse_or_roster_error(raw)


GROEP5 = (EXAMPLES / "groep5.csv").read_bytes()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "replace"]),
            st.integers(min_value=0, max_value=len(GROEP5)),
            st.binary(min_size=1, max_size=8)
            | st.sampled_from([b";", b",", b'"', b"\r\n", b"\n", b"\x00", b"(", b")", b"/"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_groep5_parses_or_raises_roster_error(
    edits: list[tuple[str, int, bytes]],
) -> None:
    raw = bytearray(GROEP5)
    for kind, position, data in edits:
        position = min(position, len(raw))
        if kind == "insert":
            raw[position:position] = data
        elif kind == "delete":
            del raw[position : position + len(data)]
        else:
            raw[position : position + len(data)] = data
    _parse_or_roster_error(bytes(raw))


def test_mutated_text_cells_never_traceback() -> None:
    rng = random.Random(7)
    text = GROEP5.decode("utf-8-sig")
    alphabet = ";,\"'()/-&+ \t\r\nabcdefghijklmnopqrstuvwxyzëÓÇ0123456789@.:"
    for _ in range(300):
        chars = list(text)
        for _ in range(rng.randint(1, 10)):
            chars[rng.randrange(len(chars))] = rng.choice(alphabet)
        _parse_or_roster_error("".join(chars).encode())


def test_messages_quote_at_most_80_characters_of_a_header_cell() -> None:
    long = "Kolom " + "x" * 5000
    raw = f"leerlingnummer;{long};roepnaam\n1;a;b\n".encode()
    with pytest.raises(RosterError) as caught:
        roster_from_bytes(raw, source="r.csv")
    (problem,) = caught.value.problems
    assert problem.code == "roster.missing-column"
    assert "x" * 81 not in problem.render() and "x" * 74 + "…" in problem.message


def test_an_over_long_field_is_a_dutch_fault() -> None:
    raw = b'leerlingnummer;roepnaam;achternaam;klas\n1;"' + b"x" * 200_000 + b'";B;5A\n'
    with pytest.raises(RosterError) as caught:
        roster_from_bytes(raw, source="r.csv")
    (problem,) = caught.value.problems
    assert problem.code == "roster.csv"
    assert problem.message == "regel 2: CSV niet te lezen (een veld is langer dan 131072 tekens)"


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods", ".csv", ".txt", ".xml"])
@pytest.mark.parametrize(
    "content", [b"", b"\xef\xbb\xbf", b"\n\r\n  \n"], ids=["0-bytes", "bom", "witregels"]
)
def test_an_empty_roster_says_it_is_empty_whatever_its_name(
    runner: CliRunner, tmp_path: Path, suffix: str, content: bytes
) -> None:
    """A zero-byte ``.xlsx`` was "de inhoud is gewone tekst (bijv. CSV)"; every empty roster
    now says the same thing, with exit 1."""
    roster = tmp_path / f"rooster{suffix}"
    roster.write_bytes(content)
    result = runner.invoke(app, ["plan", str(roster), "-r", str(DUIF), "-j", YEAR])
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{roster}:1: het bestand is leeg"), line
    assert line.endswith("[roster.empty]") and "gewone tekst" not in line

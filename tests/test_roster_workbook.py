"""Excel rosters: Excel row numbers, dates, cached formula values, sheets, broken workbooks."""

from __future__ import annotations

import contextlib
import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from support import load
from xlsx_files import ods_table, ods_workbook, roster_rows, sheet_xml
from xlsx_files import workbook as workbook_of

from gesprekken_cli.errors import RosterError
from gesprekken_cli.roster import workbook as roster_workbook
from gesprekken_cli.roster import workbook as roster_xlsx

HEADER = ["leerlingnummer", "roepnaam", "achternaam", "geboortedatum", "groep", "klas"]


def book(rows: list[list[object]], *, title: str = "Leerlingen", blank_first: bool = True) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Uitleg"
    sheet.append(["Dit blad is geen rooster"])
    data = workbook.create_sheet(title, 0)
    if blank_first:
        data.append([])
    data.append(HEADER)
    for row in rows:
        data.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_cached_formula(raw: bytes, cell: str, formula: str, cached: str) -> bytes:
    """Replace ``cell`` of the first sheet by a formula with a cached value, as Excel saves."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start) + 4
                text = (
                    text[:start] + f'<c r="{cell}"><f>{formula}</f><v>{cached}</v></c>' + text[end:]
                )
                data = text.encode()
            target.writestr(info, data)
    return out.getvalue()


def write(tmp_path: Path, raw: bytes, name: str = "rooster.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def test_dates_numbers_and_cached_formulas(tmp_path: Path) -> None:
    raw = book(
        [
            [5001, "Sem", "Jansen", datetime(2018, 3, 2), 5, "5A"],
            [5002.0, "Zoë", "Berg", "14-07-2018", 0, "5A"],  # E4 becomes =E3,
        ]
    )
    raw = with_cached_formula(raw, "E4", "E3", "5")
    path = write(tmp_path, raw, "export.bin")  # found by content
    result = load(path)
    assert result.kind == "xlsx"
    sem, zoe = result.roster.pupils
    assert (sem.pupil_id, sem.birth_date.isoformat() if sem.birth_date else None) == (
        "5001",
        "2018-03-02",
    )
    assert (zoe.pupil_id, zoe.grade, zoe.row) == ("5002", 5, 4)  # Excel's row number


def test_faults_carry_the_excel_row(tmp_path: Path) -> None:
    raw = book(
        [
            [5001, "Sem", "Jansen", datetime(2018, 3, 2), 5, "5A"],
            [5002, "Zoë", "", "gisteren", 9, "5A"],
        ]
    )
    with pytest.raises(RosterError) as caught:
        load(write(tmp_path, raw))
    found = {(p.line, p.key, p.code) for p in caught.value.problems}
    assert found == {
        (4, "achternaam", "roster.empty"),
        (4, "geboortedatum", "roster.bad-date"),
        (4, "groep", "roster.bad-grade"),
    }


def test_sheet_by_name(tmp_path: Path) -> None:
    raw = book([[1, "Sem", "Jansen", "", 5, "5A"]], title="Klas 5")
    path = write(tmp_path, raw)
    assert len(load(path, sheet="Klas 5").roster.pupils) == 1
    with pytest.raises(RosterError) as caught:
        load(path, sheet="Klas 6")
    assert caught.value.problems[0].code == "xlsx.no-sheet"
    assert caught.value.exit_code == 2  # a usage fault: the file itself is fine
    assert "Klas 5, Uitleg" in caught.value.problems[0].message


def test_families_csv_joins_an_excel_roster(tmp_path: Path) -> None:
    raw = book([[1, "Sem", "Jansen", "", 5, "5A"], [2, "Zoë", "Jansen", "", 3, "3A"]])
    families = tmp_path / "gezinnen.csv"
    families.write_text("leerlingnummer;gezin\n1;40\n2;40\n", encoding="utf-8")
    roster = load(write(tmp_path, raw), families_file=families).roster
    assert {p.family_id for p in roster.pupils} == {"g-40"}
    assert not any("zonder gezinskoppeling" in w.message for w in roster.warnings)


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"PK\x03\x04 this is no zip at all", "xlsx.corrupt"),
        (zip_of({"readme.txt": b"hallo"}), "xlsx.corrupt"),
        (roster_xlsx.OLE_MAGIC + b"\x00" * 504, "xlsx.encrypted"),
    ],
    ids=["not-a-zip", "zip-not-xlsx", "encrypted"],
)
def test_broken_workbooks_get_a_message(tmp_path: Path, raw: bytes, code: str) -> None:
    with pytest.raises(RosterError) as caught:
        load(write(tmp_path, raw))
    assert [p.code for p in caught.value.problems] == [code]


def test_row_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roster_xlsx, "MAX_ROWS", 20)
    raw = book([[n, "Sem", "Jansen", "", 5, "5A"] for n in range(30)])
    with pytest.raises(RosterError) as caught:
        load(write(tmp_path, raw))
    (problem,) = caught.value.problems
    assert (problem.code, problem.line) == ("xlsx.too-many-rows", 21)


XLS = Path(__file__).resolve().parent / "data" / "workbooks" / "rooster.xls"


def test_blad_matches_without_case(tmp_path: Path) -> None:
    path = write(tmp_path, book([[1, "Sem", "Jansen", "", 5, "5A"]], title="Klas 5"))
    assert [p.pupil_id for p in load(path, sheet="KLAS 5").roster.pupils] == ["1"]


def test_first_sheet_no_roster_names_the_sheets_and_suggests_blad(tmp_path: Path) -> None:
    uitleg_first = io.BytesIO()
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.title = "Uitleg"
    first.append(["Dit blad is geen rooster"])
    workbook.create_sheet("Klassen").append(["klas", "leerkracht"])
    data = workbook.create_sheet("Leerlingen")
    data.append(HEADER)
    data.append([1, "Sem", "Jansen", "", 5, "5A"])
    workbook.save(uitleg_first)
    with pytest.raises(RosterError) as caught:
        load(write(tmp_path, uitleg_first.getvalue()))
    codes = [p.code for p in caught.value.problems]
    assert codes == ["roster.missing-column", "xlsx.other-sheet"]
    hint = caught.value.problems[-1].message
    assert "Klassen, Leerlingen" in hint and "--blad 'Leerlingen'" in hint  # the roster-like one
    assert (
        len(load(write(tmp_path, uitleg_first.getvalue()), sheet="leerlingen").roster.pupils) == 1
    )


def test_an_empty_first_sheet_suggests_blad_too(tmp_path: Path) -> None:
    workbook = Workbook()
    assert workbook.active is not None
    workbook.active.title = "Leeg"
    workbook.create_sheet("Leerlingen").append(HEADER)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(RosterError) as caught:
        load(write(tmp_path, buffer.getvalue()))
    assert [p.code for p in caught.value.problems] == ["roster.no-rows", "xlsx.other-sheet"]


def test_old_xls_is_read_with_its_row_numbers_and_dates() -> None:
    result = load(XLS, sheet="leerlingen")
    assert result.kind == "xls"
    assert [(p.pupil_id, p.row, p.birth_date) for p in result.roster.pupils] == [
        ("5001", 3, datetime(2018, 3, 2).date()),
        ("5002", 4, datetime(2018, 7, 14).date()),
    ]
    with pytest.raises(RosterError) as caught:
        load(XLS)  # its first sheet is 'Uitleg'
    assert caught.value.problems[-1].code == "xlsx.other-sheet"


def test_ods_is_read_with_dates(tmp_path: Path) -> None:
    date_cell = (
        '<table:table-cell office:value-type="date" office:date-value="2018-03-02">'
        "<text:p>02-03-2018</text:p></table:table-cell>"
    )
    table = ods_table("Leerlingen", [HEADER, ["5001", "Sem", "Jansen", "@", "5", "5A"]])
    table = table.replace(
        '<table:table-cell office:value-type="string"><text:p>@</text:p></table:table-cell>',
        date_cell,
    )
    result = load(write(tmp_path, ods_workbook([table]), "rooster.ods"))
    assert result.kind == "ods"
    (sem,) = result.roster.pupils
    assert (sem.pupil_id, sem.birth_date, sem.row) == ("5001", datetime(2018, 3, 2).date(), 2)


def test_calamine_faults_are_dutch(tmp_path: Path) -> None:
    broken = workbook_of({"Blad1": sheet_xml(roster_rows(2))[:-30]})
    with pytest.raises(RosterError) as caught:
        load(write(tmp_path, broken))
    (problem,) = caught.value.problems
    assert problem.message == "beschadigd Excel-bestand: een werkblad is geen geldige XML"


SEEDS = (
    workbook_of({"Blad1": sheet_xml(roster_rows(5))}, compression=zipfile.ZIP_STORED),
    ods_workbook({"Leerlingen": roster_rows(5)}),
    XLS.read_bytes(),
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.sampled_from(SEEDS),
    st.lists(
        st.tuples(st.integers(0, 1 << 16), st.integers(0, 255), st.integers(0, 2)), max_size=8
    ),
)
def test_mutated_workbooks_never_escape_as_a_traceback(
    seed: bytes, edits: list[tuple[int, int, int]]
) -> None:
    # Found this way: a zip 'version 13.0' escaped as NotImplementedError, calamine panics
    # as a BaseException, and an .xls DIMENSIONS record with first > last made calamine ask
    # for a terabyte and abort the process.
    raw = bytearray(seed)
    for at, value, how in edits:
        at %= len(raw)
        if how == 0:
            raw[at] = value
        elif how == 1:
            del raw[at : at + value % 40 + 1]
        else:
            raw[at:at] = bytes([value]) * (value % 20 + 1)
    with contextlib.suppress(RosterError):  # a Dutch fault is fine; nothing else is
        roster_workbook.workbook_table(bytes(raw), "f")


def test_zip_of_an_unknown_version_is_a_dutch_fault(tmp_path: Path) -> None:
    raw = bytearray(workbook_of({"Blad1": sheet_xml(roster_rows(2))}))
    directory = raw.find(b"PK\x01\x02")
    raw[directory + 6] = 130  # "version needed to extract": 13.0, which zipfile refuses
    with pytest.raises(RosterError) as caught:
        load(write(tmp_path, bytes(raw)))
    assert [p.code for p in caught.value.problems] == ["xlsx.corrupt"]


def test_xls_whose_dimensions_run_backwards_is_refused(tmp_path: Path) -> None:
    raw = XLS.read_bytes()
    record = bytes.fromhex("00020e00010000000400000000000600")
    assert raw.count(record) == 1  # the Leerlingen sheet: rows 1 to 4, columns 0 to 6
    broken = raw.replace(record, bytes.fromhex("00020e00017b00000400000000000600"))
    with pytest.raises(RosterError) as caught:  # calamine asked for a terabyte and aborted
        load(write(tmp_path, broken, "rooster.xls"), sheet="Leerlingen")
    assert [p.code for p in caught.value.problems] == ["xlsx.corrupt"]


def test_xls_that_makes_calamine_panic_is_a_dutch_fault() -> None:
    with pytest.raises(RosterError) as caught:
        load(XLS.with_name("paniek.xls"), sheet="Leerlingen")
    assert [p.message for p in caught.value.problems] == [
        "beschadigd Excel-bestand (.xls): de werkmap is niet te lezen"
    ]

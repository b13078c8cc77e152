"""The roster package's entry: read a roster in whatever form the school has it.

The form is found by content, not by extension: a zip is an .xlsx or .ods workbook, an OLE
file an .xls workbook (or an encrypted one), XML an EDEXML export, anything else CSV. A name
that disagrees is said (:func:`check_name`): a warning, or an error for a workbook name on text.
A classes file and a families file add what the export lacks (see :mod:`families`).
"""

# No `from __future__ import annotations`: NamedTuple would compile each string annotation.
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Literal, NamedTuple

from gesprekken_cli.errors import Problem, RosterError
from gesprekken_cli.model import Klass, Roster
from gesprekken_cli.roster.build import roster_from_table
from gesprekken_cli.roster.classes import merge_classes, read_classes
from gesprekken_cli.roster.csvtable import csv_table
from gesprekken_cli.roster.families import Families, join_table, read_families, relocate_joined
from gesprekken_cli.roster.headers import map_header
from gesprekken_cli.roster.table import Columns, Table
from gesprekken_cli.roster.text import decode_text, read_file

Kind = Literal["csv", "xlsx", "ods", "xls", "edexml"]
KIND_NAMES: dict[str, str] = {
    "csv": "CSV",
    "xlsx": "Excel (.xlsx)",
    "ods": "OpenDocument (.ods)",
    "xls": "Excel (.xls)",
    "edexml": "EDEXML",
}
WORKBOOKS = ("xlsx", "ods", "xls")
# what a file's name says it is; the content decides how it is read
_NAMED: dict[str, str] = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xml": "edexml",
}
_ODS_HEAD = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
SIDECARS = (".gezinnen.yaml", ".gezinnen.yml", ".gezinnen.csv")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


# NamedTuple, not a frozen dataclass: a fifth of the cost to create on every run (issue 17)
class RosterSource(NamedTuple):
    """Where a roster comes from: the file, the files beside it and how to read it.

    ``families_file`` None: for an EDEXML export ``<naam>.gezinnen.yaml|yml|csv`` beside it
    when that exists. ``header_map``: the school's own column names → canonical names.
    ``sheet``: the workbook sheet (None: the first).
    """

    path: Path
    classes_file: Path | None = None
    families_file: Path | None = None
    header_map: Mapping[str, str] = MappingProxyType({})
    sheet: str | None = None


class RosterImport(NamedTuple):
    """A roster with what the summary needs to say about its reading."""

    roster: Roster
    kind: Kind
    families_file: str | None = None
    school_year: str = ""


def roster_kind(head: bytes) -> Kind:
    """What the first bytes of a roster file say it is."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "ods" if head.startswith(_ODS_HEAD, 30) else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    text = head
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore").encode("utf-8")
    elif text.startswith(_BOMS[0]):
        text = text[3:]
    return "edexml" if text.lstrip().startswith(b"<") else "csv"


def check_empty(raw: bytes, name: str) -> None:
    """An empty roster (no bytes, or only a byte order mark and blank lines) says so, whatever
    its name: as a workbook it would be "tekst", as XML or CSV "geen kopregel"."""
    body = raw[len(_BOMS[0]) :] if raw.startswith(_BOMS[0]) else raw
    if body.strip():
        return
    what = "0 bytes" if not raw else "alleen witregels of spaties"
    raise RosterError(
        [
            Problem(
                name,
                f"het bestand is leeg ({what}); exporteer het overzicht opnieuw",
                line=1,
                code="roster.empty",
            )
        ]
    )


def check_name(raw: bytes, name: str, kind: Kind) -> Problem | None:
    """A file named as a workbook whose content is none is an error (an export that went
    wrong, or text renamed): reading it as CSV would only give confusing column faults. Any
    other name that disagrees with the content is a warning saying what the file was read as.
    """
    suffix = Path(name).suffix.lower()
    named = _NAMED.get(suffix)
    if named is None or named == kind or (named in WORKBOOKS and kind in WORKBOOKS):
        return None
    if named in WORKBOOKS:
        if kind == "csv":
            decode_text(raw, name)  # binary content: "geen geldig rekenblad" [roster.binary]
        what = "OpenDocument-bestand" if named == "ods" else "Excel-bestand"
        found = (
            "tekst in XML (bijv. een EDEXML-export of een webpagina)"
            if kind == "edexml"
            else "gewone tekst (bijv. CSV)"
        )
        rename = (
            ".xml als het een EDEXML-export is"
            if kind == "edexml"
            else ".csv als het een CSV-export is"
        )
        raise RosterError(
            [
                Problem(
                    name,
                    f"geen {what}: de naam eindigt op {suffix}, maar de inhoud is {found};"
                    f" verwacht een werkmap (.xlsx, .xls of .ods). Sla het overzicht opnieuw op"
                    f" als werkmap, of geef het bestand de naam {rename}",
                    code="roster.not-a-workbook",
                )
            ]
        )
    return Problem(
        name,
        f"de naam eindigt op {suffix}, maar dit is {_AS[kind]}; gelezen als {KIND_NAMES[kind]}",
        code="roster.other-format",
        severity="warning",
    )


_AS: dict[str, str] = {
    "csv": "gewone tekst (CSV)",
    "xlsx": "een Excel-werkmap (.xlsx)",
    "xls": "een Excel-werkmap (.xls)",
    "ods": "een OpenDocument-werkmap (.ods)",
    "edexml": "een EDEXML-export (XML)",
}


def sidecar(roster_path: Path) -> Path | None:
    """``school.gezinnen.yaml`` (or ``.yml``, ``.csv``) beside ``school.xml``, if it exists."""
    stem = roster_path.name.rsplit(".", 1)[0]
    for suffix in SIDECARS:
        candidate = roster_path.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def load_roster(source: RosterSource) -> RosterImport:
    """Read the roster (CSV, .xlsx or EDEXML by content) and join the families/classes files.

    Raises RosterError (exit 1) or an I/O error (exit 2).
    """
    path = source.path
    raw = read_file(path)
    name = str(path)
    check_empty(raw, name)
    kind = roster_kind(raw[:4096])
    misnamed = check_name(raw, name, kind)
    families_file = source.families_file
    if kind == "edexml" and families_file is None:
        families_file = sidecar(path)
    families = read_families(families_file) if families_file is not None else None
    configured = read_classes(source.classes_file) if source.classes_file is not None else ()
    warnings: list[Problem] = [misnamed] if misnamed else []
    header_map: Mapping[str, str] | None = source.header_map
    base: tuple[Klass, ...] = ()
    school_year = ""
    edex = None
    book = None
    if kind == "edexml":
        from gesprekken_cli.roster.edexml import edexml_table, parse_xml

        edex = edexml_table(parse_xml(raw, name), name)
        table, school_year, base, header_map = edex.table, edex.school_year, edex.classes, None
        warnings.extend(edex.warnings)
    elif kind in WORKBOOKS:
        from gesprekken_cli.roster.workbook import workbook_table

        book = workbook_table(raw, name, source.sheet)
        table = book.table
    else:
        table = csv_table(raw, name, columns=families is None)
    classes = merge_classes(
        base, families.classes if families else (), configured, source=name, warnings=warnings
    )
    try:
        result = _normalise(table, families, name, classes, header_map, warnings)
    except RosterError as error:
        if edex is not None:
            from gesprekken_cli.roster.edexml import relocate

            error = relocate(error, edex, name)
        if book is not None and source.sheet is None and len(book.sheets) > 1:
            error.problems.extend(_other_sheets(error, raw, book.sheet, book.sheets, name))
        raise error from None
    if kind == "edexml" and not any(p.family_id for p in result.pupils):
        warnings.append(
            Problem(
                name,
                "het EDEXML-bestand kent geen gezinnen of ouders: broertjes en zusjes worden"
                " niet herkend; geef een gezinnenbestand mee met --gezinnen",
                code="edexml.no-families",
                severity="warning",
            )
        )
    result = result._replace(warnings=tuple(warnings) + result.warnings)
    return RosterImport(
        result, kind, str(families_file) if families_file is not None else None, school_year
    )


NOT_A_ROSTER = frozenset({"roster.missing-column", "roster.no-rows"})


def _other_sheets(
    error: RosterError, raw: bytes, first: str, sheets: tuple[str, ...], name: str
) -> list[Problem]:
    """The hint to use --blad when the first sheet's table is no roster, naming the first
    of the next few sheets whose header has the required columns."""
    if not any(p.code in NOT_A_ROSTER and p.file == name for p in error.problems):
        return []
    from gesprekken_cli.roster.workbook import other_sheets_hint, workbook_table

    # each try reads the workbook again: a few sheets of a modest file, not a whole archive
    candidates = [sheet for sheet in sheets if sheet != first][:3] if len(raw) < 10 << 20 else []
    for sheet in candidates:
        try:
            table = workbook_table(raw, name, sheet).table
            map_header(table.header, name, None, table.header_row, [])
        except RosterError:
            continue
        return [other_sheets_hint(name, first, sheets, sheet)]
    return [other_sheets_hint(name, first, sheets)]


def _normalise(
    table: Table,
    families: Families | None,
    name: str,
    classes: tuple[Klass, ...],
    header_map: Mapping[str, str] | None,
    warnings: list[Problem],
) -> Roster:
    """The table (with the families file joined in) as a Roster; faults in joined cells
    point at the families file."""
    header, rows, header_row = table.header, table.rows, table.header_row
    origin: dict[tuple[int, str], tuple[str, int | None, int | None, str]] = {}
    if families is not None:
        assert not isinstance(rows, Columns)  # read as rows above
        joined = join_table(
            header, rows, families, source=name, header_map=header_map, header_row=header_row
        )
        header, rows, origin = joined.header, joined.rows, joined.origin
        warnings.extend(joined.warnings)
    try:
        return roster_from_table(
            header,
            rows,
            source=name,
            classes=classes,
            header_map=header_map,
            header_row=header_row,
        )
    except RosterError as error:
        raise relocate_joined(error, origin) from None

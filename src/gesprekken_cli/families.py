"""Read a roster in whatever form the school has it, and join what the export lacks.

The form is found by content, not by extension: a zip is an .xlsx workbook, XML is an
EDEXML export, an OLE file is an encrypted (or old .xls) workbook, anything else is CSV.
An EDEXML export carries no parents, families, new teachers or working days: those come
from a families file (``--gezinnen``), CSV or YAML, joined on leerlingnummer (gezin, e-mail
ouder 1/2, huishoudens, kenmerken, startdatum) and, in YAML or a CSV with a ``klas`` column
and no leerlingnummer, per class (the classes file format of :func:`classes.read_classes`).
The joined cells go through :func:`roster.roster_from_table` like every other cell, and a
fault in them points back at the families file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from gesprekken_cli import roster as csv_roster
from gesprekken_cli.classes import read_classes
from gesprekken_cli.errors import Problem, RosterError, io_error, os_reason
from gesprekken_cli.model import Klass, Roster

Kind = Literal["csv", "xlsx", "edexml", "ole"]
KIND_NAMES: dict[str, str] = {
    "csv": "CSV",
    "xlsx": "Excel (.xlsx)",
    "edexml": "EDEXML",
    "ole": "versleuteld Excel",
}
SIDECARS = (".gezinnen.yaml", ".gezinnen.yml", ".gezinnen.csv")
# pupil columns a families file may add, with the header name used when the roster lacks it
JOINED: dict[str, str] = {
    "gezin": "gezin",
    "email1": "e-mail ouder 1",
    "email2": "e-mail ouder 2",
    "huishoudens": "huishoudens",
    "kenmerken": "kenmerken",
    "startdatum": "startdatum",
    "nieuwe_leerkracht": "nieuwe leerkracht",
}
MAX_BYTES = csv_roster.MAX_BYTES
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def roster_kind(head: bytes) -> Kind:
    """What the first bytes of a roster file say it is."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    text = head
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore").encode("utf-8")
    elif text.startswith(_BOMS[0]):
        text = text[3:]
    return "edexml" if text.lstrip().startswith(b"<") else "csv"


def sidecar(roster_path: Path) -> Path | None:
    """``school.gezinnen.yaml`` (or ``.yml``, ``.csv``) beside ``school.xml``, if it exists."""
    stem = roster_path.name.rsplit(".", 1)[0]
    for suffix in SIDECARS:
        candidate = roster_path.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    return None


# --- the families file ---------------------------------------------------------------------

_Origin = tuple[str, int | None, int | None, str]  # file, line, column, key


class Families(NamedTuple):
    """Per leerlingnummer the joined columns (canonical name → text and where it came from).

    The records of this module are NamedTuples: a dataclass costs every start-up that reads
    a roster about half a millisecond to build.
    """

    source: str
    pupils: Mapping[str, Mapping[str, tuple[str, _Origin]]] = MappingProxyType({})
    classes: tuple[Klass, ...] = ()
    warnings: tuple[str, ...] = ()


def _canon(header: str) -> str | None:
    return csv_roster._ALIAS_INDEX.get(csv_roster._header_key(header))


def read_families(path: Path) -> Families:
    """Read a families file (CSV or YAML, by extension); faults raise RosterError."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise io_error(str(path), "gezinnenbestand niet gevonden") from None
    except OSError as exc:
        raise io_error(str(path), f"gezinnenbestand niet te lezen ({os_reason(exc)})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        return _families_yaml(raw, path)
    return _families_csv(raw, path)


def _duplicate(source: str, number: str, line: int | None, column: int | None) -> Problem:
    return Problem(
        source,
        f"leerlingnummer {number!r} staat twee keer in het gezinnenbestand",
        line,
        column,
        "leerlingnummer",
        "families.duplicate",
    )


def _families_csv(raw: bytes, path: Path) -> Families:
    source = str(path)
    header_row, header, rows = csv_roster._table(raw, source)
    col: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        canon = _canon(cell)
        if canon in JOINED or canon == "leerlingnummer":
            col.setdefault(canon, index)
        elif cell.strip():
            ignored.append(cell.strip())
    if "leerlingnummer" not in col:
        if any(_canon(cell) == "klas" for cell in header):
            return Families(source, classes=read_classes(path))
        found = ", ".join(cell.strip() for cell in header if cell.strip()) or "(geen)"
        raise RosterError(
            [
                Problem(
                    source,
                    "verplichte kolom 'leerlingnummer' (of 'klas' voor een klassenbestand)"
                    f" ontbreekt; gevonden kolommen: {found}",
                    line=header_row,
                    code="families.missing-column",
                )
            ]
        )
    pupils: dict[str, dict[str, tuple[str, _Origin]]] = {}
    problems: list[Problem] = []
    id_col = col["leerlingnummer"]
    for row, raw_cells in rows:
        cells = [cell.strip() for cell in raw_cells]
        if not any(cells):
            continue
        number = cells[id_col] if id_col < len(cells) else ""
        if not number:
            problems.append(
                Problem(
                    source,
                    "leerlingnummer is leeg",
                    row,
                    id_col + 1,
                    header[id_col].strip(),
                    "families.empty",
                )
            )
            continue
        if number in pupils:
            problems.append(_duplicate(source, number, row, id_col + 1))
            continue
        pupils[number] = {
            canon: (cells[index], (source, row, index + 1, header[index].strip()))
            for canon, index in col.items()
            if canon != "leerlingnummer" and index < len(cells) and cells[index]
        }
    if problems:
        raise RosterError(problems)
    warnings = (f"gezinnenbestand: kolommen genegeerd: {', '.join(ignored)}",) if ignored else ()
    return Families(source, pupils, warnings=warnings)


def _yaml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, list):
        return ", ".join(_yaml_text(v) for v in value)
    return "" if value is None else str(value).strip()


def _families_yaml(raw: bytes, path: Path) -> Families:
    from gesprekken_cli.rules.yaml import load_yaml

    source = str(path)
    loaded = load_yaml(raw, source)
    if loaded.problems:
        raise RosterError(list(loaded.problems))
    data = loaded.data
    problems: list[Problem] = []

    def bad(where: tuple[str | int, ...], message: str, code: str, key: str = "") -> None:
        spot = loaded.position(where)
        problems.append(
            Problem(
                source, message, spot[0] if spot else None, spot[1] if spot else None, key, code
            )
        )

    if not isinstance(data, dict) or not ({"leerlingen", "klassen"} & set(data)):
        bad((), "verwacht 'leerlingen:' en/of 'klassen:' bovenaan het bestand", "families.yaml")
        raise RosterError(problems)
    items = data.get("leerlingen") or []
    if not isinstance(items, list):
        bad(("leerlingen",), "verwacht een lijst van leerlingen", "families.yaml")
        items = []
    pupils: dict[str, dict[str, tuple[str, _Origin]]] = {}
    ignored: set[str] = set()
    for index, item in enumerate(items):
        here: tuple[str | int, ...] = ("leerlingen", index)
        if not isinstance(item, dict):
            bad(
                here,
                "verwacht 'leerlingnummer: …' met de gegevens van één leerling",
                "families.yaml",
            )
            continue
        entry: dict[str, tuple[str, _Origin]] = {}
        number = ""
        for key, value in item.items():
            name = str(key)
            canon = _canon(name)
            spot = loaded.position((*here, name))
            origin: _Origin = (source, spot[0] if spot else None, spot[1] if spot else None, name)
            if canon == "email1" and isinstance(value, list):
                mails = [_yaml_text(v) for v in value]
                for canon_mail, mail in zip(("email1", "email2"), mails, strict=False):
                    entry[canon_mail] = (mail, origin)
                if len(mails) > 2:
                    bad(
                        (*here, name),
                        "hoogstens twee e-mailadressen per leerling",
                        "families.yaml",
                        name,
                    )
            elif canon == "leerlingnummer":
                number = _yaml_text(value)
            elif canon in JOINED:
                text = _yaml_text(value)
                if text:
                    entry[canon] = (text, origin)
            else:
                ignored.add(name)
        if not number:
            bad(here, "leerlingnummer ontbreekt", "families.empty", "leerlingnummer")
        elif number in pupils:
            spot = loaded.position((*here, "leerlingnummer"))
            problems.append(
                _duplicate(source, number, spot[0] if spot else None, spot[1] if spot else None)
            )
        else:
            pupils[number] = entry
    if problems:
        raise RosterError(problems)
    classes = read_classes(path) if "klassen" in data else ()
    warnings = (
        (f"gezinnenbestand: velden genegeerd: {', '.join(sorted(ignored))}",) if ignored else ()
    )
    return Families(source, pupils, classes, warnings)


# --- joining -----------------------------------------------------------------------------------


def merge_classes(
    base: Sequence[Klass], *overlays: Sequence[Klass], warnings: list[str] | None = None
) -> tuple[Klass, ...]:
    """Classes of ``base`` with each overlay's teachers, new teacher and groepen laid over them.

    An overlay's teachers replace the base's (they carry the working days); when the names
    differ a warning says so. Overlay classes not in the base are added.
    """
    merged: dict[str, Klass] = {k.name: k for k in base}
    loose = {csv_roster._header_key(k.name): k.name for k in base}
    for overlay in overlays:
        for k in overlay:
            name = k.name if k.name in merged else loose.get(csv_roster._header_key(k.name), "")
            old = merged.get(name)
            if old is None:
                merged[k.name] = k
                loose[csv_roster._header_key(k.name)] = k.name
                continue
            teachers = k.teachers or old.teachers
            if k.teachers and old.teachers and warnings is not None:
                before = sorted(t.name for t in old.teachers)
                after = sorted(t.name for t in k.teachers)
                if before != after:
                    warnings.append(
                        f"klas {name}: leerkrachten uit het klassenbestand ({', '.join(after)})"
                        f" wijken af van het rooster ({', '.join(before)}); die uit het"
                        " klassenbestand worden gebruikt"
                    )
            merged[name] = Klass(
                name=name,
                grades=tuple(sorted(set(old.grades) | set(k.grades))),
                teachers=teachers,
                new_teacher=old.new_teacher or k.new_teacher,
            )
    return tuple(merged.values())


class Joined(NamedTuple):
    header: list[str]
    rows: list[tuple[int, list[str]]]
    origin: dict[tuple[int, str], _Origin]
    warnings: list[str]


def join_table(
    header: Sequence[str],
    rows: Sequence[tuple[int, Sequence[str]]],
    families: Families,
    *,
    source: str,
    header_map: Mapping[str, str] | None,
    header_row: int,
) -> Joined:
    """The table with the families file's cells filled in on leerlingnummer (they win)."""
    warnings: list[str] = list(families.warnings)
    if not families.pupils:
        return Joined(list(header), [(r, list(c)) for r, c in rows], {}, warnings)
    col = csv_roster._map_header(header, source, header_map, header_row, [])
    if "leerlingnummer" not in col:
        raise RosterError(
            [
                Problem(
                    source,
                    "het rooster heeft geen kolom leerlingnummer; het gezinnenbestand"
                    f" ({families.source}) wordt op leerlingnummer gekoppeld",
                    line=header_row,
                    code="families.no-id",
                )
            ]
        )
    width = len(header)
    new_header = list(header)
    target: dict[str, int] = {}
    needed = {canon for entry in families.pupils.values() for canon in entry}
    for canon in JOINED:
        if canon in col:
            target[canon] = col[canon]
        elif canon in needed:
            target[canon] = len(new_header)
            new_header.append(JOINED[canon])
    extra = len(new_header) - width
    origin: dict[tuple[int, str], _Origin] = {}
    seen: set[str] = set()
    out: list[tuple[int, list[str]]] = []
    id_col = col["leerlingnummer"]
    for row, raw_cells in rows:
        cells = list(raw_cells)
        if len(cells) >= width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width] + [""] * extra
            number = cells[id_col].strip()
            entry = families.pupils.get(number)
            if entry is not None:
                seen.add(number)
                for canon, (text, where) in entry.items():
                    cells[target[canon]] = text
                    origin[(row, new_header[target[canon]].strip())] = where
        out.append((row, cells))
    missing = [n for n in families.pupils if n not in seen]
    if missing:
        shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        warnings.append(
            f"{len(missing)} leerlingnummer(s) uit het gezinnenbestand staan niet in het"
            f" rooster: {shown}"
        )
    return Joined(new_header, out, origin, warnings)


def _relocate(error: RosterError, origin: Mapping[tuple[int, str], _Origin]) -> RosterError:
    problems = []
    for p in error.problems:
        where = origin.get((p.line or 0, p.key))
        if where is not None:
            p = replace(p, file=where[0], line=where[1], column=where[2], key=where[3])
        problems.append(p)
    return RosterError(problems, exit_code=error.exit_code)


# --- one entry point -------------------------------------------------------------------------


class RosterImport(NamedTuple):
    """A roster with what the summary needs to say about its reading."""

    roster: Roster
    kind: Kind
    families_file: str | None = None
    school_year: str = ""


def load_roster(
    path: Path,
    *,
    classes_file: Path | None = None,
    header_map: Mapping[str, str] | None = None,
    sheet: str | None = None,
    families_file: Path | None = None,
) -> RosterImport:
    """Read ``path`` (CSV, .xlsx or EDEXML by content) and join the families/classes files.

    Without ``families_file`` an EDEXML export uses ``<naam>.gezinnen.yaml|yml|csv`` beside
    it when that exists. Raises RosterError (exit 1) or an I/O error (exit 2).
    """
    raw = csv_roster.read_bytes(path, MAX_BYTES)
    source = str(path)
    kind = roster_kind(raw[:4096])
    if kind == "edexml" and families_file is None:
        families_file = sidecar(path)
    families = read_families(families_file) if families_file is not None else None
    configured = read_classes(classes_file) if classes_file is not None else ()
    warnings: list[str] = []
    school_year = ""
    positions: Any = None
    if kind == "edexml":
        from gesprekken_cli.roster_edexml import edexml_table, parse_xml

        table = edexml_table(parse_xml(raw, source), source)
        header: Sequence[str] = table.header
        rows: Sequence[tuple[int, Sequence[str]]] | csv_roster.Columns = table.rows
        header_row, school_year, positions = 1, table.school_year, table
        warnings.extend(table.warnings)
        base = table.classes
        header_map = None
    elif kind in ("xlsx", "ole"):
        from gesprekken_cli.roster_xlsx import xlsx_table

        header_row, header, rows = xlsx_table(raw, source, sheet)
        base = ()
    elif families is None:
        header_row, header, rows = csv_roster._columns_table(raw, source)
        base = ()
    else:
        header_row, header, rows = csv_roster._table(raw, source)
        base = ()
    overlays = [families.classes if families else (), configured]
    classes = merge_classes(base, *overlays, warnings=warnings)
    if families is not None:
        assert not isinstance(rows, csv_roster.Columns)  # read as rows above
        joined = join_table(
            header, rows, families, source=source, header_map=header_map, header_row=header_row
        )
        header, rows, origin = joined.header, joined.rows, joined.origin
        warnings.extend(joined.warnings)
    else:
        origin = {}
    try:
        result = csv_roster.roster_from_table(
            header,
            rows,
            source=source,
            classes=classes,
            header_map=header_map,
            header_row=header_row,
        )
    except RosterError as error:
        error = _relocate(error, origin)
        if positions is not None:
            from gesprekken_cli.roster_edexml import relocate

            error = relocate(error, positions, source)
        raise error from None
    if kind == "edexml" and not any(p.family_id for p in result.pupils):
        warnings.append(
            "het EDEXML-bestand kent geen gezinnen of ouders: broertjes en zusjes worden niet"
            " herkend; geef een gezinnenbestand mee met --gezinnen"
        )
    result = replace(result, warnings=tuple(warnings) + result.warnings)
    return RosterImport(
        result,
        kind,
        str(families_file) if families_file is not None else None,
        school_year,
    )

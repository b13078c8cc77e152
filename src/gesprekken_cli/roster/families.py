"""A families file (``--gezinnen``): what an export lacks, joined on leerlingnummer.

An EDEXML export carries no parents, families, new teachers or working days: those come
from a families file, CSV or YAML, joined on leerlingnummer (gezin, e-mail ouder 1/2,
huishoudens, kenmerken, startdatum) and, in YAML or a CSV with a ``klas`` column and no
leerlingnummer, per class (the classes file format of :func:`classes.read_classes`). The
joined cells go through :func:`build.roster_from_table` like every other cell, and a fault
in them points back at the families file.
"""

# No `from __future__ import annotations`: NamedTuple would compile each string annotation.
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from gesprekken_cli.errors import Problem, RosterError
from gesprekken_cli.model import Klass
from gesprekken_cli.roster.classes import read_classes
from gesprekken_cli.roster.csvtable import csv_table
from gesprekken_cli.roster.headers import canonical, map_header, shown
from gesprekken_cli.roster.table import Columns, Row
from gesprekken_cli.roster.text import read_file

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
Origin = tuple[str, int | None, int | None, str]  # file, line, column, key


# NamedTuple, not a frozen dataclass: a fifth of the cost to create on every run (issue 17)
class Families(NamedTuple):
    """Per leerlingnummer the joined columns (canonical name → text and where it came from)."""

    source: str
    pupils: Mapping[str, Mapping[str, tuple[str, Origin]]] = MappingProxyType({})
    classes: tuple[Klass, ...] = ()
    warnings: tuple[Problem, ...] = ()


def read_families(path: Path) -> Families:
    """Read a families file (CSV or YAML, by extension); faults raise RosterError."""
    raw = read_file(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return _families_yaml(raw, path)
    return _families_csv(raw, path)


def _ignored(source: str, message: str) -> Problem:
    return Problem(source, message, code="families.ignored", severity="warning")


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
    table = csv_table(raw, source, columns=False)
    header_row, header, rows = table.header_row, table.header, table.rows
    assert not isinstance(rows, Columns)
    col: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        canon = canonical(cell)
        if canon in JOINED or canon == "leerlingnummer":
            col.setdefault(canon, index)
        elif cell.strip():
            ignored.append(shown(cell))
    if "leerlingnummer" not in col:
        if any(canonical(cell) == "klas" for cell in header):
            return Families(source, classes=read_classes(path))
        found = ", ".join(shown(cell) for cell in header if cell.strip()) or "(geen)"
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
    pupils: dict[str, dict[str, tuple[str, Origin]]] = {}
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
    warnings = (
        (_ignored(source, f"gezinnenbestand: kolommen genegeerd: {', '.join(ignored)}"),)
        if ignored
        else ()
    )
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
    pupils: dict[str, dict[str, tuple[str, Origin]]] = {}
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
        entry: dict[str, tuple[str, Origin]] = {}
        number = ""
        for key, value in item.items():
            name = str(key)
            canon = canonical(name)
            spot = loaded.position((*here, name))
            origin: Origin = (source, spot[0] if spot else None, spot[1] if spot else None, name)
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
        (_ignored(source, f"gezinnenbestand: velden genegeerd: {', '.join(sorted(ignored))}"),)
        if ignored
        else ()
    )
    return Families(source, pupils, classes, warnings)


# --- joining -----------------------------------------------------------------------------------


class Joined(NamedTuple):
    """The roster table with the families file's cells in it, and where each came from."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    origin: dict[tuple[int, str], Origin]
    warnings: list[Problem]


def join_table(
    header: Sequence[str],
    rows: Sequence[Row],
    families: Families,
    *,
    source: str,
    header_map: Mapping[str, str] | None,
    header_row: int,
) -> Joined:
    """The table with the families file's cells filled in on leerlingnummer (they win)."""
    warnings: list[Problem] = list(families.warnings)
    if not families.pupils:
        return Joined(list(header), [(r, list(c)) for r, c in rows], {}, warnings)
    col = map_header(header, source, header_map, header_row, [])
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
    origin: dict[tuple[int, str], Origin] = {}
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
            Problem(
                families.source,
                f"{len(missing)} leerlingnummer(s) uit het gezinnenbestand staan niet in het"
                f" rooster: {shown}",
                code="families.not-in-roster",
                severity="warning",
            )
        )
    return Joined(new_header, out, origin, warnings)


def relocate_joined(error: RosterError, origin: Mapping[tuple[int, str], Origin]) -> RosterError:
    """Point the faults in joined cells at the families file they came from."""
    problems = []
    for p in error.problems:
        where = origin.get((p.line or 0, p.key))
        if where is not None:
            p = p._replace(file=where[0], line=where[1], column=where[2], key=where[3])
        problems.append(p)
    return RosterError(problems, exit_code=error.exit_code)

"""Derive ``school.xml`` (EDEXML 2.1), ``school.xlsx`` and ``school.gezinnen.yaml`` from
``school.csv``, so all three forms of the whole-school example give the same plan.

Run ``.venv/bin/python examples/make_exports.py`` after ``make_examples.py``; commit the
outputs with it. The EDEXML export carries what ParnasSys/Esis export (pupils, groups and
the groepsleerkrachten linked to them); families, parents' e-mails, households, traits,
working days and the new-teacher flag go to the families file beside it, which
``gesprekken`` picks up as ``school.gezinnen.yaml``. Output is byte-for-byte reproducible.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from openpyxl import Workbook

from gesprekken_cli.roster.teachers import parse_teachers
from gesprekken_cli.roster.values import parse_date

HERE = Path(__file__).resolve().parent
INFIXES = {"van", "de", "der", "den", "ter", "te", "'t", "in", "het"}
FIXED = datetime(2026, 6, 1, 12, 0, 0)


@dataclass(frozen=True)
class Row:
    cells: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.cells[key]


def read_csv() -> tuple[list[str], list[Row]]:
    text = (HERE / "school.csv").read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = next(reader)
    return header, [Row(dict(zip(header, cells, strict=True))) for cells in reader if cells]


def iso(text: str) -> str:
    day = parse_date(text)
    return day.isoformat() if day else ""


def split_name(name: str) -> tuple[str, str, str]:
    """'Ingrid van Vliet' → ('Ingrid', 'van', 'Vliet')."""
    words = name.split()
    infix = []
    rest = words[1:]
    while len(rest) > 1 and rest[0].lower() in INFIXES:
        infix.append(rest.pop(0))
    return words[0], " ".join(infix), " ".join(rest)


def element(tag: str, text: str, indent: str) -> str:
    return f"{indent}<{tag}>{escape(text)}</{tag}>\n" if text else ""


def edexml(rows: list[Row]) -> str:
    classes: dict[str, list[Row]] = {}
    for row in rows:
        classes.setdefault(row["klas"], []).append(row)
    keys = {name: f"GRP{index:02d}" for index, name in enumerate(classes, start=1)}
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        "<!-- Verzonnen voorbeeld (EDEXML 2.1), afgeleid van school.csv door make_exports.py -->\n",
        '<EDEX xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:noNamespaceSchemaLocation="EDEXML.structuur.xsd">\n',
        "\t<school>\n\t\t<schooljaar>2026-2027</schooljaar>\n\t\t<brincode>99ZZ</brincode>\n"
        "\t\t<dependancecode>00</dependancecode>\n\t\t<xsdversie>2.1</xsdversie>\n\t</school>\n",
        "\t<groepen>\n",
    ]
    for name, members in classes.items():
        grades = sorted({r["groep"] for r in members})
        jaargroep = grades[0] if len(grades) == 1 else "C"
        out.append(
            f"\t\t<groep key={quoteattr(keys[name])}>\n"
            f"{element('naam', name, chr(9) * 3)}{element('jaargroep', jaargroep, chr(9) * 3)}"
            "\t\t</groep>\n"
        )
    out.append('\t\t<samengestelde_groep key="SG1">\n\t\t\t<naam>Koor</naam>\n')
    out.append("\t\t</samengestelde_groep>\n\t</groepen>\n\t<leerlingen>\n")
    for row in rows:
        first, number = row["roepnaam"], row["leerlingnummer"]
        born = parse_date(row["geboortedatum"])
        start = iso(row["startdatum"])
        if not start and born is not None:  # a real export has one for every pupil
            start = min(born.replace(year=born.year + 4), date(2026, 6, 30)).isoformat()
        t = "\t\t\t"
        out.append(
            f"\t\t<leerling key={quoteattr(number)}>\n"
            + element("achternaam", row["achternaam"], t)
            + element("voorvoegsel", row["tussenvoegsel"], t)
            + element("voorletters-1", first[:1], t)
            + element("roepnaam", first, t)
            + element("geboortedatum", iso(row["geboortedatum"]), t)
            + element("geslacht", str(1 + int(number) % 2), t)
            + element("jaargroep", row["groep"], t)
            + f"{t}<groep key={quoteattr(keys[row['klas']])}/>\n"
            + element("instroomdatum", start, t)
            + "\t\t</leerling>\n"
        )
    out.append(  # left the school last year: the reader skips jaargroep H
        '\t\t<leerling key="10999">\n\t\t\t<achternaam>Vertrokken</achternaam>\n'
        "\t\t\t<roepnaam>Sam</roepnaam>\n\t\t\t<jaargroep>H</jaargroep>\n"
        "\t\t\t<instroomdatum>2018-09-03</instroomdatum>\n"
        "\t\t\t<uitstroomdatum>2026-07-10</uitstroomdatum>\n\t\t</leerling>\n"
    )
    out.append("\t</leerlingen>\n\t<leerkrachten>\n")
    number = 0
    for name, members in classes.items():
        for teacher in parse_teachers(members[0]["leerkracht"]):
            number += 1
            first, infix, last = split_name(teacher.name)
            t = "\t\t\t"
            out.append(
                f'\t\t<leerkracht key="LK{number:02d}">\n'
                + element("achternaam", last, t)
                + element("voorvoegsel", infix, t)
                + element("roepnaam", first, t)
                + f'{t}<groepen>\n{t}\t<groep key="{keys[name]}"/>\n{t}</groepen>\n'
                + "\t\t</leerkracht>\n"
            )
    out.append(  # a student teacher on the first group: not a groepsleerkracht
        '\t\t<leerkracht key="STA01">\n\t\t\t<achternaam>Stagiair</achternaam>\n'
        "\t\t\t<roepnaam>Kim</roepnaam>\n\t\t\t<groepen>\n"
        f'\t\t\t\t<groep key="{keys[next(iter(classes))]}">\n\t\t\t\t\t<rol>STA</rol>\n'
        "\t\t\t\t</groep>\n\t\t\t</groepen>\n\t\t</leerkracht>\n"
    )
    out.append("\t</leerkrachten>\n</EDEX>\n")
    return "".join(out)


def families_yaml(rows: list[Row]) -> str:
    out = [
        "# Wat de EDEXML-export niet bevat: gezinnen, ouders, kenmerken, leerkrachten met\n",
        "# werkdagen en nieuwe leerkracht. Afgeleid van school.csv door make_exports.py.\n",
        "leerlingen:\n",
    ]
    for row in rows:
        entry = {
            "leerlingnummer": row["leerlingnummer"],
            "gezin": row["gezin"],
            "e-mail ouder 1": row["e-mail ouder 1"],
            "e-mail ouder 2": row["e-mail ouder 2"],
            "huishoudens": int(row["huishoudens"]),
            "kenmerken": row["kenmerken"],
        }
        entry = {k: v for k, v in entry.items() if v != ""}
        out.append(f"  - {json.dumps(entry, ensure_ascii=False)}\n")
    out.append("klassen:\n")
    seen: set[str] = set()
    for row in rows:
        if row["klas"] in seen:
            continue
        seen.add(row["klas"])
        out.append(f"  - klas: {json.dumps(row['klas'], ensure_ascii=False)}\n")
        out.append(f"    leerkrachten: {json.dumps(row['leerkracht'], ensure_ascii=False)}\n")
        out.append(
            f"    nieuwe_leerkracht: {'true' if row['nieuwe leerkracht'] == 'ja' else 'false'}\n"
        )
    return "".join(out)


def workbook(header: list[str], rows: list[Row]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Leerlingen"
    sheet.append(header)
    numbers = {"leerlingnummer", "groep", "gezin", "huishoudens"}
    for row in rows:
        values: list[object] = []
        for name in header:
            text = row[name]
            if not text:
                values.append(None)
            elif name in ("geboortedatum", "startdatum"):
                values.append(parse_date(text))
            elif name in numbers and text.isdigit():
                values.append(int(text))
            else:
                values.append(text)
        sheet.append(values)
    for column in ("E", "L"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD-MM-YYYY"
    notes = book.create_sheet("Toelichting")
    notes.append(["Verzonnen leerlingen; afgeleid van school.csv door make_exports.py."])
    book.properties.created = book.properties.modified = FIXED
    buffer = io.BytesIO()
    book.save(buffer)
    return _reproducible(buffer.getvalue())


def _reproducible(raw: bytes) -> bytes:
    """The same zip with fixed timestamps, so a rerun gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 6, 1, 12, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-06-01T12:00:00Z", data
                )
            target.writestr(fixed, data)
    return out.getvalue()


def main() -> None:
    header, rows = read_csv()
    (HERE / "school.xml").write_bytes(edexml(rows).encode("utf-8"))
    (HERE / "school.gezinnen.yaml").write_bytes(families_yaml(rows).encode("utf-8"))
    (HERE / "school.xlsx").write_bytes(workbook(header, rows))


if __name__ == "__main__":
    main()

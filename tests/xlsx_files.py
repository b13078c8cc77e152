"""Tiny workbooks built byte by byte with :mod:`zipfile`, for the xlsx/ods reader tests.

Malformed kinds (bad XML, shared-string index out of range, zip bombs, millions of shared
strings, a megabyte header cell) are built here so a test never ships a hostile file.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}"
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def column_name(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def sheet_xml(rows: Iterable[Sequence[str]]) -> str:
    """A worksheet with inline strings (no shared strings needed)."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>']
    for r, cells in enumerate(rows, start=1):
        parts.append(f'<row r="{r}">')
        for c, value in enumerate(cells):
            parts.append(
                f'<c r="{column_name(c)}{r}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
            )
        parts.append("</row>")
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def workbook(
    sheets: dict[str, str | bytes],
    shared: str | bytes | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """An .xlsx with the given sheet XML per name (in order) and optional sharedStrings.xml."""
    names = list(sheets)
    book = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} {NS_R}><sheets>'
        + "".join(
            f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, name in enumerate(names, start=1)
        )
        + "</sheets></workbook>"
    )
    book_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(names) + 1)
        )
        + f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        types = "".join(SHEET_TYPE.format(n=n) for n in range(1, len(names) + 1))
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheets=types))
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", book_rels)
        for n, name in enumerate(names, start=1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", sheets[name])
        archive.writestr(
            "xl/sharedStrings.xml",
            shared if shared is not None else f'<?xml version="1.0"?><sst {NS} count="0"/>',
        )
    return buffer.getvalue()


def roster_rows(count: int) -> list[list[str]]:
    """A header and ``count`` pupils of one class."""
    header = ["leerlingnummer", "roepnaam", "achternaam", "groep", "klas"]
    return [header, *([str(1000 + i), f"Kind{i}", "Jansen", "5", "5A"] for i in range(count))]


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods_table(name: str, rows: Iterable[Sequence[str]]) -> str:
    """One ``<table:table>`` of string cells."""
    return (
        f'<table:table table:name="{escape(name)}">'
        + "".join(
            "<table:table-row>"
            + "".join(
                f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p>'
                "</table:table-cell>"
                for v in cells
            )
            + "</table:table-row>"
            for cells in rows
        )
        + "</table:table>"
    )


def ods_workbook(tables: Sequence[str] | dict[str, Sequence[Sequence[str]]]) -> bytes:
    """An .ods (OpenDocument spreadsheet) of the given tables (XML, or rows per name)."""
    if isinstance(tables, dict):
        tables = [ods_table(name, rows) for name, rows in tables.items()]
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        + "".join(tables)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def _zip_by_hand(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip of ``(name, stored bytes, crc, size, method)`` members, written field by field,
    so a member can be a deflate stream built without compressing its whole content."""
    import struct

    body = bytearray()
    directory = bytearray()
    for name, data, crc, size, method in members:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack(
            "<4sHHHHHIIIHH",
            b"PK\x03\x04",
            20,
            0,
            method,
            0,
            0,
            crc,
            len(data),
            size,
            len(encoded),
            0,
        )
        body += encoded + data
        directory += struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            0,
            method,
            0,
            0,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    end = struct.pack(
        "<4sHHHHIIH",
        b"PK\x05\x06",
        0,
        0,
        len(members),
        len(members),
        len(directory),
        len(body),
        0,
    )
    return bytes(body + directory + end)


def expanding_sheet(megabytes: int, declared: int | None = None) -> bytes:
    """A workbook whose sheet XML truly unpacks to ``megabytes`` MB of empty rows (a deflate
    stream of one compressed megabyte repeated, ~1000:1); ``declared`` lies about the size."""
    chunk = b"<row/>" * ((1 << 20) // 6)
    head = f'<?xml version="1.0"?><worksheet {NS}><sheetData>'.encode()
    tail = b"</sheetData></worksheet>"

    def blocks(data: bytes) -> bytes:  # deflate blocks that stand alone (full flush)
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        return packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH)

    last = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    stream = blocks(head) + blocks(chunk) * megabytes + blocks(tail) + last
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(chunk) * megabytes + len(tail)
    plain = zipfile.ZipFile(io.BytesIO(workbook({"Blad1": "<x/>"})))
    members = []
    for info in plain.infolist():
        data = plain.read(info.filename)
        if info.filename == "xl/worksheets/sheet1.xml":
            members.append((info.filename, stream, crc, declared or size, zipfile.ZIP_DEFLATED))
        else:
            members.append((info.filename, data, zlib.crc32(data), len(data), zipfile.ZIP_STORED))
    return _zip_by_hand(members)


def hostile_workbooks() -> dict[str, bytes]:
    """Every malformed kind of issue 18.3, by name; each must end in exit 1 or 2."""
    good = sheet_xml(roster_rows(3))
    one_string = f'<?xml version="1.0"?><sst {NS} count="1"><si><t>leerlingnummer</t></si></sst>'
    index_out = (
        f'<?xml version="1.0"?><worksheet {NS}><sheetData><row r="1">'
        '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>99</v></c></row></sheetData></worksheet>'
    )
    corner = (
        f'<?xml version="1.0"?><worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr">'
        '<is><t>leerlingnummer</t></is></c></row><row r="1048576"><c r="XFD1048576" '
        't="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
    )
    many = 1_200_000
    strings = (
        f'<?xml version="1.0"?><sst {NS} count="{many}">' + "<si><t>x</t></si>" * many + "</sst>"
    )
    big_header = sheet_xml([["leerlingnummer", "A" * (4 << 20), "achternaam"], ["1", "a", "b"]])
    repeated = (
        '<table:table table:name="T"><table:table-row table:number-rows-repeated="100000">'
        '<table:table-cell table:number-columns-repeated="1000" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
    )
    return {
        "kapotte-xml": workbook({"Blad1": good[:-40]}),
        "tekstindex-buiten-bereik": workbook({"Blad1": index_out}, one_string),
        "werkblad-van-gigabytes": expanding_sheet(1100),
        "liegende-zipgrootte": expanding_sheet(400, declared=4096),
        "miljoenen-teksten": workbook({"Blad1": good}, strings),
        "kopcel-van-megabytes": workbook({"Blad1": big_header}),
        "cel-in-de-verste-hoek": workbook({"Blad1": corner}),
        "ods-herhaalde-cellen": ods_workbook([repeated]),
        "geen-zip": b"PK\x03\x04 dit is geen zip",
    }

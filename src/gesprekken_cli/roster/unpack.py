"""The checks a workbook passes before calamine sees a byte of it.

Calamine builds a sheet as one dense block and aborts the process when it cannot allocate
it, so a zip workbook (.xlsx, .ods) is unpacked here with every size bounded (declared
sizes first, actual sizes while unpacking), its sheets are scanned for their extent and
cell count and its shared strings counted, and calamine gets the checked parts repacked; an
.xls file's cell and DIMENSIONS records are scanned the same way. Faults are Dutch messages.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from xml.parsers import expat

from gesprekken_cli.errors import Problem, RosterError, quote

MAX_CELLS = 2_000_000  # rows x columns of the block each sheet spans, all sheets together
MAX_SHARED = 1_000_000  # shared strings of an .xlsx
MAX_UNPACKED = 150 * 1024 * 1024  # all parts of a zip workbook, unpacked
MAX_PARTS = 2_000
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_CHUNK = 1 << 20
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s/>]")
_SHARED_ITEM = re.compile(rb"<(?:\w+:)?si[\s/>]")


def fault(source: str, message: str, code: str, line: int | None = None) -> RosterError:
    """One problem of the workbook as a :class:`RosterError`."""
    return RosterError([Problem(source, message, line=line, code=code)])


def unpack(raw: bytes, source: str) -> tuple[str, dict[str, bytes]]:
    """The kind (``xlsx`` or ``ods``) and every part of a zip workbook, unpacked within
    :data:`MAX_UNPACKED` (declared sizes checked first, actual sizes while unpacking)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, NotImplementedError):
        raise fault(
            source,
            "beschadigd Excel-bestand: geen geldig zip-archief (een .xlsx of .ods is een zip)",
            "xlsx.corrupt",
        ) from None
    declared = sum(info.file_size for info in infos)
    if len(infos) > MAX_PARTS or declared > MAX_UNPACKED:
        raise _too_big(source, declared)
    parts: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise fault(
                source,
                "dit Excel-bestand is met een wachtwoord beveiligd; sla het op zonder wachtwoord",
                "xlsx.encrypted",
            )
        chunks: list[bytes] = []
        try:
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > MAX_UNPACKED:
                        raise _too_big(source, total)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
            raise fault(
                source,
                f"beschadigd Excel-bestand: onderdeel {quote(info.filename, 80)} is niet"
                f" uit te pakken ({_zip_reason(exc)})",
                "xlsx.corrupt",
            ) from None
        except NotImplementedError:
            raise fault(
                source,
                f"beschadigd Excel-bestand: onderdeel {quote(info.filename, 80)} is op een"
                " onbekende manier ingepakt",
                "xlsx.corrupt",
            ) from None
        parts[info.filename] = b"".join(chunks)
    kind = _zip_kind(parts, source)
    if kind == "ods":
        _check_ods(parts.get("content.xml", b""), source)
    else:
        _check_xlsx(parts, source)
    return kind, parts


def _zip_reason(exc: Exception) -> str:
    text = str(exc)
    if "CRC" in text:
        return "controlegetal klopt niet"
    if isinstance(exc, EOFError) or "truncated" in text.lower():
        return "het bestand houdt te vroeg op"
    return "ongeldige inpakgegevens"


def _too_big(source: str, size: int) -> RosterError:
    return fault(
        source,
        f"werkmap te groot: uitgepakt meer dan {MAX_UNPACKED // (1024 * 1024)} MB"
        f" ({size // (1024 * 1024)} MB of meer onderdelen); is dit het goede bestand?",
        "xlsx.too-large",
    )


def _zip_kind(parts: dict[str, bytes], source: str) -> str:
    if parts.get("mimetype", b"").strip() == ODS_MIME or "content.xml" in parts:
        return "ods"
    if "xl/workbook.xml" in parts:
        return "xlsx"
    raise fault(
        source,
        "geen Excel-werkmap (.xlsx) of OpenDocument-rekenblad (.ods): het zip-archief mist"
        " de werkmap",
        "xlsx.corrupt",
    )


def _check_xlsx(parts: dict[str, bytes], source: str) -> None:
    """Each sheet's extent and cell count, and the number of shared strings, within bounds."""
    cells = 0
    for name, data in parts.items():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            cells += _sheet_cells(data)
            if cells > MAX_CELLS:
                raise _too_many_cells(source)
    if _count(_SHARED_ITEM, parts.get("xl/sharedStrings.xml", b""), b"si") > MAX_SHARED:
        raise fault(
            source,
            f"werkmap te groot: meer dan {MAX_SHARED} verschillende teksten; is dit het"
            " goede bestand?",
            "xlsx.too-large",
        )


_ENDS = (b" ", b">", b"/>", b"\n", b"\t", b"\r")


def _count(pattern: re.Pattern[bytes], data: bytes, tag: bytes) -> int:
    """How many ``<tag>`` elements ``data`` holds, without a list of them (a big sheet has
    millions): byte counts, unless a namespace prefix (``<x:c>``) asks for the regex."""
    if any(b":" + tag + end in data for end in _ENDS):
        return sum(1 for _ in pattern.finditer(data))
    return sum(data.count(b"<" + tag + end) for end in _ENDS)


def _sheet_cells(data: bytes) -> int:
    """The cells calamine would allocate for a sheet: its cell count, or the block from A1
    to the farthest row and column a cell or row names (``r="XFD1048576"``), whichever is
    larger. References of one length compare as text, so each maximum is one C-speed
    ``max`` over the longest ones; a literal space before ``r=`` keeps the scans fast."""
    count = _count(_CELL_START, data, b"c")
    sep = rb"\s" if any(space + b'r="' in data for space in (b"\t", b"\n", b"\r")) else b" "
    digits = next(
        (n for n in range(7, 0, -1) if re.search(sep + rb'r="[A-Z]{0,3}[0-9]{%d}"' % n, data)), 0
    )
    if not digits:
        return count
    rows = int(max(re.findall(sep + rb'r="[A-Z]{0,3}([0-9]{%d})"' % digits, data)))
    letters = next((n for n in (3, 2, 1) if re.search(sep + rb'r="[A-Z]{%d}[0-9]' % n, data)), 0)
    if not letters:
        return max(count, rows)
    width = _column_number(max(re.findall(sep + rb'r="([A-Z]{%d})[0-9]' % letters, data)))
    return max(count, rows * width)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _too_many_cells(source: str) -> RosterError:
    return fault(
        source,
        f"werkmap te groot: de werkbladen beslaan meer dan {MAX_CELLS} cellen (rijen x"
        " kolommen); staat er iets ver buiten de tabel, of is dit het goede bestand?",
        "xlsx.too-large",
    )


def _check_ods(content: bytes, source: str) -> None:
    """The block of non-empty cells of every table (repeats counted) within bounds."""
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    cell_tags = {f"{table} table-cell", f"{table} covered-table-cell"}
    state = {"row": 0, "col": 0, "rows": 0, "cols": 0, "cells": 0, "repeat": 1, "span": 1}
    in_cell = [False, False]  # inside a cell, and it holds something

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == f"{table} table":
            state["cells"] += state["rows"] * state["cols"]
            state.update(row=0, rows=0, cols=0)
        elif name == f"{table} table-row":
            state["col"] = 0
            state["repeat"] = _repeat(attrs.get(f"{table} number-rows-repeated"))
        elif name in cell_tags:
            state["span"] = _repeat(attrs.get(f"{table} number-columns-repeated"))
            in_cell[:] = [True, f"{office} value-type" in attrs]
        elif in_cell[0]:
            in_cell[1] = True

    def end(name: str) -> None:
        if name in cell_tags:
            state["col"] += state["span"]
            if in_cell[1]:
                state["cols"] = max(state["cols"], state["col"])
                state["rows"] = max(state["rows"], state["row"] + state["repeat"])
                if (state["rows"] * state["cols"]) + state["cells"] > MAX_CELLS:
                    raise _too_many_cells(source)
            in_cell[:] = [False, False]
        elif name == f"{table} table-row":
            state["row"] += state["repeat"]

    def text(data: str) -> None:
        if in_cell[0] and data.strip():
            in_cell[1] = True

    def entity(*_: object) -> None:
        raise fault(
            source, "entiteiten (<!ENTITY …>) zijn niet toegestaan in een rekenblad", "xlsx.corrupt"
        )

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(content, True)
    except expat.ExpatError as exc:
        raise fault(
            source,
            f"beschadigd rekenblad: content.xml is geen geldige XML (regel {exc.lineno})",
            "xlsx.corrupt",
        ) from None
    if state["cells"] + state["rows"] * state["cols"] > MAX_CELLS:
        raise _too_many_cells(source)


def _repeat(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 1


# BIFF records that hold a cell's value (calamine keeps these; blanks it drops)
_BIFF_CELLS = frozenset({0x0006, 0x00FD, 0x0203, 0x027E, 0x00BD, 0x0204, 0x0205, 0x00D6})
_BIFF_MULRK, _BIFF_BOF, _BIFF_DIMENSIONS = 0x00BD, 0x0809, 0x0200


def check_xls(raw: bytes, source: str) -> None:
    """The cells of an .xls workbook within bounds: its Workbook stream's records are
    scanned for each sheet's extent before calamine builds any sheet."""
    import olefile  # type: ignore[import-untyped]

    try:
        ole = olefile.OleFileIO(io.BytesIO(raw))
        stream = next((name for name in ("Workbook", "Book") if ole.exists(name)), None)
        if stream is None:
            raise library_fault(source, "xls", ValueError("encrypted or no workbook"))
        if ole.get_size(stream) > MAX_UNPACKED:
            raise _too_big(source, ole.get_size(stream))
        data = ole.openstream(stream).read()
    except RosterError:
        raise
    except Exception as exc:  # olefile raises OSError and more on bad input
        raise library_fault(source, "xls", exc) from None
    total = rows = columns = count = 0
    at = 0
    while at + 4 <= len(data):
        kind, length = struct.unpack_from("<HH", data, at)
        body = at + 4
        if kind == _BIFF_BOF:
            total, rows, columns = total + rows * columns, 0, 0
        elif kind == _BIFF_DIMENSIONS and body + length <= len(data) and length >= 10:
            # calamine sizes a sheet by this record: first/last+1 row, first/last+1 column
            wide = length >= 14
            first, last = struct.unpack_from("<II" if wide else "<HH", data, body)
            low, high = struct.unpack_from("<HH", data, body + (8 if wide else 4))
            if first > last or low > high:
                raise library_fault(source, "xls-read", ValueError("dimensions"))
            rows, columns = max(rows, last), max(columns, high)
            if total + rows * columns > MAX_CELLS:
                raise _too_many_cells(source)
        elif kind in _BIFF_CELLS and length >= 4 and body + length <= len(data):
            row, column = struct.unpack_from("<HH", data, body)
            if kind == _BIFF_MULRK and length >= 6:
                column = struct.unpack_from("<H", data, body + length - 2)[0]
            rows, columns, count = max(rows, row + 1), max(columns, column + 1), count + 1
            if total + rows * columns > MAX_CELLS or count > MAX_CELLS:
                raise _too_many_cells(source)
        at = body + length


def repack(parts: dict[str, bytes]) -> bytes:
    """The checked parts as a zip calamine reads as they are (stored, not compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def library_error(exc: BaseException) -> BaseException:
    """``exc`` when it is calamine's (an exception, or a Rust panic, which pyo3 raises as a
    BaseException); anything else (Ctrl-C, exit) goes on as it came."""
    if isinstance(exc, Exception) or type(exc).__name__ == "PanicException":
        return exc
    raise exc


def library_fault(source: str, kind: str, exc: BaseException) -> RosterError:
    """A Dutch message for what calamine raised (its own text is English)."""
    name, text = type(exc).__name__, str(exc).lower()
    if name == "PasswordError" or (kind == "xls" and "encrypt" in text):
        message, code = (
            "dit Excel-bestand is met een wachtwoord beveiligd; sla het op zonder wachtwoord",
            "xlsx.encrypted",
        )
    elif kind == "xls-read":
        message = "beschadigd Excel-bestand (.xls): de werkmap is niet te lezen"
        code = "xlsx.corrupt"
    elif kind == "xls":
        message, code = (
            "dit Excel-bestand is met een wachtwoord beveiligd, of een beschadigd oud"
            " .xls-bestand; sla het op als .xlsx zonder wachtwoord, of als CSV",
            "xlsx.encrypted",
        )
    elif name == "XmlError" or "xml" in text:
        message, code = "beschadigd Excel-bestand: een werkblad is geen geldige XML", "xlsx.corrupt"
    elif "shared" in text or "string index" in text:
        message, code = (
            "beschadigd Excel-bestand: een cel verwijst naar een tekst die niet in de werkmap"
            " staat",
            "xlsx.corrupt",
        )
    else:
        message, code = "beschadigd Excel-bestand: de werkmap is niet te lezen", "xlsx.corrupt"
    return fault(source, message, code)

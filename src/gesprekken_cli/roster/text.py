"""Read the bytes of a roster-side file (roster, classes, families, wishes) and decode text.

One reader for all of them, so one fault has one wording: a missing file is "bestand bestaat
niet" (exit 2), as for the rules file; a file over :data:`MAX_BYTES` is a roster fault (exit 1).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from gesprekken_cli.errors import Problem, RosterError, read_bytes

MAX_BYTES = 50 * 1024 * 1024
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_file(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of ``path``; missing or unreadable is an I/O error (exit 2), more than
    ``max_bytes`` (default :data:`MAX_BYTES`) a :class:`RosterError` (exit 1), checked
    before reading."""
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_bytes says what is wrong
    if size > max_bytes:
        raise RosterError(
            [
                Problem(
                    str(path),
                    f"bestand te groot ({size // (1024 * 1024)} MB); een rooster mag hier"
                    f" hoogstens {max_bytes // (1024 * 1024)} MB zijn",
                    code="roster.too-large",
                )
            ]
        )
    return read_bytes(path)


def decode_text(raw: bytes, source: str) -> str:
    """Text of a CSV export: UTF-16 (with BOM), UTF-8 (BOM optional) or Windows-1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            text = "\x00"
    elif b"\x00" in raw:
        text = "\x00"
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise RosterError(
                    [
                        Problem(
                            source,
                            f"tekens niet te lezen (byte {exc.start + 1}); verwacht UTF-8 of"
                            " Windows-1252 (sla op als 'CSV UTF-8')",
                            code="roster.encoding",
                        )
                    ]
                ) from None
    sample = text[:65536]
    controls = len(_CONTROL.findall(sample))
    if "\x00" in text or controls > len(sample) // 20:
        message = "geen CSV-bestand (binaire inhoud); sla het overzicht op als CSV"
        if Path(source).suffix.lower() in _WORKBOOK_SUFFIXES:  # the reader looks at the bytes
            message = (
                "geen geldig rekenblad: geen Excel- of OpenDocument-bestand en ook geen CSV"
                " (beschadigd of anders opgeslagen); sla het overzicht opnieuw op als .xlsx of CSV"
            )
        raise RosterError([Problem(source, message, code="roster.binary")])
    return unicodedata.normalize("NFC", text)

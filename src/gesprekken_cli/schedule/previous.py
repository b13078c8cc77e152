"""Reading a previously published plan (``--vorig plan.json``) for stable re-planning."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from gesprekken_cli.errors import GesprekkenError, Problem, io_error, os_reason, quote
from gesprekken_cli.schedule.records import Published


def read_previous(path: Path) -> dict[str, Published]:
    """uid → published slot, from a plan written by ``gesprekken plan --format json``.

    Items without ``start``/``eind`` were never published and are left out. Anything else
    that is not such a plan (wrong types, times outside 2000-2199, nesting too deep) raises
    a GesprekkenError (exit 1) naming the item's line and column.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise io_error(str(path), f"kan vorig plan niet lezen: {os_reason(exc)}") from exc
    file = str(path)
    try:
        data = _positioned(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise GesprekkenError(
            [Problem(file, f"geen JSON-plan: geen UTF-8 (byte {exc.start + 1})", code="vorig")]
        ) from None
    except json.JSONDecodeError as exc:
        raise GesprekkenError(
            [Problem(file, "geen geldig JSON-plan", exc.lineno, exc.colno, code="vorig")]
        ) from None
    except RecursionError:
        raise GesprekkenError(
            [Problem(file, "geen JSON-plan: te diep genest", code="vorig")]
        ) from None
    if data is None:
        raise GesprekkenError(
            [
                Problem(
                    file,
                    "verwacht een JSON-lijst zoals 'gesprekken plan -f json' schrijft",
                    1,
                    1,
                    code="vorig",
                )
            ]
        )
    out: dict[str, Published] = {}
    faults: list[Problem] = []
    for line, column, item in data:

        def fault(message: str, line: int = line, column: int = column) -> None:
            faults.append(Problem(file, message, line, column, code="vorig"))

        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            fault("verwacht een object met 'id' (een gesprek uit 'gesprekken plan -f json')")
            continue
        start, end = item.get("start"), item.get("eind")
        if start is None or end is None:
            continue
        key = quote(item["id"], 60)
        try:
            begin, finish = datetime.fromisoformat(start), datetime.fromisoformat(end)
        except (TypeError, ValueError):
            fault(f"{key}: start/eind is geen ISO-datumtijd")
            continue
        if begin.tzinfo is None or finish.tzinfo is None or finish <= begin:
            fault(f"{key}: start/eind zonder tijdzone of omgekeerd")
            continue
        if not (begin > _FIRST and finish < _LAST and finish - begin <= timedelta(days=1)):
            fault(f"{key}: start/eind is geen gesprekstijd (jaar 2000-2199, hoogstens een dag)")
            continue
        teachers = item.get("leerkrachten") or []
        sequence = item.get("volgnummer") or 0
        if not isinstance(teachers, list) or not all(isinstance(t, str) for t in teachers):
            fault(f"{key}: 'leerkrachten' is geen lijst van namen")
            continue
        if type(sequence) is not int or not 0 <= sequence < 1_000_000:
            fault(f"{key}: 'volgnummer' is geen geheel getal van 0 tot 1000000")
            continue
        out[item["id"]] = Published(begin, finish, tuple(teachers), sequence)
    if faults:
        raise GesprekkenError(faults)
    return out


_FIRST = datetime(2000, 1, 1, tzinfo=UTC)
_LAST = datetime(2200, 1, 1, tzinfo=UTC)
_SPACE = re.compile(r"[ \t\n\r]*")


def _positioned(text: str) -> list[tuple[int, int, Any]] | None:
    """The items of a top-level JSON array, each with its line and column; None if no array.

    Raises ``JSONDecodeError`` (with the position) for text that is not JSON.
    """
    decoder = json.JSONDecoder()
    index = _SPACE.match(text).end()  # type: ignore[union-attr]
    if not text.startswith("[", index):
        json.loads(text)  # not JSON at all: the decoder says where
        return None
    items: list[tuple[int, int, Any]] = []
    line, line_start, seen = 1, 0, 0
    index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
    while not text.startswith("]", index):
        if items:
            if not text.startswith(",", index):
                raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
            index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
        newlines = text.count("\n", seen, index)
        if newlines:
            line, line_start = line + newlines, text.rindex("\n", seen, index) + 1
        seen = index
        item, index = decoder.raw_decode(text, index)
        items.append((line, seen - line_start + 1, item))
        index = _SPACE.match(text, index).end()  # type: ignore[union-attr]
    if text[index + 1 :].strip(" \t\n\r"):
        raise json.JSONDecodeError("Extra data", text, index + 1)
    return items

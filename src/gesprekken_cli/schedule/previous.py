"""Reading a previously published plan (``--vorig plan.json``) for stable re-planning."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from gesprekken_cli.errors import GesprekkenError, Problem, io_error, os_reason
from gesprekken_cli.schedule.records import Published


def read_previous(path: Path) -> dict[str, Published]:
    """uid → published slot, from a plan written by ``gesprekken plan --format json``.

    Items without ``start``/``eind`` were never published and are left out.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise io_error(str(path), f"kan vorig plan niet lezen: {os_reason(exc)}") from exc
    file = str(path)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise GesprekkenError(
            [Problem(file, f"geen JSON-plan: geen UTF-8 (byte {exc.start + 1})", code="vorig")]
        ) from None
    except json.JSONDecodeError as exc:
        raise GesprekkenError(
            [Problem(file, "geen geldig JSON-plan", exc.lineno, exc.colno, code="vorig")]
        ) from None
    if not isinstance(data, list):
        raise GesprekkenError(
            [Problem(file, "verwacht een JSON-lijst zoals 'gesprekken plan -f json' schrijft")]
        )
    out: dict[str, Published] = {}
    faults: list[Problem] = []
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            faults.append(Problem(file, f"item {index + 1}: verwacht een object met 'id'"))
            continue
        start, end = item.get("start"), item.get("eind")
        if start is None or end is None:
            continue
        try:
            begin, finish = datetime.fromisoformat(start), datetime.fromisoformat(end)
        except (TypeError, ValueError):
            faults.append(Problem(file, f"{item['id']}: start/eind is geen ISO-datumtijd"))
            continue
        if begin.tzinfo is None or finish.tzinfo is None or finish <= begin:
            faults.append(Problem(file, f"{item['id']}: start/eind zonder tijdzone of omgekeerd"))
            continue
        teachers = item.get("leerkrachten") or []
        sequence = item.get("volgnummer") or 0
        out[item["id"]] = Published(
            begin,
            finish,
            tuple(str(t) for t in teachers),
            sequence if isinstance(sequence, int) else 0,
        )
    if faults:
        raise GesprekkenError(faults)
    return out

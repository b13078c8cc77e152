"""The plan as JSON: one object per conversation instance. This is the contract.

Fields (never renamed; new ones may be added): ``id``, ``leerling``, ``naam``, ``klas``,
``groep``, ``groepen``, ``gezin``, ``gesprek``, ``gesprek_naam``, ``ronde``, ``status``,
``vorm``, ``aangevraagd``, ``kind_aanwezig``, ``deelnemers``, ``leerkrachten``, ``van``,
``tot``, ``start``, ``eind``, ``duur_minuten``, ``dagdeel``, ``huishouden``, ``locatie``,
``herhaling``, ``voorbereiding``, ``opmerking``, ``volgnummer`` (ICS SEQUENCE).
Dates are ISO 8601 (``2026-09-07``), times ISO 8601 with their UTC offset
(``2026-09-07T14:45:00+02:00``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from gesprekken_cli.expand import Conversation, PrepTask, Recurrence
from gesprekken_cli.model import WEEKDAYS_NL


def _recurrence(r: Recurrence | None) -> dict[str, str] | None:
    if r is None:
        return None
    return {
        "dag": WEEKDAYS_NL[r.weekday],
        "begin": r.begin.strftime("%H:%M"),
        "eind": r.end.strftime("%H:%M"),
    }


def _tasks(tasks: tuple[PrepTask, ...]) -> list[dict[str, Any]]:
    return [
        {"taak": t.task, "soort": t.kind, "wie": t.who, "datum": t.due, "kanaal": t.channel}
        for t in tasks
    ]


def record(c: Conversation, tasks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The JSON object of one conversation; dates stay ``date``/``datetime`` for the encoder.

    ``tasks`` may pass the already converted preparation list (shared by a whole round).
    """
    return {
        "id": c.uid,
        "leerling": c.pupil_id,
        "naam": c.name,
        "klas": c.class_name,
        "groep": c.grade,
        "groepen": c.grades,
        "gezin": c.family_id,
        "gesprek": c.type_id,
        "gesprek_naam": c.type_name,
        "ronde": c.round,
        "status": c.status,
        "vorm": c.form,
        "aangevraagd": c.requested,
        "kind_aanwezig": c.child_present,
        "deelnemers": c.participants,
        "leerkrachten": c.teachers,
        "van": c.first_day,
        "tot": c.last_day,
        "start": c.start,
        "eind": c.end,
        "duur_minuten": c.duration,
        "dagdeel": c.day_part,
        "huishouden": c.household or None,
        "locatie": c.location,
        "herhaling": _recurrence(c.recurrence),
        "voorbereiding": _tasks(c.tasks) if tasks is None else tasks,
        "opmerking": c.note,
        "volgnummer": c.sequence,
    }


def render_json(conversations: Iterable[Conversation]) -> bytes:
    """A JSON array of :func:`record` objects, one object per line, UTF-8, final newline.

    Each object goes straight into one buffer: orjson's result for a small object keeps a
    large spare capacity, so holding tens of thousands of them would cost hundreds of MB.
    """
    dumps = orjson.dumps
    shared: dict[int, list[dict[str, Any]]] = {}
    out = bytearray(b"[")
    separator = b"\n"
    for c in conversations:
        tasks = shared.get(id(c.tasks))
        if tasks is None:
            tasks = shared[id(c.tasks)] = _tasks(c.tasks)
        out += separator
        out += dumps(record(c, tasks))
        separator = b",\n"
    out += b"\n]\n" if len(out) > 1 else b"]\n"
    return bytes(out)

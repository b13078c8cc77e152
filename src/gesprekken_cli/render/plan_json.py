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
from operator import itemgetter
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


# The fields that differ between the items of one round: JSON key and Conversation field.
_PER_ITEM = {
    "id": "uid",
    "leerling": "pupil_id",
    "naam": "name",
    "klas": "class_name",
    "groep": "grade",
    "groepen": "grades",
    "gezin": "family_id",
    "leerkrachten": "teachers",
    "start": "start",
    "eind": "end",
    "huishouden": "household",
    "opmerking": "note",
    "volgnummer": "sequence",
}
_FIELDS = Conversation._fields
_per_item = itemgetter(*(_FIELDS.index(name) for name in _PER_ITEM.values()))
_round_of = itemgetter(*(i for i, name in enumerate(_FIELDS) if name not in _PER_ITEM.values()))


def render_json(conversations: Iterable[Conversation]) -> bytes:
    """A JSON array of :func:`record` objects, one object per line, UTF-8, final newline.

    Items of one round follow each other and differ only in :data:`_PER_ITEM`, so one
    object is refilled with each item's own fields (the key order stays) and encoded at
    once. Each encoding goes straight into one buffer: orjson's result for a small object
    keeps a large spare capacity, so holding tens of thousands of them would cost hundreds
    of MB.
    """
    dumps = orjson.dumps
    keys = tuple(_PER_ITEM)
    out = bytearray(b"[")
    separator = b"\n"
    shared: tuple[object, ...] = ()
    item: dict[str, Any] = {}
    for c in conversations:
        same = _round_of(c)
        if same != shared:
            shared, item = same, record(c)
        else:
            item.update(zip(keys, _per_item(c), strict=False))  # same length
            if not c.household:
                item["huishouden"] = None
        out += separator
        out += dumps(item)
        separator = b",\n"
    out += b"\n]\n" if len(out) > 1 else b"]\n"
    return bytes(out)

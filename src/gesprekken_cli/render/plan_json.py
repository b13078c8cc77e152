"""The plan as JSON: one object per conversation instance. This is the contract.

Fields (never renamed; new ones may be added): ``id``, ``leerling``, ``naam``, ``klas``,
``groep``, ``groepen``, ``gezin``, ``gesprek``, ``gesprek_naam``, ``ronde``, ``status``,
``vorm``, ``aangevraagd``, ``kind_aanwezig``, ``deelnemers``, ``leerkrachten``, ``van``,
``tot``, ``start``, ``eind``, ``duur_minuten``, ``dagdeel``, ``huishouden``, ``locatie``,
``herhaling``, ``voorbereiding`` (each task also ``opmerking``), ``opmerking``,
``volgnummer`` (ICS SEQUENCE), ``overgeslagen`` (a pupil left out of the round).
Dates are ISO 8601 (``2026-09-07``), times ISO 8601 with their UTC offset
(``2026-09-07T14:45:00+02:00``).
"""

from __future__ import annotations

import io
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
        {
            "taak": t.task,
            "soort": t.kind,
            "wie": t.who,
            "datum": t.due,
            "kanaal": t.channel,
            "opmerking": t.note,
        }
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
        "overgeslagen": c.skipped,
    }


# Kept (issue 14.6): round records refilled per item save 11% of the board (callgrind).
# The fields that differ between the items of one round (the rest is shared by the round).
_PER_ITEM = (
    "uid",
    "pupil_id",
    "name",
    "class_name",
    "grade",
    "grades",
    "family_id",
    "teachers",
    "start",
    "end",
    "household",
    "note",
    "sequence",
)
_FIELDS = Conversation._fields
_per_item = itemgetter(*(_FIELDS.index(name) for name in _PER_ITEM))
_round_of = itemgetter(*(i for i, name in enumerate(_FIELDS) if name not in _PER_ITEM))


def _round_record(c: Conversation) -> dict[str, Any]:
    """:func:`record` with every value encoded once (orjson fragments): the values the round
    shares are then not encoded again for each item; the item's own are put in per item."""
    return {key: orjson.Fragment(orjson.dumps(value)) for key, value in record(c).items()}


def render_json(conversations: Iterable[Conversation]) -> bytes:
    """A JSON array of :func:`record` objects, one object per line, UTF-8, final newline.

    Items of one round follow each other and differ only in :data:`_PER_ITEM`, so one
    object, with the round's values already encoded, is refilled with each item's own
    values (the key order stays) and encoded at once. Each encoding goes straight into
    one buffer (orjson's result for a small object keeps a large spare capacity, so
    holding tens of thousands of them would cost hundreds of MB); a BytesIO hands its
    buffer over as the result, where a bytearray would be copied once more.
    """
    dumps = orjson.dumps
    buffer = io.BytesIO()
    write = buffer.write
    write(b"[")
    separator = b"\n"
    shared: tuple[object, ...] = ()
    item: dict[str, Any] = {}
    for c in conversations:
        same = _round_of(c)
        if same != shared:
            shared, item = same, _round_record(c)
        (
            uid,
            pupil_id,
            name,
            klass,
            grade,
            grades,
            family,
            teachers,
            start,
            end,
            household,
            note,
            sequence,
        ) = _per_item(c)
        item["id"] = uid
        item["leerling"] = pupil_id
        item["naam"] = name
        item["klas"] = klass
        item["groep"] = grade
        item["groepen"] = grades
        item["gezin"] = family
        item["leerkrachten"] = teachers
        item["start"] = start
        item["eind"] = end
        item["huishouden"] = household or None
        item["opmerking"] = note
        item["volgnummer"] = sequence
        write(separator)
        write(dumps(item))
        separator = b",\n"
    write(b"\n]\n" if buffer.tell() > 1 else b"]\n")
    return buffer.getvalue()

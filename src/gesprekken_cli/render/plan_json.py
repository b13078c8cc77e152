"""The plan as JSON: one object per conversation instance. This is the contract.

Fields (never renamed; new ones may be added): ``id``, ``leerling``, ``naam``, ``klas``,
``groep``, ``groepen``, ``gezin``, ``gesprek``, ``gesprek_naam``, ``ronde``, ``status``,
``vorm``, ``aangevraagd``, ``kind_aanwezig``, ``deelnemers``, ``leerkrachten``, ``van``,
``tot``, ``start``, ``eind``, ``duur_minuten``, ``dagdeel``, ``huishouden``, ``locatie``,
``herhaling``, ``voorbereiding``, ``opmerking``, ``volgnummer`` (ICS SEQUENCE).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from gesprekken_cli.expand import Conversation
from gesprekken_cli.model import WEEKDAYS_NL


def record(c: Conversation) -> dict[str, Any]:
    """The JSON object of one conversation (see the module docstring for the fields)."""
    return {
        "id": c.uid,
        "leerling": c.pupil_id,
        "naam": c.name,
        "klas": c.class_name,
        "groep": c.grade,
        "groepen": list(c.grades),
        "gezin": c.family_id,
        "gesprek": c.type_id,
        "gesprek_naam": c.type_name,
        "ronde": c.round,
        "status": c.status,
        "vorm": c.form,
        "aangevraagd": c.requested,
        "kind_aanwezig": c.child_present,
        "deelnemers": list(c.participants),
        "leerkrachten": list(c.teachers),
        "van": c.first_day.isoformat(),
        "tot": c.last_day.isoformat(),
        "start": c.start.isoformat() if c.start else None,
        "eind": c.end.isoformat() if c.end else None,
        "duur_minuten": c.duration,
        "dagdeel": c.day_part,
        "huishouden": c.household or None,
        "locatie": c.location,
        "herhaling": None
        if c.recurrence is None
        else {
            "dag": WEEKDAYS_NL[c.recurrence.weekday],
            "begin": c.recurrence.begin.strftime("%H:%M"),
            "eind": c.recurrence.end.strftime("%H:%M"),
        },
        "voorbereiding": [
            {
                "taak": t.task,
                "soort": t.kind,
                "wie": t.who,
                "datum": t.due.isoformat() if t.due else None,
                "kanaal": t.channel,
            }
            for t in c.tasks
        ],
        "opmerking": c.note,
        "volgnummer": c.sequence,
    }


def render_json(conversations: Iterable[Conversation]) -> str:
    """A JSON array of :func:`record` objects, UTF-8 text with a final newline."""
    return json.dumps([record(c) for c in conversations], ensure_ascii=False, indent=1) + "\n"

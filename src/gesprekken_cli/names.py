"""Names as every output shows them: without Unicode bidi overrides.

A right-to-left override (U+202E) in a roster name makes ``Emma`` read as another text in a
calendar, e-mail or file list ("Trojan Source"). The embeddings, overrides and isolates
U+202A–U+202E and U+2066–U+2069 are removed from pupils' and teachers' names once, when the
roster is read for a plan, so no renderer can show them.
"""

from __future__ import annotations

import re

from gesprekken_cli.model import Klass, Pupil, Roster

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def strip_bidi(text: str) -> str:
    """``text`` without bidi embedding, override and isolate controls."""
    return _BIDI.sub("", text) if _BIDI.search(text) else text


def _pupil(p: Pupil) -> Pupil:
    return p._replace(
        first_name=strip_bidi(p.first_name),
        infix=strip_bidi(p.infix),
        last_name=strip_bidi(p.last_name),
    )


def _klass(k: Klass) -> Klass:
    teachers = tuple(t._replace(name=strip_bidi(t.name)) for t in k.teachers)
    return k._replace(name=strip_bidi(k.name), teachers=teachers)


def clean_roster(roster: Roster) -> Roster:
    """The roster with bidi controls removed from every name (itself when there are none)."""
    names = "".join(
        f"{p.first_name}{p.infix}{p.last_name}{p.class_name}" for p in roster.pupils
    ) + "".join(k.name + "".join(t.name for t in k.teachers) for k in roster.classes)
    if not _BIDI.search(names):
        return roster
    return roster._replace(
        pupils=tuple(
            _pupil(p)._replace(class_name=strip_bidi(p.class_name)) for p in roster.pupils
        ),
        classes=tuple(_klass(k) for k in roster.classes),
    )

"""Why a conversation got no slot: one code per cause, its Dutch text made in one place.

The CLI and the renderers group unplaced talks by code; the text is for people.
"""

from __future__ import annotations

from enum import StrEnum

from gesprekken_cli.expand import Conversation


class Reason(StrEnum):
    """The cause, most basic first: a placement reports the first that applies."""

    NO_TEACHER_DAY = "geen-werkdag"
    """No day in the window on which a teacher who can hold it works (or is free)."""
    DAY_PART_TOO_SHORT = "dagdeel-te-kort"
    """The day part of every such day is shorter than the conversation."""
    FAMILY_WISH = "gezinswens"
    """The family's (or pupil's) hard wishes close every such day."""
    TEACHER_WISH = "leerkrachtwens"
    """Free time remains, but only where the teacher's own wishes forbid it."""
    FULL = "vol"
    """The teachers' days in the window are full (cap, pause, other conversations)."""


def describe(reason: Reason, c: Conversation, *, duration: int, cap: int, pause: int) -> str:
    """The Dutch sentence for ``reason`` about conversation ``c``."""
    window = f"{c.first_day:%d-%m}–{c.last_day:%d-%m}"
    if reason is Reason.NO_TEACHER_DAY:
        return f"geen werkdag van de leerkracht over in de periode {window}"
    if reason is Reason.DAY_PART_TOO_SHORT:
        return f"het dagdeel is korter dan het gesprek ({duration} min)"
    if reason is Reason.FAMILY_WISH:
        return "gezinswensen laten geen dag in de periode vrij"
    if reason is Reason.TEACHER_WISH:
        return "de wensen van de leerkracht laten geen tijd in de periode vrij"
    one = c.first_day == c.last_day
    days, verb = ("de dag", "is") if one else ("de werkdagen", "zijn")
    return (
        f"geen plek meer: {days} van de leerkracht in de periode {window} {verb} vol "
        f"(max {cap} gesprekken per dag, pauze {pause} min)"
    )

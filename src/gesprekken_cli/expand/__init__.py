"""Expansion: every rule of the cycle against every eligible pupil or class → conversations.

The package's entry is :func:`expand`; :func:`windows` and :func:`child_presence` give views
of the cycle (the year overview) the same answers without a roster.
"""

from gesprekken_cli.expand.expander import (
    AMSTERDAM,
    Conversation,
    Expansion,
    PrepTask,
    Recurrence,
    calendar_settings,
    child_presence,
    expand,
    month_start,
    windows,
)

__all__ = [
    "AMSTERDAM",
    "Conversation",
    "Expansion",
    "PrepTask",
    "Recurrence",
    "calendar_settings",
    "child_presence",
    "expand",
    "month_start",
    "windows",
]

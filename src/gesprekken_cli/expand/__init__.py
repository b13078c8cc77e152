"""Expansion: every rule of the cycle against every eligible pupil or class → conversations.

The package's entry is :func:`expand`; :func:`windows` and :func:`child_presence` give views
of the cycle (the year overview) the same answers without a roster. Modules: ``conversation``
(the values), ``pupils`` (the roster as expansion uses it), ``periods`` (each round's window),
``due`` (task due dates), ``items`` (what a round's items share), ``meetings`` (items for a
class, groep or school), ``expander`` (the whole expansion).
"""

from gesprekken_cli.expand.conversation import (
    AMSTERDAM,
    Conversation,
    Expansion,
    PrepTask,
    Recurrence,
)
from gesprekken_cli.expand.expander import child_presence, expand, windows
from gesprekken_cli.expand.periods import calendar_settings, month_start

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

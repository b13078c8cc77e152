"""One teacher's plan as a day list for the terminal: date and time first, 80 columns.

Each day a heading (``maandag 5 oktober 2026``), then one line per conversation in time
order: ``15.30-15.45  Voortgangsgesprek  Emma de Vries (5A)  kind``. Long names are cut with
``…`` so no line wraps; what has no time yet follows under ``Nog zonder tijd``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from gesprekken_cli.expand import AMSTERDAM, Conversation
from gesprekken_cli.model import WEEKDAYS_NL
from gesprekken_cli.recipients import plan_order
from gesprekken_cli.rules.values import MONTHS_NL

WIDTH = 80


def day_heading(day: date) -> str:
    """``maandag 5 oktober 2026``."""

    return f"{WEEKDAYS_NL[day.weekday()]} {day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, ``…`` where it was cut."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def who_text(c: Conversation, width: int | None = None) -> str:
    """``Emma de Vries (5A)``, ``…, huishouden 2``, or the class of a meeting; in at most
    ``width`` characters the name is cut, never the class or the household."""
    if c.pupil_id is None:
        return f"klas {c.class_name}" if c.class_name else "groep " + "/".join(map(str, c.grades))
    tail = f" ({c.class_name})" if c.class_name else ""
    tail += f", huishouden {c.household}" if c.household else ""
    name = c.name if width is None else cut(c.name, max(width - len(tail), 8))
    return name + tail


def time_text(c: Conversation) -> str:
    """``15.30-15.45``; empty without a slot."""
    if c.start is None:
        return ""
    start = c.start.astimezone(AMSTERDAM)
    end = (c.end or start).astimezone(AMSTERDAM)
    return f"{start:%H.%M}-{end:%H.%M}"


def _line(c: Conversation, width: int) -> str:
    kind = "kind" if c.child_present else ""
    head = f"  {time_text(c) or '':11}  "
    room = width - len(head) - len(kind) - 2
    who = who_text(c)
    # The name is cut only when type and name together do not fit, and then no further
    # than what leaves the name whole (or half the room, when the name is long too).
    type_width = max(room - len(who) - 2, min(len(c.type_name), max(room // 2, 12)))
    shown_type = cut(c.type_name, type_width)
    body = f"{shown_type}  {who_text(c, room - len(shown_type) - 2)}"
    return f"{head}{cut(body, room):{room}}  {kind}".rstrip()


def render_day_list(conversations: Iterable[Conversation], title: str, width: int = WIDTH) -> str:
    """The day list as text; every line at most ``width`` characters."""
    items: Sequence[Conversation] = sorted(conversations, key=plan_order)
    timed = [c for c in items if c.start is not None]
    waiting = [c for c in items if c.start is None and c.pupil_id is not None]
    lines = [cut(title, width), ""]
    day = None
    for c in timed:
        assert c.start is not None
        local = c.start.astimezone(AMSTERDAM).date()
        if local != day:
            if day is not None:
                lines.append("")
            day = local
            lines.append(cut(day_heading(local), width))
        lines.append(_line(c, width))
    if waiting:
        lines += ["", f"Nog zonder tijd ({len(waiting)}):"]
        for c in waiting:
            window = f"{c.first_day:%d-%m}–{c.last_day:%d-%m}"
            lines.append(cut(f"  {window:11}  {c.type_name}  {who_text(c)}", width))
    if not timed and not waiting:
        lines.append("Geen gesprekken.")
    return "\n".join(lines) + "\n"

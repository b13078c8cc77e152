"""The plan as CSV (for Excel) and Markdown: one row per conversation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from gesprekken_cli.expand import Conversation
from gesprekken_cli.render.excel import date_cell, excel_csv, family_number, time_cell

STATUS_NL = {"verplicht": "verplicht", "facultatief": "facultatief", "op_verzoek": "op verzoek"}
# Who and when first, long text last: the first columns fit an A4 page in landscape as Excel
# prints the file when it is opened as is. ``Datum``/``Begin``/``Eind`` are cells Dutch Excel
# reads as a date and times; ``Van``/``Tot`` the window when there is no slot yet.
HEADER = (
    "Naam",
    "Klas",
    "Groep",
    "Datum",
    "Begin",
    "Eind",
    "Gesprek",
    "Leerkracht(en)",
    "Kind aanwezig",
    "Gezin",
    "Leerlingnummer",
    "Status",
    "Van",
    "Tot",
    "Deelnemers",
    "Voorbereiding",
    "Opmerking",
)
HOUSEHOLD_AFTER = "Gezin"  # the ``Huishouden`` column, only in a plan where parents live apart


def when_text(c: Conversation) -> str:
    if c.start and c.end:
        return f"{c.start:%d-%m-%Y %H.%M}–{c.end:%H.%M}"
    if c.first_day == c.last_day:
        return f"{c.first_day:%d-%m-%Y}"
    return f"{c.first_day:%d-%m} t/m {c.last_day:%d-%m-%Y}"


def tasks_text(c: Conversation) -> str:
    return "; ".join(
        f"{t.task} ({t.who}{', ' + format(t.due, '%d-%m') if t.due else ''})" for t in c.tasks
    )


def day_of(c: Conversation) -> date | None:
    """The day of the appointment: its slot, or a window of one day (a meeting's date)."""
    if c.start is not None:
        return c.start.date()
    return c.first_day if c.first_day == c.last_day else None


def _row(c: Conversation) -> list[object]:
    return [
        c.name,
        c.class_name or "",
        c.grade if c.grade is not None else "/".join(map(str, c.grades)),
        date_cell(day_of(c)),
        time_cell(c.start),
        time_cell(c.end),
        c.type_name,
        ", ".join(c.teachers),
        "ja" if c.child_present else "nee",
        family_number(c.family_id),
        c.pupil_id or "",
        STATUS_NL.get(c.status, c.status),
        date_cell(c.first_day),
        date_cell(c.last_day),
        ", ".join(c.participants),
        tasks_text(c),
        c.note,
    ]


def render_csv(conversations: Sequence[Conversation]) -> bytes:
    """One row per conversation; ``Huishouden`` (1, 2) only when some parents live apart."""
    if not any(c.household for c in conversations):
        return excel_csv(HEADER, (_row(c) for c in conversations))
    at = HEADER.index(HOUSEHOLD_AFTER) + 1
    header = (*HEADER[:at], "Huishouden", *HEADER[at:])
    rows = (_with(_row(c), at, c.household or "") for c in conversations)
    return excel_csv(header, rows)


def _with(row: list[object], at: int, value: object) -> list[object]:
    row.insert(at, value)
    return row


def _md_cell(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    for char in "*_`[]<>#":
        text = text.replace(char, "\\" + char)
    return text


def render_markdown(conversations: Sequence[Conversation], title: str) -> str:
    lines = [f"# {_md_cell(title)}", ""]
    columns = ("Naam", "Klas", "Groep", "Wanneer", "Kind aanwezig", "Status", "Leerkracht(en)")
    for group in grouped(conversations):
        first = group[0]
        lines += ["", f"## {_md_cell(first.type_name)} ({_md_cell(window_text(group))})", ""]
        lines.append("| " + " | ".join(columns) + " |")
        lines.append("|" + "---|" * len(columns))
        for c in group:
            lines.append("| " + " | ".join(_md_cell(x) for x in _md_row(c)) + " |")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def grouped(conversations: Sequence[Conversation]) -> list[list[Conversation]]:
    """Conversations per (type, round), groups ordered by their first window day."""
    groups: dict[tuple[str, int], list[Conversation]] = {}
    for c in conversations:
        groups.setdefault((c.type_id, c.round), []).append(c)
    for members in groups.values():
        members.sort(key=_slot_order)
    return sorted(groups.values(), key=lambda g: (min(c.first_day for c in g), g[0].type_id))


def _slot_order(c: Conversation) -> tuple[bool, float, str, str]:
    """Scheduled first, by time (a teacher's day in order), then by name."""
    return (c.start is None, c.start.timestamp() if c.start else 0.0, c.name, c.uid)


def window_text(group: Sequence[Conversation]) -> str:
    first = min(c.first_day for c in group)
    last = max(c.last_day for c in group)
    if first == last:
        return f"{first:%d-%m-%Y}"
    return f"{first:%d-%m-%Y} t/m {last:%d-%m-%Y}"


def _md_row(c: Conversation) -> tuple[object, ...]:
    return (
        c.name,
        c.class_name or "",
        c.grade if c.grade is not None else "/".join(map(str, c.grades)),
        when_text(c),
        "ja" if c.child_present else "nee",
        STATUS_NL.get(c.status, c.status),
        ", ".join(c.teachers),
    )

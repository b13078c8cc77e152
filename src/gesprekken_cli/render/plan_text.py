"""The plan as CSV (for Excel) and Markdown: one row per conversation."""

from __future__ import annotations

from collections.abc import Sequence

from gesprekken_cli.expand import Conversation
from gesprekken_cli.render.excel import excel_csv

STATUS_NL = {"verplicht": "verplicht", "facultatief": "facultatief", "op_verzoek": "op verzoek"}
HEADER = (
    "Gesprek",
    "Naam",
    "Leerlingnummer",
    "Klas",
    "Groep",
    "Gezin",
    "Status",
    "Kind aanwezig",
    "Deelnemers",
    "Leerkracht(en)",
    "Van",
    "Tot",
    "Start",
    "Eind",
    "Voorbereiding",
)


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


def _row(c: Conversation) -> list[object]:
    return [
        c.type_name,
        c.name,
        c.pupil_id or "",
        c.class_name or "",
        c.grade if c.grade is not None else "/".join(map(str, c.grades)),
        c.family_id or "",
        STATUS_NL.get(c.status, c.status),
        "ja" if c.child_present else "nee",
        ", ".join(c.participants),
        ", ".join(c.teachers),
        c.first_day.strftime("%d-%m-%Y"),
        c.last_day.strftime("%d-%m-%Y"),
        c.start.strftime("%d-%m-%Y %H:%M") if c.start else "",
        c.end.strftime("%d-%m-%Y %H:%M") if c.end else "",
        tasks_text(c),
    ]


def render_csv(conversations: Sequence[Conversation]) -> bytes:
    return excel_csv(HEADER, (_row(c) for c in conversations))


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

"""Checklists as files: Markdown and CSV here, the HTML page in :mod:`.checklist_html`.

Takes :class:`~gesprekken_cli.checklist.Checklist` values and nothing else; the words all
three formats share are in :mod:`.checklist_text`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gesprekken_cli.checklist import Checklist, PupilRow, join_nl
from gesprekken_cli.output import unique_names
from gesprekken_cli.render.checklist_html import render_html
from gesprekken_cli.render.checklist_text import (
    appointment_text,
    count_text,
    header_lines,
    row_notes,
    rows_hint,
    rows_title,
    slot_text,
    task_text,
    tick_label,
)
from gesprekken_cli.render.excel import date_cell, excel_csv, family_number, time_cell

FORMATS = ("md", "html", "csv")


def file_stems(lists: Sequence[Checklist]) -> dict[str, str]:
    """Key → file stem: ``startgesprek-anna-de-boer-en-pieter-jansen`` (round added if several)."""
    stems = {}
    for cl in lists:
        round_part = f"-ronde-{cl.round}" if cl.rounds > 1 else ""
        stems[cl.key] = f"{cl.type_id}{round_part}-{'-en-'.join(cl.teachers)}"
    return stems


def render_files(
    lists: Sequence[Checklist], formats: Iterable[str] = FORMATS
) -> dict[str, bytes | str]:
    """File name → content for every list and format; group meetings get no CSV."""
    wanted = set(formats)
    stems = file_stems(lists)
    files: dict[str, bytes | str] = {}
    for fmt in FORMATS:
        if fmt not in wanted:
            continue
        names = unique_names(stems, "." + fmt)
        for cl in lists:
            if fmt == "md":
                files[names[cl.key]] = render_markdown(cl)
            elif fmt == "html":
                files[names[cl.key]] = render_html(cl)
            elif not cl.is_meeting:
                files[names[cl.key]] = render_csv(cl)
    return files


# --- Markdown ---


def md(value: object) -> str:
    """Text safe inside Markdown: markup characters and HTML are shown, not interpreted."""
    text = str(value).replace("\\", "\\\\").replace("\r", " ").replace("\n", " ")
    for char in "*_`[]<>#|!~&":
        text = text.replace(char, "\\" + char)
    return text


def render_markdown(cl: Checklist) -> str:
    """The list as Markdown with ``- [ ]`` boxes, ready for a printout or a notes app."""
    out = [f"# Checklist {md(cl.title)}", "", f"**{md(cl.teacher_text)}**", ""]
    out += [md(line) + "  " for line in header_lines(cl)]
    if cl.goals:
        out += ["", "## Doel", ""] + [f"- {md(goal)}" for goal in cl.goals]
    out += ["", "## Voorbereiding en afronding", ""]
    if cl.tasks:
        for t in cl.tasks:
            due, rest = task_text(t)
            out.append(f"- [ ] **{md(due)}**: {md(rest)}")
    else:
        out.append("Geen taken in de regels.")
    if cl.is_meeting:
        out += ["", "## Bijeenkomst", ""]
        out += [f"- {md(slot_text(m))}" for m in cl.meetings]
    else:
        out += ["", *_md_rows(cl)]
    return "\n".join(out) + "\n"


def _md_rows(cl: Checklist) -> list[str]:
    title = rows_title(cl)
    out = [f"## {title} ({count_text(cl)})", ""]
    if hint := rows_hint(cl):
        out += [md(hint), ""]
    for block in cl.blocks():
        out += _md_block(cl, block)
    return out


def _md_block(cl: Checklist, block: Sequence[PupilRow]) -> list[str]:
    """A pupil (or family) as a list item: name, appointment, notes, then the tick boxes."""

    def details(row: PupilRow) -> list[str]:
        parts = [row.class_name] if len(cl.classes) > 1 else []
        parts.append("afspraak: " + (appointment_text(row) or "____________"))
        parts.append("kind aanwezig" if row.child_present else "zonder kind")
        return [md(p) for p in parts + row_notes(cl, row)]

    if len(block) == 1:
        lines = ["- " + " · ".join([f"**{md(block[0].name)}**", *details(block[0])])]
    else:
        names = join_nl([f"**{md(r.name)}**" for r in block])
        shared = {tuple(details(r)) for r in block}
        if len(shared) == 1:
            lines = ["- " + " · ".join([f"{names} (gezin)", *shared.pop()])]
        else:
            lines = [f"- {names} (gezin)"]
            lines += [f"  - {md(r.name)}: " + " · ".join(details(r)) for r in block]
    if cl.on_request and not all(r.requested for r in block):
        lines.append("  - verzoek op: ____________ door: ____________")
    if all(r.skipped for r in block):
        return lines
    return lines + [f"  - [ ] {tick}" for tick in cl.ticks]


# --- CSV ---


# Who and when first, then what is ticked and filled in, then what is the same on every row:
# the columns to work with fit an A4 page in landscape when Excel prints the file as it opens.
# One row per appointment: a pupil whose parents live apart has a row per household.


def csv_header(cl: Checklist) -> list[str]:
    head = ["Naam", "Klas", "Datum", "Begin", "Eind", "Kind aanwezig", "Samen met"]
    if cl.on_request:
        head += ["Verzoek in rooster", "Datum verzoek", "Verzoek door"]
    head += [tick_label(t) for t in cl.ticks] + ["Opmerking", "Groep", "Leerlingnummer", "Gezin"]
    if _two_households(cl):
        head.append("Huishouden")
    return [*head, "Van", "Tot", "Gesprek", "Schooljaar", "Leerkracht(en)"]


def _two_households(cl: Checklist) -> bool:
    return any(len(row.slots) > 1 for row in cl.rows)


def csv_rows(cl: Checklist) -> list[list[object]]:
    households = _two_households(cl)
    rows: list[list[object]] = []
    for block in cl.blocks():
        for row in block:
            others = ", ".join(r.name for r in block if r is not row)
            for slot in row.slots:
                line: list[object] = [
                    row.name,
                    row.class_name,
                    date_cell(slot.start),
                    time_cell(slot.start),
                    time_cell(slot.end),
                    "ja" if row.child_present else "nee",
                    others,
                ]
                if cl.on_request:
                    line += ["ja" if row.requested else "", "", ""]
                notes = "; ".join(row_notes(cl, row))
                line += ["" for _ in cl.ticks] + [notes, row.grade, row.pupil_id]
                line.append(family_number(row.family_id))
                if households:
                    line.append(slot.household or "")
                line += [date_cell(slot.first_day), date_cell(slot.last_day)]
                rows.append([*line, cl.title, cl.school_year, cl.teacher_text])
    return rows


def render_csv(cl: Checklist) -> bytes:
    """One row per pupil, for Excel (``;``, BOM, no formula injection); tick columns empty."""
    return excel_csv(csv_header(cl), csv_rows(cl))

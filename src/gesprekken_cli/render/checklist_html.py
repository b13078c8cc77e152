"""A checklist as one printable HTML page: A4, self-contained, readable in black and white.

Everything from the plan passes through :func:`html.escape`; no scripts, fonts or images are
loaded, so the page prints the same offline and on any school computer.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from gesprekken_cli.checklist import Checklist, PupilRow
from gesprekken_cli.render.checklist_text import (
    appointments,
    count_text,
    header_lines,
    row_notes,
    rows_hint,
    rows_title,
    slot_text,
    task_text,
    tick_label,
)

CSS = """
@page { size: A4 portrait; margin: 12mm 12mm 14mm 12mm; }
* { box-sizing: border-box; }
html { font-family: Arial, "Liberation Sans", "DejaVu Sans", Helvetica, sans-serif;
  font-size: 10pt; color: #000; background: #fff; }
body { margin: 0 auto; max-width: 186mm; line-height: 1.3; }
h1 { font-size: 16pt; margin: 0 0 1mm; }
h2 { font-size: 11.5pt; margin: 5mm 0 1.5mm; border-bottom: 0.4mm solid #000;
  padding-bottom: 0.5mm; break-after: avoid; }
p { margin: 0.5mm 0; }
.who { font-size: 12pt; font-weight: bold; margin-bottom: 1.5mm; }
.facts { font-size: 9pt; }
ul.goals { margin: 0; padding-left: 5mm; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 0.25mm solid #000; padding: 1.2mm 1.5mm; vertical-align: top; text-align: left; }
th { font-size: 8.5pt; font-weight: bold; background: #e6e6e6; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.box, th.box { width: 15mm; text-align: center; }
table.pupils td { vertical-align: middle; }
span.box { display: inline-block; width: 4.2mm; height: 4.2mm; border: 0.35mm solid #000;
  background: #fff; }
td.due { width: 30mm; white-space: nowrap; }
td.whom { width: 24mm; }
td.task .rule { display: block; font-size: 8pt; }
th.when, td.when { width: 44mm; font-size: 9pt; }
th.kid, td.kid { width: 11mm; text-align: center; }
th.note, td.note { width: 30mm; }
td.name .extra, .family { display: block; font-size: 8pt; }
td.name div + div { margin-top: 1mm; }
.hint { font-size: 8.5pt; font-style: italic; margin-bottom: 1.5mm; }
footer { margin-top: 4mm; font-size: 8pt; }
@media screen { body { padding: 10mm; } }
@media print { th { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""

BOX = '<span class="box"></span>'


def render_html(cl: Checklist) -> str:
    """The whole page as a string (UTF-8, ``<!DOCTYPE html>``)."""
    e = escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="nl">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(f'Checklist {cl.title} – {cl.teacher_text}')}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>Checklist {e(cl.title)}</h1>",
        f'<p class="who">{e(cl.teacher_text)}</p>',
        *(f'<p class="facts">{e(line)}</p>' for line in header_lines(cl)),
        "</header>",
    ]
    if cl.goals:
        parts += ["<h2>Doel</h2>", '<ul class="goals">']
        parts += [f"<li>{e(goal)}</li>" for goal in cl.goals]
        parts.append("</ul>")
    parts += ["<h2>Voorbereiding en afronding</h2>", *_tasks(cl)]
    if cl.is_meeting:
        parts += ["<h2>Bijeenkomst</h2>", '<ul class="goals">']
        parts += [f"<li>{e(slot_text(m))}</li>" for m in cl.meetings]
        parts.append("</ul>")
    else:
        parts += _pupils(cl)
    parts += [
        f"<footer>Gemaakt met gesprekken uit het plan voor schooljaar {e(cl.school_year)}. "
        "Vink af met pen; houd de lijst bij de gespreksplanning.</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _tasks(cl: Checklist) -> list[str]:
    if not cl.tasks:
        return ["<p>Geen taken in de regels.</p>"]
    out = [
        "<table>",
        '<thead><tr><th class="box">Klaar</th><th>Uiterlijk</th><th>Taak</th><th>Wie</th></tr>'
        "</thead>",
        "<tbody>",
    ]
    for t in cl.tasks:
        due, _ = task_text(t)
        via = f", via {t.channel}" if t.channel else ""
        rule = t.rule + via + (f"; {t.note}" if t.note else "")
        out.append(
            f'<tr><td class="box">{BOX}</td>'
            f'<td class="due">{escape(due.removeprefix("uiterlijk "))}</td>'
            f'<td class="task">{escape(t.task)}'
            f'<span class="rule">{escape(rule)}</span></td>'
            f'<td class="whom">{escape(t.who)}</td></tr>'
        )
    out += ["</tbody>", "</table>"]
    return out


def _pupils(cl: Checklist) -> list[str]:
    title = rows_title(cl)
    out = [f"<h2>{title} ({escape(count_text(cl))})</h2>"]
    if hint := rows_hint(cl):
        out.append(f'<p class="hint">{escape(hint)}</p>')
    ticks = "".join(f'<th class="box">{escape(tick_label(t))}</th>' for t in cl.ticks)
    request = '<th class="note">Verzoek: datum, door wie</th>' if cl.on_request else ""
    out += [
        '<table class="pupils">',
        f'<thead><tr><th>Leerling</th><th class="when">Afspraak</th>'
        f'<th class="kid">Kind erbij</th>{request}{ticks}</tr></thead>',
        "<tbody>",
    ]
    out += [_row(cl, block) for block in cl.blocks()]
    out += ["</tbody>", "</table>"]
    return out


def _row(cl: Checklist, block: Sequence[PupilRow]) -> str:
    e = escape
    show_class = len(cl.classes) > 1
    names = []
    for row in block:
        extra = ([row.class_name] if show_class else []) + row_notes(cl, row)
        tail = f'<span class="extra">{e(" · ".join(extra))}</span>' if extra else ""
        names.append(f"{e(row.name)}{tail}")
    family = '<span class="family">gezin, samen</span>' if len(block) > 1 else ""
    times = [appointments(r) for r in block]
    if all(t == times[0] for t in times):
        when = "<br>".join(e(t) for t in times[0])
    else:
        when = "<br>".join(
            f"{e(r.name.split(' ')[0])}: {e('; '.join(t) or '…')}"
            for r, t in zip(block, times, strict=True)
        )
    kids = {r.child_present for r in block}
    present = ("ja" if kids == {True} else "nee") if len(kids) == 1 else "deels"
    request = ""
    if cl.on_request:
        request = '<td class="note"></td>'
        if all(r.requested for r in block):
            request = '<td class="note">in rooster</td>'
    box = "" if all(r.skipped for r in block) else BOX
    boxes = "".join(f'<td class="box">{box}</td>' for _ in cl.ticks)
    return (
        f'<tr><td class="name">{"".join(f"<div>{n}</div>" for n in names)}{family}</td>'
        f'<td class="when">{when}</td><td class="kid">{present}</td>{request}{boxes}</tr>'
    )

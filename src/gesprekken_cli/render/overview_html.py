"""The year overview as one self-contained HTML page for the school guide.

No external assets (fonts, scripts, images); every text from the rules or the roster goes
through ``html.escape``. Prints on one A4 landscape page in black and white: mandatory,
optional and on-request differ by marker and weight, never by colour alone. Table markup
for screen readers: caption, ``th scope``, ``abbr`` for the markers. With a roster the
teachers' load per week follows on its own page.
"""

from __future__ import annotations

import re
from html import escape

from gesprekken_cli.overview import (
    CHILD_MARK,
    STATUS_MARK,
    STATUS_NL,
    Entry,
    Overview,
    TeacherLoad,
    column_label,
    legend,
)

_CSS = """
@page { size: A4 landscape; margin: 9mm 10mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans",
       sans-serif; color: #000; background: #fff; margin: 1.5rem auto; max-width: 110rem;
       padding: 0 1rem; font-size: 14px; line-height: 1.3; }
.scroll { overflow-x: auto; }
table.grid tbody tr { height: 3.4em; }
h1 { font-size: 1.5em; margin: 0 0 .15em; }
.sub { margin: 0 0 .8em; color: #333; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: 0 0 .35em; }
th, td { border: 1px solid #000; padding: .3em .4em; vertical-align: top; text-align: left;
         overflow-wrap: break-word; }
thead th { background: #e4e4e4; font-weight: 700; }
thead th.kolom-extra { background: #f2f2f2; font-style: italic; }
tbody th { background: #f2f2f2; white-space: nowrap; width: 5.2em; }
td.leeg { background: #fff; }
.e { margin: 0 0 .35em; display: flex; gap: .3em; }
.e:last-child { margin-bottom: 0; }
.e abbr { text-decoration: none; border: 0; }
.verplicht .n { font-weight: 700; }
.op_verzoek .n { font-style: italic; }
.m { flex: none; width: .8em; }
.k { font-weight: 700; white-space: nowrap; }
.q { font-size: .85em; }
.c { white-space: nowrap; font-weight: 700; }
tfoot th, tfoot td { font-weight: 700; background: #f2f2f2; }
.legenda { margin: .7em 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap;
           gap: .2em 1.6em; }
.legenda b { display: inline-block; min-width: 1.1em; }
.noten { font-size: .85em; margin: .4em 0 0; padding-left: 1.1em; }
footer { font-size: .8em; color: #333; margin-top: .6em; }
section.belasting { margin-top: 2em; }
section.belasting h2 { font-size: 1.2em; margin: 0 0 .3em; }
table.week th, table.week td { text-align: right; padding: .15em .3em; font-size: .85em; }
table.week th[scope=row], table.week thead th:first-child { text-align: left; }
table.week td.d1 { background: #eee; } table.week td.d2 { background: #d0d0d0; }
table.week td.d3 { background: #a8a8a8; font-weight: 700; }
table.week .druk { font-weight: 700; text-decoration: underline; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 9pt; line-height: 1.22; }
  h1 { font-size: 16pt; }
  table.grid tbody tr { height: 15mm; }
  table.grid.telling { font-size: 8pt; }
  table.grid.telling tbody tr { height: auto; }
  .sub { margin-bottom: .4em; }
  th, td { padding: .22em .3em; }
  section.belasting { break-before: page; margin-top: 0; }
  .scroll { overflow: visible; }
  table.week th, table.week td { font-size: 7pt; padding: .1em .15em; }
}
"""


_COMPOUND = re.compile(r"(?<=[a-zé]{6})(gesprek|avond|ochtend|informatie)", re.IGNORECASE)


def _breakable(label: str) -> str:
    """Escaped, with break chances in long Dutch compounds (a soft hyphen before "gesprek",
    "avond", …) and after "/", so narrow columns wrap at a sensible place."""
    text = escape(label).replace("/", "/<wbr>")
    return _COMPOUND.sub("&shy;\\1", text)


def _entry(entry: Entry) -> str:
    status = STATUS_NL.get(entry.status, entry.status)
    parts = [
        f'<div class="e {escape(entry.status)}">'
        f'<abbr class="m" title="{escape(status)}">{STATUS_MARK.get(entry.status, "·")}</abbr>'
        f'<span><span class="n">{_breakable(entry.label)}</span>'
    ]
    if entry.child:
        parts.append(f'&nbsp;<abbr class="k" title="met kind">{escape(CHILD_MARK)}</abbr>')
    if entry.count is not None:
        parts.append(f' <span class="c">({entry.count})</span>')
    if entry.qualifier:
        parts.append(f' <span class="q">({escape(entry.qualifier)})</span>')
    parts.append("</span></div>")
    return "".join(parts)


def _runs(overview: Overview, column: str) -> dict[int, int]:
    """grade → rowspan for the first grade of each run of identical cells; 0 for the rest."""
    spans: dict[int, int] = {}
    grades = overview.grades
    index = 0
    while index < len(grades):
        end = index + 1
        cell = overview.cell(grades[index], column)
        while end < len(grades) and overview.cell(grades[end], column) == cell:
            end += 1
        spans[grades[index]] = end - index
        for grade in grades[index + 1 : end]:
            spans[grade] = 0
        index = end
    return spans


def _grid(overview: Overview) -> str:
    columns = overview.columns()
    spans = {column: _runs(overview, column) for column in columns}
    caption = f"Gesprekken per groep en maand, schooljaar {overview.year_label}" + (
        " (aantallen uit het rooster)" if overview.counted else ""
    )
    out = [
        '<div class="scroll">\n<table class="grid%s">\n' % (" telling" if overview.counted else ""),
        f"<caption>{escape(caption)}</caption>\n<thead><tr>",
    ]
    out.append('<th scope="col">Groep</th>')
    # Few columns: equal shares, like the school's own table. Many: widths follow the content.
    width = round(94 / len(columns), 1) if 0 < len(columns) <= 6 else 0.0
    for column in columns:
        extra = ' class="kolom-extra"' if column in ("startdatum", "wekelijks", "altijd") else ""
        label = escape(column_label(column).capitalize())
        style = f' style="width: {width}%"' if width else ""
        out.append(f'<th scope="col"{extra}{style}>{label}</th>')
    out.append("</tr></thead>\n<tbody>\n")
    for grade in overview.grades:
        out.append(f'<tr><th scope="row">Groep {grade}</th>')
        for column in columns:
            span = spans[column][grade]
            if not span:
                continue
            rowspan = f' rowspan="{span}"' if span > 1 else ""
            entries = overview.cell(grade, column)
            body = "".join(_entry(e) for e in entries)
            css = "" if entries else ' class="leeg"'
            out.append(f"<td{rowspan}{css}>{body}</td>")
        out.append("</tr>\n")
    out.append("</tbody>\n")
    if overview.counted:
        out.append('<tfoot><tr><th scope="row">Totaal</th>')
        out.extend(f"<td>{overview.total(c) or ''}</td>" for c in columns)
        out.append("</tr></tfoot>\n")
    out.append("</table>\n</div>\n")
    return "".join(out)


def _legend(overview: Overview) -> str:
    items = [f"<li><b>{escape(mark)}</b> {escape(meaning)}</li>" for mark, meaning in legend()]
    items.append("<li><b>(…)</b> voor wie, als het niet voor de hele groep is</li>")
    if overview.counted:
        items.append("<li><b>(n)</b> aantal gesprekken of bijeenkomsten</li>")
    return '<ul class="legenda" aria-label="Legenda">' + "".join(items) + "</ul>\n"


def _shade(value: float, top: float) -> str:
    if value <= 0 or top <= 0:
        return ""
    level = 1 + min(2, int(3 * value / (top + 1e-9)))
    return f' class="d{level}"'


def _number(value: float) -> str:
    if value <= 0:
        return ""
    return str(round(value)) if value >= 0.5 else "&lt;1"


def _load(load: TeacherLoad) -> str:
    busy = {week for week, _ in load.busiest(3)}
    top = max((load.count(t, w) for t in load.teachers for w in load.weeks), default=0.0)
    note = (
        "Gesprekken die nog geen tijd hebben, zijn verdeeld over de schooldagen van hun "
        "periode: dat deel is een verwachting."
        if not load.exact
        else "Geteld in de week van het ingeplande gesprek."
    )
    out = [
        '<section class="belasting">\n<h2>Gesprekken per leerkracht per week</h2>\n',
        f'<p class="sub">{escape(note)} Onderstreept: de drukste weken.</p>\n',
        '<table class="week">\n<caption>Aantal gesprekken per leerkracht per ISO-week'
        '</caption>\n<thead><tr><th scope="col">Leerkracht</th>',
    ]
    for week in load.weeks:
        css = ' class="druk"' if week in busy else ""
        out.append(
            f'<th scope="col"{css}><abbr title="week {week.number}, vanaf '
            f'{week.monday:%d-%m-%Y}">{week.number}</abbr>'
            f'<br><span class="q">{week.monday:%d-%m}</span></th>'
        )
    out.append("</tr></thead>\n<tbody>\n")
    for teacher in load.teachers:
        out.append(f'<tr><th scope="row">{escape(teacher)}</th>')
        for week in load.weeks:
            value = load.count(teacher, week)
            out.append(f"<td{_shade(value, top)}>{_number(value)}</td>")
        out.append("</tr>\n")
    out.append('</tbody>\n<tfoot><tr><th scope="row">Totaal</th>')
    out.extend(f"<td>{_number(load.total(w))}</td>" for w in load.weeks)
    out.append("</tr></tfoot>\n</table>\n")
    busiest = "; ".join(
        f"week {w.number} (vanaf {w.monday:%d-%m-%Y}): {round(n)}" for w, n in load.busiest(3)
    )
    if busiest:
        out.append(f'<p class="noten">Drukste weken: {escape(busiest)}.</p>\n')
    if load.undated:
        out.append(
            f'<p class="noten">{load.undated} '
            + (
                "gesprek dat altijd kan (op verzoek) heeft"
                if load.undated == 1
                else "gesprekken die altijd kunnen (op verzoek) hebben"
            )
            + " geen vaste week en staan hier niet in.</p>\n"
        )
    out.append("</section>\n")
    return "".join(out)


def render_html(overview: Overview) -> str:
    """The whole page as a string (UTF-8 when written)."""
    title = f"Gesprekkencyclus {overview.school} {overview.year_label}"
    sub = "Welke gesprekken er zijn, wanneer en voor welke groep"
    if overview.counted:
        sub += f" · rooster: {overview.roster}"
    parts = [
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n",
        f"<h1>Gesprekkencyclus {escape(overview.school)}</h1>\n",
        f'<p class="sub">Schooljaar {escape(overview.year_label)} · {escape(sub)}</p>\n',
        _grid(overview),
        _legend(overview),
    ]
    if overview.notes:
        parts.append('<ul class="noten">')
        parts.extend(f"<li>{escape(note.message)}</li>" for note in overview.notes)
        parts.append("</ul>\n")
    if overview.load is not None and overview.load.teachers:
        parts.append(_load(overview.load))
    source = overview.rules_file or "het regelbestand"
    parts.append(
        f"<footer>Gemaakt met gesprekken uit {escape(source)}.</footer>\n"
        "</main>\n</body>\n</html>\n"
    )
    return "".join(parts)

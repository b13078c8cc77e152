"""Day sheets as one self-contained HTML file: an A4 page per teacher, for the door.

Large time column, the pupil (and class), the conversation, whether the child comes, a
column to tick. Everything escaped; print CSS puts each teacher on a page of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from gesprekken_cli.daysheet import DaySheet
from gesprekken_cli.render.day_list import day_heading, time_text, who_text

_CSS = """
@page { size: A4 portrait; margin: 15mm; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 12pt; color: #000;
  margin: 0; }
section { page-break-after: always; break-after: page; max-width: 180mm; margin: 0 auto; }
section:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 20pt; margin: 0 0 2mm; }
p.dag { font-size: 14pt; margin: 0 0 6mm; }
table { width: 100%; border-collapse: collapse; }
th, td { border-bottom: 1px solid #999; padding: 2.5mm 2mm; text-align: left;
  vertical-align: top; }
th { border-bottom: 2px solid #000; font-size: 10pt; text-transform: uppercase; }
td.tijd { font-size: 15pt; font-weight: bold; white-space: nowrap; width: 32mm; }
td.vink { width: 12mm; }
td.vink span { display: inline-block; width: 5mm; height: 5mm; border: 1px solid #000; }
p.leeg { font-style: italic; }
footer { margin-top: 6mm; font-size: 9pt; color: #444; }
@media screen { body { background: #eee; } section { background: #fff; padding: 15mm;
  margin: 10mm auto; min-height: 267mm; box-shadow: 0 0 4px #999; } }
"""


def _page(sheet: DaySheet, school: str) -> str:
    places = {c.location for c in sheet.items}
    shared_place = places.pop() if len(places) == 1 else None
    rows = []
    for c in sheet.items:
        others = [t for t in c.teachers if t != sheet.teacher]
        detail = escape(c.type_name) + (
            f"<br><small>met {escape(', '.join(others))}</small>" if others else ""
        )
        rows.append(
            "<tr>"
            f'<td class="tijd">{escape(time_text(c))}</td>'
            f"<td>{escape(who_text(c))}</td>"
            f"<td>{detail}</td>"
            f"<td>{'ja' if c.child_present else 'nee'}</td>"
            + ("" if shared_place is not None else f"<td>{escape(c.location)}</td>")
            + '<td class="vink"><span></span></td>'
            "</tr>"
        )
    table = (
        "<table><thead><tr><th>Tijd</th><th>Leerling</th><th>Gesprek</th><th>Kind</th>"
        + ("" if shared_place is not None else "<th>Waar</th>")
        + "<th>Geweest</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    return (
        f"<section><h1>{escape(sheet.teacher)}</h1>"
        f'<p class="dag">{escape(day_heading(sheet.day))} · {len(sheet.items)} gesprek(ken)'
        + (f" · {escape(shared_place)}" if shared_place else "")
        + "</p>"
        f"{table}<footer>{escape(school)}</footer></section>"
    )


def render_day_sheets(sheets: Sequence[DaySheet], school: str, day: date) -> str:
    """The whole file; a day without conversations says so on its one page."""
    title = f"Deurlijsten {day_heading(day)}"
    pages = "".join(_page(s, school) for s in sheets) or (
        f'<section><h1>{escape(title)}</h1><p class="leeg">Geen gesprekken op deze dag.</p>'
        "</section>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>{pages}</body></html>\n"
    )

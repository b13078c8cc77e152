"""The year overview in the terminal: groups down, months across, a legend below.

Mandatory, optional and on-request differ by marker (● ○ ◇) and by weight (bold, plain,
italic), never by colour alone; ``+k`` marks that the child attends.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from gesprekken_cli.overview import (
    CHILD_MARK,
    STATUS_MARK,
    Entry,
    Overview,
    TeacherLoad,
    column_label,
    legend,
)

_STYLE = {"verplicht": "bold", "facultatief": "", "op_verzoek": "italic"}


def entry_text(entry: Entry) -> Text:
    """``● Startgesprek +k (27)``: marker, short name, child, count, qualifier."""
    style = _STYLE.get(entry.status, "")
    text = Text(f"{STATUS_MARK.get(entry.status, '·')} ", style=style)
    text.append(entry.label, style=style)
    if entry.child:
        text.append(f" {CHILD_MARK}", style="bold")
    if entry.count is not None:
        text.append(f" ({entry.count})")
    if entry.qualifier:
        text.append(f" [{entry.qualifier}]", style="dim")
    return text


def grid_table(overview: Overview) -> Table:
    title = f"Gesprekkencyclus {overview.school} · schooljaar {overview.year_label}"
    if overview.counted:
        title += " · aantallen uit het rooster"
    table = Table(title=title, box=box.SQUARE, show_lines=True, title_justify="left")
    table.add_column("Groep", no_wrap=True, style="bold")
    columns = overview.columns()
    for column in columns:
        table.add_column(column_label(column).capitalize(), overflow="fold")
    for grades in same_rows(overview):
        cells = []
        for column in columns:
            text = Text()
            for index, entry in enumerate(overview.cell(grades[0], column)):
                if index:
                    text.append("\n")
                text.append_text(entry_text(entry))
            cells.append(text)
        table.add_row(grades_label(grades), *cells)
    if overview.counted:
        table.add_row(
            "totaal",
            *(str(overview.total(c) or "") for c in columns),
            style="bold",
            end_section=True,
        )
    return table


def same_rows(overview: Overview) -> list[tuple[int, ...]]:
    """Consecutive groups whose whole row is the same, as one row (like the school's own table)."""
    columns = overview.columns()
    runs: list[tuple[int, ...]] = []
    for grade in overview.grades:
        row = [overview.cell(grade, c) for c in columns]
        if runs and [overview.cell(runs[-1][0], c) for c in columns] == row:
            runs[-1] = (*runs[-1], grade)
        else:
            runs.append((grade,))
    return runs


def grades_label(grades: tuple[int, ...]) -> str:
    if len(grades) == 1:
        return str(grades[0])
    if len(grades) == 2:
        return f"{grades[0]} en {grades[1]}"
    return f"{grades[0]} t/m {grades[-1]}"


def legend_text(overview: Overview) -> Text:
    text = Text("Legenda: ")
    for index, (mark, meaning) in enumerate(legend()):
        if index:
            text.append("   ")
        text.append(mark, style="bold")
        text.append(f" {meaning}")
    text.append("   [..] voor wie, als niet voor iedereen in de groep", style="dim")
    if overview.counted:
        text.append("\n(n) aantal gesprekken (of bijeenkomsten) in die maand voor die groep")
    return text


def load_table(load: TeacherLoad) -> Table:
    """Teachers down, ISO weeks across; the busiest weeks bold."""
    title = "Gesprekken per leerkracht per week"
    if not load.exact:
        title += " (gesprekken zonder tijd: verdeeld over hun periode)"
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    table.add_column("Leerkracht", no_wrap=True)
    busy = {week for week, _ in load.busiest(3)}
    for week in load.weeks:
        table.add_column(
            f"{week.number}\n{week.monday:%d-%m}",
            justify="right",
            style="bold" if week in busy else "",
        )
    for teacher in load.teachers:
        table.add_row(teacher, *(_number(load.count(teacher, w)) for w in load.weeks))
    table.add_row("totaal", *(_number(load.total(w)) for w in load.weeks), style="bold")
    return table


def _number(value: float) -> str:
    if value <= 0:
        return ""
    return str(round(value)) if value >= 0.5 else "<1"


def busiest_line(load: TeacherLoad) -> str:
    weeks = load.busiest(3)
    if not weeks:
        return "Geen gesprekken met een week."
    parts = [f"week {w.number} (vanaf {w.monday:%d-%m-%Y}): {round(n)}" for w, n in weeks]
    line = "Drukste weken: " + "; ".join(parts)
    if load.undated:
        n = load.undated
        line += f". {n} {'gesprek' if n == 1 else 'gesprekken'} 'altijd' "
        line += f"{'heeft' if n == 1 else 'hebben'} geen vaste week."
    return line


def render_overview(overview: Overview, console: Console) -> None:
    """Print the grid, its legend, notes and (with a roster) the teachers' load per week."""
    console.print(grid_table(overview))
    console.print(legend_text(overview))
    for note in overview.notes:
        console.print(Text(f"let op: {note}", style="dim"))
    if overview.load is not None and overview.load.teachers:
        console.print()
        console.print(load_table(overview.load))
        console.print(busiest_line(overview.load))

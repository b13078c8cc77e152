"""The year overview in the terminal: groups down, months across, a legend below.

Mandatory, optional and on-request differ by marker (● ○ ◇) and by weight (bold, plain,
italic), never by colour alone; ``+k`` marks that the child attends.

A terminal too narrow for the grid without cutting a word (every column as wide as its
longest word: the Duif's cycle needs about 200 columns) gets one block per group instead,
the months down; the teachers' load per week is split into as many tables as its weeks need.
Nothing is ever cut in the middle of a word (issue 19.5). The HTML page is a separate renderer.
Texts from the rules or the roster (school, teachers) reach rich as :class:`Text`: a string
would be read as markup and emoji codes.
"""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from gesprekken_cli.overview import (
    CHILD_MARK,
    STATUS_MARK,
    Entry,
    Overview,
    TeacherLoad,
    Week,
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


def grid_rows(overview: Overview) -> tuple[list[Text], list[list[Text]]]:
    """The grid's header and rows (group label first), as the cells the table shows."""
    columns = overview.columns()
    header = [Text("Groep"), *(Text(column_label(c).capitalize()) for c in columns)]
    rows = []
    for grades in same_rows(overview):
        cells = [Text(grades_label(grades))]
        for column in columns:
            text = Text()
            for index, entry in enumerate(overview.cell(grades[0], column)):
                if index:
                    text.append("\n")
                text.append_text(entry_text(entry))
            cells.append(text)
        rows.append(cells)
    if overview.counted:
        rows.append([Text("totaal"), *(Text(str(overview.total(c) or "")) for c in columns)])
    return header, rows


def grid_table(overview: Overview, widths: list[int] | None = None) -> Table:
    """Groups down, months across; ``widths`` fixes each column's width (else rich's own)."""
    title = f"Gesprekkencyclus {overview.school} · schooljaar {overview.year_label}"
    if overview.counted:
        title += " · aantallen uit het rooster"
    table = Table(title=Text(title), box=box.SQUARE, show_lines=True, title_justify="left")
    header, rows = grid_rows(overview)
    for index, label in enumerate(header):
        width = widths[index] if widths else None
        if index == 0:
            table.add_column(label, no_wrap=True, style="bold", width=width)
        else:
            table.add_column(label, overflow="fold", width=width)
    for at, cells in enumerate(rows):
        last = overview.counted and at == len(rows) - 1
        table.add_row(*cells, style="bold" if last else None, end_section=last)
    return table


def grid_widths(overview: Overview, console: Console) -> list[int] | None:
    """Column widths with which the grid fits the terminal and no word is cut, or None.

    Every column gets at least its longest word (rich left to itself shrinks the widest
    columns below that and folds words); the room left goes to the columns that want more.
    """
    header, rows = grid_rows(overview)
    wide = console.options.update_width(10_000)
    least = [0] * len(header)
    most = [0] * len(header)
    for cells in [header, *rows]:
        for index, cell in enumerate(cells):
            measured = Measurement.get(console, wide, cell)
            least[index] = max(least[index], measured.minimum)
            most[index] = max(most[index], measured.maximum)
    least[0] = most[0]  # the group label never wraps
    room = console.width - (len(header) + 1) - 2 * len(header)  # borders and padding
    if sum(least) > room:
        return None
    widths = least[:]
    spare = room - sum(widths)
    wanting = [m - w for m, w in zip(most, widths, strict=True)]
    while spare > 0 and any(wanting):
        share = max(1, spare // sum(1 for w in wanting if w))
        for index, want in enumerate(wanting):
            give = min(want, share, spare)
            widths[index] += give
            wanting[index] -= give
            spare -= give
    return widths


def block_tables(overview: Overview) -> list[Table]:
    """One block per group (or run of groups with the same row): its months down, entries
    beside them, wrapped at words. For a terminal too narrow for the grid."""
    columns = overview.columns()
    blocks = []
    for grades in same_rows(overview):
        table = Table.grid(padding=(0, 2), pad_edge=False)
        table.title = f"Groep {grades_label(grades)}"
        table.title_justify = "left"
        table.title_style = "bold"
        table.add_column(no_wrap=True)
        table.add_column()
        for column in columns:
            entries = overview.cell(grades[0], column)
            if not entries:
                continue
            text = Text()
            for index, entry in enumerate(entries):
                if index:
                    text.append("\n")
                text.append_text(entry_text(entry))
            table.add_row(Text(column_label(column).capitalize()), text)
        blocks.append(table)
    if overview.counted:
        table = Table.grid(padding=(0, 2), pad_edge=False)
        table.title, table.title_justify, table.title_style = "Totaal", "left", "bold"
        table.add_column(no_wrap=True)
        table.add_column(justify="right")
        for column in columns:
            if overview.total(column):
                table.add_row(column_label(column).capitalize(), str(overview.total(column)))
        blocks.append(table)
    return blocks


def natural_width(console: Console, renderable: RenderableType) -> int:
    """The width ``renderable`` takes when nothing limits it."""
    return Measurement.get(console, console.options.update_width(10_000), renderable).maximum


def overview_renderables(overview: Overview, console: Console) -> list[RenderableType]:
    """The grid when it fits the terminal with every word whole, else a block per group."""
    widths = grid_widths(overview, console)
    if widths is not None:
        return [grid_table(overview, widths)]
    title = f"Gesprekkencyclus {overview.school} · schooljaar {overview.year_label}"
    if overview.counted:
        title += " · aantallen uit het rooster"
    parts: list[RenderableType] = [Text(title, style="bold")]
    for block in block_tables(overview):
        parts += [Text(""), block]
    return [Group(*parts), Text("")]


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


def load_tables(load: TeacherLoad, console: Console) -> list[Table]:
    """The load per week in as many tables as the weeks need to fit the terminal whole."""
    weeks = load.weeks
    per_table = max(1, len(weeks))
    # every column is no_wrap: the table's natural width is the width it needs
    while (
        per_table > 1
        and natural_width(console, load_table(load, weeks[:per_table])) > console.width
    ):
        per_table -= 1
    chunks = [weeks[at : at + per_table] for at in range(0, len(weeks), per_table)] or [()]
    return [load_table(load, chunk) for chunk in chunks]


def load_table(load: TeacherLoad, weeks: tuple[Week, ...] | None = None) -> Table:
    """Teachers down, ISO weeks across (all, or ``weeks``); the busiest weeks bold."""
    title = "Gesprekken per leerkracht per week"
    if not load.exact:
        title += " (gesprekken zonder tijd: verdeeld over hun periode)"
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    table.add_column("Leerkracht", no_wrap=True)
    busy = {week for week, _ in load.busiest(3)}
    weeks = load.weeks if weeks is None else weeks
    for week in weeks:
        table.add_column(
            f"{week.number}\n{week.monday:%d-%m}",
            justify="right",
            no_wrap=True,
            style="bold" if week in busy else "",
        )
    for teacher in load.teachers:
        table.add_row(Text(teacher), *(_number(load.count(teacher, w)) for w in weeks))
    table.add_row("totaal", *(_number(load.total(w)) for w in weeks), style="bold")
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
    for part in overview_renderables(overview, console):
        console.print(part)
    console.print(legend_text(overview))
    for note in overview.notes:
        console.print(Text(f"let op: {note.message}", style="dim"))
    if overview.load is not None and overview.load.teachers:
        for table in load_tables(overview.load, console):
            console.print()
            console.print(table)
        console.print(Text(busiest_line(overview.load)))

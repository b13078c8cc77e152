"""The plan in the terminal: per month and conversation type, then a short summary.

Every text from the roster or the rules reaches rich as a :class:`Text`, never as a string:
rich reads a string as markup (``[bold]``, a trailing backslash) and emoji codes
(``:smile:``), whatever the console's settings for markup are."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from gesprekken_cli.expand import Conversation
from gesprekken_cli.render.plan_text import STATUS_NL, grouped, when_text, window_text
from gesprekken_cli.rules.values import MONTHS_NL

if TYPE_CHECKING:
    from gesprekken_cli.plan import Plan

_STATUS_STYLE = {"verplicht": "bold", "facultatief": "", "op_verzoek": "italic"}


def count(n: int, one: str, many: str) -> str:
    """``1 gesprek``, ``2 gesprekken``."""
    return f"{n} {one if n == 1 else many}"


def summary_lines(plan: Plan) -> list[str]:
    """The plan's summary as plain lines (also printed to stderr for other formats)."""
    convs = plan.conversations
    skipped = [c for c in convs if c.skipped]
    individual = [c for c in convs if c.pupil_id is not None and not c.skipped]
    mandatory = [c for c in individual if c.status == "verplicht"]
    without_slot = [c for c in mandatory if c.start is None]
    per_type = Counter(c.type_name for c in individual)
    classes = len(plan.roster.classes)
    lines = [
        f"Regels: {plan.rules_file}  ·  rooster: {plan.roster.source}  ·  "
        f"schooljaar {plan.year.label} (regio {plan.calendar.region})",
        f"{count(len(plan.roster.pupils), 'leerling', 'leerlingen')} in "
        f"{count(classes, 'klas', 'klassen')}; "
        f"{count(len(individual), 'gesprek', 'gesprekken')} met leerlingen, waarvan "
        f"{len(mandatory)} verplicht",
    ]
    for name, n in per_type.items():
        lines.append(f"  {name}: {n}")
    meetings = [c for c in convs if c.form == "groep"]
    if meetings:
        placed = sum(1 for c in meetings if c.start is not None)
        text = f"{count(len(meetings), 'bijeenkomst', 'bijeenkomsten')}: {placed} met datum en tijd"
        if placed < len(meetings):
            text += f", {len(meetings) - placed} nog in te plannen"
        lines.append(text)
    others = [c for c in convs if c.pupil_id is None and c.form != "groep"]
    if others:
        lines.append(
            f"{count(len(others), 'ander item', 'andere items')}: wekelijkse momenten en "
            "perioden voor gesprekken op verzoek"
        )
    if skipped:
        lines.append(
            f"{count(len({c.pupil_id for c in skipped}), 'leerling', 'leerlingen')} "
            "niet uitgenodigd voor een ronde: "
            "te kort op school voor het gesprek (zie opmerking)"
        )
    if without_slot:
        lines.append(
            f"{count(len(without_slot), 'verplicht gesprek heeft', 'verplichte gesprekken hebben')}"
            " nog geen tijd"
        )
    if plan.unplaced:
        names = {c.uid: c.type_name for c in convs}
        by_reason = Counter((names.get(item.uid, ""), item.reason) for item in plan.unplaced)
        lines.append(
            f"{count(len(plan.unplaced), 'gesprek', 'gesprekken')} niet ingepland "
            "(details: --format json):"
        )
        for (name, reason), n in sorted(by_reason.items()):
            lines.append(f"  {n} × {name}: {reason}")
    lines.extend(f"  {line}" for line in quality_lines(plan.quality))
    lines.extend(w.render() for w in plan.warnings)
    return lines


def render_table(plan: Plan, console: Console) -> None:
    """Print the plan: a heading per month, a table per conversation round."""
    month = None
    for group in grouped(plan.conversations):
        first = group[0]
        key = (first.first_day.year, first.first_day.month)
        if key != month:
            month = key
            console.rule(Text(f"{MONTHS_NL[key[1] - 1].capitalize()} {key[0]}", style="bold"))
        console.print(_round_table(group, console.width))
    console.print(Panel(Text("\n".join(summary_lines(plan))), title="Samenvatting", expand=False))


def _round_table(group: list[Conversation], width: int) -> RenderableType:
    first = group[0]
    window = window_text(group)
    teachers = {c.teachers for c in group}
    title = Text.assemble(
        (first.type_name, "bold"),
        f"  {window}  ",
        (STATUS_NL.get(first.status, first.status), _STATUS_STYLE.get(first.status, "")),
    )
    if len(teachers) == 1 and first.teachers:
        title.append(f"  ·  {', '.join(first.teachers)}", style="dim")
    table = Table(title=title, title_justify="left", expand=False)
    columns = ["Naam", "Klas", "Groep", "Wanneer", "Kind"]
    if len(teachers) > 1:
        columns.append("Leerkracht")  # "(en)" made seven columns too wide for 80
    notes = any(c.note for c in group)
    if notes:  # decisions the tool took for the school, and why an item has no time
        columns.append("Opmerking")
    rows: list[list[str]] = []
    for c in group:
        name = c.name + (f" (huishouden {c.household})" if c.household else "")
        if c.skipped:
            when = "niet ingepland"
        elif c.start or window_text([c]) != window:
            when = when_text(c)
        else:
            when = "nog in te plannen"
        row = [
            name,
            c.class_name or "",
            str(c.grade) if c.grade is not None else "/".join(map(str, c.grades)),
            when,
            "ja" if c.child_present else "nee",
        ]
        if len(teachers) > 1:
            row.append(", ".join(c.teachers))
        if notes:
            row.append(c.note)
        rows.append(row)
    for column, fixed in zip(columns, _fitted_widths([columns, *rows], width), strict=True):
        table.add_column(column, overflow="fold", width=fixed)
    for row in rows:
        table.add_row(*map(Text, row))
    if not first.tasks:
        return table
    lines = Text("Voorbereiding: ", style="dim")
    lines.append("; ".join(task_texts(group)))
    return Group(table, lines)


def task_texts(group: list[Conversation]) -> list[str]:
    """Each task of the group once, with its due date; where the pupils' own dates differ
    (an intake, a pupil who started late) all of them."""
    planned = [c for c in group if not c.skipped] or group[:1]
    texts = []
    for index, task in enumerate(planned[0].tasks):
        dues = sorted(
            {
                due
                for c in planned
                if len(c.tasks) > index and (due := c.tasks[index].due) is not None
            }
        )
        if not dues:
            texts.append(task.task)
            continue
        shown = [f"{d:%d-%m}" for d in dues]
        when = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " en " + shown[-1]
        if len(shown) > 1:
            when = "per leerling: " + when
        texts.append(f"{task.task} ({task.who}, {when})")
    return texts


def _fitted_widths(rows: list[list[str]], width: int) -> list[int | None]:
    """Column widths that cut no word when the table is wider than the terminal.

    rich narrows the widest columns first, down to any width, and so cut "Leerkracht(en)" and
    "15.05–15.20" at 80 columns. Here every column keeps its longest word (header included)
    (the name all of it, where that leaves room for the others' longest words) and the room
    that is left goes to the columns in proportion to what they would like
    more. ``None`` (rich decides) where the table fits anyway or no width can keep every word.
    """
    columns = list(zip(*rows, strict=True))
    room = width - 3 * len(columns) - 1  # borders and one space either side of each cell
    natural = [max(cell_len(cell) for cell in column) for column in columns]
    least = [
        max((cell_len(w) for cell in column for w in cell.split()), default=1) for column in columns
    ]
    if sum(natural) <= room or sum(least) > room:
        return [None] * len(columns)
    if sum(least) - least[0] + natural[0] <= room:  # a name stays on one line if it can
        least[0] = natural[0]
    spare, wish = room - sum(least), sum(natural) - sum(least)
    widths = [low + (high - low) * spare // wish for low, high in zip(least, natural, strict=True)]
    widths[0] += room - sum(widths)  # what the rounding left goes to the name
    return list(widths)


def quality_lines(figures: Mapping[str, object]) -> list[str]:
    """The plan's ``kwaliteit`` (:func:`gesprekken_cli.schedule.quality.quality`) as Dutch
    lines for the summary; every family round not back to back by name."""
    if "ingepland" not in figures:
        return []
    rounds, together = figures["gezinsrondes"], figures["gezinsrondes_aansluitend"]
    share = "n.v.t."
    if isinstance(together, int) and isinstance(rounds, int) and rounds:
        share = f"{100 * together / rounds:.0f}%"
    lines = [
        f"ingepland: {figures['ingepland']}/{figures['te_plannen']}",
        f"gezinnen met broers/zussen aansluitend: {together}/{rounds} ({share})",
    ]
    apart = figures["gezinsrondes_niet_aansluitend"]
    if isinstance(apart, list) and apart:
        lines.append(f"niet aansluitend ({len(apart)}):")
        lines.extend(f"  {name}" for name in apart)
    lines += [
        f"gezinnen over meer dagen verdeeld (extra dagen): {figures['gezinsrondes_extra_dagen']}",
        f"wachttijd gezinnen totaal (min): {figures['wachttijd_gezinnen_min']}",
        f"langste wachttijd gezin (min): {figures['langste_wachttijd_gezin_min']}",
        f"wensen niet gelukt: {figures['wensen_niet_gelukt']}",
        f"leerkrachtdagen: {figures['leerkrachtdagen']}",
        f"gespreksdagen: {figures['gespreksdagen']}",
        f"leerkrachten: wachttijd boven de pauze (min): {figures['leegloop_boven_pauze_min']}",
    ]
    return lines

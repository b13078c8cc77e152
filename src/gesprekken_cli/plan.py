"""The one pipeline every command shares: rules + roster + school year → :class:`Plan`.

``plan``, ``ics``, ``checklist`` and ``overzicht --rooster`` all render a Plan built here, so
they can never disagree about which conversations exist.
"""

# No `from __future__ import annotations`: NamedTuple would compile each string annotation.
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from gesprekken_cli.calendar import (
    SchoolCalendar,
    SchoolYear,
    build_calendar,
    current_school_year,
    parse_school_year,
)
from gesprekken_cli.errors import GesprekkenError, Problem
from gesprekken_cli.expand import Conversation, calendar_settings, expand
from gesprekken_cli.model import Roster
from gesprekken_cli.rules import read_rules
from gesprekken_cli.rules.model import Cycle

if TYPE_CHECKING:
    from gesprekken_cli.roster import RosterSource


# NamedTuple, not a frozen dataclass: a fifth of the cost to create on every run (issue 17)
class PlanRequest(NamedTuple):
    """What one plan is made from, as the command line asked for it: built once by the CLI.

    ``today`` picks the school year when ``school_year`` is not given (the core never reads
    the clock). The rules' ``kolommen`` are added to the roster's header map (the
    command line's own ``--kolom`` wins).
    """

    roster: "RosterSource"
    today: date
    rules: Path | None = None
    school_year: str | None = None
    previous: Path | None = None
    wishes: Path | None = None


class Unplaced(NamedTuple):
    """A conversation the scheduler could not give a slot: the reason in Dutch and its code
    (:class:`gesprekken_cli.schedule.Reason`), to group by without reading the text."""

    uid: str
    reason: str
    code: str = ""


class Plan(NamedTuple):
    """A dated plan: every conversation of one roster under one cycle in one school year."""

    rules_file: str
    cycle: Cycle
    roster: Roster
    calendar: SchoolCalendar
    conversations: tuple[Conversation, ...]
    warnings: tuple[Problem, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()
    quality: Mapping[str, Any] = MappingProxyType({})

    @property
    def year(self) -> SchoolYear:
        return self.calendar.year


def unplaced_counts(unplaced: Iterable[Unplaced]) -> list[tuple[str, str, int]]:
    """(conversation type, reason, how many) for the unplaced, sorted: for summaries."""
    counts = Counter((item.uid.split(".", 1)[0], item.reason) for item in unplaced)
    return [(type_id, reason, n) for (type_id, reason), n in sorted(counts.items())]


def read_roster(source: "RosterSource") -> Roster:
    """The roster of ``source``, names cleaned, with a warning per doubtful shared e-mail."""
    from gesprekken_cli.family_check import shared_email_families
    from gesprekken_cli.names import clean_roster
    from gesprekken_cli.roster import load_roster

    roster = clean_roster(load_roster(source).roster)
    doubtful = shared_email_families(roster)
    if not doubtful:
        return roster
    return roster._replace(warnings=roster.warnings + tuple(doubtful))


def read_roster_file(
    path: Path,
    *,
    classes_file: Path | None = None,
    header_map: Mapping[str, str] | None = None,
    sheet: str | None = None,
    families_file: Path | None = None,
) -> Roster:
    """Read a roster in whatever form the school has it: CSV, .xlsx or EDEXML (by content).

    ``families_file`` adds families, parents' e-mails and class data an export lacks.
    """
    from gesprekken_cli.roster import RosterSource

    source = RosterSource(
        path,
        classes_file=classes_file,
        families_file=families_file,
        header_map=MappingProxyType(dict(header_map or {})),
        sheet=sheet,
    )
    return read_roster(source)


def school_year_of(text: str | None, today: date) -> SchoolYear:
    """The school year asked for (``2026-2027``), else the one ``today`` falls in."""
    if text:
        return parse_school_year(text)
    return current_school_year(today)


def build_plan(
    cycle: Cycle,
    roster: Roster,
    year: SchoolYear,
    *,
    rules_file: str = "",
    previous: Path | None = None,
    wishes: Path | None = None,
) -> Plan:
    """Expand ``cycle`` for ``roster`` in ``year`` and give individual conversations a slot.

    ``previous`` is a plan published before (JSON): its still-valid slots are kept.
    ``wishes`` is a wishes file (CSV or YAML) of families and teachers.
    """
    calendar = build_calendar(year, calendar_settings(cycle, year, rules_file))
    expansion = expand(cycle, roster, calendar, rules_file=rules_file)
    conversations = tuple(expansion.conversations)
    warnings = roster.warnings + tuple(expansion.warnings)
    if not any(c.is_individual and c.start is None for c in conversations):
        return Plan(rules_file, cycle, roster, calendar, conversations, warnings)
    from gesprekken_cli.schedule import schedule, unmet_wishes

    wished = None
    if wishes is not None:
        from gesprekken_cli.roster.wishes import read_wishes

        wished = read_wishes(wishes)
    published = None
    if previous is not None:
        from gesprekken_cli.schedule.previous import read_previous

        published = read_previous(previous)
        _check_previous_belongs(previous, published.keys(), conversations)
    result = schedule(
        cycle,
        calendar,
        roster,
        conversations,
        wishes=wished,
        previous=published,
        previous_file=str(previous) if previous is not None else "",
    )
    notes = result.notes
    if wished is not None:
        notes += tuple(unmet_wishes(result.conversations, wished))
        strangers = wished.unknown(
            (p.pupil_id for p in roster.pupils),
            (p.family_id for p in roster.pupils if p.family_id),
            (t.name for k in roster.classes for t in k.teachers),
        )
        notes += tuple(
            Problem(
                wished.source,
                f"{w.who} {w.ident!r} staat niet in het rooster; deze wens is niet gebruikt",
                line=w.line,
                code="wishes.unknown",
                severity="warning",
            )
            for w in strangers
        )
    return Plan(
        rules_file=rules_file,
        cycle=cycle,
        roster=roster,
        calendar=calendar,
        conversations=result.conversations,
        warnings=warnings + notes,
        unplaced=tuple(Unplaced(u.uid, u.reason, u.code) for u in result.unplaced),
        quality=result.quality,
    )


def _check_previous_belongs(
    previous: Path, published: Iterable[str], conversations: Iterable[Conversation]
) -> None:
    """A previous plan of another class or school: none of its pupils' slots is ours."""
    ours = {c.uid: c.is_individual for c in conversations}
    strangers = [uid for uid in published if uid not in ours]
    if strangers and not any(ours.get(uid) for uid in published):
        raise GesprekkenError(
            [
                Problem(
                    str(previous),
                    "dit vorige plan hoort niet bij dit rooster en deze regels: geen van zijn "
                    "ingeplande gesprekken met een leerling komt in dit plan voor",
                    code="vorig-onbekend",
                )
            ]
        )


def make_plan(request: PlanRequest) -> Plan:
    """Read rules and roster from disk and build the plan: the commands' one entry point."""
    rules_file, cycle, rules_warnings = read_rules(request.rules)
    source = request.roster
    if cycle.kolommen:
        mapping = MappingProxyType({**cycle.kolommen, **source.header_map})
        source = source._replace(header_map=mapping)
    roster = read_roster(source)
    plan = build_plan(
        cycle,
        roster,
        school_year_of(request.school_year, request.today),
        rules_file=rules_file,
        previous=request.previous,
        wishes=request.wishes,
    )
    if rules_warnings:  # the rules file's own warnings first, as ``validate`` prints them
        return plan._replace(warnings=rules_warnings + plan.warnings)
    return plan

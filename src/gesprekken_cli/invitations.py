"""Who is invited to what: one invitation per household and conversation round.

Core and pure: from a plan, the invitations a school sends (``uitnodigingen``), each with the
household's addresses, its children's conversations of that round, and what the family
prepares. Renderers (e-mail, letter, CSV) take these values only. A household never sees
another household's child: the items come from the same audiences as the family calendars
(:mod:`recipients`), and parents who live apart each get their own invitation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from gesprekken_cli.expand import AMSTERDAM, Conversation
from gesprekken_cli.model import Pupil
from gesprekken_cli.plan import Plan
from gesprekken_cli.recipients import CalendarView, family_key, household_emails, plan_order
from gesprekken_cli.rules.model import ConversationType

FAMILY_TASKS = frozenset({"ouders", "kind"})


@dataclass(frozen=True, slots=True)
class Item:
    """One child's conversation as the family reads it."""

    child: str
    class_name: str
    start: datetime | None
    end: datetime | None
    first_day: date
    last_day: date
    teachers: tuple[str, ...]
    location: str
    child_present: bool
    uid: str

    @property
    def day(self) -> date:
        return self.start.astimezone(AMSTERDAM).date() if self.start else self.first_day


@dataclass(frozen=True, slots=True)
class Invitation:
    """The message for one household about one round of one conversation type."""

    key: str  # file stem: "<family>-<type>.<round>" (+ "-huishouden-N")
    family: str
    household: int  # 0: the whole family; 1, 2, …: parents who live apart
    type_id: str
    round: int
    type_name: str
    goals: tuple[str, ...]
    pupils: tuple[Pupil, ...]
    emails: tuple[str, ...]
    items: tuple[Item, ...]
    preparation: tuple[str, ...]  # what parents or the child do, with the date
    sibling_care: bool  # the rules arrange opvang for brothers and sisters
    channel: str  # where to ask for another time (the type's kanaal), may be empty
    conversations: tuple[Conversation, ...]  # for the calendar attachment

    @property
    def children(self) -> str:
        """``Emma en Lucas de Vries`` style: the children's names, joined in Dutch."""
        return join_nl([p.display_name for p in self.pupils])

    @property
    def calendar(self) -> CalendarView:
        """This household's events of this round: the attachment's contents."""
        return CalendarView(
            "gezin",
            self.key,
            f"{self.type_name}: {self.children}",
            self.conversations,
            (),
            self.pupils,
            self.household,
        )


def join_nl(parts: Sequence[str]) -> str:
    """``a``, ``a en b``, ``a, b en c``."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " en " + parts[-1]


def _item(c: Conversation) -> Item:
    return Item(
        child=c.name,
        class_name=c.class_name or "",
        start=c.start,
        end=c.end,
        first_day=c.first_day,
        last_day=c.last_day,
        teachers=c.teachers,
        location=c.location,
        child_present=c.child_present,
        uid=c.uid,
    )


def _preparation(conversations: Iterable[Conversation]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for c in conversations:
        for t in c.tasks:
            if t.who in FAMILY_TASKS and t.kind != "opvang":
                when = f" (uiterlijk {t.due:%d-%m-%Y})" if t.due else ""
                via = f" via {t.channel}" if t.channel else ""
                seen.setdefault(f"{t.task}{via}{when}", None)
    return tuple(seen)


def build_invitations(plan: Plan) -> list[Invitation]:
    """Every invitation of the plan: per household, per round of a type, in a stable order.

    Only individual conversations with a pupil are invited this way (meetings and on-request
    windows are announced otherwise). A household of split parents gets its own children's
    conversations for that household plus the ones meant for both (household 0).
    """
    types: dict[str, ConversationType] = {t.id: t for t in plan.cycle.gesprekken}
    pupils_of: dict[str, list[Pupil]] = {}
    by_id: dict[str, Pupil] = {}
    for pupil in plan.roster.pupils:
        pupils_of.setdefault(pupil.family_id or pupil.pupil_id, []).append(pupil)
        by_id[pupil.pupil_id] = pupil
    rounds: dict[tuple[str, str, int], list[Conversation]] = {}
    for c in plan.conversations:
        if c.pupil_id is None or c.form != "individueel" or c.skipped:
            continue  # a pupil left out of a round (a late start) is not invited to it
        rounds.setdefault((family_key(c) or c.pupil_id, c.type_id, c.round), []).append(c)
    invitations: list[Invitation] = []
    for (family, type_id, number), conversations in sorted(rounds.items()):
        split = sorted({c.household for c in conversations if c.household})
        for household in split or [0]:
            mine = sorted(
                (c for c in conversations if c.household in (0, household)), key=plan_order
            )
            ids = dict.fromkeys(c.pupil_id for c in mine if c.pupil_id)
            pupils = tuple(by_id[i] for i in ids if i in by_id)
            kind = types.get(type_id)
            stem = f"{family}-{type_id}.{number}"
            invitations.append(
                Invitation(
                    key=f"{stem}-huishouden-{household}" if household else stem,
                    family=family,
                    household=household,
                    type_id=type_id,
                    round=number,
                    type_name=mine[0].type_name,
                    goals=tuple(kind.doel) if kind else (),
                    pupils=pupils,
                    emails=household_emails(pupils, household),
                    items=tuple(_item(c) for c in mine),
                    preparation=_preparation(mine),
                    sibling_care=any(t.kind == "opvang" for c in mine for t in c.tasks),
                    channel=kind.kanaal if kind else "",
                    conversations=tuple(mine),
                )
            )
    return invitations

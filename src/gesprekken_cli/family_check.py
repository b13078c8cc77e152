"""Families the roster joined only through a shared e-mail address, and look like strangers.

A family link from a shared address (no gezin column) merges everyone who shares it: a
childminder's or grandparent's address can join unrelated children, and a merged family then
sees each other's children in invitations and calendars. Such a family is worth a warning
when its children have different surnames and different first-parent addresses, or when it
has more than 6 children. Pure: a roster in, warnings (``Problem``) out.
"""

from __future__ import annotations

from collections import Counter

from gesprekken_cli.errors import Problem
from gesprekken_cli.model import Pupil, Roster

CODE = "gezin-gedeeld-adres"
MAX_CHILDREN = 6


def _shared_address(children: list[Pupil]) -> str:
    counts = Counter(e for p in children for e in set(p.guardian_emails))
    address, times = counts.most_common(1)[0] if counts else ("", 0)
    return address if times > 1 else ""


def shared_email_families(roster: Roster) -> list[Problem]:
    """A warning per doubtful e-mail family, naming its children and their rows."""
    families: dict[str, list[Pupil]] = {}
    for pupil in roster.pupils:
        if pupil.family_id and pupil.family_id.startswith("f-"):
            families.setdefault(pupil.family_id, []).append(pupil)
    problems: list[Problem] = []
    for children in families.values():
        if len(children) < 2:
            continue
        surnames = {p.last_name.casefold() for p in children}
        first = {p.guardian_emails[0] for p in children if p.guardian_emails}
        strangers = len(surnames) > 1 and len(first) > 1
        if not strangers and len(children) <= MAX_CHILDREN:
            continue
        names = ", ".join(p.display_name for p in children)
        rows = ", ".join(str(p.row) for p in children if p.row)
        why = (
            f"{len(children)} kinderen"
            if len(children) > MAX_CHILDREN
            else "verschillende achternamen en een ander eerste e-mailadres"
        )
        address = _shared_address(children)
        via = f" ({address})" if address else ""
        problems.append(
            Problem(
                roster.source,
                f"rij {rows}: {names} zijn één gezin alleen via een gedeeld e-mailadres{via}, "
                f"maar hebben {why}; als één gezin zien ze elkaars kinderen in uitnodigingen "
                "en agenda's. Klopt het niet, vul dan de kolom 'gezin' in",
                code=CODE,
                severity="warning",
                subject=tuple(p.pupil_id for p in children),
            )
        )
    return problems

"""Teacher names as schools write them: one name or a duo, with working days.

``Anna de Boer (ma-wo) / Pieter Jansen (do-vr)`` → two :class:`Teacher` values with their
weekdays. Shared by the roster, the classes file and the families file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from gesprekken_cli.errors import quote
from gesprekken_cli.model import Teacher

_SPACES = re.compile(r"\s+")

_DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag")
_DAY_SPLIT = re.compile(r"[,;/&+\s]+|\ben\b")
_DASH = re.compile(r"\s*-\s*")
_DUO_OR_PAREN = re.compile(r"[()/&+;]")
_WITH_DAYS = re.compile(r"([^()]*)\(([^()]*)\)")


def _day(token: str) -> int | None:
    if len(token) >= 2:
        for index, full in enumerate(_DAY_NAMES):
            if full.startswith(token):
                return index
    return None


@lru_cache(maxsize=1024)  # a board names the same few day ranges hundreds of times
def parse_workdays(text: str) -> frozenset[int]:
    """``ma, di`` / ``wo-vr`` / ``maandag t/m woensdag`` → weekday numbers (0 = maandag).

    Raises ValueError with a Dutch message for anything else.
    """
    low = text.lower().replace("t/m", "-").replace("tot en met", "-")
    low = _DASH.sub("-", low)
    days: set[int] = set()
    for token in _DAY_SPLIT.split(low):
        token = token.strip(" .")
        if not token:
            continue
        if "-" in token:
            first, _, last = token.partition("-")
            start, end = _day(first.strip(" .")), _day(last.strip(" ."))
            if start is None or end is None or end < start:
                raise ValueError(
                    f"werkdagen {quote(token)} niet te lezen; verwacht bijv. 'ma-wo' of 'di t/m vr'"
                )
            days.update(range(start, end + 1))
        else:
            number = _day(token)
            if number is None:
                raise ValueError(
                    f"werkdag {quote(token)} onbekend; verwacht ma, di, wo, do of vr"
                    " (of de hele naam)"
                )
            days.add(number)
    return frozenset(days)


def _split_teachers(text: str) -> Iterator[str]:
    """Split on the duo separators outside parentheses (``t/m`` inside them stays)."""
    depth, start = 0, 0
    parts: list[str] = []
    for match in _DUO_OR_PAREN.finditer(text):
        char, index = match[0], match.start()
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and char in "/&+;":
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    for part in parts:
        yield from _split_en(part)


def _split_en(part: str) -> Iterator[str]:
    depth, start = 0, 0
    low = part.lower()
    if " en " not in low:
        yield part
        return
    for index, char in enumerate(part):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and low.startswith(" en ", index):
            yield part[start:index]
            start = index + 4
    yield part[start:]


def parse_teachers(text: str) -> tuple[Teacher, ...]:
    """``Anna de Boer (ma, di) / Pieter Jansen (wo-vr)`` → two teachers with workdays.

    Separators: ``/ & + ;`` and `` en ``; days in parentheses are optional (none = every
    day). Raises ValueError with a Dutch message when a part cannot be read.
    """
    teachers: list[Teacher] = []
    for raw_part in _split_teachers(text):
        part = raw_part.strip()
        if not part:
            continue
        workdays: frozenset[int] = frozenset()
        if "(" in part or ")" in part:
            m = _WITH_DAYS.fullmatch(part)
            if not m:
                raise ValueError(
                    "leerkracht niet te lezen; verwacht 'Naam (ma, di)' met de werkdagen tussen"
                    " haakjes"
                )
            part, workdays = m[1].strip(), parse_workdays(m[2])
        if not part:
            raise ValueError("werkdagen zonder naam van de leerkracht")
        teachers.append(Teacher(name=_SPACES.sub(" ", part), workdays=workdays))
    return tuple(teachers)

"""A roster table's data rows column by column, with each column's values parsed once.

The column checks (:mod:`checks`) and the builder (:mod:`build`) both read a :class:`Sheet`;
parsing happens per distinct value and is remembered, so a 12,000-row roster costs little
more than reading it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from itertools import filterfalse, repeat
from typing import Any, TypeVar

from gesprekken_cli.errors import Problem
from gesprekken_cli.model import Teacher
from gesprekken_cli.roster.teachers import parse_teachers
from gesprekken_cli.roster.values import (
    BOOL,
    SPACES,
    class_grades,
    grade_value,
    households_value,
    one_line_each,
    parse_date,
)

EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
T = TypeVar("T")


def blanks(*columns: Sequence[object]) -> list[int]:
    """Positions where any of ``columns`` is empty (or 0), in order; usually none."""
    if all(map(all, columns)):
        return []
    return [
        position for position, values in enumerate(zip(*columns, strict=True)) if not all(values)
    ]


def derived_id(first: str, infix: str, last: str, born: date | None) -> str:
    """A stable leerlingnummer for an export without one: a hash of name and birth date."""
    key = "|".join(
        SPACES.sub(" ", part.strip().lower())
        for part in (first, infix, last, born.isoformat() if born else "")
    )
    return "ll-" + hashlib.sha256(key.encode()).hexdigest()[:10]


class Sheet:
    """The data of one roster table: ``col`` maps a canonical column to its index, row
    ``numbers`` are the user's; every accessor returns one value per row."""

    __slots__ = ("_memo", "clean", "col", "count", "header", "numbers", "source", "transposed")

    def __init__(
        self,
        source: str,
        header: Sequence[str],
        col: Mapping[str, int],
        numbers: list[int],
        transposed: Sequence[Sequence[str]],
        clean: bool,
    ) -> None:
        self.source = source
        self.header = header
        self.col = col
        self.numbers = numbers
        self.count = len(numbers)
        self.transposed = transposed
        self.clean = clean
        self._memo: dict[Any, Any] = {}

    def _once(self, key: Any, make: Callable[[], T]) -> T:
        if key not in self._memo:
            self._memo[key] = make()
        result: T = self._memo[key]
        return result

    def problem(self, position: int, canon: str, message: str, code: str) -> Problem:
        """A fault in the cell of row ``position`` in column ``canon``."""
        index = self.col[canon]
        return Problem(
            self.source,
            message,
            self.numbers[position],
            index + 1,
            self.header[index].strip(),
            code,
        )

    def problems(
        self,
        values: Sequence[str],
        wrong: set[str],
        canon: str,
        message: Callable[[str], str],
        code: str,
    ) -> list[Problem]:
        """A fault for every row whose value is in ``wrong`` (usually empty: no loop)."""
        if not wrong:
            return []
        return [
            self.problem(position, canon, message(value), code)
            for position, value in enumerate(values)
            if value in wrong
        ]

    def raw(self, canon: str) -> Sequence[str]:
        """The cells of a column as read."""
        return self.transposed[self.col[canon]]

    def column(self, canon: str, lower: bool = False) -> list[str]:
        """The cells of a column as clean single lines (empty strings when it is absent);
        the same list on every call, not to be changed."""
        return self._once(("column", canon, lower), lambda: self._column(canon, lower))

    def _column(self, canon: str, lower: bool) -> list[str]:
        index = self.col.get(canon)
        if index is None:
            return [""] * self.count
        column = self.transposed[index]
        values = list(column) if self.clean else one_line_each(column)
        return list(map(str.lower, values)) if lower else values

    def date_of(self, canon: str) -> dict[str, date | None]:
        """Each distinct non-empty value of a date column and its date (None: unreadable)."""
        return self._once(
            ("date_of", canon),
            lambda: {value: parse_date(value) for value in set(self.column(canon)) if value},
        )

    def dates(self, canon: str) -> list[date | None]:
        return self._once(
            ("dates", canon), lambda: list(map(self.date_of(canon).get, self.column(canon)))
        )

    def mails(self) -> tuple[list[str], list[str]]:
        """The two e-mail columns, lower case."""
        return self.column("email1", lower=True), self.column("email2", lower=True)

    def bad_mails(self, canon: str) -> set[str]:
        distinct = set(self.column(canon, lower=True))
        distinct.discard("")
        return set(filterfalse(EMAIL.fullmatch, distinct))

    def emails(self) -> list[tuple[str, ...]]:
        """The parents' addresses per pupil: one or two, none twice."""
        return self._once("emails", self._emails)

    def _emails(self) -> list[tuple[str, ...]]:
        first, second = self.mails()
        if any(second):
            return [
                (a, b) if a and b and a != b else (a,) if a else (b,) if b else ()
                for a, b in zip(first, second, strict=True)
            ]
        single = {address: (address,) for address in set(first) if address}
        return list(map(single.get, first, repeat(())))

    def grade_of(self) -> dict[str, int]:
        """Each distinct groep cell and its groep (0: empty, -1: no groep)."""
        return self._once(
            "grade_of", lambda: {text: grade_value(text) for text in set(self.column("groep"))}
        )

    def named_grades(self) -> dict[str, tuple[int, ...]]:
        """Each distinct class name and the groepen it names."""
        return self._once(
            "named", lambda: {name: class_grades(name) for name in set(self.column("klas"))}
        )

    def grades(self) -> list[int]:
        """Groep per pupil: its groep cell, else the one groep its class name names, else 0."""
        return self._once("grades", self._grades)

    def _grades(self) -> list[int]:
        texts, grade_of = self.column("groep"), self.grade_of()
        if all(texts):
            return list(map(grade_of.__getitem__, texts))
        named = self.named_grades()
        return [
            grade_of[text] if text else (named[name][0] if len(named[name]) == 1 else 0)
            for text, name in zip(texts, self.column("klas"), strict=True)
        ]

    def classes(self) -> list[str]:
        """Class per pupil; an empty klas cell becomes ``Groep <groep>``."""
        klasses = self.column("klas")
        if "" in self.named_grades():
            return [
                name or f"Groep {grade}" for name, grade in zip(klasses, self.grades(), strict=True)
            ]
        return klasses

    def ids(self) -> list[str]:
        """Leerlingnummer per pupil, derived from name and birth date where it is empty."""
        ids = list(self.column("leerlingnummer"))
        if all(ids):
            return ids
        firsts, infixes, lasts = (
            self.column(c) for c in ("roepnaam", "tussenvoegsel", "achternaam")
        )
        borns = self.dates("geboortedatum")
        for position in blanks(ids):
            born = borns[position]
            if born is not None and firsts[position] and lasts[position]:
                ids[position] = derived_id(
                    firsts[position], infixes[position], lasts[position], born
                )
        return ids

    def teachers_of(self) -> dict[str, tuple[Teacher, ...] | str]:
        """Each distinct leerkracht cell and its teachers, or the Dutch reason it is unreadable."""
        return self._once("teachers_of", self._teachers_of)

    def _teachers_of(self) -> dict[str, tuple[Teacher, ...] | str]:
        parsed: dict[str, tuple[Teacher, ...] | str] = {}
        for text in set(self.column("leerkracht")):
            if text:
                try:
                    parsed[text] = parse_teachers(text)
                except ValueError as exc:
                    parsed[text] = str(exc)
        return parsed

    def new_teacher_flags(self) -> list[str]:
        return self.column("nieuwe_leerkracht", lower=True)

    def new_teachers(self) -> list[bool | None]:
        flags = self.new_teacher_flags()
        return list(map({flag: BOOL.get(flag) if flag else None for flag in set(flags)}.get, flags))

    def household_of(self) -> dict[str, int]:
        return self._once(
            "household_of",
            lambda: {
                text: households_value(text) for text in set(self.column("huishoudens", lower=True))
            },
        )

    def households(self) -> list[int]:
        return list(map(self.household_of().__getitem__, self.column("huishoudens", lower=True)))

    def traits(self) -> list[frozenset[str]]:
        texts = self.column("kenmerken")
        trait_of = {
            text: frozenset(
                SPACES.sub("_", part.strip().lower())
                for part in re.split(r"[,;]", text)
                if part.strip()
            )
            for text in set(texts)
        }
        return list(map(trait_of.__getitem__, texts))

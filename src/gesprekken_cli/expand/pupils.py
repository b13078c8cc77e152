"""The roster's pupils as expansion uses them: fields and plan order worked out once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from gesprekken_cli.model import Pupil


class PupilIndex:
    """The roster's pupils as expansion uses them, worked out once per pupil instead of once
    per pupil and round: their part of a conversation and their place in the plan order."""

    def __init__(self, pupils: tuple[Pupil, ...], teachers: Callable[[str], tuple[str, ...]]):
        self.pupils = pupils
        self.grade = [p.grade for p in pupils]
        single = {grade: (grade,) for grade in self.grade}
        staff = {name: teachers(name) for name in {p.class_name for p in pupils}}
        # name, class_name, grade, grades, pupil_id, family_id, teachers (the PUPIL_FIELDS)
        self.fields = [
            (
                p.display_name,
                p.class_name,
                p.grade,
                single[p.grade],
                p.pupil_id,
                p.family_id,
                staff[p.class_name],
            )
            for p in pupils
        ]
        self.by_grade: dict[int, list[int]] = {}  # positions; grades in order of appearance
        for position, pupil in enumerate(pupils):
            self.by_grade.setdefault(pupil.grade, []).append(position)
        self.started = {p.grade for p in pupils if p.start_date is not None}
        self.class_grades = list(dict.fromkeys((p.class_name, p.grade) for p in pupils))
        self._orders: dict[bool, PlanOrder] = {}

    def positions(self, grades: Iterable[int]) -> list[int]:
        """Positions of the pupils in ``grades``, in roster order."""
        found = [self.by_grade[g] for g in set(grades) if g in self.by_grade]
        return sorted(p for positions in found for p in positions)

    def order(self, split: bool) -> PlanOrder:
        """The plan order of a round's items for one window (see :class:`PlanOrder`).

        ``split``: parents who live apart get an item per household (``uid.h1``, ``uid.h2``).
        """
        split = split and any(p.households > 1 for p in self.pupils)
        if split not in self._orders:
            self._orders[split] = PlanOrder(self.pupils, self.fields, split)
        return self._orders[split]


class PlanOrder:
    """Every pupil's items of one round and window in plan order (class, name, uid), so a
    round's items are put in order by sorting ranks (ints), not the items themselves.

    ``position[rank]``/``household[rank]``: the pupil and household (0: the only item) at
    that place; ``rank[position]``: the pupil's (first) place; ``more[position]``: the places
    of the further households of parents who live apart.
    """

    def __init__(
        self, pupils: tuple[Pupil, ...], fields: list[tuple[Any, ...]], split: bool
    ) -> None:
        positions = list(range(len(pupils)))
        households = [0] * len(pupils)
        for position, pupil in enumerate(pupils) if split else ():
            if pupil.households > 1:
                households[position] = 1
                positions.extend([position] * (pupil.households - 1))
                households.extend(range(2, pupil.households + 1))

        def parts(at: int) -> tuple[str, str, str]:
            name, class_name, _, _, pupil_id, _, _ = fields[positions[at]]
            household = households[at]
            return (class_name or "", name, f"{pupil_id}.h{household}" if household else pupil_id)

        # Joined by the lowest character the parts compare like their tuple (when none holds
        # that character), and strings cost the garbage collector nothing.
        keys = [f"{f[1] or ''}\x00{f[0]}\x00{f[4]}" for f in fields]  # = parts(position)
        for at in range(len(pupils), len(positions)) if split else ():
            keys[positions[at]] = "\x00".join(parts(positions[at]))  # its first household
            keys.append("\x00".join(parts(at)))
        if "".join(keys).count("\x00") == 2 * len(keys):
            order = sorted(range(len(keys)), key=keys.__getitem__)
        else:
            order = sorted(range(len(keys)), key=parts)
        self.position = [positions[i] for i in order]
        self.household = [households[i] for i in order]
        self.rank = [0] * len(pupils)
        self.more: dict[int, list[int]] = {}
        for rank, (position, household) in enumerate(
            zip(self.position, self.household, strict=True)
        ):
            if household > 1:
                self.more.setdefault(position, []).append(rank)
            else:
                self.rank[position] = rank

    def ranks(self, positions: list[int]) -> list[int]:
        """The sorted places of the items of the pupils at ``positions``."""
        ranks = list(map(self.rank.__getitem__, positions))
        if self.more:
            more = self.more
            ranks.extend(r for p in positions if p in more for r in more[p])
        ranks.sort()
        return ranks

"""Families from a roster: the school's gezin number, else parents' shared e-mail addresses."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def family_ids(emails: Sequence[tuple[str, ...]], gezins: list[str]) -> list[str | None]:
    """Family id per pupil; None for a pupil without a family link.

    ``g-<gezin>`` when the roster says so, else pupils sharing a parent e-mail (also through
    a chain of siblings) share ``f-<hash of their e-mails>``; a pupil linked by e-mail to a
    pupil with a gezin joins that gezin.
    """
    count = len(emails)
    if all(gezins):
        return list(map("g-".__add__, gezins))
    parent = list(range(count))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for index, mine in enumerate(emails):
        for email in mine:
            other = owner.setdefault(email, index)
            if other != index:
                a, b = find(index), find(other)
                if a != b:
                    parent[a] = b
    roots = [find(i) for i in range(count)]
    gezin: dict[int, str] = {}
    mails: dict[int, set[str]] = {}
    for index, root in enumerate(roots):
        own = gezins[index]
        if own and (root not in gezin or own < gezin[root]):
            gezin[root] = own
        if emails[index]:
            mails.setdefault(root, set()).update(emails[index])
    family_of: dict[int, str | None] = {}
    result: list[str | None] = []
    for index, root in enumerate(roots):
        own = gezins[index]
        if own:
            result.append("g-" + own)
            continue
        if root not in family_of:
            if root in gezin:
                family_of[root] = "g-" + gezin[root]
            elif root in mails:
                digest = hashlib.sha256("\n".join(sorted(mails[root])).encode()).hexdigest()
                family_of[root] = "f-" + digest[:10]
            else:
                family_of[root] = None
        result.append(family_of[root])
    return result

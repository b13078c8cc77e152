"""The wishes file: what families and teachers can or would rather not, read from CSV or YAML.

One record per line (CSV) or list item (YAML ``wensen:``), with the same keys:

- ``wie``: ``gezin``, ``leerling`` or ``leerkracht``; ``id``: the gezin id, leerlingnummer or
  the teacher's name as in the roster;
- ``gesprek`` (optional): a type id (``startgesprek``) or one round (``startgesprek.2``);
- ``niet``: hard unavailability, comma separated: weekdays (``woensdag``), dates
  (``14-10-2026``, ``12-11-2026 t/m 14-11-2026``), parts of the day (``ochtend``, ``middag``,
  ``avond``, ``na_schooltijd``, ``schooltijd``) or clock bounds (``voor 15.00``,
  ``na 16.00``, ``15.00-16.00``);
- ``liever``: soft preferences the schedule honours where it can: ``na 15.00``,
  ``voor 16.00``, ``niet op woensdag``, ``op dinsdag``;
- ``duur`` (minutes): a longer slot for one pupil; ``overslaan`` (ja): leave the pupil out of
  the round named in ``gesprek``.

Pure parsing: nothing here knows the roster; the scheduler matches ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from gesprekken_cli.errors import GesprekkenError, Problem, quote
from gesprekken_cli.roster.text import decode_text, read_file

_WEEKDAYS = {
    "maandag": 0,
    "ma": 0,
    "dinsdag": 1,
    "di": 1,
    "woensdag": 2,
    "wo": 2,
    "donderdag": 3,
    "do": 3,
    "vrijdag": 4,
    "vr": 4,
}
_PARTS = {
    "ochtend": "ochtend",
    "middag": "middag",
    "avond": "avond",
    "na_schooltijd": "na_schooltijd",
    "na schooltijd": "na_schooltijd",
    "schooltijd": "schooltijd",
    "onder schooltijd": "schooltijd",
}
_WHO = {"gezin": "gezin", "leerling": "leerling", "leerkracht": "leerkracht", "kind": "leerling"}
_KEYS = {
    "wie": "wie",
    "id": "id",
    "gezin": "id",
    "naam": "id",
    "gesprek": "gesprek",
    "niet": "niet",
    "liever": "liever",
    "duur": "duur",
    "duur_minuten": "duur",
    "overslaan": "overslaan",
}
_CLOCK = r"(\d{1,2})[.:](\d{2})"
_DATE = r"(\d{4}-\d{2}-\d{2}|\d{1,2}-\d{1,2}-\d{4})"
_NOON, _EVENING = 12 * 60, 18 * 60


@dataclass(frozen=True, slots=True)
class Condition:
    """One 'when' of a wish; :meth:`hits` says whether a slot falls in it.

    ``kind``: ``weekday``, ``dates``, ``part``, ``before`` (slot starts before ``begin``),
    ``after`` (slot ends after ``begin``) or ``between`` (slot overlaps begin–end). With
    ``negate`` the condition hits every slot outside it (``op dinsdag`` as a preference).
    """

    kind: str
    text: str
    weekday: int = -1
    first: date | None = None
    last: date | None = None
    part: str = ""
    begin: int = 0
    end: int = 0
    negate: bool = False

    @property
    def daily(self) -> bool:
        """True when the day alone decides (no clock time needed)."""
        return self.kind in ("weekday", "dates") or self.part in ("na_schooltijd", "schooltijd")

    def hits(self, day: date, start: int, end: int, day_part: str) -> bool:
        kind = self.kind
        if kind == "weekday":
            hit = day.weekday() == self.weekday
        elif kind == "dates":
            hit = self.first is not None and self.last is not None
            hit = hit and self.first <= day <= self.last  # type: ignore[operator]
        elif kind == "part":
            part = self.part
            if part in ("na_schooltijd", "schooltijd"):
                hit = day_part == part
            elif part == "ochtend":
                hit = start < _NOON
            elif part == "middag":
                hit = _NOON <= start < _EVENING
            else:
                hit = start >= _EVENING
        elif kind == "before":
            hit = start < self.begin
        elif kind == "after":
            hit = end > self.begin
        else:
            hit = start < self.end and self.begin < end
        return hit != self.negate


@dataclass(frozen=True, slots=True)
class Wish:
    """One record of the wishes file; ``line`` points back at it for reports."""

    who: str
    ident: str
    conversation: str = ""
    forbidden: tuple[Condition, ...] = ()
    avoid: tuple[Condition, ...] = ()
    duration: int | None = None
    skip: bool = False
    line: int = 0

    def applies(self, type_id: str, round_: int) -> bool:
        return self.conversation in ("", type_id, f"{type_id}.{round_}")


@dataclass(frozen=True)
class Wishes:
    """Every wish of a file, looked up by who it is about."""

    source: str
    items: tuple[Wish, ...] = ()
    by_subject: Mapping[tuple[str, str], tuple[Wish, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, source: str, items: Iterable[Wish]) -> Wishes:
        table: dict[tuple[str, str], list[Wish]] = {}
        listed = tuple(items)
        for wish in listed:
            table.setdefault((wish.who, wish.ident), []).append(wish)
        return cls(source, listed, {key: tuple(value) for key, value in table.items()})

    def about(self, who: str, ident: str | None) -> tuple[Wish, ...]:
        """The wishes about one pupil, family or teacher.

        A family is named in the wishes file by the roster's gezin number (``1003``); the plan
        keys families from that column as ``g-1003``, so both spellings match.
        """
        if ident is None:
            return ()
        found = self.by_subject.get((who, ident), ())
        if who == "gezin" and ident.startswith("g-"):
            found += self.by_subject.get((who, ident[2:]), ())
        return found

    def unknown(
        self, pupils: Iterable[str], families: Iterable[str], teachers: Iterable[str]
    ) -> list[Wish]:
        """Wishes about nobody in the roster: a typo in an id would otherwise be ignored."""
        known = {
            "leerling": set(pupils),
            "gezin": {f for family in families for f in (family, family.removeprefix("g-"))},
            "leerkracht": {t.casefold() for t in teachers},
        }
        return [
            w
            for w in self.items
            if (w.ident.casefold() if w.who == "leerkracht" else w.ident)
            not in known.get(w.who, set())
        ]


def _minutes(hour: str, minute: str) -> int:
    value = int(hour) * 60 + int(minute)
    if not 0 <= value <= 24 * 60 or int(minute) > 59:
        raise ValueError(f"ongeldige tijd {hour}.{minute}")
    return value


def _date(text: str) -> date:
    if "-" in text and len(text.split("-")[0]) == 4:
        return date.fromisoformat(text)
    return datetime.strptime(text, "%d-%m-%Y").date()


def parse_condition(text: str, *, soft: bool = False) -> list[Condition]:
    """``'niet op woensdag'``, ``'na 15.00'``, ``'12-11-2026 t/m 13-11-2026'`` → conditions.

    For ``niet`` (hard) the text names what is impossible; for ``liever`` (soft) it names
    what is preferred, so the returned conditions are what to avoid. Raises ValueError with
    a Dutch message for text it cannot read.
    """
    raw = " ".join(text.lower().split())
    item = raw
    prefer = soft
    if soft and item.startswith("niet "):
        prefer, item = False, item[5:]
    if item.startswith("op "):
        item = item[3:]
    if item in _WEEKDAYS:
        return [Condition("weekday", text, weekday=_WEEKDAYS[item], negate=prefer)]
    if item in _PARTS:
        return [Condition("part", text, part=_PARTS[item], negate=prefer)]
    if match := re.fullmatch(rf"{_DATE}(?:\s*(?:t/m|tot en met|-)\s*{_DATE})?", item):
        first = _date(match.group(1))
        last = _date(match.group(2)) if match.group(2) else first
        if last < first:
            raise ValueError(f"{quote(text, 40)}: einddatum ligt voor de begindatum")
        return [Condition("dates", text, first=first, last=last, negate=prefer)]
    if match := re.fullmatch(rf"(voor|na|vanaf|tot)\s*{_CLOCK}", item):
        word, clock = match.group(1), _minutes(match.group(2), match.group(3))
        before = word in ("voor", "tot")
        # hard 'voor 15.00' = unavailable before 15.00; soft 'voor 16.00' = rather end by then
        kind = "after" if before == prefer else "before"
        return [Condition(kind, text, begin=clock)]
    if match := re.fullmatch(rf"(?:tussen\s*)?{_CLOCK}\s*(?:-|tot|en)\s*{_CLOCK}", item):
        begin = _minutes(match.group(1), match.group(2))
        end = _minutes(match.group(3), match.group(4))
        if end <= begin:
            raise ValueError(f"{quote(text, 40)}: eindtijd ligt niet na de begintijd")
        if prefer:
            return [Condition("before", text, begin=begin), Condition("after", text, begin=end)]
        return [Condition("between", text, begin=begin, end=end)]
    raise ValueError(
        f"{quote(text, 40)} niet begrepen; verwacht een weekdag, datum (dd-mm-jjjj), dagdeel "
        "(ochtend, middag, avond, na_schooltijd, schooltijd) of tijd (voor 15.00, na 15.00)"
    )


def _items(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        out: list[str] = []
        for entry in value:
            out.extend(_items(entry))
        return out
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _wish(record: Mapping[str, Any], file: str, line: int, faults: list[Problem]) -> Wish | None:
    def fault(key: str, message: str) -> None:
        faults.append(Problem(file, message, line, None, key=key, code="wens"))

    fields: dict[str, Any] = {}
    for key, value in record.items():
        name = _KEYS.get(str(key).strip().lower())
        if name is None:
            fault(
                str(key)[:40], f"onbekende kolom; verwacht een van {', '.join(sorted(set(_KEYS)))}"
            )
        elif value not in (None, ""):
            fields[name] = value
    who = _WHO.get(str(fields.get("wie", "")).strip().lower())
    if who is None:
        fault("wie", "verwacht gezin, leerling of leerkracht")
    ident = str(fields.get("id", "")).strip()
    if not ident:
        fault("id", "verwacht het gezin-id, leerlingnummer of de naam van de leerkracht")
    conditions: dict[str, list[Condition]] = {"niet": [], "liever": []}
    for key in conditions:
        for text in _items(fields.get(key)):
            try:
                conditions[key].extend(parse_condition(text, soft=key == "liever"))
            except ValueError as exc:
                fault(key, str(exc))
    duration: int | None = None
    if "duur" in fields:
        try:
            duration = int(str(fields["duur"]).strip())
        except ValueError:
            duration = 0
        if not 5 <= duration <= 480:
            fault("duur", f"{quote(str(fields['duur']), 20)}: verwacht minuten tussen 5 en 480")
    skip_text = str(fields.get("overslaan", "nee")).strip().lower()
    if skip_text not in ("ja", "nee", "true", "false", "j", "n", "1", "0"):
        fault("overslaan", f"{quote(skip_text, 20)}: verwacht ja of nee")
    skip = skip_text in ("ja", "true", "j", "1")
    conversation = str(fields.get("gesprek", "")).strip().lower()
    if skip and not conversation:
        fault("overslaan", "zeg bij 'gesprek' welk gesprek (of welke ronde) wordt overgeslagen")
    if (skip or duration) and who == "leerkracht":
        fault("wie", "duur en overslaan gelden voor een leerling of gezin, niet een leerkracht")
    if who is None or not ident:
        return None
    return Wish(
        who,
        ident,
        conversation,
        tuple(conditions["niet"]),
        tuple(conditions["liever"]),
        duration,
        skip,
        line,
    )


def parse_wishes_csv(text: str, file: str) -> Wishes:
    """Wishes from CSV text (``;`` or ``,``, header row); raises GesprekkenError (exit 1)."""
    import csv

    lines = text.lstrip("\ufeff").splitlines()
    if not lines or not lines[0].strip():
        raise GesprekkenError([Problem(file, "bestand is leeg", 1, 1, code="leeg")])
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [cell.strip() for cell in rows[0]]
    faults: list[Problem] = []
    wishes: list[Wish] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            faults.append(Problem(file, f"{len(row)} velden, kop heeft er {len(header)}", number))
            continue
        record = dict(zip(header, row, strict=False))
        wish = _wish(record, file, number, faults)
        if wish is not None:
            wishes.append(wish)
    if faults:
        raise GesprekkenError(faults)
    return Wishes.of(file, wishes)


def parse_wishes_yaml(raw: bytes, file: str) -> Wishes:
    """Wishes from YAML: a list of records, or a mapping with ``wensen:`` holding that list."""
    from gesprekken_cli.rules.yaml import load_yaml

    loaded = load_yaml(raw, file)
    if loaded.problems:
        raise GesprekkenError(loaded.problems)
    data = loaded.data
    prefix: tuple[str | int, ...] = ()
    if isinstance(data, dict) and "wensen" in data:
        data, prefix = data["wensen"], ("wensen",)
    if not isinstance(data, list):
        raise GesprekkenError([Problem(file, "verwacht een lijst 'wensen:'", 1, 1, code="wens")])
    faults: list[Problem] = []
    wishes: list[Wish] = []
    for index, record in enumerate(data):
        line = (loaded.position((*prefix, index)) or (0, 0))[0]
        if not isinstance(record, dict):
            faults.append(Problem(file, "verwacht een wens met wie, id, ...", line, code="wens"))
            continue
        wish = _wish(record, file, line, faults)
        if wish is not None:
            wishes.append(wish)
    if faults:
        raise GesprekkenError(faults)
    return Wishes.of(file, wishes)


def read_wishes(path: Path) -> Wishes:
    """Read a wishes file (``.yaml``/``.yml`` as YAML, anything else as CSV)."""
    raw = read_file(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return parse_wishes_yaml(raw, str(path))

    return parse_wishes_csv(decode_text(raw, str(path)), str(path))

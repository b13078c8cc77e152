"""The field types of a rules file: months, school days, grades, clock times, yes/no.

Each parses the Dutch forms a teacher writes (``mrt``, ``3 t/m 8``, ``8.30``, ``schoolregel``)
into one plain value, or raises a ``ValueError`` whose text the validator shows as it is.
Each also says in JSON Schema what a teacher may write (``WithJsonSchema``), so the schema of
``gesprekken schema`` accepts what the tool accepts and an editor suggests the Dutch forms.
"""

import re
from datetime import time
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

MONTHS_NL: tuple[str, ...] = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_MONTH_ALIASES = {
    **{name: index + 1 for index, name in enumerate(MONTHS_NL)},
    **{name[:3]: index + 1 for index, name in enumerate(MONTHS_NL)},
    "mrt": 3,
    "sept": 9,
}
WEEKDAY_KEYS: tuple[str, ...] = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag")
_WEEKDAY_ALIASES = {
    **{name: index for index, name in enumerate(WEEKDAY_KEYS)},
    **{name[:2]: index for index, name in enumerate(WEEKDAY_KEYS)},
}
ALL_GRADES: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8)

# a line break or another control character (C0, DEL, C1, the Unicode line separators)
_NOT_ON_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # a text of lines: tab and \n pass
_BREAKS = {"\n": "een regeleinde", "\r": "een regeleinde", "\u2028": "een regeleinde"}


def _character(found: str) -> str:
    if found in _BREAKS or found == "\u2029":
        return "een regeleinde"
    if found == "\t":
        return "een tab"
    return f"een stuurteken (U+{ord(found):04X})"


def _one_line(value: str) -> str:
    """A name or short text shown on one line (a table cell, a calendar title, a file list)."""
    found = _NOT_ON_ONE_LINE.search(value)
    if found:
        raise ValueError(
            f"bevat {_character(found.group())} op positie {found.start() + 1}; deze tekst moet"
            " op één regel passen (tabellen, agenda's, onderwerpregels): haal het weg"
        )
    return value


def _no_control(value: str) -> str:
    """A free text of one or more lines: line breaks and tabs pass, other controls do not."""
    found = _CONTROL.search(value)
    if found:
        raise ValueError(
            f"bevat {_character(found.group())} op positie {found.start() + 1}; verwijder het"
        )
    return value


# A name or short text of the rules file: no line break or control character (issue 18 review).
OneLine = Annotated[str, AfterValidator(_one_line)]
# A free text (beschrijving, notities): lines and tabs, no other control character.
FreeText = Annotated[str, AfterValidator(_no_control)]


def _parse_month(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"onbekende maand {value!r} (verwacht januari … december)")
    if isinstance(value, int):
        if 1 <= value <= 12:
            return value
        raise ValueError(f"maand {value} bestaat niet (1 t/m 12)")
    if isinstance(value, str):
        key = value.strip().lower().rstrip(".")
        if key in _MONTH_ALIASES:
            return _MONTH_ALIASES[key]
    raise ValueError(f"onbekende maand {value!r} (verwacht januari … december)")


def _parse_weekday(value: Any) -> int:
    if isinstance(value, str):
        key = value.strip().lower()
        if key in _WEEKDAY_ALIASES:
            return _WEEKDAY_ALIASES[key]
    raise ValueError(f"onbekende schooldag {value!r} (verwacht maandag … vrijdag)")


def grade(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"groep {value!r} is geen getal")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise ValueError(f"groep {value!r} is geen getal (1 t/m 8)")
    if not 1 <= value <= 8:
        raise ValueError(f"groep {value} bestaat niet (1 t/m 8)")
    return value


_RANGE = re.compile(r"^\s*(\w+)\s*(?:t/m|tm|tot en met|-|–)\s*(\w+)\s*$")


def _parse_grades(value: Any) -> tuple[int, ...]:
    """``3``, ``"3 t/m 8"``, ``"4/5/6/8"``, ``[4, 5, 6, 8]``, ``"1/2"`` or ``alle``."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"alle", "alle groepen", "*"}:
            return ALL_GRADES
        match = _RANGE.match(text)
        if match:
            low, high = grade(match.group(1)), grade(match.group(2))
            if low > high:
                raise ValueError(f"groepen {low} t/m {high}: begin na eind")
            return tuple(range(low, high + 1))
        parts = [part for part in re.split(r"[/,;\s]+", text) if part]
        if not parts:
            raise ValueError("geen groepen opgegeven (bijvoorbeeld 3 t/m 8 of 4/5/6/8)")
        value = parts
    if isinstance(value, int) and not isinstance(value, bool):
        return (grade(value),)
    if isinstance(value, list):
        if not value:
            raise ValueError("geen groepen opgegeven (bijvoorbeeld 3 t/m 8 of 4/5/6/8)")
        grades = [grade(item) for item in value]
        if len(set(grades)) != len(grades):
            raise ValueError("een groep staat twee keer in de lijst")
        return tuple(sorted(grades))
    raise ValueError(f"onbekende groepen {value!r} (verwacht bijvoorbeeld 3 t/m 8 of 4/5/6/8)")


_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*(?:uur)?\s*$")


def _parse_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        # YAML 1.1 reads 08:30 as sexagesimal 510: take it as minutes.
        return time(value // 60, value % 60)
    if isinstance(value, float):
        value = f"{value:.2f}"
    if isinstance(value, str):
        match = _TIME.match(value)
        if match:
            hour, minute = int(match.group(1)), int(match.group(2))
            if hour < 24 and minute < 60:
                return time(hour, minute)
    raise ValueError(f"ongeldige tijd {value!r} (verwacht bijvoorbeeld 8.30 of 17:00)")


def as_list(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


def one_or_more(value: Any) -> Any:
    """A single value where a list is allowed: the list of that one value."""
    return value if isinstance(value, list) else [value]


def _yes_no(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        key = value.strip().lower()
        if key in {"ja", "yes", "true", "waar"}:
            return True
        if key in {"nee", "no", "false", "onwaar"}:
            return False
        if key in {"schoolregel", "volgens schoolregel", "regel"}:
            return None
    raise ValueError(f"verwacht ja, nee of schoolregel, niet {value!r}")


def time_kind(value: Any) -> str:
    return "tijden" if isinstance(value, dict) else "deel"


def _spellings(names: Any) -> list[str]:
    """Lower case and capitalised, as a teacher writes them (``maart``, ``Maart``)."""
    return [form for name in names for form in (name, name.capitalize())]


MONTH_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "integer", "minimum": 1, "maximum": 12},
        {"type": "string", "enum": _spellings(dict.fromkeys(_MONTH_ALIASES))},
    ]
}
_MONTH_WORDS = "|".join(_spellings(dict.fromkeys(_MONTH_ALIASES)))
MONTHS_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "array", "minItems": 1, "items": MONTH_SCHEMA},
        {
            "type": "string",
            "pattern": rf"^\s*({_MONTH_WORDS}|\d+)([/,\s]+({_MONTH_WORDS}|\d+))*\s*$",
        },
        {"type": "integer", "minimum": 1, "maximum": 12},
        {"type": "null"},
    ]
}
WEEKDAY_SCHEMA: dict[str, Any] = {
    "type": "string",
    "enum": _spellings(dict.fromkeys(_WEEKDAY_ALIASES)),
}
_ONE_GRADE = {"type": "integer", "minimum": 1, "maximum": 8}
GRADES_SCHEMA: dict[str, Any] = {
    "anyOf": [
        _ONE_GRADE,
        {
            "type": "string",
            "pattern": r"^\s*(alle( groepen)?|\*|[1-8]\s*(t/m|tm|tot en met|-|–)\s*[1-8]"
            r"|[1-8]([/,;\s]+[1-8])*)\s*$",
        },
        {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"anyOf": [_ONE_GRADE, {"type": "string", "pattern": r"^\s*[1-8]\s*$"}]},
        },
    ]
}
CLOCK_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": r"^\s*([01]?\d|2[0-3])[:.][0-5]\d\s*(uur)?\s*$"},
        # unquoted in YAML: 8.30 is a number, 08:30 (YAML 1.1) minutes since midnight
        {"type": "number", "minimum": 0, "maximum": 1439},
    ]
}
YES_NO_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "boolean"},
        {"type": "null"},
        {"type": "string", "enum": ["ja", "nee", "schoolregel", "volgens schoolregel"]},
    ]
}

Month = Annotated[int, BeforeValidator(_parse_month), WithJsonSchema(MONTH_SCHEMA)]
Weekday = Annotated[int, BeforeValidator(_parse_weekday), WithJsonSchema(WEEKDAY_SCHEMA)]
Grades = Annotated[tuple[int, ...], BeforeValidator(_parse_grades), WithJsonSchema(GRADES_SCHEMA)]
ClockTime = Annotated[time, BeforeValidator(_parse_time), WithJsonSchema(CLOCK_SCHEMA)]
YesNo = Annotated[bool | None, BeforeValidator(_yes_no), WithJsonSchema(YES_NO_SCHEMA)]
Ident = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]

Participant = Literal["ouders", "kind", "leerkracht", "locatieleider", "ib", "directie"]
Requester = Literal["ouders", "leerkracht", "kind", "ib"]
Status = Literal["verplicht", "facultatief", "op_verzoek"]
Audience = Literal["alle", "nieuwe_leerkracht", "nieuwe_leerlingen", "voorwaarde", "aanmelders"]
Form = Literal["individueel", "groep", "terugkerend"]
GroupPer = Literal["klas", "groep", "school"]
DayPart = Literal["na_schooltijd", "schooltijd", "avond", "ochtend"]
TaskKind = Literal[
    "uitnodiging",
    "formulier",
    "inzage",
    "onderwerpen",
    "opvang",
    "document",
    "verslag",
    "overig",
]
Who = Literal["leerkracht", "ouders", "kind", "locatieleider", "ib", "administratie", "directie"]
TeacherMode = Literal["wie_werkt", "beide"]

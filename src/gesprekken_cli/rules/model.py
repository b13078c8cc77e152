"""The rules file: a school's conversation cycle as data, with Dutch keys teachers can edit.

:func:`gesprekken_cli.rules.validate.check_rules` reads and validates a rules file into a
frozen :class:`Cycle`; every fault comes back at once, each with the line and column of its
YAML node. The model is also the source of ``gesprekken schema`` (JSON Schema for editors).
The field types (months, grades, times) live in :mod:`gesprekken_cli.rules.values`.

Start-up matters here (every ``plan`` imports this module, also when the validated rules come
from :mod:`gesprekken_cli.rules.cache`): the models are built lazily (``defer_build``),
defaults are made with ``model_construct`` so importing never builds a validator, and
annotations are real objects rather than strings pydantic would have to evaluate.
"""

import re
from datetime import date, time
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from gesprekken_cli.rules.values import (
    ALL_GRADES,
    WEEKDAY_KEYS,
    Audience,
    ClockTime,
    DayPart,
    Form,
    Grades,
    GroupPer,
    Ident,
    Month,
    Participant,
    Requester,
    Status,
    TaskKind,
    TeacherMode,
    Weekday,
    Who,
    YesNo,
    as_list,
    grade,
    one_or_more,
    time_kind,
)


class RulesModel(BaseModel):
    """The base of every rules model: frozen, no unknown keys, built on first use."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )


class _Span(RulesModel):
    """A ``begin`` and ``eind`` on one day: begin must come first (either may be unset)."""

    @model_validator(mode="after")
    def _order(self) -> Self:
        begin, end = getattr(self, "begin", None), getattr(self, "eind", None)
        if begin and end and begin >= end:
            raise ValueError(f"begin {begin:%H.%M} ligt niet voor eind {end:%H.%M}")
        return self


class TimeRange(_Span):
    """A part of the day: ``begin`` and ``eind`` (either may be left to the default)."""

    begin: ClockTime | None = None
    eind: ClockTime | None = None


class SchoolHours(_Span):
    begin: ClockTime
    eind: ClockTime


class ConversationTimes(RulesModel):
    """Default times per part of the day; ``na_schooltijd`` starts when school ends."""

    na_schooltijd: TimeRange = TimeRange.model_construct(eind=time(17, 0))
    avond: TimeRange = TimeRange.model_construct(begin=time(19, 0), eind=time(21, 0))
    ochtend: TimeRange = TimeRange.model_construct(begin=time(8, 30), eind=time(9, 30))
    schooltijd: TimeRange = TimeRange.model_construct()


class ChildPresentRule(RulesModel):
    """School-wide rule: the child attends from ``vanaf_maand`` of ``vanaf_groep`` on."""

    vanaf_groep: Annotated[int, BeforeValidator(grade)]
    vanaf_maand: Month = 8


def _default_hours() -> dict[int, SchoolHours]:
    return {
        day: SchoolHours.model_construct(begin=time(8, 30), eind=time(14, 30)) for day in range(5)
    }


class School(RulesModel):
    naam: str = Field(min_length=1)
    regio: Literal["noord", "midden", "zuid"]
    locatie: str = ""
    schooltijden: dict[Weekday, SchoolHours] = Field(default_factory=_default_hours)
    gesprekstijden: ConversationTimes = ConversationTimes.model_construct()
    pauze_minuten: int = Field(default=0, ge=0, le=120)
    max_gesprekken_per_dag: int | None = Field(default=None, ge=1, le=100)
    max_wachttijd_gezin_minuten: int = Field(default=15, ge=0, le=240)
    # A pupil who starts mid-year gets a round's conversation only this many school weeks on.
    na_start_weken: int = Field(default=4, ge=0, le=20)
    # More talks than this on one day for one teacher: a break (lunch or tea) in between.
    max_zonder_pauze: int = Field(default=8, ge=1, le=100)
    lange_pauze_minuten: int = Field(default=30, ge=5, le=120)
    kind_aanwezig: ChildPresentRule | None = None
    bevrijdingsdag_vrij: bool = False
    goede_vrijdag_vrij: bool = True
    herinneringen_minuten: list[Annotated[int, Field(ge=0, le=40320)]] = []
    domein: str = Field(default="gesprekken.invalid", pattern=r"^[A-Za-z0-9.-]+$")

    @field_validator("schooltijden")
    @classmethod
    def _every_school_day(cls, hours: dict[int, SchoolHours]) -> dict[int, SchoolHours]:
        missing = [WEEKDAY_KEYS[day] for day in range(5) if day not in hours]
        if missing:
            raise ValueError(f"schooltijden ontbreken voor {', '.join(missing)}")
        return hours


class Event(RulesModel):
    """A named moment in the year another conversation can follow (e.g. IEP middenscreening)."""

    id: Ident
    naam: str
    maand: Month


class StudyDayRule(RulesModel):
    """A named studiedag; its date per school year lives under ``schooljaren``."""

    id: Ident
    naam: str
    groepen: Grades = ALL_GRADES
    maand: Month | None = None


class Period(RulesModel):
    van: date
    tot: date
    naam: str = ""

    @model_validator(mode="after")
    def _order(self) -> "Period":
        if self.tot < self.van:
            raise ValueError(f"tot {self.tot.isoformat()} ligt voor van {self.van.isoformat()}")
        return self


class DayOffRule(RulesModel):
    naam: str
    datum: date | None = None
    van: date | None = None
    tot: date | None = None

    @model_validator(mode="after")
    def _one_form(self) -> "DayOffRule":
        if (self.datum is None) == (self.van is None):
            raise ValueError("geef óf 'datum', óf 'van' en 'tot'")
        if self.van is not None and (self.tot is None or self.tot < self.van):
            raise ValueError("'tot' ontbreekt of ligt voor 'van'")
        return self

    @property
    def start(self) -> date:
        return self.datum or self.van or date.min

    @property
    def end(self) -> date:
        return self.datum or self.tot or date.min


class YearData(RulesModel):
    """School-year data: own advisory vacations, extra days off, studiedag and event dates."""

    herfstvakantie: Period | None = None
    voorjaarsvakantie: Period | None = None
    vrije_dagen: list[DayOffRule] = []
    studiedagen: dict[str, date] = {}
    gebeurtenissen: dict[str, date] = {}
    # A group meeting's date this year, per type id; a list gives one date per round.
    bijeenkomsten: dict[str, Annotated[list[date], BeforeValidator(one_or_more)]] = {}


class Weekly(_Span):
    dag: Weekday
    begin: ClockTime
    eind: ClockTime


class WeeksBeforeStart(RulesModel):
    """Window relative to a new pupil's own start date, in weeks before it (``van`` ≥ ``tot``)."""

    van: int = Field(ge=0, le=26)
    tot: int = Field(ge=0, le=26)

    @model_validator(mode="after")
    def _order(self) -> "WeeksBeforeStart":
        if self.van < self.tot:
            raise ValueError(
                f"van {self.van} weken ligt na tot {self.tot} weken voor de start "
                "(van moet het grootste aantal weken zijn)"
            )
        return self


class When(RulesModel):
    """When a round happens. Anchors combine: ``maanden`` + ``na`` = those months, after ``na``."""

    maanden: list[Month] | None = Field(default=None, min_length=1)
    na_weken_onderwijs: int | None = Field(default=None, ge=0, le=40)
    weken: int | None = Field(default=None, ge=1, le=40)
    weken_voor_start: WeeksBeforeStart | None = None
    studiedag: Ident | None = None
    uitloop_dagen: int | None = Field(default=None, ge=1, le=20)
    wekelijks: Weekly | None = None
    na: Ident | None = None
    altijd: bool = False

    @model_validator(mode="before")
    @classmethod
    def _month_alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "maand" in data:
            data = dict(data)
            month = data.pop("maand")
            if "maanden" in data:
                raise ValueError("gebruik 'maand' óf 'maanden', niet allebei")
            data["maanden"] = month if isinstance(month, list) else [month]
        elif isinstance(data, dict) and isinstance(data.get("maanden"), str | int):
            data = dict(data)
            data["maanden"] = [part for part in re.split(r"[/,\s]+", str(data["maanden"])) if part]
        return data

    @model_validator(mode="after")
    def _anchors(self) -> "When":
        anchors = [
            name
            for name in ("maanden", "na_weken_onderwijs", "weken_voor_start", "studiedag", "na")
            if getattr(self, name) is not None
        ]
        if self.altijd and (anchors or self.wekelijks):
            raise ValueError("'altijd' gaat niet samen met een ander moment")
        if self.wekelijks and anchors:
            raise ValueError("'wekelijks' gaat niet samen met een ander moment")
        if not anchors and not self.altijd and not self.wekelijks:
            raise ValueError(
                "geen moment opgegeven: gebruik maanden, na_weken_onderwijs, weken_voor_start, "
                "studiedag, wekelijks, na of altijd"
            )
        if self.weken is not None and self.na_weken_onderwijs is None:
            raise ValueError("'weken' hoort bij 'na_weken_onderwijs'")
        if self.uitloop_dagen is not None and self.studiedag is None:
            raise ValueError("'uitloop_dagen' hoort bij 'studiedag'")
        if self.studiedag and (self.maanden or self.na_weken_onderwijs is not None):
            raise ValueError("een gesprek op een studiedag heeft geen maanden of weken")
        return self


class Task(RulesModel):
    """A preparation (or follow-up) task with its offset from the round."""

    taak: str = Field(min_length=1)
    soort: TaskKind = "overig"
    wie: Who = "leerkracht"
    dagen_voor: int | None = Field(default=None, ge=0, le=180)
    weken_voor: int | None = Field(default=None, ge=0, le=26)
    dagen_na: int | None = Field(default=None, ge=0, le=180)
    kanaal: str = ""

    @model_validator(mode="after")
    def _one_offset(self) -> "Task":
        given = [
            name
            for name in ("dagen_voor", "weken_voor", "dagen_na")
            if getattr(self, name) is not None
        ]
        if len(given) > 1:
            raise ValueError(f"geef één termijn, niet {' en '.join(given)}")
        return self

    @property
    def days_before(self) -> int | None:
        """Days before the conversation (negative: after it); ``None`` = no due date."""
        if self.dagen_voor is not None:
            return self.dagen_voor
        if self.weken_voor is not None:
            return 7 * self.weken_voor
        if self.dagen_na is not None:
            return -self.dagen_na
        return None


class ConversationType(RulesModel):
    id: Ident
    naam: str = Field(min_length=1)
    doel: list[str] = []
    beschrijving: str = ""
    groepen: Grades
    wanneer: Annotated[list[When], BeforeValidator(as_list), Field(min_length=1)]
    status: Status
    op_verzoek_van: list[Requester] = []
    deelnemers: list[Participant] = Field(min_length=1)
    kind_aanwezig: YesNo = None
    doelgroep: Audience = "alle"
    voorwaarde: Ident | None = None
    vorm: Form = "individueel"
    per: GroupPer | None = None
    duur_minuten: int = Field(default=15, ge=5, le=480)
    max_per_dag: int | None = Field(default=None, ge=1, le=100)
    tijd: Annotated[
        Annotated[DayPart, Tag("deel")] | Annotated[TimeRange, Tag("tijden")],
        Discriminator(time_kind),
    ] = "na_schooltijd"
    leerkrachten: TeacherMode = "wie_werkt"
    voorbereiding: list[Task] = []
    kanaal: str = ""
    notities: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> "ConversationType":
        faults: list[str] = []
        child = "kind" in self.deelnemers
        if self.kind_aanwezig is True and not child:
            faults.append("kind_aanwezig is ja, maar 'kind' staat niet bij de deelnemers")
        if self.kind_aanwezig is False and child:
            faults.append("kind_aanwezig is nee, maar 'kind' staat bij de deelnemers")
        if self.doelgroep == "voorwaarde" and not self.voorwaarde:
            faults.append("doelgroep 'voorwaarde' vraagt om een 'voorwaarde'")
        if self.voorwaarde and self.doelgroep != "voorwaarde":
            faults.append("'voorwaarde' hoort bij doelgroep 'voorwaarde'")
        if self.op_verzoek_van and self.status != "op_verzoek":
            faults.append("'op_verzoek_van' hoort bij status 'op_verzoek'")
        if self.vorm == "groep" and self.per is None:
            faults.append("een groepsbijeenkomst vraagt om 'per' (klas, groep of school)")
        if self.vorm == "individueel" and self.per is not None:
            faults.append("'per' hoort bij vorm 'groep'")
        weekly = any(item.wekelijks for item in self.wanneer)
        if weekly and self.vorm != "terugkerend":
            faults.append("'wekelijks' hoort bij vorm 'terugkerend'")
        if self.vorm == "terugkerend" and not weekly:
            faults.append("vorm 'terugkerend' vraagt om 'wanneer: wekelijks'")
        before_start = any(item.weken_voor_start for item in self.wanneer)
        if before_start and self.doelgroep != "nieuwe_leerlingen":
            faults.append("'weken_voor_start' hoort bij doelgroep 'nieuwe_leerlingen'")
        if faults:
            raise ValueError("; ".join(faults))
        return self


class Cycle(RulesModel):
    """A whole rules file."""

    versie: Literal[1] = 1
    school: School
    studiedagen: list[StudyDayRule] = []
    gebeurtenissen: list[Event] = []
    schooljaren: dict[str, YearData] = {}
    kolommen: dict[str, str] = {}
    gesprekken: list[ConversationType] = Field(min_length=1)

    def type_by_id(self, type_id: str) -> ConversationType | None:
        for item in self.gesprekken:
            if item.id == type_id:
                return item
        return None

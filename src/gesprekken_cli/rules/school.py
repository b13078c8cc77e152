"""The school and its calendar in a rules file: times, school rules, studiedagen, events and
the data per school year (``school``, ``studiedagen``, ``gebeurtenissen``, ``schooljaren``).

Every key has a Dutch ``description`` and ``examples`` (``gesprekken schema``: editor help).
Like :mod:`gesprekken_cli.rules.model`: built lazily, defaults via ``model_construct``.
"""

from datetime import date, time
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from gesprekken_cli.rules.base import RulesModel, Span
from gesprekken_cli.rules.values import (
    ALL_GRADES,
    WEEKDAY_KEYS,
    ClockTime,
    Grades,
    Ident,
    Month,
    OneLine,
    Weekday,
    grade,
    one_or_more,
)


class TimeRange(Span):
    """A part of the day: ``begin`` and ``eind`` (either may be left to the default)."""

    begin: ClockTime | None = Field(
        default=None, description="Begintijd (uu.mm).", examples=["8.30", "19.00"]
    )
    eind: ClockTime | None = Field(
        default=None, description="Eindtijd (uu.mm), na de begintijd.", examples=["17.00"]
    )


class SchoolHours(Span):
    begin: ClockTime = Field(description="Begin van de schooldag (uu.mm).", examples=["8.30"])
    eind: ClockTime = Field(
        description="Einde van de schooldag (uu.mm); woensdag vaak eerder.",
        examples=["14.45", "12.15"],
    )


class ConversationTimes(RulesModel):
    """Default times per part of the day; ``na_schooltijd`` starts when school ends."""

    na_schooltijd: TimeRange = Field(
        default=TimeRange.model_construct(eind=time(17, 0)),
        description="Na schooltijd: begint als de school uit is, tot 'eind'.",
        examples=[{"eind": "17.00"}],
    )
    avond: TimeRange = Field(
        default=TimeRange.model_construct(begin=time(19, 0), eind=time(21, 0)),
        description="'s Avonds (informatieavonden, avondgesprekken).",
        examples=[{"begin": "19.00", "eind": "21.00"}],
    )
    ochtend: TimeRange = Field(
        default=TimeRange.model_construct(begin=time(8, 30), eind=time(9, 30)),
        description="'s Ochtends (bijv. koffie/thee-ochtend).",
        examples=[{"begin": "8.30", "eind": "9.30"}],
    )
    schooltijd: TimeRange = Field(
        default=TimeRange.model_construct(),
        description="Onder schooltijd; zonder tijden de schooltijden van die dag.",
        examples=[{}],
    )


class ChildPresentRule(RulesModel):
    """School-wide rule: the child attends from ``vanaf_maand`` of ``vanaf_groep`` on."""

    vanaf_groep: Annotated[int, BeforeValidator(grade)] = Field(
        description="Vanaf deze groep is het kind bij gesprekken (1 t/m 8).", examples=[3]
    )
    vanaf_maand: Month = Field(
        default=8,
        description="Vanaf deze maand van die groep (standaard augustus: het hele jaar).",
        examples=["maart"],
    )


def _default_hours() -> dict[int, SchoolHours]:
    return {
        day: SchoolHours.model_construct(begin=time(8, 30), eind=time(14, 30)) for day in range(5)
    }


Goal = Literal["ingepland", "broers_zussen", "wensen", "leerkrachtdagen", "leegloop", "wachttijd"]


class School(RulesModel):
    naam: OneLine = Field(min_length=1, description="Naam van de school.", examples=["De Duif"])
    regio: Literal["noord", "midden", "zuid"] = Field(
        description="Regio van de schoolvakanties: noord, midden of zuid.", examples=["noord"]
    )
    locatie: OneLine = Field(
        default="",
        description="Waar de gesprekken zijn; komt in de agenda.",
        examples=["De Duif, lokaal van de eigen groep"],
    )
    schooltijden: dict[Weekday, SchoolHours] = Field(
        default_factory=_default_hours,
        description="Begin en einde per schooldag, maandag t/m vrijdag (standaard 8.30-14.30).",
        examples=[{"maandag": {"begin": "8.30", "eind": "14.45"}}],
    )
    gesprekstijden: ConversationTimes = Field(
        default=ConversationTimes.model_construct(),
        description="Tijden per dagdeel: na_schooltijd, avond, ochtend, schooltijd.",
        examples=[{"na_schooltijd": {"eind": "17.00"}, "avond": {"begin": "19.00"}}],
    )
    pauze_minuten: int = Field(
        default=0, ge=0, le=120, description="Minuten tussen twee gesprekken.", examples=[5]
    )
    max_gesprekken_per_dag: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="Hoeveel gesprekken een leerkracht hoogstens op een dag voert.",
        examples=[10],
    )
    max_wachttijd_gezin_minuten: int = Field(
        default=15,
        ge=0,
        le=240,
        description="Hoogstens zoveel minuten tussen de gesprekken van broertjes en zusjes.",
        examples=[15],
    )
    na_start_weken: int = Field(
        default=4,
        ge=0,
        le=20,
        description=(
            "Een leerling die tijdens het jaar instroomt, krijgt een gesprek pas zoveel hele "
            "schoolweken na de startdatum."
        ),
        examples=[4],
    )
    max_zonder_pauze: int = Field(
        default=8,
        ge=1,
        le=100,
        description="Meer gesprekken op een dag voor een leerkracht: daarna een pauze.",
        examples=[8],
    )
    lange_pauze_minuten: int = Field(
        default=30,
        ge=5,
        le=120,
        description="Hoe lang die pauze (lunch of thee) is, in minuten.",
        examples=[30],
    )
    kind_aanwezig: ChildPresentRule | None = Field(
        default=None,
        description="Schoolregel: vanaf welke groep en maand het kind bij gesprekken is.",
        examples=[{"vanaf_groep": 3, "vanaf_maand": "maart"}],
    )
    bevrijdingsdag_vrij: bool = Field(
        default=False,
        description="5 mei is elk jaar vrij (anders alleen in lustrumjaren).",
        examples=[False],
    )
    goede_vrijdag_vrij: bool = Field(
        default=True, description="Goede Vrijdag is vrij.", examples=[True]
    )
    herinneringen_minuten: list[Annotated[int, Field(ge=0, le=40320)]] = Field(
        default=[],
        description="Herinneringen in de agenda, in minuten vooraf (1440 = een dag).",
        examples=[[1440]],
    )
    domein: str = Field(
        default="gesprekken.invalid",
        pattern=r"^[A-Za-z0-9.-]+$",
        description="Domein voor de vaste id's (UID) in de agenda-bestanden.",
        examples=["agenda.deduif.nl"],
    )
    optimaliseren: list[Goal] = Field(
        default=[],
        max_length=6,
        description=(
            "Wat de planner na de eerste indeling als eerste verbetert; niet genoemde delen "
            "volgen in de standaardvolgorde ingepland, broers_zussen, wensen, "
            "leerkrachtdagen, leegloop, wachttijd."
        ),
        examples=[["ingepland", "leerkrachtdagen", "broers_zussen"]],
    )

    @field_validator("naam")
    @classmethod
    def _no_bidi_controls(cls, name: str) -> str:
        """The name reaches every calendar, mail and page: bidi overrides removed (issue 18)."""
        from gesprekken_cli.names import strip_bidi

        return strip_bidi(name)

    @field_validator("optimaliseren")
    @classmethod
    def _each_goal_once(cls, goals: list[str]) -> list[str]:
        twice = sorted({g for g in goals if goals.count(g) > 1})
        if twice:
            raise ValueError(f"dubbel genoemd: {', '.join(twice)}")
        return goals

    @field_validator("schooltijden")
    @classmethod
    def _every_school_day(cls, hours: dict[int, SchoolHours]) -> dict[int, SchoolHours]:
        missing = [WEEKDAY_KEYS[day] for day in range(5) if day not in hours]
        if missing:
            raise ValueError(f"schooltijden ontbreken voor {', '.join(missing)}")
        return hours


class Event(RulesModel):
    """A named moment in the year another conversation can follow (e.g. IEP middenscreening)."""

    id: Ident = Field(
        description="Korte naam om naar te verwijzen (wanneer: na).",
        examples=["middenscreening-iep"],
    )
    naam: OneLine = Field(description="Naam van de gebeurtenis.", examples=["Middenscreening IEP"])
    maand: Month = Field(
        description="Maand van de gebeurtenis; de datum per jaar staat onder schooljaren.",
        examples=["februari"],
    )


class StudyDayRule(RulesModel):
    """A named studiedag; its date per school year lives under ``schooljaren``."""

    id: Ident = Field(
        description="Korte naam om naar te verwijzen (wanneer: studiedag).",
        examples=["studiedag-groep-8"],
    )
    naam: OneLine = Field(
        description="Naam van de studiedag.", examples=["Studiedag groep 8 (OKR-gesprekken)"]
    )
    groepen: Grades = Field(
        default=ALL_GRADES, description="Voor welke groepen (standaard alle).", examples=[[8]]
    )
    maand: Month | None = Field(
        default=None,
        description="Maand van de studiedag; de datum per jaar staat onder schooljaren.",
        examples=["maart"],
    )


class Period(RulesModel):
    van: date = Field(description="Eerste vrije dag (JJJJ-MM-DD).", examples=["2026-10-19"])
    tot: date = Field(description="Laatste vrije dag (JJJJ-MM-DD).", examples=["2026-10-23"])
    naam: OneLine = Field(default="", description="Naam (optioneel).", examples=["Herfstvakantie"])

    @model_validator(mode="after")
    def _order(self) -> "Period":
        if self.tot < self.van:
            raise ValueError(f"tot {self.tot.isoformat()} ligt voor van {self.van.isoformat()}")
        return self


class DayOffRule(RulesModel):
    naam: OneLine = Field(description="Naam van de vrije dag(en).", examples=["Bevrijdingsdag"])
    datum: date | None = Field(
        default=None, description="Eén vrije dag (JJJJ-MM-DD).", examples=["2027-05-05"]
    )
    van: date | None = Field(
        default=None, description="Eerste dag van een vrije periode.", examples=["2027-05-10"]
    )
    tot: date | None = Field(
        default=None, description="Laatste dag van een vrije periode.", examples=["2027-05-14"]
    )

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

    herfstvakantie: Period | None = Field(
        default=None,
        description="Eigen herfstvakantie (de landelijke is een advies).",
        examples=[{"van": "2026-10-19", "tot": "2026-10-23"}],
    )
    voorjaarsvakantie: Period | None = Field(
        default=None,
        description="Eigen voorjaarsvakantie (de landelijke is een advies).",
        examples=[{"van": "2027-02-15", "tot": "2027-02-19"}],
    )
    vrije_dagen: list[DayOffRule] = Field(
        default=[],
        description="Extra vrije dagen of perioden in dit schooljaar.",
        examples=[[{"naam": "Vrijdag na Hemelvaart", "datum": "2027-05-07"}]],
    )
    studiedagen: dict[str, date] = Field(
        default={},
        description="Datum van elke studiedag dit jaar: id → JJJJ-MM-DD.",
        examples=[{"studiedag-groep-8": "2027-03-16"}],
    )
    gebeurtenissen: dict[str, date] = Field(
        default={},
        description="Datum van elke gebeurtenis dit jaar: id → JJJJ-MM-DD.",
        examples=[{"uitslag-doorstroomtoets": "2027-03-25"}],
    )
    bijeenkomsten: dict[str, Annotated[list[date], BeforeValidator(one_or_more)]] = Field(
        default={},
        description=(
            "Datum van een groepsbijeenkomst dit jaar: gesprek-id → JJJJ-MM-DD, of een lijst "
            "met een datum per ronde."
        ),
        examples=[{"koffie-thee-ochtend": ["2026-11-10", "2027-03-16"]}],
    )

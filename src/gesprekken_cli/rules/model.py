"""The rules file: a school's conversation cycle as data, with Dutch keys teachers can edit.

:func:`gesprekken_cli.rules.validate.check_rules` reads and validates a rules file into a
frozen :class:`Cycle`; every fault comes back at once, each with the line and column of its
YAML node. The model is also the source of ``gesprekken schema`` (JSON Schema for editors).
The field types (months, grades, times) live in :mod:`gesprekken_cli.rules.values`, the
school and its calendar in :mod:`gesprekken_cli.rules.school`, the base class in
:mod:`gesprekken_cli.rules.base`. Every key has a Dutch ``description`` and ``examples``.

Start-up matters here (every ``plan`` imports this module, also when the validated rules come
from :mod:`gesprekken_cli.rules.cache`): the models are built lazily (``defer_build``),
defaults are made with ``model_construct`` so importing never builds a validator, and
annotations are real objects rather than strings pydantic would have to evaluate.
"""

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    model_validator,
)

from gesprekken_cli.rules.base import RulesModel as RulesModel  # re-exported for the cache
from gesprekken_cli.rules.base import Span, without_docstring
from gesprekken_cli.rules.school import Event, School, StudyDayRule, YearData
from gesprekken_cli.rules.school import TimeRange as TimeRange  # re-exported: expand, schedule
from gesprekken_cli.rules.values import (
    MONTH_SCHEMA,
    MONTHS_SCHEMA,
    Audience,
    ClockTime,
    DayPart,
    Form,
    FreeText,
    Grades,
    GroupPer,
    Ident,
    Month,
    OneLine,
    Participant,
    Requester,
    Status,
    TaskKind,
    TeacherMode,
    Weekday,
    Who,
    YesNo,
    as_list,
    time_kind,
)


def _one_or_a_list(name: str) -> Any:
    """In the JSON schema: key ``name`` takes one item as well as a list (``as_list``)."""

    def extra(schema: dict[str, Any]) -> None:
        without_docstring(schema)
        field = schema["properties"][name]
        words = {
            key: field.pop(key) for key in ("description", "examples", "title") if key in field
        }
        schema["properties"][name] = {"anyOf": [field["items"], field], **words}

    return extra


def _month_alias(schema: dict[str, Any]) -> None:
    """In the JSON schema: ``maand`` is another way to write ``maanden`` (``_month_alias``)."""
    without_docstring(schema)
    schema["properties"]["maand"] = {
        "anyOf": [MONTH_SCHEMA, {"type": "array", "minItems": 1, "items": MONTH_SCHEMA}],
        "description": "In deze maand (of: maanden).",
        "examples": ["november"],
    }


class Weekly(Span):
    dag: Weekday = Field(description="Schooldag van de week.", examples=["dinsdag"])
    begin: ClockTime = Field(description="Begintijd (uu.mm).", examples=["8.20"])
    eind: ClockTime = Field(description="Eindtijd (uu.mm).", examples=["8.40"])


class WeeksBeforeStart(RulesModel):
    """Window relative to a new pupil's own start date, in weeks before it (``van`` ≥ ``tot``)."""

    van: int = Field(
        ge=0, le=26, description="Vanaf zoveel weken voor de startdatum.", examples=[6]
    )
    tot: int = Field(
        ge=0, le=26, description="Tot zoveel weken voor de startdatum (≤ van).", examples=[5]
    )

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

    model_config = ConfigDict(json_schema_extra=_month_alias)

    maanden: Annotated[list[Month] | None, WithJsonSchema(MONTHS_SCHEMA)] = Field(
        default=None,
        min_length=1,
        description="In een van deze maanden (ook als tekst: maart/april).",
        examples=[["maart", "april"]],
    )
    na_weken_onderwijs: int | None = Field(
        default=None,
        ge=0,
        le=40,
        description="Na zoveel weken onderwijs (0 = de eerste weken van het schooljaar).",
        examples=[3],
    )
    weken: int | None = Field(
        default=None,
        ge=1,
        le=40,
        description="Binnen zoveel weken (bij na_weken_onderwijs).",
        examples=[3],
    )
    weken_voor_start: WeeksBeforeStart | None = Field(
        default=None,
        description="Weken voor de eigen startdatum van een nieuwe leerling.",
        examples=[{"van": 6, "tot": 5}],
    )
    studiedag: Ident | None = Field(
        default=None,
        description="Op deze studiedag (id uit studiedagen).",
        examples=["studiedag-groep-8"],
    )
    uitloop_dagen: int | None = Field(
        default=None,
        ge=1,
        le=20,
        description="Wat op de studiedag niet past: na schooltijd in zoveel schooldagen erna.",
        examples=[5],
    )
    wekelijks: Weekly | None = Field(
        default=None,
        description="Elke week op deze dag en tijd, niet in vakanties (de inloop).",
        examples=[{"dag": "dinsdag", "begin": "8.20", "eind": "8.40"}],
    )
    na: Ident | None = Field(
        default=None,
        description="Na deze gebeurtenis of dit andere gesprek (id).",
        examples=["middenscreening-iep"],
    )
    altijd: bool = Field(default=False, description="Het hele jaar, op verzoek.", examples=[True])

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

    taak: OneLine = Field(
        min_length=1, description="Wat er moet gebeuren.", examples=["Startformulier invullen"]
    )
    soort: TaskKind = Field(
        default="overig", description="Soort taak.", examples=["uitnodiging", "formulier"]
    )
    wie: Who = Field(default="leerkracht", description="Wie de taak doet.", examples=["ouders"])
    dagen_voor: int | None = Field(
        default=None, ge=0, le=180, description="Zoveel dagen voor het gesprek.", examples=[14]
    )
    weken_voor: int | None = Field(
        default=None, ge=0, le=26, description="Zoveel weken voor het gesprek.", examples=[1]
    )
    dagen_na: int | None = Field(
        default=None, ge=0, le=180, description="Zoveel dagen na het gesprek.", examples=[7]
    )
    kanaal: OneLine = Field(
        default="", description="Waar de taak gebeurt.", examples=["Social Schools", "Parnassys"]
    )

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
    # the schema: ``wanneer`` is one round (a mapping) or a list of rounds, as the model reads it
    model_config = ConfigDict(json_schema_extra=_one_or_a_list("wanneer"))

    id: Ident = Field(
        description="Korte naam: kleine letters, cijfers, - en _ (uniek).",
        examples=["startgesprek"],
    )
    naam: OneLine = Field(
        min_length=1, description="Naam zoals ouders hem zien.", examples=["Startgesprek"]
    )
    doel: list[OneLine] = Field(
        default=[],
        description="De doelen van het gesprek.",
        examples=[["Kennismaken met de leerkracht."]],
    )
    beschrijving: FreeText = Field(
        default="", description="Toelichting.", examples=["Het eerste gesprek van het jaar."]
    )
    groepen: Grades = Field(
        description="Voor welke groepen: 3 t/m 8, 4/5/6/8, [4, 5], 8 of alle.",
        examples=["3 t/m 8", "4/5/6/8"],
    )
    wanneer: Annotated[list[When], BeforeValidator(as_list), Field(min_length=1)] = Field(
        description="Wanneer; een lijst voor meerdere rondes.",
        examples=[{"maand": "november"}, [{"maand": "november"}, {"maanden": ["maart", "april"]}]],
    )
    status: Status = Field(
        description="verplicht, facultatief of op_verzoek.", examples=["verplicht"]
    )
    op_verzoek_van: list[Requester] = Field(
        default=[],
        description="Bij op_verzoek: wie het gesprek kan aanvragen.",
        examples=[["ouders", "leerkracht"]],
    )
    deelnemers: list[Participant] = Field(
        min_length=1, description="Wie er bij zijn.", examples=[["ouders", "kind", "leerkracht"]]
    )
    kind_aanwezig: YesNo = Field(
        default=None,
        description="ja, nee of schoolregel (weglaten: de regel van de school).",
        examples=["schoolregel", "nee"],
    )
    doelgroep: Audience = Field(
        default="alle",
        description="Wie wordt uitgenodigd: alle, nieuwe_leerkracht, nieuwe_leerlingen, "
        "voorwaarde of aanmelders.",
        examples=["alle", "nieuwe_leerlingen"],
    )
    voorwaarde: Ident | None = Field(
        default=None,
        description="Bij doelgroep voorwaarde: het kenmerk in de kolom kenmerken.",
        examples=["doorstroomtoets_hoger"],
    )
    vorm: Form = Field(
        default="individueel",
        description="individueel, groep (een bijeenkomst) of terugkerend (wekelijks).",
        examples=["individueel", "groep"],
    )
    per: GroupPer | None = Field(
        default=None,
        description="Bij vorm groep: één bijeenkomst per klas, groep of school.",
        examples=["klas"],
    )
    duur_minuten: int = Field(
        default=15, ge=5, le=480, description="Lengte van één gesprek in minuten.", examples=[15]
    )
    max_per_dag: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="Hoogstens zoveel van deze gesprekken per leerkracht per dag.",
        examples=[20],
    )
    tijd: Annotated[
        Annotated[DayPart, Tag("deel")] | Annotated[TimeRange, Tag("tijden")],
        Discriminator(time_kind),
    ] = Field(
        default="na_schooltijd",
        description="Dagdeel (na_schooltijd, schooltijd, avond, ochtend) of eigen tijden.",
        examples=["avond", {"begin": "8.30", "eind": "9.15"}],
    )
    leerkrachten: TeacherMode = Field(
        default="wie_werkt",
        description="Bij een duo: wie_werkt (wie die dag werkt) of beide.",
        examples=["wie_werkt"],
    )
    voorbereiding: list[Task] = Field(
        default=[],
        description="Taken vooraf en achteraf, met hun termijn.",
        examples=[[{"taak": "Startformulier invullen", "wie": "ouders", "dagen_voor": 3}]],
    )
    kanaal: OneLine = Field(
        default="",
        description="Hoe ouders zich inschrijven.",
        examples=["Social Schools (gespreksplanner)"],
    )
    notities: FreeText = Field(
        default="", description="Vrije tekst.", examples=["Wordt gegeven door de IB'er."]
    )
    vertrouwelijk: bool = Field(
        default=False,
        description=(
            "Vertrouwelijk gesprek: nooit de naam van de leerling in klas- of schoolagenda's "
            "of in de klasregels van index.csv."
        ),
        examples=[True],
    )

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

    versie: Literal[1] = Field(default=1, description="Versie van het formaat: 1.", examples=[1])
    school: School = Field(
        description="De school: naam, regio, tijden en schoolregels.",
        examples=[{"naam": "De Duif", "regio": "noord"}],
    )
    studiedagen: list[StudyDayRule] = Field(
        default=[],
        description="Studiedagen waar gesprekken naar verwijzen; datums onder schooljaren.",
        examples=[[{"id": "studiedag-groep-8", "naam": "Studiedag", "groepen": [8]}]],
    )
    gebeurtenissen: list[Event] = Field(
        default=[],
        description="Gebeurtenissen waar gesprekken na komen (wanneer: na).",
        examples=[[{"id": "middenscreening-iep", "naam": "IEP", "maand": "februari"}]],
    )
    schooljaren: dict[str, YearData] = Field(
        default={},
        description="Gegevens per schooljaar (2026-2027): vakanties, vrije dagen, datums.",
        examples=[{"2026-2027": {"studiedagen": {"studiedag-groep-8": "2027-03-16"}}}],
    )
    kolommen: dict[str, str] = Field(
        default={},
        description="Eigen kolomkoppen van het rooster: eigen kop → standaardnaam.",
        examples=[{"Leerjaar": "groep"}],
    )
    gesprekken: list[ConversationType] = Field(
        min_length=1,
        description="De gesprekstypen van de cyclus.",
        examples=[[{"id": "startgesprek", "naam": "Startgesprek", "groepen": "1 t/m 8"}]],
    )

    def type_by_id(self, type_id: str) -> ConversationType | None:
        for item in self.gesprekken:
            if item.id == type_id:
                return item
        return None

"""Write the example rosters under ``examples/`` (made-up pupils; seeded, so reruns match).

Run ``python examples/make_examples.py``; commit the script and its output together.
Every name, date and e-mail address is invented; e-mail domains are the reserved
``example.*`` ones.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
YEAR = 2026  # school year 2026-2027

FIRST = [
    "Zoë",
    "Daniëlle",
    "Noah",
    "Sem",
    "Lotte",
    "Fenna",
    "Mees",
    "Julia",
    "Liam",
    "Emma",
    "Tess",
    "Finn",
    "Sara",
    "Daan",
    "Lieke",
    "Bram",
    "Anouk",
    "Milan",
    "Isa",
    "Jesse",
    "Yara",
    "Luuk",
    "Nina",
    "Thijs",
    "Evi",
    "Mohammed",
    "Yusuf",
    "Aylin",
    "Elif",
    "Ayoub",
    "Fatima",
    "Ngozi",
    "Chidi",
    "Amira",
    "Olivier",
    "Floor",
    "Sven",
    "Roos",
    "Jip",
    "Lina",
    "Ruben",
    "Maud",
    "Hugo",
    "Noor",
    "Stijn",
    "Femke",
    "Gijs",
    "Sanne",
    "Teun",
    "Ilse",
    "Jasmijn",
    "Joël",
    "Chloë",
    "Noëlle",
    "Zeynep",
    "Emre",
    "Mila",
    "Boaz",
    "Ivo",
    "Fleur",
]
LAST = (
    ("", "Jansen"),
    ("de", "Boer"),
    ("van der", "Berg"),
    ("", "Çelik"),
    ("", "Ngozi-Ó'Brien"),
    ("", "Bakker"),
    ("", "Visser"),
    ("", "Smit"),
    ("", "Meijer"),
    ("de", "Vries"),
    ("van", "Dijk"),
    ("", "Mulder"),
    ("de", "Jong"),
    ("van den", "Heuvel"),
    ("", "Yilmaz"),
    ("", "El Amrani"),
    ("", "Hoekstra"),
    ("van der", "Meer"),
    ("", "Dekker"),
    ("", "Brouwer"),
    ("ter", "Horst"),
    ("", "Kramer"),
    ("van", "Leeuwen"),
    ("", "Postma"),
    ("", "Okafor"),
    ("", "Nguyen"),
    ("'t", "Hart"),
    ("", "Šimić"),
    ("", "Wójcik"),
    ("", "Kaya"),
)
TEACHERS = (
    "Anna de Boer",
    "Pieter Jansen",
    "Marleen Visser",
    "Sandra Kok",
    "Mehmet Aydın",
    "Ingrid van Vliet",
    "Bas Timmermans",
    "Esther Schouten",
    "Karim Haddou",
    "Josien Hofman",
    "Wendy de Graaf",
    "Ruud Verbeek",
    "Lisanne Bos",
    "Dirk Prins",
    "Priya Ramdin",
    "Kees Blom",
    "Joost van Beek",
    "Carla Vos",
    "Femke Wolters",
    "Tom Koster",
    "Ilona Sanders",
    "Gerrit Post",
    "Naima Bouali",
    "Marieke Veenstra",
)
DAYS = ("ma-wo", "do-vr", "ma, di", "wo t/m vr", "ma, di, wo", "do, vr", "ma-do", "vr")
DOMAINS = ("example.nl", "example.com", "example.org")

COLUMNS = (
    "leerlingnummer",
    "roepnaam",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "groep",
    "klas",
    "leerkracht",
    "e-mail ouder 1",
    "e-mail ouder 2",
    "gezin",
    "startdatum",
    "nieuwe leerkracht",
    "huishoudens",
    "kenmerken",
)
ALT_COLUMNS = (
    "Leerlingnummer",
    "Voornaam",
    "Voorvoegsel",
    "Achternaam",
    "Geboortedatum",
    "Groep",
    "Klas",
    "Leerkracht",
    "E-mail ouder 1",
    "E-mail ouder 2",
    "Gezin",
    "Startdatum",
    "Nieuwe leerkracht",
    "Huishoudens",
    "Kenmerken",
)
SOCIAL = (
    "Roepnaam",
    "Tussenvoegsel",
    "Achternaam",
    "Geboortedatum",
    "Klasnaam",
    "Leerjaar",
    "E-mailadres ouder/verzorger 1",
    "E-mailadres ouder/verzorger 2",
)


@dataclass
class Family:
    gezin: str
    infix: str
    last: str
    emails: tuple[str, str]
    households: int
    grades: set[int] = field(default_factory=set)


@dataclass
class Pupil:
    number: int
    first: str
    family: Family
    born: date
    grade: int
    klass: str
    start: date | None = None
    traits: str = ""


def dmy(day: date | None) -> str:
    return "" if day is None else day.strftime("%d-%m-%Y")


def slug(text: str) -> str:
    table = str.maketrans("ëéèïöüçóšćńıÇÓŠ", "eeeioucoscniCOS", "' ")
    return "".join(c for c in text.lower().translate(table) if c.isalnum() or c in ".-")


class School:
    def __init__(self, seed: int, encodable: str = "utf-8") -> None:
        self.rng = random.Random(seed)
        self.encodable = encodable
        self.number = 10_000 + seed * 1000
        self.gezin = 500 + seed * 100
        self.families: list[Family] = []

    def ok(self, text: str) -> bool:
        try:
            text.encode(self.encodable)
        except UnicodeEncodeError:
            return False
        return True

    def first_name(self) -> str:
        while True:
            name = self.rng.choice(FIRST)
            if self.ok(name):
                return name

    def new_family(self) -> Family:
        while True:
            infix, last = self.rng.choice(LAST)
            if self.ok(last):
                break
        self.gezin += 1
        parent1 = f"{slug(self.first_name())}.{slug(infix + last)}@{self.rng.choice(DOMAINS)}"
        households = 2 if self.rng.random() < 0.12 else 1
        second = ""
        if households == 2 or self.rng.random() < 0.4:
            second = (
                f"{slug(self.first_name())}{self.rng.randint(1, 99)}@{self.rng.choice(DOMAINS)}"
            )
        family = Family(str(self.gezin), infix, last, (parent1, second), households)
        self.families.append(family)
        return family

    def birth(self, grade: int) -> date:
        if grade == 1 and self.rng.random() < 0.3:  # turns 4 during the year, starts then
            return date(YEAR - 4, 10, 1) + timedelta(days=self.rng.randrange(272))
        first = date(YEAR - 4 - grade, 10, 1)
        return first + timedelta(days=self.rng.randrange(365))

    def pupil(self, grade: int, klass: str, sibling_chance: float = 0.25) -> Pupil:
        family = None
        if self.families and self.rng.random() < sibling_chance:
            options = [f for f in self.families if grade not in f.grades and len(f.grades) < 3]
            if options:
                family = self.rng.choice(options)
        if family is None:
            family = self.new_family()
        family.grades.add(grade)
        self.number += 1
        born = self.birth(grade)
        start = None
        if grade == 1:
            fourth = born.replace(year=born.year + 4)
            if fourth > date(YEAR, 9, 1):
                start = fourth
        return Pupil(self.number, self.first_name(), family, born, grade, klass, start)


def teachers(rng: random.Random, pool: list[str], duo: bool) -> str:
    if not duo:
        return pool.pop()
    days = rng.choice((("ma-wo", "do-vr"), ("ma, di", "wo t/m vr"), ("ma-do", "vr")))
    return f"{pool.pop()} ({days[0]}) / {pool.pop()} ({days[1]})"


def row(p: Pupil, teacher: str, new: bool) -> list[str]:
    return [
        str(p.number),
        p.first,
        p.family.infix,
        p.family.last,
        dmy(p.born),
        str(p.grade),
        p.klass,
        teacher,
        p.family.emails[0],
        p.family.emails[1],
        p.family.gezin,
        dmy(p.start),
        "ja" if new else "nee",
        str(p.family.households),
        p.traits,
    ]


def write(name: str, header: tuple[str, ...], rows: list[list[str]], *, sep: str, enc: str) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    (HERE / name).write_bytes(out.getvalue().encode(enc))


def groep5() -> None:
    school = School(5)
    teacher = "Anna de Boer (ma-wo) / Pieter Jansen (do-vr)"
    pupils = [school.pupil(5, "5A", sibling_chance=0.0) for _ in range(26)]
    twins = pupils[3].family
    twins.grades.discard(5)
    for _ in range(2):
        twin = school.pupil(5, "5A", sibling_chance=0.0)
        twin.family = twins
        twin.born = pupils[3].born
        pupils.append(twin)
    pupils[5].first, pupils[5].family.infix, pupils[5].family.last = "Zoë", "van der", "Berg"
    pupils[9].first, pupils[9].family.last, pupils[9].family.infix = "Daniëlle", "Çelik", ""
    pupils[12].first, pupils[12].family.last, pupils[12].family.infix = "Chidi", "Ngozi-Ó'Brien", ""
    pupils[20].start = date(2027, 1, 11)
    # Parents without e-mail: their invitations are printed letters (uitnodigingen).
    pupils[14].family.emails = ("", "")
    write(
        "groep5.csv",
        COLUMNS,
        [row(p, teacher, False) for p in pupils],
        sep=";",
        enc="utf-8-sig",
    )


def groep3() -> None:
    school = School(3, "cp1252")
    pupils = [school.pupil(3, "3A", sibling_chance=0.0) for _ in range(24)]
    pupils[2].first, pupils[2].family.last, pupils[2].family.infix = "Zoë", "Çelik", ""
    pupils[7].first, pupils[7].family.last, pupils[7].family.infix = "Daniëlle", "Ngozi-Ó'Brien", ""
    rows = [row(p, "Marleen Visser", True) for p in pupils]
    write("groep3.csv", ALT_COLUMNS, rows, sep=",", enc="cp1252")


def groep78() -> None:
    school = School(78, "cp1252")
    teacher = "Bas Timmermans (ma, di) / Esther Schouten (wo, do, vr)"
    pupils = [school.pupil(7 + (i % 2), "7/8", sibling_chance=0.1) for i in range(27)]
    eights = [p for p in pupils if p.grade == 8]
    eights[1].traits = "doorstroomtoets_hoger"
    eights[4].traits = "doorstroomtoets_hoger"
    eights[6].first, eights[6].family.last, eights[6].family.infix = "Noëlle", "Çelik", ""
    rows = [row(p, teacher, False) for p in pupils]
    write("groep78.csv", ALT_COLUMNS, rows, sep=",", enc="cp1252")


SCHOOL_CLASSES = (
    ("1/2A", (1, 2)),
    ("1/2B", (1, 2)),
    ("1/2C", (1, 2)),
    ("3A", (3,)),
    ("3B", (3,)),
    ("4A", (4,)),
    ("4B", (4,)),
    ("4/5", (4, 5)),
    ("5A", (5,)),
    ("6A", (6,)),
    ("6B", (6,)),
    ("7A", (7,)),
    ("7B", (7,)),
    ("7/8", (7, 8)),
    ("8A", (8,)),
    ("8B", (8,)),
)


def school_csv() -> None:
    school = School(1)
    rng = school.rng
    pool = list(TEACHERS)
    rng.shuffle(pool)
    pupils: list[Pupil] = []
    rows: list[list[str]] = []
    for index, (klass, grades) in enumerate(SCHOOL_CLASSES):
        teacher = teachers(rng, pool, duo=index % 2 == 0)
        new = rng.random() < 0.25
        size = rng.randint(22, 28)
        members = [school.pupil(grades[i % len(grades)], klass) for i in range(size)]
        if 8 in grades:
            for p in rng.sample([p for p in members if p.grade == 8], 2):
                p.traits = "doorstroomtoets_hoger"
        pupils.extend(members)
        rows.extend(row(p, teacher, new) for p in members)
    write("school.csv", COLUMNS, rows, sep=";", enc="utf-8-sig")


def socialschools() -> None:
    school = School(20)
    classes = (("1/2B", (1, 2)), ("Groep 5A", (5,)), ("8", (8,)))
    rows: list[list[str]] = []
    for klass, grades in classes:
        for i in range(7):
            p = school.pupil(grades[i % len(grades)], klass, sibling_chance=0.3)
            leerjaar = str(p.grade) if len(grades) > 1 or i % 3 == 0 else ""
            rows.append(
                [
                    p.first,
                    p.family.infix,
                    p.family.last,
                    dmy(p.born),
                    klass,
                    leerjaar,
                    p.family.emails[0],
                    p.family.emails[1],
                ]
            )
    rows[3][0], rows[3][1], rows[3][2] = "Zoë", "", "Ngozi-Ó'Brien"
    rows[10][0], rows[10][1], rows[10][2] = "Daniëlle", "", "Çelik"
    write("socialschools.csv", SOCIAL, rows, sep=";", enc="utf-8-sig")
    write(
        "klassen.csv",
        ("klas", "leerkrachten", "nieuwe leerkracht", "afwezig"),
        [
            ["1/2B", "Sandra Kok (ma, di) / Kees Blom (wo t/m vr)", "nee", ""],
            ["Groep 5A", "Karim Haddou", "ja", "12-11-2026, 13-11-2026"],
            ["8", "Wendy de Graaf (ma-do) & Tom Koster (vr)", "nee", ""],
        ],
        sep=";",
        enc="utf-8-sig",
    )


def main() -> None:
    groep5()
    groep3()
    groep78()
    school_csv()
    socialschools()


if __name__ == "__main__":
    main()

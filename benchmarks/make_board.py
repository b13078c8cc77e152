"""Write a board-sized roster: 40 schools, about 12,000 made-up pupils (seeded, reproducible).

A quarter of the families have 2 or 3 children spread over different groepen; most classes
have duo teachers with split working days; a few pupils have two households. Output under
``benchmarks/out/``: ``board.csv`` (every school), ``school.csv`` (the first school) and
``class.csv`` (one class of it). Run ``python benchmarks/make_board.py``.
"""

from __future__ import annotations

import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
HEADER = (
    "leerlingnummer;roepnaam;tussenvoegsel;achternaam;geboortedatum;groep;klas;leerkracht;"
    "e-mail ouder 1;e-mail ouder 2;gezin;startdatum;nieuwe leerkracht;huishoudens;kenmerken"
)
FIRST = [
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
]
LAST = [
    "Jansen",
    "Visser",
    "Bakker",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Kok",
    "Prins",
]
TEACHERS = [
    "Anna",
    "Bas",
    "Carla",
    "Dirk",
    "Esther",
    "Femke",
    "Gerrit",
    "Hanneke",
    "Ingrid",
    "Joost",
    "Karim",
    "Lisanne",
]
DUO_DAYS = ["(ma, di) / {} (wo t/m vr)", "(ma t/m wo) / {} (do, vr)", "(ma-do) / {} (vr)"]


def school_rows(rng: random.Random, school: int, pupils: int, next_id: list[int]) -> list[str]:
    classes = [f"S{school:02d}-{g}{s}" for g in range(1, 9) for s in "AB"]
    grade_of = {name: int(name.split("-")[1][0]) for name in classes}
    teacher_of = {}
    for name in classes:
        a, b = rng.sample(TEACHERS, 2)
        if rng.random() < 0.7:
            days = rng.choice(DUO_DAYS).format(f"{b} {rng.choice(LAST)} {name}")
            teacher_of[name] = f"{a} {rng.choice(LAST)} {name} {days}"
        else:
            teacher_of[name] = f"{a} {rng.choice(LAST)} {name}"
    rows: list[str] = []
    family = 0
    while len(rows) < pupils:
        family += 1
        size = rng.choice((2, 2, 3)) if rng.random() < 0.25 else 1
        last = rng.choice(LAST)
        picks = rng.sample(classes, size)
        for klass in picks:
            next_id[0] += 1
            grade = grade_of[klass]
            year = 2026 - 4 - grade
            households = 2 if rng.random() < 0.04 else 1
            rows.append(
                f"{next_id[0]};{rng.choice(FIRST)};;{last};{rng.randint(1, 28):02d}-"
                f"{rng.randint(1, 12):02d}-{year};{grade};{klass};{teacher_of[klass]};"
                f"ouder{school}-{family}@example.nl;;S{school}-{family};;nee;{households};"
            )
    return rows[:pupils]


def main() -> None:
    rng = random.Random(2026)
    OUT.mkdir(exist_ok=True)
    next_id = [100000]
    board: list[str] = []
    for school in range(1, 41):
        rows = school_rows(rng, school, 300, next_id)
        if school == 1:
            (OUT / "school.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
            one = [r for r in rows if ";S01-5A;" in r]
            (OUT / "class.csv").write_text("\n".join([HEADER, *one]) + "\n", encoding="utf-8")
        board.extend(rows)
    (OUT / "board.csv").write_text("\n".join([HEADER, *board]) + "\n", encoding="utf-8")
    print(f"{len(board)} leerlingen in {OUT / 'board.csv'}")


if __name__ == "__main__":
    main()

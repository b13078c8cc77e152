"""Compare the greedy scheduler with an exact optimum (OR-Tools CP-SAT) on small instances.

OR-Tools is used only here, never by the tool: ``pip install ortools`` into the venv for
the run. Objective, in order: conversations placed, then families whose siblings are back
to back. Prints per instance and the total gap. Usage: ``python benchmarks/optimum.py [N]``.
"""

from __future__ import annotations

import itertools
import random
import sys
from datetime import date

from ortools.sat.python import cp_model

from gesprekken_cli.calendar import CalendarSettings, build_calendar, parse_school_year
from gesprekken_cli.expand import Conversation
from gesprekken_cli.model import Klass, Pupil, Roster, Teacher
from gesprekken_cli.rules.model import Cycle
from gesprekken_cli.schedule import GRID, schedule

CAL = build_calendar(parse_school_year("2026-2027"), CalendarSettings(region="noord"))
DAYS = CAL.school_days(date(2026, 9, 14), date(2026, 9, 18))
END = {0: 885, 1: 885, 2: 735, 3: 885, 4: 885}
CLOSE = 17 * 60


def cycle(cap: int, pause: int, wait: int) -> Cycle:
    return Cycle.model_validate(
        {
            "school": {
                "naam": "Bench",
                "regio": "noord",
                "schooltijden": {
                    d: {"begin": "8.30", "eind": "12.15" if d == "woensdag" else "14.45"}
                    for d in ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag")
                },
                "pauze_minuten": pause,
                "max_gesprekken_per_dag": cap,
                "max_wachttijd_gezin_minuten": wait,
            },
            "gesprekken": [
                {
                    "id": "gesprek",
                    "naam": "Gesprek",
                    "groepen": "1 t/m 8",
                    "wanneer": {"maanden": ["september"]},
                    "status": "verplicht",
                    "deelnemers": ["ouders", "leerkracht"],
                }
            ],
        }
    )


def instance(rng: random.Random):
    classes = []
    for k in range(3):
        split = rng.randint(1, 4)
        classes.append(
            Klass(
                f"K{k}",
                (k + 3,),
                (
                    Teacher(f"L{k}a", frozenset(range(split))),
                    Teacher(f"L{k}b", frozenset(range(split, 5))),
                ),
            )
        )
    convs = []
    for i in range(rng.randint(10, 16)):
        k = rng.randrange(3)
        family = rng.choice([None, None, "f1", "f2", "f3"])
        first = rng.randrange(len(DAYS))
        last = min(len(DAYS) - 1, first + rng.randint(0, 2))
        pupil = Pupil(f"p{i:02d}", "K", "T", k + 3, f"K{k}", family_id=family)
        convs.append(
            Conversation(
                uid=f"gesprek.1.{pupil.pupil_id}",
                type_id="gesprek",
                type_name="Gesprek",
                round=1,
                status="verplicht",
                form="individueel",
                name="K",
                class_name=pupil.class_name,
                grade=pupil.grade,
                grades=(pupil.grade,),
                pupil_id=pupil.pupil_id,
                family_id=family,
                teachers=tuple(t.name for t in classes[k].teachers),
                participants=("ouders", "leerkracht"),
                child_present=False,
                first_day=DAYS[first],
                last_day=DAYS[last],
                duration=rng.choice([15, 20, 30]),
                day_part="na_schooltijd",
            )
        )
    c = cycle(rng.randint(2, 4), rng.choice([0, 5]), rng.choice([5, 15]))
    return c, Roster("bench", (), tuple(classes)), convs


def exact(cyc: Cycle, roster: Roster, convs: list[Conversation]) -> tuple[int, int]:
    school = cyc.school
    pause, cap, wait = (
        school.pauze_minuten,
        school.max_gesprekken_per_dag or 99,
        school.max_wachttijd_gezin_minuten,
    )
    teachers = {k.name: k.teachers for k in roster.classes}
    model = cp_model.CpModel()
    x: dict[tuple[int, date, str, int], cp_model.IntVar] = {}
    for i, c in enumerate(convs):
        for day in CAL.school_days(c.first_day, c.last_day):
            for t in teachers[c.class_name]:
                if t.works_on(day):
                    for s in range(END[day.weekday()], CLOSE - c.duration + 1, GRID):
                        x[i, day, t.name, s] = model.new_bool_var("")
        model.add_at_most_one(v for k, v in x.items() if k[0] == i)
    placed = [model.new_bool_var("") for _ in convs]
    for i in range(len(convs)):
        model.add(sum(v for k, v in x.items() if k[0] == i) == placed[i])
    by_teacher_day: dict[tuple[str, date], list[tuple[int, int, cp_model.IntVar]]] = {}
    by_family_day: dict[tuple[str, date], list[tuple[int, int, cp_model.IntVar]]] = {}
    for (i, day, t, s), v in x.items():
        c = convs[i]
        by_teacher_day.setdefault((t, day), []).append((s, s + c.duration, v))
        by_family_day.setdefault((c.family_id or c.pupil_id or "", day), []).append(
            (s, s + c.duration, v)
        )
    for items in by_teacher_day.values():
        model.add(sum(v for _, _, v in items) <= cap)
        for minute in range(600, CLOSE + pause, GRID):
            model.add_at_most_one(v for s, e, v in items if s <= minute < e + pause)
    for items in by_family_day.values():
        for minute in range(600, CLOSE, GRID):
            model.add_at_most_one(v for s, e, v in items if s <= minute < e)
    families: dict[str, list[int]] = {}
    for i, c in enumerate(convs):
        if c.family_id:
            families.setdefault(c.family_id, []).append(i)
    adjacent = []
    for members in families.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: (convs[i].grade, convs[i].pupil_id))
        adj = model.new_bool_var("")
        adjacent.append(adj)
        for i in members:
            model.add_implication(adj, placed[i])
        for a, b in itertools.pairwise(members):
            for (i, day, _, s), v in x.items():
                if i != b:
                    continue
                before = [
                    w
                    for (j, d2, _, s2), w in x.items()
                    if j == a and d2 == day and s - wait <= s2 + convs[a].duration <= s
                ]
                model.add_bool_or([*before, adj.Not(), v.Not()])
    model.maximize(1000 * sum(placed) + sum(adjacent))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    solver.parameters.num_workers = 2
    solver.solve(model)
    return int(sum(solver.value(p) for p in placed)), int(sum(solver.value(a) for a in adjacent))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rng = random.Random(7)
    totals = [0, 0, 0, 0]
    for k in range(n):
        cyc, roster, convs = instance(rng)
        result = schedule(cyc, CAL, roster, convs)
        ours = sum(1 for c in result.conversations if c.start is not None)
        ours_adj = int(str(result.quality["gezinsrondes_aansluitend"]))
        best, best_adj = exact(cyc, roster, convs)
        totals = [totals[0] + ours, totals[1] + best, totals[2] + ours_adj, totals[3] + best_adj]
        print(
            f"{k:2d}: {len(convs)} gesprekken; greedy {ours} ({ours_adj} gezinnen "
            f"aansluitend), optimum {best} ({best_adj})"
        )
    print(
        f"totaal: greedy {totals[0]} ingepland, optimum {totals[1]} "
        f"(gat {totals[1] - totals[0]}); "
        f"aansluitende gezinnen greedy {totals[2]}, optimum {totals[3]}"
    )


if __name__ == "__main__":
    main()

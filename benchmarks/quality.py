"""Plan quality on school-sized rounds: the greedy, the greedy plus the improvement step, and
an OR-Tools CP-SAT model of the same round with the same rules and the same objective.

Two instances, both generated here with a fixed seed (no personal data):

- ``school``: 296 pupils in 12 classes (four duo classes, one teacher in two classes), 55
  families with children in different classes; the November round on its four days.
- ``hard``: 32 three-child families whose three teachers share exactly one working day,
  plus classmates, in a two-day round (the sibling chains compete for that one day).

CP-SAT runs with a time limit: unless it reports OPTIMAL, its plan is an upper bound on the
optimum and the printed bound a lower one. OR-Tools is a benchmark-only extra
(``pip install -e '.[bench]'``), never a runtime dependency. Usage::

    python benchmarks/quality.py [--vanuit-plan] [SECONDS [INSTANCE ...]]  # default 60 s

CP-SAT starts from nothing (the fair comparison: the solver alone in the same time); with
``--vanuit-plan`` from the tool's plan (a hint: then it can only find a better plan).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from gesprekken_cli.calendar import CalendarSettings, build_calendar, parse_school_year
from gesprekken_cli.expand import Conversation
from gesprekken_cli.model import Klass, Pupil, Roster, Teacher
from gesprekken_cli.rules.model import Cycle
from gesprekken_cli.schedule import GRID, schedule
from gesprekken_cli.schedule.quality import idle_beyond_pause
from gesprekken_cli.schedule.windows import Context

CAL = build_calendar(parse_school_year("2026-2027"), CalendarSettings(region="noord"))
NOVEMBER = (date(2026, 11, 2), date(2026, 11, 5))  # maandag t/m donderdag
HARD = (date(2026, 11, 9), date(2026, 11, 10))


def cycle(cap: int, pause: int, wait: int, duration: int, until: str = "18.00") -> Cycle:
    return Cycle.model_validate(
        {
            "school": {
                "naam": "Bench",
                "regio": "noord",
                "schooltijden": {
                    d: {"begin": "8.30", "eind": "12.15" if d == "woensdag" else "14.45"}
                    for d in ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag")
                },
                "gesprekstijden": {"na_schooltijd": {"eind": until}},
                "pauze_minuten": pause,
                "max_gesprekken_per_dag": cap,
                "max_wachttijd_gezin_minuten": wait,
            },
            "gesprekken": [
                {
                    "id": "voortgang",
                    "naam": "Voortgangsgesprek",
                    "groepen": "1 t/m 8",
                    "wanneer": {"maanden": ["november"]},
                    "status": "verplicht",
                    "deelnemers": ["ouders", "leerkracht"],
                    "duur_minuten": duration,
                }
            ],
        }
    )


def talk(pupil: Pupil, klass: Klass, window: tuple[date, date], duration: int) -> Conversation:
    return Conversation(
        uid=f"voortgang.1.{pupil.pupil_id}",
        type_id="voortgang",
        type_name="Voortgangsgesprek",
        round=1,
        status="verplicht",
        form="individueel",
        name=pupil.display_name,
        class_name=klass.name,
        grade=pupil.grade,
        grades=(pupil.grade,),
        pupil_id=pupil.pupil_id,
        family_id=pupil.family_id,
        teachers=tuple(t.name for t in klass.teachers),
        participants=("ouders", "leerkracht"),
        child_present=False,
        first_day=window[0],
        last_day=window[1],
        duration=duration,
        day_part="na_schooltijd",
    )


def school_instance() -> tuple[Cycle, Roster, list[Conversation]]:
    rng = random.Random(17)
    classes: list[Klass] = []
    for k in range(12):
        grade = k // 2 + 3
        if k in (1, 4, 7, 10):  # duo: one teacher monday-tuesday, the other wednesday-thursday
            teachers = (Teacher(f"L{k}a", frozenset({0, 1})), Teacher(f"L{k}b", frozenset({2, 3})))
        elif k == 9:  # L2 teaches class 2 and, on thursday, class 9 too
            teachers = (Teacher(f"L{k}", frozenset({0, 1, 2})), Teacher("L2", frozenset({3})))
        else:
            teachers = (Teacher(f"L{k}"),)
        classes.append(Klass(f"K{k}", (min(8, grade),), teachers))
    sizes = [25] * 8 + [24] * 4  # 296 pupils
    pupils: list[Pupil] = []
    for k, size in enumerate(sizes):
        for i in range(size):
            pupils.append(
                Pupil(f"k{k}p{i:02d}", f"Kind{k}-{i}", "T", classes[k].grades[0], f"K{k}")
            )
    # 55 families of two or three children, each child in another class
    free = list(range(len(pupils)))
    rng.shuffle(free)
    family_of: dict[int, str] = {}
    for f in range(55):
        size = 3 if f % 5 == 0 else 2
        members: list[int] = []
        for index in list(free):
            if all(pupils[index].class_name != pupils[m].class_name for m in members):
                members.append(index)
                free.remove(index)
            if len(members) == size:
                break
        for index in members:
            family_of[index] = f"g{f:02d}"
    pupils = [p._replace(family_id=family_of.get(i)) for i, p in enumerate(pupils)]
    by_name = {k.name: k for k in classes}
    convs = [talk(p, by_name[p.class_name], NOVEMBER, 15) for p in pupils]
    return (
        cycle(cap=8, pause=5, wait=15, duration=15),
        Roster("bench", tuple(pupils), tuple(classes)),
        convs,
    )


def hard_instance() -> tuple[Cycle, Roster, list[Conversation]]:
    """Three classes per family whose teachers share one day of the two, and classmates:
    more chains want that day than its afternoon can hold back to back."""
    classes = [
        Klass("A", (3,), (Teacher("LA", frozenset({0, 1})),)),
        Klass("B", (5,), (Teacher("LB", frozenset({0})),)),
        Klass("C", (7,), (Teacher("LC", frozenset({0, 1})),)),
        Klass("D", (4,), (Teacher("LD", frozenset({1})),)),
    ]
    pupils: list[Pupil] = []
    for f in range(32):
        trio = ("A", "B", "C") if f % 2 == 0 else ("A", "D", "C")
        for j, name in enumerate(trio):
            grade = classes["ABCD".index(name)].grades[0]
            pupils.append(
                Pupil(f"f{f:02d}{j}", f"Kind{f}-{j}", "T", grade, name, family_id=f"g{f:02d}")
            )
    for name in "ABCD":
        grade = classes["ABCD".index(name)].grades[0]
        pupils.extend(Pupil(f"{name}{i:02d}", f"Kind{name}{i}", "T", grade, name) for i in range(4))
    by_name = {k.name: k for k in classes}
    convs = [talk(p, by_name[p.class_name], HARD, 10) for p in pupils]
    rules = cycle(cap=20, pause=0, wait=10, duration=10, until="17.30")
    return rules, Roster("hard", tuple(pupils), tuple(classes)), convs


def figures(quality: dict[str, object]) -> dict[str, object]:
    return {
        "placed": quality["ingepland"],
        "siblings": f"{quality['gezinsrondes_aansluitend']}/{quality['gezinsrondes']}",
        "teacher-days": quality["leerkrachtdagen"],
        "idle>pause": quality["leegloop_boven_pauze_min"],
        "waiting": quality["wachttijd_gezinnen_min"],
    }


def exact(
    cyc: Cycle,
    roster: Roster,
    convs: Sequence[Conversation],
    seconds: float,
    hint: Sequence[Conversation] = (),
):
    """CP-SAT on the round: placed > siblings back to back > teacher-days > idle beyond the
    pause > family waiting (weights keep the order lexicographic), started from ``hint``
    (the tool's plan). Returns the figures of its best plan, the solver status and the
    objective's bound, each figure of the bound unknown unless OPTIMAL."""
    from ortools.sat.python import cp_model

    ctx = Context(cyc, CAL, roster, None)
    school = cyc.school
    pause, cap, wait = (
        school.pauze_minuten,
        school.max_gesprekken_per_dag or 99,
        school.max_wachttijd_gezin_minuten,
    )
    model = cp_model.CpModel()
    x: dict[tuple[int, date, str, int], cp_model.IntVar] = {}
    holders_of: dict[tuple[int, date, str], tuple[str, ...]] = {}
    for i, c in enumerate(convs):
        for day in ctx.days(c):
            bounds = ctx.bounds(c, day)
            if bounds is None:
                continue
            lo, hi = bounds
            for holders in ctx.holders(c, day):
                key = "+".join(holders)
                holders_of[i, day, key] = holders
                for s in range(-(-lo // GRID) * GRID, hi - c.duration + 1, GRID):
                    x[i, day, key, s] = model.new_bool_var("")
    per_talk: dict[int, list[cp_model.IntVar]] = {}
    for (i, _, _, _), v in x.items():
        per_talk.setdefault(i, []).append(v)
    placed = [model.new_bool_var("") for _ in convs]
    for i in range(len(convs)):
        model.add(sum(per_talk.get(i, [])) == placed[i])
    teacher_day: dict[tuple[str, date], list[tuple[int, int, cp_model.IntVar]]] = {}
    family_day: dict[tuple[str, date], list[tuple[int, int, cp_model.IntVar]]] = {}
    for (i, day, key, s), v in x.items():
        e = s + convs[i].duration
        for t in holders_of[i, day, key]:
            teacher_day.setdefault((t, day), []).append((s, e, v))
        c = convs[i]
        family_day.setdefault((c.family_id or c.pupil_id or "", day), []).append((s, e, v))
    given = {c.uid: c for c in hint}
    on: set[int] = set()  # indices of the x the tool's plan sets: the hint
    for (i, day, key, s), v in x.items():
        c = given.get(convs[i].uid)
        if (
            c is not None
            and c.start is not None
            and c.start.date() == day
            and c.start.hour * 60 + c.start.minute == s
            and "+".join(c.teachers) == key
        ):
            on.add(v.index)
        model.add_hint(v, v.index in on)
    for i, p in enumerate(placed):
        model.add_hint(p, any(v.index in on for v in per_talk.get(i, [])))
    used, idle = [], []
    limit, rest = school.max_zonder_pauze, school.lange_pauze_minuten
    for items in teacher_day.values():
        intervals = [
            model.new_optional_fixed_size_interval_var(s, e - s + pause, v, "") for s, e, v in items
        ]
        model.add_no_overlap(intervals)
        count = sum(v for _, _, v in items)
        model.add(count <= cap)
        u = model.new_bool_var("")
        used.append(u)
        for _, _, v in items:
            model.add_implication(v, u)
        lo = min(s for s, _, _ in items)
        hi = max(e for _, e, _ in items)
        first, last = model.new_int_var(lo, hi, ""), model.new_int_var(lo, hi, "")
        for s, e, v in items:
            model.add(first <= s).only_enforce_if(v)
            model.add(last >= e).only_enforce_if(v)
        mine = [(s, e) for s, e, v in items if v.index in on]
        mine.sort()
        breaks = long_breaks(model, items, mine, u, (limit, rest, pause, cap))
        busy = sum((e - s + pause) * v for s, e, v in items)
        gap = model.new_int_var(0, hi - lo + pause, "")
        # idle beyond the pause = span + pause - (durations + pauses) - the long breaks
        # beyond their pause, when the day is used
        model.add(
            gap
            >= last - first + pause - busy - (rest + pause) * breaks - (hi - lo + pause) * (1 - u)
        )
        idle.append(gap)
        model.add_hint(u, bool(mine))
        model.add_hint(first, min((s for s, _ in mine), default=lo))
        model.add_hint(last, max((e for _, e in mine), default=lo))
        model.add_hint(gap, idle_beyond_pause(mine, pause, limit, rest))
    for items in family_day.values():
        if len(items) > 1:
            model.add_no_overlap(
                [model.new_optional_fixed_size_interval_var(s, e - s, v, "") for s, e, v in items]
            )
    starts: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    days_of: dict[int, list[tuple[int, cp_model.IntVar]]] = {}
    first_day = CAL.year.first_date.toordinal()
    for (i, day, _, s), v in x.items():
        starts.setdefault(i, []).append((s, v))
        days_of.setdefault(i, []).append((day.toordinal() - first_day, v))
    start = {i: sum(s * v for s, v in starts.get(i, [])) for i in range(len(convs))}
    day_of = {i: sum(d * v for d, v in days_of.get(i, [])) for i in range(len(convs))}
    families: dict[str, list[int]] = {}
    for i, c in enumerate(convs):
        if c.family_id:
            families.setdefault(c.family_id, []).append(i)
    together, waiting = [], []
    for members in families.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: (convs[i].grade or 0, convs[i].pupil_id or "", convs[i].uid))
        b = model.new_bool_var("")
        together.append(b)
        for i in members:
            model.add_implication(b, placed[i])
        planned = [given.get(convs[i].uid) for i in members]
        gaps: list[int] = []
        ok = all(c is not None and c.start is not None for c in planned)
        for a, c in pairwise(members):
            model.add(day_of[a] == day_of[c]).only_enforce_if(b)
            model.add(start[c] >= start[a] + convs[a].duration).only_enforce_if(b)
            model.add(start[c] <= start[a] + convs[a].duration + wait).only_enforce_if(b)
            w = model.new_int_var(0, wait, "")
            model.add(w >= start[c] - start[a] - convs[a].duration).only_enforce_if(b)
            waiting.append(w)
            pa, pc = given.get(convs[a].uid), given.get(convs[c].uid)
            if ok and pa is not None and pc is not None and pa.end and pc.start:
                gap_min = int((pc.start - pa.end).total_seconds() // 60)
                ok = ok and pa.start.date() == pc.start.date() and 0 <= gap_min <= wait
                gaps.append(gap_min)
        model.add_hint(b, ok)
        for w, gap_min in zip(waiting[len(waiting) - len(members) + 1 :], gaps, strict=False):
            model.add_hint(w, gap_min if ok else 0)
    n = len(convs)
    w_wait = 1
    w_idle = w_wait * (wait * n + 1)
    w_days = w_idle * (len(teacher_day) * 600 + 1)
    w_sib = w_days * (len(teacher_day) + 1)
    w_placed = w_sib * (len(together) + 1)
    model.minimize(
        -w_placed * sum(placed)
        - w_sib * sum(together)
        + w_days * sum(used)
        + w_idle * sum(idle)
        + w_wait * sum(waiting)
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    name = solver.status_name(status)
    low = solver.best_objective_bound
    # what the bound proves: every later term weighs less than one family round
    most_placed = min(len(convs), int((-low + w_sib) // w_placed))
    most_together = min(len(together), int((-low + w_sib - w_placed * most_placed) // w_sib))
    bound = f"ten hoogste {most_placed} ingepland, dan ten hoogste {most_together} gezinnen"
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, name, "geen (niets gevonden binnen de tijd)"
    got = {
        "placed": int(sum(solver.value(p) for p in placed)),
        "siblings": f"{int(sum(solver.value(b) for b in together))}/{len(together)}",
        "teacher-days": int(sum(solver.value(u) for u in used)),
        "idle>pause": int(sum(solver.value(g) for g in idle)),
        "waiting": int(sum(solver.value(w) for w in waiting)),
    }
    return got, name, bound


def long_breaks(model, items, mine, used, rules: tuple[int, int, int, int]):
    """The tool's long break on one teacher-day (:class:`Books`): after talk ``limit``,
    ``2 * limit``, ... in time order, the next starts no sooner than the pause, ``rest`` and
    the pause again. Returns the count of long breaks between talks (for the idle time)."""
    limit, rest, pause, cap = rules
    count = sum(v for _, _, v in items)
    breaks = model.new_int_var(0, cap // limit, "")
    model.add(limit * breaks <= count - 1).only_enforce_if(used)
    model.add(breaks == 0).only_enforce_if(~used)
    model.add_hint(breaks, max(0, (len(mine) - 1) // limit))
    if cap <= limit:  # no talk after the last one a break would follow
        return breaks
    at: dict[int, list] = {}
    for s, e, v in items:
        at.setdefault(s, []).append((e, v))
    times = sorted(at)
    starts = {}  # a talk starts at this time
    for t in times:
        y = model.new_bool_var("")
        model.add(sum(v for _, v in at[t]) == y)
        starts[t] = y
    before = 0  # talks starting no later than t
    mine_starts = [s for s, _ in mine]
    for t in times:
        before = before + starts[t]
        for k in range(1, cap // limit + 1):
            if k * limit >= cap:
                break
            nth = model.new_bool_var("")
            model.add(before == k * limit).only_enforce_if(nth)
            model.add(before != k * limit).only_enforce_if(~nth)
            model.add_hint(nth, sum(1 for s in mine_starts if s <= t) == k * limit)
            for e, v in at[t]:
                window = [starts[a] for a in times if e <= a < e + 2 * pause + rest]
                if window:
                    model.add(sum(window) == 0).only_enforce_if([v, nth])
    return breaks


INSTANCES = (("school", school_instance), ("hard", hard_instance))


def _seconds(text: str) -> bool:
    try:
        return float(text) >= 0
    except ValueError:
        return text == "--vanuit-plan"


def main() -> None:
    args = sys.argv[1:]
    if {"-h", "--help"} & set(args) or (args and not _seconds(args[0])):
        sys.exit(
            "gebruik: python benchmarks/quality.py [SECONDEN [school|hard ...]] [--vanuit-plan]\n"
            "  SECONDEN: tijdslimiet van CP-SAT per instantie (standaard 60; 0 = alleen de tool)"
        )
    hinted = "--vanuit-plan" in args  # CP-SAT starts from the tool's plan
    args = [a for a in args if a != "--vanuit-plan"]
    seconds = float(args[0]) if args else 60.0
    only = args[1:]  # instance names, default all
    try:
        import ortools  # noqa: F401
    except ImportError:
        seconds = 0  # the tool's own figures only
        print("OR-Tools ontbreekt: geen CP-SAT (pip install -e '.[bench]' voor de vergelijking)")
    for name, make in INSTANCES:
        if only and name not in only:
            continue
        cyc, roster, convs = make()
        print(f"== {name}: {len(roster.pupils)} leerlingen, {len(convs)} gesprekken")
        for label, improve in (("greedy", False), ("verbeterd", True)):
            started = time.process_time()
            result = schedule(cyc, CAL, roster, convs, improve=improve)
            took = time.process_time() - started
            print(f"  {label:9s} {figures(dict(result.quality))}  ({took:.2f} s CPU)")
        if not seconds:
            continue
        started = time.perf_counter()
        hint = result.conversations if hinted else ()
        got, status, bound = exact(cyc, roster, convs, seconds, hint)
        took = time.perf_counter() - started
        kind = "optimum" if status == "OPTIMAL" else "bovengrens (tijdslimiet)"
        start = "vanuit het plan van de tool" if hinted else "zonder startplan"
        print(f"  CP-SAT    {got}  status {status}, {kind}, {start}; grens: {bound} ({took:.0f} s)")


if __name__ == "__main__":
    main()

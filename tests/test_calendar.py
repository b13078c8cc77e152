"""The school calendar: REFERENCE.md §1 pinned as dates, the shipped data, the week counting."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gesprekken_cli.calendar import (
    REGIONS,
    CalendarSettings,
    DayOff,
    SchoolCalendar,
    SchoolYear,
    StudyDay,
    build_calendar,
    current_school_year,
    parse_school_year,
)
from gesprekken_cli.data import vakanties
from gesprekken_cli.errors import CalendarError

D = date

# REFERENCE.md §1.1-1.3: (herfst, kerst, voorjaar, mei, zomer) per region, Sat-Sun inclusive.
REFERENCE_VACATIONS: dict[int, dict[str, list[tuple[date, date]]]] = {
    2025: {
        "noord": [
            (D(2025, 10, 18), D(2025, 10, 26)),
            (D(2025, 12, 20), D(2026, 1, 4)),
            (D(2026, 2, 21), D(2026, 3, 1)),
            (D(2026, 4, 25), D(2026, 5, 3)),
            (D(2026, 7, 4), D(2026, 8, 16)),
        ],
        "midden": [
            (D(2025, 10, 18), D(2025, 10, 26)),
            (D(2025, 12, 20), D(2026, 1, 4)),
            (D(2026, 2, 14), D(2026, 2, 22)),
            (D(2026, 4, 25), D(2026, 5, 3)),
            (D(2026, 7, 18), D(2026, 8, 30)),
        ],
        "zuid": [
            (D(2025, 10, 11), D(2025, 10, 19)),
            (D(2025, 12, 20), D(2026, 1, 4)),
            (D(2026, 2, 14), D(2026, 2, 22)),
            (D(2026, 4, 25), D(2026, 5, 3)),
            (D(2026, 7, 11), D(2026, 8, 23)),
        ],
    },
    2026: {
        "noord": [
            (D(2026, 10, 10), D(2026, 10, 18)),
            (D(2026, 12, 19), D(2027, 1, 3)),
            (D(2027, 2, 20), D(2027, 2, 28)),
            (D(2027, 4, 24), D(2027, 5, 2)),
            (D(2027, 7, 10), D(2027, 8, 22)),
        ],
        "midden": [
            (D(2026, 10, 17), D(2026, 10, 25)),
            (D(2026, 12, 19), D(2027, 1, 3)),
            (D(2027, 2, 20), D(2027, 2, 28)),
            (D(2027, 4, 24), D(2027, 5, 2)),
            (D(2027, 7, 17), D(2027, 8, 29)),
        ],
        "zuid": [
            (D(2026, 10, 17), D(2026, 10, 25)),
            (D(2026, 12, 19), D(2027, 1, 3)),
            (D(2027, 2, 13), D(2027, 2, 21)),
            (D(2027, 4, 24), D(2027, 5, 2)),
            (D(2027, 7, 24), D(2027, 9, 5)),
        ],
    },
    2027: {
        "noord": [
            (D(2027, 10, 16), D(2027, 10, 24)),
            (D(2027, 12, 25), D(2028, 1, 9)),
            (D(2028, 2, 19), D(2028, 2, 27)),
            (D(2028, 4, 29), D(2028, 5, 7)),
            (D(2028, 7, 15), D(2028, 8, 27)),
        ],
        "midden": [
            (D(2027, 10, 16), D(2027, 10, 24)),
            (D(2027, 12, 25), D(2028, 1, 9)),
            (D(2028, 2, 26), D(2028, 3, 5)),
            (D(2028, 4, 29), D(2028, 5, 7)),
            (D(2028, 7, 8), D(2028, 8, 20)),
        ],
        "zuid": [
            (D(2027, 10, 23), D(2027, 10, 31)),
            (D(2027, 12, 25), D(2028, 1, 9)),
            (D(2028, 2, 26), D(2028, 3, 5)),
            (D(2028, 4, 29), D(2028, 5, 7)),
            (D(2028, 7, 22), D(2028, 9, 3)),
        ],
    },
}
VACATION_NAMES = ["Herfstvakantie", "Kerstvakantie", "Voorjaarsvakantie", "Meivakantie"]
VACATION_NAMES.append("Zomervakantie")

# REFERENCE.md §1.5: public holidays in school time (Bevrijdingsdag only as a setting).
REFERENCE_HOLIDAYS: dict[int, dict[str, date]] = {
    2025: {
        "Goede vrijdag": D(2026, 4, 3),
        "Eerste paasdag": D(2026, 4, 5),
        "Tweede paasdag": D(2026, 4, 6),
        "Koningsdag": D(2026, 4, 27),
        "Hemelvaartsdag": D(2026, 5, 14),
        "Eerste pinksterdag": D(2026, 5, 24),
        "Tweede pinksterdag": D(2026, 5, 25),
    },
    2026: {
        "Goede vrijdag": D(2027, 3, 26),
        "Eerste paasdag": D(2027, 3, 28),
        "Tweede paasdag": D(2027, 3, 29),
        "Koningsdag": D(2027, 4, 27),
        "Hemelvaartsdag": D(2027, 5, 6),
        "Eerste pinksterdag": D(2027, 5, 16),
        "Tweede pinksterdag": D(2027, 5, 17),
    },
    2027: {
        "Goede vrijdag": D(2028, 4, 14),
        "Eerste paasdag": D(2028, 4, 16),
        "Tweede paasdag": D(2028, 4, 17),
        "Koningsdag": D(2028, 4, 27),
        "Hemelvaartsdag": D(2028, 5, 25),
        "Eerste pinksterdag": D(2028, 6, 4),
        "Tweede pinksterdag": D(2028, 6, 5),
    },
}
REFERENCE_LIBERATION = {2025: D(2026, 5, 5), 2026: D(2027, 5, 5), 2027: D(2028, 5, 5)}


def calendar(start_year: int = 2026, region: str = "midden", **settings: Any) -> SchoolCalendar:
    return build_calendar(SchoolYear(start_year), CalendarSettings(region, **settings))


def vacations(start_year: int, region: str) -> list[tuple[str, date, date]]:
    cal = calendar(start_year, region)
    return [(d.name, d.start, d.end) for d in cal.days_off if d.kind == "vakantie"]


@pytest.mark.parametrize("start_year", sorted(REFERENCE_VACATIONS))
@pytest.mark.parametrize("region", REGIONS)
def test_vacations_match_reference_tables(start_year: int, region: str) -> None:
    expected = [
        (name, start, end)
        for name, (start, end) in zip(
            VACATION_NAMES, REFERENCE_VACATIONS[start_year][region], strict=True
        )
    ]
    assert vacations(start_year, region) == expected


@pytest.mark.parametrize("start_year", sorted(REFERENCE_HOLIDAYS))
def test_public_holidays_match_reference_table(start_year: int) -> None:
    cal = calendar(start_year)
    found = {d.name: d.start for d in cal.days_off if d.kind == "feestdag"}
    for name, day in REFERENCE_HOLIDAYS[start_year].items():
        assert found[name] == day
        assert cal.day_off_name(day) is not None
    assert "Bevrijdingsdag" not in found
    data = vakanties.load_year(start_year)
    assert data is not None and data.liberation_day == REFERENCE_LIBERATION[start_year]


def test_vacation_ranges_run_saturday_to_sunday() -> None:
    for start_year in range(vakanties.FIRST_SHIPPED, vakanties.LAST_SHIPPED + 1):
        for region in REGIONS:
            for name, start, end in vacations(start_year, region):
                assert (start.weekday(), end.weekday()) == (5, 6), (start_year, region, name)


@pytest.mark.parametrize(
    ("region", "first", "last"),
    [
        ("noord", D(2026, 8, 17), D(2027, 7, 9)),
        ("midden", D(2026, 8, 31), D(2027, 7, 16)),
        ("zuid", D(2026, 8, 24), D(2027, 7, 23)),
    ],
)
def test_first_and_last_school_day_2026_2027(region: str, first: date, last: date) -> None:
    cal = calendar(2026, region)
    assert (cal.first_day, cal.last_day) == (first, last)
    assert (first.weekday(), last.weekday()) == (0, 4)
    assert cal.is_school_day(first) and cal.is_school_day(last)
    assert not cal.is_school_day(first - timedelta(days=3))
    assert not cal.is_school_day(last + timedelta(days=3))
    assert cal.school_days()[0] == first and cal.school_days()[-1] == last


def test_koningsdag_2028_is_a_day_off_in_school_time() -> None:
    cal = calendar(2027, "noord")
    koningsdag = D(2028, 4, 27)
    assert koningsdag.weekday() == 3
    assert cal.is_school_day(D(2028, 4, 26))
    assert not cal.is_school_day(koningsdag)
    assert cal.day_off_name(koningsdag) == "Koningsdag"
    assert cal.is_school_day(D(2028, 4, 28))


def test_holiday_inside_a_vacation_is_named_for_the_vacation() -> None:
    assert calendar(2026).day_off_name(D(2027, 4, 27)) == "Meivakantie"
    assert calendar(2026).day_off_name(D(2027, 3, 29)) == "Tweede paasdag"
    assert calendar(2026).day_off_name(D(2027, 3, 30)) is None


def test_own_autumn_vacation_replaces_the_advisory_one() -> None:
    cal = calendar(2026, "midden", autumn=(D(2026, 10, 10), D(2026, 10, 18)))
    assert cal.is_school_day(D(2026, 10, 19))
    assert not cal.is_school_day(D(2026, 10, 12))
    assert cal.day_off_name(D(2026, 10, 12)) == "Herfstvakantie"
    assert [d.start for d in cal.days_off if d.name == "Herfstvakantie"] == [D(2026, 10, 10)]


def test_own_spring_vacation_replaces_the_advisory_one() -> None:
    cal = calendar(2026, "zuid", spring=(D(2027, 2, 6), D(2027, 2, 14)))
    assert cal.is_school_day(D(2027, 2, 15))
    assert not cal.is_school_day(D(2027, 2, 8))


def test_extra_days_off_and_liberation_day_setting() -> None:
    liberation = D(2027, 5, 5)
    assert calendar(2026).is_school_day(liberation)
    friday_after_ascension = DayOff(D(2027, 5, 7), D(2027, 5, 7), "Vrijdag na Hemelvaart", "vrij")
    cal = calendar(2026, liberation_day_off=True, days_off=(friday_after_ascension,))
    assert not cal.is_school_day(liberation)
    assert cal.day_off_name(liberation) == "Bevrijdingsdag"
    assert not cal.is_school_day(D(2027, 5, 7))
    assert cal.day_off_name(D(2027, 5, 7)) == "Vrijdag na Hemelvaart"


def test_extra_meivakantie_week_2028() -> None:
    week = DayOff(D(2028, 4, 22), D(2028, 4, 30), "Meivakantie (extra week)", "vrij")
    cal = calendar(2027, "midden", days_off=(week,))
    assert cal.school_days(D(2028, 4, 20), D(2028, 5, 9)) == [
        D(2028, 4, 20),
        D(2028, 4, 21),
        D(2028, 5, 8),
        D(2028, 5, 9),
    ]


def test_liberation_day_in_a_lustrum_year_is_a_public_holiday() -> None:
    cal = calendar(2024, "midden")  # meivakantie 26 Apr - 4 May 2025; 5 May is a Monday
    assert not cal.is_school_day(D(2025, 5, 5))
    assert cal.day_off_name(D(2025, 5, 5)) == "Bevrijdingsdag"


def test_good_friday_can_be_a_school_day() -> None:
    assert not calendar(2026).is_school_day(D(2027, 3, 26))
    assert calendar(2026, good_friday_off=False).is_school_day(D(2027, 3, 26))


def test_after_school_weeks_skips_a_vacation_week() -> None:
    # Midden 2026-27 starts Mon 31 Aug; an own herfstvakantie in week 3 (14-20 Sep).
    cal = calendar(2026, "midden", autumn=(D(2026, 9, 12), D(2026, 9, 20)))
    assert cal.after_school_weeks(0) == D(2026, 8, 31)
    assert cal.after_school_weeks(2) == D(2026, 9, 21)  # the vacation week is passed over
    assert cal.after_school_weeks(3) == D(2026, 9, 28)  # not 21 Sep: that week is not taught
    assert cal.school_weeks(2, 2) == (D(2026, 9, 21), D(2026, 10, 2))
    plain = calendar(2026, "midden")
    assert plain.after_school_weeks(3) == D(2026, 9, 21)


def test_after_school_weeks_skips_the_zuid_herfstvakantie() -> None:
    cal = calendar(2025, "zuid")  # starts Mon 18 Aug 2025; herfst 11-19 Oct follows 8 weeks
    assert cal.first_day == D(2025, 8, 18)
    assert cal.after_school_weeks(7) == D(2025, 10, 6)
    assert cal.after_school_weeks(8) == D(2025, 10, 20)
    assert cal.after_school_weeks(9) == D(2025, 10, 27)


def test_week_of_only_study_days_is_no_teaching_week() -> None:
    days = tuple(
        StudyDay(f"s{i}", "Studieweek", D(2026, 9, 7) + timedelta(days=i)) for i in range(5)
    )
    cal = calendar(2026, "midden", study_days=days)
    assert cal.is_school_day(D(2026, 9, 7)) and not cal.is_lesson_day(D(2026, 9, 7))
    assert cal.school_weeks(1, 1) == (D(2026, 9, 14), D(2026, 9, 18))


def test_study_day_for_some_grades() -> None:
    okr = StudyDay("okr", "Studiedag OKR", D(2027, 1, 20), frozenset({7, 8}))
    cal = calendar(2026, study_days=(okr,))
    assert cal.study_day("okr") == okr and cal.study_day("x") is None
    assert cal.is_school_day(okr.day)
    assert not cal.is_lesson_day(okr.day, 8)
    assert cal.is_lesson_day(okr.day, 5)
    assert cal.is_lesson_day(okr.day)


def test_school_weeks_beyond_the_year_is_an_error() -> None:
    cal = calendar(2026)
    with pytest.raises(CalendarError):
        cal.after_school_weeks(cal.teaching_weeks)
    with pytest.raises(CalendarError):
        cal.school_weeks(cal.teaching_weeks - 1, 2)


def test_month_days_november() -> None:
    days = calendar(2026).month_days(11)
    assert days[0] == D(2026, 11, 2) and days[-1] == D(2026, 11, 30)
    assert len(days) == 21
    assert calendar(2026).month_days(2)[0].year == 2027


@given(
    start_year=st.integers(vakanties.FIRST_SHIPPED, vakanties.LAST_SHIPPED),
    region=st.sampled_from(REGIONS),
    month=st.integers(1, 12),
)
def test_month_days_never_contain_a_weekend_or_holiday(
    start_year: int, region: str, month: int
) -> None:
    cal = calendar(start_year, region)
    for day in cal.month_days(month):
        assert day.month == month
        assert day.weekday() < 5
        assert cal.day_off_name(day) is None
        assert cal.first_day <= day <= cal.last_day


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ({"autumn": (D(2026, 10, 25), D(2026, 10, 17))}, "herfstvakantie"),
        ({"spring": (D(2027, 8, 1), D(2027, 8, 8))}, "voorjaarsvakantie"),
        ({"days_off": (DayOff(D(2026, 8, 3), D(2026, 8, 3), "x", "vrij"),)}, "vrije_dagen[0]"),
        ({"study_days": (StudyDay("s", "S", D(2026, 12, 25)),)}, "studiedagen[0]"),
    ],
)
def test_settings_that_make_no_sense_are_rejected(settings: dict[str, object], key: str) -> None:
    with pytest.raises(CalendarError) as caught:
        calendar(2026, "midden", **settings)
    assert caught.value.exit_code == 1
    assert [p.key for p in caught.value.problems] == [key]


def test_unknown_region_and_year_are_rejected() -> None:
    with pytest.raises(CalendarError, match="regio"):
        calendar(2026, "west")
    with pytest.raises(CalendarError, match="2040-2041"):
        calendar(2040)


@pytest.mark.parametrize("text", ["2026-2027", "2026/2027", "2026-27", " 2026 - 2027 "])
def test_parse_school_year_accepts_common_spellings(text: str) -> None:
    assert parse_school_year(text) == SchoolYear(2026)
    assert SchoolYear(2026).label == "2026-2027"


@pytest.mark.parametrize("text", ["2026-2028", "abc", "2026", "2026-28", "", "2099-00x"])
def test_parse_school_year_rejects_nonsense(text: str) -> None:
    with pytest.raises(CalendarError) as caught:
        parse_school_year(text)
    assert caught.value.exit_code == 2
    assert "schooljaar" in str(caught.value)


def test_parse_school_year_across_a_century() -> None:
    assert parse_school_year("2099-00") == SchoolYear(2099)


@pytest.mark.parametrize(
    ("today", "start_year"),
    [(D(2026, 7, 31), 2025), (D(2026, 8, 1), 2026), (D(2026, 12, 31), 2026), (D(2027, 1, 1), 2026)],
)
def test_current_school_year_starts_on_1_august(today: date, start_year: int) -> None:
    assert current_school_year(today) == SchoolYear(start_year)


def test_is_school_day_outside_the_year() -> None:
    cal = calendar(2026)
    assert not cal.is_school_day(D(2020, 1, 6))
    assert cal.school_days(D(2020, 1, 1), D(2026, 9, 1)) == [D(2026, 8, 31), D(2026, 9, 1)]


def test_calendar_is_immutable() -> None:
    cal = calendar(2026)
    with pytest.raises(AttributeError):
        cal.first_day = D(2026, 9, 1)


def _has_school_category() -> bool:
    try:
        return vakanties.package_supports_school()
    except ImportError:
        return False


@pytest.mark.skipif(not _has_school_category(), reason="holidays without the 'school' category")
def test_shipped_data_equals_what_the_holidays_package_computes() -> None:
    text = resources.files("gesprekken_cli.data").joinpath(vakanties.DATA_FILE).read_text("utf-8")
    assert text.endswith("}\n")
    shipped = json.loads(text)["schooljaren"]
    assert shipped == vakanties.compute(range(vakanties.FIRST_SHIPPED, vakanties.LAST_SHIPPED + 1))
    layout = vakanties.render(shipped).splitlines()[2:]  # line 2 names the package version
    assert text.splitlines()[2:] == layout  # so regenerating gives a clean diff


@pytest.mark.skipif(not _has_school_category(), reason="holidays without the 'school' category")
def test_year_outside_the_data_falls_back_to_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vakanties, "_shipped", dict)
    cal = calendar(2026, "midden")
    assert cal.first_day == D(2026, 8, 31)
    assert vacations(2026, "midden")[-1] == ("Zomervakantie", D(2027, 7, 17), D(2027, 8, 29))

"""Dutch school vacations (regions noord/midden/zuid) and public holidays per school year.

Source: the ``holidays`` package (>= 0.109), which cites the "Regeling vaststelling
schoolvakanties" (Staatscourant) and rijksoverheid.nl. ``vakanties_nl.json`` is generated
from it by ``scripts/gen_holidays.py`` so the CLI need not import ``holidays`` (~0.2 s) for
the years it ships; ``tests/test_calendar.py`` checks the file still equals the package.
Vacation ranges run Saturday to Sunday, both included, like the Rijksoverheid tables.
"""

# No `from __future__ import annotations`: NamedTuple would compile each string annotation.
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple

REGIONS = ("noord", "midden", "zuid")
FIRST_SHIPPED, LAST_SHIPPED = 2014, 2029  # school years 2014-2015 .. 2029-2030
DATA_FILE = "vakanties_nl.json"
SUMMER = "Zomervakantie"
LIBERATION_DAY = "Bevrijdingsdag"

Raw = dict[str, Any]


# NamedTuple, not a frozen dataclass: a fifth of the cost to create on every run (issue 17)
class Vacation(NamedTuple):
    name: str
    start: date
    end: date


class Holiday(NamedTuple):
    name: str
    day: date


class RegionYear(NamedTuple):
    """The vacations of one region: the summer that opens the year, then the year's own."""

    summer_before: Vacation
    vacations: tuple[Vacation, ...]  # herfst .. the zomervakantie that closes the year


class YearData(NamedTuple):
    start_year: int
    public_holidays: tuple[Holiday, ...]  # 1 Aug .. 31 Jul, as the package's NL 'public'
    liberation_day: date  # 5 mei; a day off only where the school (or a lustrum) says so
    regions: dict[str, RegionYear]


def label(start_year: int) -> str:
    return f"{start_year}-{start_year + 1}"


def load_year(start_year: int) -> YearData | None:
    """The shipped data for one school year, or what the installed package computes.

    None when neither knows the year (the package covers calendar years 2014-2030).
    """
    raw = _shipped().get(label(start_year))
    if raw is None:
        raw = compute(range(start_year, start_year + 1)).get(label(start_year))
    return None if raw is None else _parse(start_year, raw)


@cache
def _shipped() -> dict[str, Raw]:
    from importlib import resources  # ~15 ms (pathlib, zipfile): paid when a year is built

    import orjson  # already loaded for JSON output; ~1 ms less than the json module

    data = resources.files(__package__).joinpath(DATA_FILE).read_bytes()
    years: dict[str, Raw] = orjson.loads(data)["schooljaren"]
    return years


def _vacation(raw: Raw) -> Vacation:
    return Vacation(raw["naam"], date.fromisoformat(raw["van"]), date.fromisoformat(raw["tot"]))


def _parse(start_year: int, raw: Raw) -> YearData:
    return YearData(
        start_year=start_year,
        public_holidays=tuple(
            Holiday(h["naam"], date.fromisoformat(h["datum"])) for h in raw["feestdagen"]
        ),
        liberation_day=date.fromisoformat(raw["bevrijdingsdag"]),
        regions={
            region: RegionYear(
                summer_before=_vacation(r["zomer_ervoor"]),
                vacations=tuple(_vacation(v) for v in r["vakanties"]),
            )
            for region, r in raw["regios"].items()
        },
    )


# --- computing from the `holidays` package (generator, fallback, agreement test) ---


def package_supports_school() -> bool:
    """Older ``holidays`` releases have no school category; only >= 0.109 is trusted."""
    from holidays.countries.netherlands import Netherlands

    return "school" in getattr(Netherlands, "supported_categories", ())


def _ranges(days: dict[date, str]) -> list[Raw]:
    out: list[Raw] = []
    last: date | None = None
    for day in sorted(days):
        name = days[day]
        if out and last is not None and out[-1]["naam"] == name and last + timedelta(1) == day:
            out[-1]["tot"] = day.isoformat()
        else:
            out.append({"naam": name, "van": day.isoformat(), "tot": day.isoformat()})
        last = day
    return out


def compute(years: range) -> dict[str, Raw]:
    """School years ``years`` as the installed ``holidays`` package gives them, JSON-shaped.

    A year is left out when the package lacks its summer vacations (outside 2014-2030).
    """
    if not years or not package_supports_school():
        return {}
    from holidays.utils import country_holidays

    calendar_years = range(years.start, years.stop + 1)
    public = country_holidays("NL", years=calendar_years, categories=("public",), language="nl")
    optional = country_holidays("NL", years=calendar_years, categories=("optional",), language="nl")
    per_region = {
        region: _ranges(
            dict(
                country_holidays(
                    "NL",
                    subdiv=region.capitalize(),
                    years=calendar_years,
                    categories=("school",),
                    language="nl",
                )
            )
        )
        for region in REGIONS
    }
    out: dict[str, Raw] = {}
    for year in years:
        regions: dict[str, Raw] = {}
        for region, ranges in per_region.items():
            summers = {
                v["van"][:4]: v for v in ranges if v["naam"] == SUMMER
            }  # a summer starts in July
            before, after = summers.get(str(year)), summers.get(str(year + 1))
            if before is None or after is None:
                break
            regions[region] = {
                "zomer_ervoor": before,
                "vakanties": [v for v in ranges if before["tot"] < v["van"] <= after["van"]],
            }
        else:
            first, last = date(year, 8, 1).isoformat(), date(year + 1, 7, 31).isoformat()
            liberation = [
                d for d, n in optional.items() if n == LIBERATION_DAY and d.year == year + 1
            ]
            if not liberation:
                continue
            out[label(year)] = {
                "bevrijdingsdag": liberation[0].isoformat(),
                "feestdagen": [
                    {"naam": n, "datum": d.isoformat()}
                    for d, n in sorted(public.items())
                    if first <= d.isoformat() <= last
                ],
                "regios": regions,
            }
    return out


def render(years: dict[str, Raw]) -> str:
    """The JSON text of the data file: sorted, one vacation or holiday per line, final newline."""
    import json

    from holidays.version import __version__

    lines = [
        "{",
        f'  "bron": "holidays {__version__} (NL; school, public, optional);'
        ' scripts/gen_holidays.py",',
        '  "schooljaren": {',
    ]

    def one(obj: object) -> str:
        return json.dumps(obj, ensure_ascii=False)

    for i, (name, raw) in enumerate(sorted(years.items())):
        lines.append(f"    {one(name)}: {{")
        lines.append(f'      "bevrijdingsdag": {one(raw["bevrijdingsdag"])},')
        lines.append('      "feestdagen": [')
        lines += [f"        {one(h)}," for h in raw["feestdagen"]]
        lines[-1] = lines[-1].rstrip(",")
        lines.append("      ],")
        lines.append('      "regios": {')
        for j, region in enumerate(sorted(raw["regios"])):
            r = raw["regios"][region]
            lines.append(f"        {one(region)}: {{")
            lines.append(f'          "zomer_ervoor": {one(r["zomer_ervoor"])},')
            lines.append('          "vakanties": [')
            lines += [f"            {one(v)}," for v in r["vakanties"]]
            lines[-1] = lines[-1].rstrip(",")
            lines.append("          ]")
            lines.append("        }" + ("," if j < len(raw["regios"]) - 1 else ""))
        lines.append("      }")
        lines.append("    }" + ("," if i < len(years) - 1 else ""))
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def generate() -> str:
    """The data file as the installed package would write it now."""
    return render(compute(range(FIRST_SHIPPED, LAST_SHIPPED + 1)))

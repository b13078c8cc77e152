"""Header cells as schools name them, mapped to the canonical column names.

``E-mail ouder 1``, ``Emailadres verzorger 1`` and ``email`` all mean ``email1``; a school's
own names come in through a header map (``--kolom 'Stamgroep=klas'``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from gesprekken_cli.errors import Problem, RosterError, quote

CANONICAL: tuple[str, ...] = (
    "leerlingnummer",
    "roepnaam",
    "tussenvoegsel",
    "achternaam",
    "groep",
    "klas",
    "leerkracht",
    "email1",
    "email2",
    "gezin",
    "startdatum",
    "nieuwe_leerkracht",
    "geboortedatum",
    "huishoudens",
    "kenmerken",
)


def _mail_aliases(number: str) -> tuple[str, ...]:
    return tuple(
        f"{mail} {who} {number}"
        for mail in ("email", "emailadres")
        for who in ("ouder", "verzorger", "ouder/verzorger")
    )


ALIASES: dict[str, tuple[str, ...]] = {
    "leerlingnummer": (
        "leerlingnummer",
        "leerling nummer",
        "leerlingnr",
        "id",
        "leerling id",
        "llnr",
        "lln nr",
    ),
    "roepnaam": ("roepnaam", "voornaam"),
    "tussenvoegsel": ("tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorvoegsels"),
    "achternaam": ("achternaam",),
    "groep": ("groep", "leerjaar", "jaargroep"),
    "klas": ("klas", "klasnaam", "groepsnaam", "stamgroep"),
    "leerkracht": ("leerkracht", "leerkrachten"),
    "email1": (*_mail_aliases("1"), "email", "emailadres"),
    "email2": _mail_aliases("2"),
    "gezin": ("gezin", "gezinsnummer", "gezinsid", "gezin id", "gezinscode"),
    "startdatum": ("startdatum", "instroomdatum"),
    "nieuwe_leerkracht": ("nieuwe leerkracht",),
    "geboortedatum": ("geboortedatum",),
    "huishoudens": ("huishoudens", "twee huishoudens", "gescheiden", "aantal huishoudens"),
    "kenmerken": ("kenmerken", "kenmerk"),
}

_DROP = str.maketrans("", "", "_-.")
_SPACES = re.compile(r"\s+")


def normalise_header(text: str) -> str:
    """``' E-mail_Ouder  1 '`` → ``'email ouder 1'``: lower case, ``_ - .`` dropped."""
    return _SPACES.sub(" ", text.replace("\ufeff", "").lower().translate(_DROP)).strip()


def shown(cell: str) -> str:
    """A header cell for a message: stripped, at most 80 characters of it."""
    cell = cell.strip()
    return cell if len(cell) <= 80 else cell[:80] + "…"


def header_key(text: str) -> str:
    """:func:`normalise_header` without spaces: the key names are compared on."""
    return normalise_header(text).replace(" ", "")


ALIAS_INDEX: dict[str, str] = {
    header_key(alias): canon for canon, aliases in ALIASES.items() for alias in aliases
}


def canonical(cell: str) -> str | None:
    """The canonical column a header cell names, or None."""
    return ALIAS_INDEX.get(header_key(cell))


def map_header(
    header: Sequence[str],
    source: str,
    header_map: Mapping[str, str] | None,
    header_row: int,
    warnings: list[Problem],
) -> dict[str, int]:
    """Canonical column name → index in ``header``; missing required columns raise.

    Two cells meaning one column and unknown cells are added to ``warnings``.
    """
    own: dict[str, str] = {}
    for key, canon in (header_map or {}).items():
        if canon not in CANONICAL:
            raise RosterError(
                [
                    Problem(
                        source,
                        f"kolomkoppeling {quote(key)} → {quote(canon)}: onbekende kolomnaam;"
                        f" kies uit {', '.join(CANONICAL)}",
                        code="roster.header-map",
                    )
                ]
            )
        own[header_key(key)] = canon
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        key = header_key(cell)
        if not key:
            continue
        found = own.get(key) or ALIAS_INDEX.get(key)
        if found is None:
            unknown.append(shown(cell))
        elif found in columns:
            warnings.append(
                Problem(
                    source,
                    f"kolommen {quote(header[columns[found]].strip())} en {quote(cell.strip())}"
                    f" betekenen allebei {found}; de eerste wordt gebruikt",
                    line=header_row,
                    column=index + 1,
                    key=shown(cell),
                    code="roster.duplicate-column",
                    severity="warning",
                )
            )
        else:
            columns[found] = index
    if unknown:
        warnings.append(
            Problem(
                source,
                "onbekende kolommen genegeerd: " + ", ".join(unknown),
                line=header_row,
                code="roster.unknown-columns",
                severity="warning",
            )
        )
    _require(header, columns, source, header_row)
    return columns


def _require(header: Sequence[str], columns: Mapping[str, int], source: str, row: int) -> None:
    missing = [name for name in ("roepnaam", "achternaam") if name not in columns]
    if "leerlingnummer" not in columns and "geboortedatum" not in columns:
        missing.append("leerlingnummer' of 'geboortedatum")
    if "groep" not in columns and "klas" not in columns:
        missing.append("klas' of 'groep")
    if missing:
        found = ", ".join(shown(cell) for cell in header if cell.strip()) or "(geen)"
        word = "kolom" if len(missing) == 1 else "kolommen"
        verb = "ontbreekt" if len(missing) == 1 else "ontbreken"
        names = ", ".join(f"'{name}'" for name in missing)
        raise RosterError(
            [
                Problem(
                    source,
                    f"verplichte {word} {names} {verb}; gevonden kolommen: {found}",
                    line=row,
                    code="roster.missing-column",
                )
            ]
        )

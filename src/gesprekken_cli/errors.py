"""One exception family for input a person can fix; each fault carries its location.

The CLI prints ``FILE:LINE:COL: key.path: message`` (or ``FILE:rij N, kolom X: message``
for tabular input) and exits 1 for bad input, 2 for usage and I/O faults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path


# NamedTuple, not a frozen dataclass: a fifth of the cost to create on every run (issue 17)
class Problem(NamedTuple):
    """One fault (or warning) found in an input file.

    ``line`` and ``column`` are 1-based; for tabular input ``line`` is the row number the
    user sees (header = row 1) and ``column`` the column's header name in ``key``.
    ``subject`` names the pupils (leerlingnummers) a warning is about, when its position does
    not (a view of one class or person leaves out warnings about others); never printed.
    """

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    key: str = ""
    code: str = ""
    severity: str = "error"  # "error" or "warning"
    subject: tuple[str, ...] = ()

    def render(self) -> str:
        """``FILE:LINE:COL: key: waarschuwing: message [code]``; parts that are unknown left out."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = f" {self.key}:" if self.key else ""
        label = "waarschuwing: " if self.severity == "warning" else ""
        code = f" [{self.code}]" if self.code else ""
        text = f"{key} {label}{self.message}{code}"
        return f"{where}:{text}" if where else text.lstrip()


@dataclass
class GesprekkenError(Exception):
    """Base of every error caused by input the user can fix.

    ``exit_code`` is 1 for wrong content, 2 for usage or I/O faults.
    """

    problems: list[Problem] = field(default_factory=list)
    exit_code: int = 1

    def __str__(self) -> str:
        return "\n".join(p.render() for p in self.problems)


class RulesError(GesprekkenError):
    """The rules file is invalid."""


class RosterError(GesprekkenError):
    """The roster (CSV, xlsx, EDEXML) or a file beside it is invalid."""


class CalendarError(GesprekkenError):
    """The school year cannot be built (unknown year, bad dates)."""


class TemplateError(GesprekkenError):
    """The school's mail template (``--sjabloon``) cannot be read or filled in."""


class AddressError(GesprekkenError):
    """A value that should be an e-mail address (``--afzender``) is not one."""


class OutputError(GesprekkenError):
    """An output file cannot be written (exists without --force, unwritable folder)."""


def quote(value: str, limit: int = 30) -> str:
    """A value fit for a message: quoted, cut short (no more of it than needed)."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def io_error(file: str, message: str) -> GesprekkenError:
    """An I/O fault (missing, unreadable, not UTF-8): exit code 2."""
    return GesprekkenError([Problem(file=file, message=message)], exit_code=2)


_OS_REASONS = {
    "ENOSPC": "schijf vol",
    "EACCES": "geen toegang",
    "EPERM": "niet toegestaan",
    "EROFS": "alleen-lezen bestandssysteem",
    "ENOENT": "bestaat niet",
    "EISDIR": "is een map",
    "ENOTDIR": "is geen map",
    "EEXIST": "bestaat al",
    "EDQUOT": "quotum vol",
    "EPIPE": "de ontvanger is gestopt",
}


def os_reason(error: OSError) -> str:
    """A short Dutch reason for an operating-system error, e.g. ``schijf vol``."""
    import errno

    name = errno.errorcode.get(error.errno or 0, "")
    return _OS_REASONS.get(name, error.strerror or str(error))


def read_bytes(path: Path) -> bytes:
    """Read a whole file, or raise an I/O error (exit 2) with a Dutch message."""
    name = str(path)
    try:
        if path.is_dir():
            raise io_error(name, "is een map, geen bestand")
        return path.read_bytes()
    except FileNotFoundError:
        raise io_error(name, "bestand bestaat niet") from None
    except PermissionError:
        raise io_error(name, "bestand is niet leesbaar (geen toegang)") from None
    except OSError as exc:
        raise io_error(name, f"bestand is niet leesbaar ({os_reason(exc)})") from None

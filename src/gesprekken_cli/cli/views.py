"""Options that narrow a command to one person, and the progress bar, for every command.

``with_selection`` gives a command ``--leerkracht``, ``--klas``, ``--gezin``, ``--leerling``,
``--gesprek``, ``--van`` and ``--tot`` and hands it one
:class:`~gesprekken_cli.selection.Selection`; the filtering itself is core
(:mod:`gesprekken_cli.selection`). No import of ``cli`` here, so ``cli`` can use it.
"""

import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from gesprekken_cli.errors import GesprekkenError, Problem

if TYPE_CHECKING:
    from gesprekken_cli.plan import Plan
    from gesprekken_cli.selection import Selection

F = TypeVar("F", bound=Callable[..., Any])


def parse_day(option: str, text: str | None) -> date | None:
    """``15-10-2026`` or ``2026-10-15``; anything else is a usage error (exit 2)."""
    if text is None:
        return None
    for form in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    raise GesprekkenError(
        [Problem(option, f"geen datum: {text!r}; verwacht DD-MM-JJJJ, bijv. 15-10-2026")],
        exit_code=2,
    )


_METAVARS = {"--leerkracht": "NAAM", "--klas": "KLAS", "--gezin": "GEZIN", "--leerling": "NUMMER"}


def _option(name: str, text: str) -> Any:
    metavar = _METAVARS.get(name, "DATUM" if name in ("--van", "--tot") else "ID")
    option = typer.Option(name, metavar=metavar, help=text, show_default=False)
    return inspect.Parameter(
        name.lstrip("-").replace("-", "_"),
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[str | None, option],
    )


SELECTION_OPTIONS = (
    _option(
        "--leerkracht",
        "Alleen de gesprekken van deze leerkracht (hoofdletters en accenten tellen niet).",
    ),
    _option("--klas", "Alleen deze klas, bijv. 5A."),
    _option("--gezin", "Alleen dit gezin (gezinsnummer uit het rooster)."),
    _option("--leerling", "Alleen deze leerling (leerlingnummer)."),
    _option("--gesprek", "Alleen dit gesprek: id uit de regels (startgesprek) of id.ronde."),
    _option("--van", "Vanaf deze datum (DD-MM-JJJJ)."),
    _option("--tot", "Tot en met deze datum (DD-MM-JJJJ)."),
)


def with_selection(command: F) -> F:
    """Add the selection options to ``command``; it receives them as ``selection``."""
    signature = inspect.signature(command)
    kept = [p for p in signature.parameters.values() if p.name != "selection"]
    extra = SELECTION_OPTIONS

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from gesprekken_cli.selection import Selection

        values = {p.name: kwargs.pop(p.name, None) for p in extra}
        kwargs["selection"] = Selection(
            teacher=values.get("leerkracht"),
            klass=values.get("klas"),
            family=values.get("gezin"),
            pupil=values.get("leerling"),
            conversation=values.get("gesprek"),
            start=parse_day("--van", values.get("van")),
            end=parse_day("--tot", values.get("tot")),
        )
        return command(*args, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[*kept, *extra])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {
        **{k: v for k, v in command.__annotations__.items() if k != "selection"},
        **{p.name: p.annotation for p in extra},
    }
    return wrapper  # type: ignore[return-value]


def selected(plan: "Plan", selection: "Selection") -> tuple["Plan", "Selection"]:
    """The plan narrowed to ``selection``, and the selection with the plan's own spelling of
    each name (an unknown name is exit 2 with the closest ones). Warnings about pupils outside
    the selection are left out of the plan (so --strict does not count them); how many is said
    on stderr."""
    from gesprekken_cli.selection import resolve, select_plan

    if selection.everything:
        return plan, selection
    resolved = resolve(plan, selection)
    narrowed = select_plan(plan, resolved)
    hidden = len(plan.warnings) - len(narrowed.warnings)
    if hidden:  # left out, never silently: they are about pupils outside this view
        what = "1 melding" if hidden == 1 else f"{hidden} meldingen"
        sys.stderr.write(f"{what} over leerlingen buiten deze selectie niet getoond\n")
    return narrowed, resolved


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr when it is a terminal; a no-op tick otherwise."""
    if not sys.stderr.isatty() or total < 50:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        f"[bold]{label}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


def stale_warning(
    out: Path, names: list[str], counted: tuple[str, str], rest: str, code: str
) -> tuple[Problem, ...]:
    """The warning that ``names`` in ``out`` were not written this time (none without):
    ``counted`` words one and many (``{n}``), ``rest`` says why they do not belong."""
    if not names:
        return ()
    shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
    count = counted[0] if len(names) == 1 else counted[1].format(n=len(names))
    message = f"{count} {rest}: {shown}; verwijder ze als ze niet meer kloppen"
    return (Problem(str(out), message, code=code, severity="warning"),)

"""Validated rules files, kept so ``plan`` need not validate the same rules on every run.

Reading a rules file (libyaml, the pydantic model, the checks) is most of what a plan for
one class costs on start-up, and the outcome for the same bytes under the same program never
changes. After a rules file validated without errors, :func:`store` keeps the resulting
:class:`Cycle` in the user's cache folder, one file per rules file, beside the rules' exact
bytes and a fingerprint of the program (versions, and size and time of its source files).
:func:`load` returns it only when both match exactly; anything else (other bytes, another
program, a damaged, foreign or unsafe cache file, no cache folder) is a miss, and the caller
validates as before. The cache holds the rules file only, never roster data, and a cache that
cannot be read or written never fails a run.

Folder: ``$GESPREKKEN_CACHE`` (``uit`` or ``0`` turns the cache off), else
``$XDG_CACHE_HOME/gesprekken``, else ``~/.cache/gesprekken`` (``%LOCALAPPDATA%`` on Windows).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import zlib
from pathlib import Path
from typing import Any

try:  # the C unpickler itself: ``pickle.py`` around it costs ~1 ms of start-up
    from _pickle import Unpickler, UnpicklingError, dumps
except ImportError:  # pragma: no cover - not CPython
    from pickle import Unpickler, UnpicklingError, dumps

from gesprekken_cli import __version__
from gesprekken_cli.rules import Cycle

_OFF = {"", "0", "uit", "nee", "off", "no", "false"}
_FORMAT = 1
_PROTOCOL = 5
# The only classes a cached cycle may name: the rules model and the dates and times in it.
_ALLOWED = {"gesprekken_cli.rules": None, "datetime": {"date", "time"}}
# Unpickling damaged bytes can fail in many ways; each of them is just a miss.
_DAMAGED = (
    UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    KeyError,
    ImportError,
    OverflowError,
    MemoryError,
    RecursionError,
)


class _RulesUnpickler(Unpickler):
    """Rebuilds only rules-model objects: a cache file naming anything else is refused."""

    def find_class(self, module: str, name: str) -> Any:
        allowed = _ALLOWED.get(module, set())
        if module in _ALLOWED and (allowed is None or name in allowed):
            return super().find_class(module, name)
        raise UnpicklingError(f"{module}.{name} hoort niet in een regelcache")


class _PlainUnpickler(Unpickler):
    """The cache file's envelope holds strings and bytes only."""

    def find_class(self, module: str, name: str) -> Any:
        raise UnpicklingError(f"{module}.{name} hoort niet in een regelcache")


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when the cache is turned off or there is no home."""
    own = os.environ.get("GESPREKKEN_CACHE")
    if own is not None:
        return None if own.strip().lower() in _OFF else Path(own)
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else None
    )
    if base:
        return Path(base) / "gesprekken"
    try:
        return Path.home() / ".cache" / "gesprekken"
    except RuntimeError:  # no home folder to be found
        return None


def fingerprint() -> str:
    """What the validated cycle depends on besides the bytes: this program and its libraries."""
    from pydantic.version import VERSION as pydantic_version

    package = Path(__file__).parent
    sources = sorted(
        f"{entry.name}:{entry.stat().st_size}:{entry.stat().st_mtime_ns}"
        for entry in os.scandir(package)
        if entry.name.endswith(".py")
    )
    return "|".join([str(_FORMAT), __version__, sys.version, pydantic_version, *sources])


def _entry(source: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"regels-{zlib.crc32(source.encode('utf-8', 'surrogatepass')):08x}.pickle"


def _trusted(path: Path) -> bool:
    """A cache file only this user can have written (POSIX); elsewhere: the user's own folder."""
    if not hasattr(os, "getuid"):
        return True
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def load(source: str, raw: bytes) -> Cycle | None:
    """The cycle validated earlier from exactly ``raw`` by this program, else ``None``.

    ``source`` names the rules file (its absolute path); it only picks the cache file.
    """
    path = _entry(source)
    if path is None:
        return None
    try:
        if not _trusted(path):
            return None
        with path.open("rb") as handle:
            envelope = _PlainUnpickler(handle).load()
        stamp, cached_raw, body = envelope
        if stamp != fingerprint() or cached_raw != raw:
            return None
        cycle = _RulesUnpickler(io.BytesIO(body)).load()
    except (OSError, *_DAMAGED):
        return None
    return cycle if isinstance(cycle, Cycle) else None


def store(source: str, raw: bytes, cycle: Cycle) -> None:
    """Keep ``cycle`` for the next run; a folder that cannot be written is left alone."""
    path = _entry(source)
    if path is None:
        return
    body = dumps(cycle, protocol=_PROTOCOL)
    data = dumps((fingerprint(), raw, body), protocol=_PROTOCOL)
    import tempfile

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".regels-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError:
        return

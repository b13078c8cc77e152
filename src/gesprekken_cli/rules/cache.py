"""Validated rules files, kept so ``plan`` need not validate the same rules on every run.

Reading a rules file (libyaml, the pydantic model, the checks) is most of what a plan for
one class costs on start-up, and the outcome for the same bytes under the same program never
changes. After a rules file validated without errors, :func:`store` keeps the resulting
:class:`Cycle` in the user's cache folder, one file per rules file, beside a copy of the rules'
exact bytes and a fingerprint of the program that validated them (the contents of every module
and data file rules validation can use: ``rules/``, ``expand/``, ``data/`` and the top-level
modules they import; and the versions of Python, pydantic and PyYAML). :func:`load`
returns it only when both match exactly; anything else (other bytes, another program, a
damaged, foreign or unsafe cache file, no cache folder) is a miss, and the caller validates
as before. The cache holds the rules file only, never roster data, and a cache that cannot be
read or written never fails a run. The validation's warnings are kept with the cycle (plain
values, named as the run that reads them names the rules file): a warm run warns as a cold one.

A cache file is only read when this user owns it and its folder, and nobody else may write
either (POSIX; on Windows only in the default, per-user ``%LOCALAPPDATA%``). Its body must match
the keyed blake2b checksum in front of it (the key derived from the fingerprint), so a damaged
file or one from another program is a miss before anything is unpickled; the checksum guards
against damage, not an attacker (the folder checks do). Even then it can only rebuild the
rules model's own classes and dates and times: nothing else is unpickled.

Folder: ``$GESPREKKEN_CACHE`` (``uit`` or ``0`` turns the cache off), else
``$XDG_CACHE_HOME/gesprekken`` (an absolute path only, as the XDG spec says), else
``~/.cache/gesprekken`` (``%LOCALAPPDATA%`` on Windows).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import os
import stat
import sys
import zlib
from pathlib import Path
from typing import Any

from gesprekken_cli import __version__
from gesprekken_cli.errors import Problem
from gesprekken_cli.rules import model
from gesprekken_cli.rules.model import Cycle

try:  # the C unpickler itself: ``pickle.py`` around it costs ~1 ms of start-up
    from _pickle import PicklingError, Unpickler, UnpicklingError, dumps
except ImportError:  # pragma: no cover - not CPython
    from pickle import PicklingError, Unpickler, UnpicklingError, dumps

_OFF = {"", "0", "uit", "nee", "off", "no", "false"}
_FORMAT = 3
_MAGIC = b"gesprekken-regelcache-3\n"
_DIGEST = 32
_PROTOCOL = 5
# What decides the validated cycle besides the bytes, as paths inside the ``gesprekken_cli``
# package: every module of these folders (rules validation imports ``expand`` for its
# periods and ``data`` for the school holidays, whose files it reads) ...
_FOLDERS = ("rules", "expand", "data")
# ... and the top-level modules it imports. A test imports the validator, runs it over the
# shipped and the bad rules files and fails if it loaded or read a package file not covered.
_MODULES = ("__init__.py", "errors.py", "calendar.py", "model.py", "names.py")
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


def _allowed() -> frozenset[tuple[str, str]]:
    """The only globals a cached cycle may name: the rules model's classes (in
    ``rules.model``, ``rules.school`` and ``rules.base``), ``date`` and ``time``."""
    models: set[tuple[str, str]] = set()
    todo: list[type] = [model.RulesModel]
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("gesprekken_cli.rules."):
            models.add((cls.__module__, cls.__qualname__))
        todo.extend(cls.__subclasses__())
    return frozenset(models | {("datetime", "date"), ("datetime", "time")})


class _RulesUnpickler(Unpickler):
    """Rebuilds only rules-model objects: a cache file naming anything else is refused."""

    allowed = _allowed()

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self.allowed:
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
        return None if own.strip().lower() in _OFF else Path(os.path.abspath(own))
    return _default_dir()


def _default_dir() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else None
    )
    if base and os.path.isabs(base):
        return Path(base) / "gesprekken"
    try:
        return Path.home() / ".cache" / "gesprekken"
    except RuntimeError:  # no home folder to be found
        return None


def sources(package: Path) -> list[str]:
    """The package files the fingerprint covers: the named modules and every entry of the
    folders but subfolders (``__pycache__``), sorted; a dangling link is kept, so reading it
    fails and there is no fingerprint. Raises OSError when a folder cannot be listed."""
    names = list(_MODULES)
    for folder in _FOLDERS:
        with os.scandir(package / folder) as entries:
            names.extend(f"{folder}/{entry.name}" for entry in entries if not entry.is_dir())
    return sorted(names)


def fingerprint() -> str | None:
    """What the validated cycle depends on besides the bytes; ``None`` when it cannot be told.

    A checksum of the names and contents of :func:`sources` (27 files, about 236 kB) rather
    than their times, so a rebuilt or repacked install (fixed timestamps) with changed code is
    never mistaken for the old one. It detects changes; it is no protection against an
    attacker (the folder checks are).
    """
    from pydantic.version import VERSION as pydantic_version

    package = Path(__file__).parent.parent
    checksum = 0
    try:
        for name in sources(package):
            checksum = zlib.crc32(name.encode(), checksum)
            checksum = zlib.crc32((package / name).read_bytes(), checksum)
        yaml_spec = _yaml_init()
        if yaml_spec is not None:
            checksum = zlib.crc32(yaml_spec.read_bytes(), checksum)
    except OSError:  # installed as a zip, or a module that cannot be read: no cache
        return None
    return "|".join([str(_FORMAT), __version__, sys.version, pydantic_version, f"{checksum:08x}"])


def _yaml_init() -> Path | None:
    """PyYAML's ``__init__.py`` (it holds the version), found without importing yaml."""
    from importlib.util import find_spec

    spec = find_spec("yaml")
    return Path(spec.origin) if spec is not None and spec.origin else None


def _entry(source: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"regels-{zlib.crc32(source.encode('utf-8', 'surrogatepass')):08x}.pickle"


def _private(info: os.stat_result) -> bool:
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _read_trusted(path: Path) -> bytes | None:
    """The cache file's bytes if only this user can have written it and its folder, else None."""
    if not hasattr(os, "getuid"):  # Windows: only the per-user default folder is trusted
        default = _default_dir()
        if default is None or path.parent != default:
            return None
        return path.read_bytes()
    if not _private(os.stat(path.parent)):
        return None
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(handle, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or not _private(info):
            return None
        return file.read()


def _checksum(stamp: str, body: bytes) -> bytes:
    key = hashlib.blake2b(stamp.encode(), digest_size=_DIGEST, person=b"gesprekken-regel")
    return hashlib.blake2b(body, key=key.digest(), digest_size=_DIGEST).digest()


def seal(stamp: str, raw: bytes, cycle_pickle: bytes, warnings: tuple[Any, ...] = ()) -> bytes:
    """A cache file's bytes: a marker, the keyed checksum of the body, the body.

    ``warnings`` are the rules file's warnings as plain values (:func:`_plain`), so the
    envelope still holds no class at all."""
    body = dumps((stamp, raw, cycle_pickle, warnings), protocol=_PROTOCOL)
    return _MAGIC + _checksum(stamp, body) + body


def _unseal(data: bytes, stamp: str) -> bytes | None:
    """The body of an intact cache file written under ``stamp``, else None."""
    head = len(_MAGIC)
    if data[:head] != _MAGIC or len(data) < head + _DIGEST:
        return None
    body = data[head + _DIGEST :]
    return (
        body if hmac.compare_digest(data[head : head + _DIGEST], _checksum(stamp, body)) else None
    )


def _plain(warning: Problem) -> tuple[str, int | None, int | None, str, str]:
    """A rules warning without its file name (the run that reads it back names the file)."""
    return (warning.message, warning.line, warning.column, warning.key, warning.code)


def load(source: str, raw: bytes, name: str = "") -> tuple[Cycle, tuple[Problem, ...]] | None:
    """The cycle validated earlier from exactly ``raw`` by this program and that validation's
    warnings (named ``name``, the rules file as this run calls it), else ``None``.

    ``source`` names the rules file (its absolute path); it only picks the cache file.
    """
    path = _entry(source)
    if path is None:
        return None
    try:
        data = _read_trusted(path)
        expected = fingerprint()
        if data is None or expected is None:
            return None
        envelope = _unseal(data, expected)
        if envelope is None:
            return None
        stamp, cached_raw, body, plain = _PlainUnpickler(io.BytesIO(envelope)).load()
        if cached_raw != raw or stamp != expected:
            return None
        cycle = _RulesUnpickler(io.BytesIO(body)).load()
        warnings = tuple(
            Problem(name, message, line, column, key, code, "warning")
            for message, line, column, key, code in plain
        )
    except (OSError, *_DAMAGED):
        return None
    return (cycle, warnings) if isinstance(cycle, Cycle) else None


def store(source: str, raw: bytes, cycle: Cycle, warnings: tuple[Problem, ...] = ()) -> None:
    """Keep ``cycle`` and its ``warnings`` for the next run; a folder that cannot be written is
    left alone."""
    path = _entry(source)
    if path is None:
        return
    import tempfile

    try:
        stamp = fingerprint()
        if stamp is None:
            return
        data = seal(stamp, raw, dumps(cycle, protocol=_PROTOCOL), tuple(map(_plain, warnings)))
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
    except (OSError, PicklingError):
        return

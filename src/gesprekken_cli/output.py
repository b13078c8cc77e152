"""Output that is never half-written: atomic file writes, atomic folders, safe file names."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Collection, Mapping
from pathlib import Path

from gesprekken_cli.errors import OutputError, Problem, os_reason

_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}
_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def safe_filename(text: str, *, max_length: int = 80) -> str:
    """A file name from ids or names: ASCII, no separators, no ``..``, never a device name.

    ``Zoë van der Berg (5A)`` → ``zoe-van-der-berg-5a``. Callers make names unique with
    :func:`unique_names`.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    name = _UNSAFE.sub("-", ascii_text.lower()).strip("-.")
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"-{2,}", "-", name)[:max_length].strip("-.")
    if not name:
        name = "naamloos"
    if name.split(".")[0] in _RESERVED:
        name = f"_{name}"
    return name


def unique_names(stems: Mapping[str, str], suffix: str) -> dict[str, str]:
    """Map each key to ``safe_filename(stem) + suffix``, numbering collisions stably."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for key in sorted(stems):
        base = safe_filename(stems[key])
        name, counter = base + suffix, 2
        while name.lower() in used:
            name = f"{base}-{counter}{suffix}"
            counter += 1
        used.add(name.lower())
        out[key] = name
    return out


def _fail(path: Path, message: str) -> OutputError:
    return OutputError([Problem(str(path), message)], exit_code=2)


def write_atomic(path: Path, data: bytes | str, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    An existing file is replaced only with ``force``; on any failure the old file stays.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_dir() and not path.is_file():
        _write_stream(path, payload)
        return
    if path.exists() and not force:
        raise _fail(path, "bestaat al; gebruik --force om te vervangen")
    if path.is_dir():
        raise _fail(path, "is een map, geen bestand")
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise _fail(path, f"map {folder} bestaat niet")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _fail(path, f"kan niet schrijven in {folder} ({os_reason(exc)})") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise _fail(path, f"kan niet schrijven ({os_reason(exc)})") from None
    except BaseException:  # Ctrl-C or a stop signal: leave no temporary file behind
        Path(temp).unlink(missing_ok=True)
        raise


def _write_stream(path: Path, payload: bytes) -> None:
    """A device or pipe (``/dev/stdout``, ``/dev/null``, a FIFO) is written to, never replaced."""
    try:
        with path.open("wb") as stream:
            stream.write(payload)
    except OSError as exc:
        raise _fail(path, f"kan niet schrijven ({os_reason(exc)})") from None


def write_files(folder: Path, files: Mapping[str, bytes | str], *, force: bool = False) -> None:
    """Write several files into ``folder``, all or none.

    Every name must come from :func:`safe_filename`. Existing files are replaced only with
    ``force``; everything is checked before the first byte is written, then each file is
    written atomically, and files already written are restored if a later one fails.
    """
    for name in files:
        if name != Path(name).name or name in {".", ".."} or "/" in name or "\\" in name:
            raise _fail(folder / name, "onveilige bestandsnaam")
    if folder.exists() and not folder.is_dir():
        raise _fail(folder, "is geen map")
    clashes = [name for name in files if (folder / name).exists()]
    for name in clashes:
        if not (folder / name).is_file():
            raise _fail(folder / name, "is geen gewoon bestand en kan niet vervangen worden")
    if clashes and not force:
        shown = ", ".join(sorted(clashes)[:5]) + (" …" if len(clashes) > 5 else "")
        raise _fail(folder, f"bestaat al: {shown}; gebruik --force om te vervangen")
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(folder, f"kan de map niet maken ({os_reason(exc)})") from None
    backups: dict[Path, bytes | None] = {}
    try:
        for name, data in files.items():
            target = folder / name
            backups[target] = target.read_bytes() if target.exists() else None
            write_atomic(target, data, force=True)
    except BaseException:  # a write failed, Ctrl-C, or a stop signal: restore everything
        for target, old in backups.items():
            if old is None:
                target.unlink(missing_ok=True)
            else:
                write_atomic(target, old, force=True)
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def stale_files(folder: Path, written: Collection[str], suffix: str) -> list[str]:
    """Names of ``suffix`` files in ``folder`` that this run did not write (sorted)."""
    return sorted(p.name for p in folder.glob("*" + suffix) if p.name not in written)


def check_free(path: Path, *, force: bool = False) -> None:
    """Fail now, before anything is written, where :func:`write_atomic` would refuse ``path``
    for being there already (a command writing two files checks the second one first)."""
    if path.is_file() and not force:
        raise _fail(path, "bestaat al; gebruik --force om te vervangen")

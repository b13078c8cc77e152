"""Output that is never half-written and never redirected: atomic files and folders, safe names.

What a caller may rely on (issue 18):

- A symbolic link where output goes (the file, a name inside an output folder, or the output
  folder itself; dangling or not) is never followed. Without ``--force`` it counts as
  existing output (exit 2); with ``--force`` the link itself is replaced, never its target.
  Files are created with ``O_CREAT | O_EXCL | O_NOFOLLOW`` relative to an open folder.
- Created files honour the umask and are never wider than 0644 (``umask 077`` gives 0600).
- A new output folder is written as a hidden temporary sibling and renamed into place in one
  step, refusing to replace what another run put there meanwhile; an existing folder gets each
  new file as a temporary file first, and the old files are swapped out only once all new ones
  are complete, under a lock so two runs never interleave.
- SIGINT and SIGTERM (the CLI turns the latter into ``SystemExit``) are held back while files
  are swapped in or temporary files removed, so an interrupted run leaves the old output and
  no temporary file or folder.

A path under ``/dev/`` (``/dev/stdout``), a character device or a FIFO is written to, never
replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import signal
import stat
import sys
import unicodedata
from collections.abc import Iterator, Mapping
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
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM} | (
    {signal.SIGHUP} if hasattr(signal, "SIGHUP") else set()
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_FILE_MODE = 0o644
_FOLDER_MODE = 0o755
_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2


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


def _umask() -> int:
    """The process umask (read by setting a strict one for an instant: no file is created)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def file_mode(old: int | None = None) -> int:
    """The mode of a file we create: the old file's (when replacing) or 0644, within the umask."""
    return (0o666 if old is None else old) & _FILE_MODE & ~_umask()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Stop signals wait until the block ends, so a swap or a clean-up is never cut in half.

    A signal that arrived meanwhile is delivered right after the block (Python raises it then).
    """
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _lstat(path: Path | str, folder_fd: int | None = None) -> os.stat_result | None:
    try:
        return os.lstat(path, dir_fd=folder_fd)
    except FileNotFoundError:
        return None


def _open_folder(path: Path | str, shown: Path, folder_fd: int | None = None) -> int:
    """A descriptor of the folder ``path``, never through a symbolic link at its end."""
    try:
        return os.open(path, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=folder_fd)
    except FileNotFoundError:
        raise _fail(shown, f"map {shown} bestaat niet") from None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise _fail(shown, "is geen map (of een symbolische koppeling)") from None
        raise _fail(shown, f"kan de map niet openen ({os_reason(exc)})") from None


def _temp_name(name: str) -> str:
    return f".{name}.{secrets.token_hex(4)}.tmp"


def _create(folder_fd: int, name: str, payload: bytes, mode: int) -> None:
    """Create ``name`` in the folder, never through a link and never over an existing entry."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    handle = os.open(name, flags, 0o600, dir_fd=folder_fd)
    try:
        os.fchmod(handle, mode)
        view = memoryview(payload)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
    finally:
        os.close(handle)


def _unlink_quietly(name: str, folder_fd: int) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name, dir_fd=folder_fd)


def _is_stream(path: Path, info: os.stat_result) -> bool:
    """A device or FIFO is written to; so is a link the user named under ``/dev/``."""
    if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        return True
    return stat.S_ISLNK(info.st_mode) and os.path.abspath(path).startswith("/dev/")


def write_atomic(path: Path, data: bytes | str, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    An existing file or symbolic link is replaced only with ``force`` (a link itself, never
    its target); on any failure or stop signal the old file stays and no temporary file is left.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    info = _lstat(path)
    if info is not None and _is_stream(path, info):
        _write_stream(path, payload)
        return
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise _fail(path, "is een map, geen bestand")
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
            raise _fail(path, "is geen gewoon bestand en kan niet vervangen worden")
        if not force:
            what = " (een symbolische koppeling)" if stat.S_ISLNK(info.st_mode) else ""
            raise _fail(path, f"bestaat al{what}; gebruik --force om te vervangen")
    old = stat.S_IMODE(info.st_mode) if info is not None and stat.S_ISREG(info.st_mode) else None
    folder = path.parent
    folder_fd = _open_folder(folder, folder)
    temp = ""
    try:
        with _signals_held():
            temp = _temp_name(path.name)
        _create(folder_fd, temp, payload, file_mode(old))
        with _signals_held():
            os.replace(temp, path.name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
            temp = ""
    except OSError as exc:
        raise _fail(path, f"kan niet schrijven in {folder} ({os_reason(exc)})") from None
    finally:
        with _signals_held():
            if temp:
                _unlink_quietly(temp, folder_fd)
            os.close(folder_fd)


def _write_stream(path: Path, payload: bytes) -> None:
    """A device or pipe (``/dev/stdout``, ``/dev/null``, a FIFO) is written to, never replaced."""
    try:
        handle = os.open(path, os.O_WRONLY | getattr(os, "O_APPEND", 0))
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
    except OSError as exc:
        raise _fail(path, f"kan niet schrijven ({os_reason(exc)})") from None


def _payloads(files: Mapping[str, bytes | str]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for name, data in files.items():
        if name != Path(name).name or name in {"", ".", ".."} or "/" in name or "\\" in name:
            raise _fail(Path(name), "onveilige bestandsnaam")
        out[name] = data.encode("utf-8") if isinstance(data, str) else data
    return out


def write_files(folder: Path, files: Mapping[str, bytes | str], *, force: bool = False) -> None:
    """Write several files into ``folder``, all or none.

    Every name must come from :func:`safe_filename`. A new folder appears whole or not at all;
    in an existing folder, files are replaced only with ``force`` and only after every new file
    was written completely. ``folder`` being a symbolic link counts as existing output; with
    ``force`` the link is replaced by a real folder.
    """
    payloads = _payloads(files)
    info = _lstat(folder)
    if info is None:
        _write_new_folder(folder, payloads, replace_link=False)
    elif stat.S_ISLNK(info.st_mode):
        if not force:
            raise _fail(
                folder,
                "bestaat al (een symbolische koppeling); gebruik --force om de koppeling "
                "zelf te vervangen door een map",
            )
        _write_new_folder(folder, payloads, replace_link=True)
    elif stat.S_ISDIR(info.st_mode):
        _write_into_folder(folder, payloads, force=force)
    else:
        raise _fail(folder, "is geen map")


def _write_new_folder(folder: Path, payloads: Mapping[str, bytes], *, replace_link: bool) -> None:
    """Fill a hidden sibling folder, then rename it into place in one step."""
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(folder, f"kan de map niet maken ({os_reason(exc)})") from None
    parent_fd = _open_folder(parent, parent)
    temp = ""
    try:
        with _signals_held():
            temp = _temp_name(folder.name)
            os.mkdir(temp, 0o700, dir_fd=parent_fd)
        temp_fd = os.open(temp, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=parent_fd)
        try:
            mode = file_mode()
            for name, payload in payloads.items():
                _create(temp_fd, name, payload, mode)
            os.fchmod(temp_fd, _FOLDER_MODE & ~_umask())
            os.fsync(temp_fd)
        finally:
            os.close(temp_fd)
        with _signals_held():
            _rename_into_place(parent_fd, temp, folder, replace_link=replace_link)
            temp = ""
    except OSError as exc:
        raise _fail(folder, f"kan niet schrijven ({os_reason(exc)})") from None
    finally:
        with _signals_held():
            if temp:
                _remove_folder(temp, parent_fd)
            os.close(parent_fd)


def _rename_into_place(parent_fd: int, temp: str, folder: Path, *, replace_link: bool) -> None:
    """Move the finished folder to ``folder``; never over what another run put there."""
    name = folder.name
    if replace_link:
        info = _lstat(name, parent_fd)
        if info is not None and not stat.S_ISLNK(info.st_mode):
            raise _raced(folder)
        if info is not None:
            if _renameat2(parent_fd, temp, name, _RENAME_EXCHANGE):
                os.unlink(temp, dir_fd=parent_fd)  # the link, now under the temporary name
                return
            os.unlink(name, dir_fd=parent_fd)
    try:
        if not _renameat2(parent_fd, temp, name, _RENAME_NOREPLACE):
            # No renameat2 here: rename() still refuses a file, a link or a folder with files.
            if _lstat(name, parent_fd) is not None:
                raise _raced(folder)
            os.rename(temp, name, src_dir_fd=parent_fd, dst_dir_fd=parent_fd)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
            raise _raced(folder) from None
        raise


def _raced(folder: Path) -> OutputError:
    return _fail(
        folder,
        "is intussen door een ander programma gemaakt (twee runs tegelijk?); deze run heeft "
        "niets geschreven",
    )


def _renameat2(folder_fd: int, source: str, target: str, flags: int) -> bool:
    """Linux ``renameat2`` in one folder; False where the system or file system lacks it."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is None:
        return False
    text, number = ctypes.c_char_p, ctypes.c_int
    function.argtypes = [number, text, number, text, ctypes.c_uint]
    function.restype = ctypes.c_int
    if function(folder_fd, os.fsencode(source), folder_fd, os.fsencode(target), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), target)


def _remove_folder(name: str, parent_fd: int) -> None:
    """Remove a temporary folder this run made (plain files only); missing is fine."""
    try:
        folder_fd = os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=parent_fd)
    except FileNotFoundError:
        return
    try:
        for entry in os.listdir(folder_fd):
            _unlink_quietly(entry, folder_fd)
    finally:
        os.close(folder_fd)
    with contextlib.suppress(FileNotFoundError):
        os.rmdir(name, dir_fd=parent_fd)


def _write_into_folder(folder: Path, payloads: Mapping[str, bytes], *, force: bool) -> None:
    """Write every file as a temporary file first, then swap them in; all or none."""
    folder_fd = _open_folder(folder, folder)
    try:
        _lock(folder_fd, folder)
        existing: dict[str, os.stat_result] = {}
        for name in payloads:
            info = _lstat(name, folder_fd)
            if info is None:
                continue
            if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
                raise _fail(folder / name, "is geen gewoon bestand en kan niet vervangen worden")
            existing[name] = info
        if existing and not force:
            clashes = sorted(existing)
            shown = ", ".join(clashes[:5]) + (" …" if len(clashes) > 5 else "")
            raise _fail(folder, f"bestaat al: {shown}; gebruik --force om te vervangen")
        _swap_in(folder, folder_fd, payloads, existing)
    finally:
        os.close(folder_fd)  # also releases the lock


def _lock(folder_fd: int, folder: Path) -> None:
    """One run at a time writes into a folder (an advisory lock on the folder itself)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return
    try:
        fcntl.flock(folder_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise _fail(
            folder, "een andere run schrijft hier op dit moment; probeer het straks opnieuw"
        ) from None
    except OSError:  # a file system without locks: the temporary files still keep runs apart
        return


def _swap_in(
    folder: Path,
    folder_fd: int,
    payloads: Mapping[str, bytes],
    existing: Mapping[str, os.stat_result],
) -> None:
    temps: dict[str, str] = {}
    backups: dict[str, str] = {}
    done: list[str] = []
    committed = False
    try:
        for name, payload in payloads.items():
            info = existing.get(name)
            old = stat.S_IMODE(info.st_mode) if info and stat.S_ISREG(info.st_mode) else None
            with _signals_held():
                temps[name] = _temp_name(name)
            _create(folder_fd, temps[name], payload, file_mode(old))
        with _signals_held():
            try:
                for name, temp in temps.items():
                    if name in existing:
                        backups[name] = _temp_name(name)
                        os.rename(name, backups[name], src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
                    os.rename(temp, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
                    done.append(name)
                committed = True
            finally:
                if not committed:
                    _roll_back(folder_fd, done, backups)
    except OSError as exc:
        raise _fail(folder, f"kan niet schrijven ({os_reason(exc)})") from None
    finally:
        with _signals_held():
            for name, temp in temps.items():
                if name not in done:
                    _unlink_quietly(temp, folder_fd)
            if committed:
                for backup in backups.values():
                    _unlink_quietly(backup, folder_fd)


def _roll_back(folder_fd: int, done: list[str], backups: dict[str, str]) -> None:
    """Put the old files back after a failed swap; a backup that cannot go back is kept."""
    for name in done:
        _unlink_quietly(name, folder_fd)
    for name, backup in list(backups.items()):
        with contextlib.suppress(OSError):
            os.rename(backup, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    done.clear()

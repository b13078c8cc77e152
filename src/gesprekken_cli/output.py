"""Output that is never half-written and never redirected: atomic files and folders, safe names.

What a caller may rely on (issue 18): a symbolic link where output goes (the file, a name in
an output folder, the folder itself; dangling or not) is never followed: it is existing output
(exit 2), and ``--force`` replaces the link, never its target. Files honour the umask and stay
within 0644. A new folder is filled as a hidden sibling and renamed into place in one step,
never over another run's; an existing folder (locked) gets every new file complete before the
old ones are swapped out. SIGINT/SIGTERM wait while files are swapped or cleaned up, so a
stopped run leaves the old output and no temporary file. ``/dev/...``, devices and FIFOs are
written to, never replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import stat
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

from gesprekken_cli.errors import OutputError, Problem, os_reason
from gesprekken_cli.filenames import safe_filename as safe_filename  # re-exported
from gesprekken_cli.filenames import unique_names as unique_names  # re-exported
from gesprekken_cli.syscalls import RENAME_EXCHANGE, RENAME_NOREPLACE, renameat2, syncfs

_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM} | (
    {signal.SIGHUP} if hasattr(signal, "SIGHUP") else set()
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_FILE_MODE = 0o644
_FOLDER_MODE = 0o755


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


class _Folder:
    """Names inside one folder: through an open descriptor where the system has them, so
    nothing can swap the folder for a link meanwhile; by path elsewhere (Windows)."""

    def __init__(self, path: Path, parent: _Folder | None = None, *, follow: bool = False) -> None:
        """``follow``: the folder the user named to hold the output (``--out``'s parent) may
        be reached through a link; the output folder itself and our temporary one never."""
        self.path = path
        self.fd: int | None = None
        self.durable = True  # False: each file is not fsynced; the caller calls sync() once
        name = path.name if parent is not None else path
        if not _BY_DESCRIPTOR:
            info = parent.lstat(path.name) if parent is not None else _lstat_path(path)
            if follow and info is not None and stat.S_ISLNK(info.st_mode):
                info = os.stat(path)
            if info is None:
                raise _fail(path, f"map {path} bestaat niet")
            if not stat.S_ISDIR(info.st_mode):
                raise _fail(path, "is geen map (of een symbolische koppeling)")
            return
        try:
            flags = os.O_RDONLY | _DIRECTORY | (0 if follow else _NOFOLLOW)
            self.fd = os.open(name, flags, dir_fd=parent.fd if parent is not None else None)
        except FileNotFoundError:
            raise _fail(path, f"map {path} bestaat niet") from None
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise _fail(path, "is geen map (of een symbolische koppeling)") from None
            raise _fail(path, f"kan de map niet openen ({os_reason(exc)})") from None

    def at(self, name: str) -> str | Path:
        return name if self.fd is not None else self.path / name

    def lstat(self, name: str) -> os.stat_result | None:
        try:
            return os.lstat(self.at(name), dir_fd=self.fd)
        except FileNotFoundError:
            return None

    def rename(self, source: str, target: str) -> None:
        """``os.replace`` within the folder: a file or link at ``target`` is replaced."""
        os.replace(self.at(source), self.at(target), src_dir_fd=self.fd, dst_dir_fd=self.fd)

    def unlink(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.at(name), dir_fd=self.fd)

    def mkdir(self, name: str) -> None:
        os.mkdir(self.at(name), 0o700, dir_fd=self.fd)

    def rmdir(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.rmdir(self.at(name), dir_fd=self.fd)

    def names(self) -> list[str]:
        return os.listdir(self.fd if self.fd is not None else self.path)

    def finish(self, mode: int) -> None:
        """Set the folder's own mode and make its entries durable."""
        if self.fd is None:
            os.chmod(self.path, mode)
            return
        os.fchmod(self.fd, mode)
        os.fsync(self.fd)

    def sync(self, names: Collection[str]) -> None:
        """Make the files just written here durable at once, before they are renamed into
        place: one ``syncfs`` of the folder's file system (one journal commit, where an
        ``fsync`` per file costs 2–9 ms each), else ``os.sync``, else an ``fsync`` per file."""
        if self.fd is not None and syncfs(self.fd):
            return
        if hasattr(os, "sync"):  # pragma: no cover - Linux has syncfs
            os.sync()
            return
        for name in names:  # pragma: no cover - Windows
            handle = os.open(self.at(name), os.O_RDWR | getattr(os, "O_BINARY", 0))
            try:
                os.fsync(handle)
            finally:
                os.close(handle)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


_BY_DESCRIPTOR = os.open in os.supports_dir_fd and os.rename in os.supports_dir_fd


def _lstat_path(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _temp_name(name: str) -> str:
    return f".{name}.{secrets.token_hex(4)}.tmp"


def _create(folder: _Folder, name: str, payload: bytes, mode: int) -> None:
    """Create ``name`` in the folder, never through a link and never over an existing entry."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0)
    handle = os.open(
        folder.at(name), flags, 0o600 if folder.fd is not None else mode, dir_fd=folder.fd
    )
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(handle, mode)
        view = memoryview(payload)
        while view:
            view = view[os.write(handle, view) :]
        if folder.durable:
            os.fsync(handle)
    finally:
        os.close(handle)


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
    info = _lstat_path(path)
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
    folder = _Folder(path.parent, follow=True)
    temp = ""
    try:
        with _signals_held():
            temp = _temp_name(path.name)
        _create(folder, temp, payload, file_mode(old))
        with _signals_held():
            folder.rename(temp, path.name)
            temp = ""
    except OSError as exc:
        raise _fail(path, f"kan niet schrijven in {path.parent} ({os_reason(exc)})") from None
    finally:
        with _signals_held():
            if temp:
                folder.unlink(temp)
            folder.close()


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
    info = _lstat_path(folder)
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
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(folder, f"kan de map niet maken ({os_reason(exc)})") from None
    parent = _Folder(folder.parent, follow=True)
    temp = ""
    try:
        with _signals_held():
            temp = _temp_name(folder.name)
            parent.mkdir(temp)
        inside = _Folder(parent.path / temp, parent)
        try:
            mode, inside.durable = file_mode(), False
            for name, payload in payloads.items():
                _create(inside, name, payload, mode)
            inside.sync(payloads)
            inside.finish(_FOLDER_MODE & ~_umask())
        finally:
            inside.close()
        with _signals_held():
            _rename_into_place(parent, temp, folder, replace_link=replace_link)
            temp = ""
    except OSError as exc:
        raise _fail(folder, f"kan niet schrijven ({os_reason(exc)})") from None
    finally:
        with _signals_held():
            if temp:
                _remove_folder(parent, temp)
            parent.close()


def _rename_into_place(parent: _Folder, temp: str, folder: Path, *, replace_link: bool) -> None:
    """Move the finished folder to ``folder``; never over what another run put there."""
    name = folder.name
    if replace_link:
        info = parent.lstat(name)
        if info is not None and not stat.S_ISLNK(info.st_mode):
            raise _raced(folder)
        if info is not None:
            if renameat2(parent.fd, temp, name, RENAME_EXCHANGE):
                parent.unlink(temp)  # the link, now under the temporary name
                return
            parent.unlink(name)
    try:
        if not renameat2(parent.fd, temp, name, RENAME_NOREPLACE):
            # No renameat2 here: rename() still refuses a file, a link or a folder with files.
            if parent.lstat(name) is not None:
                raise _raced(folder)
            os.rename(parent.at(temp), parent.at(name), src_dir_fd=parent.fd, dst_dir_fd=parent.fd)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
            raise _raced(folder) from None
        raise


def _raced(folder: Path) -> OutputError:
    return _fail(folder, "is intussen door een andere run gemaakt; deze run schreef niets")


def _remove_folder(parent: _Folder, name: str) -> None:
    """Remove a temporary folder this run made (plain files only); missing is fine."""
    try:
        inside = _Folder(parent.path / name, parent)
    except OutputError:
        return
    try:
        for entry in inside.names():
            inside.unlink(entry)
    finally:
        inside.close()
    parent.rmdir(name)


def _write_into_folder(path: Path, payloads: Mapping[str, bytes], *, force: bool) -> None:
    """Write every file as a temporary file first, then swap them in; all or none."""
    folder = _Folder(path)
    try:
        _lock(folder)
        existing: dict[str, os.stat_result] = {}
        for name in payloads:
            info = folder.lstat(name)
            if info is None:
                continue
            if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
                raise _fail(path / name, "is geen gewoon bestand en kan niet vervangen worden")
            existing[name] = info
        if existing and not force:
            clashes = sorted(existing)
            shown = ", ".join(clashes[:5]) + (" …" if len(clashes) > 5 else "")
            raise _fail(path, f"bestaat al: {shown}; gebruik --force om te vervangen")
        _swap_in(folder, payloads, existing)
    finally:
        folder.close()  # also releases the lock


def _lock(folder: _Folder) -> None:
    """One run at a time writes into a folder (an advisory lock on the folder itself)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return
    if folder.fd is None:  # pragma: no cover - no descriptors, no lock
        return
    try:
        fcntl.flock(folder.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise _fail(
            folder.path, "een andere run schrijft hier op dit moment; probeer het straks opnieuw"
        ) from None
    except OSError:  # a file system without locks: the temporary files still keep runs apart
        return


def _swap_in(
    folder: _Folder, payloads: Mapping[str, bytes], existing: Mapping[str, os.stat_result]
) -> None:
    """Every new file complete in a hidden stage folder inside the output folder (one sync),
    then each swapped in by one exchange of names (the old file lands in the stage as the
    backup until all are in), else two renames. A new folder on purpose: ext4 gives its files
    inodes away from the ones the previous run removed, whose "recently deleted" check made
    each creation ~10x slower (benchmarks/README.md)."""
    mask, token, spare = _umask(), secrets.token_hex(4), secrets.token_hex(4)
    stage_name = f".{token}.tmp"
    fresh = {name: f".{name}.{token}.tmp" for name in payloads}
    backups: dict[str, str] = {}
    done: dict[str, None] = {}
    committed, stage = False, None
    try:
        with _signals_held():
            folder.mkdir(stage_name)
        stage = _Folder(folder.path / stage_name, folder)
        stage.durable = False
        for name, payload in payloads.items():
            info = existing.get(name)
            old = stat.S_IMODE(info.st_mode) if info and stat.S_ISREG(info.st_mode) else 0o666
            _create(stage, fresh[name], payload, old & _FILE_MODE & ~mask)
        stage.sync(list(fresh.values()))
        with _signals_held():
            try:
                for name, temp in fresh.items():
                    if name not in existing:
                        _move(stage, temp, folder, name)
                    elif renameat2(stage.fd, temp, name, RENAME_EXCHANGE, folder.fd):
                        backups[name] = temp  # the old file, now in the stage
                    else:
                        backups[name] = f".{name}.{spare}.tmp"
                        _move(folder, name, stage, backups[name])
                        _move(stage, temp, folder, name)
                    done[name] = None
                committed = True
            finally:
                if not committed:
                    _roll_back(folder, stage, done, backups)
    except OSError as exc:
        raise _fail(folder.path, f"kan niet schrijven ({os_reason(exc)})") from None
    finally:
        if stage is not None:
            with _signals_held():
                kept = set(backups.values())  # old files that could not go back (a failure)
                _unlink_all(stage, [n for n in stage.names() if committed or n not in kept])
                stage.close()
                if committed or not kept:
                    folder.rmdir(stage_name)


def _move(source: _Folder, name: str, target: _Folder, new: str) -> None:
    os.replace(source.at(name), target.at(new), src_dir_fd=source.fd, dst_dir_fd=target.fd)


def _unlink_all(folder: _Folder, names: list[str]) -> None:
    """Remove the old files, eight threads at a time when there are many. On a journalling
    file system that discards freed blocks, one removal can wait for a journal commit: the
    board's 11,000 old calendars took 30 s one by one on this disk, under a second eight at a
    time, as one commit takes them together. (Creating files this way was slower: they queue
    on the folder.) The first error stops the rest and is raised; nothing is left running."""
    if len(names) < 64 or folder.fd is None:
        for name in names:
            folder.unlink(name)
        return
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(8)
    try:
        for _ in pool.map(folder.unlink, names, chunksize=32):
            pass
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _roll_back(
    folder: _Folder, stage: _Folder, done: dict[str, None], backups: dict[str, str]
) -> None:
    """Put the old files back after a failed swap; a backup that cannot go back is kept."""
    for name in done:
        if name not in backups:
            folder.unlink(name)
    for name, backup in list(backups.items()):
        with contextlib.suppress(OSError):
            _move(stage, backup, folder, name)
            del backups[name]
    done.clear()


def stale_files(folder: Path, written: Collection[str], *suffixes: str) -> list[str]:
    """Names of files in ``folder`` ending in one of ``suffixes`` that this run did not write
    (sorted)."""
    return sorted(p.name for s in suffixes for p in folder.glob("*" + s) if p.name not in written)


def check_free(path: Path, *, force: bool = False) -> None:
    """Fail now, before anything is written, where :func:`write_atomic` would refuse ``path``
    for being there already (a command writing two files checks the second one first)."""
    info = _lstat_path(path)
    if info is None or force or _is_stream(path, info):
        return
    if stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode):
        raise _fail(path, "bestaat al; gebruik --force om te vervangen")

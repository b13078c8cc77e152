"""Two Linux system calls the output layer uses where they exist, through ``ctypes``.

``syncfs`` makes a whole set of new files durable in one journal commit; ``renameat2`` moves
a folder into place without replacing another run's (``RENAME_NOREPLACE``) and swaps a new
file with the old one in one step (``RENAME_EXCHANGE``). Both answer False where the system
lacks them, so the caller falls back to the portable way.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from typing import Any

RENAME_NOREPLACE, RENAME_EXCHANGE = 1, 2


def syncfs(fd: int) -> bool:
    """Linux ``syncfs``: flush the file system holding ``fd``; False where it is missing."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    function = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    if function is None:
        return False
    if function(ctypes.c_int(fd)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return True


@functools.cache
def _renameat2_function() -> Any:
    """The C library's ``renameat2`` (looked up once a run), or None off Linux."""
    import ctypes

    if not sys.platform.startswith("linux"):
        return None
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is not None:
        text, number = ctypes.c_char_p, ctypes.c_int
        function.argtypes = [number, text, number, text, ctypes.c_uint]
        function.restype = ctypes.c_int
    return function


def renameat2(
    folder: int | None, source: str, target: str, flags: int, into: int | None = None
) -> bool:
    """Linux ``renameat2``: ``source`` in the folder open as ``folder`` to ``target`` in
    ``into`` (the same folder by default); False where the system or the file system lacks it
    (the caller then renames the portable way)."""
    into = folder if into is None else into
    function = _renameat2_function() if folder is not None else None
    if function is None:
        return False
    if function(folder, os.fsencode(source), into, os.fsencode(target), flags) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), target)

"""Independent pieces of work on the machine's second core: one forked helper process.

Rendering the board's 28,000 invitations or 11,000 calendars is the same pure function over a
long list, each piece on its own. :func:`split_map` can give the second half of the list to a
forked copy of this process (which has the plan already, no start-up and nothing to send but
the results); the results come back through a pipe in order, so the output is the same bytes
as in one process. An error in the helper is raised here, after the first half's own errors,
as one process would have met them.

Off by default: measured on the shared 2-core machine (benchmarks/README.md), the fork's
copy-on-write faults cost both processes much of the half they save (the board's ``ics`` on
tmpfs +25-40% wall; ``uitnodigingen`` on disk -6% wall for +17% CPU), so
``GESPREKKEN_PROCESSEN=2`` asks for it (Linux with ``fork`` and two cores); anything else is
one process.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MINIMUM = 2_000  # fewer pieces than this: a fork is not worth its ~20 ms


def processes() -> int:
    """How many processes :func:`split_map` may use: 2 when ``GESPREKKEN_PROCESSEN=2`` on a
    Linux machine with two or more cores, else 1."""
    wanted = os.environ.get("GESPREKKEN_PROCESSEN", "").strip()
    if wanted != "2" or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 if (cores or 1) >= 2 else 1


def split_map(
    work: Callable[[Sequence[T], int], list[R]],
    pieces: Sequence[T],
    *,
    minimum: int | None = None,
) -> list[R]:
    """``work(pieces, 1)``, the second half done by a forked helper when that pays.

    ``work`` must be pure (its result depends on its arguments and on what existed before the
    fork) and return one picklable result per piece. Its second argument is how many pieces
    each piece it does stands for in a progress count: 1 alone, 2 in this process while the
    helper does as many (0 in the helper, which shows no progress).
    """
    if len(pieces) < max(MINIMUM if minimum is None else minimum, 2) or processes() < 2:
        return work(pieces, 1)
    middle = (len(pieces) + 1) // 2
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the helper, reported through the pipe
        os.close(read)
        _helper(work, pieces[middle:], write)
    os.close(write)
    try:
        first = work(pieces[:middle], 2)
        with os.fdopen(read, "rb") as stream:
            read = -1
            try:
                status, value = pickle.load(stream)
            except EOFError:
                status, value = "error", "the helper process stopped without a result"
        _, code = os.waitpid(child, 0)
        child = 0
    finally:
        if read >= 0:
            os.close(read)
        if child:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
    if status != "ok" or os.waitstatus_to_exitcode(code) != 0:
        raise value if isinstance(value, BaseException) else RuntimeError(str(value))
    rest: list[R] = value
    return first + rest


def _helper(work: Callable[[Sequence[T], int], list[R]], pieces: Sequence[T], out: int) -> None:
    """The helper's whole life: its half, pickled down the pipe, then exit without clean-up
    (the parent's buffers, files and exit handlers are the parent's)."""
    code = 0
    try:
        gc.freeze()  # the inherited heap is not walked (nor copied) by a collection here
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        try:
            data = pickle.dumps(("ok", work(pieces, 0)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:
            try:
                data = pickle.dumps(("error", error))
            except Exception:
                data = pickle.dumps(("error", f"{type(error).__name__}: {error}"))
        with os.fdopen(out, "wb") as stream:
            stream.write(data)
    except BaseException:
        code = 1
    finally:
        os._exit(code)

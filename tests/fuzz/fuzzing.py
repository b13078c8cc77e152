"""Shared parts of the fuzzer: how many cases, how to run the CLI, how to mutate inputs.

Every input kind is fuzzed through the real command (typer's ``CliRunner`` on ``app``, the
same group and error mapping as the console script), asserting: exit 0, 1 or 2; no traceback;
each case under ``SECONDS`` and the process's peak memory under ``PEAK_MB`` above what it was
before fuzzing. ``GESPREKKEN_DEBUG=1`` prints an internal error's traceback (still exit 3),
so the failing case hypothesis shrinks to shows where the program broke.

``GESPREKKEN_FUZZ=lang`` (``make fuzz``) runs ``LONG`` cases per kind; otherwise ``SHORT``
(part of ``make test``). ``GESPREKKEN_FUZZ_CASES=N`` sets the number directly.
"""

from __future__ import annotations

import csv
import io
import os
import resource
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from gesprekken_cli.cli import app

SHORT, LONG = 25, 2000
SECONDS = 10.0
PEAK_MB = 500
ENV = {"GESPREKKEN_DEBUG": "1", "GESPREKKEN_CACHE": "uit", "SOURCE_DATE_EPOCH": "1785576600"}


def cases() -> int:
    if os.environ.get("GESPREKKEN_FUZZ_CASES"):
        return int(os.environ["GESPREKKEN_FUZZ_CASES"])
    return LONG if os.environ.get("GESPREKKEN_FUZZ", "") in ("lang", "long", "1") else SHORT


def fuzz_settings() -> settings:
    """Settings for one fuzz test; no deadline (the time bound is checked per case)."""
    return settings(
        max_examples=cases(),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


_BASELINE = _peak_mb()
COUNTS: dict[str, int] = {}


def run_cli(kind: str, args: Sequence[str]) -> Result:
    """Run ``gesprekken ARGS`` in-process and check exit code, traceback, time and memory."""
    COUNTS[kind] = COUNTS.get(kind, 0) + 1
    started = time.perf_counter()
    result = CliRunner().invoke(app, list(args), env=ENV)
    elapsed = time.perf_counter() - started
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    output = result.stdout + result.stderr
    assert result.exit_code != 3, f"interne fout:\n{result.stderr[-4000:]}"
    assert result.exit_code in (0, 1, 2), (result.exit_code, output[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    # PyYAML's English reader message ("... in "<unicode string>", position 343") leaking
    assert "<unicode string>" not in output, output[-2000:]
    assert elapsed < SECONDS, f"{kind}: {elapsed:.1f} s"
    assert _peak_mb() - _BASELINE < PEAK_MB, f"{kind}: peak {_peak_mb():.0f} MB"
    return result


TOKENS = [
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b";",
    b",",
    b'"',
    b"'",
    b"\n",
    b"\r",
    b"\r\n",
    b"\t",
    b"\x0b",  # Shift-Enter from Word
    b"\x1b",
    b"\xc2\x9b",  # a C1 control
    b"\xef\xbf\xbe",  # U+FFFE
    b" ",
    b"=",
    b"-1",
    b"0",
    b"9999",
    b"99999999999999999999999",
    b"1e309",
    b"NaN",
    b"31-02-2026",
    b"29-02-2027",
    b"9999-12-31",
    b"0001-01-01",
    b"25:61",
    b"\xe2\x80\xae",
    b"\xc3",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"- ",
    b"&",
    b"&amp;",
    b"<",
    b">",
    b"<![CDATA[",
    b"]]>",
    b"*a",
    b"&a",
    b"!!python/object:os.system",
    b"!!binary",
    b"%YAML 1.1",
    b"---",
    b"...",
    b"null",
    b"true",
    b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
]


@st.composite
def byte_mutants(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with a few byte-level changes: flips, inserts, deletes, repeats, tokens."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        size = len(data)
        at = draw(st.integers(0, max(size - 1, 0)))
        op = draw(st.sampled_from(["flip", "set", "insert", "delete", "repeat", "token", "cut"]))
        if op == "flip" and size:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and size:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete" and size:
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "repeat" and size:
            chunk = data[at : at + draw(st.integers(1, 64))]
            data[at:at] = chunk * draw(st.integers(1, 50))
        elif op == "token":
            token = draw(st.sampled_from(TOKENS))
            if draw(st.booleans()):
                data[at : at + len(token)] = token
            else:
                data[at:at] = token
        elif op == "cut":
            del data[at:]
    return bytes(data)


CELLS = [
    "",
    " ",
    "0",
    "-1",
    "13",
    "8",
    "1/2",
    "3A",
    "9999",
    "99999999999999999999",
    "1e309",
    "31-02-2026",
    "29-02-2027",
    "01-01-0001",
    "9999-12-31",
    "2026-13-01",
    "ja",
    "nee",
    "=1+1",
    "@SUM(A1)",
    "a\nb",
    "x;y",
    '"',
    "\u202eevil",
    "Zoë",
    "groep",
    "Klas",
    "Leerlingnummer",
    "x" * 300,
    "naam@example.org",
    "@",
]


def cell_values() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(CELLS), st.text(max_size=12))


@st.composite
def table_mutants(draw: st.DrawFn, rows: list[list[str]]) -> list[list[str]]:
    """A table with cells, rows and columns changed, dropped, repeated or swapped."""
    table = [list(row) for row in rows]
    for _ in range(draw(st.integers(1, 6))):
        if not table:
            table.append([draw(cell_values())])
        r = draw(st.integers(0, len(table) - 1))
        op = draw(st.sampled_from(["cell", "cell", "cell", "row-", "row+", "col-", "swap", "pad"]))
        if op == "cell" and table[r]:
            table[r][draw(st.integers(0, len(table[r]) - 1))] = draw(cell_values())
        elif op == "row-":
            del table[r]
        elif op == "row+":
            table[r:r] = [list(table[r])] * draw(st.integers(1, 5))
        elif op == "col-" and table[0]:
            c = draw(st.integers(0, len(table[0]) - 1))
            for row in table:
                del row[c : c + 1]
        elif op == "swap" and len(table[0]) > 1:
            a, b = draw(st.integers(0, len(table[0]) - 1)), draw(st.integers(0, len(table[0]) - 1))
            for row in table:
                if max(a, b) < len(row):
                    row[a], row[b] = row[b], row[a]
        elif op == "pad":
            table[r] = table[r] + [draw(cell_values())]
    return table


def write_csv(table: list[list[str]], delimiter: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(table)
    return buffer.getvalue().encode("utf-8")


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # the examples include a Windows (cp1252) export
        text = raw.decode("cp1252")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


SCALARS: list[Any] = [
    None,
    0,
    -1,
    10**12,
    1.5,
    True,
    "",
    "x",
    "31-02-2026",
    "25:61",
    "9999-12-31",
    "9999-12-31T23:59:59+01:00",
    "0001-01-01T00:00:00+00:00",
    [],
    {},
    [[[[[[[[[[]]]]]]]]]],
    {"a": {"b": {"c": {}}}},
    ["x"] * 50,
    "x" * 1000,
]


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(SCALARS), st.integers(), st.text(max_size=10))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


@st.composite
def tree_mutants(draw: st.DrawFn, tree: Any, extra: Callable[[], st.SearchStrategy[Any]]) -> Any:
    """A parsed YAML/JSON document with values replaced, removed, duplicated or nested deeper."""
    import copy

    doc = copy.deepcopy(tree)
    for _ in range(draw(st.integers(1, 5))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            return draw(extra())
        path = draw(st.sampled_from(paths))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        op = draw(st.sampled_from(["set", "set", "drop", "wrap", "copy"]))
        if op == "set":  # a copy: the same nested constant twice in one tree could become a cycle
            parent[last] = copy.deepcopy(draw(extra()))
        elif op == "drop":
            del parent[last]
        elif op == "wrap":
            parent[last] = [parent[last]] if draw(st.booleans()) else {"x": parent[last]}
        elif op == "copy" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
        elif op == "copy":
            parent[f"{last}_2"] = copy.deepcopy(parent[last])
    return doc

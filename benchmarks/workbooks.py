"""Workbook reading: python-calamine against openpyxl, and every malformed kind (issue 18.3).

Usage: ``python benchmarks/workbooks.py [ROWS]`` (default 200,000). Prints, per library, the
whole-process wall and CPU seconds and peak memory to read every row of a ROWS-row sheet, then
``gesprekken rooster`` on each malformed workbook of ``tests/xlsx_files.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from xlsx_files import hostile_workbooks, sheet_xml, workbook  # noqa: E402

READ = {
    "calamine": (
        "import io, sys; from python_calamine import CalamineWorkbook as W; "
        "b = W.from_filelike(io.BytesIO(open(sys.argv[1], 'rb').read())); "
        "print(sum(1 for _ in b.get_sheet_by_index(0).iter_rows()))"
    ),
    "openpyxl": (
        "import io, sys; from openpyxl import load_workbook; "
        "b = load_workbook(io.BytesIO(open(sys.argv[1], 'rb').read()), read_only=True, "
        "data_only=True); print(sum(1 for _ in b[b.sheetnames[0]].iter_rows(values_only=True)))"
    ),
}


def measure(command: list[str]) -> tuple[int, float, float, float, str]:
    """Exit code, wall s, CPU s, peak MB and first output line of one whole process.

    The peak comes from GNU time: a child's own ``ru_maxrss`` would include this (large)
    process, which it was forked from."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        child = subprocess.Popen(
            ["/usr/bin/time", "-o", report.name, "-f", "%M", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert child.stdout is not None
        output = child.stdout.read().decode(errors="replace")
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        peak = int(report.read().split()[-1]) / 1024
    cpu = usage.ru_utime + usage.ru_stime
    line = output.strip().splitlines()[0] if output.strip() else ""
    return os.waitstatus_to_exitcode(status), wall, cpu, peak, line


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    header = ["leerlingnummer", "roepnaam", "achternaam", "geboortedatum", "groep", "klas"]
    data = [header] + [
        [str(10_000 + i), f"Kind{i}", f"Achter{i % 977}", "05-09-2016", str(i % 8 + 1), "5A"]
        for i in range(rows)
    ]
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "groot.xlsx"
        big.write_bytes(workbook({"Blad1": sheet_xml(data)}))
        print(f"{rows}-row sheet ({big.stat().st_size // 1024} KB):")
        for name, code in READ.items():
            exit_code, wall, cpu, peak, line = measure([sys.executable, "-c", code, str(big)])
            print(f"  {name:9} wall {wall:6.1f} s  cpu {cpu:6.1f} s  peak {peak:5.0f} MB  {line}")
        print("malformed workbooks through `gesprekken rooster`:")
        fixtures = HERE.parent / "tests" / "data" / "workbooks"
        kinds = {
            **hostile_workbooks(),
            "xls-cel-in-de-verste-hoek": (fixtures / "hoek.xls").read_bytes(),
            "xls-paniek": (fixtures / "paniek.xls").read_bytes(),
        }
        for name, raw in kinds.items():
            suffix = ".ods" if name.startswith("ods") else ".xls" if name.startswith("xls") else ""
            path = Path(folder) / (name + (suffix or ".xlsx"))
            path.write_bytes(raw)
            exit_code, wall, cpu, peak, line = measure(
                [sys.executable, "-m", "gesprekken_cli", "rooster", str(path), "-j", "2026-2027"]
            )
            message = line.replace(str(path), name)[:100]
            print(f"  exit {exit_code}  wall {wall:4.1f} s  peak {peak:4.0f} MB  {message}")


if __name__ == "__main__":
    main()

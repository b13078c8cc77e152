"""Write ``rooster.xls`` (the old Excel format) and ``hoek.xls`` (a cell in the farthest
corner, IV65536, which would make the reader build 16 million cells) once: ``pip install xlwt``, then run
``python tests/data/workbooks/make_xls.py``; commit the file. The tests only read it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlwt  # type: ignore[import-untyped]

HERE = Path(__file__).resolve().parent


def main() -> None:
    book = xlwt.Workbook()
    dates = xlwt.easyxf(num_format_str="DD-MM-YYYY")
    about = book.add_sheet("Uitleg")
    about.write(0, 0, "Export uit het leerlingvolgsysteem")
    pupils = book.add_sheet("Leerlingen")
    header = ["leerlingnummer", "roepnaam", "achternaam", "geboortedatum", "groep", "klas"]
    rows = [
        [5001, "Sem", "Jansen", datetime(2018, 3, 2), 5, "5A"],
        [5002, "Zoë", "Berg", datetime(2018, 7, 14), 5, "5A"],
    ]
    for column, name in enumerate(header):
        pupils.write(1, column, name)  # row 2: a blank first row, as exports often have
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row):
            if isinstance(value, datetime):
                pupils.write(number, column, value, dates)
            else:
                pupils.write(number, column, value)
    book.save(str(HERE / "rooster.xls"))
    corner = xlwt.Workbook()
    sheet = corner.add_sheet("Leerlingen")
    sheet.write(0, 0, "leerlingnummer")
    sheet.write(65535, 255, "x")
    corner.save(str(HERE / "hoek.xls"))


if __name__ == "__main__":
    main()

# paniek.xls is rooster.xls with a few bytes changed by a fuzzer: calamine panics on it
# ("range start index 116 out of range"); kept as it was found.

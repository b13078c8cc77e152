"""Regenerate src/gesprekken_cli/data/vakanties_nl.json from the `holidays` package.

Usage: python scripts/gen_holidays.py [--check]
--check exits 1 when the committed file differs from what the package computes now.
"""

from __future__ import annotations

import json
import sys
from importlib import resources

from gesprekken_cli.data import vakanties


def main(argv: list[str]) -> int:
    if not vakanties.package_supports_school():
        print("holidays >= 0.109 (met categorie 'school') is nodig", file=sys.stderr)
        return 2
    target = resources.files("gesprekken_cli.data").joinpath(vakanties.DATA_FILE)
    text = vakanties.generate()
    if "--check" in argv:
        current = json.loads(target.read_text(encoding="utf-8"))["schooljaren"]
        if current != json.loads(text)["schooljaren"]:
            print(f"{vakanties.DATA_FILE} wijkt af van het pakket holidays", file=sys.stderr)
            return 1
        return 0
    with resources.as_file(target) as path:
        path.write_text(text, encoding="utf-8")
        print(f"{path}: {len(text.encode())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

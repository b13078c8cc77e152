"""Safe, unique file names for output folders (from ids or names; re-exported by ``output``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

_RESERVED = {"con", "prn", "aux", "nul", *(f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10))}
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

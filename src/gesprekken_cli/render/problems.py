"""Rendering of validation problems: plain text, JSON, or GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Protocol

from gesprekken_cli.errors import Problem


class HasProblems(Protocol):
    file: str

    @property
    def problems(self) -> list[Problem]: ...


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_escape(text).replace(":", "%3A").replace(",", "%2C")


def problem_record(p: Problem) -> dict[str, object]:
    """A problem as a JSON object with Dutch keys (``validate --format json``, ``meldingen``)."""
    return {
        "bestand": p.file,
        "regel": p.line,
        "kolom": p.column,
        "sleutel": p.key,
        "melding": p.message,
        "code": p.code,
        "ernst": "fout" if p.severity == "error" else "waarschuwing",
    }


def render_problems(reports: Sequence[HasProblems], fmt: str) -> str:
    """All problems of all reports in one format; empty string when there are none (text)."""
    problems = [p for report in reports for p in report.problems]
    if fmt == "json":
        items = [problem_record(p) for p in problems]
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    if fmt == "github":
        lines = []
        for p in problems:
            kind = "error" if p.severity == "error" else "warning"
            props = [f"file={_github_property(p.file)}"]
            if p.line is not None:
                props.append(f"line={p.line}")
            if p.column is not None:
                props.append(f"col={p.column}")
            title = f"gesprekken {p.code}" if p.code else "gesprekken"
            props.append(f"title={_github_property(title)}")
            text = f"{p.key}: {p.message}" if p.key else p.message
            lines.append(f"::{kind} {','.join(props)}::{_github_escape(text)}")
        return "".join(line + "\n" for line in lines)
    return "".join(p.render() + "\n" for p in problems)

"""The plan's summary as JSON (``plan --samenvatting FILE``): what is about the whole plan.

The plan itself stays a JSON array of items (:mod:`.plan_json`); this object sits beside it.
Keys (never renamed; new ones may be added): ``kwaliteit`` (the scheduler's figures, by their
Dutch names), ``meldingen`` (every warning: ``bestand``, ``regel``, ``kolom``, ``sleutel``,
``melding``, ``code``, ``ernst``, as ``validate --format json`` gives them) and
``niet_ingepland`` (``aantal`` and, per conversation type and reason, ``gesprek``, ``reden``,
``aantal``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from gesprekken_cli.plan import unplaced_counts
from gesprekken_cli.render.problems import problem_record

if TYPE_CHECKING:
    from gesprekken_cli.plan import Plan


def summary_record(plan: Plan) -> dict[str, Any]:
    """The summary object of ``plan`` (plain JSON values)."""
    return {
        "kwaliteit": dict(plan.quality),
        "meldingen": [problem_record(p) for p in plan.warnings],
        "niet_ingepland": {
            "aantal": len(plan.unplaced),
            "per_reden": [
                {"gesprek": type_id, "reden": reason, "aantal": count}
                for type_id, reason, count in unplaced_counts(plan.unplaced)
            ],
        },
    }


def render_summary(plan: Plan) -> bytes:
    """:func:`summary_record` as indented UTF-8 JSON with a final newline."""
    text = json.dumps(summary_record(plan), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")

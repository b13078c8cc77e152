"""`gesprekken schema` as editor help: it accepts the shipped rules files, every key is
described in Dutch with examples from the model (issue 19.4)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
import yaml
from support import DUIF, OKG
from typer.testing import CliRunner

from gesprekken_cli.cli import app


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(document)
    return document


def as_an_editor_reads(path: Any) -> Any:
    """The file as yaml-language-server sees it (YAML 1.2): dates are text, not date objects."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text("utf-8")), default=str))


@pytest.mark.parametrize("path", [DUIF, OKG], ids=lambda p: p.name)
def test_the_shipped_rules_files_are_valid_against_the_schema(
    schema: dict[str, Any], path: Any
) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(as_an_editor_reads(path))
    ]
    assert errors == []


def properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``properties`` entry anywhere in the schema, with a readable path."""
    if isinstance(node, dict):
        for name, value in (node.get("properties") or {}).items():
            yield f"{where}.{name}", value
        for key, value in node.items():
            yield from properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from properties(value, f"{where}[{index}]")


def test_every_property_has_a_dutch_description_and_examples(schema: dict[str, Any]) -> None:
    found = list(properties(schema))
    assert len(found) > 60
    undescribed = [where for where, value in found if not value.get("description")]
    assert undescribed == []
    without_examples = [where for where, value in found if not value.get("examples")]
    assert without_examples == []
    english = [
        where
        for where, value in found
        if any(word in value["description"].split() for word in ("the", "and", "with", "when"))
    ]
    assert english == []


def test_the_schema_rejects_what_the_tool_rejects(schema: dict[str, Any]) -> None:
    """Not a schema that accepts anything: unknown keys, bad months and groups are errors."""
    validator = jsonschema.Draft202012Validator(schema)
    good = as_an_editor_reads(DUIF)
    for broken in (
        {**good, "onbekend": 1},
        {**good, "gebeurtenissen": [{"id": "x", "naam": "X", "maand": "smarch"}]},
        {**good, "school": {**good["school"], "regio": "west"}},
        {**good, "gesprekken": [{**good["gesprekken"][0], "groepen": 9}]},
        {**good, "gesprekken": [{**good["gesprekken"][0], "status": "misschien"}]},
    ):
        assert list(validator.iter_errors(broken)), broken

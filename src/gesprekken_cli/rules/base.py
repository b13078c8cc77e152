"""The base of the rules models: frozen, no unknown keys, built on first use.

Shared by :mod:`gesprekken_cli.rules.school` (the school and its calendar) and
:mod:`gesprekken_cli.rules.model` (the conversation types and the whole :class:`Cycle`).
"""

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, model_validator


def without_docstring(schema: dict[str, Any]) -> None:
    """In the JSON schema: a class's docstring is for developers; editors show the Dutch
    ``description`` of each key (``Field(description=..., examples=...)``)."""
    schema.pop("description", None)


class RulesModel(BaseModel):
    """The base of every rules model: frozen, no unknown keys, built on first use."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        defer_build=True,
        json_schema_extra=without_docstring,
    )


class Span(RulesModel):
    """A ``begin`` and ``eind`` on one day: begin must come first (either may be unset)."""

    @model_validator(mode="after")
    def _order(self) -> Self:
        begin, end = getattr(self, "begin", None), getattr(self, "eind", None)
        if begin and end and begin >= end:
            raise ValueError(f"begin {begin:%H.%M} ligt niet voor eind {end:%H.%M}")
        return self

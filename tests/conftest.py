"""Pytest fixtures; shared paths and helpers live in ``support.py``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()

"""Pytest fixtures; shared paths and helpers live in ``support.py``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner


@pytest.fixture(scope="session", autouse=True)
def rules_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Validated rules are cached per user (rules_cache): the tests keep theirs out of the home
    folder, in one folder for the whole session, so most tests also run through the cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GESPREKKEN_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _hypothesis_profile() -> None:
    """No per-example deadline: CI's 2-core machine is shared and slow now and then."""
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "gesprekken", deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.load_profile("gesprekken")


_hypothesis_profile()

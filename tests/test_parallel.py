"""parallel.split_map: the same results in the same order, errors as one process meets them."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from gesprekken_cli import parallel
from gesprekken_cli.errors import GesprekkenError, Problem
from gesprekken_cli.parallel import split_map


@pytest.fixture(autouse=True)
def two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GESPREKKEN_PROCESSEN", "2")


def can_fork() -> bool:
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    return len(os.sched_getaffinity(0)) >= 2


forking = pytest.mark.skipif(not can_fork(), reason="no fork or one core here")


def squares(pieces: Sequence[int], weight: int) -> list[tuple[int, int, int]]:
    return [(n, n * n, os.getpid()) for n in pieces]


@forking
def test_the_second_half_runs_in_another_process_and_comes_back_in_order() -> None:
    out = split_map(squares, list(range(101)), minimum=2)
    assert [(n, square) for n, square, _ in out] == [(n, n * n) for n in range(101)]
    pids = [pid for _, _, pid in out]
    assert pids[0] == os.getpid() and pids[-1] != os.getpid()
    assert pids.count(os.getpid()) == 51


@pytest.mark.parametrize("setting", [None, "", "1", "3", "ja"])
def test_one_process_unless_asked_for_two_or_too_few(
    monkeypatch: pytest.MonkeyPatch, setting: str | None
) -> None:
    assert {pid for *_, pid in split_map(squares, list(range(10)))} == {os.getpid()}
    if setting is None:
        monkeypatch.delenv("GESPREKKEN_PROCESSEN")
    else:
        monkeypatch.setenv("GESPREKKEN_PROCESSEN", setting)
    assert parallel.processes() == 1
    out = split_map(squares, list(range(101)), minimum=2)
    assert {pid for *_, pid in out} == {os.getpid()}


def failing(at: int, error: BaseException) -> object:
    def work(pieces: Sequence[int], weight: int) -> list[int]:
        if at in pieces:
            raise error
        return list(pieces)

    return work


@forking
def test_an_error_in_the_helper_is_raised_here_with_its_problems() -> None:
    error = GesprekkenError([Problem("sjabloon.j2", "onbekende naam", line=3)], exit_code=1)
    with pytest.raises(GesprekkenError) as caught:
        split_map(failing(90, error), list(range(100)), minimum=2)  # type: ignore[arg-type]
    assert caught.value.problems == error.problems and caught.value.exit_code == 1


@forking
def test_the_first_halfs_error_wins_as_in_one_process(tmp_path: Path) -> None:
    def work(pieces: Sequence[int], weight: int) -> list[int]:
        raise ValueError(f"first piece {pieces[0]}")

    with pytest.raises(ValueError, match="first piece 0"):
        split_map(work, list(range(100)), minimum=2)


@forking
def test_weights_count_both_halves_in_this_process() -> None:
    seen: list[int] = []

    def work(pieces: Sequence[int], weight: int) -> list[int]:
        if weight:
            seen.extend([weight] * len(pieces))
        return list(pieces)

    split_map(work, list(range(100)), minimum=2)
    assert sum(seen) == 100
